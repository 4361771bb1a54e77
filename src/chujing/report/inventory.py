"""The data inventory annex (数据资产清单): datasets, fields, PI categories, sensitivity, people.

Sources, best first: the JSON output of `chujing scan --format json` (fields and masked samples),
a scan manifest (Parquet: people per category, no fields), or the scenario's data items.
Everything is normalised to one plain dict so renderers and drafts need not know the source.
No raw identifier ever enters it: samples are re-masked (`safety.scrub`) and file paths are cut
to their base names (a home directory can carry a person's name).
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Any

from chujing.errors import InputError
from chujing.report.safety import scrub

MAX_SAMPLES = 3


def _names() -> dict[str, dict[str, str]]:
    try:
        from chujing.rulebook.sensitivity import category_names
    except ImportError:  # pragma: no cover - the scanner's module is optional here
        return {}
    return {k: {"zh": v.zh, "en": v.en} for k, v in category_names().items()}


def _category(cat: str, persons: int | None, sensitive: bool, names) -> dict[str, Any]:
    return {"id": cat, "name": names.get(cat, {"zh": cat, "en": cat}), "persons": persons,
            "sensitive": sensitive}


def load_inventory(path: str | Path) -> dict[str, Any]:
    """Read a scan manifest (.parquet) or a scan JSON and normalise it."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("no such file", file=str(path)) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"not a scan JSON: {str(exc)[:80]}", file=str(path)) from None
        if not isinstance(raw, dict) or "subjects" not in raw or "categories" not in raw:
            raise InputError("not the JSON output of chujing scan (no subjects/categories)",
                             file=str(path))
        return from_scan_json(raw)
    from chujing.scan.manifest import read_manifest

    return from_manifest(read_manifest(path))


def from_manifest(manifest) -> dict[str, Any]:
    s = manifest.summary
    names = _names()
    sensitive = set(s.get("sensitive_categories", []))
    cats = [_category(c, int(n), c in sensitive, names) for c, n in sorted(s["categories"].items())]
    datasets = [{"name": scrub(PurePath(f["path"]).name), "format": f.get("format"),
                 "rows": f.get("rows"), "fields": None}
                for f in sorted(s.get("files", []), key=lambda f: PurePath(f["path"]).name)]
    return _finish("manifest", s, cats, datasets)


def from_scan_json(raw: dict[str, Any]) -> dict[str, Any]:
    names = _names()
    cats = []
    for cat, info in sorted(raw["categories"].items()):
        name = info.get("name") or names.get(cat) or {"zh": cat, "en": cat}
        cats.append({"id": cat, "name": name, "persons": info.get("persons"),
                     "sensitive": bool(info.get("sensitive"))})
    sensitive = {c["id"] for c in cats if c["sensitive"]}
    by_file: dict[str, list[dict[str, Any]]] = {}
    for col in raw.get("columns", []):
        fname = scrub(PurePath(col["file"]).name)
        cat = col.get("category")
        by_file.setdefault(fname, []).append({
            "column": scrub(str(col["column"])),
            "category": cat,
            "category_name": names.get(cat, {"zh": cat or "", "en": cat or ""}),
            "sensitive": cat in sensitive,
            "detector": col.get("detector"),
            "matches": col.get("matches"),
            "cells": col.get("cells"),
            "samples": [scrub(str(x)) for x in (col.get("samples") or [])[:MAX_SAMPLES]],
        })
    datasets = []
    for f in sorted(raw.get("files", []), key=lambda f: PurePath(f["path"]).name):
        fname = scrub(PurePath(f["path"]).name)
        fields = sorted(by_file.pop(fname, []), key=lambda c: (c["column"], c["detector"] or ""))
        datasets.append({"name": fname, "format": f.get("format"), "rows": f.get("rows"),
                         "fields": fields})
    for fname in sorted(by_file):  # columns of files the summary did not list
        datasets.append({"name": fname, "format": None, "rows": None,
                         "fields": sorted(by_file[fname], key=lambda c: c["column"])})
    summary = dict(raw)
    prof = raw.get("profile")
    summary["profile"] = prof.get("id") if isinstance(prof, dict) else prof
    return _finish("scan", summary, cats, datasets)


def _finish(source: str, s: dict[str, Any], cats, datasets) -> dict[str, Any]:
    return {
        "source": source,
        "as_of": s.get("as_of"),
        "profile": s.get("profile"),
        "key_fingerprint": s.get("key_fingerprint"),
        "rows": s.get("rows"),
        "subjects": s.get("subjects"),
        "sensitive_subjects": s.get("sensitive_subjects"),
        "minors_under_14": s.get("minors_under_14"),
        "categories": cats,
        "datasets": datasets,
    }
