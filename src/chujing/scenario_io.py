"""Reading scenarios from YAML or JSON, with errors that name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from chujing.errors import InputError
from chujing.facts import Scenario
from chujing.rulebook.loader import _Loader

VOCABULARY_FIELDS = {
    ("processor", "ftz"): "ftz",
    ("processor", "sector"): "sector",
    ("transfer", "scenario"): "scenario",
}


def load_scenario(path: str | Path, rulebook=None) -> Scenario:
    """Parse and validate a scenario file; checks words against the rulebook's vocabulary."""
    path = Path(path)
    return parse_scenario(read_text(path), str(path), rulebook)


def read_text(path: Path) -> str:
    """A UTF-8 input file's text, or an InputError naming the file."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None


def parse_scenario(text: str, source: str = "<scenario>", rulebook=None) -> Scenario:
    raw = _parse(text, source)
    scenario = validate(raw, source, text)
    if rulebook is None:
        from chujing.rulebook import default_rulebook

        rulebook = default_rulebook()
    check_vocabulary(scenario, rulebook, source, text)
    return scenario


def _parse(text: str, source: str) -> Any:
    if source.endswith(".json"):
        import json  # (only here: a cold `chujing assess` on YAML does not load it)

        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", file=source, line=exc.lineno) from None
    else:
        try:
            raw = yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or "cannot parse"
            raise InputError(f"invalid YAML: {problem}", file=source,
                             line=mark.line + 1 if mark else None) from None
    if not isinstance(raw, dict):
        raise InputError("a scenario is a mapping with processor, transfer and history", file=source,
                         line=1)
    return raw


def validate(raw: dict, source: str = "<scenario>", text: str | None = None) -> Scenario:
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not isinstance(p, str) or not p.startswith("function-"))
        field = _dotted(loc)
        msg = _message(err)
        more = len(exc.errors()) - 1
        if more:
            msg += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise InputError(msg, file=source, line=_line(text, loc) if text else None,
                         field=field or None) from None


def check_vocabulary(scenario: Scenario, book, source: str = "<scenario>", text: str | None = None) -> None:
    """Every word the scenario uses is one the rulebook defines (the first unknown one is an
    InputError naming the field). Runs on every API request: dict lookups, no lists built."""
    words = book.words
    for loc, value in ((_FTZ, scenario.processor.ftz), (_SECTOR, scenario.processor.sector),
                       (_SCENARIO, scenario.transfer.scenario)):
        if value is not None and value not in words.get(VOCABULARY_FIELDS[loc], ()):
            _unknown(book, VOCABULARY_FIELDS[loc], value, loc, source, text)
    populations = words.get("population", ())
    for i, item in enumerate(scenario.transfer.data):
        if item.population is not None and item.population not in populations:
            _unknown(book, "population", item.population, ("transfer", "data", i, "population"),
                     source, text)


_FTZ, _SECTOR, _SCENARIO = VOCABULARY_FIELDS


def _unknown(book, kind: str, value, loc: tuple, source: str, text: str | None):
    known = book.word_ids(kind)
    raise InputError(f"unknown {kind} {value!r}; known: {', '.join(known) or '(none)'}",
                     file=source, line=_line(text, loc) if text else None, field=_dotted(loc))


def _dotted(loc: tuple) -> str:
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _message(err: dict) -> str:
    t = err.get("type", "")
    if t == "extra_forbidden":
        return "unknown field"
    if t == "missing":
        return "required field is missing"
    if t in ("greater_than_equal", "greater_than") and "ge" in (err.get("ctx") or {}):
        return f"must be ≥ {err['ctx']['ge']}, got {err.get('input')!r}"
    if t == "enum":
        return f"{err.get('input')!r} is not one of {err['ctx']['expected']}"
    msg = err.get("msg", "invalid value")
    return msg.removeprefix("Value error, ")


def _line(text: str | None, loc: tuple) -> int | None:
    if not text:
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(part):
                    node, line = v, k.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
