"""The trainer: rounds as requester and as target give what ``ditf.train`` gives, stored."""

from __future__ import annotations

import re
from urllib.parse import quote

import numpy as np
import pytest
from markupsafe import escape
from test_web_api import assert_error, jsonable
from test_web_pages import alerts, chart_spec

from ditf.train import (
    Choice,
    TargetResponse,
    load_trainer_scenarios,
    make_pitch,
    pick_scenario,
    play_round,
    score_target,
    trainer_scenario,
)
from ditf.web._routes._train import PICK_STREAM, TRAINEE_COOKIE

HTML = {"accept": "text/html"}
WHY = "I understand that is a lot; could you do two hours on Saturday?"
ROUND = {"trainee": "ann", "scenario": "volunteering-beginner", "seed": 7, "opener": 208,
         "fallback": 2, "explanation": WHY}  # fmt: skip


def stored(client, trainee: str) -> list:
    return client.app.state.journal.training_rounds(trainee)


# API ------------------------------------------------------------------------------------------


def test_a_round_matches_the_library_and_is_stored(api):
    got = api.post("/api/train/round", json=ROUND)
    assert got.status_code == 201
    body = got.json()
    choice = Choice(opener=208, fallback=2, explanation=WHY)
    expected = play_round(trainer_scenario("volunteering-beginner"), choice, rng=7).to_dict()
    assert {k: v for k, v in body.items() if k not in ("round_id", "trainee", "seed")} == (
        jsonable(expected)
    )
    assert (body["trainee"], body["seed"], body["score"]["total"]) == ("ann", 7, 100.0)
    [kept] = stored(api, "ann")
    assert (kept.id, kept.role, kept.level, kept.domain) == (
        body["round_id"], "requester", "beginner", "volunteering",
    )  # fmt: skip
    assert kept.details == expected and kept.score == expected["score"]["total"]


def test_a_round_can_ask_directly_and_draw_its_scenario(api):
    body = {"trainee": "ann", "domain": "salary", "level": "advanced", "seed": 11,
            "fallback": 88000}  # fmt: skip
    got = api.post("/api/train/round", json=body).json()
    scenario = pick_scenario(domain="salary", level="advanced",
                             rng=np.random.default_rng([11, PICK_STREAM]))  # fmt: skip
    assert got["scenario"]["id"] == scenario.id == "salary-advanced"
    expected = play_round(scenario, Choice(fallback=88000), rng=11).to_dict()
    assert got["score"] == jsonable(expected["score"]) and got["choice"]["uses_technique"] is False


def test_without_a_seed_each_round_gets_one_to_replay_it(api):
    first = api.post("/api/train/round", json=ROUND | {"seed": None}).json()
    replay = api.post("/api/train/round", json=ROUND | {"seed": first["seed"]}).json()
    assert replay["answers"] == first["answers"] and replay["round_id"] == first["round_id"] + 1


def test_the_pitch_hides_whether_it_is_honest(api):
    got = api.post("/api/train/pitch", json={"scenario": "salary-beginner", "seed": 3}).json()
    pitch = make_pitch(trainer_scenario("salary-beginner"), rng=3)
    assert got == jsonable({"scenario": "salary-beginner", "seed": 3,
                            "pitch": pitch.to_dict(reveal=False)})  # fmt: skip
    assert "honest" not in got["pitch"] and "tactics" not in got["pitch"]
    drawn = api.post("/api/train/pitch", json={"level": "practitioner", "seed": 4}).json()
    assert trainer_scenario(drawn["scenario"]).level == "practitioner"
    assert "seed" in api.post("/api/train/pitch", json={}).json()


def test_the_answer_to_a_pitch_is_scored_on_the_same_pitch(api):
    pitch = api.post("/api/train/pitch", json={"scenario": "salary-beginner", "seed": 0}).json()
    answer = {"trainee": "bo", "scenario": pitch["scenario"], "seed": pitch["seed"],
              "decision": "counter", "counter": 50000, "flag_theatrical": True}  # fmt: skip
    got = api.post("/api/train/target", json=answer)
    assert got.status_code == 201
    rebuilt = make_pitch(trainer_scenario("salary-beginner"), rng=0)
    expected = score_target(
        rebuilt, TargetResponse(decision="counter", counter=50000, flag_theatrical=True)
    ).to_dict()
    body = got.json()
    assert {k: v for k, v in body.items() if k not in ("round_id", "trainee", "seed")} == (
        jsonable(expected)
    )
    assert body["pitch"]["opener"] == pitch["pitch"]["opener"]
    assert body["pitch"]["honest"] is rebuilt.honest
    [kept] = stored(api, "bo")
    assert (kept.role, kept.score, kept.details) == ("target", expected["score"], expected)


