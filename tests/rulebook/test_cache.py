"""The parsed-YAML cache: used when the files are unchanged, rebuilt when one changes, pruned."""

from __future__ import annotations

import os
import shutil

from chujing.rulebook.loader import DATA_DIR
from chujing.rulebook.rulebook import load_rulebook


def test_cache_is_keyed_by_content_and_pruned(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CHUJING_CACHE", str(cache))
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    first = load_rulebook(data)
    made = list((cache / "chujing").glob("rulebook-*.pickle"))
    assert len(made) == 1
    assert load_rulebook(data).hash == first.hash  # read from the cache: same rulebook

    # Changing a rule file changes the hash, so the cache is not used for it.
    rf = data / "cn" / "pipl.yaml"
    rf.write_text(rf.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    second = load_rulebook(data)
    assert second.hash != first.hash
    assert len(list((cache / "chujing").glob("rulebook-*.pickle"))) == 2

    # Old entries beyond the newest eight are dropped when a new one is written.
    for i in range(10):
        old = cache / "chujing" / f"rulebook-{i:020d}-old.pickle"
        old.write_bytes(b"")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    rf.write_text(rf.read_text(encoding="utf-8") + "\n# edited again\n", encoding="utf-8")
    load_rulebook(data)
    left = sorted(p.name for p in (cache / "chujing").glob("rulebook-*.pickle"))
    assert len(left) == 8
    assert not any(n.startswith("rulebook-00000000000000000000") for n in left)  # the oldest went
