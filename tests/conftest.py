import os
import tempfile

import pytest

# Tests never touch the user's real key or ledger.
os.environ.setdefault("CHUJING_HOME", tempfile.mkdtemp(prefix="chujing-test-"))


@pytest.fixture(scope="session")
def book():
    from chujing.rulebook import default_rulebook

    return default_rulebook()
