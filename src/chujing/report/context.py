"""From a decision (+ scenario, + inventory) to the plain data every report format renders.

Pure and deterministic: no clock, no environment, lists in a fixed order, so the same inputs give
byte-identical Markdown and HTML. All user strings are scrubbed of identifiers here, once.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from chujing.report import labels as L
from chujing.report.chart import reached
from chujing.report.safety import scrub_tree

WORD_KINDS = {"processor.sector": "sector", "processor.ftz": "ftz", "transfer.scenario": "scenario"}
# Shown as 未知 / unknown when missing: the facts every route depends on.
CORE_FACTS = ("processor.name", "processor.ciio", "processor.sector", "transfer.recipient.name",
              "transfer.recipient.country", "transfer.scenario")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def inputs_hash(decision: dict, scenario: dict | None, inventory: dict | None) -> str:
    blob = canonical_json({"decision": decision, "scenario": scenario, "inventory": inventory})
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def scenario_dict(scenario: Any) -> dict | None:
    if scenario is None:
        return None
    if hasattr(scenario, "model_dump"):
        return scenario.model_dump(mode="json")
    return json.loads(canonical_json(scenario))


def _bi(value: Any) -> dict[str, str]:
    """A value shown in both languages."""
    if value is None:
        return dict(L.T["unknown"])
    if isinstance(value, bool):
        return dict(L.T["yes" if value else "no"])
    if isinstance(value, int):
        return {"zh": f"{value:,}", "en": f"{value:,}"}
    if isinstance(value, float):
        return {"zh": f"{value:,.0f}", "en": f"{value:,.0f}"}
    return {"zh": str(value), "en": str(value)}


@lru_cache(maxsize=1)
def _vocabulary_words() -> dict[str, dict[str, dict[str, str]]]:
    """Word labels from the rulebook's fixed vocabulary file, read directly: a report must not
    depend on the whole rulebook loading (a report from a decision JSON needs no engine)."""
    import yaml

    try:
        path = resources.files("chujing.rulebook").joinpath("data/vocabulary.yaml")
        words = yaml.safe_load(path.read_text("utf-8")).get("words") or {}
    except Exception:  # noqa: BLE001 - labels only: fall back to the ids
        return {}
    return {kind: {w["id"]: {"zh": w["zh"], "en": w["en"]} for w in entries or []}
            for kind, entries in words.items()}


def _word(kind: str, word: str) -> dict[str, str]:
    return dict(_vocabulary_words().get(kind, {}).get(word) or {"zh": word, "en": word})


def _grounds(grounds: list[str] | None) -> dict[str, str]:
    if grounds is None:
        return dict(L.T["unknown"])
    if not grounds:
        return dict(L.T["none"])
    return {lg: "；".join(L.GROUND.get(g, {lg: g})[lg] for g in grounds) if lg == "zh"
            else "; ".join(L.GROUND.get(g, {lg: g})[lg] for g in grounds) for lg in ("zh", "en")}


def _get(d: dict, dotted: str) -> Any:
    cur: Any = d
    for part in dotted.split(".")[1:]:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def facts_rows(s: dict) -> list[dict[str, Any]]:
    rows = []
    for key, label in L.FIELD.items():
        root = s.get(key.split(".")[0]) or {}
        value = _get(root if isinstance(root, dict) else {}, key)
        if key == "transfer.grounds":
            if value:
                rows.append({"field": key, "label": label, "value": _grounds(value)})
            continue
        if value is None and key not in CORE_FACTS:
            continue
        if key in WORD_KINDS and value is not None:
            shown = _word(WORD_KINDS[key], value)
        else:
            shown = _bi(value)
        rows.append({"field": key, "label": label, "value": shown})
    return rows


def _kind(kind: str) -> dict[str, str]:
    return L.KIND.get(kind, {"zh": kind, "en": kind})


def _categories(ids: list[str]) -> dict[str, str]:
    from chujing.report.inventory import _names

    names = _names()
    return {lg: ("、" if lg == "zh" else ", ").join(names.get(c, {lg: c})[lg] for c in ids)
            for lg in ("zh", "en")}


def item_rows(s: dict | None, d: dict) -> list[dict[str, Any]]:
    decided = {i["index"]: i for i in d.get("items", [])}
    items = (s or {}).get("transfer", {}).get("data") if s else None
    rows = []
    if items is None:
        items = [{"name": i.get("name"), "kind": i["kind"], "subjects": i.get("subjects")}
                 for i in d.get("items", [])]
    for idx, it in enumerate(items):
        dec = decided.get(idx, {})
        rows.append({
            "index": idx,
            "name": it.get("name") or f"#{idx}",
            "kind": _kind(it["kind"]),
            "subjects": _bi(it.get("subjects")),
            "categories": _categories(it.get("categories") or []),
            "fields": ", ".join(it.get("fields") or []),
            "grounds": _grounds(it.get("grounds")) if it.get("grounds") is not None else None,
            "route": dec.get("route"),
            "route_label": L.ROUTE.get(dec.get("route"), None) if dec else None,
            "counted": _bi(dec.get("counted")) if dec else L.T["unknown"],
        })
    return rows


def history_rows(s: dict | None) -> list[dict[str, Any]]:
    return [{"date": h["date"], "kind": _kind(h["kind"]), "subjects": _bi(h["subjects"]),
             "grounds": _grounds(h.get("grounds"))} for h in (s or {}).get("history", [])]


def _remaining(op: str, current: int | None, threshold: int) -> int | None:
    """People that may still be exported before the threshold is reached (engine's convention)."""
    if current is None or reached(op, current, threshold):
        return None
    return threshold - current - (0 if op in ("more_than", "at_most") else 1)


def chart_rows(d: dict) -> list[dict[str, Any]]:
    """Every threshold a counting figure was compared with, plus the headroom ones; no duplicates."""
    rows: dict[tuple[str, int], dict[str, Any]] = {}

    def add(counter, threshold, op, wording, current, rule, route):
        key = (counter, threshold)
        if key in rows or not counter.startswith("count."):
            return
        rows[key] = {"counter": counter, "threshold": threshold, "op": op, "wording": wording,
                     "current": current, "rule": rule, "route": route,
                     "label": L.COUNTER.get(counter, {"zh": counter, "en": counter}),
                     "reached": current is not None and reached(op, current, threshold),
                     "remaining": _remaining(op, current, threshold)}

    for h in d.get("headroom", []):
        add(h["counter"], h["threshold"], h["op"], h.get("wording"), h["current"], h["rule"],
            h.get("route"))
    for f in d.get("findings", []):
        for fig in f.get("figures", []):
            add(fig["fact"], fig["threshold"], fig["op"], fig.get("wording"), fig.get("value"),
                f["rule"], f.get("route"))
    return sorted(rows.values(), key=lambda r: (r["counter"], r["threshold"]))


def trace_rows(d: dict) -> list[dict[str, Any]]:
    out = []
    for f in d.get("findings", []):
        out.append({
            "rule": f["rule"], "kind": f.get("kind"), "item": f.get("item"),
            "status": f["status"], "status_label": L.STATUS.get(f["status"], {"zh": f["status"], "en": f["status"]}),
            "applies": f.get("applies"),
            "figures": [fig["text"] for fig in f.get("figures", [])],
            "citation": f["citation"], "explanation": f["explanation"],
            "interpretation": bool(f.get("interpretation")), "note": f.get("note"),
            "defeated_by": f.get("defeated_by", []),
        })
    return out


def obligation_rows(d: dict) -> list[dict[str, Any]]:
    out = []
    for o in d.get("obligations", []):
        deadline: dict[str, str] | None = None
        if o.get("due"):
            deadline = {"zh": o["due"], "en": o["due"]}
        elif o.get("deadline_rule"):
            deadline = o["deadline_rule"]
        elif o.get("retention_years") is not None:
            deadline = {"zh": f"保存至少{o['retention_years']}年", "en": f"keep at least {o['retention_years']} years"}
        out.append({
            "rule": o["rule"], "topic": o.get("topic"), "citation": o["citation"], "text": o["text"],
            "conditional": bool(o.get("conditional")), "due": o.get("due"),
            "window_opens": o.get("window_opens"), "deadline": deadline,
            "deadline_rule": o.get("deadline_rule"), "calendar_note": o.get("calendar_note"),
            "item": o.get("item"),
        })
    return out


def build(decision: dict, scenario: Any = None, inventory: dict | None = None,
          company: str | None = None) -> dict[str, Any]:
    s_raw = scenario_dict(scenario)
    digest = inputs_hash(decision, s_raw, inventory)
    d = scrub_tree(decision)
    s = scrub_tree(s_raw) if s_raw is not None else None
    inv = scrub_tree(inventory) if inventory is not None else None
    name = company or ((s or {}).get("processor") or {}).get("name")
    counts = d.get("counts") or {}
    return {
        "company": scrub_tree(name) if name else None,
        "as_of": d["as_of"],
        "pathway": d["pathway"],
        "pathway_label": d.get("pathway_label") or L.ROUTE[d["pathway"]],
        "summary": d["summary"],
        "possible_pathways": [{"id": p, "label": L.ROUTE.get(p, {"zh": p, "en": p})}
                              for p in d.get("possible_pathways") or []],
        "questions": d.get("questions", []),
        "has_scenario": s is not None,
        "facts": facts_rows(s) if s is not None else [],
        "items": item_rows(s, d),
        "history": history_rows(s),
        "counts": counts,
        "trace": trace_rows(d),
        "obligations": obligation_rows(d),
        "headroom": d.get("headroom", []),
        "chart": chart_rows(d),
        "risks": d.get("risks", []),
        "notes": d.get("notes", []),
        "rulebook": d.get("rulebook") or {"version": d.get("rulebook_version"), "hash": None},
        "scenario_hash": d.get("scenario_hash"),
        "inputs_hash": digest,
        "inventory": inv,
        "limits": L.LIMITS,
    }
