"""`chujing` command line.

A plain `chujing assess FILE [options]` runs without importing Typer (cli/fast.py: a cold start is
mostly imports); every other command line — other commands, --help, an option or value the fast
path does not know — goes to the Typer app (cli/typer_app.py), so usage and its errors are Typer's.
"""

from __future__ import annotations

import os
import sys

# Pydantic scans every installed package for plugins on first use (tens of ms of a cold start);
# the CLI uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from chujing.errors import EXIT_INTERNAL, ChujingError  # noqa: E402

__all__ = ["app", "console", "main"]


def __getattr__(name: str):  # `from chujing.cli import app` builds the Typer app on first use
    if name in ("app", "COMMAND_MODULES"):
        from chujing.cli import typer_app

        return getattr(typer_app, name)
    raise AttributeError(name)


def console() -> None:
    """The `chujing` program (console script, `python -m chujing`): `main` for a process that ends
    with the command (cli/fast.py may then leave without tearing the interpreter down)."""
    main(program=True)


def main(program: bool = False) -> None:
    """Entry point: runs the command and turns known errors into one line and an exit code."""
    try:
        code = _run(sys.argv[1:], program)
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
        usage_error, abort = _click_errors()
        if isinstance(exc, usage_error):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, abort):
            sys.exit(130)
        print(f"chujing: internal error ({type(exc).__name__}): {exc}", file=sys.stderr)
        print("chujing: please report this with the command you ran", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)


def _run(args: list[str], program: bool):
    from chujing.cli import fast

    call = fast.plain_assess(args, os.environ)
    if call is not None:
        return fast.run(call, program)
    from chujing.cli.typer_app import app

    return app(standalone_mode=False)


def _click_errors() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """Usage-error and abort classes of click and of the click Typer vendors (typer._click, Typer ≥ 0.2x)."""
    usage, abort = [], []
    for name in ("click.exceptions", "typer._click.exceptions"):
        try:
            mod = __import__(name, fromlist=["ClickException"])
        except ImportError:
            continue
        usage.append(mod.ClickException)
        if hasattr(mod, "Abort"):
            abort.append(mod.Abort)
    try:
        from typer.exceptions import Abort

        abort.append(Abort)
    except ImportError:  # pragma: no cover
        pass
    return tuple(usage), tuple(abort)
