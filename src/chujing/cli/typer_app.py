"""The Typer app: every command, its --help and its usage errors.

Each command group lives in its own module with a `register(app)` function. Modules keep heavy
imports (polars, sqlalchemy, fastapi…) inside their commands so that each command starts fast.
"""

from __future__ import annotations

import importlib

import typer

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
