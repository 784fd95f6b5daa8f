"""Protection of personal data and secrets.

Phone, ID number and address are sealed with AES-GCM under a key from the environment
(HUIYUAN_SECRET_KEY) or a key file; lookups use a keyed hash (HMAC-SHA256) so the database
never holds them in clear. API tokens are 256-bit random secrets, stored as SHA-256 digests: a
slow password hash adds nothing to a secret that cannot be guessed, and would cost the till
tens of milliseconds on every request.

Key rotation: every sealed value starts with the id of the key that sealed it ("k" + a short
fingerprint of the key; "k1" marks values sealed before key ids existed). A Sealer holds the
current key and any old keys: it seals and hashes with the current key and opens with whichever
key a value names; lookups try the hash under every key until `huiyuan keys rotate` has re-sealed
and re-hashed every row under the current key. Old keys come from HUIYUAN_OLD_SECRET_KEYS
(comma-separated base64) or from the later lines of the key file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_VERSION = "k1"  # values sealed before key ids: opened by trying every known key
OLD_KEYS_ENV = "HUIYUAN_OLD_SECRET_KEYS"


def key_id(key: bytes) -> str:
    """A short public name for a key: which key sealed a value, never the key itself."""
    return "k" + hmac.new(key, b"huiyuan/key-id", hashlib.sha256).hexdigest()[:10]


def _enc_key_of(key: bytes) -> bytes:
    return hmac.new(key, b"huiyuan/pii-encryption", hashlib.sha256).digest()


def _hash_key_of(key: bytes) -> bytes:
    return hmac.new(key, b"huiyuan/pii-lookup", hashlib.sha256).digest()


class UnknownKey(ValueError):
    """A sealed value that none of the configured keys opens."""


@dataclass(frozen=True)
class Sealer:
    key: bytes
    old_keys: tuple[bytes, ...] = ()

    @property
    def key_id(self) -> str:
        return key_id(self.key)

    @property
    def keys(self) -> tuple[bytes, ...]:
        """The current key first, then the old ones (no repeats)."""
        out = [self.key]
        for k in self.old_keys:
            if k not in out:
                out.append(k)
        return tuple(out)

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(key_id(k) for k in self.keys)

    @property
    def _enc_key(self) -> bytes:
        return _enc_key_of(self.key)

    @property
    def _hash_key(self) -> bytes:
        return _hash_key_of(self.key)

    @property
    def fingerprint_key(self) -> bytes:
        """Keys the idempotency fingerprints of request bodies, which may hold card passwords,
        phone and ID numbers: a plain hash of them could be reversed by trying candidates."""
        return hmac.new(self.key, b"huiyuan/request-fingerprint", hashlib.sha256).digest()

    def seal(self, text: str | None) -> str | None:
        if text is None or text == "":
            return None
        nonce = os.urandom(12)
        ct = AESGCM(self._enc_key).encrypt(nonce, text.encode("utf-8"), None)
        return f"{self.key_id}:" + base64.urlsafe_b64encode(nonce + ct).decode("ascii")

    def open(self, sealed: str | None) -> str | None:
        if not sealed:
            return None
        version, payload = sealed.split(":", 1)
        raw = base64.urlsafe_b64decode(payload)
        named = [k for k in self.keys if key_id(k) == version]
        # A value names its key; a legacy "k1" value (or an unknown id) tries every key: AES-GCM
        # authenticates, so only the right key opens it.
        for key in named or list(self.keys):
            try:
                return AESGCM(_enc_key_of(key)).decrypt(raw[:12], raw[12:], None).decode("utf-8")
            except InvalidTag:
                continue
        raise UnknownKey(f"no configured key opens a value sealed with key {version!r}")

    def sealed_with_current(self, sealed: str | None) -> bool:
        return not sealed or sealed.startswith(self.key_id + ":")

    def reseal(self, sealed: str | None) -> str | None:
        """The value sealed again under the current key (unchanged if it already is)."""
        if self.sealed_with_current(sealed):
            return sealed
        return self.seal(self.open(sealed))

    def lookup_hash(self, text: str | None) -> str | None:
        if not text:
            return None
        return hmac.new(self._hash_key, _lookup_text(text), hashlib.sha256).hexdigest()

    def lookup_hashes(self, text: str | None) -> list[str]:
        """The lookup hash under every known key, the current one first: a row not yet
        re-hashed by a rotation is still found."""
        if not text:
            return []
        return [
            hmac.new(_hash_key_of(k), _lookup_text(text), hashlib.sha256).hexdigest()
            for k in self.keys
        ]


def _lookup_text(text: str) -> bytes:
    return text.strip().upper().encode()


def _decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (ValueError, binascii.Error):
        raise ValueError(f"{what} is not valid base64") from None
    if len(key) < 32:
        raise ValueError(f"{what} must be base64 of at least 32 bytes")
    return key


def new_key_text() -> str:
    """A fresh key as written to a key file or HUIYUAN_SECRET_KEY."""
    return base64.b64encode(os.urandom(32)).decode()


def read_key_file(path: Path) -> list[bytes]:
    """The keys of a key file: the first line is the current key, later lines old keys; blank
    lines and lines starting with # are ignored."""
    lines = [ln.strip() for ln in path.read_text().splitlines()]
    keys = [ln for ln in lines if ln and not ln.startswith("#")]
    if not keys:
        raise ValueError(f"key file {path} holds no key")
    return [_decode_key(k, f"key file {path}") for k in keys]


def write_key_file(path: Path, keys: list[bytes]) -> None:
    """Replaces the key file atomically, readable by its owner only."""
    body = "".join(base64.b64encode(k).decode() + "\n" for k in keys)
    tmp = path.with_name(path.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_sealer(
    secret_key: str | None, key_file: str | None, old_keys: str | None = None
) -> Sealer:
    """The current key from HUIYUAN_SECRET_KEY (old keys from HUIYUAN_OLD_SECRET_KEYS), or else
    from a key file created on first use (old keys on its later lines)."""
    if old_keys is None:
        old_keys = os.environ.get(OLD_KEYS_ENV)
    extra = [_decode_key(k, OLD_KEYS_ENV) for k in (old_keys or "").split(",") if k.strip()]
    if secret_key:
        return Sealer(_decode_key(secret_key, "HUIYUAN_SECRET_KEY"), tuple(extra))
    path = Path(key_file or "huiyuan.key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(new_key_text() + "\n")
    keys = read_key_file(path)
    return Sealer(keys[0], tuple(keys[1:]) + tuple(extra))


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


def mask_name(name: str | None) -> str | None:
    """王芳 → 王*; the family name alone says who among the members it is not."""
    if not name:
        return None
    return name[:1] + "*" * max(len(name) - 1, 1)


def mask_address(address: str | None) -> str | None:
    """The first few characters (province or city) and stars."""
    if not address:
        return None
    return address[:3] + "****"


# An 18-character 身份证 number, and a mainland mobile (with or without +86), inside free text.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(\+?86)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """Masks ID numbers and mobile numbers wherever they appear in a log line or a message."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1)[:4] + "*" * 10 + m.group(3)[-4:], text)
    return _MOBILE_IN_TEXT.sub(
        lambda m: (m.group(1) or "") + m.group(2) + "****" + m.group(4), text
    )


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
