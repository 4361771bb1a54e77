"""The scan manifest: what `chujing assess --manifest` and the ledger read.

One Parquet file:

- one row per distinct natural person, sorted by key, with two columns:
  - ``person_key`` (binary, 16 bytes): BLAKE2b keyed hash of the type-prefixed normalised
    identifier (chujing.personkey.person_hash), never the identifier itself;
  - ``categories`` (uint32): bit mask of the PI categories found for that person, bit *i*
    meaning ``summary["category_bits"][i]``;
- the summary as JSON in the Parquet key-value metadata under ``chujing.manifest``:
  ``format`` ("chujing-scan-manifest"), ``version`` (1), ``as_of``, ``profile`` (id of the
  sensitivity profile applied), ``sensitive_categories_of_profile``, ``key_fingerprint``,
  ``rows``, ``subjects``, ``sensitive_subjects``, ``minors_under_14``, ``categories``
  (persons per category), ``sensitive_categories``, ``category_bits``, ``files``
  (path, format, rows, skipped_rows) and ``unkeyed_rows_with_pi``.

No raw identifier, masked sample or column sample is written. A reader re-derives the sensitive
persons from the bit masks and the profile's categories, so counts and keys cannot disagree; a
file whose counts do not match its rows is refused as corrupt.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chujing.errors import InputError

FORMAT = "chujing-scan-manifest"
VERSION = 1
METADATA_KEY = b"chujing.manifest"


@dataclass(frozen=True)
class Manifest:
    path: Path
    summary: dict
    _keys: list[bytes]
    _flags: list[int]

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.summary["as_of"])

    @property
    def profile(self) -> str:
        return self.summary["profile"]

    @property
    def key_fingerprint(self) -> str:
        return self.summary["key_fingerprint"]

    @property
    def rows(self) -> int:
        return int(self.summary["rows"])

    @property
    def subjects(self) -> int:
        return int(self.summary["subjects"])

    @property
    def sensitive_subjects(self) -> int:
        return int(self.summary["sensitive_subjects"])

    @property
    def minors_under_14(self) -> int:
        return int(self.summary["minors_under_14"])

    @property
    def categories(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.summary["categories"].items()}

    @property
    def sensitive_categories(self) -> list[str]:
        return list(self.summary["sensitive_categories"])

    def _bit(self, category: str) -> int:
        bits = self.summary["category_bits"]
        if category not in bits:
            return 0
        return 1 << bits.index(category)

    def _sensitive_mask(self) -> int:
        mask = 0
        for cat in self.summary["sensitive_categories_of_profile"]:
            mask |= self._bit(cat)
        return mask

    def person_keys(self) -> Iterator[bytes]:
        """Hashes of every person in the scan."""
        return iter(self._keys)

    def sensitive_person_keys(self) -> Iterator[bytes]:
        """Hashes of the persons with sensitive PI under the manifest's profile."""
        mask = self._sensitive_mask()
        return (k for k, f in zip(self._keys, self._flags, strict=True) if f & mask)

    def keys_by_category(self, category: str) -> Iterator[bytes]:
        bit = self._bit(category)
        return (k for k, f in zip(self._keys, self._flags, strict=True) if f & bit)


def write_manifest(path: str | Path, result, key: bytes) -> Path:
    """Hash the persons of a ScanResult under `key` and write the manifest atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from chujing.personkey import hash_series, key_fingerprint
    from chujing.scan.categories import CATEGORIES

    path = Path(path)
    persons = result.raw.persons
    hashes = hash_series(key, persons["key"])
    order = hashes.arg_sort()
    table = pa.table({
        "person_key": pa.array(hashes.gather(order).to_list(), type=pa.binary(16)),
        "categories": pa.array(persons["flags"].gather(order).to_list(), type=pa.uint32()),
    })
    summary = {
        "format": FORMAT,
        "version": VERSION,
        "as_of": result.as_of.isoformat(),
        "profile": result.profile.id,
        "sensitive_categories_of_profile": result.profile.sensitive_categories(),
        "key_fingerprint": key_fingerprint(key),
        "rows": result.rows,
        "subjects": result.subjects,
        "sensitive_subjects": result.sensitive_subjects,
        "minors_under_14": result.minors_under_14,
        "categories": result.categories,
        "sensitive_categories": result.sensitive_categories,
        "category_bits": list(CATEGORIES),
        "unkeyed_rows_with_pi": result.raw.unkeyed_rows_with_pi,
        "files": [{"path": str(f.path), "format": f.format, "rows": f.rows,
                   "skipped_rows": f.skipped_rows} for f in result.files],
    }
    table = table.replace_schema_metadata({METADATA_KEY: json.dumps(summary, ensure_ascii=False)})
    tmp = path.with_name(path.name + ".tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write manifest: {exc.strerror}", file=str(path)) from exc
    return path


_REQUIRED = ("as_of", "profile", "key_fingerprint", "rows", "subjects", "sensitive_subjects",
             "minors_under_14", "categories", "sensitive_categories", "category_bits",
             "sensitive_categories_of_profile")


def read_manifest(path: str | Path) -> Manifest:
    """Read and check a manifest; anything wrong is an InputError naming the file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    where = str(path)
    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise InputError("manifest not found", file=where) from None
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"not a chujing scan manifest (unreadable Parquet: "
                         f"{str(exc).splitlines()[0][:80]})", file=where) from exc
    meta = (table.schema.metadata or {}).get(METADATA_KEY)
    if meta is None:
        raise InputError("not a chujing scan manifest (no chujing.manifest metadata)", file=where)
    try:
        summary = json.loads(meta)
    except ValueError:
        raise InputError("manifest metadata is not valid JSON", file=where) from None
    if summary.get("format") != FORMAT:
        raise InputError("not a chujing scan manifest (wrong format tag)", file=where)
    if summary.get("version") != VERSION:
        raise InputError(f"unsupported manifest version {summary.get('version')!r}", file=where)
    for name in _REQUIRED:
        if name not in summary:
            raise InputError("manifest summary is incomplete", file=where, field=name)
    try:
        date.fromisoformat(summary["as_of"])
    except (TypeError, ValueError):
        raise InputError("bad date", file=where, field="as_of") from None
    if set(table.column_names) != {"person_key", "categories"}:
        raise InputError("manifest columns must be person_key and categories", file=where)
    if table.schema.field("person_key").type != pa.binary(16):
        raise InputError("person_key must be 16-byte binary", file=where, field="person_key")
    keys = table.column("person_key").to_pylist()
    flags = [int(f) for f in table.column("categories").to_pylist()]
    manifest = Manifest(path, summary, keys, flags)
    if len(keys) != manifest.subjects or len(set(keys)) != len(keys):
        raise InputError("person keys do not match the subject count (corrupt manifest)",
                         file=where, field="subjects")
    if sum(1 for _ in manifest.sensitive_person_keys()) != manifest.sensitive_subjects:
        raise InputError("sensitive persons do not match the summary (corrupt manifest)",
                         file=where, field="sensitive_subjects")
    return manifest