def test_progress_averages_per_level(api):
    api.post("/api/train/round", json=ROUND)  # 100 at beginner
    api.post("/api/train/round", json=ROUND | {"opener": None, "explanation": ""})
    api.post("/api/train/target", json={"trainee": "ann", "scenario": "salary-advanced",
                                        "seed": 2, "decision": "decline"})  # fmt: skip
    got = api.get("/api/train/progress", params={"trainee": "ann"}).json()
    rounds = stored(api, "ann")
    assert [r["id"] for r in got["rounds"]] == [r.id for r in rounds]
    assert [r["scenario"] for r in got["rounds"]] == [
        "volunteering-beginner", "volunteering-beginner", "salary-advanced",
    ]  # fmt: skip
    beginner = [r.score for r in rounds if r.level == "beginner"]
    assert got["levels"][0] == {"level": "beginner", "rounds": 2,
                                "average_score": pytest.approx(sum(beginner) / 2),
                                "best_score": 100.0}  # fmt: skip
    assert [lv["level"] for lv in got["levels"]] == ["beginner", "advanced"]
    nobody = api.get("/api/train/progress", params={"trainee": "nobody"}).json()
    assert nobody == {"trainee": "nobody", "rounds": [], "levels": []}


@pytest.mark.parametrize(
    ("path", "body", "fragments"),
    [
        ("/api/train/round", ROUND | {"trainee": " ann"}, ["trainee", "should match pattern"]),
        ("/api/train/round", ROUND | {"trainee": ""}, ["trainee"]),
        ("/api/train/round", ROUND | {"scenario": "chess"}, ["Unknown trainer scenario"]),
        ("/api/train/round", ROUND | {"opener": 1}, ["opener (1 hours) must ask for more"]),
        ("/api/train/round", ROUND | {"fallback": 0}, ["fallback (0 hours) asks for nothing"]),
        ("/api/train/round", ROUND | {"delay_hours": 9000}, ["delay_hours"]),
        ("/api/train/round", ROUND | {"domain": "chess"}, ["domain", "must be one of"]),
        ("/api/train/round", {"trainee": "ann"}, ["fallback", "Field required"]),
        ("/api/train/pitch", {"level": "expert"}, ["level"]),
        ("/api/train/target", {"trainee": "ann", "scenario": "salary-beginner", "seed": 1,
                               "decision": "counter"}, ["counter-offer needs"]),
        ("/api/train/target", {"trainee": "ann", "scenario": "salary-beginner", "seed": 1,
                               "decision": "accept", "counter": 3}, ["counter-offer needs"]),
        ("/api/train/target", {"trainee": "ann", "scenario": "salary-beginner",
                               "decision": "accept"}, ["seed", "Field required"]),
    ],
)  # fmt: skip
def test_bad_rounds_are_422_and_store_nothing(api, path, body, fragments):
    assert_error(api.post(path, json=body), 422, *fragments)
    assert api.app.state.journal.training_rounds() == []


def test_scenarios_are_listed_as_the_trainee_sees_them(api):
    got = api.get("/api/train/scenarios", params={"level": "advanced"}).json()
    assert got == jsonable([s.to_dict() for s in load_trainer_scenarios(level="advanced")])
    assert len(api.get("/api/train/scenarios").json()) == 18
    assert_error(api.get("/api/train/scenarios", params={"domain": "chess"}), 422, "domain")


# pages ----------------------------------------------------------------------------------------


def start(client, **query) -> str:
    return client.get("/train/play", params=query, headers=HTML).text


