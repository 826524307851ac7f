"""The bundled trainer files: every domain and level is there, and broken files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

import ditf.data._trainer as trainer_data
from ditf._errors import DataError
from ditf.data import TRAINER_DOMAINS, TRAINER_FOLDER, TRAINER_LEVELS, load_trainer_data
from ditf.plan import DOMAINS

GOOD = '[[scenario]]\nid = "a"\nlevel = "beginner"\n'


def test_the_trainer_domains_are_the_planner_domains():
    assert tuple(DOMAINS) == TRAINER_DOMAINS


def test_every_domain_has_every_level():
    entries = load_trainer_data()
    pairs = {(e["source"], e["level"]) for e in entries}
    for domain in TRAINER_DOMAINS:
        for level in TRAINER_LEVELS:
            assert (f"{TRAINER_FOLDER}/{domain}.toml", level) in pairs


def test_entries_are_fresh_copies():
    first = load_trainer_data()
    first[0]["title"] = "changed"
    assert load_trainer_data()[0]["title"] != "changed"


@pytest.fixture
def files(tmp_path, monkeypatch):
    """Point the loader at a folder of our own, pre-filled with valid files."""
    folder = tmp_path / TRAINER_FOLDER
    folder.mkdir()
    for i, domain in enumerate(TRAINER_DOMAINS):
        (folder / f"{domain}.toml").write_text(GOOD.replace('"a"', f'"s{i}"'), encoding="utf-8")
    monkeypatch.setattr(trainer_data.resources, "files", lambda package: Path(tmp_path))
    return folder


def test_a_valid_folder_loads(files):
    entries = load_trainer_data()
    assert [e["id"] for e in entries] == [f"s{i}" for i in range(len(TRAINER_DOMAINS))]
    assert entries[0]["source"] == f"{TRAINER_FOLDER}/salary.toml"


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("[[scenario]\n", "cannot be read"),
        ('title = "no scenarios"\n', "expected one or more"),
        ("scenario = [1, 2]\n", "scenario 1 must be a table"),
        ('[[scenario]]\nlevel = "beginner"\n', "needs a non-empty text 'id'"),
        ('[[scenario]]\nid = "x"\nlevel = "  "\n', "needs a non-empty text 'level'"),
        ('[[scenario]]\nid = "x"\nlevel = "expert"\n', "has level 'expert'"),
        (GOOD + GOOD, "repeated: a"),
    ],
    ids=["malformed", "no tables", "not a table", "no id", "blank level", "bad level", "dup"],
)
def test_a_broken_file_is_refused(files, content, match):
    (files / "pricing.toml").write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=match):
        load_trainer_data()


def test_a_missing_file_is_refused(files):
    (files / "settlement.toml").unlink()
    with pytest.raises(DataError, match=r"settlement\.toml' cannot be read"):
        load_trainer_data()
