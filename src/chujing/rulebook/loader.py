"""Reading rule files: YAML → validated schema → compiled rules, with errors that name the file,
the line, the rule and the field."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from chujing.errors import RulebookError
from chujing.rulebook.schema import RuleFile

try:  # libyaml is several times faster; fall back to the pure-Python loader.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

DATA_DIR = Path(__file__).parent / "data"
NOT_RULE_FILES = {"vocabulary.yaml", "rulebook.yaml"}
# Sensitivity profiles (standards/) have their own schema and loader (rulebook/sensitivity.py).
OWN_LOADER_DIRS = {"standards"}


def rule_file_paths(data_dir: Path = DATA_DIR) -> list[Path]:
    paths = []
    for p in sorted(data_dir.rglob("*.yaml")):
        rel = p.relative_to(data_dir)
        if rel.name in NOT_RULE_FILES and len(rel.parts) == 1:
            continue
        if rel.parts[0] in OWN_LOADER_DIRS:
            continue
        paths.append(p)
    return paths


def data_hash(data_dir: Path = DATA_DIR) -> str:
    """SHA-256 over every YAML file under data/ (path and bytes), in a stable order."""
    h = hashlib.sha256()
    for p in sorted(data_dir.rglob("*.yaml")):
        h.update(p.relative_to(data_dir).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def cache_dir() -> Path:
    base = os.environ.get("CHUJING_CACHE") or os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(base).expanduser() / "chujing"


def read_all_yaml(data_dir: Path, paths: list[Path], digest: str) -> dict[Path, Any]:
    """Every rule file parsed, from a cache keyed by the files' hash when one exists.

    Parsing YAML is most of a cold start; the cache holds only parsed text (validation and the
    conflict checks still run), and a change to any file changes the hash.
    """
    import pickle  # (here: a rulebook read from the compiled cache, rulebook/cache.py, never needs it)

    from chujing import __version__

    cached = cache_dir() / f"rulebook-{digest[:20]}-{__version__}.pickle"
    try:
        with cached.open("rb") as fh:
            by_rel = pickle.load(fh)
        return {p: by_rel[p.relative_to(data_dir).as_posix()] for p in paths}
    except (OSError, KeyError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        pass
    raws = {p: read_yaml(p) for p in paths}
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump({p.relative_to(data_dir).as_posix(): raw for p, raw in raws.items()}, fh,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cached)
        prune(cached)
    except OSError:
        pass  # a read-only home only costs speed
    return raws


def prune(keep: Path, pattern: str = "rulebook-*.pickle", newest: int = 8) -> None:
    """Drop all but the newest few cache entries matching `pattern` beside `keep` (each edit of a
    rule file leaves one behind)."""
    olds = sorted(keep.parent.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in olds[newest:]:
        if p != keep:
            p.unlink(missing_ok=True)


def read_yaml(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulebookError(f"invalid YAML: {problem}", file=str(path), line=line) from None


def parse_rule_file(path: Path, raw: Any = None) -> RuleFile:
    if raw is None:
        raw = read_yaml(path)
    if not isinstance(raw, dict) or "instrument" not in raw:
        raise RulebookError("a rule file starts with an `instrument:` mapping", file=str(path), line=1)
    try:
        return RuleFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        rule_id = _rule_id_at(raw, loc)
        field = ".".join(str(p) for p in loc)
        raise RulebookError(
            err["msg"], file=str(path), line=line_of(path, loc), field=field, rule=rule_id
        ) from None


def _rule_id_at(raw: dict, loc: tuple) -> str | None:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = raw.get("rules") or []
        if loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            return rules[loc[1]].get("id")
    return None


def line_of(path: Path, loc: tuple) -> int | None:
    """The 1-based line of the YAML node at `loc` (keys and list indexes), or of its nearest parent."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    node = value_node
                    line = key_node.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def rule_line(path: Path, rule_index: int, *fields: str) -> int | None:
    return line_of(path, ("rules", rule_index, *fields))
