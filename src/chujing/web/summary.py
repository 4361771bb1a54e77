"""`?detail=summary`: the decision without its trace, obligations, headroom, risks and notes.

For pipelines that only route: the answer is a tenth of the size, and the engine builds its
trace texts only when asked (Decision's lazy fields), so this answer does not pay for them.
The reasons are the summary text and, per data item, the rules that decided its route.
"""

from __future__ import annotations

from typing import Any

from chujing.decision import PATHWAY_LABELS


def decision_summary(d) -> dict[str, Any]:
    out = {
        "detail": "summary",
        "pathway": str(d.pathway),
        "pathway_label": PATHWAY_LABELS[str(d.pathway)],
        "as_of": d.as_of.isoformat(),
        "rulebook": {"version": d.rulebook_version, "hash": d.rulebook_hash},
        "rulebook_version": d.rulebook_version,
        "summary": d.summary,
        "questions": [q.to_dict() for q in d.questions],
        "items": [i.to_dict() for i in d.items],
        "counts": d.counts,
    }
    if d.possible_pathways:
        out["possible_pathways"] = d.possible_pathways
    if d.scenario_hash:
        out["scenario_hash"] = d.scenario_hash
    return out
