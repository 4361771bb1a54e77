"""Readers: every supported file as a stream of all-text Polars batches.

Every column is read as text: type inference would turn ID and card numbers into integers,
losing leading zeros and the X check character. Files are streamed in batches so that files
larger than memory work. Errors are `InputError`s naming the file and, where known, the line;
they never quote a row (it may hold raw identifiers).

Formats: CSV/TSV (UTF-8, UTF-8 with BOM, GBK/GB18030 detected or given), Parquet, JSON Lines,
Excel (.xlsx, every sheet). Directories are walked for those extensions.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from chujing.errors import InputError

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
SUPPORTED = CSV_SUFFIXES | PARQUET_SUFFIXES | JSONL_SUFFIXES | EXCEL_SUFFIXES
# Rows scanned per batch: each batch pays ~70 fixed-cost Polars and kernel calls. On the 10M-row
# benchmark file 250,000 rows scan in 11.6-12.0 s against 14.6-15.7 s for 100,000, peak memory
# 0.93-0.98 GB either way (bench/RESULTS.md, ninth session).
BATCH_ROWS = 250_000
BATCH_BYTES = 128 << 20  # and at most this much CSV text a batch (wide rows)
JSONL_BATCH_ROWS = 100_000  # rows held as Python dicts before they become a frame
_CSV_BLOCK = 32 << 20


@dataclass
class SourceFile:
    """One input file and what reading it found."""

    path: Path
    format: str
    encoding: str | None = None
    rows: int = 0
    skipped_rows: int = 0
    skipped_lines: list[int] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        out = {"path": str(self.path), "format": self.format, "rows": self.rows}
        if self.encoding:
            out["encoding"] = self.encoding
        if self.sheets:
            out["sheets"] = self.sheets
        if self.skipped_rows:
            out["skipped_rows"] = self.skipped_rows
            out["skipped_lines_first"] = self.skipped_lines[:20]
        return out


def discover(paths: list[Path]) -> tuple[list[SourceFile], list[str]]:
    """Files to scan, and warnings about what was left out of directories."""
    files: list[SourceFile] = []
    warnings: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            for p in found:
                if p.suffix.lower() in SUPPORTED:
                    files.append(SourceFile(p, _format_of(p)))
                else:
                    warnings.append(f"{p}: skipped, not a supported format")
        elif path.exists():
            if path.suffix.lower() not in SUPPORTED:
                raise InputError(
                    f"unsupported file type '{path.suffix}' (use .csv .tsv .parquet .jsonl .xlsx)",
                    file=str(path))
            files.append(SourceFile(path, _format_of(path)))
        else:
            raise InputError("no such file or directory", file=str(path))
    if not files:
        raise InputError("no data files to scan", file=", ".join(str(p) for p in paths))
    return files, warnings


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in EXCEL_SUFFIXES:
        return "xlsx"
    return "tsv" if suffix == ".tsv" else "csv"


def read_batches(source: SourceFile, *, encoding: str | None = None,
                 skip_bad_rows: bool = False, batch_rows: int = BATCH_ROWS
                 ) -> Iterator[pl.DataFrame]:
    """All-text batches of one file; raises InputError for unreadable or malformed input."""
    path = source.path
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=str(path)) from exc
    if size == 0:
        raise InputError("file is empty", file=str(path))
    reader = {"parquet": _parquet, "jsonl": _jsonl, "xlsx": _excel}.get(source.format, _csv)
    yield from reader(source, encoding=encoding, skip_bad_rows=skip_bad_rows,
                      batch_rows=batch_rows)


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as Utf8; nested values as JSON text, binary dropped (nothing to read)."""
    casts = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Utf8:
            casts.append(col)
        elif isinstance(dtype, pl.Struct):
            casts.append(col.struct.json_encode())
        elif isinstance(dtype, pl.List | pl.Array):
            casts.append(col.cast(pl.List(pl.Utf8)).list.join(";"))
        elif dtype in (pl.Binary,):
            continue
        else:
            casts.append(col.cast(pl.Utf8))
    return frame.select(casts)


