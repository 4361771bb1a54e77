"""The rulebook: law as data. One YAML file per instrument under data/, validated at load."""

from __future__ import annotations

from functools import lru_cache

from chujing.rulebook.rulebook import ROUTE_ORDER, CompiledRule, Rulebook, RuleSet, load_rulebook

__all__ = ["ROUTE_ORDER", "CompiledRule", "RuleSet", "Rulebook", "default_rulebook", "load_rulebook"]


@lru_cache(maxsize=1)
def default_rulebook() -> Rulebook:
    """The bundled rulebook, loaded once per process."""
    return load_rulebook()
