"""A new scenario's whole answer (`Decision.to_json()`, the web API's) from a template per class
of the whole decision: static JSON bytes with holes for the decision's own head-counts.

The key of a class is everything the engine reads of the scenario exactly — every fact of every
item and of the processor and transfer, the items' names, the earlier transfers, the day, the
options — except the people counts (`item.subjects`, the counters, the transfer's totals, the earlier
transfers' subjects), which it holds only by class: between which points of any test on them in
the whole rulebook they fall (rulebook/classes.py). Two scenarios of one class get the same
answer but for those counts, which appear as themselves (JSON numbers, `1,234` in texts) and in
headroom's `remaining`.

A template is made from a decision's own answer: its parts are written as for `to_json()`, but
each count the answer shows is a `Marker` — an int that writes a placeholder when formatted and
refuses every other use (arithmetic, comparison, `str`, hashing), so a figure derived from a count
some other way cannot end up baked into the template; making the template then fails and the
answer is written as before. A template is kept only when filling it with this decision's own
counts gives exactly the bytes written the ordinary way. Templates live (bounded) in the rule
set's cache, like the engine's other memos; tests/web/test_trace_json.py holds the bytes equal to
orjson over `to_dict()` for scenarios of one class on either side of every threshold.

A decision the first pass leaves open (missing facts, whose values assess.py then tries) is
always written the ordinary way: the tried passes count people again, and the key does not class
those counts.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

import orjson
from orjson import Fragment, dumps

from chujing.engine import trace, trace_json
from chujing.engine.context import COUNTERS
from chujing.rulebook import classes
from chujing.rulebook.conditions import NUMERIC_OPS

HOLE_FACTS = ("item.subjects", *COUNTERS)
TEMPLATES = 512  # per rule set, and at most TEMPLATE_BYTES of them (a full answer's is ~40 kB)
TEMPLATE_BYTES = 6_000_000
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters around a hole's number in a template
_OPEN_B, _CLOSE_B = _OPEN.encode(), _CLOSE.encode()
_JSON_MAX, _JSON_MIN = 2**64 - 1, -(2**63)  # what orjson writes (beyond: the standard library)


class NotTemplated(Exception):
    """This decision's answer cannot be made a template (a count used otherwise than shown)."""


def _refuse(*_args, **_kwargs):
    raise NotTemplated


class Marker(int):
    """A count in a template: behaves as its value only when formatted with `,` (the texts) or
    written as JSON (`Marks.json`, orjson's `default`), and then writes its hole."""

    def __new__(cls, value: int, hole: int):
        m = int.__new__(cls, value)
        m.hole = hole
        return m

    def __format__(self, spec: str) -> str:
        if spec != ",":
            raise NotTemplated
        return f"{_OPEN}{self.hole}c{_CLOSE}"

    def json(self) -> bytes:
        return f"{_OPEN}{self.hole}j{_CLOSE}".encode()


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "divmod", "pow", "and", "or", "xor",
              "lshift", "rshift"):
    setattr(Marker, f"__{_name}__", _refuse)
    setattr(Marker, f"__r{_name}__", _refuse)
for _name in ("neg", "pos", "abs", "invert", "int", "float", "index", "bool", "str", "repr", "round",
              "trunc", "floor", "ceil", "lt", "le", "gt", "ge", "eq", "ne", "hash"):
    setattr(Marker, f"__{_name}__", _refuse)


