"""The OpenAPI schema states the real constraints: what it allows, the app accepts.

For every operation in the app's own ``/openapi.json`` (so a new route is covered without
editing this file), schemathesis generates requests that *match* the schema (positive mode,
deterministic, a bounded number per operation) and sends them in-process. None may get a
5xx, and none may be refused as invalid (422) for a reason the schema could have stated: a
422 is accepted only when its message is one of the constraints JSON Schema cannot express
(relations between fields, the caps of the work one request may ask for), listed below per
operation with the reason.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from web_helpers import SMALL, with_db

from ditf.web import create_app

#: Examples per operation: enough to hit every enum value and the ends of each range.
EXAMPLES = 40
BASE = "http://127.0.0.1"
FOLDER = Path(tempfile.mkdtemp(prefix="ditf-openapi-"))
APP = create_app(with_db(SMALL, FOLDER))
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP, headers={"Host": "127.0.0.1"})
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}

#: 422 messages JSON Schema cannot state, each with why. Keys are regular expressions matched
#: against ``detail``; they apply to every operation (the library checks are shared).
CROSS_FIELD = {
    # Relations between fields of one request.
    r"must be below counterpart.accepts_high": "a range's low end below its high end",
    r"^minimum \(.*\) is (above|below|worse than)": "minimum against target and BATNA",
    r"benchmarks are out of order": "market-low <= market-median <= market-high",
    r"needs a .* benchmark or an explicit": "the reference comes from one of two fields",
    r"Sequence.door_in_the_face must be a finite number": "the opener the plan derives",
    r"opener must be larger than the target|needs opener > target > foot": "opener > target",
    r"must differ from the fallback|for a foot-in-the-door ask": "opener against fallback",
    r"must be a finite number > 0 for a .* ask\. Got None": "an opener exactly when the "
    "technique has one",
    r"listed = true says the opener is a real, listed offer": "listed only with an opener",
    r"^fallback \(|^opener \(": "the trainee's asks against the scenario drawn",
    r"\[\[requests\]\]|give the times either as at_minutes or as at": "every request timed "
    "the same way",
    r"has no at_minutes|must be listed in the order they were made": "requests timed, in order",
    r"alone_answer is missing": "alone_answer or a range of benchmarks",
    r"parameter of analyze \(arm .*\) must be an int in": "yes <= n in each arm",
    r"must name each arm once": "distinct arm names",
    r"parameter of (Scenario|ModelParams|Step) must be|NAME=START:STOP:STEPS": "a swept value's "
    "range depends on the axis's name (and a log range on its start)",
    r"A counter-offer needs decision='counter'": "counter only with decision 'counter'",
    r"Each parameter can be swept only once": "distinct axis names",
    r"target_power.*cannot be reached": "a power the design cannot reach",
    r"has no agreed amount": "an amount agreed only with an accepted result",
    # Relations to the clock, which JSON Schema cannot state.
    r"must not lie in the future": "an ask not dated after now",
    # The caps of one request's work (their product: people x runs x conditions).
    r"over the web app's limit": "the work caps (docs/web.md, Settings)",
    # What the journal already holds.
    r"must be new: the journal already has": "a key that is taken",
    r"must be the id of an ask in the journal": "an ask that is not there",
    r"must name an ask without an outcome|it was a direct ask": "an ask's outcome",
    r"must name an ask with an outcome": "an outcome to delete",
    r"must name a counterpart without asks": "a counterpart whose asks would be lost",
    r"cannot make ask .* direct: its outcome": "an edit against the ask's outcome",
    # Unicode's format, private-use and unassigned characters: no portable pattern lists them.
    r"without leading or trailing spaces or control characters": "Unicode category C",
}


@pytest.fixture(scope="module", autouse=True)
def _remove_the_journal():
    yield
    shutil.rmtree(FOLDER, ignore_errors=True)


def unstated(detail: str) -> bool:
    """Whether a 422's message is not one of the documented cross-field constraints."""
    return not any(re.search(pattern, detail) for pattern in CROSS_FIELD)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_values_the_schema_allows_are_accepted(label):
    operation = OPERATIONS[label]
    refused: list[str] = []

    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call(base_url=BASE)
        assert response.status_code < 500, response.text
        if response.status_code == 422 and unstated(response.json()["detail"]):
            refused.append(f"{case.body!r} {case.query!r}: {response.json()['detail']}")

    check()
    assert not refused, "\n".join(sorted({r.split(": ", 1)[1][:150] for r in refused}))
