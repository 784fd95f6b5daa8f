"""Protection of personal data and secrets.

Phone, ID number and address are sealed with AES-GCM under a key from the environment
(HUIYUAN_SECRET_KEY) or a key file; lookups use a keyed hash (HMAC-SHA256) so the database
never holds them in clear. API tokens are 256-bit random secrets, stored as SHA-256 digests: a
slow password hash adds nothing to a secret that cannot be guessed, and would cost the till
tens of milliseconds on every request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_VERSION = "k1"


@dataclass(frozen=True)
class Sealer:
    key: bytes

    @property
    def _enc_key(self) -> bytes:
        return hmac.new(self.key, b"huiyuan/pii-encryption", hashlib.sha256).digest()

    @property
    def _hash_key(self) -> bytes:
        return hmac.new(self.key, b"huiyuan/pii-lookup", hashlib.sha256).digest()

    def seal(self, text: str | None) -> str | None:
        if text is None or text == "":
            return None
        nonce = os.urandom(12)
        ct = AESGCM(self._enc_key).encrypt(nonce, text.encode("utf-8"), None)
        return f"{KEY_VERSION}:" + base64.urlsafe_b64encode(nonce + ct).decode("ascii")

    def open(self, sealed: str | None) -> str | None:
        if not sealed:
            return None
        _version, payload = sealed.split(":", 1)
        raw = base64.urlsafe_b64decode(payload)
        return AESGCM(self._enc_key).decrypt(raw[:12], raw[12:], None).decode("utf-8")

    def lookup_hash(self, text: str | None) -> str | None:
        if not text:
            return None
        return hmac.new(self._hash_key, text.strip().upper().encode(), hashlib.sha256).hexdigest()


def load_sealer(secret_key: str | None, key_file: str | None) -> Sealer:
    if secret_key:
        key = base64.b64decode(secret_key)
        if len(key) < 32:
            raise ValueError("HUIYUAN_SECRET_KEY must be base64 of at least 32 bytes")
        return Sealer(key)
    path = Path(key_file or "huiyuan.key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.b64encode(os.urandom(32)).decode() + "\n")
    return Sealer(base64.b64decode(path.read_text().strip()))


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id(id_number: str | None) -> str | None:
    if not id_number:
        return None
    if len(id_number) <= 8:
        return id_number[:1] + "*" * (len(id_number) - 1)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def new_token() -> tuple[str, str, str]:
    """(token_id, secret, the token a client sends)."""
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return token_id, secret, f"hy_{token_id}_{secret}"


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "hy":
        return None
    return parts[1], parts[2]


def same_digest(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