class Marks:
    """The holes of a template being made: each a way to read a count from a decision (`spec`)."""

    def __init__(self) -> None:
        self.specs: list[tuple] = []
        self._index: dict[tuple, int] = {}

    def hole(self, value: Any, spec: tuple) -> Any:
        if value.__class__ is not int:  # None (or a value kept exactly by the key): written as it is
            return value
        n = self._index.get(spec)
        if n is None:
            n = self._index[spec] = len(self.specs)
            self.specs.append(spec)
        return Marker(value, n)

    def item_facts(self, facts: dict, i: int) -> dict:
        return {**facts, **{k: self.hole(facts.get(k), ("f", i, k)) for k in HOLE_FACTS if k in facts}}

    def json(self, v: Any) -> bytes:
        return v.json() if v.__class__ is Marker else dumps(v)

    def default(self, x: Any) -> Any:
        """orjson's `default` under OPT_PASSTHROUGH_SUBCLASS: a Marker writes its hole; other
        subclasses of builtins as orjson writes them; anything else as `str`, as to_json does."""
        if x.__class__ is Marker:
            return Fragment(x.json())
        for base in (str, int, float, dict, list):
            if isinstance(x, base):
                return base(x) if base in (dict, list) else getattr(base, f"__{base.__name__}__")(x)
        return str(x)


# How a hole's count is read, by its spec's kind (K{n}: the count's name, a constant).
_READS = {"c": "c[K{n}]", "p": "c['by_population'][K{n}]", "t": "getattr(later.tally, K{n})"}


def _reader(specs: list[tuple], chunks: list[bytes], gaps: list[tuple[int, bool]]):
    """One generated function writing a decision's answer from the template's chunks and its counts
    (gap n, between chunks n and n + 1: count h as JSON or as text), or None when a count is past
    what orjson writes: it runs for every answer from a template. Chunks, names and facts are
    passed in as constants, never written into the source."""
    scope: dict[str, Any] = {"MIN": _JSON_MIN, "MAX": _JSON_MAX}

    def expr(spec: tuple) -> str:
        n = len(scope)
        kind = spec[0]
        if kind == "f":
            scope[f"K{n}"] = spec[2]
            return f"items[{int(spec[1])}].facts[K{n}]"
        if kind in _READS:  # a count named by spec[1]
            scope[f"K{n}"] = spec[1]
            return _READS[kind].format(n=n)
        scope[f"R{n}"] = spec[2].remaining  # "r": headroom's remaining under a test
        return f"R{n}({expr(spec[1])})"

    lines = ["def read(later):", "    first = later.first", "    items, c = first.items, first.counts"]
    lines += [f"    v{n} = {expr(spec)}" for n, spec in enumerate(specs)]
    lines += [f"    if v{n}.__class__ is not int or not MIN <= v{n} <= MAX: return None" for n in range(len(specs))]
    for h, as_json in sorted(set(gaps)):
        lines.append(f"    j{h} = b'%d' % v{h}" if as_json else f"    c{h} = f'{{v{h}:,}}'.encode()")
    parts = []
    for n, chunk in enumerate(chunks):
        scope[f"C{n}"] = chunk
        parts.append(f"C{n}")
        if n < len(gaps):
            h, as_json = gaps[n]
            parts.append(f"j{h}" if as_json else f"c{h}")
    lines.append("    return b''.join((" + ", ".join(parts) + ",))")
    exec("\n".join(lines), scope)  # noqa: S102 - source built from hole numbers only
    return scope["read"]


class Template:
    """The answer's bytes split at its holes, and the function that fills them (`_reader`)."""

    __slots__ = ("specs", "fill_from", "size")

    def __init__(self, raw: bytes, marks: Marks) -> None:
        # Every placeholder is a Marker's: answer() makes templates only of answers without _OPEN.
        pieces = raw.split(_OPEN_B)
        chunks, gaps = [pieces[0]], []
        for piece in pieces[1:]:
            head, sep, rest = piece.partition(_CLOSE_B)
            if not sep or head[-1:] not in (b"c", b"j") or int(head[:-1]) >= len(marks.specs):
                raise NotTemplated
            gaps.append((int(head[:-1]), head[-1:] == b"j"))
            chunks.append(rest)
        self.specs, self.size = marks.specs, len(raw)
        self.fill_from = _reader(self.specs, chunks, gaps)

    def fill(self, later) -> bytes | None:
        """The answer for `later`'s counts; None if one is past what orjson writes."""
        return self.fill_from(later)


