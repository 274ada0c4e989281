"""An ``EmbeddingCache`` backed by ``embeddings``: re-running with other clustering settings, or after
a crash, reuses every vector already computed (each batch is committed as soon as it is embedded)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from service.models import StoredEmbedding

_TABLE = StoredEmbedding.__table__  # type: ignore[attr-defined]


def _insert_ignore(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(_TABLE).on_conflict_do_nothing(index_elements=["key"])


class DBEmbeddingCache:
    """Vectors stored as float32 bytes, so a cached vector is bitwise the one computed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with self.engine.connect() as conn:
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
        with self.engine.begin() as conn:
            conn.execute(_insert_ignore(self.engine.dialect.name), rows)

    def __len__(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM embeddings").scalar_one())
