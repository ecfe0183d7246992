#!/usr/bin/env python3
"""Checks the systemd deployment (run by Scripts/test.sh after the build).

    Scripts/check_systemd.py BIN_DIR

Installs into a staging tree with `Scripts/install_systemd.sh --root TMP --bin BIN_DIR`
(no user, no database, no running systemd needed), then:

1. `systemd-analyze verify --root=TMP` on every installed unit (the migrate unit, the target
   and one tongxin@<service> instance per executable): any complaint fails — an unknown or
   misspelt directive, an ExecStart that is not an executable, a dependency that does not
   exist. Skipped, with a note, where systemd-analyze is not installed.
2. A structural check that holds with or without systemd: every service runs as the
   dedicated user with Restart=on-failure, NoNewPrivileges=yes and ProtectSystem=strict,
   after and requiring the migrate unit; the environment files are root-only (0600, in a
   0700 directory); a serving process's files hold no owner or superuser URL and no other
   service's database URL; only the gateway's holds the signing key; every variable written
   into an environment file is one the code reads (Scripts/check_docs.py's reader list);
   every service executable of Package.swift is installed and enabled.
"""
import os
import pathlib
import re
import shutil
import stat
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Scripts"))
from check_docs import code_variables  # noqa: E402

SERVICE_DIRECTIVES = {
    "User": "tongxin",
    "Restart": "on-failure",
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "Requires": "tongxin-migrate.service",
}


def directives(path):
    """[section] -> {key: [values]} of a unit file."""
    result, section = {}, None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            result.setdefault(section, {})
            continue
        key, _, value = line.partition("=")
        result[section].setdefault(key.strip(), []).append(value.strip())
    return result


def env_file(path):
    values = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    bin_dir = pathlib.Path(sys.argv[1])
    problems = []
    executables = re.findall(r'\.executable\(name: "tongxin-(\w+)"', (ROOT / "Package.swift").read_text())
    services = [name for name in executables if name not in ("bench", "fuzz")]

    with tempfile.TemporaryDirectory(prefix="tongxin-systemd-") as tmp:
        stage = pathlib.Path(tmp)
        run = subprocess.run(
            [str(ROOT / "Scripts/install_systemd.sh"), "--root", str(stage), "--bin", str(bin_dir)],
            capture_output=True, text=True)
        if run.returncode != 0:
            print(f"check_systemd: install_systemd.sh --root failed:\n{run.stdout}{run.stderr}")
            return 1
        units = stage / "etc/systemd/system"
        etc = stage / "etc/tongxin"

        # 1. systemd's own verdict.
        analyze = shutil.which("systemd-analyze")
        instances = [f"tongxin@{name}.service" for name in services]
        if analyze:
            # verify resolves the default dependencies (sysinit.target, …) inside --root.
            for system_dir in ("/usr/lib/systemd/system", "/lib/systemd/system"):
                if os.path.isdir(system_dir):
                    shutil.copytree(system_dir, stage / "usr/lib/systemd/system", symlinks=True, dirs_exist_ok=True)
                    break
            for unit in ["tongxin-migrate.service", "tongxin.target"] + instances:
                # systemd-analyze verify --root resolves ExecStart inside the tree, so psql and
                # the executables are checked where the units will find them.
                result = subprocess.run(
                    [analyze, "verify", "--man=no", f"--root={stage}", f"/etc/systemd/system/{unit}"],
                    capture_output=True, text=True)
                output = (result.stdout + result.stderr).strip()
                if result.returncode != 0 or output:
                    problems.append(f"systemd-analyze verify {unit}: {output or f'exit {result.returncode}'}")
        else:
            print("check_systemd: systemd-analyze not installed; structural checks only")

        # 2. Structure.
        template = directives(units / "tongxin@.service")
        for key, value in SERVICE_DIRECTIVES.items():
            if value not in template.get("Service", {}).get(key, []) + template.get("Unit", {}).get(key, []):
                problems.append(f"tongxin@.service: {key}={value} is missing")
        if "tongxin-migrate.service" not in " ".join(template.get("Unit", {}).get("After", [])):
            problems.append("tongxin@.service: not ordered After=tongxin-migrate.service")
        migrate = directives(units / "tongxin-migrate.service")
        for key, value in [("Type", "oneshot"), ("User", "tongxin"), ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict")]:
            if value not in migrate.get("Service", {}).get(key, []):
                problems.append(f"tongxin-migrate.service: {key}={value} is missing")

        mode = stat.S_IMODE(etc.stat().st_mode)
        if mode & 0o077:
            problems.append(f"/etc/tongxin is mode {oct(mode)}, not 0700")
        read_by_code, _ = code_variables()
        for name in services:
            if not (stage / f"opt/tongxin/bin/tongxin-{name}").is_file():
                problems.append(f"tongxin-{name} was not installed")
            wants = units / "tongxin.target.wants" / f"tongxin@{name}.service"
            if shutil.which("systemctl") and not wants.is_symlink():
                problems.append(f"tongxin@{name}.service is not enabled (no {wants.relative_to(stage)})")
        for path in sorted(etc.glob("*.env")):
            file_mode = stat.S_IMODE(path.stat().st_mode)
            if file_mode != 0o600:
                problems.append(f"{path.name} is mode {oct(file_mode)}, not 0600")
            values = env_file(path)
            service = path.stem
            for key in values:
                if key.startswith("TONGXIN_DB_PASSWORD_") or key == "TONGXIN_PG_SUPERPASS":
                    if path.name != "secrets.env":
                        problems.append(f"{path.name}: {key} belongs in secrets.env only")
                    continue
                generic = re.sub(r"^TONGXIN_(MEMBERSHIP|AGENDA|SESSION|SUPERVISION|GATEWAY)_(PORT|METRICS_PORT|DATABASE_URL|OWNER_DATABASE_URL)$",
                                 r"TONGXIN_<SERVICE>_\2", key)
                if path.name != "secrets.env" and key not in read_by_code and generic not in read_by_code:
                    problems.append(f"{path.name}: {key} is not read by the code")
            if service in services:
                for key, value in values.items():
                    if "OWNER_DATABASE_URL" in key or "SUPERUSER" in key or value.startswith("postgres://postgres:"):
                        problems.append(f"{path.name}: a serving process must not get {key}")
                    if key.endswith("_DATABASE_URL") and key != f"TONGXIN_{service.upper()}_DATABASE_URL":
                        problems.append(f"{path.name}: {key} is another service's database URL")
                    if key == "TONGXIN_GATEWAY_SIGNING_KEY" and service != "gateway":
                        problems.append(f"{path.name}: only the gateway gets the signing key")
                own = f"TONGXIN_{service.upper()}_DATABASE_URL"
                if not values.get(own, "").startswith(f"postgres://{service}_svc:"):
                    problems.append(f"{path.name}: {own} is not the {service}_svc role's URL")
            elif path.name == "common.env":
                for key in values:
                    if "DATABASE_URL" in key or key == "TONGXIN_GATEWAY_SIGNING_KEY":
                        problems.append(f"common.env: {key} must not reach every process")

    for problem in problems:
        print(f"check_systemd: {problem}")
    if not problems:
        print(f"systemd units verified ({'systemd-analyze and ' if analyze else ''}structure): {', '.join(services)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
