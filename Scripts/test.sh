#!/usr/bin/env bash
# The test command: every test, against a real PostgreSQL this script starts itself.
#
#   Scripts/test.sh [extra swift test arguments, e.g. --filter MembershipTests]
#
# 1. installs what is missing (Scripts/setup.sh)
# 2. fails if the generated code does not match Schemas/ (Scripts/generate.py --check), and
#    tests the generator's refusals (Scripts/test_generate.py)
# 3. validates docker-compose.yml against the Compose specification
# 4. starts a throwaway PostgreSQL cluster under .tongxin/test (port 55433 by default)
# 5. builds and runs all Swift tests (unit and integration); stops the cluster on exit
# 6. checks docs/operations.md's configuration reference against the variables the code
#    reads (Scripts/check_docs.py), and that every tongxinctl command line in the docs
#    parses (Scripts/check_docs_cli.py, after the build); installs the systemd units into a
#    staging tree and verifies them (Scripts/check_systemd.py: systemd-analyze verify plus
#    the structure: hardening, root-only environment files, least credentials)
# 7. runs the restore drill (Scripts/restore_drill.sh: fill, back up, restore into a new
#    cluster, serve from it, verify); skipped when extra arguments select tests, or with
#    TONGXIN_SKIP_RESTORE_DRILL=1
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo"

Scripts/setup.sh
# Tests open thousands of sockets in one process (both ends of each connection): lift the
# soft open-file limit to the hard one, and say what it is, for a CI log to show.
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
echo "open-file limit: $(ulimit -Sn) (hard $(ulimit -Hn))"
python3 Scripts/generate.py --check
python3 Scripts/test_generate.py
python3 Scripts/check_compose.py
python3 Scripts/check_docs.py

export TONGXIN_PGDATA="$repo/.tongxin/test/pgdata"
export TONGXIN_PGPORT="${TONGXIN_TEST_PGPORT:-55433}"
export TONGXIN_PG_SUPERPASS="${TONGXIN_PG_SUPERPASS:-tongxin-test}"
Scripts/postgres.sh start
trap 'Scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT
export TONGXIN_TEST_DATABASE_URL="$(Scripts/postgres.sh url)"

swift build --build-tests
python3 Scripts/check_docs_cli.py "$(swift build --show-bin-path)"
python3 Scripts/check_systemd.py "$(swift build --show-bin-path)"
swift test --skip-build "$@"

if [[ $# -eq 0 && "${TONGXIN_SKIP_RESTORE_DRILL:-}" != 1 ]]; then
  TONGXIN_PG_NOSYNC=1 TONGXIN_DRILL_BIN="$(swift build --show-bin-path)" Scripts/restore_drill.sh
else
  echo "restore drill skipped (run it with Scripts/restore_drill.sh)"
fi
