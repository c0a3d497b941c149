#!/usr/bin/env bash
# The whole test suite: installs what it needs, runs on SQLite, then on
# PostgreSQL (mandatory when CI=true, otherwise when a server answers).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# The browser tests drive Debian's chromium (Playwright's own download cannot
# reach its servers here); install it when missing and we may.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "== chromium missing and not root: browser tests will be skipped (apt-get install chromium)"
  fi
fi

PG_URL=${PARTYFLOW_PG_URL:-postgres://postgres@127.0.0.1:5432/partyflow}

run_pytest() {
  # pytest exits 5 when it collected nothing: that is a failure here too.
  set +e
  .venv/bin/python -m pytest "$@"
  local rc=$?
  set -e
  if [ "$rc" -eq 5 ]; then echo "pytest collected no tests" >&2; return 1; fi
  return "$rc"
}

.venv/bin/python manage.py makemigrations --check --dry-run --settings=core.settings.test >/dev/null
.venv/bin/ruff check --quiet .

echo "== tests on SQLite"
run_pytest -q "$@"

if .venv/bin/python - "$PG_URL" <<'PY'
import sys, psycopg
url = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(url, connect_timeout=3).close()
except Exception as error:
    print(f"PostgreSQL not reachable at {url}: {error}", file=sys.stderr)
    sys.exit(1)
PY
then
  echo "== tests on PostgreSQL ($PG_URL)"
  PARTYFLOW_TEST_DATABASE_URL=$PG_URL run_pytest -q --create-db "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required on CI" >&2
  exit 1
else
  echo "== PostgreSQL not reachable: skipped its run (see README)"
fi
