import json
from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).parent / "fixtures"
ROUTES = ["exempt", "standard_contract", "security_assessment", "needs_information"]
# Identifiers planted in the fixtures; none may appear in any output.
RAW_PI = ["13812345678", "zhang.san@example.com", "110101199003071234", "zhangsan"]


def load_case(name: str) -> tuple[dict, dict]:
    decision = json.loads((FIXTURES / f"{name}.decision.json").read_text("utf-8"))
    scenario = yaml.safe_load((FIXTURES / f"{name}.scenario.yaml").read_text("utf-8"))
    scenario = json.loads(json.dumps(scenario, default=str))  # dates as ISO strings
    return decision, scenario


@pytest.fixture(scope="session")
def scan_inventory():
    from chujing.report.inventory import load_inventory

    return load_inventory(FIXTURES / "scan.json")


@pytest.fixture(params=ROUTES)
def case(request):
    return (request.param, *load_case(request.param))
