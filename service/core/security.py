"""API keys: random tokens, stored as sha256 only."""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "sk_"


def new_api_key() -> str:
    """A fresh key (shown once, never stored in clear)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    """sha256 hex of the key: enough for 256-bit random tokens (no salt or slow hash needed)."""
    return hashlib.sha256(key.encode()).hexdigest()
