#!/usr/bin/env python3
"""Validates docker-compose.yml against the Compose specification's JSON schema.

There is no Docker engine on the build machines, so the file is checked, not run: the
schema (Tests/Fixtures/compose-spec.json, from the compose-spec project) plus the
project's own expectations: every service executable of Package.swift has a compose
service, each service gets its database URL and secrets from the environment, every
TONGXIN_* variable the file sets is one the code reads (the same reader as
Scripts/check_docs.py), every published port is the port the service is told to listen on
(its TONGXIN_<SERVICE>_PORT or _METRICS_PORT), and the Dockerfile's Swift image is at least
Package.swift's swift-tools-version.
"""
import json
import os
import re
import sys

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Scripts"))
from check_docs import code_variables  # noqa: E402


def read_variables():
    """The variables the code reads, with TONGXIN_<SERVICE>_X expanded per service."""
    names, _ = code_variables()
    return set(names)


def variable_is_read(var, service, known):
    if var in known:
        return True
    prefix = f"TONGXIN_{service.upper()}_"
    return var.startswith(prefix) and f"TONGXIN_<SERVICE>_{var[len(prefix):]}" in known


def check_dockerfile(problems):
    with open(os.path.join(ROOT, "Package.swift")) as fh:
        tools = re.search(r"swift-tools-version:\s*(\d+)\.(\d+)", fh.read())
    with open(os.path.join(ROOT, "Dockerfile")) as fh:
        dockerfile = fh.read()
    image = re.search(r"^FROM swift:(\d+)\.(\d+)", dockerfile, re.M)
    if not (tools and image):
        problems.append("Dockerfile: no `FROM swift:X.Y` build stage, or no swift-tools-version")
    elif tuple(map(int, image.groups())) < tuple(map(int, tools.groups())):
        problems.append(f"Dockerfile: swift:{'.'.join(image.groups())} is older than Package.swift's "
                        f"swift-tools-version {'.'.join(tools.groups())}")
    if re.search(r"swift build[^\n]*(\\\n[^\n]*)*\|\| true", dockerfile):
        problems.append("Dockerfile: `|| true` would hide a failed swift build")


def main():
    with open(os.path.join(ROOT, "Tests/Fixtures/compose-spec.json")) as fh:
        schema = json.load(fh)
    with open(os.path.join(ROOT, "docker-compose.yml")) as fh:
        text = fh.read()
    compose = yaml.safe_load(text)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path))
    problems = [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors]

    with open(os.path.join(ROOT, "Package.swift")) as fh:
        executables = re.findall(r'\.executable\(name: "tongxin-(\w+)"', fh.read())
    services = compose.get("services", {})
    # An unset secret must stop `docker compose up`, not become an empty password.
    for bare in sorted(set(re.findall(r"\$\{(TONGXIN_[A-Z0-9_]+|POSTGRES_[A-Z0-9_]+)\}", text))):
        problems.append(f"docker-compose.yml: ${{{bare}}} has neither a default nor :? (an unset value would be empty)")
    gateway_needs = set((services.get("gateway", {}).get("depends_on") or {}))
    for name in executables:
        if name not in ("gateway", "bench", "fuzz") and name not in gateway_needs:
            problems.append(f"services/gateway/depends_on: {name} is missing (the gateway routes to it)")
    known = read_variables()
    check_dockerfile(problems)
    for service_name, service in services.items():
        env = service.get("environment", {}) or {}
        base = service_name.removesuffix("-migrate")
        for var in env:
            if var.startswith("TONGXIN_") and not variable_is_read(var, base, known):
                problems.append(f"services/{service_name}/environment: {var} is set but no code reads it")
        listening = {str(env[v]) for v in env if re.fullmatch(r"TONGXIN_[A-Z]+_(METRICS_)?PORT", v)}
        for mapping in service.get("ports", []) or []:
            container = str(mapping).rsplit(":", 1)[-1].split("/")[0]
            if base in executables and container not in listening:
                problems.append(f"services/{service_name}/ports: {mapping} publishes {container}, "
                                f"which is not a port the service is told to listen on ({sorted(listening)})")
    for name in executables:
        if name in ("bench", "fuzz"):
            continue
        if name not in services:
            problems.append(f"services: no service for the executable tongxin-{name}")
            continue
        env = services[name].get("environment", {})
        for var in (f"TONGXIN_{name.upper()}_DATABASE_URL", "TONGXIN_AUTH_SECRET"):
            if var not in env:
                problems.append(f"services/{name}/environment: {var} is missing")
        # The serving container holds only its _svc URL; a one-shot migrate job with the
        # owner URLs runs first (`tongxin-<name> migrate`).
        for var in env:
            if var.endswith("OWNER_DATABASE_URL"):
                problems.append(f"services/{name}/environment: {var} must not reach a serving container")
        migrate = services.get(f"{name}-migrate")
        if migrate is None or migrate.get("command") != ["migrate"]:
            problems.append(f"services: no one-shot {name}-migrate job running `migrate`")
        elif (services[name].get("depends_on", {}).get(f"{name}-migrate", {}).get("condition")
              != "service_completed_successfully"):
            problems.append(f"services/{name}/depends_on: {name}-migrate must complete successfully first")
    if problems:
        print("docker-compose.yml is not valid:")
        print("\n".join("  " + p for p in problems))
        sys.exit(1)
    print(f"docker-compose.yml is valid ({len(services)} services)")


if __name__ == "__main__":
    main()
