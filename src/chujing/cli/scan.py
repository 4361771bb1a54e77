"""`chujing scan`: find and count Chinese personal information in datasets (issue 4).

Heavy imports (polars, pyarrow) happen inside the command so other commands start fast.
"""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from chujing.errors import InputError


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"not a date (YYYY-MM-DD): {value!r}", field="--as-of") from None


def scan_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to scan.")],
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", help="text summary or one JSON object")] = OutputFormat.text,
    manifest: Annotated[Path | None, typer.Option(
        "--manifest", help="Write the manifest (person-key hashes + counts) here.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Scan date (YYYY-MM-DD): picks the sensitivity profile and who is "
        "under 14. Default: today.")] = None,
    profile: Annotated[str | None, typer.Option(
        "--profile", help="Sensitivity profile id (e.g. gbt-35273-2020), overriding the date.")
    ] = None,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", help="Text encoding of CSV files (default: detect UTF-8 / GB18030).")
    ] = None,
    person_key: Annotated[str | None, typer.Option(
        "--person-key", help="Column(s) that identify a person, comma-separated, instead of "
        "the strongest identifier found.")] = None,
    skip_bad_rows: Annotated[bool, typer.Option(
        "--skip-bad-rows", help="Skip malformed rows, count and report them.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Find and count personal information in datasets, without showing raw identifiers."""
    from chujing.personkey import load_key
    from chujing.scan import scan_paths
    from chujing.scan.manifest import write_manifest
    from chujing.scan.report import render_text

    day = _parse_date(as_of) or date.today()
    key_columns = [c.strip() for c in person_key.split(",") if c.strip()] if person_key else None
    key = load_key()
    show_progress = not quiet and sys.stderr.isatty()
    with _progress(show_progress) as advance:
        result = scan_paths(paths, as_of=day, profile=profile, encoding=encoding,
                            person_key=key_columns, skip_bad_rows=skip_bad_rows,
                            progress=advance, key=key)
    if manifest is not None:
        write_manifest(manifest, result, key)
    if output_format is OutputFormat.json:
        typer.echo(result.to_json())
    else:
        render_text(result, manifest)


class _progress:
    """A Rich progress bar on stderr counting rows; a no-op when disabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar = None

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(TextColumn("scanning"), BarColumn(pulse_style="cyan"),
                             TextColumn("{task.completed:,} rows"), TimeElapsedColumn(),
                             console=Console(stderr=True), transient=True)
        self._bar.start()
        task = self._bar.add_task("scan", total=None)
        return lambda rows: self._bar.advance(task, rows)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def register(app: typer.Typer) -> None:
    app.command("scan")(scan_command)
