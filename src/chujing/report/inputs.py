"""What the `report` and `draft` commands read: a scenario (run through the engine) or a decision
JSON (no engine), and optionally a scan (manifest or JSON) for the inventory annex."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from chujing.errors import InputError

DECISION_KEYS = ("pathway", "as_of", "summary", "findings")


def read_decision(path: Path, text: str) -> dict[str, Any] | None:
    """The decision in a JSON file, or None if the file is not a decision (e.g. a scenario)."""
    if path.suffix.lower() != ".json":
        return None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None
    if not isinstance(raw, dict) or "pathway" not in raw:
        return None
    for key in DECISION_KEYS:
        if key not in raw:
            raise InputError("decision JSON is incomplete", file=str(path), field=key)
    from chujing.decision import PATHWAY_LABELS

    if raw["pathway"] not in PATHWAY_LABELS:
        raise InputError(f"unknown pathway {raw['pathway']!r}", file=str(path), field="pathway")
    return raw


def load_inputs(path: Path, as_of: date | None = None, manifest: Path | None = None,
                ledger: str | None = None) -> tuple[dict[str, Any], Any, dict[str, Any] | None]:
    """(decision dict, scenario or None, inventory or None).

    With a ledger URL, this year's earlier transfers come from the ledger (deduplicated by person),
    exactly as `chujing assess --ledger` counts them."""
    from chujing.scenario_io import read_text

    text = read_text(path)
    inventory = None
    manifest_obj = None
    if manifest is not None:
        if manifest.suffix.lower() == ".json":
            from chujing.report.inventory import load_inventory

            inventory = load_inventory(manifest)
        else:
            from chujing.report.inventory import from_manifest
            from chujing.scan.manifest import read_manifest

            manifest_obj = read_manifest(manifest)
            inventory = from_manifest(manifest_obj)
    decision = read_decision(path, text)
    if decision is not None:
        if ledger:
            raise InputError("a decision JSON already holds its counts; --ledger applies to a "
                             "scenario", file=str(path), field="--ledger")
        return decision, None, inventory
    from chujing.engine import assess
    from chujing.rulebook import default_rulebook
    from chujing.scenario_io import parse_scenario

    book = default_rulebook()
    scenario = parse_scenario(text, str(path), book)
    day = as_of or scenario.as_of or scenario.transfer.date
    if day is None:
        raise InputError("no as_of or transfer.date in the scenario: give --as-of "
                         "(a report states its assessment date)", file=str(path), field="as_of")
    scenario = scenario.model_copy(update={"as_of": day})
    if ledger:
        from chujing.ledger import integration

        scenario = integration.prepare(scenario, ledger, manifest_obj, day, book=book)
    elif manifest_obj is not None:
        from chujing.manifest_input import apply_manifest

        scenario = apply_manifest(scenario, manifest_obj)
    return assess(scenario, book, as_of=day).to_dict(), scenario, inventory
