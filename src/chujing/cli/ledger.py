"""`chujing ledger …`: record transfers, see where the year stands, list, show, void, export."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path

import typer

ledger_app = typer.Typer(help="The transfer ledger (出境台账): this year's exported persons, deduplicated.",
                         no_args_is_help=True)

LEDGER_OPT = typer.Option(None, "--ledger", envvar="CHUJING_LEDGER",
                          help="Ledger: a file path, sqlite:///PATH or postgresql://… "
                               "(default $CHUJING_HOME/ledger.sqlite or ~/.local/share/chujing/ledger.sqlite).")


class OutFormat(StrEnum):
    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")


def _open(url: str | None):
    from chujing.ledger import open_ledger

    return open_ledger(url)


def _dump(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


@ledger_app.command("record")
def record_cmd(
    scenario_file: Path = typer.Argument(..., help="Scenario file of the transfer (YAML or JSON)."),
    transfer_id: str = typer.Option(..., "--id", help="Your id for this transfer (unique in the ledger)."),
    manifest: Path = typer.Option(None, "--manifest", help="Scan manifest: record its person keys."),
    as_of: str = typer.Option(None, "--as-of", help="Date of the law to apply (default: the transfer date)."),
    ledger: str = LEDGER_OPT,
    fmt: OutFormat = typer.Option(OutFormat.text, "--format", "-f"),
) -> None:
    """Record a transfer: its route and grounds, and who was in it (deduplicated by person key)."""
    from chujing.cli.assess import parse_date
    from chujing.engine import assess
    from chujing.ledger import integration
    from chujing.rulebook import default_rulebook
    from chujing.scenario_io import load_scenario

    book = default_rulebook()
    scenario = load_scenario(scenario_file, book)
    day = parse_date(as_of, "--as-of") or scenario.transfer.date or scenario.as_of or date.today()
    scenario = scenario.model_copy(update={"as_of": day})
    with _open(ledger) as led:
        prepared = integration.prepare(scenario, led, manifest, day, book=book, record_id=transfer_id)
        decision = assess(prepared, book, as_of=day)
        result = integration.record(led, transfer_id, prepared, decision, manifest)
    out = {"id": result.id, "status": result.status, "route": str(decision.pathway),
           "new_persons": result.new_persons}
    if fmt == OutFormat.json:
        _dump(out)
        return
    if result.status == "unchanged":
        print(f"{result.id}: already recorded with the same content; nothing changed "
              f"/ 已记录且内容相同，未作更改")
        return
    new = ", ".join(f"{k} {v:,}" for k, v in result.new_persons.items())
    if not new:
        declared = decision.counts["this_transfer"]["personal_information"]
        new = ("none (exempt)" if manifest is not None or not declared else
               f"{declared:,} as declared (no manifest: not deduplicable)")
    print(f"recorded {result.id} ({day}, route {decision.pathway}); new persons this window: {new}")
    print(f"已记录 {result.id}（{day}，路径 {decision.pathway}）")


@ledger_app.command("status")
def status_cmd(
    year: int = typer.Option(None, "--year", help="Calendar year (default: this year)."),
    as_of: str = typer.Option(None, "--as-of", help="Count up to this date (default: today, or 31 Dec of --year)."),
    ledger: str = LEDGER_OPT,
    fmt: OutFormat = typer.Option(OutFormat.text, "--format", "-f"),
) -> None:
    """Persons exported in the counting window, per kind, with the next threshold and headroom."""
    from chujing.cli.assess import parse_date
    from chujing.errors import InputError
    from chujing.ledger import integration
    from chujing.rulebook import default_rulebook

    today = date.today()
    day = parse_date(as_of, "--as-of")
    if day is None:
        if year is not None and not 1 <= year <= 9999:
            raise InputError(f"{year} is not a year", field="--year")
        day = today if year is None or year == today.year else date(year, 12, 31)
    elif year is not None and year != day.year:
        raise InputError("--as-of is not in --year", field="--year")
    book = default_rulebook()
    with _open(ledger) as led:
        st = integration.status(led, book, day)
        st["ledger"] = _display(led.url)
    if fmt == OutFormat.json:
        _dump(st)
        return
    w = st["window"]
    print(f"Ledger {st['ledger']} — counting window {w['start']} … {w['end']} ({w['rule']})")
    print(f"台账 — 计数期间 {w['start']} 至 {w['end']}")
    labels = {"personal_information": ("personal information (every person exported)", "个人信息（全部出境自然人）"),
              "sensitive_personal_information": ("sensitive personal information", "敏感个人信息")}
    for kind, (en, zh) in labels.items():
        n = st["counts"][kind]
        h = st["headroom"][kind]
        line = f"  {en} / {zh}: {n:,}"
        if h:
            line += (f"; next threshold {h['next_threshold']:,} ({h['wording']}) → {h['route']}; "
                     f"headroom {h['remaining']:,} / 余量 {h['remaining']:,}")
        else:
            line += "; no further threshold / 无更高门槛"
        print(line)
    for pop, n in st["counts"]["by_population"].items():
        print(f"  population {pop} / 人群: {n:,}")
    dec = st["counts"]["declared"]
    if dec["personal_information"]:
        print(f"  (of which {dec['personal_information']:,} declared without person keys, not deduplicated "
              f"/ 其中 {dec['personal_information']:,} 人为申报数，未去重)")
    t = st["transfers"]
    print(f"  transfers: {t['counted']} counted, {t['exempt']} exempt, {t['voided']} voided "
          f"/ 出境记录：计入 {t['counted']}，免予申报 {t['exempt']}，作废 {t['voided']}")


def _display(url: str) -> str:
    from chujing.ledger.store import display_url

    return display_url(url)


@ledger_app.command("list")
def list_cmd(
    year: int = typer.Option(None, "--year", help="Only transfers of this calendar year."),
    ledger: str = LEDGER_OPT,
    fmt: OutFormat = typer.Option(OutFormat.text, "--format", "-f"),
) -> None:
    """Every recorded transfer (voided ones marked)."""
    with _open(ledger) as led:
        rows = led.transfers(year)
    if fmt == OutFormat.json:
        _dump([{k: v for k, v in r.items() if k not in ("facts", "decision")} for r in rows])
        return
    if not rows:
        print("no transfers recorded / 无出境记录")
        return
    print(f"{'id':<24} {'date':<10} {'to':<4} {'route':<36} {'persons':>10} {'sensitive':>10}  state")
    for r in rows:
        state = "VOID" if r["voided"] else "exempt" if r["exempt"] else "counted"
        if not r["deduplicable"]:
            state += " (declared)"
        print(f"{r['id'][:24]:<24} {r['date']:<10} {(r['recipient']['country'] or '-'):<4} "
              f"{(r['route'] or '-'):<36} {r['persons']:>10,} {r['sensitive_persons']:>10,}  {state}")


@ledger_app.command("show")
def show_cmd(
    transfer_id: str = typer.Argument(..., metavar="ID"),
    ledger: str = LEDGER_OPT,
    fmt: OutFormat = typer.Option(OutFormat.text, "--format", "-f"),
) -> None:
    """One transfer in full, with its audit trail (person keys are counted, never shown)."""
    with _open(ledger) as led:
        t = led.transfer(transfer_id)
    if fmt == OutFormat.json:
        _dump(t)
        return
    print(f"{t['id']}  {t['date']}  → {t['recipient']['name'] or '-'} ({t['recipient']['country'] or '-'})")
    print(f"  route / 路径: {t['route']}   exempt / 免予申报: {t['exempt']}"
          + (f" ({', '.join(t['exemption_rules'])})" if t["exemption_rules"] else ""))
    print(f"  grounds / 依据: {', '.join(t['grounds']) or '-'}   kinds / 类型: {', '.join(t['kinds']) or '-'}")
    print(f"  persons / 人数: {t['persons']:,} (sensitive / 敏感 {t['sensitive_persons']:,})"
          + ("" if t["deduplicable"] else "  declared, not deduplicable / 申报数，不可去重"))
    if t["populations"]:
        print("  populations / 人群: " + ", ".join(f"{k} {v:,}" for k, v in t["populations"].items()))
    if t["person_keys"]:
        print("  person keys held / 已存人员哈希: " + ", ".join(f"{k} {v:,}" for k, v in t["person_keys"].items()))
    if t["voided"]:
        print(f"  VOIDED / 已作废 {t['voided_at']}: {t['void_reason']}")
    print("  audit / 审计记录:")
    for a in t["audit"]:
        print(f"    {a['at']}  {a['action']:<7} by {a['actor']}")


@ledger_app.command("void")
def void_cmd(
    transfer_id: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit log)."),
    ledger: str = LEDGER_OPT,
) -> None:
    """Void a transfer: it stays in the ledger, marked, and its persons stop counting."""
    with _open(ledger) as led:
        led.void(transfer_id, reason)
    print(f"voided {transfer_id} / 已作废 {transfer_id}")


@ledger_app.command("export")
def export_cmd(
    fmt: ExportFormat = typer.Option(ExportFormat.json, "--format", "-f"),
    year: int = typer.Option(None, "--year", help="Only transfers of this calendar year."),
    audit: bool = typer.Option(False, "--audit", help="Export the audit log instead of the transfers."),
    output: Path = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    ledger: str = LEDGER_OPT,
) -> None:
    """Export transfers (or the audit log) as CSV or JSON; person keys are never exported."""
    from chujing.ledger.export import export_audit, export_transfers

    with _open(ledger) as led:
        text = export_audit(led, str(fmt)) if audit else export_transfers(led, str(fmt), year)
    if output is None:
        sys.stdout.write(text)
        return
    from chujing.errors import InputError

    try:
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=str(output)) from None

