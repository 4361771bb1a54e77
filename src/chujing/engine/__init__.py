"""The decision engine: a pure function of a scenario and a rulebook."""

from chujing.engine.assess import assess

__all__ = ["assess"]
