"""The transfer ledger: the year's exported persons, deduplicated, exemption-aware, crash-safe.

`open_ledger(url)` opens (creating and migrating) a ledger; `integration.prepare/record` connect
it to `chujing assess`. See docs/ledger.md.
"""

from chujing.ledger.store import (
    Ledger,
    RecordResult,
    TransferRecord,
    default_ledger_path,
    open_ledger,
    resolve_url,
)

__all__ = ["Ledger", "RecordResult", "TransferRecord", "default_ledger_path", "open_ledger",
           "resolve_url"]
