"""`chujing` command line.

Each command group lives in its own module with a `register(app)` function. Modules keep heavy
imports (polars, sqlalchemy, fastapi…) inside their commands so that `chujing assess` starts fast.
"""

from __future__ import annotations

import importlib
import os
import sys

# Pydantic scans every installed package for plugins on first use (tens of ms of a cold start);
# the CLI uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer  # noqa: E402

from chujing.errors import EXIT_INTERNAL, ChujingError

app = typer.Typer(
    name="chujing",
    help="China outbound data transfer (数据出境) rules engine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One line per command group; a group's module registers its commands on `app`.
COMMAND_MODULES = [
    "chujing.cli.assess",
    "chujing.cli.rules",
    "chujing.cli.scan",
    "chujing.cli.ledger",
    "chujing.cli.serve",
    "chujing.cli.token",
    "chujing.cli.report",
    "chujing.cli.draft",
]

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Entry point: runs the app and turns known errors into one line and an exit code."""
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except ChujingError as exc:
        print(f"chujing: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("chujing: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last resort: never a bare traceback
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        print(f"chujing: internal error ({type(exc).__name__}): {exc}", file=sys.stderr)
        print("chujing: please report this with the command you ran", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
