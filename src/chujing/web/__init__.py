"""The web service: REST API under /v1 and the guided questionnaire pages.

`create_app(settings)` builds the FastAPI application; `chujing serve` runs it with uvicorn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # keep `import chujing.web` cheap: FastAPI loads only when an app is built
    from fastapi import FastAPI

    from chujing.web.settings import WebSettings


def create_app(settings: WebSettings | None = None) -> FastAPI:
    from chujing.web.app import create_app as _create

    return _create(settings)


__all__ = ["create_app"]
