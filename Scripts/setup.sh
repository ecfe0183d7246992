#!/usr/bin/env bash
# Installs what Tongxin needs on a fresh Debian machine (idempotent; fast when all is there):
# protobuf-c (codec + compiler), Google's protoc (codegen and the independent wire check)
# with google/protobuf/descriptor.proto (libprotobuf-dev, for the schemas' custom options),
# libpq, PostgreSQL 15 with contrib (ltree), and the Python packages of the tooling.
set -euo pipefail

packages=(libprotobuf-c-dev protobuf-c-compiler protobuf-compiler libprotobuf-dev libpq-dev postgresql postgresql-contrib)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

py_missing=()
python3 -c "import google.protobuf" 2>/dev/null || py_missing+=(protobuf)
python3 -c "import jsonschema" 2>/dev/null || py_missing+=(jsonschema)
python3 -c "import yaml" 2>/dev/null || py_missing+=(pyyaml)
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "setup: pip installing ${py_missing[*]}"
  python3 -m pip install -q --disable-pip-version-check "${py_missing[@]}"
fi

command -v swift >/dev/null || { echo "setup: the Swift 6 toolchain is required (swift not on PATH)" >&2; exit 1; }
