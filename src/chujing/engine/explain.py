"""Explanations in Chinese and English, built from the rule's own text and the figures it compared."""

from __future__ import annotations

from typing import Any

from chujing.decision import PATHWAY_LABELS, Figure
from chujing.labels import COUNTER
from chujing.rulebook.conditions import NUMERIC_OPS
from chujing.rulebook.rulebook import CompiledRule, Rulebook

COUNTER_LABELS = COUNTER


def figures(rule: CompiledRule, facts: dict[str, Any]) -> list[Figure]:
    out = []
    for c in rule.condition.comparisons:
        v = facts.get(c.fact)
        holds = None if v is None else c.holds(v)
        out.append(Figure(c.fact, v, c.op, c.threshold, c.wording, holds, _figure_text(c, v)))
    return out


def _figure_text(c, v) -> str:
    before, after = figure_text_around(c, None if v is None else c.holds(v))
    return f"{before}{shown(v)}{after}"


def shown(v) -> str:
    return "?" if v is None else f"{v:,}"


_NOT = {"≥": "<", ">": "≤", "<": "≥", "≤": ">"}


def figure_text_around(c, holds: bool | None) -> tuple[str, str]:
    """A figure's text before and after its value: `count.pi ` and ` ≥ 100,000 (10万人以上)`."""
    sym = NUMERIC_OPS[c.op][1]
    if holds is False:
        sym = _NOT[sym]
    words = f" ({c.wording})" if c.wording else ""
    return f"{c.fact} ", f" {sym} {c.threshold:,}{words}"


def _value_text(v: Any, lang: str) -> str:
    if v is None:
        return "未知" if lang == "zh" else "unknown"
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    if isinstance(v, frozenset | set | list | tuple):
        return ", ".join(sorted(map(str, v))) or ("无" if lang == "zh" else "none")
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def failed_tests(rule: CompiledRule, facts: dict[str, Any], book: Rulebook,
                 parts: list | None = None) -> dict[str, str]:
    """The tests `facts` fail, in words; `parts` (from `failed_parts` for the same class of facts)
    saves finding them again."""
    parts_zh, parts_en = [], []
    for part in failed_parts(rule, facts, book) if parts is None else parts:
        if len(part) == 2:
            parts_zh.append(part[0])
            parts_en.append(part[1])
        else:
            fact, lz, le, expect = part
            v = facts.get(fact)
            parts_zh.append(f"{lz}为{_value_text(v, 'zh')}，不满足 {expect}")
            parts_en.append(f"{le} is {_value_text(v, 'en')}, not {expect}")
    return {"zh": "；".join(parts_zh), "en": "; ".join(parts_en)}


def failed_parts(rule: CompiledRule, facts: dict[str, Any], book: Rulebook) -> list[tuple]:
    """Each failed test: (zh, en) text, or (fact, zh label, en label, expected) for a numeric test,
    whose text shows the value. Which tests fail is the same for a whole class of facts."""
    out: list[tuple] = []
    for fact, op, operand, fn in rule.condition.leaves:
        if fn(facts) is False:
            v = facts.get(fact)
            lz, le = book.fact_label(fact, "zh"), book.fact_label(fact, "en")
            if op in NUMERIC_OPS:
                out.append((fact, lz, le, f"{NUMERIC_OPS[op][1]} {operand:,}"))
            else:
                want = _value_text(operand if not isinstance(operand, tuple) else frozenset(operand), "zh")
                want_en = _value_text(operand if not isinstance(operand, tuple) else frozenset(operand), "en")
                verb_zh = {"contains": "需包含", "contains_any": "需包含其一", "in": "需为其一",
                           "not_in": "不得为", "contains_none": "不得包含"}.get(op, "需为")
                verb_en = {"contains": "must include", "contains_any": "must include one of",
                           "in": "must be one of", "not_in": "must not be",
                           "contains_none": "must include none of"}.get(op, "must be")
                out.append((f"{lz}：{_value_text(v, 'zh')}（{verb_zh}{want}）",
                            f"{le}: {_value_text(v, 'en')} ({verb_en} {want_en})"))
    return out


def explanation(rule: CompiledRule, status: str, facts: dict[str, Any], figs: list[Figure],
                book: Rulebook, defeated_by: list[str] | None = None,
                unknown: list[str] | None = None, failed: list | None = None) -> dict[str, str]:
    """`failed`: `failed_parts` of this class of facts, if known."""
    return explanation_from(rule, status, [f.text for f in figs], facts, book, defeated_by, unknown, failed)


def explanation_from(rule: CompiledRule, status: str, texts: list[str], facts: dict[str, Any],
                     book: Rulebook, defeated_by: list[str] | None = None,
                     unknown: list[str] | None = None, failed: list | None = None) -> dict[str, str]:
    """`explanation` from the figures' texts."""
    fig = "；".join(texts)
    fig_en = "; ".join(texts)
    tail_zh = f"（{fig}）" if fig else ""
    tail_en = f" ({fig_en})" if fig_en else ""
    if status == "applies":
        if rule.kind == "trigger":
            label = PATHWAY_LABELS[rule.rule.route]
            return {"zh": f"适用，要求{label['zh']}{tail_zh}。{rule.rule.summary.zh}",
                    "en": f"Applies: requires {label['en']}{tail_en}. {rule.rule.summary.en}"}
        return {"zh": f"适用{tail_zh}。{rule.rule.summary.zh}",
                "en": f"Applies{tail_en}. {rule.rule.summary.en}"}
    if status == "defeated":
        by = "、".join(defeated_by or [])
        by_en = ", ".join(defeated_by or [])
        return {"zh": f"条件满足{tail_zh}，但被 {by} 排除适用。",
                "en": f"Conditions met{tail_en}, but overridden by {by_en}."}
    if status == "unknown":
        zh = "、".join(book.fact_label(f, "zh") for f in unknown or [])
        en = ", ".join(book.fact_label(f, "en") for f in unknown or [])
        return {"zh": f"无法判断：缺少事实（{zh}）{tail_zh}。",
                "en": f"Cannot tell: missing facts ({en}){tail_en}."}
    failed = failed_tests(rule, facts, book, failed)
    if failed["en"]:
        return {"zh": f"不适用：{failed['zh']}。", "en": f"Does not apply: {failed['en']}."}
    return {"zh": "不适用。", "en": "Does not apply."}
