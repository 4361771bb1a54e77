"""The ledger dashboard: this year's people per counter against each threshold, the transfers,
and recording a transfer from a scan upload. Works only once the ledger module is installed."""

from __future__ import annotations

from datetime import date
from typing import Any

from chujing.web.services import optional


def dashboard(web, lang: str, today: date) -> dict[str, Any]:
    ledger = optional("chujing.ledger")
    if ledger is None:
        return {"ledger_ready": False, "transfers": [], "chart": "", "status": None}
    from chujing.web import ledger_api

    status = ledger_api.status(web, today)
    from chujing.web.charts import headroom_svg
    from chujing.web.i18n import t

    return {"ledger_ready": True, "status": status,
            "chart": headroom_svg(status.get("chart", []), lang, t("ledger_counts", lang)),
            "transfers": ledger_api.list_transfers(web, limit=200)}


async def record_upload(request, web) -> tuple[dict[str, str], int]:
    from chujing.web import ledger_api

    return await ledger_api.record_from_upload_form(request, web)
