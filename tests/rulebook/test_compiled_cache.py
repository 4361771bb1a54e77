"""The compiled-rulebook cache (rulebook/cache.py): a rulebook read from it decides exactly as a
full load does, and a change to the files, a broken entry or an unwritable cache falls back to one."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings

from chujing import Scenario, assess
from chujing.rulebook import cache
from chujing.rulebook.loader import DATA_DIR, data_hash
from chujing.rulebook.rulebook import load_rulebook
from tests.engine.test_memo import scenarios

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """(full load, the same rulebook read back from the cache)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CHUJING_CACHE", str(tmp_path_factory.mktemp("cache")))
    try:
        fresh = load_rulebook()
        assert cache.entry_path(DATA_DIR, fresh.hash).exists()
        cached = cache.load(DATA_DIR, fresh.hash)
        assert cached is not None and cached is not fresh
        yield fresh, cached
    finally:
        mp.undo()


def _leaves(cond) -> list:
    return [(f, op, operand) for f, op, operand, _fn in cond.leaves]


def test_cached_rules_equal_the_loaded_ones(books):
    fresh, cached = books
    assert (cached.version, cached.hash, cached.data_dir) == (fresh.version, fresh.hash, fresh.data_dir)
    assert list(cached.rules) == list(fresh.rules)
    assert cached.facts == fresh.facts and cached.words == fresh.words
    assert cached.instruments == fresh.instruments and cached.instrument_files == fresh.instrument_files
    for rid, a in fresh.rules.items():
        b = cached.rules[rid]
        assert (b.rule, b.instrument, b.file, b.index) == (a.rule, a.instrument, a.file, a.index)
        assert (b.active_from, b.active_to, b.superseded_by) == (a.active_from, a.active_to, a.superseded_by)
        assert (b.overrides, b.unaffected, b.citation, b.summary) == (a.overrides, a.unaffected, a.citation,
                                                                      a.summary)
        assert [g.id for g in b.gate_rules] == [g.id for g in a.gate_rules]
        assert all(g is cached.rules[g.id] for g in b.gate_rules)  # shared, as in a full load
        assert b.condition.facts == a.condition.facts
        assert b.condition.comparisons == a.condition.comparisons
        assert _leaves(b.condition) == _leaves(a.condition)
    assert cached._epochs == fresh._epochs
    for rs_a, rs_b in zip(fresh._sets, cached._sets, strict=True):
        for name in ("triggers", "exemptions", "obligations", "risks", "definitions", "superseded"):
            assert [r.id for r in getattr(rs_b, name)] == [r.id for r in getattr(rs_a, name)]
            assert all(r is cached.rules[r.id] for r in getattr(rs_b, name))
        assert (rs_b.counting and rs_b.counting.id) == (rs_a.counting and rs_a.counting.id)
        assert len(rs_b.item_memo) == 0 and not rs_b.cache


def test_shared_condition_parts_are_compiled_once(books):
    _fresh, cached = books
    # An FTZ list's items carry its gates: their leaf tests are the very same compiled functions.
    gated = [r for r in cached.rules.values() if r.gate_rules and r.gate_rules[0].condition.leaves]
    assert gated
    for r in gated:
        gate_fns = {id(fn) for *_x, fn in r.gate_rules[0].condition.leaves}
        assert gate_fns <= {id(fn) for *_x, fn in r.condition.leaves}


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_examples_decide_the_same(books, example):
    from chujing.scenario_io import load_scenario

    fresh, cached = books
    s = load_scenario(EXAMPLES / example, fresh)
    for day in (None, date(2023, 5, 1), date(2024, 6, 1), date(2026, 11, 23)):
        assert assess(s, cached, as_of=day).to_dict() == assess(s, fresh, as_of=day).to_dict()


@settings(max_examples=300, deadline=None)
@given(scenarios)
def test_generated_scenarios_decide_the_same(books, raw):
    fresh, cached = books
    history = [h for h in raw["history"] if h["date"] <= raw["as_of"]]
    try:
        s = Scenario.model_validate({**raw, "history": history})
    except ValueError:
        return
    assert assess(s, cached).to_dict() == assess(s, fresh).to_dict()


def test_changed_files_broken_entries_and_unwritable_caches_fall_back(tmp_path, monkeypatch):
    monkeypatch.setenv("CHUJING_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    first = load_rulebook(data)
    entry = cache.entry_path(data, first.hash)
    assert entry.exists() and cache.load(data, first.hash) is not None

    # A changed rule file has another hash: its entry is not the old one.
    rf = data / "cn" / "pipl.yaml"
    rf.write_text(rf.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    digest = data_hash(data)
    assert cache.load(data, digest) is None
    assert load_rulebook(data).hash == digest != first.hash

    # A truncated or foreign entry is a miss, and the full load rewrites it.
    entry = cache.entry_path(data, digest)
    entry.write_bytes(entry.read_bytes()[:1000])
    assert cache.load(data, digest) is None
    assert load_rulebook(data).hash == digest
    assert cache.load(data, digest) is not None

    # A cache that cannot be written only costs speed.
    monkeypatch.setenv("CHUJING_CACHE", str(rf))  # a file, not a directory
    assert load_rulebook(data).hash == digest


def test_a_broken_rule_file_is_never_read_from_the_cache(tmp_path, monkeypatch):
    from chujing.errors import RulebookError

    monkeypatch.setenv("CHUJING_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    load_rulebook(data)
    rf = data / "cn" / "pipl.yaml"
    rf.write_text(rf.read_text(encoding="utf-8").replace("instrument:", "instrumentt:", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RulebookError):
            load_rulebook(data)


def test_entries_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv("CHUJING_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "chujing"
    folder.mkdir(parents=True)
    for i in range(6):
        (folder / f"{cache.PREFIX}old{i}.pickle").write_bytes(b"")
    load_rulebook()
    assert len(list(folder.glob(f"{cache.PREFIX}*.pickle"))) == 4
    assert cache.entry_path(DATA_DIR, data_hash(DATA_DIR)).exists()


def test_the_data_directory_is_kept_as_given(tmp_path, monkeypatch):
    monkeypatch.setenv("CHUJING_CACHE", str(tmp_path / "cache"))
    shutil.copytree(DATA_DIR, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # a full load, then each read from its own entry
        rel, full = load_rulebook("data"), load_rulebook(tmp_path / "data")
        assert rel.data_dir == Path("data") and not next(iter(rel.rules.values())).file.is_absolute()
        assert full.data_dir == tmp_path / "data" and next(iter(full.rules.values())).file.is_absolute()
