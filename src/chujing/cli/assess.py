"""`chujing assess FILE`: the route for a planned transfer, with its reasons.

Typer is imported only in `register`: `run` is also called without it (cli/fast.py).
"""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from chujing.errors import EXIT_GATE, InputError

if TYPE_CHECKING:
    import typer


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Lang(StrEnum):
    zh = "zh"
    en = "en"
    both = "both"


class Route(StrEnum):
    exempt = "exempt"
    standard_contract_or_certification = "standard_contract_or_certification"
    security_assessment = "security_assessment"
    other_path = "other_path"


# Gate order for --fail-on; needs_information fails every gate (a pipeline cannot proceed on it).
GATE_ORDER = ["exempt", "standard_contract_or_certification", "security_assessment", "other_path"]


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", field=option) from None


def gate_tripped(pathway: str, fail_on: str) -> bool:
    if pathway == "needs_information":
        return True
    return GATE_ORDER.index(pathway) >= GATE_ORDER.index(fail_on)


def register(app: typer.Typer) -> None:
    import typer

    @app.command()
    def assess(
        file: Path = typer.Argument(..., help="Scenario file (YAML or JSON)."),
        as_of: str = typer.Option(None, "--as-of", help="Apply the law in force on this date (YYYY-MM-DD)."),
        fmt: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
        lang: Lang = typer.Option(Lang.both, "--lang", help="Language of the text output."),
        trace: bool = typer.Option(False, "--trace", help="Text output: show every rule considered."),
        fail_on: Route = typer.Option(None, "--fail-on",
                                      help=f"Exit {EXIT_GATE} when the route is at least this strict "
                                           "(or needs information)."),
        manifest: Path = typer.Option(None, "--manifest", help="Scan manifest: use its person counts."),
        ledger: str = typer.Option(None, "--ledger", envvar="CHUJING_LEDGER",
                                   help="Ledger URL: add this year's earlier transfers (deduplicated)."),
        record: str = typer.Option(None, "--record", help="Record this transfer in the ledger under this id."),
    ) -> None:
        """Decide the legal route for a planned transfer, and show why, article by article."""
        code = run(file, as_of, fmt, lang, trace, fail_on, manifest, ledger, record)
        if code:
            raise typer.Exit(code)


def run(file: Path, as_of: str | None = None, fmt: Format = Format.text, lang: Lang = Lang.both,
        trace: bool = False, fail_on: Route | None = None, manifest: Path | None = None,
        ledger: str | None = None, record: str | None = None) -> int:
    """The command's work: writes the decision to stdout; returns the exit code (0, or EXIT_GATE)."""
    from chujing.engine import assess as run_engine
    from chujing.render.text import render_markdown, render_text
    from chujing.rulebook import default_rulebook
    from chujing.scenario_io import load_scenario

    book = default_rulebook()
    scenario = load_scenario(file, book)
    day = parse_date(as_of, "--as-of") or scenario.as_of or date.today()
    scenario = scenario.model_copy(update={"as_of": day})
    manifest_obj = None
    if manifest is not None:
        from chujing.manifest_input import apply_manifest
        from chujing.scan.manifest import read_manifest

        manifest_obj = read_manifest(manifest)
    if record and not ledger:
        raise InputError("--record needs a ledger (--ledger URL or CHUJING_LEDGER)", field="--record")
    if ledger:
        from chujing.ledger import integration

        scenario = integration.prepare(scenario, ledger, manifest_obj, day, book=book, record_id=record)
    elif manifest_obj is not None:
        scenario = apply_manifest(scenario, manifest_obj)
    decision = run_engine(scenario, book, as_of=day)
    if record:
        done = integration.record(ledger, record, scenario, decision, manifest_obj)
        print(f"chujing: {'recorded' if done.status == 'recorded' else 'already recorded, unchanged:'} "
              f"{record} / {'已记入台账' if done.status == 'recorded' else '已记录，未更改'}", file=sys.stderr)
    d = decision.to_dict()
    if fmt == Format.json:
        import json

        sys.stdout.write(json.dumps(d, ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt == Format.markdown:
        sys.stdout.write(render_markdown(d, str(lang)))
    else:
        sys.stdout.write(render_text(d, str(lang), trace=trace))
    if fail_on is not None and gate_tripped(d["pathway"], str(fail_on)):
        return EXIT_GATE
    return 0
