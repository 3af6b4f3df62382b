"""The production compose file: valid Compose, every part present and closed, secrets only from the environment.

`docker compose config` checks it where a Docker daemon answers; elsewhere (this machine has the docker client but
no daemon nor the compose plugin) the Compose Specification's JSON schema, vendored under deploy/schema/, does.
"""

import json
import re
import shutil
import subprocess

import jsonschema
import pytest
import yaml

from tests.servers import ROOT

COMPOSE = ROOT / "docker-compose.yml"
BUILT = ("migrate", "web", "worker", "beat", "actions", "rasa-1", "rasa-2")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def schema_validator() -> jsonschema.Draft7Validator:
    """The Compose Specification's schema (draft-07, as its `$schema` says)."""
    return jsonschema.Draft7Validator(
        json.loads((ROOT / "deploy" / "schema" / "compose-spec.json").read_text())
    )


def docker_compose_works() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
    daemon = subprocess.run(["docker", "info"], capture_output=True)
    return probe.returncode == 0 and daemon.returncode == 0


def test_the_file_is_valid_compose(compose, tmp_path):
    if docker_compose_works():
        env = tmp_path / "seva.env"
        env.write_text(
            "".join(f"{name}=x\n" for name in set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE.read_text())))
        )
        result = subprocess.run(["docker", "compose", "-f", str(COMPOSE), "--env-file", str(env), "config", "-q"],
                                capture_output=True, text=True)  # fmt: skip
        assert result.returncode == 0, result.stderr
    schema_validator().validate(compose)


def test_the_schema_check_would_catch_a_mistake(compose):
    broken = {
        **compose,
        "services": {**compose["services"], "web": {**compose["services"]["web"], "helthcheck": {}}},
    }
    with pytest.raises(jsonschema.ValidationError):
        schema_validator().validate(broken)


def test_every_part_of_production_is_there(compose):
    services = compose["services"]
    assert {
        "nginx",
        "web",
        "worker",
        "beat",
        "rasa-1",
        "rasa-2",
        "actions",
        "postgres",
        "redis",
        "migrate",
    } <= set(services)
    assert "create_app()" in services["web"]["command"] and "gunicorn" in services["web"]["command"]
    assert services["migrate"]["command"][-2:] == ["db", "upgrade"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    for name in ("rasa-1", "rasa-2"):
        command = services[name]["command"]
        assert "deploy/credentials.production.yml" in command and "deploy/endpoints.production.yml" in command
        assert "--auth-token" in command
    assert "--requirepass" in services["redis"]["command"]


def test_the_factory_the_web_starts_exists():
    """The old file started `backoffice:create_app`, which does not exist: the container could not start."""
    import importlib

    module, _, call = "backoffice.app:create_app()".partition(":")
    assert callable(getattr(importlib.import_module(module), call.removesuffix("()")))


def test_web_worker_and_beat_share_the_documents_and_keys(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        volumes = services[name]["volumes"]
        assert "documents:/data/documents" in volumes and any(v.endswith(":/data/pki:ro") for v in volumes)
        assert services[name]["environment"]["SEVA_DOCUMENTS_DIR"] == "/data/documents"
    assert "documents" in compose["volumes"]


def test_only_nginx_publishes_ports_and_every_long_running_part_has_a_healthcheck(compose):
    services = compose["services"]
    assert [name for name, s in services.items() if s.get("ports")] == ["nginx"]
    for name, service in services.items():
        if name != "migrate":
            assert "test" in service.get("healthcheck", {}), f"{name} has no healthcheck"


def test_our_images_run_as_an_unprivileged_user():
    for dockerfile in ("backoffice.Dockerfile", "rasa.Dockerfile"):
        lines = (ROOT / "deploy" / dockerfile).read_text().splitlines()
        users = [line for line in lines if line.startswith("USER ")]
        assert users and users[-1] == "USER seva", dockerfile


def test_production_settings_are_switched_on(compose):
    web = compose["services"]["web"]["environment"]
    assert web["SEVA_ENV"] == "production" and web["SEVA_PROXY_HOPS"] == "1"
    assert web["REDIS_URL"].startswith("redis://:${REDIS_PASSWORD:?}@")
    rasa = compose["services"]["rasa-1"]["environment"]
    assert rasa["SEVA_ENV"] == "production" and "${REDIS_PASSWORD:?}@" in rasa["REDIS_URL"]
    assert compose["services"]["actions"]["environment"]["ACTION_SERVER_TOKEN"] == "${ACTION_SERVER_TOKEN:?}"


def test_images_never_get_the_development_secrets_or_local_state():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", "var/", ".venv", ".venv-rasa", ".git"} <= ignored


def test_the_production_channels_are_whatsapp_and_the_csc_chat_and_no_rest():
    channels = yaml.safe_load((ROOT / "deploy" / "credentials.production.yml").read_text())
    assert set(channels) == {"bot.channels.whatsapp.WhatsAppInput", "bot.channels.csc.CscChatInput"}
    assert "rest" not in channels and "callback" not in channels


def test_rasa_reaches_redis_and_the_action_server_with_their_secrets():
    endpoints = yaml.safe_load((ROOT / "deploy" / "endpoints.production.yml").read_text())
    assert (
        endpoints["tracker_store"]["password"] == endpoints["lock_store"]["password"] == "${REDIS_PASSWORD}"
    )
    assert endpoints["action_endpoint"]["headers"]["Authorization"] == "Bearer ${ACTION_SERVER_TOKEN}"
