"""Exports of the ledger: transfers and the audit log, as CSV or JSON (never person keys)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from chujing.ledger.store import Ledger

TRANSFER_COLUMNS = ["id", "date", "recipient_name", "recipient_country", "route", "exempt",
                    "exemption_rules", "grounds", "kinds", "deduplicable", "persons",
                    "sensitive_persons", "populations", "recorded_at", "voided", "voided_at",
                    "void_reason", "content_hash"]


def _flat(t: dict[str, Any]) -> dict[str, Any]:
    row = {k: t.get(k) for k in TRANSFER_COLUMNS}
    row["recipient_name"] = t["recipient"]["name"]
    row["recipient_country"] = t["recipient"]["country"]
    for k in ("exemption_rules", "grounds", "kinds"):
        row[k] = ";".join(t[k])
    row["populations"] = ";".join(f"{k}={v}" for k, v in t["populations"].items())
    return row


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r[k]) for k in columns})
    return buf.getvalue()


def export_transfers(led: Ledger, fmt: str, year: int | None = None) -> str:
    transfers = led.transfers(year)
    if fmt == "csv":
        return _csv([_flat(t) for t in transfers], TRANSFER_COLUMNS)
    return json.dumps({"ledger_key_fingerprint": led.fingerprint, "transfers": transfers},
                      ensure_ascii=False, indent=2, default=str) + "\n"


def export_audit(led: Ledger, fmt: str) -> str:
    log = led.audit_log()
    if fmt == "csv":
        rows = [{**a, "detail": json.dumps(a["detail"], ensure_ascii=False, sort_keys=True)} for a in log]
        return _csv(rows, ["seq", "at", "action", "transfer_id", "actor", "detail"])
    return json.dumps({"audit_log": log}, ensure_ascii=False, indent=2, default=str) + "\n"