def answer(decision, trace_wanted: bool, written: Callable[[], bytes]) -> bytes:
    """`decision`'s JSON: from its class's template, or `written()` (then kept as a template)."""
    later = decision._later
    if later.first.overall is None:
        # Decided by trying the missing facts' values (assess._resolve_unknowns): those passes
        # count people again, from the items' own numbers when a tried value leaves an item out
        # of the stated totals, and the key classes only the first pass's counts.
        return written()
    rs = later.rs
    memo = rs.cache.get("json_answers")
    if memo is None:
        memo = rs.cache["json_answers"] = classes.Memo(TEMPLATES)
    key = decision_key(later, decision, trace_wanted)
    try:
        hit = memo.get(key)
    except TypeError:  # a value that cannot be hashed: no template
        key, hit = None, None
    if hit is not None:
        out = hit.fill(later)
        if out is not None:
            return out
    out = written()
    if key is not None and hit is None and _OPEN_B not in out:
        try:
            t = make(later, decision, trace_wanted)
        except Exception:  # noqa: BLE001 - NotTemplated, or a case make() misses: answered as written
            t = None
        if t is not None and t.fill(later) == out:
            if len(memo) >= memo.size or rs.cache.get("json_answers_bytes", 0) + t.size > TEMPLATE_BYTES:
                memo.clear()
                rs.cache["json_answers_bytes"] = 0
            memo.put(key, t)
            rs.cache["json_answers_bytes"] = rs.cache.get("json_answers_bytes", 0) + t.size
    return out


# --- the class of a whole decision ------------------------------------------------------------

def _points(later) -> tuple[dict[str, tuple[int, ...]], frozenset[str]]:
    """Per count fact, the points where any test in the rulebook on it turns; and the facts some
    test compares otherwise than by number (kept exactly in the key)."""
    hit = later.rs.cache.get("answer_points")
    if hit is None:
        points: dict[str, set[int]] = {f: set() for f in HOLE_FACTS}
        exact: set[str] = set()
        for r in later.book.rules.values():
            for fact, op, operand, _fn in r.condition.leaves:
                if fact not in points:
                    continue
                if op in NUMERIC_OPS:
                    points[fact].add(operand if op in ("at_least", "below") else operand + 1)
                    continue
                for x in operand if isinstance(operand, tuple | list | frozenset | set) else (operand,):
                    if x.__class__ is int:
                        points[fact] |= {x, x + 1}
                    else:
                        exact.add(fact)
        hit = later.rs.cache["answer_points"] = ({f: tuple(sorted(p)) for f, p in points.items()},
                                                 frozenset(exact))
    return hit


_NAMES = itertools.count()


def decision_key(later, decision, trace_wanted: bool) -> tuple:
    points, exact = _points(later)
    at_memo = later.rs.cache.get("answer_at")
    if at_memo is None:
        at_memo = later.rs.cache["answer_at"] = {}
    sd = later.scenario.__dict__
    td = sd["transfer"].__dict__
    base = list(later.base.values())
    nb = len(base)
    items = []
    for it, res in zip(td["data"], later.first.items, strict=True):
        f = res.facts
        names = tuple(f)
        at = at_memo.get(names)
        if at is None:  # where the counts are among an item's facts, with their points
            if len(at_memo) >= 64:  # the names come from the code (context.py), not the input
                at_memo.clear()
            # + a number naming these names in keys (cheaper to hash than the names; never reused)
            at = at_memo[names] = (tuple((n, None if k in exact else points[k]) for n, k in enumerate(names)
                                         if k in points), next(_NAMES))
        at, named = at
        values = list(f.values())
        for n, p in at:
            v = values[n]
            values[n] = bisect_right(p, v) if v.__class__ is int and p is not None else (v,)
        # The base facts are in the key once: an item's own from where they end, unless it changed one.
        items.append((it.__dict__["name"], named, res.excluded,
                      tuple(values[nb:] if values[:nb] == base else values)))
    history = []
    if sd["history"]:
        p = None if "item.subjects" in exact else points["item.subjects"]
        for h in sd["history"]:
            hd = h.__dict__
            v = hd["subjects"]
            history.append((tuple(hd), tuple([tuple(x) if x.__class__ is list else x for k, x in hd.items()
                                               if k != "subjects"]),
                            bisect_right(p, v) if v.__class__ is int and p is not None else (v,)))
    c = later.first.counts
    pi, spi = c["pi"], c["spi"]
    return (trace_wanted, later.day, str(decision.pathway), later.overall, tuple(decision.possible_pathways),
            decision.scenario_hash, tuple(items), tuple(history),
            bisect_right(points["count.pi"], pi) if pi.__class__ is int and "count.pi" not in exact else (pi,),
            bisect_right(points["count.spi"], spi) if spi.__class__ is int and "count.spi" not in exact else (spi,),
            td["subjects_total"] is None, td["sensitive_subjects_total"] is None, tuple(base))


