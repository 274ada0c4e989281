"""Pseudonymisation of author identifiers (RGPD): an HMAC-SHA256 keyed by the deployment's secret.

The raw identifier is used only to compute the pseudonym and is never stored in a Contribution (nor its
``extra``). The same (identifier, secret) pair always gives the same pseudonym, so "one author, many
contributions" stays visible; without the secret the raw identifier cannot be recovered nor confirmed by brute
force over a known list.

An identifier is compared as people write it, not byte for byte (:func:`identity_key`): a spreadsheet's
"Jean Dupont", " jean  DUPONT " and "Jean Dupont" with another accent are one author, and so are
"Jean.Dupont@Mail.fr" and "jean.dupont@mail.fr"; a placeholder ("Anonyme", "n/a", "-") is no author at all,
never one "very active author" holding every anonymous answer.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from synthesis.prepare import strip_accents

#: Hex characters kept from the digest: 96 bits, ample against collisions within one consultation.
PSEUDONYM_LENGTH = 24


def pseudonymise(raw: str, secret: bytes) -> str:
    """Stable pseudonym of an author identifier, ``"a_" + 24 hex chars`` of HMAC-SHA256(secret, raw).

    Parameters
    ----------
    raw : str The identifier as found in the export (stripped by the caller).
    secret : bytes The per-deployment key. An empty key still hides the id from casual reading but not from
    someone who can guess candidate ids: the service must pass its own secret.
    """
    digest = hmac.new(secret, raw.encode("utf-8"), hashlib.sha256).hexdigest()
    return "a_" + digest[:PSEUDONYM_LENGTH]


#: Folded author values that name nobody: forms and exports write them for an anonymous or deleted author.
PLACEHOLDER_AUTHORS = frozenset(
    {
        "anonyme",
        "anonymous",
        "anon",
        "inconnu",
        "inconnue",
        "unknown",
        "n/a",
        "n.a.",
        "na",
        "nc",
        "n.c.",
        "non renseigne",
        "non renseignee",
        "non communique",
        "none",
        "null",
        "nan",
        "utilisateur supprime",
        "participant supprime",
        "participante supprimee",
        "compte supprime",
        "deleted user",
        "deleted participant",
    }
)


_NOT_ALNUM = re.compile(r"[\W_]+")  # Python's \w is str.isalnum() and the underscore


def _letters(key: str) -> str:
    """``key``'s letters and digits only: a placeholder as written with any punctuation ("#N/A", "Anonyme.",
    "non-renseigné", "Inconnu(e)")."""
    return _NOT_ALNUM.sub("", key)


_PLACEHOLDER_LETTERS = frozenset(map(_letters, PLACEHOLDER_AUTHORS))


def identity_key(raw: str) -> str | None:
    """``raw`` as authors are compared: Unicode-normalised (NFKC), accents removed, case folded, spaces
    collapsed; None when it names nobody (empty, no letter or digit, or a :data:`PLACEHOLDER_AUTHORS`
    whatever its punctuation: a spreadsheet's "#N/A", "Anonyme.", "non-renseigné")."""
    key = " ".join(strip_accents(unicodedata.normalize("NFKC", raw)).casefold().split())
    letters = _letters(key)
    if not letters or letters in _PLACEHOLDER_LETTERS:
        return None
    return key


def author_ref(raw: str | None, secret: bytes) -> str | None:
    """Pseudonym of ``raw`` (of its :func:`identity_key`), or None when the export gives no author."""
    key = identity_key(raw) if raw is not None else None
    return pseudonymise(key, secret) if key is not None else None
