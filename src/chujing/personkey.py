"""The keyed hash that turns a person identifier into a person key (design principle 5).

The ledger and scan manifests keep only ``person_hash(key, "<type>:<identifier>")``: BLAKE2b in
keyed mode, 128-bit digests. Without the key the hashes cannot be reversed by enumerating the
(small) space of ID or phone numbers; the key therefore lives outside any database.

Where the key comes from, first match wins:

1. ``CHUJING_KEY``: the key itself, as hex (32+ hex digits) or standard/urlsafe base64, decoding
   to at least 16 bytes (at most 64, BLAKE2b's key limit).
2. ``CHUJING_KEY_FILE``: path of a file holding 16-64 raw bytes.
3. ``$CHUJING_HOME/key``, else ``~/.local/share/chujing/key``: created on first use with 32
   random bytes and mode 0600.

A stored ``key_fingerprint(key)`` lets a ledger refuse hashes made under another key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from chujing.errors import StoreError

KEY_MIN_BYTES = 16
KEY_MAX_BYTES = 64  # BLAKE2b's key limit
DIGEST_BYTES = 16  # 128 bits
_FINGERPRINT_LABEL = b"chujing person-key fingerprint v1"

# Identifier type prefixes: the same digits as an ID number and as a phone never collide.
ID_TYPES = ("rid", "passport", "permit", "phone", "email", "name_address", "custom")


def default_key_path() -> Path:
    """Where the key file lives when neither environment variable names a key."""
    home = os.environ.get("CHUJING_HOME")
    if home:
        return Path(home) / "key"
    return Path.home() / ".local" / "share" / "chujing" / "key"


def _decode_key_text(text: str) -> bytes:
    text = text.strip()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        b64 = text.replace("-", "+").replace("_", "/")
        try:
            raw = base64.b64decode(b64 + "=" * (-len(b64) % 4), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise StoreError("CHUJING_KEY is neither hex nor base64", field="CHUJING_KEY") from exc
    return _check_length(raw, "CHUJING_KEY")


def _check_length(raw: bytes, where: str) -> bytes:
    if not KEY_MIN_BYTES <= len(raw) <= KEY_MAX_BYTES:
        raise StoreError(
            f"person key must be {KEY_MIN_BYTES}-{KEY_MAX_BYTES} bytes, got {len(raw)}", file=where
        )
    return raw


def _create_key_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    # O_EXCL: two processes starting at once must not both write a key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _check_length(path.read_bytes(), str(path))
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def load_key() -> bytes:
    """Return the person key (see the module docstring for where it is looked for)."""
    env_key = os.environ.get("CHUJING_KEY")
    if env_key:
        return _decode_key_text(env_key)
    env_file = os.environ.get("CHUJING_KEY_FILE")
    path = Path(env_file) if env_file else default_key_path()
    if path.exists():
        try:
            return _check_length(path.read_bytes(), str(path))
        except OSError as exc:
            raise StoreError(f"cannot read key file: {exc.strerror}", file=str(path)) from exc
    if env_file:
        raise StoreError("key file named by CHUJING_KEY_FILE does not exist", file=str(path))
    try:
        return _create_key_file(path)
    except OSError as exc:
        raise StoreError(f"cannot create key file: {exc.strerror}", file=str(path)) from exc


def key_fingerprint(key: bytes) -> str:
    """A keyed BLAKE2b of a fixed label: safe to store, equal only for the same key."""
    return hashlib.blake2b(_FINGERPRINT_LABEL, key=key, digest_size=16).hexdigest()


def person_hash(key: bytes, normalized_identifier: str) -> bytes:
    """128-bit keyed hash of a type-prefixed identifier such as ``rid:11010519491231002X``."""
    if ":" not in normalized_identifier:
        raise ValueError("identifier must carry its type prefix, e.g. 'phone:13812345678'")
    return hashlib.blake2b(
        normalized_identifier.encode("utf-8"), key=key, digest_size=DIGEST_BYTES
    ).digest()


def person_hashes(key: bytes, identifiers: Iterable[str]) -> list[bytes]:
    """`person_hash` over many identifiers; the keyed state is built once and copied."""
    base = hashlib.blake2b(key=key, digest_size=DIGEST_BYTES)
    out = []
    for ident in identifiers:
        h = base.copy()
        h.update(ident.encode("utf-8"))
        out.append(h.digest())
    return out


def hash_series(key: bytes, identifiers):  # -> pl.Series (polars imported lazily)
    """Vectorised entry point for a Polars Utf8 Series: returns a Binary Series of hashes.

    Hashing is per value in C (hashlib); callers hash distinct identifiers only, so the cost is
    one digest per person, not per row.
    """
    import polars as pl

    values = identifiers.to_list()
    return pl.Series(identifiers.name, person_hashes(key, values), dtype=pl.Binary)
