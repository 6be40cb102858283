#!/usr/bin/env bash
# `make test`: every test tier on SQLite, then on a throwaway PostgreSQL cluster.
#
# Each tier × engine is its own pytest run, so each prints its own summary line. Every run
# happens even after one fails; the script ends with a tier × engine table and a closing
# "tests: N passed, N failed" line, and exits non-zero if any run failed. A tier with no
# tests yet (pytest exit 5) counts as passed.
#
# Environment: PG_PORT (default 55432, or a free port when that one is taken), TIER_TIMEOUT (seconds one run may take, default 1500),
# PYTHON (default .venv/bin/python).
set -u

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=${PYTHON:-.venv/bin/python}
TIERS=(unit integration e2e pwa)
ENGINES=(sqlite postgresql)
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${PG_PORT:-}" ]; then
  PG_PORT=55432
  if port_taken "$PG_PORT"; then  # e.g. a developer's own cluster: leave it alone
    PG_PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "port 55432 is taken; the throwaway PostgreSQL cluster uses $PG_PORT"
  fi
fi
PG_URL="postgresql+psycopg://app@127.0.0.1:${PG_PORT}/postgres"
TIER_TIMEOUT=${TIER_TIMEOUT:-1500}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ssgk-test.XXXXXX")
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/ssgk-pg.XXXXXX")  # separate: the postgres user must reach it
pg_running=""
started=$SECONDS
declare -A STATUS=()  # "tier engine" -> passed | failed
declare -A DETAIL=()  # "tier engine" -> what the table shows after the status
total_passed=0 total_failed=0 total_skipped=0 failed_runs=0

cleanup() {
  if [ -n "$pg_running" ]; then
    scripts/pg-cluster.sh stop "$PGDIR" || echo "could not stop PostgreSQL in $PGDIR" >&2
  fi
  rm -rf "$WORK" "$PGDIR"
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  if ! find tests/pwa -name 'test_*.py' -print -quit 2>/dev/null | grep -q .; then
    echo "chromium: not installed, and no browser tests need it yet"
    return
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "chromium is missing and the pwa tier needs it; install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
    return
  fi
  echo "installing Debian's chromium for the pwa tier..."
  apt-get update -qq >/dev/null \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || echo "installing chromium failed; the pwa tier will show why" >&2
}

start_postgres() {
  echo "starting a throwaway PostgreSQL cluster on 127.0.0.1:$PG_PORT..."
  if scripts/pg-cluster.sh start "$PGDIR" "$PG_PORT"; then
    pg_running=1
  else
    echo "PostgreSQL did not start; its log:" >&2
    tail -n 20 "$PGDIR/log" >&2 2>/dev/null
  fi
}

# Prints "passed failed skipped" from the closing line of a pytest log ("3 failed, 40 passed in 2s").
count_tests() {
  local line n word passed=0 failed=0 skipped=0
  line=$(sed 's/\x1b\[[0-9;]*m//g' "$1" | grep -E '^=+ .* in [0-9.]+s' | tail -n 1)
  while read -r n word; do
    case $word in
      passed) passed=$n ;;
      failed | error | errors) failed=$((failed + n)) ;;
      skipped) skipped=$n ;;
    esac
  done < <(grep -oE '[0-9]+ (passed|failed|errors?|skipped)' <<<"$line")
  echo "$passed $failed $skipped"
}

run_tier() {
  local tier=$1 engine=$2 key="$1 $2" log="$WORK/$1-$2.log" rc t0=$SECONDS
  local -a env_args color=()
  [ -t 1 ] && color=(--color=yes)
  echo
  echo "==================== $tier tests on $engine ===================="
  if [ "$engine" = postgresql ]; then
    if [ -z "$pg_running" ]; then
      echo "not run: PostgreSQL is not running"
      STATUS[$key]=failed DETAIL[$key]="(no server)"
      failed_runs=$((failed_runs + 1)) total_failed=$((total_failed + 1))
      return
    fi
    env_args=(TEST_DATABASE_URL="$PG_URL")
  else
    env_args=(-u TEST_DATABASE_URL)
  fi
  # SIGINT on timeout makes pytest print its summary and run fixture teardown.
  env "${env_args[@]}" timeout --foreground --signal=INT --kill-after=60 "$TIER_TIMEOUT" \
    "$PY" -m pytest "tests/$tier" "${color[@]}" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  local passed failed skipped
  read -r passed failed skipped < <(count_tests "$log")
  total_passed=$((total_passed + passed)) total_skipped=$((total_skipped + skipped))
  local took="$((SECONDS - t0))s"
  case $rc in
    0) STATUS[$key]=passed DETAIL[$key]="($passed, $took)" ;;
    5) echo "no tests in $tier ($engine): counted as passed"
       STATUS[$key]=passed DETAIL[$key]="(no tests)" ;;
    124) echo "$tier on $engine stopped after ${TIER_TIMEOUT}s" >&2
       STATUS[$key]=failed DETAIL[$key]="(timed out)" ;;
    *) STATUS[$key]=failed DETAIL[$key]="($failed of $((passed + failed + skipped)), $took)" ;;
  esac
  if [ "${STATUS[$key]}" = failed ]; then
    failed_runs=$((failed_runs + 1))
    # A run that failed without a failing test (crash, timeout) still counts as one failure.
    total_failed=$((total_failed + (failed > 0 ? failed : 1)))
  fi
}

print_table() {
  echo
  echo "==================== make test: results ===================="
  printf '%-12s' tier
  for engine in "${ENGINES[@]}"; do printf '  %-26s' "$engine"; done
  echo
  for tier in "${TIERS[@]}"; do
    printf '%-12s' "$tier"
    for engine in "${ENGINES[@]}"; do
      printf '  %-26s' "${STATUS[$tier $engine]:-not run} ${DETAIL[$tier $engine]:-}"
    done
    echo
  done
  local took=$((SECONDS - started))
  echo
  if [ "$failed_runs" -eq 0 ]; then
    echo "all $(( ${#TIERS[@]} * ${#ENGINES[@]} )) runs passed in $((took / 60))m $((took % 60))s"
  else
    echo "$failed_runs run(s) FAILED; took $((took / 60))m $((took % 60))s"
  fi
  echo "tests: $total_passed passed, $total_failed failed, $total_skipped skipped"
}

ensure_chromium
start_postgres
for engine in "${ENGINES[@]}"; do
  for tier in "${TIERS[@]}"; do
    run_tier "$tier" "$engine"
  done
done
print_table
[ "$failed_runs" -eq 0 ]
