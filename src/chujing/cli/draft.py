"""`chujing draft ROUTE SCENARIO -o FILE.docx|.md`: a filing draft prefilled from the facts."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def draft(
        route: str = typer.Argument(..., help="standard_contract (sc), security_assessment (sa), "
                                              "certification (cert), or exempt/inventory."),
        file: Path = typer.Argument(..., help="Scenario (YAML/JSON) or a decision JSON."),
        output: Path = typer.Option(..., "--output", "-o", help="FILE.docx or FILE.md"),
        lang: str = typer.Option("zh", "--lang", help="zh (default: what the regulator reads), en, or both."),
        manifest: Path = typer.Option(None, "--manifest",
                                      help="Scan manifest (.parquet) or scan JSON: the data inventory annex."),
        as_of: str = typer.Option(None, "--as-of", help="Assessment date for a scenario (YYYY-MM-DD)."),
        ledger: str = typer.Option(None, "--ledger",
                                   help="Ledger URL: this year's earlier transfers from the ledger (scenario input)."),
    ) -> None:
        """Prefill the PIPIA, self-assessment or certification checklist, with the data inventory."""
        from chujing.cli.assess import parse_date
        from chujing.errors import InputError
        from chujing.report import drafts
        from chujing.report.inputs import load_inputs

        if lang not in ("zh", "en", "both"):
            raise InputError(f"--lang must be zh, en or both, not {lang!r}", field="--lang")
        if output.suffix.lower() not in (".docx", ".md", ".markdown"):
            raise InputError("output must end in .docx or .md", file=str(output))
        canonical = drafts.canonical_route(route)
        decision, scenario, inventory = load_inputs(file, parse_date(as_of, "--as-of"), manifest, ledger)
        doc = drafts.build(canonical, decision, scenario, inventory)
        drafts.write(doc, output, lang)
