#!/usr/bin/env bash
# Everything CI runs, in order: Debian prerequisites, type-check + unit tests, then the lab (real
# systemd-nspawn hosts over SSH) for the integration and end-to-end tests, and the lab down again even
# when they fail.
# Needs root (the lab does). LAB_HOSTS (default 34: the CI cluster on lab-1..7 plus the day-2 suites' own hosts up to lab-34) sizes the lab; TSPLAY_KEEP_LAB=1 leaves it up.
set -euo pipefail
cd "$(dirname "$0")/.."

ms() { date +%s%3N; }
secs() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
total=$(ms)
declare -a timings=()
# step NAME CMD...: run a step, print and remember how long it took (a failing step still reports).
step() {
  local name=$1 t rc=0
  shift
  echo "== $name"
  t=$(ms)
  "$@" || rc=$?
  local took
  took=$(secs $(($(ms) - t)))
  timings+=("$(printf '%-32s %6s s%s' "$name" "$took" "$([ $rc -eq 0 ] || echo "  (failed, exit $rc)")")")
  echo "== $name: $took s"
  return $rc
}

summary() {
  local rc=$?
  if [ "${lab_up:-0}" = 1 ] && [ "${TSPLAY_KEEP_LAB:-0}" != 1 ]; then step "lab down" node lib/cli/bin.js lab down || rc=$((rc ? rc : 1)); fi
  echo "== timings"
  printf '  %s\n' "${timings[@]}"
  printf '  %-32s %6s s\n' total "$(secs $(($(ms) - total)))"
  exit $rc
}
trap summary EXIT

need=()
command -v openssl >/dev/null || need+=(openssl)
command -v ssh >/dev/null || need+=(openssh-client)
command -v kubectl >/dev/null || need+=(kubernetes-client)
command -v dpkg-deb >/dev/null || need+=(dpkg)
command -v chromium >/dev/null || need+=(chromium)
if ((${#need[@]})); then
  echo "== installing Debian packages: ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

step "type-check and unit tests" npm test

# From here on the EXIT trap brings the lab down, also when `lab up` itself fails half way.
lab_up=1
# Fresh hosts every time: a lab left converged by earlier work (another PKI, running services) is not CI's start.
step "lab down (fresh hosts)" node lib/cli/bin.js lab down
step "lab up (${LAB_HOSTS:-34} hosts)" node lib/cli/bin.js lab up --hosts "${LAB_HOSTS:-34}"

# The lab suites' configs name no files (so that `mocha --config ... one.test.ts` runs just that file): the glob is here.
# TSPLAY_LAB_REQUIRED: a missing lab host fails the suites instead of skipping them.
step "integration tests (real SSH)" env TSPLAY_LAB_REQUIRED=1 npx mocha --no-package --config test/integration/mocharc.json 'test/integration/**/*.test.ts'

step "end-to-end tests (tsplay CLI on the lab)" env TSPLAY_LAB_REQUIRED=1 npx mocha --no-package --config test/e2e/mocharc.json 'test/e2e/**/*.test.ts'

# The fault suite (test/fault): controller kills, concurrent runs, hostile values, secret scans, on three of
# the hosts e2e just used (TSPLAY_FAULT_HOSTS); it prints its counts and restores those hosts' sample app.
step "fault suite (kills, races, hostile input, secrets)" env TSPLAY_LAB_REQUIRED=1 npx mocha --no-package --config test/fault/mocharc.json 'test/fault/**/*.fault.ts'
