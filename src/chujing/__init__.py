"""chujing (出境): China's outbound data transfer rules as data, and an engine that applies them.

    from chujing import assess, load_rulebook, Scenario
    decision = assess(Scenario.model_validate(data), load_rulebook())
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["Decision", "Scenario", "assess", "load_rulebook", "load_scenario"]

if TYPE_CHECKING:
    from chujing.decision import Decision
    from chujing.engine import assess
    from chujing.facts import Scenario
    from chujing.rulebook import load_rulebook
    from chujing.scenario_io import load_scenario


def __getattr__(name: str):  # lazy: `import chujing` stays cheap for the CLI
    if name == "assess":
        from chujing.engine import assess
        return assess
    if name == "load_rulebook":
        from chujing.rulebook import load_rulebook
        return load_rulebook
    if name == "Scenario":
        from chujing.facts import Scenario
        return Scenario
    if name == "Decision":
        from chujing.decision import Decision
        return Decision
    if name == "load_scenario":
        from chujing.scenario_io import load_scenario
        return load_scenario
    raise AttributeError(name)