# --- making a template ------------------------------------------------------------------------

class _Counts:
    __slots__ = ("counts",)

    def __init__(self, counts: dict) -> None:
        self.counts = counts


class _Tally:
    __slots__ = ("window_start", "pi", "spi", "counted", "left_out")


def make(later, decision, trace_wanted: bool) -> Template:
    marks = Marks()
    c = later.first.counts
    counts = {k: marks.hole(c[k], ("c", k)) for k in ("pi", "spi", "transfer_pi", "transfer_spi")}
    counts["by_population"] = {p: marks.hole(n, ("p", p)) for p, n in c["by_population"].items()}
    tally = _Tally()
    t = later.tally
    tally.window_start, tally.counted, tally.left_out = t.window_start, t.counted, t.left_out
    tally.pi, tally.spi = marks.hole(t.pi, ("t", "pi")), marks.hole(t.spi, ("t", "spi"))
    items = later.item_decisions
    item_dicts = []
    for i, it in enumerate(items):
        d = it.to_dict()
        d["subjects"] = marks.hole(d["subjects"], ("f", i, "item.subjects"))
        item_dicts.append(d)
    parts: dict[str, Any] = {
        "summary": trace._summary(later.pathway, items, later.route_questions, later.possible,
                                  _Counts(counts), later.book),
        "questions": [q.to_dict() for q in later.questions()],
        "items": item_dicts,
        "counts": trace._counts_out(later.rs, later.day, tally, _Counts(counts)),
    }
    if trace_wanted:
        risks, around_notes = later.around().built_json()
        ftz_findings, ftz_notes = trace_json._ftz(later)
        parts.update(findings=trace_json.findings(later, ftz_findings, marks),
                     obligations=trace_json.obligations(later),
                     headroom=[_headroom(marks, later, *row) for row in
                               trace.headroom_picked(later.rs, later.base, later.first, later.overall)],
                     risks=risks, notes=later.all_notes(around_notes, ftz_notes))
    raw = dumps(decision._out(trace_wanted, parts), default=marks.default,
                option=orjson.OPT_PASSTHROUGH_SUBCLASS)
    return Template(raw, marks)


_TOTALS = {"count.pi": "pi", "count.spi": "spi"}


def _headroom(marks: Marks, later, r, cmp, j: int, current: int) -> dict:
    if j < len(later.first.items):
        spec: tuple = ("f", j, cmp.fact)
    elif cmp.fact in _TOTALS:  # the whole transfer's counts (trace.headroom_picked)
        spec = ("c", _TOTALS[cmp.fact])
    else:
        raise NotTemplated
    remaining = marks.hole(cmp.remaining(current), ("r", spec, cmp))
    return trace.headroom_row(r, cmp, marks.hole(current, spec), remaining).to_dict()
