"""Encryption of resident ID numbers at rest.

Fernet (AES-128-CBC + HMAC) from `cryptography`; MultiFernet lets a key be
rotated: the first key encrypts, all keys decrypt. The digest is a keyed HMAC
so the same number can be found (and kept unique) without decrypting rows.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def embedded_key(path):
    """A key kept in a file beside the embedded database, made on first use."""
    if not path.exists():
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_text().strip()


@lru_cache(maxsize=1)
def _fernet(keys):
    return MultiFernet([Fernet(key) for key in keys])


def _keys():
    keys = tuple(settings.PARTYFLOW_FIELD_KEYS)
    if not keys:
        raise RuntimeError("PARTYFLOW_FIELD_KEYS is not set")
    return keys


def encrypt(text: str) -> str:
    return _fernet(_keys()).encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(_keys()).decrypt(token.encode()).decode()


def digest(text: str) -> str:
    # The digest key is derived from the newest key: rotating keys means
    # re-digesting, which `manage.py rotate_field_keys` would do (not needed yet).
    key = base64.urlsafe_b64decode(_keys()[0])
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
