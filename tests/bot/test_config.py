"""Channel configuration from the environment."""

import pytest

from bot.whatsapp.config import ChannelConfig, ConfigError, parse_numbers


def test_refuses_to_start_without_an_app_secret():
    with pytest.raises(ConfigError, match="WHATSAPP_APP_SECRET"):
        ChannelConfig.from_env({"WHATSAPP_ACCESS_TOKEN": "t"})
    with pytest.raises(ConfigError):
        ChannelConfig.from_env({"WHATSAPP_APP_SECRET": "   "})


def test_reads_every_setting_with_defaults():
    config = ChannelConfig.from_env({"WHATSAPP_APP_SECRET": "s", "WHATSAPP_GRAPH_URL": "http://x:1/"})
    assert config.graph_url == "http://x:1"
    assert config.api_version == "v21.0"
    assert config.numbers["100000000000002"] == "revenue"
    assert ChannelConfig.from_env({"WHATSAPP_APP_SECRET": "s"}).graph_url == "https://graph.facebook.com"


def test_numbers_map_phone_number_ids_to_departments():
    assert parse_numbers(" 1:general, 2:revenue ,") == {"1": "general", "2": "revenue"}
    for bad in ("1", "abc:general", "1:", ""):
        with pytest.raises(ConfigError):
            parse_numbers(bad)


def test_max_turns_is_read_and_bad_values_are_refused():
    env = {"WHATSAPP_APP_SECRET": "s", "WHATSAPP_MAX_TURNS": "8"}
    assert ChannelConfig.from_env(env).max_turns == 8
    with pytest.raises(ConfigError, match="WHATSAPP_MAX_TURNS"):
        ChannelConfig.from_env({**env, "WHATSAPP_MAX_TURNS": "0"})


PRODUCTION = {
    "SEVA_ENV": "production",
    "WHATSAPP_APP_SECRET": "s" * 32,
    "WHATSAPP_ACCESS_TOKEN": "t",
    "WHATSAPP_VERIFY_TOKEN": "v",
    "SEVA_ID_SALT": "a-real-salt",
    "BACKOFFICE_API_TOKEN": "b" * 32,
    "REDIS_URL": "redis://:pw@redis:6379/0",
}


def test_production_starts_with_every_secret_set():
    assert ChannelConfig.from_env(PRODUCTION).redis_url == "redis://:pw@redis:6379/0"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"REDIS_URL": "redis://redis:6379/0"}, "REDIS_URL has no password"),
        ({"SEVA_ID_SALT": ""}, "SEVA_ID_SALT"),
        ({"WHATSAPP_ACCESS_TOKEN": ""}, "WHATSAPP_ACCESS_TOKEN"),
        ({"BACKOFFICE_API_TOKEN": "short"}, "BACKOFFICE_API_TOKEN"),
        ({"WHATSAPP_APP_SECRET": ""}, "WHATSAPP_APP_SECRET"),
    ],
)
def test_production_refuses_to_start_with_a_gap_and_names_it(change, named):
    with pytest.raises(ConfigError, match=named):
        ChannelConfig.from_env({**PRODUCTION, **change})
    # The same gap in development starts, with a warning at most.
    ChannelConfig.from_env({**PRODUCTION, **change, "SEVA_ENV": "development", "WHATSAPP_APP_SECRET": "s"})
