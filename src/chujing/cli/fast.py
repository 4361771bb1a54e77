"""`chujing assess FILE [options]` without Typer: a cold start is mostly imports, and Typer's are
a third of them.

`plain_assess` accepts only a plain command line — `assess`, one FILE, each option at most once
with a value that is one of its choices — and returns None for anything else (another command,
--help, an unknown or repeated option, a missing or odd value, CHUJING_LEDGER or a completion
request in the environment), which then goes to the Typer app: usage, its errors and its help stay
Typer's. Both paths call `chujing.cli.assess.run`; tests/cli/test_fast.py holds their output,
stderr and exit code equal.
"""

from __future__ import annotations

import atexit
import errno
import gc
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

# Option → (parameter of assess.run, how its value is read); flags take no value.
OPTIONS = {
    "--as-of": "as_of",
    "--format": "fmt",
    "-f": "fmt",
    "--lang": "lang",
    "--fail-on": "fail_on",
    "--manifest": "manifest",
    "--ledger": "ledger",
    "--record": "record",
}
FLAGS = {"--trace": "trace"}


def plain_assess(args: list[str], environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The keyword arguments of `assess.run` for a plain `assess` command line, else None."""
    if not args or args[0] != "assess":
        return None
    if "CHUJING_LEDGER" in environ or any(k.endswith("_COMPLETE") for k in environ):
        return None
    call: dict[str, Any] = {}
    i = 1
    while i < len(args):
        tok = args[i]
        if tok in FLAGS:
            key, value, i = FLAGS[tok], True, i + 1
        elif tok.startswith("-"):
            name, eq, value = tok.partition("=") if tok.startswith("--") else (tok, "", "")
            key = OPTIONS.get(name)
            if key is None:
                return None
            if not eq:
                if i + 1 >= len(args):
                    return None
                value = args[i + 1]
            i += 1 if eq else 2
            if not value or value.startswith("-"):
                return None
        elif tok:
            key, value, i = "file", tok, i + 1
        else:
            return None
        if key in call:
            return None
        call[key] = value
    if "file" not in call:
        return None
    return _typed(call)


def _typed(call: dict[str, Any]) -> dict[str, Any] | None:
    from chujing.cli.assess import Format, Lang, Route

    for key, enum in (("fmt", Format), ("lang", Lang), ("fail_on", Route)):
        if key in call:
            if call[key] not in enum.__members__.values():
                return None
            call[key] = enum(call[key])
    for key in ("file", "manifest"):
        if key in call:
            call[key] = Path(call[key])
    return call


def run(call: dict[str, Any], program: bool = False) -> int:
    """Run `assess` as the Typer app would, down to its handling of ^C, EOF and a closed pipe.

    `program`: the process ends with this command (the console script, `python -m chujing`). Then
    pydantic does not scan for plugins (`_no_plugin_scan`), and a plain run (no ledger, manifest
    or record) turns off the cycle collector, which would only walk the objects made by imports
    again and again (~5% of the run), and leaves without tearing the interpreter down (~6%) once
    its output is flushed."""
    plain = program and not any(call.get(k) for k in ("ledger", "manifest", "record"))
    if plain:
        gc.disable()
    if program:
        _no_plugin_scan()
    from chujing.cli.assess import run as assess

    try:
        code = assess(**call)
        if plain:
            _leave(code)
        return code
    except KeyboardInterrupt:
        return 130
    except EOFError:
        print(file=sys.stderr)
        return 130
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        sys.stdout = _QuietPipe(sys.stdout)
        sys.stderr = _QuietPipe(sys.stderr)
        sys.exit(1)


def _leave(code: int) -> None:
    """End the process now, unless flushing fails or an exit handler is registered (then the
    usual shutdown reports or runs it)."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - left to the usual shutdown, which reports it as always
        return
    if getattr(atexit, "_ncallbacks", lambda: 1)():
        return
    os._exit(code)


def _no_plugin_scan() -> None:
    """Pydantic's plugin loader imports importlib.metadata (email, zipfile, csv…: ~7% of a cold run)
    only to look for plugins, which PYDANTIC_DISABLE_PLUGINS=__all__ (set by chujing.cli) turns
    off; with that setting, a loader that finds none stands in for it. Its one caller in pydantic
    imports `get_plugins` and nothing else."""
    name = "pydantic.plugin._loader"
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") != "__all__" or name in sys.modules:
        return
    loader = ModuleType(name)
    loader.get_plugins = lambda: ()
    sys.modules[name] = loader


class _QuietPipe:
    """A stream whose flush ignores a closed pipe (as click's PacifyFlushWrapper)."""

    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, attr: str):
        return getattr(self.wrapped, attr)
