"""The engine behind the API and the pages: validate, check the vocabulary, assess; plus the
optional modules (ledger, scanner, reports), found at run time so the service works without them.
"""

from __future__ import annotations

import importlib
import json
from collections import OrderedDict
from datetime import date
from threading import Lock
from typing import Any

from pydantic import ValidationError

from chujing.errors import InputError
from chujing.facts import Scenario


class InvalidFacts(Exception):
    """The scenario does not validate; `errors` are [{field, message}]."""

    def __init__(self, errors: list[dict]) -> None:
        super().__init__(errors[0]["message"] if errors else "invalid input")
        self.errors = errors


NOT_AN_OBJECT = "a scenario is a JSON object with processor, transfer and history"


def validate_scenario(raw: Any, book) -> Scenario:
    from chujing.web.errors import pydantic_errors

    if not isinstance(raw, dict):
        raise InvalidFacts([{"field": None, "message": NOT_AN_OBJECT}])
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise InvalidFacts(pydantic_errors(exc)) from None
    return _known_terms(scenario, book)


def validate_scenario_json(body: bytes, book) -> Scenario:
    """`validate_scenario` straight from the request bytes: pydantic parses and validates in one
    pass (no intermediate dicts from json.loads), with the same errors."""
    from chujing.web.errors import pydantic_errors

    try:
        scenario = Scenario.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            why = (first.get("ctx") or {}).get("error", "not JSON")
            raise InvalidFacts([{"field": None, "message": f"invalid JSON: {why}"}]) from None
        if first["type"] == "model_type" and not first["loc"]:
            raise InvalidFacts([{"field": None, "message": NOT_AN_OBJECT}]) from None
        raise InvalidFacts(pydantic_errors(exc)) from None
    return _known_terms(scenario, book)


def _known_terms(scenario: Scenario, book) -> Scenario:
    from chujing.scenario_io import check_vocabulary

    try:
        check_vocabulary(scenario, book)
    except InputError as exc:
        raise InvalidFacts([{"field": exc.field, "message": exc.message}]) from None
    return scenario


def decide(scenario: Scenario, book, as_of: date | None = None, ledger_url=None):
    """Run the engine; with a ledger (URL or open Ledger), the window's earlier transfers are added."""
    from chujing.engine import assess

    day = as_of or scenario.effective_as_of() or date.today()
    if scenario.as_of != day:  # a copy costs 10-20 µs: most scenarios already carry their date
        scenario = scenario.model_copy(update={"as_of": day})
    if ledger_url is not None:
        integration = optional("chujing.ledger.integration")
        if integration is not None:
            scenario = integration.prepare(scenario, ledger_url, None, day, book=book)
    try:
        return scenario, assess(scenario, book, as_of=day)
    except (OverflowError, ValueError) as exc:
        # Dates near year 9999 overflow deadline arithmetic: the input is out of range.
        raise InvalidFacts([{"field": "as_of", "message": f"date out of range ({exc})"}]) from None


class DecisionCache:
    """Decisions by request body: the engine is pure, so the same body and day give the same bytes.

    An answer is kept only once its key has been asked for before (the key's hash is remembered
    first): when every request carries a new scenario, keeping each ~35 kB answer would only push
    an older one out, and the worker would hold ~70 MB of answers nobody asks for again, written
    and freed in memory long gone from the CPU's caches."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._d: OrderedDict[tuple, bytes] = OrderedDict()
        self._seen: OrderedDict[int, None] = OrderedDict()  # hashes of keys answered once
        self._lock = Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            v = self._d.get(key)
            if v is not None:
                self._d.move_to_end(key)
            return v

    def put(self, key: tuple, value: bytes) -> None:
        h = hash(key)
        with self._lock:
            if h not in self._seen:  # first time: remember that it was asked for
                self._seen[h] = None
                if len(self._seen) > 4 * self.size:
                    self._seen.popitem(last=False)
                return
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > self.size:
                self._d.popitem(last=False)


try:  # a decision is ~30 kB of JSON: orjson writes it ~10x faster than the standard library
    import orjson

    def dumps(d: Any) -> bytes:
        try:
            return orjson.dumps(d, default=str)
        except orjson.JSONEncodeError:  # integers past 64 bits: the standard library copes
            return json.dumps(d, ensure_ascii=False, default=str,
                              separators=(",", ":")).encode("utf-8")
except ImportError:  # pragma: no cover - orjson is a dependency; keep working without it
    def dumps(d: Any) -> bytes:
        return json.dumps(d, ensure_ascii=False, default=str, separators=(",", ":")).encode("utf-8")


def optional(module: str):
    """The module if it is installed (the ledger, scanner and report modules land separately)."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise


def missing_module(what: str, module: str) -> dict:
    return {"status": 501, "message": f"{what} is not available in this installation: "
                                      f"the module {module} is not installed yet"}
