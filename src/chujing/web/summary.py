"""`?detail=summary`: the decision without its trace, obligations, headroom, risks and notes.

For pipelines that only route: the answer is a tenth of the size, and the engine builds its
trace texts only when asked (Decision's lazy fields), so this answer does not pay for them.
The reasons are the summary text and, per data item, the rules that decided its route.
"""

from __future__ import annotations

from typing import Any


def decision_summary(d) -> dict[str, Any]:
    return d.to_dict(trace=False)
