"""Property-based fuzzing of the API from its own OpenAPI schema: no input may cause a 500.

Bounded (`max_examples` per operation, CHUJING_FUZZ_EXAMPLES) so the run takes a minute or two
on a loaded machine. Schemathesis drives the ASGI app in process, with a valid token.
"""

from __future__ import annotations

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

MAX_EXAMPLES = int(os.environ.get("CHUJING_FUZZ_EXAMPLES", "100"))


@pytest.mark.slow
def test_no_generated_input_causes_a_server_error(home):
    from chujing.web import create_app
    from tests.web.conftest import make_settings

    app = create_app(make_settings(home, max_upload_bytes=64 * 1024))
    token, _ = app.state.web.store.create_token("fuzz")
    auth = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=auth)
    tried = []
    for result in schema.get_all_operations():
        operation = result.ok()
        tried.append(operation.label)
        # Valid inputs by the schema, and inputs that break it on purpose.
        cases = (operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
                 | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @given(case=cases)
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=auth, checks=[not_a_server_error])

        run()
    assert "POST /v1/assess" in tried and "POST /v1/scan" in tried
