"""Web settings: where ``ditf serve`` listens, its token and the per-request caps."""

from __future__ import annotations

import dataclasses

import pytest

from ditf._errors import InvalidParameterError
from ditf.settings import Settings

TOKEN = "0123456789abcdef"


def test_web_defaults_bind_loopback_without_a_token():
    s = Settings()
    assert (s.host, s.port, s.token, s.db_url) == ("127.0.0.1", 8000, None, None)
    assert s.web_max_population < s.max_population
    assert s.web_max_sweep_runs < s.max_sweep_runs


def test_web_settings_from_the_environment():
    env = {
        "DITF_HOST": " 0.0.0.0 ", "DITF_PORT": "9001", "DITF_TOKEN": TOKEN,
        "DITF_DB": "sqlite:///j.sqlite", "DITF_WEB_MAX_POPULATION": "10",
        "DITF_WEB_MAX_SWEEP_RUNS": "2", "DITF_WEB_MAX_RESPONSES": "3",
        "DITF_WEB_MAX_STUDIES": "40", "DITF_WEB_MAX_UPLOAD_BYTES": "500",
    }  # fmt: skip
    assert Settings.from_env(env) == Settings(
        host="0.0.0.0", port=9001, token=TOKEN, db_url="sqlite:///j.sqlite",
        web_max_population=10, web_max_sweep_runs=2, web_max_responses=3,
        web_max_studies=40, web_max_upload_bytes=500,
    )  # fmt: skip


def test_processes_and_their_shared_secret():
    env = {"DITF_WORKERS": "3", "DITF_WEB_SECRET": "s" * 32}
    s = Settings.from_env(env)
    assert (s.workers, s.web_secret) == (3, "s" * 32)
    assert "s" * 32 not in repr(s)
    assert Settings().workers == 1 and Settings().web_secret is None


def test_settings_survive_the_environment_round_trip():
    s = Settings(
        host="0.0.0.0", port=9001, token=TOKEN, db_url="sqlite:///j.sqlite", workers=2,
        web_secret="w" * 20, web_max_population=10, max_sweep_runs=7,
    )  # fmt: skip
    env = s.to_env()
    assert Settings.from_env(env) == s
    assert env["DITF_DB"] == "sqlite:///j.sqlite" and env["DITF_WORKERS"] == "2"
    assert "DITF_TOKEN" not in Settings().to_env()


def test_empty_variables_count_as_unset():
    assert Settings.from_env({"DITF_TOKEN": "", "DITF_HOST": "  ", "DITF_DB": ""}) == Settings()


@pytest.mark.parametrize(
    ("env", "match"),
    [
        ({"DITF_PORT": "0"}, "DITF_PORT must be a positive integer"),
        ({"DITF_PORT": "http"}, "DITF_PORT must be a positive integer"),
        ({"DITF_PORT": "70000"}, r"'port' parameter of Settings must be an int in \[1, 65535\]"),
        ({"DITF_WEB_MAX_STUDIES": "-1"}, "DITF_WEB_MAX_STUDIES must be a positive integer"),
        ({"DITF_TOKEN": "short"}, "at least 16 characters"),
        ({"DITF_WORKERS": "0"}, "DITF_WORKERS must be a positive integer"),
        ({"DITF_WORKERS": "65"}, r"'workers' parameter of Settings must be an int in \[1, 64\]"),
        ({"DITF_WEB_SECRET": "short"}, "web secret .* at least 16 characters"),
    ],
)
def test_bad_web_settings_are_rejected(env, match):
    with pytest.raises(InvalidParameterError, match=match):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"host": ""}, "'host' parameter of Settings must be a non-empty string"),
        ({"host": 127}, "'host' parameter of Settings"),
        ({"port": True}, "'port' parameter"),
        ({"web_max_upload_bytes": 0}, "'web_max_upload_bytes' parameter"),
        ({"db_url": 3}, "'db_url' parameter"),
        ({"token": 12345678901234567}, "'token' parameter of Settings must be a string"),
        ({"token": f" {TOKEN} "}, "without surrounding spaces"),
        ({"web_secret": 12345678901234567}, "'web_secret' parameter of Settings must be a str"),
        ({"workers": 1.5}, "'workers' parameter"),
    ],
)
def test_settings_validate_web_fields(changes, match):
    with pytest.raises(InvalidParameterError, match=match):
        Settings(**changes)


def test_a_bad_token_is_never_echoed():
    with pytest.raises(InvalidParameterError) as info:
        Settings(token="hunter2")
    assert "hunter2" not in str(info.value)
    assert TOKEN not in repr(dataclasses.replace(Settings(), token=TOKEN))
