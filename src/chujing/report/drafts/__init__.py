"""Filing drafts prefilled from the scenario, the decision and the scan.

    from chujing.report import drafts
    doc = drafts.build("sc", decision=d, scenario=s, inventory=inv)   # a Draft (blocks)
    drafts.write(doc, "pipia.docx", lang="zh")                         # .docx or .md
    text = drafts.to_markdown(doc, "both"); data = drafts.to_docx(doc, "zh")

Routes: `standard_contract` (alias `sc`, also the pathway name `standard_contract_or_certification`)
→ PIPIA outline + the contract's Appendix 1 + filing materials; `security_assessment` (`sa`) → the
self-assessment report outline + the declaration checklist; `certification` (`cert`) → the
application checklist; `exempt` / `inventory` → the inventory annex alone. Every draft ends with
the data inventory annex. What the tool cannot know is marked 【待填写 / TO COMPLETE】.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from chujing.errors import InputError
from chujing.report.drafts.build import Draft, build_draft

ROUTES = {
    "standard_contract": "standard_contract", "sc": "standard_contract",
    "standard_contract_or_certification": "standard_contract",
    "security_assessment": "security_assessment", "sa": "security_assessment",
    "certification": "certification", "cert": "certification",
    "exempt": "inventory", "inventory": "inventory",
}


def canonical_route(route: str) -> str:
    try:
        return ROUTES[route.strip().lower()]
    except KeyError:
        names = ", ".join(sorted(ROUTES))
        raise InputError(f"unknown route {route!r} (one of: {names})", field="ROUTE") from None


def build(route: str, decision: dict | None = None, scenario: Any = None,
          inventory: dict | None = None) -> Draft:
    return build_draft(canonical_route(route), decision, scenario, inventory)


def to_markdown(doc: Draft, lang: str = "zh") -> str:
    from chujing.report.drafts.markdown import render

    return render(doc, lang)


def to_docx(doc: Draft, lang: str = "zh") -> bytes:
    from chujing.report.drafts.docx import render

    return render(doc, lang)


def write(doc: Draft, path: str | Path, lang: str = "zh") -> Path:
    """Write .docx or .md atomically: a failed write leaves no partial file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        data = to_docx(doc, lang)
    elif suffix in (".md", ".markdown"):
        data = to_markdown(doc, lang).encode("utf-8")
    else:
        raise InputError("output must end in .docx or .md", file=str(path))
    atomic_write(path, data)
    return path


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", file=str(path)) from None


__all__ = ["ROUTES", "Draft", "build", "canonical_route", "to_docx", "to_markdown", "write"]
