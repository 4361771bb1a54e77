"""`POST /v1/scan`: the upload, streamed to disk, scanned by `chujing.scan`, the manifest kept."""

from __future__ import annotations

import re
import secrets
from datetime import date
from pathlib import Path

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from chujing.web.errors import error_body
from chujing.web.services import dumps, missing_module, optional
from chujing.web.upload import receive_upload

MANIFEST_ID = re.compile(r"^[0-9a-f]{24}$")


def manifest_dir(web) -> Path:
    return web.settings.home / "manifests"


def manifest_path(web, manifest_id: str) -> Path | None:
    if not MANIFEST_ID.match(manifest_id):
        return None
    return manifest_dir(web) / f"{manifest_id}.parquet"


def scan_file(web, path: Path, as_of: date | None, profile: str | None) -> dict:
    """Scan one file with the server's person key; keep the manifest; the result as JSON."""
    from chujing.personkey import load_key
    from chujing.scan import scan_paths
    from chujing.scan.manifest import write_manifest

    key = load_key()
    result = scan_paths([path], as_of=as_of or date.today(), profile=profile, key=key)
    manifest_id = secrets.token_hex(12)
    manifest_dir(web).mkdir(parents=True, exist_ok=True)
    write_manifest(manifest_dir(web) / f"{manifest_id}.parquet", result, key)
    out = result.to_dict()
    # The temporary path means nothing to the caller (and says where uploads are kept).
    for f in out.get("files", []):
        if isinstance(f, dict) and "path" in f:
            f["path"] = "upload"
    for c in out.get("columns", []):
        if isinstance(c, dict) and "file" in c:
            c["file"] = "upload"
    return {"scan": out, "manifest": {"id": manifest_id, "url": f"/v1/scan/manifests/{manifest_id}",
                                      "subjects": result.subjects,
                                      "sensitive_subjects": result.sensitive_subjects}}


async def scan_upload(request: Request, web, as_of: date | None, profile: str | None) -> Response:
    if optional("chujing.scan") is None:
        body = missing_module("scanning", "chujing.scan")
        return JSONResponse(error_body(501, body["message"]), status_code=501)
    up = await receive_upload(request, web.settings.max_upload_bytes, web.settings.upload_dir)
    try:
        out = await run_in_threadpool(scan_file, web, up.path, as_of, profile)
    finally:
        up.cleanup()
    out["upload"] = {"filename": up.filename, "bytes": up.size}
    return Response(dumps(out), media_type="application/json")
