"""Errors of the synthesis library.

Every error carries a stable ``code`` (mapped to an HTTP status by the service), the offending value, and a
message in French (the default shown to users) and in English.
"""

from __future__ import annotations

import errno
from typing import Any


class SynthesisError(Exception):
    """Base class of every error the library raises on purpose."""

    code = "synthesis_error"

    def __init__(self, message_fr: str, message_en: str, *, value: Any = None, **details: Any) -> None:
        super().__init__(message_fr)
        self.message_fr = message_fr
        self.message_en = message_en
        self.value = value
        self.details = details

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang.startswith("en") else self.message_fr

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message(lang)}
        if self.value is not None:
            out["value"] = str(self.value)
        out.update({k: v for k, v in self.details.items() if v is not None})
        return out


class InputFileError(SynthesisError):
    """The uploaded or given file cannot be read as the expected format."""

    code = "invalid_file"


class EmptyFileError(InputFileError):
    """The file holds no data row."""

    code = "empty_file"


class EncodingError(InputFileError):
    """The file's character encoding cannot be determined or decoded."""

    code = "invalid_encoding"


class MappingError(InputFileError):
    """A mapped column (text, id, …) is absent from the file's header."""

    code = "invalid_mapping"


class ArchiveError(InputFileError):
    """A ZIP export cannot be read: corrupt, too many members, or no member holding contributions."""

    code = "invalid_archive"


class ArchiveTooLargeError(ArchiveError):
    """A ZIP export unpacks to more bytes than allowed (a member, or all of them together)."""

    code = "archive_too_large"


class FormatDetectionError(InputFileError):
    """No known export format matches the file's header."""

    code = "unknown_format"


class SettingsError(SynthesisError):
    """A run setting is out of range or inconsistent with the data."""

    code = "invalid_settings"


class BackendNotInstalledError(SynthesisError):
    """An optional embedding backend's package is not installed."""

    code = "backend_not_installed"


class UnknownEmbedderError(SynthesisError):
    """No embedding backend is registered under that name."""

    code = "unknown_embedder"


class BinaryFileError(InputFileError):
    """The file is binary (or of an unsupported kind), not a text export, a workbook or JSON."""

    code = "binary_file"


class UnterminatedQuoteError(InputFileError):
    """A quoted CSV field opens and never closes before the end of the file."""

    code = "unterminated_quote"


class UnsupportedLanguageError(SynthesisError):
    """A report was asked in a language the library does not render (issue 7: fr or en)."""

    code = "unsupported_language"


class OutputFileError(SettingsError):
    """The report cannot be written where it was asked (no such folder, a folder, no right to write)."""

    code = "invalid_output"


class CacheFileError(SettingsError):
    """The embedding cache file cannot be opened as one (a folder, not SQLite, another program's database)."""

    code = "invalid_cache"


class SecretFileError(SettingsError):
    """The pseudonymisation key file cannot be read as a key (unreadable, not text, empty)."""

    code = "invalid_secret"


# Why a file operation failed, by errno, in French and in English (``strerror`` is English only)
_OS_REASONS = {
    errno.ENOENT: ("il n'existe pas", "it does not exist"),
    errno.EISDIR: ("c'est un dossier", "it is a folder"),
    errno.EEXIST: ("un fichier du même nom existe déjà", "a file of that name already exists"),
    errno.ENOTDIR: ("un élément du chemin n'est pas un dossier", "a part of the path is not a folder"),
    errno.EACCES: ("accès refusé", "permission denied"),
    errno.EPERM: ("accès refusé", "permission denied"),
    errno.EROFS: ("système de fichiers en lecture seule", "read-only file system"),
    errno.ENOSPC: ("plus de place sur le disque", "no space left on device"),
    errno.EIO: ("erreur de lecture ou d'écriture du support", "input/output error"),
    errno.EBUSY: ("il est occupé par un autre programme", "it is busy with another program"),
}


def os_reason(exc: OSError) -> tuple[str, str]:
    """Why ``exc`` happened, in French and in English (its ``strerror`` when its errno is not listed)."""
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    reason = exc.strerror or type(exc).__name__
    return reason, reason
