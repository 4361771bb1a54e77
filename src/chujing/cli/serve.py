"""`chujing serve`: the web service (REST API under /v1 and the questionnaire pages)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
        ledger: str = typer.Option(None, "--ledger", envvar="CHUJING_LEDGER",
                                   help="Ledger URL (default: the embedded SQLite ledger under CHUJING_HOME)."),
        no_auth: bool = typer.Option(False, "--no-auth",
                                     help="Let every request in without a token (local use only; "
                                          "every page shows a warning)."),
        max_upload: int = typer.Option(None, "--max-upload", envvar="CHUJING_MAX_UPLOAD",
                                       help="Largest upload accepted by /v1/scan, in bytes (default 256 MiB)."),
        workers: int = typer.Option(1, "--workers", help="Worker processes (one per core)."),
        server: str = typer.Option("uvicorn", "--server",
                                   help="HTTP server: uvicorn (httptools, uvloop), or granian "
                                        "(pip install granian; Rust, steadier under load)."),
        secure_cookies: bool = typer.Option(False, "--secure-cookies",
                                            help="Mark cookies Secure (when served behind HTTPS)."),
        shared_socket: bool = typer.Option(False, "--shared-socket",
                                           help="Run uvicorn as `uvicorn --workers` does: one "
                                                "listening socket, uvloop's own accept (default: a "
                                                "socket per worker, every waiting connection "
                                                "accepted at once)."),
    ) -> None:
        """Serve the REST API and the guided questionnaire."""
        import os

        from chujing.errors import InputError
        from chujing.web.settings import WebSettings

        if no_auth and host not in ("127.0.0.1", "localhost", "::1"):
            typer.echo(f"chujing: warning: --no-auth on {host}: anyone who reaches it can use it",
                       err=True)
        if workers < 1:
            raise InputError("must be at least 1", field="--workers")
        if server not in ("uvicorn", "granian"):
            raise InputError(f"unknown server {server!r}: uvicorn or granian", field="--server")
        settings = WebSettings.from_env(no_auth=no_auth, max_upload_bytes=max_upload,
                                        secure_cookies=secure_cookies or None)
        settings.ledger_url = ledger or default_ledger_url(settings)
        # Workers are separate processes: hand the settings over through the environment.
        os.environ["CHUJING_WEB_SETTINGS"] = settings.to_env()
        # No access log: paths and query strings could name a company.
        if server == "granian":
            run_granian(host, port, workers)
        else:
            app = APP_FACTORY
            if workers == 1:
                from chujing.web import create_app
                from chujing.web.app import settle

                app = create_app(settings)
                settle(app)  # as the factory does for each of several workers
            run_uvicorn(app, host, port, workers, shared_socket)


def run_uvicorn(app, host: str, port: int, workers: int, shared_socket: bool = False) -> None:
    """uvicorn on uvloop accepting every waiting connection at once, a listening socket per worker
    (web/workers.py); or, with --shared-socket, as plain `uvicorn --workers` runs it."""
    options = dict(log_level="info", access_log=False)
    if shared_socket:
        import uvicorn

        from chujing.web.protocol import PATH as HTTP

        uvicorn.run(app, factory=isinstance(app, str), host=host, port=port, workers=workers,
                    loop="uvloop", http=HTTP, **options)
    else:
        from chujing.web import workers as eager

        eager.run(app, host, port, workers, **options)


APP_FACTORY = "chujing.web.app:app_from_env"


def run_granian(host: str, port: int, workers: int) -> None:
    """granian runs the app in worker processes of its own, from CHUJING_WEB_SETTINGS."""
    try:
        from granian import Granian
    except ImportError:
        from chujing.errors import InputError

        raise InputError("granian is not installed: pip install granian", field="--server") from None
    # A stop waits at most 10 s for a worker (granian's default waits for every open connection).
    Granian(APP_FACTORY, factory=True, interface="asgi", address=host, port=port,
            workers=workers, loop="uvloop", log_level="info", log_access=False,
            workers_kill_timeout=10).serve()


def default_ledger_url(settings) -> str | None:
    """The embedded SQLite ledger under CHUJING_HOME, unless a URL was given."""
    try:
        from chujing.ledger import resolve_url
    except ImportError:
        return None
    return resolve_url(None)
