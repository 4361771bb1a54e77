"""Multipart uploads streamed to a temporary file, chunk by chunk, under a size limit.

Starlette's `request.form()` would accept any size before the handler sees it; here the body is
parsed as it arrives and the upload stops with 413 as soon as it passes the limit. Small text
fields (a CSRF token, a transfer id) are kept in memory up to a few kilobytes each.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import HTTPException, Request
from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

FIELD_LIMIT = 8 * 1024
SCAN_SUFFIXES = {".csv", ".tsv", ".txt", ".parquet", ".pq", ".jsonl", ".ndjson", ".xlsx", ".xlsm"}


class TooLarge(Exception):
    pass


@dataclass
class Upload:
    dir: Path
    path: Path | None = None
    filename: str | None = None
    size: int = 0
    fields: dict[str, str] = field(default_factory=dict)

    def cleanup(self) -> None:
        for p in self.dir.glob("*"):
            p.unlink(missing_ok=True)
        self.dir.rmdir()


def safe_suffix(filename: str | None) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SCAN_SUFFIXES:
        raise HTTPException(415, f"unsupported file type {suffix or '(none)'!r}: use "
                                 + " ".join(sorted(SCAN_SUFFIXES)))
    return suffix


async def receive_upload(request: Request, limit: int, tmp_root: Path, file_field: str = "file") -> Upload:
    """Parse a multipart body; the part named `file_field` goes to a temp file. Raises 413/415/422."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise HTTPException(415, "send the file as multipart/form-data with a `file` part")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise HTTPException(413, f"upload larger than the limit of {limit} bytes")
    tmp_root.mkdir(parents=True, exist_ok=True)
    up = Upload(dir=Path(tempfile.mkdtemp(prefix="upload-", dir=tmp_root)))
    state: dict = {"headers": {}, "name": None, "fh": None, "buf": None, "hname": b"", "hval": b""}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["hname"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["hval"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["hname"].lower()] = state["hval"]
        state["hname"], state["hval"] = b"", b""

    def on_headers_finished() -> None:
        _, disp = parse_options_header(state["headers"].get(b"content-disposition", b""))
        name = disp.get(b"name", b"").decode("utf-8", "replace")
        state["name"] = name
        if name == file_field and up.path is None:
            up.filename = disp.get(b"filename", b"").decode("utf-8", "replace") or None
            up.path = up.dir / ("data" + safe_suffix(up.filename))
            state["fh"] = open(up.path, "wb")  # noqa: SIM115 - closed in on_part_end
        else:
            state["buf"] = bytearray()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if state["fh"] is not None:
            up.size += len(chunk)
            if up.size > limit:
                raise TooLarge
            state["fh"].write(chunk)
        elif state["buf"] is not None:
            state["buf"] += chunk
            if len(state["buf"]) > FIELD_LIMIT:
                raise HTTPException(413, f"form field {state['name']!r} is too long")

    def on_part_end() -> None:
        if state["fh"] is not None:
            state["fh"].close()
            state["fh"] = None
        elif state["buf"] is not None:
            up.fields[state["name"]] = state["buf"].decode("utf-8", "replace")
            state["buf"] = None
        state["headers"] = {}

    parser = MultipartParser(boundary, {
        "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data, "on_part_end": on_part_end,
    })
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except TooLarge:
        _abort(state, up)
        raise HTTPException(413, f"upload larger than the limit of {limit} bytes") from None
    except HTTPException:
        _abort(state, up)
        raise
    except Exception as exc:  # malformed multipart
        _abort(state, up)
        raise HTTPException(422, f"malformed multipart body ({type(exc).__name__})") from None
    if up.path is None:
        up.cleanup()
        raise HTTPException(422, f"no `{file_field}` part in the upload")
    return up


def _abort(state: dict, up: Upload) -> None:
    if state.get("fh") is not None:
        state["fh"].close()
    up.cleanup()


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
