"""Settings: every bad or missing value is one clear line naming the variable; no secret leaks."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.settings import RunMode, SettingsError, load_settings, require_token

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_secret"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("PORTAVOCE_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(str(tmp_path))  # no stray .env


def test_defaults_need_nothing_but_the_token_to_serve() -> None:
    settings = load_settings()
    assert settings.mode is RunMode.POLLING
    assert settings.database_url.get_secret_value() == "sqlite+aiosqlite:///portavoce.db"
    with pytest.raises(SettingsError, match=r"^PORTAVOCE_TOKEN: missing"):
        require_token(settings)


def test_token_from_env_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAVOCE_TOKEN", TOKEN)
    settings = load_settings()
    assert require_token(settings) == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORTAVOCE_DATABASE_URL": "mysql://x"}, "PORTAVOCE_DATABASE_URL: must start with"),
        ({"PORTAVOCE_TOKEN": "nonsense"}, "PORTAVOCE_TOKEN: does not look like a bot token"),
        ({"PORTAVOCE_WEBHOOK_PORT": "99999"}, "PORTAVOCE_WEBHOOK_PORT: "),
        ({"PORTAVOCE_LOG_LEVEL": "LOUD"}, "PORTAVOCE_LOG_LEVEL: must be one of"),
        ({"PORTAVOCE_MODE": "webhook"}, "PORTAVOCE_WEBHOOK_URL is required"),
        ({"PORTAVOCE_MODE": "webhook", "PORTAVOCE_WEBHOOK_URL": "https://x.example/tg",
          "PORTAVOCE_WEBHOOK_SECRET": "short"}, "PORTAVOCE_WEBHOOK_SECRET: must be 32-256"),
    ],
    ids=["bad-db-url", "bad-token", "bad-port", "bad-level", "webhook-no-url", "short-secret"],
)
def test_bad_setting_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message


def test_run_without_token_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("portavoce: PORTAVOCE_TOKEN: missing")
    assert len(err.splitlines()) == 1


def test_bad_token_is_never_echoed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORTAVOCE_TOKEN", "12345:tooshort-but-secret")
    assert main(["run"]) == 2
    captured = capsys.readouterr()
    assert "tooshort-but-secret" not in captured.err + captured.out
