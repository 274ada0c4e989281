"""An ``EmbeddingCache`` backed by ``embeddings``: re-running with other clustering settings, or after
a crash, reuses every vector already computed (each batch is committed as soon as it is embedded). It is
also the run's ``KnnStore`` (table ``knn_searches``): a re-run with other settings skips the k-NN searches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection, Engine

from service.models import StoredEmbedding, StoredKnn, utcnow
from synthesis.embed.cache import knn_blobs, knn_from_blobs, knn_overflow

_TABLE = StoredEmbedding.__table__  # type: ignore[attr-defined]
_KNN = StoredKnn.__table__  # type: ignore[attr-defined]


def _insert_ignore(dialect: str, table=_TABLE):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=["key"])


class DBEmbeddingCache:
    """Vectors stored as float32 bytes, so a cached vector is bitwise the one computed.

    Given an engine, each read and write has its own connection (a write commits at once); given a connection,
    they go through it, in its transaction: the way for a caller that holds a lock, which on SQLite is the
    whole database's, so that another connection's write would wait for it (``service.review.store``)."""

    def __init__(self, engine: Engine | Connection) -> None:
        self.engine = engine

    def _reading(self) -> AbstractContextManager[Connection]:
        return nullcontext(self.engine) if isinstance(self.engine, Connection) else self.engine.connect()

    def _writing(self) -> AbstractContextManager[Connection]:
        return nullcontext(self.engine) if isinstance(self.engine, Connection) else self.engine.begin()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with self._reading() as conn:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                rows = conn.execute(select(_TABLE.c.key, _TABLE.c.vector).where(_TABLE.c.key.in_(chunk)))
                for key, blob in rows:
                    out[key] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        rows = []
        for key, vec in items:
            arr = np.asarray(vec, dtype=np.float32)
            rows.append({"key": key, "dimension": int(arr.shape[0]), "vector": arr.tobytes()})
        if not rows:
            return
        with self._writing() as conn:
            conn.execute(_insert_ignore(self.engine.dialect.name), rows)

    def get_knn(self, key: str) -> tuple[np.ndarray, np.ndarray] | None:
        with self._reading() as conn:
            row = conn.execute(select(_KNN.c.k, _KNN.c.idx, _KNN.c.dist).where(_KNN.c.key == key)).first()
        return None if row is None else knn_from_blobs(*row)

    def put_knn(self, key: str, idx: np.ndarray, dist: np.ndarray) -> None:
        """Store a search, then delete the oldest beyond ``KNN_KEEP_BYTES``."""
        row = dict(zip(("key", "k", "idx", "dist"), (key, *knn_blobs(idx, dist)), strict=True))
        with self._writing() as conn:
            conn.execute(_insert_ignore(self.engine.dialect.name, _KNN), [row | {"created_at": utcnow()}])
            size = func.length(_KNN.c.idx) + func.length(_KNN.c.dist)
            newest_first = conn.execute(
                select(_KNN.c.key, size).order_by(_KNN.c.created_at.desc(), _KNN.c.key.desc())
            )
            drop = knn_overflow((k, int(n)) for k, n in newest_first)
            if drop:
                conn.execute(delete(_KNN).where(_KNN.c.key.in_(drop)))

    def __len__(self) -> int:
        with self._reading() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM embeddings").scalar_one())


class HeldCache(DBEmbeddingCache):
    """The stored vectors read, the new ones kept in ``held`` instead of stored: for a caller that stores them
    only once it knows it may (a split computed before its run's lock: ``service.review.store``)."""

    def __init__(self, engine: Engine | Connection, held: dict[str, np.ndarray]) -> None:
        super().__init__(engine)
        self.held = held

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found = super().get_many(keys)
        return found | {k: self.held[k] for k in keys if k in self.held and k not in found}

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        self.held.update((key, np.asarray(vec, dtype=np.float32)) for key, vec in items)