# --- Parquet ---------------------------------------------------------------------------------

PARQUET_CHUNK_BYTES = 128 << 20  # decoded per collect (uncompressed size), cut into batches
PARQUET_PREFETCH = True  # decode the next chunk on a reader thread while this one is scanned


def _parquet_chunks(meta, batch_rows: int) -> Iterator[tuple[int, int]]:
    """(offset, rows) decoded per collect: consecutive whole row groups up to
    PARQUET_CHUNK_BYTES, a larger group in batch-sized multiples that fit. Each collect has a
    fixed cost (100k-row slices read the 10M-row file 1.7x slower than whole groups); a chunk
    of ~128 MB decodes with ~0.4 GB of working memory."""
    offset, rows, size = 0, 0, 0  # whole row groups pending
    for index in range(meta.num_row_groups):
        group = meta.row_group(index)
        group_rows, group_size = group.num_rows, max(1, group.total_byte_size)
        if rows and size + group_size > PARQUET_CHUNK_BYTES:
            yield offset, rows
            offset, rows, size = offset + rows, 0, 0
        if group_size <= PARQUET_CHUNK_BYTES:
            rows, size = rows + group_rows, size + group_size
            continue
        step = max(batch_rows, group_rows * PARQUET_CHUNK_BYTES // group_size
                   // batch_rows * batch_rows)
        for start in range(0, group_rows, step):
            yield offset + start, min(step, group_rows - start)
        offset += group_rows
    if rows:
        yield offset, rows


def _parquet(source: SourceFile, *, batch_rows: int, **_: object) -> Iterator[pl.DataFrame]:
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.parquet as pq

    path = source.path
    try:
        # Chunks of row groups decode in one collect (Polars releases the GIL), the next one on
        # a reader thread while the batches of this one are scanned; batches are zero-copy
        # slices. Memory: two decoded chunks of about PARQUET_CHUNK_BYTES each.
        # collect_batches would run ahead of a slow consumer (it held the whole 10M-row file).
        chunks = list(_parquet_chunks(pq.ParquetFile(path).metadata, batch_rows))
        lazy = pl.scan_parquet(path)

        def decode(chunk: tuple[int, int]) -> pl.DataFrame:
            return as_text(lazy.slice(*chunk).collect())

        with ThreadPoolExecutor(1, thread_name_prefix="chujing-parquet") as pool:
            ahead = pool.submit(decode, chunks[0]) if chunks else None
            for index in range(len(chunks)):
                frame = ahead.result()
                following = chunks[index + 1] if index + 1 < len(chunks) else None
                ahead = following and (pool.submit(decode, following) if PARQUET_PREFETCH
                                       else _Done(decode, following))
                for start in range(0, frame.height, batch_rows):
                    batch = frame.slice(start, batch_rows)
                    source.rows += batch.height
                    yield batch
    except (pa.ArrowException, pl.exceptions.PolarsError, OSError) as exc:
        raise InputError(f"not a readable Parquet file ({_short(exc)})", file=str(path)) from exc


class _Done:
    """A chunk decoded now, for a reader without prefetching (same interface as a Future)."""

    def __init__(self, decode, chunk: tuple[int, int]) -> None:
        self.decode, self.chunk = decode, chunk

    def result(self) -> pl.DataFrame:
        return self.decode(self.chunk)


def _short(exc: Exception) -> str:
    """First line of a library message, cut short: enough to act on, no cell contents."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


# --- JSON Lines ------------------------------------------------------------------------------

def _jsonl(source: SourceFile, *, skip_bad_rows: bool, batch_rows: int,
           **_: object) -> Iterator[pl.DataFrame]:
    import json

    path = source.path
    rows: list[dict] = []
    with path.open("rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
                if not isinstance(obj, dict):
                    raise ValueError("not an object")
            except (ValueError, UnicodeDecodeError) as exc:
                if skip_bad_rows:
                    source.skipped_rows += 1
                    source.skipped_lines.append(line_no)
                    continue
                what = "not a JSON object" if isinstance(exc, ValueError) else "not UTF-8"
                raise InputError(f"line is {what}", file=str(path), line=line_no) from None
            rows.append({k: _json_text(v) for k, v in obj.items()})
            if len(rows) >= min(batch_rows, JSONL_BATCH_ROWS):
                yield _jsonl_frame(rows, source)
                rows = []
    if rows or source.rows == 0:
        yield _jsonl_frame(rows, source)


def _json_text(value: object) -> str | None:
    import json

    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def _jsonl_frame(rows: list[dict], source: SourceFile) -> pl.DataFrame:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    frame = pl.DataFrame({n: [r.get(n) for r in rows] for n in names},
                         schema={n: pl.Utf8 for n in names})
    source.rows += frame.height
    return frame


# --- Excel -----------------------------------------------------------------------------------

def _excel(source: SourceFile, *, batch_rows: int, **_: object) -> Iterator[pl.DataFrame]:
    path = source.path
    try:
        sheets = pl.read_excel(path, sheet_id=0, engine="calamine", infer_schema_length=0,
                               raise_if_empty=False)
    except Exception as exc:  # noqa: BLE001 - fastexcel raises its own hierarchy
        raise InputError(f"not a readable Excel workbook ({_short(exc)})",
                         file=str(path)) from exc
    for name, frame in sheets.items():
        source.sheets.append(name)
        frame = as_text(frame)
        source.rows += frame.height
        for start in range(0, max(frame.height, 1), batch_rows):
            yield frame.slice(start, batch_rows)


# --- CSV / TSV -------------------------------------------------------------------------------

def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """utf-8 (with or without BOM) when the sample decodes; else the GB family."""
    with path.open("rb") as fh:
        sample = fh.read(sample_bytes)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        _decode_prefix(sample, "utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        _decode_prefix(sample, "gb18030")
        return "gb18030"  # a superset of GBK and GB2312
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise InputError("cannot tell the text encoding; pass --encoding", file=str(path))
    return best.encoding


def _decode_prefix(sample: bytes, encoding: str) -> None:
    """Decode a sample that may end inside a multi-byte character."""
    decoder = codecs.getincrementaldecoder(encoding)()
    decoder.decode(sample, final=False)


def _transcode(path: Path, encoding: str) -> Path:
    """Stream a non-UTF-8 file into a temporary UTF-8 copy; bad bytes name their line."""
    decoder = codecs.getincrementaldecoder(encoding)()
    fd, tmp = tempfile.mkstemp(prefix="chujing-", suffix=".csv")
    line = 1
    try:
        with path.open("rb") as src, os.fdopen(fd, "wb") as dst:
            while chunk := src.read(4 << 20):
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line += chunk[: exc.start].count(b"\n")
                    raise InputError(f"bytes not valid in encoding {encoding}", file=str(path),
                                     line=line) from None
                line += chunk.count(b"\n")
                dst.write(text.encode("utf-8"))
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    except BaseException:
        os.unlink(tmp)
        raise
    return Path(tmp)


def _check_utf8(path: Path) -> None:
    """Find the line of the first invalid UTF-8 byte, before the CSV reader trips on it."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(8 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                raise InputError("bytes not valid UTF-8 (pass --encoding, e.g. gb18030)",
                                 file=str(path), line=line) from None
            line += chunk.count(b"\n")


