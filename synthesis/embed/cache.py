"""Embedding cache keyed by (embedder model id, hash of the normalised text).

Vectors are stored as float32 bytes, so a cached vector is bitwise the one computed; since every backend
embeds a text independently of its neighbours (see ``use_multilingual``), a cache warmed by another
consultation cannot change a run's result.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from synthesis.errors import CacheFileError, os_reason


def text_key(model_id: str, text: str) -> str:
    """Cache key of one text for one model: sha256 over the model id and the text."""
    return hashlib.sha256(f"{model_id}\x00{text}".encode()).hexdigest()


def knn_blobs(idx: np.ndarray, dist: np.ndarray) -> tuple[int, bytes, bytes]:
    """A k-NN search as stored: k, indices as int32 bytes, distances as float32 bytes (row-major)."""
    return int(idx.shape[1]), idx.astype(np.int32).tobytes(), dist.astype(np.float32).tobytes()


# The k-NN searches kept: the most recently stored within this many bytes (a search of 100,000 texts weighs 12 MB,
# the assignment of a million texts to a sampled fit 78 MB); older ones are deleted when a new one is stored.
KNN_KEEP_BYTES = 1 << 30


def knn_overflow(newest_first: Iterable[tuple[str, int]], budget: int | None = None) -> list[str]:
    """Keys of the stored searches to delete, given ``(key, bytes)`` from the newest to the oldest: all those
    past ``budget`` (``KNN_KEEP_BYTES``) bytes, counted from the newest, which is always kept."""
    budget = KNN_KEEP_BYTES if budget is None else budget
    drop, total = [], 0
    for i, (key, size) in enumerate(newest_first):
        total += size
        if i and total > budget:
            drop.append(key)
    return drop


def knn_from_blobs(k: int, idx: bytes, dist: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The (n, k) indices (int64) and distances (float32) that :func:`knn_blobs` stored."""
    return (
        np.frombuffer(idx, dtype=np.int32).astype(np.int64).reshape(-1, k),
        np.frombuffer(dist, dtype=np.float32).reshape(-1, k).copy(),
    )


CACHE_TABLES = frozenset({"embeddings", "knn"})


def cache_reason(exc: OSError | sqlite3.Error) -> tuple[str, str]:
    """Why the cache file could not be opened, in French and in English."""
    if isinstance(exc, OSError):
        return os_reason(exc)
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        return (
            "ce n'est pas une base SQLite (fichier abîmé ?)",
            "it is not an SQLite database (damaged file?)",
        )
    return f"erreur SQLite : {exc}", f"SQLite error: {exc}"


def cache_error(path: Path, reason_fr: str, reason_en: str) -> CacheFileError:
    return CacheFileError(
        f"Le cache d'embeddings {path} ne peut pas servir : {reason_fr} ; il n'est pas modifié.",
        f"The embedding cache {path} cannot be used: {reason_en}; it is left as it is.",
        value=str(path),
    )


def refuse_foreign_tables(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database holding other tables than the cache's: it is not a cache, and is not changed."""
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    foreign = sorted(name for (name,) in rows if name not in CACHE_TABLES and not name.startswith("sqlite_"))
    if foreign:
        tables = ", ".join(foreign)
        raise cache_error(
            path,
            f"c'est une base SQLite qui n'est pas un cache d'embeddings (tables : {tables})",
            f"it is an SQLite database that is not an embedding cache (tables: {tables})",
        )


def create_tables(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    # A cache: after a power cut it may lack the last batches (they are embedded again), never be corrupt;
    # so no fsync at every batch's commit.
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
    # k-NN searches of large questions (synthesis.neighbours.knn): indices (int32) and distances (float32)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS knn (key TEXT PRIMARY KEY, k INTEGER NOT NULL, idx BLOB NOT NULL, "
        "dist BLOB NOT NULL)"
    )
    conn.commit()


class EmbeddingCache(Protocol):
    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None: ...


class MemoryCache:
    """A dict; for tests and one-off runs."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._knn: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.dtype = np.float32

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        return {k: np.frombuffer(self._data[k], dtype=np.float32) for k in keys if k in self._data}

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        for key, vec in items:
            self._data[key] = np.asarray(vec, dtype=np.float32).tobytes()

    def __len__(self) -> int:
        return len(self._data)

    def get_knn(self, key: str) -> tuple[np.ndarray, np.ndarray] | None:
        return self._knn.get(key)

    def put_knn(self, key: str, idx: np.ndarray, dist: np.ndarray) -> None:
        self._knn[key] = (idx.copy(), dist.copy())


class SQLiteCache:
    """A file cache (SQLite: vectors, and the k-NN searches of large questions), safe to share between
    processes of one machine."""

    def __init__(self, path: str | Path) -> None:
        """Open (or create) the cache at ``path``; :class:`CacheFileError` when it is a folder, not SQLite, or
        another program's database (which is left untouched, never emptied)."""
        self.path = Path(path)
        self._lock = threading.Lock()
        if self.path.is_dir():
            raise cache_error(self.path, "c'est un dossier", "it is a folder")
        try:
            self._conn = self._open()
        except (OSError, sqlite3.Error) as exc:
            raise cache_error(self.path, *cache_reason(exc)) from exc

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), timeout=60, check_same_thread=False)
        try:
            refuse_foreign_tables(conn, self.path)
            create_tables(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(f"SELECT key, vector FROM embeddings WHERE key IN ({marks})", chunk)
                for key, blob in rows:
                    out[key] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items]
        with self._lock:
            self._conn.executemany("INSERT OR REPLACE INTO embeddings (key, vector) VALUES (?, ?)", rows)
            self._conn.commit()

    def get_knn(self, key: str) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            row = self._conn.execute("SELECT k, idx, dist FROM knn WHERE key = ?", (key,)).fetchone()
        return None if row is None else knn_from_blobs(*row)

    def put_knn(self, key: str, idx: np.ndarray, dist: np.ndarray) -> None:
        """Store a search (a new row: the newest), then delete the oldest beyond ``KNN_KEEP_BYTES``."""
        row = (key, *knn_blobs(idx, dist))
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO knn (key, k, idx, dist) VALUES (?, ?, ?, ?)", row)
            sizes = self._conn.execute("SELECT key, length(idx) + length(dist) FROM knn ORDER BY rowid DESC")
            drop = knn_overflow(sizes)
            self._conn.executemany("DELETE FROM knn WHERE key = ?", [(k,) for k in drop])
            self._conn.commit()

    def close(self) -> None:
        self._conn.close()
