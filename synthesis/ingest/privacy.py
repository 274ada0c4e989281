"""Pseudonymisation of author identifiers (RGPD): an HMAC-SHA256 keyed by the deployment's secret.

The raw identifier is used only to compute the pseudonym and is never stored in a Contribution (nor its
``extra``). The same (identifier, secret) pair always gives the same pseudonym, so "one author, many
contributions" stays visible; without the secret the raw identifier cannot be recovered nor confirmed by brute
force over a known list.
"""

from __future__ import annotations

import hashlib
import hmac

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


def author_ref(raw: str | None, secret: bytes) -> str | None:
    """Pseudonym of ``raw``, or None when the export gives no author."""
    if raw is None:
        return None
    raw = raw.strip()
    return pseudonymise(raw, secret) if raw else None