def _sniff_delimiter(first_line: str, fmt: str) -> str:
    if fmt == "tsv":
        return "\t"
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv(source: SourceFile, *, encoding: str | None, skip_bad_rows: bool,
         batch_rows: int) -> Iterator[pl.DataFrame]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = source.path
    enc = encoding or detect_encoding(path)
    try:
        codecs.lookup(enc)
    except LookupError:
        raise InputError(f"unknown encoding '{enc}'", field="--encoding") from None
    source.encoding = enc
    utf8_path, temporary = path, False
    if codecs.lookup(enc).name not in ("utf-8", "utf-8-sig"):
        utf8_path, temporary = _transcode(path, enc), True
    else:
        _check_utf8(path)
    try:
        with utf8_path.open("r", encoding="utf-8-sig") as fh:
            header_line = fh.readline()
        if not header_line.strip():
            raise InputError("file has no header line", file=str(path), line=1)
        delimiter = _sniff_delimiter(header_line, source.format)
        header = next(iter(pacsv.read_csv(
            pa.py_buffer(header_line.encode("utf-8")),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(header_line.count(delimiter) + 1)}),
        ).to_pylist()), {})
        names = _unique_names([str(v or f"column_{i + 1}") for i, v in enumerate(header.values())])
        if skip_bad_rows:
            cleaned, skipped = _drop_ragged(utf8_path, delimiter, len(names))
            if temporary:
                os.unlink(utf8_path)
            utf8_path, temporary = cleaned, True
            source.skipped_rows, source.skipped_lines = len(skipped), skipped
        # No invalid_row_handler: a Python callback inside pyarrow's streaming reader can abort
        # the interpreter at exit. A ragged row raises ArrowInvalid, located below.
        reader = pacsv.open_csv(
            utf8_path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False,
                                           block_size=_CSV_BLOCK, encoding="utf8"),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False),
        )
        pending: list[pl.DataFrame] = []
        pending_rows = pending_bytes = 0
        try:
            for batch in reader:
                frame = pl.from_arrow(pa.Table.from_batches([batch]))
                pending.append(frame)
                pending_rows += frame.height
                pending_bytes += batch.nbytes
                if pending_rows >= batch_rows or pending_bytes >= BATCH_BYTES:
                    yield _emit(pending, source)
                    pending, pending_rows, pending_bytes = [], 0, 0
        finally:
            reader.close()
        if pending or source.rows == 0:
            yield _emit(pending, source, names)
    except pa.ArrowException as exc:
        ragged = _find_ragged(utf8_path, delimiter, len(names))
        if ragged is not None:
            line, actual = ragged
            raise InputError(f"row has {actual} fields, expected {len(names)} "
                             "(use --skip-bad-rows to skip such rows)",
                             file=str(path), line=line) from None
        # pyarrow's message may quote the row: keep only its kind.
        raise InputError(f"not a readable CSV file ({_short(exc).split(':')[0]})",
                         file=str(path)) from None
    finally:
        if temporary:
            os.unlink(utf8_path)


