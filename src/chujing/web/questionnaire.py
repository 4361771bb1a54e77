"""The guided questionnaire: an HTML form ↔ a scenario, and which questions to show.

The form carries all its state (no server-side interview state): a few core questions are always
asked (date, organisation, transfer, data items, earlier transfers); beyond them, the form shows
only the facts the engine says could change the route (`Decision.questions`), plus those already
answered so they can be changed. Field names are flat: `item-0-kind`, `f:processor.ciio`,
`f:item.modality:0`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chujing.facts import DataKind, Ground, Modality

MAX_ROWS = 50

# Facts the engine may ask about → where they live in a scenario. Item facts are relative to the item.
PROCESSOR_FACTS = {
    "processor.ciio": ("processor", "ciio"),
    "processor.pi_subjects_processed": ("processor", "pi_subjects_processed"),
    "processor.independent_legal_person": ("processor", "independent_legal_person"),
    "processor.data_stored_in_ftz": ("processor", "data_stored_in_ftz"),
    "processor.state_organ": ("processor", "state_organ"),
    "processor.network_platform_users": ("processor", "network_platform_users"),
    "processor.foreign_listing_planned": ("processor", "foreign_listing_planned"),
    "processor.autonomous_driving": ("processor", "autonomous_driving"),
    "transfer.domestic_data_added": ("transfer", "domestic_data_added"),
    "transfer.foreign_authority_request": ("transfer", "foreign_authority_request"),
    "transfer.core_data": ("transfer", "core_data"),
    "transfer.export_controlled": ("transfer", "export_controlled"),
    "transfer.ongoing": ("transfer", "ongoing"),
    "transfer.recipient_foreign_authority": ("transfer", "recipient", "foreign_judicial_or_law_enforcement"),
    "transfer.recipient_restricted": ("transfer", "recipient", "on_restricted_list"),
    "transfer.security_assessment_approved": ("transfer", "security_assessment_approved"),
    "transfer.contract_effective_date": ("transfer", "contract_effective_date"),
    "transfer.certification_date": ("transfer", "certification_date"),
}
ITEM_FACTS = {
    "item.modality": ("modality",),
    "item.population": ("population",),
    "item.export_controlled": ("export_controlled",),
    "item.hgr_approved": ("hgr_approved",),
    "item.important_data_notified": ("important_data", "notified"),
    "item.important_data_notified_date": ("important_data", "notified_date"),
}
# Facts the core questions already cover: an engine question about them points at the core field.
CORE_FACTS = {"processor.ftz": "processor.ftz", "processor.sector": "processor.sector",
              "transfer.scenario": "transfer.scenario", "item.subjects": "item-{i}-subjects"}
GLOSSARY_FOR = {"processor.ciio": "ciio", "processor.independent_legal_person": "ftz",
                "processor.data_stored_in_ftz": "ftz", "item.important_data_notified": "important_data"}


@dataclass
class Field:
    name: str  # form field name
    fact: str
    kind: str  # bool | count | word | date | text
    value: Any  # as typed in the form ("" when empty)
    item: int | None = None  # form index of the data item
    asked: bool = False  # the engine asks it now
    options: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    question: dict[str, str] | None = None
    label: dict[str, str] | None = None
    glossary: str | None = None


@dataclass
class FormState:
    values: dict[str, Any]  # core values as typed
    items: list[dict[str, str]]
    history: list[dict[str, str]]
    grounds: list[str]
    facts: dict[str, str]  # f:... fields as typed
    errors: dict[str, str] = field(default_factory=dict)  # form field name → message
    raw: dict[str, Any] = field(default_factory=dict)  # the scenario built from the form
    item_index: dict[int, int] = field(default_factory=dict)  # scenario item index → form index
    paths: dict[str, str] = field(default_factory=dict)  # dotted scenario path → form field name
    lang_switch: str | None = None
    use_ledger: bool = False  # count this window's earlier transfers from the server's ledger

    @property
    def has_data(self) -> bool:
        return bool(self.raw.get("transfer", {}).get("data"))


def _set(d: Any, path: tuple, value: Any) -> None:
    for p in path[:-1]:
        d = d[p] if isinstance(d, list) else d.setdefault(p, {})
    d[path[-1]] = value


def _dotted(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _convert(kind: str, text: str, name: str, errors: dict[str, str]) -> Any:
    text = (text or "").strip()
    if text == "":
        return None
    if kind == "bool":
        if text in ("yes", "no"):
            return text == "yes"
        errors[name] = "yes / no"
        return None
    if kind == "count":
        try:
            n = int(text.replace(",", "").replace("_", ""))
        except ValueError:
            errors[name] = "a whole number / 请填写整数"
            return None
        if n < 0 or n > 10**12:
            errors[name] = "0 – 1,000,000,000,000"
            return None
        return n
    if kind == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            errors[name] = "YYYY-MM-DD"
            return None
    return text[:200]


def fact_kind(book, fact: str) -> str:
    t = (book.facts.get(fact) or {}).get("type", "text")
    return t if t in ("bool", "count", "word", "date") else "text"


def read_form(form, book) -> FormState:
    """Form fields (a starlette FormData or a dict of lists) → the scenario and what to redisplay."""
    def get(name: str) -> str:
        v = form.get(name)
        return v if isinstance(v, str) else ""

    def getlist(name: str) -> list[str]:
        return [v for v in (form.getlist(name) if hasattr(form, "getlist") else form.get(name, []))
                if isinstance(v, str)]

    def count(name: str) -> int:
        try:
            return max(0, min(int(get(name) or 0), MAX_ROWS))
        except ValueError:
            return 0

    n_items = count("n_items") if get("n_items") else 1
    n_hist = count("n_history")
    action = get("_action")
    items = [{k: get(f"item-{i}-{k}") for k in ("name", "kind", "subjects")} for i in range(n_items)]
    history = [{k: get(f"history-{i}-{k}") for k in ("date", "kind", "subjects")} for i in range(n_hist)]
    facts = {k: v for k, v in ((k, get(k)) for k in (form.keys() if hasattr(form, "keys") else []))
             if k.startswith("f:") and v.strip()}
    # Item facts follow their item when one is removed.
    if action.startswith("remove_item:"):
        gone = _int(action.split(":", 1)[1])
        if gone is not None and 0 <= gone < len(items):
            items.pop(gone)
            facts = _renumber(facts, gone)
    elif action == "add_item" and len(items) < MAX_ROWS:
        items.append({"name": "", "kind": "", "subjects": ""})
    elif action.startswith("remove_history:"):
        gone = _int(action.split(":", 1)[1])
        if gone is not None and 0 <= gone < len(history):
            history.pop(gone)
    elif action == "add_history" and len(history) < MAX_ROWS:
        history.append({"date": "", "kind": "", "subjects": ""})

    values = {k: get(k) for k in ("as_of", "processor.name", "processor.ftz", "processor.sector",
                                  "transfer.scenario", "transfer.recipient.country")}
    if not values["as_of"]:
        values["as_of"] = date.today().isoformat()
    st = FormState(values, items, history, [g for g in getlist("transfer.grounds")
                                            if g in Ground.__members__], facts)
    lang = get("_lang")
    st.lang_switch = lang if lang in ("zh", "en") else None
    st.use_ledger = get("use_ledger") == "yes"
    _build(st, book)
    return st


def _int(s: str) -> int | None:
    try:
        return int(s)
    except ValueError:
        return None


def _renumber(facts: dict[str, str], gone: int) -> dict[str, str]:
    out = {}
    for k, v in facts.items():
        if k.startswith("f:item."):
            fact, _, idx = k[2:].rpartition(":")
            i = _int(idx)
            if i is None or i == gone:
                continue
            k = f"f:{fact}:{i - 1 if i > gone else i}"
        out[k] = v
    return out


def _build(st: FormState, book) -> None:
    raw: dict[str, Any] = {"processor": {}, "transfer": {"recipient": {}, "data": []}, "history": []}
    err = st.errors

    def put(path: tuple, value: Any, name: str) -> None:
        st.paths[_dotted(path)] = name
        if value is not None:
            _set(raw, path, value)

    as_of = _convert("date", st.values["as_of"], "as_of", err)
    put(("as_of",), as_of, "as_of")
    if as_of:
        put(("transfer", "date"), as_of, "as_of")
    put(("processor", "name"), st.values["processor.name"].strip()[:200] or None, "processor.name")
    for key in ("processor.ftz", "processor.sector", "transfer.scenario"):
        put(tuple(key.split(".")), st.values[key] or None, key)
    country = st.values["transfer.recipient.country"].strip().upper()
    put(("transfer", "recipient", "country"), country or None, "transfer.recipient.country")
    put(("transfer", "grounds"), list(st.grounds), "transfer.grounds")

    for name, value in st.facts.items():
        fact = name[2:]
        if fact in PROCESSOR_FACTS:
            put(PROCESSOR_FACTS[fact], _convert(fact_kind(book, fact), value, name, err), name)

    for fi, it in enumerate(st.items):
        if it["kind"] not in DataKind.__members__:
            if it["kind"]:
                err[f"item-{fi}-kind"] = "?"
            continue
        si = len(raw["transfer"]["data"])
        st.item_index[si] = fi
        entry: dict[str, Any] = {"kind": it["kind"]}
        raw["transfer"]["data"].append(entry)
        base = ("transfer", "data", si)
        put(base + ("kind",), it["kind"], f"item-{fi}-kind")
        put(base + ("name",), it["name"].strip()[:200] or None, f"item-{fi}-name")
        put(base + ("subjects",), _convert("count", it["subjects"], f"item-{fi}-subjects", err),
            f"item-{fi}-subjects")
        for fact, rel in ITEM_FACTS.items():
            name = f"f:{fact}:{fi}"
            if name in st.facts:
                put(base + rel, _convert(fact_kind(book, fact), st.facts[name], name, err), name)

    for hi, h in enumerate(st.history):
        if not (h["date"] or h["kind"] or h["subjects"]):
            continue
        prefix = f"history-{hi}-"
        entry = {"date": _convert("date", h["date"], prefix + "date", err),
                 "kind": h["kind"] or None,
                 "subjects": _convert("count", h["subjects"], prefix + "subjects", err)}
        if None in entry.values():
            for k, v in entry.items():
                if v is None and prefix + k not in err:
                    err[prefix + k] = "required / 必填"
            continue
        hi_s = len(raw["history"])
        for k in entry:
            st.paths[_dotted(("history", hi_s, k))] = prefix + k
        raw["history"].append(entry)
    if st.use_ledger and raw["history"]:
        err["use_ledger"] = ("list earlier transfers here or count them from the ledger, not both / "
                             "已出境记录请在此列出或从台账计入，二者择一")
    st.raw = raw


def attach_errors(st: FormState, errors: list[dict]) -> None:
    """Errors from validation ({field: dotted path, message}) → next to the form field."""
    for e in errors:
        path = e.get("field") or ""
        name = None
        while path:
            name = st.paths.get(path)
            if name:
                break
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        st.errors.setdefault(name or "_form", e["message"])


def fact_fields(st: FormState, book, decision: dict | None) -> list[Field]:
    """The questions to show: those answered already, and those the engine asks now."""
    asked: set[str] = set()
    questions: dict[str, dict] = {}
    if decision:
        for q in decision.get("questions", []):
            fact, item = q["fact"], q.get("item")
            if fact in CORE_FACTS:
                continue
            fi = st.item_index.get(item) if item is not None else None
            name = f"f:{fact}:{fi}" if fact.startswith("item.") else f"f:{fact}"
            if fact.startswith("item.") and fi is None:
                continue
            asked.add(name)
            questions[name] = q["question"]
    names = list(dict.fromkeys([*st.facts.keys(), *sorted(asked)]))
    out = []
    for name in names:
        fact, _, idx = name[2:].partition(":")
        if fact not in PROCESSOR_FACTS and fact not in ITEM_FACTS and name not in asked:
            continue
        fi = _int(idx) if idx else None
        if fact.startswith("item.") and (fi is None or fi >= len(st.items)):
            continue
        kind = fact_kind(book, fact)
        options = []
        if fact == "item.modality":
            kind = "word"
            from chujing.web.i18n import MODALITY_LABELS

            options = [(m.value, MODALITY_LABELS[m.value]) for m in Modality]
        elif kind == "word":
            words = (book.facts.get(fact) or {}).get("words")
            options = [(w, {"zh": book.word_label(words, w, "zh"), "en": book.word_label(words, w, "en")})
                       for w in book.word_ids(words)] if words else []
            if not options:
                kind = "text"
        spec = book.facts.get(fact) or {}
        out.append(Field(name=name, fact=fact, kind=kind, value=st.facts.get(name, ""), item=fi,
                         asked=name in asked, options=options,
                         question=questions.get(name) or spec.get("question"),
                         label=spec.get("label"), glossary=GLOSSARY_FOR.get(fact)))
    order = {n: i for i, n in enumerate(list(PROCESSOR_FACTS) + list(ITEM_FACTS))}
    out.sort(key=lambda f: (f.item if f.item is not None else -1, order.get(f.fact, 999)))
    return out


def form_from_scenario(raw: dict) -> dict[str, list[str]]:
    """A saved scenario → form fields, to change the answers of an earlier decision."""
    form: dict[str, list[str]] = {}

    def put(name: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            value = "yes" if value else "no"
        form[name] = [str(value)]

    put("as_of", raw.get("as_of"))
    p, t = raw.get("processor") or {}, raw.get("transfer") or {}
    put("processor.name", p.get("name"))
    put("processor.ftz", p.get("ftz"))
    put("processor.sector", p.get("sector"))
    put("transfer.scenario", t.get("scenario"))
    put("transfer.recipient.country", (t.get("recipient") or {}).get("country"))
    form["transfer.grounds"] = [str(g) for g in t.get("grounds") or []]
    for fact, path in PROCESSOR_FACTS.items():
        d: Any = raw
        for part in path:
            d = d.get(part) if isinstance(d, dict) else None
        put(f"f:{fact}", d)
    data = t.get("data") or []
    form["n_items"] = [str(max(len(data), 1))]
    for i, it in enumerate(data):
        put(f"item-{i}-name", it.get("name"))
        put(f"item-{i}-kind", it.get("kind"))
        put(f"item-{i}-subjects", it.get("subjects"))
        for fact, rel in ITEM_FACTS.items():
            d = it
            for part in rel:
                d = d.get(part) if isinstance(d, dict) else None
            put(f"f:{fact}:{i}", d)
    hist = raw.get("history") or []
    form["n_history"] = [str(len(hist))]
    for i, h in enumerate(hist):
        for k in ("date", "kind", "subjects"):
            put(f"history-{i}-{k}", h.get(k))
    return form


class DictForm(dict):
    """A dict of lists that reads like starlette's FormData."""

    def get(self, key, default=None):  # noqa: D102
        v = super().get(key)
        return v[0] if v else default

    def getlist(self, key):  # noqa: D102
        return list(super().get(key) or [])
