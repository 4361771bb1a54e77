"""Dataset scanner: find and count Chinese personal information before it leaves (issue 4).

    from chujing.scan import scan_paths
    result = scan_paths(["customers.csv"], as_of=date(2025, 11, 1))
    result.subjects, result.sensitive_subjects, result.to_json()

Modules: `readers` (files -> all-text batches), `detectors/` (one module per identifier family,
registry in `detectors/__init__`), `columns` (column-level detection), `text` (free text),
`persons` (person keys, minors), `scanner` (the loop), `result` (counts under a sensitivity
profile), `manifest` (what `chujing assess` and the ledger read).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chujing.scan.result import ScanResult


def __getattr__(name: str):
    # Lazy: `chujing.scan.detectors` and `chujing.scan.fast` are imported on their own (the
    # persons count, the web's upload checks) without the rulebook and the scanner loop.
    if name == "ScanResult":
        from chujing.scan.result import ScanResult

        return ScanResult
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def scan_paths(
    paths: Sequence[str | Path],
    *,
    as_of: date | None = None,
    profile: str | None = None,
    encoding: str | None = None,
    person_key: list[str] | None = None,
    skip_bad_rows: bool = False,
    batch_rows: int | None = None,
    progress: Callable[[int], None] | None = None,
    key: bytes | None = None,
) -> ScanResult:
    """Scan files or directories and count persons by category under the profile in force."""
    from chujing.personkey import key_fingerprint
    from chujing.rulebook.sensitivity import profile_for
    from chujing.scan.readers import BATCH_ROWS
    from chujing.scan.result import ScanResult
    from chujing.scan.scanner import ScanOptions, scan

    day = as_of or date.today()
    chosen = profile_for(day, profile)  # fail on a bad --profile before reading any data
    options = ScanOptions(as_of=day, profile_id=profile, encoding=encoding,
                          person_key=person_key, skip_bad_rows=skip_bad_rows,
                          batch_rows=batch_rows or BATCH_ROWS, progress=progress)
    raw = scan([Path(p) for p in paths], options)
    return ScanResult(as_of=day, profile=chosen, raw=raw,
                      key_fingerprint=key_fingerprint(key) if key else None)


__all__ = ["ScanResult", "scan_paths"]
