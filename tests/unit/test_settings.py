"""The function settings: read from the environment once, refused whole when unusable."""

from __future__ import annotations

import pytest

from bc_subscriptions.config import InvalidSettings, Secret, Settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "LOCAL_MODE", "BC_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TABLE_NAME", "subscriptions")
    return monkeypatch


def test_the_environment_is_read_by_field_name_and_typed(env: pytest.MonkeyPatch) -> None:
    env.setenv("DUE_INDEX_SHARDS", "16")
    env.setenv("RENEWAL_MAX_RECEIVE_COUNT", "7")
    env.setenv("LOCAL_MODE", "true")
    env.setenv("BC_APP_ID", "40123")
    env.setenv("BC_CLIENT_SECRET", "s3cret")
    env.setenv("UNRELATED", "ignored")

    settings = Settings.from_env()

    assert settings.table_name == "subscriptions"
    assert settings.due_index_shards == 16
    assert settings.renewal_max_receive_count == 7
    assert settings.local_mode is True
    assert settings.bc_app_id == "40123"
    assert settings.bc_client_secret == Secret("s3cret")


def test_what_the_environment_leaves_out_takes_its_default(env: pytest.MonkeyPatch) -> None:
    settings = Settings.from_env()

    assert settings.aws_region == "us-east-1"
    assert settings.due_index_shards == 8
    assert settings.bc_webhook_max_receive_count == 5
    assert settings.local_mode is False
    assert settings.bc_client_secret is None
    assert settings.bc_api_url == "https://api.bigcommerce.com"


def test_the_region_falls_back_to_the_default_region(env: pytest.MonkeyPatch) -> None:
    env.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert Settings.from_env().aws_region == "eu-west-1"
    env.setenv("AWS_REGION", "us-west-2")
    assert Settings.from_env().aws_region == "us-west-2"


@pytest.mark.parametrize(
    ("spelling", "value"),
    [("1", True), ("TRUE", True), ("yes", True), ("on", True), ("0", False), ("off", False)],
)
def test_a_flag_reads_the_usual_spellings(
    env: pytest.MonkeyPatch, spelling: str, value: bool
) -> None:
    env.setenv("LOCAL_MODE", spelling)
    assert Settings.from_env().local_mode is value


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("TABLE_NAME", "", "table_name"),
        ("BC_APP_ID", "app-1", "bc_app_id"),
        ("BC_APP_ID", "1234567890123", "bc_app_id"),
        ("DUE_INDEX_SHARDS", "0", "due_index_shards"),
        ("DUE_INDEX_SHARDS", "65", "due_index_shards"),
        ("DUE_INDEX_SHARDS", "eight", "due_index_shards"),
        ("RENEWAL_MAX_RECEIVE_COUNT", "1001", "renewal_max_receive_count"),
        ("BC_WEBHOOK_MAX_RECEIVE_COUNT", "0", "bc_webhook_max_receive_count"),
        ("LOCAL_MODE", "maybe", "local_mode"),
    ],
)
def test_an_unusable_value_refuses_the_settings_and_names_the_field(
    env: pytest.MonkeyPatch, name: str, value: str, field: str
) -> None:
    env.setenv(name, value)
    with pytest.raises(InvalidSettings, match=field):
        Settings.from_env()


def test_a_missing_table_refuses_the_settings(env: pytest.MonkeyPatch) -> None:
    env.delenv("TABLE_NAME")
    with pytest.raises(InvalidSettings, match="table_name"):
        Settings.from_env()


def test_settings_built_in_code_are_checked_the_same_way() -> None:
    with pytest.raises(InvalidSettings, match="due_index_shards"):
        Settings(table_name="t", due_index_shards=0)


def test_the_client_secret_never_shows_in_a_repr(env: pytest.MonkeyPatch) -> None:
    env.setenv("BC_CLIENT_SECRET", "s3cret")
    settings = Settings.from_env()

    assert "s3cret" not in repr(settings)
    assert settings.bc_client_secret is not None
    assert settings.bc_client_secret.get_secret_value() == "s3cret"


def test_settings_cannot_change_after_cold_start() -> None:
    settings = Settings(table_name="t")
    with pytest.raises(AttributeError):
        settings.table_name = "other"  # type: ignore[misc]