def hidden(page: str, name: str) -> str:
    match = re.search(rf'type="hidden" name="{name}" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def test_the_trainer_page_remembers_the_trainee(api):
    assert re.search(r'name="trainee"\s+value=""', api.get("/train", headers=HTML).text)
    page = start(api, trainee="Zoë Müller", level="practitioner", role="requester",
                 domain="pricing")  # fmt: skip
    assert "pricing, practitioner; scenario <code>pricing-practitioner</code>" in page
    assert api.cookies[TRAINEE_COOKIE] == quote("Zoë Müller", safe="")
    setup = api.get("/train", headers=HTML).text
    assert re.search(r'name="trainee"\s+value="Zoë Müller"', setup)
    assert "Progress of Zoë Müller" in setup


def test_a_requester_round_from_the_page(browser):
    page = start(browser.client, trainee="ann", scenario="volunteering-beginner")
    assert "Briefing" in page and "208" in page  # the classic opener is in the briefing
    seed = int(hidden(page, "seed"))
    form = {"trainee": "ann", "scenario": "volunteering-beginner", "seed": str(seed),
            "level": "beginner", "domain": "", "opener": "208", "fallback": "2",
            "delay_hours": "0", "explanation": WHY, "honour_opener": "on"}  # fmt: skip
    answer = browser.client.post(
        "/train/round", data={"csrf_token": browser.token, **form},
        headers={"accept": "text/html", "sec-fetch-site": "same-origin"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"] == "/train/result?trainee=ann&round=1"
    shown = browser.client.get(answer.headers["location"], headers=HTML).text
    expected = play_round(trainer_scenario("volunteering-beginner"),
                          Choice(opener=208, fallback=2, explanation=WHY), rng=seed)  # fmt: skip
    assert f'id="score">{expected.score.total:.1f} / 100<' in shown
    spec = chart_spec(shown, "chart-train-mechanisms")
    assert [i["value"] for i in spec["items"]] == [m.points for m in expected.mechanisms]
    for option in expected.options:
        assert option.label in shown
    assert 'id="levels-table"' in shown and "Play another round" in shown


def test_a_target_round_from_the_page(browser):
    page = start(browser.client, trainee="bo", level="advanced", role="target")
    scenario, seed = hidden(page, "scenario"), int(hidden(page, "seed"))
    pitch = make_pitch(trainer_scenario(scenario), rng=seed)
    assert str(escape(pitch.lines[0])) in page  # as Jinja escapes it (quotes, apostrophes)
    assert "honest" not in page.lower() and "This counterpart was" not in page
    form = {"trainee": "bo", "scenario": scenario, "seed": str(seed), "level": "advanced",
            "domain": "", "decision": "decline", "flag_theatrical": "on"}  # fmt: skip
    shown = browser.post_form("/train/target", form)
    assert shown.status_code == 200
    expected = score_target(pitch, TargetResponse(decision="decline", flag_theatrical=True))
    assert f'id="score">{expected.score:.0f} / 100<' in shown.text
    truth = "honest" if pitch.honest else "theatrical"
    assert f"This counterpart was <strong>{truth}</strong>" in shown.text
    assert chart_spec(shown.text, "chart-train-mechanisms")["type"] == "bars"


def test_round_forms_with_mistakes_show_the_round_again(browser):
    page = start(browser.client, trainee="ann", scenario="salary-beginner")
    base = {"trainee": "ann", "scenario": "salary-beginner", "seed": hidden(page, "seed")}
    answer = browser.post_form("/train/round", base | {"fallback": "many", "opener": "9"})
    assert answer.status_code == 422
    assert "fallback" in alerts(answer.text)[0]
    assert 'value="many"' in answer.text and "Briefing" in answer.text
    answer = browser.post_form("/train/round", base | {"fallback": "60000", "opener": "50000"})
    assert answer.status_code == 422 and "must ask for more" in alerts(answer.text)[0]
    answer = browser.post_form("/train/target", base | {"decision": "counter", "counter": "x"})
    assert answer.status_code == 422 and "counter" in alerts(answer.text)[0]
    assert browser.client.app.state.journal.training_rounds() == []


def test_unknown_rounds_are_not_found(browser):
    form = {"trainee": "ann", "scenario": "chess", "seed": "1", "fallback": "2"}
    assert browser.post_form("/train/round", form).status_code == 404
    assert (
        browser.post_form(
            "/train/round", form | {"scenario": "salary-beginner", "seed": "x"}
        ).status_code
        == 404
    )
    missing = browser.client.get("/train/result", params={"trainee": "ann", "round": 3},
                                 headers=HTML)  # fmt: skip
    assert missing.status_code == 404 and "No round 3" in missing.text


def test_the_start_form_says_what_is_wrong(api):
    page = api.get("/train/play", params={"trainee": "", "level": "expert"}, headers=HTML)
    assert page.status_code == 422
    assert "trainee" in alerts(page.text)[0] and "level" in alerts(page.text)[0]
    page = api.get("/train/play", params={"trainee": "a", "domain": "chess"}, headers=HTML)
    assert page.status_code == 422 and "domain" in alerts(page.text)[0]
    page = api.get("/train/play", params={"trainee": "a", "scenario": "chess"}, headers=HTML)
    assert page.status_code == 422 and "Unknown trainer scenario" in alerts(page.text)[0]


def test_a_buyers_fallback_near_zero_is_refused_not_a_crash(api):
    body = {"trainee": "ann", "scenario": "procurement-beginner", "seed": 1, "fallback": 0.0}
    assert_error(api.post("/api/train/round", json=body), 422, "fallback")
    assert api.app.state.journal.training_rounds() == []


def test_a_buyers_briefing_names_the_most_they_will_pay(api):
    buyer = start(api, trainee="ann", scenario="procurement-beginner", role="requester")
    seller = start(api, trainee="ann", scenario="salary-beginner", role="requester")
    assert '<td class="text">the most you will pay</td>' in buyer
    assert '<td class="text">your minimum</td>' in seller
