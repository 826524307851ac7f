"""A bounded schemathesis run against the app's OpenAPI schema: never a 5xx.

Schemathesis generates valid and invalid requests from ``/openapi.json`` (Hypothesis), sends
them to the app in-process (lifespan included), and checks that no answer is a server error
and that every answer matches the schema it documents. Every operation is covered, the
journal's writes included (they go to a temporary journal). Examples per operation are
capped, so the run stays short.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from web_helpers import SMALL, with_db

from ditf.web import create_app

#: Examples per operation and phase; the whole run stays well under a minute.
EXAMPLES = 25
#: The app answers only loopback names (DNS-rebinding guard), so requests address 127.0.0.1.
BASE = "http://127.0.0.1"


#: The app's journal: a temporary folder, removed after the module's tests.
#: (``schemathesis.pytest.from_fixture`` would make this a fixture; it fails on this pytest.)
FOLDER = Path(tempfile.mkdtemp(prefix="ditf-schema-"))
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(with_db(SMALL, FOLDER)), headers={"Host": "127.0.0.1"}
)


@pytest.fixture(scope="module", autouse=True)
def _remove_the_journal():
    yield
    shutil.rmtree(FOLDER, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_input_makes_the_api_fail(case):
    response = case.call_and_validate(
        base_url=BASE,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
    assert response.status_code < 500, response.text
