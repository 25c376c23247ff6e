"""Passwords, random tokens, token hashes and signed values."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

TOKEN_BYTES = 18  # 144 bits of entropy for invitation and session tokens

_password_hash = PasswordHash((Argon2Hasher(),))
_DUMMY_HASH = _password_hash.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Check ``password``; without a hash, spend the same time and answer ``False``."""
    if password_hash is None:
        _password_hash.verify(password, _DUMMY_HASH)
        return False
    try:
        return _password_hash.verify(password, password_hash)
    except Exception:  # a malformed stored hash never authenticates
        return False


def new_token() -> str:
    """A URL-safe random token with 144 bits of entropy."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time equality of two strings (``False`` if either is missing)."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode(), b.encode())


class Signer:
    """Signs small JSON values with the secret key, each purpose under its own salt."""

    def __init__(self, secret_key: str):
        self._secret = secret_key

    def dumps(self, value, *, salt: str) -> str:
        return URLSafeTimedSerializer(self._secret, salt=salt).dumps(value)

    def loads(self, text: str | None, *, salt: str, max_age: int):
        """The signed value, or ``None`` if it is missing, forged or older than ``max_age`` s."""
        if not text:
            return None
        try:
            return URLSafeTimedSerializer(self._secret, salt=salt).loads(text, max_age=max_age)
        except (BadSignature, UnicodeError, ValueError):
            return None


class Sealer:
    """Authenticated encryption (AES-256-GCM) of answer sets waiting to join their
    team's batch, under a key derived (HKDF-SHA256) from the secret key. Earlier secret
    keys still open what they sealed, so that changing the key loses nothing."""

    PURPOSE = b"aad pending answers v1"

    def __init__(self, secret_key: str, previous: tuple[str, ...] = ()):
        self._keys = [AESGCM(self._derive(k)) for k in (secret_key, *previous)]

    @classmethod
    def _derive(cls, secret: str) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=cls.PURPOSE).derive(secret.encode())

    def seal(self, data: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._keys[0].encrypt(nonce, data, self.PURPOSE)

    def open(self, blob: bytes) -> bytes:
        """The sealed bytes; ``ValueError`` if no known key opens them."""
        for key in self._keys:
            try:
                return key.decrypt(blob[:12], blob[12:], self.PURPOSE)
            except InvalidTag:
                continue
        raise ValueError("sealed with an unknown key")


class LinkSealer(Sealer):
    """The same encryption, under a key of its own, for the personal links of e-mail
    participants: kept so that a reminder carries the link of the invitation."""

    PURPOSE = b"aad participant links v1"
