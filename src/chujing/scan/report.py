"""The text summary of a scan: counts first, then what was found where (masked samples only)."""

from __future__ import annotations

from pathlib import Path

from chujing.rulebook.sensitivity import category_names
from chujing.scan.result import ScanResult


def render_text(result: ScanResult, manifest: Path | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    names = category_names()
    prof = result.profile.profile
    console.print(f"[bold]chujing scan[/bold] as of {result.as_of.isoformat()} — "
                  f"sensitivity per {prof.standard} ({result.profile.id})")
    files = ", ".join(str(f.path) for f in result.files)
    console.print(f"{len(result.files)} file(s), {result.rows:,} rows: {files}")
    totals = Table(show_header=False, box=None)
    totals.add_row("natural persons (subjects)", f"{result.subjects:,}")
    totals.add_row("with sensitive PI", f"{result.sensitive_subjects:,}")
    totals.add_row("minors under 14", f"{result.minors_under_14:,}")
    for pid, n in result.sensitive_by_profile().items():
        if pid != result.profile.id:
            totals.add_row(f"  (with sensitive PI under {pid})", f"{n:,}")
    if result.raw.unkeyed_rows_with_pi:
        totals.add_row("rows with PI but no identifier", f"{result.raw.unkeyed_rows_with_pi:,}")
    console.print(totals)

    cats = Table(title="persons per category")
    cats.add_column("category")
    cats.add_column("persons", justify="right")
    cats.add_column("sensitive")
    for cat, n in sorted(result.categories.items(), key=lambda kv: -kv[1]):
        name = names.get(cat)
        label = f"{cat} ({name.zh})" if name else cat
        cats.add_row(label, f"{n:,}", "yes" if result.profile.is_sensitive(cat) else "")
    console.print(cats)

    cols = Table(title="detections by column")
    for head in ("file", "column", "detector", "match", "samples"):
        cols.add_column(head)
    for stat in result.column_stats:
        where = "text" if stat.free_text else "column"
        rate = f"{stat.matches:,}/{stat.cells:,} ({where})"
        cols.add_row(Path(stat.file).name, stat.column, stat.detector, rate,
                     ", ".join(stat.samples))
    console.print(cols)
    for warning in result.raw.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    if manifest is not None:
        console.print(f"manifest written to {manifest}")