def _csv_rows(path: Path, delimiter: str):
    import csv

    fh = path.open("r", encoding="utf-8-sig", newline="")
    return fh, csv.reader(fh, delimiter=delimiter)


def _find_ragged(path: Path, delimiter: str, expected: int) -> tuple[int, int] | None:
    """(line, fields) of the first row whose field count differs from the header's."""
    fh, rows = _csv_rows(path, delimiter)
    with fh:
        start = 1
        for row in rows:
            if rows.line_num > 1 and row and len(row) != expected:
                return start, len(row)
            start = rows.line_num + 1
    return None


def _drop_ragged(path: Path, delimiter: str, expected: int) -> tuple[Path, list[int]]:
    """A UTF-8 copy without the rows of the wrong length, and the lines of those rows."""
    import csv

    fd, tmp = tempfile.mkstemp(prefix="chujing-", suffix=".csv")
    skipped: list[int] = []
    fh, rows = _csv_rows(path, delimiter)
    with fh, os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        start = 1
        for row in rows:
            if rows.line_num == 1 or not row or len(row) == expected:
                writer.writerow(row)
            else:
                skipped.append(start)
            start = rows.line_num + 1
    return Path(tmp), skipped


def _emit(frames: list[pl.DataFrame], source: SourceFile,
          names: list[str] | None = None) -> pl.DataFrame:
    if frames:
        frame = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
    else:
        frame = pl.DataFrame(schema={n: pl.Utf8 for n in names or []})
    source.rows += frame.height
    return frame


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = name.strip() or "column"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out
