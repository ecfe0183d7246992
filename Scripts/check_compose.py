#!/usr/bin/env python3
"""Validates docker-compose.yml against the Compose specification's JSON schema.

There is no Docker engine on the build machines, so the file is checked, not run: the
schema (Tests/Fixtures/compose-spec.json, from the compose-spec project) plus the
project's own expectations: every service executable of Package.swift has a compose
service, and each service gets its database URL and secrets from the environment.
"""
import json
import os
import re
import sys

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    with open(os.path.join(ROOT, "Tests/Fixtures/compose-spec.json")) as fh:
        schema = json.load(fh)
    with open(os.path.join(ROOT, "docker-compose.yml")) as fh:
        compose = yaml.safe_load(fh)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path))
    problems = [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors]

    with open(os.path.join(ROOT, "Package.swift")) as fh:
        executables = re.findall(r'\.executable\(name: "tongxin-(\w+)"', fh.read())
    services = compose.get("services", {})
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
