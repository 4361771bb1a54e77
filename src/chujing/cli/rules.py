"""`chujing rules`: the instruments and rules in force, one rule in full, search, version lock."""

from __future__ import annotations

import json
import sys
from datetime import date

import typer

from chujing.errors import RulebookError

rules_app = typer.Typer(help="Instruments and rules in force; show one; search; lock the version.",
                        no_args_is_help=False, invoke_without_command=True)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")


@rules_app.callback()
def list_rules(
    ctx: typer.Context,
    as_of: str = typer.Option(None, "--as-of", help="Date (YYYY-MM-DD); default today."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json"),
) -> None:
    """List the instruments and rules in force on a date."""
    if ctx.invoked_subcommand is not None:
        return
    from chujing.cli.assess import parse_date
    from chujing.rulebook import default_rulebook

    book = default_rulebook()
    day = parse_date(as_of, "--as-of") or date.today()
    live = [r for r in book.rules.values() if r.in_force(day)]
    by_inst: dict[str, list] = {}
    for r in live:
        by_inst.setdefault(r.instrument.id, []).append(r)
    if fmt == "json":
        out = {"as_of": day.isoformat(), "rulebook": {"version": book.version, "hash": book.hash},
               "instruments": [{"id": i, "title": book.instruments[i].title.model_dump(),
                                "rules": [{"id": r.id, "kind": r.kind, "citation": r.rule.citation.model_dump()}
                                          for r in rs]} for i, rs in by_inst.items()]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    print(f"Rulebook {book.version} ({book.hash[:12]}) — in force on {day}")
    for inst_id, rs in by_inst.items():
        inst = book.instruments[inst_id]
        print(f"\n{inst_id}  {inst.title.zh} / {inst.title.en}  (from {inst.effective_from})")
        for r in rs:
            route = f" → {r.rule.route}" if r.rule.route else ""
            print(f"  {r.id:<48} {r.kind:<11}{route}")


@rules_app.command("show")
def show(rule_id: str = typer.Argument(..., help="Rule id, e.g. cn/provisions-2024/art-7/pi")) -> None:
    """Print one rule with its citation, dates, summary and conditions."""
    import yaml

    from chujing.rulebook import default_rulebook

    book = default_rulebook()
    r = book.rules.get(rule_id)
    if r is None:
        close = [rid for rid in book.rules if rule_id.split("/")[-1] in rid][:8]
        hint = f"; similar: {', '.join(close)}" if close else ""
        raise RulebookError(f"no rule {rule_id!r}{hint}", field="ID")
    rule = r.rule
    print(f"{r.id}  ({r.kind}{' → ' + rule.route if rule.route else ''})")
    print(f"  {rule.citation.zh}")
    print(f"  {rule.citation.en}")
    print(f"  instrument: {r.instrument.title.zh} / {r.instrument.title.en}")
    to = r.active_to.isoformat() if r.active_to.year < 9999 else "open"
    print(f"  in force: {r.active_from} – {to}")
    if r.superseded_by:
        print(f"  superseded by {r.superseded_by[0]} from {r.superseded_by[1]}")
    print(f"\n  {rule.summary.zh}\n  {rule.summary.en}")
    if rule.scope:
        print(f"\n  scope: {', '.join(rule.scope)}")
    if rule.when is not None:
        print("  when:\n" + "\n".join("    " + ln for ln in yaml.safe_dump(
            rule.when, allow_unicode=True, sort_keys=False).splitlines()))
    if r.overrides:
        print(f"  overrides: {', '.join(sorted(r.overrides))}")
    if rule.note:
        print(f"\n  note: {rule.note}")
    if rule.interpretation:
        print("  ⚠ interpretation: confirm with the regulator")
    print(f"\n  file: {r.file.relative_to(book.data_dir)}")


@rules_app.command("search")
def search(words: list[str] = typer.Argument(..., help="Words to find, in Chinese or English"),
           as_of: str = typer.Option(None, "--as-of", help="Only rules in force on this date")) -> None:
    """Find rules (and FTZ list items) whose citation, summary or keywords mention all the words."""
    from chujing.cli.assess import parse_date
    from chujing.rulebook import default_rulebook

    text = " ".join(words)
    book = default_rulebook()
    day = parse_date(as_of, "--as-of")
    hits = search_rules(book, text, day)
    if not hits:
        print(f"no rule mentions {text!r}")
        raise typer.Exit(1)
    for r in hits:
        print(f"{r.id}\n  {r.rule.citation.zh} / {r.rule.citation.en}\n  {r.rule.summary.zh[:120]}")


def search_rules(book, text: str, day: date | None = None) -> list:
    words = [w.lower() for w in text.split() if w]
    hits = []
    for r in book.rules.values():
        if day and not r.in_force(day):
            continue
        hay = " ".join([r.id, r.rule.citation.zh, r.rule.citation.en, r.rule.summary.zh,
                        r.rule.summary.en, " ".join(r.rule.keywords),
                        r.rule.title.zh if r.rule.title else "", r.rule.title.en if r.rule.title else ""]).lower()
        if all(w in hay for w in words):
            hits.append(r)
    return hits


@rules_app.command("check")
def check() -> None:
    """Load every rule file strictly and check the version lock (CI runs this)."""
    from chujing.rulebook import load_rulebook
    from chujing.rulebook.lock import check as lock_check

    book = load_rulebook()
    problems = lock_check()
    if problems:
        for p in problems:
            print(f"chujing: rulebook: {p}", file=sys.stderr)
        raise typer.Exit(4)
    print(f"rulebook {book.version} ok: {len(book.instruments)} instruments, {len(book.rules)} rules")


@rules_app.command("lock")
def lock() -> None:
    """Record the current rule files' hash under the current version (after a version bump)."""
    from chujing.rulebook import load_rulebook
    from chujing.rulebook.lock import write_lock

    load_rulebook()
    digest = write_lock()
    print(f"locked {digest[:12]}")
