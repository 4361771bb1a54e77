"""Errors users can act on: each names the file, line and field it is about.

The CLI turns them into one line on stderr and an exit code; it never shows a traceback.
"""

from __future__ import annotations

# Exit codes of the `chujing` command, documented in the README.
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INPUT = 3  # bad scenario, manifest or data file
EXIT_RULEBOOK = 4  # malformed rule file
EXIT_STORE = 5  # ledger or key store refused the operation
EXIT_GATE = 10  # --fail-on: the route is at least as strict as asked


class ChujingError(Exception):
    """Base class; `exit_code` picks the CLI exit status."""

    exit_code = EXIT_INTERNAL

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def location(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        return where

    def __str__(self) -> str:
        parts = [p for p in (self.location(), self.field and f"field '{self.field}'") if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class InputError(ChujingError):
    """The user's input (scenario, manifest, dataset) is invalid."""

    exit_code = EXIT_INPUT


class RulebookError(ChujingError):
    """A rule file is malformed, or two rules conflict with no stated priority."""

    exit_code = EXIT_RULEBOOK

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None, rule: str | None = None) -> None:
        super().__init__(message, file=file, line=line, field=field)
        self.rule = rule

    def __str__(self) -> str:
        base = super().__str__()
        return f"rule {self.rule}: {base}" if self.rule else base


class StoreError(ChujingError):
    """The ledger or key store refused an operation; stored data is unchanged."""

    exit_code = EXIT_STORE
