"""The rulebook's version discipline: every change to the rule files needs a new version, a
changelog entry, and the new hash recorded in RULEBOOK.lock (append-only: a version's hash never
changes once recorded)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from chujing.errors import RulebookError
from chujing.rulebook.loader import DATA_DIR, data_hash, read_yaml

LOCK_NAME = "RULEBOOK.lock"


def lock_path(data_dir: Path = DATA_DIR) -> Path:
    return data_dir / LOCK_NAME


def read_lock(data_dir: Path = DATA_DIR) -> dict[str, str]:
    p = lock_path(data_dir)
    if not p.exists():
        return {}
    return json.loads(p.read_text(encoding="utf-8"))


def current_version(data_dir: Path = DATA_DIR) -> str:
    return str((read_yaml(data_dir / "rulebook.yaml") or {}).get("version", ""))


def changelog_versions(data_dir: Path = DATA_DIR) -> list[str]:
    text = (data_dir / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## (\S+)", text, flags=re.M)


def check(data_dir: Path = DATA_DIR) -> list[str]:
    """Problems with the version discipline (empty when all is well)."""
    problems = []
    version = current_version(data_dir)
    lock = read_lock(data_dir)
    digest = data_hash(data_dir)
    if version not in changelog_versions(data_dir):
        problems.append(f"CHANGELOG.md has no '## {version}' entry for the current version")
    if "Unreleased" in changelog_versions(data_dir):
        problems.append("CHANGELOG.md still has an '## Unreleased' section: give it a version")
    if version not in lock:
        problems.append(f"version {version} is not in {LOCK_NAME}: run `chujing rules lock`")
    elif lock[version] != digest:
        problems.append(
            f"rule files changed but the version is still {version}: bump `version` in rulebook.yaml, "
            "add a CHANGELOG.md entry and run `chujing rules lock`"
        )
    return problems


def write_lock(data_dir: Path = DATA_DIR) -> str:
    version = current_version(data_dir)
    lock = read_lock(data_dir)
    digest = data_hash(data_dir)
    if version in lock and lock[version] != digest:
        raise RulebookError(f"version {version} is already locked with another hash; bump the version",
                            file=str(lock_path(data_dir)))
    if version not in changelog_versions(data_dir):
        raise RulebookError(f"add a '## {version}' entry to CHANGELOG.md first",
                            file=str(data_dir / "CHANGELOG.md"))
    lock[version] = digest
    lock_path(data_dir).write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return digest
