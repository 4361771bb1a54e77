import base64
import hashlib
import os
import stat

import polars as pl
import pytest

from chujing import personkey
from chujing.errors import StoreError


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for var in ("CHUJING_KEY", "CHUJING_KEY_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CHUJING_HOME", str(tmp_path))
    return tmp_path


def test_key_file_created_once_with_mode_0600(clean_env):
    key = personkey.load_key()
    path = clean_env / "key"
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert personkey.load_key() == key


def test_env_key_hex_and_base64(clean_env, monkeypatch):
    raw = bytes(range(16))
    monkeypatch.setenv("CHUJING_KEY", raw.hex())
    assert personkey.load_key() == raw
    monkeypatch.setenv("CHUJING_KEY", base64.b64encode(raw).decode())
    assert personkey.load_key() == raw
    monkeypatch.setenv("CHUJING_KEY", base64.urlsafe_b64encode(b"\xfb" * 20).decode().rstrip("="))
    assert personkey.load_key() == b"\xfb" * 20


@pytest.mark.parametrize("value", ["abcd", "not base64 !!", (b"x" * 65).hex()])
def test_env_key_rejected(clean_env, monkeypatch, value):
    monkeypatch.setenv("CHUJING_KEY", value)
    with pytest.raises(StoreError):
        personkey.load_key()


def test_key_file_env(clean_env, monkeypatch):
    path = clean_env / "other"
    path.write_bytes(b"k" * 24)
    monkeypatch.setenv("CHUJING_KEY_FILE", str(path))
    assert personkey.load_key() == b"k" * 24
    monkeypatch.setenv("CHUJING_KEY_FILE", str(clean_env / "missing"))
    with pytest.raises(StoreError, match="does not exist"):
        personkey.load_key()


def test_hash_is_keyed_blake2b_and_type_prefixed():
    key = b"0" * 32
    h = personkey.person_hash(key, "rid:11010519491231002X")
    assert h == hashlib.blake2b(b"rid:11010519491231002X", key=key, digest_size=16).digest()
    assert len(h) == 16
    assert personkey.person_hash(key, "phone:13812345678") != personkey.person_hash(
        key, "rid:13812345678")
    assert personkey.person_hash(b"1" * 32, "rid:11010519491231002X") != h
    with pytest.raises(ValueError):
        personkey.person_hash(key, "13812345678")


def test_fingerprint_depends_on_key_only():
    assert personkey.key_fingerprint(b"a" * 16) == personkey.key_fingerprint(b"a" * 16)
    assert personkey.key_fingerprint(b"a" * 16) != personkey.key_fingerprint(b"b" * 16)
    assert len(personkey.key_fingerprint(b"a" * 16)) == 32


def test_vectorised_equals_scalar():
    key = os.urandom(32)
    idents = [f"phone:1381234{i:04d}" for i in range(500)] + ["email:a@b.cn", "rid:中文"]
    series = personkey.hash_series(key, pl.Series("k", idents))
    assert series.dtype == pl.Binary
    assert series.to_list() == [personkey.person_hash(key, i) for i in idents]
