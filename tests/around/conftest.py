import os

import pytest


@pytest.fixture(scope="session")
def around_book():
    """The bundled rulebook (or the one CHUJING_RULEBOOK names, as the web app does)."""
    from chujing.rulebook import default_rulebook, load_rulebook

    path = os.environ.get("CHUJING_RULEBOOK")
    return load_rulebook(path) if path else default_rulebook()
