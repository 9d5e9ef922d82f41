"""docker-compose.yml and the Dockerfile, checked by reading them (no Docker engine runs
in CI), plus the web health check run against a live server with the example settings."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "scheduler")
LONG_RUNNING = ("postgres", "redis", "web", "worker", "scheduler")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def example_env() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _eq, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def default_of(value: str) -> str:
    """The value compose uses when the variable is unset: ${NAME:-default} -> default."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value))


def test_the_services_are_the_database_redis_migrate_web_worker_and_scheduler(services):
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "scheduler"}


def test_one_image_is_built_once_and_shared(services):
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["migrate"]
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    for name in ("web", "worker", "scheduler"):
        assert services[name]["pull_policy"] == "never", name


def test_migrations_run_once_before_anything_of_the_portal_starts(services, dockerfile):
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("web", "worker", "scheduler"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["postgres"] == {"condition": "service_healthy"}, name
        assert depends["redis"] == {"condition": "service_healthy"}, name
    assert "migrate" not in dockerfile.split("CMD", 1)[1]


def test_long_running_services_restart_and_handle_signals(services, dockerfile):
    for name in LONG_RUNNING:
        assert services[name]["restart"] in ("unless-stopped", "always"), name
    for name in APP_SERVICES:
        assert services[name]["init"] is True, name  # an init as PID 1 forwards SIGTERM
        command = services[name].get("command")
        assert command is None or isinstance(command, list), name  # exec form, no shell
        assert "sh" not in (command or [])[:1], name
    cmd = re.search(r"^CMD (.+)$", dockerfile, re.MULTILINE).group(1)
    assert json.loads(cmd)[0] == "gunicorn"  # exec form: gunicorn gets the signal itself


def test_the_worker_and_scheduler_are_started_as_everywhere_else(services):
    assert services["worker"]["command"] == ["python", "manage.py", "run_worker"]
    assert services["scheduler"]["command"] == ["python", "manage.py", "run_scheduler"]
    makefile = (ROOT / "Makefile").read_text()
    assert '"worker=$(MANAGE) run_worker"' in makefile
    assert '"scheduler=$(MANAGE) run_scheduler"' in makefile
    scale_test = (ROOT / "tests/portal/test_scale_out.py").read_text()
    assert '"manage.py", "run_worker"]' in scale_test
    assert "sleep" not in json.dumps(services)


def test_health_checks_belong_to_each_service(services, dockerfile):
    assert "HEALTHCHECK" not in dockerfile  # no web check inherited by worker or scheduler
    assert services["postgres"]["healthcheck"]["test"][0] == "CMD-SHELL"
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "scripts/healthcheck.py"]
    assert services["worker"]["healthcheck"]["test"][:4] == [
        "CMD",
        "python",
        "manage.py",
        "queue_status",
    ]
    assert services["scheduler"]["healthcheck"] == {"disable": True}


def test_proxy_settings_match_the_published_ports(services):
    environment = services["web"]["environment"]
    behind_proxy = default_of(environment["BEHIND_TLS_PROXY"]).lower() == "true"
    for name, service in services.items():
        for mapping in service.get("ports", []):
            host_ip = default_of(mapping).split(":")[0]
            if behind_proxy:
                # Only the host's own proxy can reach it: X-Forwarded-Proto is trusted.
                assert host_ip == "127.0.0.1", (name, mapping)
    if behind_proxy:
        assert int(default_of(environment["PROXY_COUNT"])) >= 1
    assert {name for name, s in services.items() if s.get("ports")} == {"web"}


def test_the_image_holds_no_development_tools_and_no_tests(dockerfile):
    installs = re.findall(r"pip install[^\n]*", dockerfile)
    assert installs == ["pip install --no-cache-dir --require-hashes -r requirements.lock"]
    assert "requirements-dev.lock" not in dockerfile and "[dev]" not in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in ("tests", "bench", "requirements-dev.lock", ".venv", ".env", "*.sqlite3"):
        assert path in ignored, path
    production = (ROOT / "requirements.lock").read_text()
    for tool in ("pytest", "playwright", "hypothesis", "ruff", "moto", "schemathesis", "mypy"):
        assert not re.search(rf"^{tool}[=\[-]", production, re.MULTILINE), tool


def test_every_environment_variable_compose_passes_is_documented(services):
    readme = (ROOT / "README.md").read_text() + (ROOT / "docs/operations.md").read_text()
    names = set()
    for name in APP_SERVICES:
        names |= set(services[name]["environment"])
    for name in names:
        assert f"`{name}`" in readme, name


def load_healthcheck():
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "scripts/healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_health_check_picks_a_host_the_portal_serves():
    served_host = load_healthcheck().served_host
    assert served_host("portal.example.com,www.example.com") == "portal.example.com"
    assert served_host(" .example.com") == "example.com"
    assert served_host("*,portal.example.com") == "portal.example.com"
    assert served_host("") == "localhost"


@pytest.mark.django_db(transaction=True)
def test_the_web_health_check_passes_with_the_example_settings(live_server, settings):
    hosts = example_env()["ALLOWED_HOSTS"]
    settings.ALLOWED_HOSTS = hosts.split(",")
    settings.SECURE_SSL_REDIRECT = True  # production: /healthz is exempt
    port = live_server.url.rsplit(":", 1)[1]

    def check(allowed_hosts: str) -> int:
        return subprocess.run(  # noqa: S603 (our own script)
            [sys.executable, str(ROOT / "scripts/healthcheck.py")],
            env={"ALLOWED_HOSTS": allowed_hosts, "PORT": port},
            capture_output=True,
            timeout=30,
        ).returncode

    assert check(hosts) == 0
    assert check("not-served.example.org") == 1  # Django refuses that Host: 400
