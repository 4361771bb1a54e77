"""`chujing report SCENARIO|DECISION.json`: the assessment as a document (Markdown, HTML, PDF)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from chujing.cli.assess import Lang


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    markdown = "markdown"


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        file: Path = typer.Argument(..., help="Scenario (YAML/JSON) or a decision JSON from `assess --format json`."),
        fmt: ReportFormat = typer.Option(ReportFormat.html, "--format", "-f", help="Output format."),
        lang: Lang = typer.Option(Lang.both, "--lang", help="zh, en, or both (Chinese then English)."),
        output: Path = typer.Option(None, "--output", "-o", help="Write here (PDF needs it); default stdout."),
        manifest: Path = typer.Option(None, "--manifest",
                                      help="Scan manifest (.parquet) or scan JSON: the data inventory annex."),
        as_of: str = typer.Option(None, "--as-of", help="Assessment date for a scenario (YYYY-MM-DD)."),
        ledger: str = typer.Option(None, "--ledger",
                                   help="Ledger URL: this year's earlier transfers from the ledger (scenario input)."),
        company: str = typer.Option(None, "--company", help="Company name for the header (default: processor.name)."),
    ) -> None:
        """Write the assessment report: route and reason, facts, trace, obligations, headroom."""
        from chujing.cli.assess import parse_date
        from chujing.errors import InputError
        from chujing.report import render
        from chujing.report.drafts import atomic_write
        from chujing.report.inputs import load_inputs

        if fmt == ReportFormat.pdf and output is None:
            raise InputError("a PDF needs an output file: -o FILE.pdf", field="--output")
        decision, scenario, inventory = load_inputs(file, parse_date(as_of, "--as-of"), manifest, ledger)
        out = render(decision, scenario, str(fmt), str(lang), inventory=inventory, company=company)
        data = out if isinstance(out, bytes) else out.encode("utf-8")
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            atomic_write(output, data)
