"""The trainer for teachers (issue 14): the class view, its CSV export, and honest or
theatrical pitches chosen by the teacher."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from test_web_train import HTML, hidden, start

from ditf.store import Journal


def journal_of(client) -> Journal:
    return client.app.state.journal


def played(journal: Journal, trainee: str, level: str, role: str, score: float) -> None:
    journal.add_training_round(trainee, domain="salary", level=level, role=role, score=score,
                               details={}, played_at=datetime(2026, 3, 1, tzinfo=UTC))  # fmt: skip


@pytest.mark.parametrize(("pitches", "honest"), [("honest", True), ("theatrical", False)])
def test_the_teacher_chooses_the_pitches_in_the_api(api, pitches, honest):
    for seed in range(4):  # whatever the seed draws
        pitch = api.post(
            "/api/train/pitch", json={"level": "practitioner", "seed": seed, "pitches": pitches}
        )
        assert pitch.status_code == 200  # fmt: skip
        answer = {"trainee": "ann", "scenario": pitch.json()["scenario"], "seed": seed,
                  "decision": "decline", "pitches": pitches}  # fmt: skip
        scored = api.post("/api/train/target", json=answer)
        assert scored.status_code == 201, scored.text
        assert scored.json()["pitch"]["honest"] is honest


@pytest.mark.parametrize(("pitches", "truth"), [("honest", "honest"), ("theatrical", "theatrical")])
def test_the_teacher_chooses_the_pitches_on_the_page(browser, pitches, truth):
    page = start(browser.client, trainee="bo", level="advanced", role="target", pitches=pitches)
    assert hidden(page, "pitches") == pitches
    form = {
        "trainee": "bo",
        "scenario": hidden(page, "scenario"),
        "seed": hidden(page, "seed"),
        "level": "advanced",
        "domain": "",
        "decision": "decline",
        "pitches": pitches,
    }
    shown = browser.post_form("/train/target", form)  # fmt: skip
    assert shown.status_code == 200
    assert f"This counterpart was <strong>{truth}</strong>" in shown.text


def test_the_start_form_offers_the_choice(api):
    page = api.get("/train", headers=HTML).text
    assert 'name="pitches"' in page and '<option value="theatrical">' in page
    assert 'href="/train/class"' in page


def test_a_tampered_choice_falls_back_to_mixed(browser):
    page = start(browser.client, trainee="cy", level="beginner", role="target")
    form = {"trainee": "cy", "scenario": hidden(page, "scenario"), "seed": hidden(page, "seed"),
            "level": "beginner", "domain": "", "decision": "counter", "counter": "x",
            "pitches": "sneaky"}  # fmt: skip
    shown = browser.post_form("/train/target", form)
    assert shown.status_code == 422  # the form's errors, never a 500


def test_the_class_view_sums_up_every_trainee(api):
    journal = journal_of(api)
    played(journal, "ann", "beginner", "requester", 60)
    played(journal, "ann", "beginner", "target", 80)
    played(journal, "ann", "advanced", "target", 40)
    played(journal, "bo", "practitioner", "requester", 90)
    overview = api.get("/api/train/class").json()
    assert overview["rounds"] == 4 and overview["average_score"] == pytest.approx(67.5)
    ann, bo = overview["trainees"]
    assert (ann["trainee"], ann["rounds"], ann["requester_rounds"], ann["target_rounds"]) == (
        "ann", 3, 1, 2)  # fmt: skip
    assert ann["average_score"] == pytest.approx(60)
    assert [(lv["level"], lv["rounds"], lv["average_score"]) for lv in ann["levels"]] == [
        ("beginner", 2, 70), ("advanced", 1, 40)]  # fmt: skip
    assert bo["levels"][0]["level"] == "practitioner"
    assert [lv["level"] for lv in overview["levels"]] == ["beginner", "practitioner", "advanced"]
    page = api.get("/train/class", headers=HTML)
    assert page.status_code == 200
    assert 'id="class-table"' in page.text and "2: 70.0" in page.text and "1: 40.0" in page.text


def test_the_class_view_without_rounds(api):
    assert api.get("/api/train/class").json() == {
        "trainees": [], "levels": [], "rounds": 0, "average_score": None}  # fmt: skip
    assert 'id="no-rounds"' in api.get("/train/class", headers=HTML).text


def test_the_class_exports_as_csv(api):
    journal = journal_of(api)
    played(journal, "ann", "beginner", "requester", 60)
    played(journal, "ann", "beginner", "target", 80)
    played(journal, "=cmd", "advanced", "target", 40)
    got = api.get("/train/class.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert 'filename="class.csv"' in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [(r["trainee"], r["level"], r["rounds"], r["average_score"]) for r in rows] == [
        ("'=cmd", "advanced", "1", "40.0"), ("ann", "beginner", "2", "70.0")]  # fmt: skip
    assert rows[1]["last_played"].startswith("2026-03-01")
