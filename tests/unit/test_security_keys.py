"""Sealing with key ids, key rings from the environment or a key file, and masking."""

from __future__ import annotations

import base64
import os
import stat

import pytest

from huiyuan.security import (
    Sealer,
    UnknownKey,
    key_id,
    load_sealer,
    mask_address,
    mask_id,
    mask_name,
    mask_phone,
    read_key_file,
    write_key_file,
)

A, B = b"a" * 32, b"b" * 32


def test_a_sealed_value_names_its_key_and_only_a_known_key_opens_it():
    old, new = Sealer(A), Sealer(B, (A,))
    sealed = old.seal("13800138000")
    assert sealed is not None and sealed.startswith(key_id(A) + ":")
    assert new.open(sealed) == "13800138000"
    assert not new.sealed_with_current(sealed)
    resealed = new.reseal(sealed)
    assert resealed is not None and resealed.startswith(new.key_id + ":")
    assert new.reseal(resealed) == resealed  # already current: untouched
    with pytest.raises(UnknownKey):
        Sealer(B).open(sealed)
    assert old.seal(None) is None and old.seal("") is None and old.open(None) is None


def test_lookup_hashes_try_every_key_current_first():
    ring = Sealer(B, (A,))
    assert ring.lookup_hashes("13800138000") == [
        Sealer(B).lookup_hash("13800138000"),
        Sealer(A).lookup_hash("13800138000"),
    ]
    assert ring.lookup_hash(" 11010519491231002x ") == ring.lookup_hash("11010519491231002X")
    assert ring.lookup_hashes(None) == []


def test_keys_from_the_environment():
    text = base64.b64encode(B).decode()
    old = base64.b64encode(A).decode()
    sealer = load_sealer(text, None, old_keys=f" {old} ,")
    assert (sealer.key, sealer.old_keys) == (B, (A,))
    with pytest.raises(ValueError, match="at least 32 bytes"):
        load_sealer(base64.b64encode(b"short").decode(), None, old_keys="")
    with pytest.raises(ValueError, match="base64"):
        load_sealer("not base64!", None, old_keys="")


def test_a_key_file_is_created_private_and_holds_old_keys_below(tmp_path):
    path = tmp_path / "keys" / "huiyuan.key"
    first = load_sealer(None, str(path), old_keys="")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    write_key_file(path, [B, first.key])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert read_key_file(path) == [B, first.key]
    ring = load_sealer(None, str(path), old_keys="")
    assert (ring.key, ring.old_keys) == (B, (first.key,))
    path.write_text("# comment\n\n" + base64.b64encode(A).decode() + "\n")
    assert load_sealer(None, str(path), old_keys="").key == A


def test_masks():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_id("110101199003071238") == "1101**********1238"
    assert mask_name("王芳") == "王*"
    assert mask_address("北京市朝阳区建国路1号") == "北京市****"
    assert (mask_phone(None), mask_id(""), mask_name(None), mask_address(None)) == (None,) * 4
