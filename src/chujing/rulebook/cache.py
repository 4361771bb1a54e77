"""The compiled rulebook, cached between processes (a cold `chujing assess` spent ~0.1 s loading it).

A load validates every rule file, compiles the conditions and checks overrides, supersession and
conflicts; none of it depends on anything but the files and this code. So the finished Rulebook
is pickled, keyed by the files' hash, the data directory, the package and pydantic versions and a
hash of the code that builds it (a changed rule file or loader never meets an old entry). Only
successful loads are stored: a broken rule file always gets its error from a full load.

Conditions are closures and cannot be pickled: each is stored as its `when` mapping and compiled
again when read (parts shared between rules, such as an FTZ list's gates, are compiled once, as
in a full load). Anything unreadable — missing, truncated, older format — is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

try:  # the C unpickler alone: the pure-Python pickle module is only needed to write an entry
    from _pickle import load as _load
except ImportError:  # pragma: no cover - another Python implementation
    from pickle import load as _load

from chujing.rulebook.conditions import ALWAYS, Condition, compile_condition
from chujing.rulebook.loader import cache_dir, prune

# The modules whose code shapes the pickled objects or what a load computes.
CODE = ("rulebook.py", "conditions.py", "schema.py", "loader.py", "classes.py", "cache.py")
PREFIX = "compiled-"


def entry_path(data_dir: Path, digest: str) -> Path:
    import pydantic

    from chujing import __version__

    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in CODE:
        h.update((here / name).read_bytes())
    # The path as given too: the rulebook keeps it (and its files' paths) as it was given.
    h.update(f"\0{data_dir}\0{Path(data_dir).resolve()}\0{__version__}\0{pydantic.VERSION}".encode())
    return cache_dir() / f"{PREFIX}{digest[:20]}-{h.hexdigest()[:20]}.pickle"


def load(data_dir: Path, digest: str):
    """The cached Rulebook for these files, or None."""
    try:
        with entry_path(data_dir, digest).open("rb") as fh:
            book = _load(fh)
    except Exception:  # noqa: BLE001 - any unreadable entry is a miss; a full load follows
        return None
    return book if getattr(book, "hash", None) == digest else None


def store(book, compiled: dict[int, tuple[Any, Condition]]) -> None:
    """Write `book` (just loaded, never used) for the next process. `compiled` is the load's
    memo of conditions: id(when) → (when, condition)."""
    sources = {id(cond): raw for raw, cond in compiled.values()}
    words = {kind: set(ws) for kind, ws in book.words.items()}
    tmp = None
    try:
        path = entry_path(book.data_dir, book.hash)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            _pickler(fh, sources, [book.facts, words, {}]).dump(book)
        os.replace(tmp, path)
        prune(path, f"{PREFIX}*.pickle", newest=4)
    except Exception:  # noqa: BLE001 - a read-only home or an unpicklable part only costs speed
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


def _pickler(fh, sources: dict[int, Any], context: list):
    """A pickler writing each condition as (compile, its `when`); `context` is [fact specs, word
    sets, one memo shared by every condition]."""
    import pickle

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj):
            if obj.__class__ is not Condition:
                return NotImplemented
            if obj is ALWAYS:
                return _always, ()
            if id(obj) not in sources:
                raise pickle.PicklingError("a condition without its source")
            return _compile, (sources[id(obj)], context)

    return Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)


def _always() -> Condition:
    return ALWAYS


def _compile(raw: Any, context: list) -> Condition:
    facts, words, memo = context
    return compile_condition(raw, facts, words, memo=memo)
