#!/usr/bin/env bash
# The one test command (README "Run all tests"; .ci/run calls exactly this):
# install npm dependencies, provision the real components the tests use (Redis, Temporal dev server,
# Chromium, code-server), build, lint, typecheck, run every vitest test, then the VS Code e2e suite
# and the .vsix smoke test.
#
# usage: bash scripts/test.sh
#   WEFT_NPM_CI=1      force `npm ci` even when node_modules already matches package-lock.json
#   any arguments are passed to vitest (e.g. a path filter)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

# Strict by default: provisioning below installs every component, so a missing one is a failure.
export CI="${CI:-true}"
export NO_COLOR=1 FORCE_COLOR=0 TERM="${TERM:-dumb}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_progress=false

T0=$(date +%s)
step() { printf '\n=== %s (+%ss)\n' "$*" "$(($(date +%s) - T0))"; }

# ------------------------------------------------------------------ dependencies
step "npm ci"
if [ "${WEFT_NPM_CI:-}" != 1 ] && [ -f node_modules/.package-lock.json ] &&
  [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  # a fresh clone (CI) has no node_modules and always installs; a working tree whose install is
  # at least as new as the lockfile is left alone (npm ci would delete and re-create node_modules)
  echo "node_modules is up to date with package-lock.json; skipping npm ci (WEFT_NPM_CI=1 forces it)"
elif ! npm ci; then
  # The registry reachable here lacks some platform-only optional packages that the lockfile's
  # packages name (e.g. @biomejs/cli-darwin-x64), so npm leaves them out of package-lock.json and
  # `npm ci` then refuses the lockfile as out of sync. `npm install` installs the same locked versions.
  echo "npm ci refused the lockfile; installing with npm install (same locked versions)"
  npm install
fi

step "provision"
bash scripts/provision.sh
# binary paths for every test process (services.ts reads the file too; the e2e runner may not)
set -a
# shellcheck disable=SC1091
. "$ROOT/.cache/services.env"
set +a

# ------------------------------------------------------------------ checks
step "build"
npm run build

step "lint"
npm run lint

step "typecheck"
npm run typecheck

# ------------------------------------------------------------------ tests
mkdir -p artifacts
step "vitest"
vitest_rc=0
npx vitest run --reporter=default --reporter=json --outputFile.json=artifacts/vitest.json "$@" || vitest_rc=$?

e2e_line=""
e2e_rc=0
if node -e 'process.exit(require("./extension/package.json").scripts?.["test:e2e"] ? 0 : 1)' 2>/dev/null; then
  step "extension e2e (real VS Code via code-server)"
  npm run test:e2e -w extension || e2e_rc=$?
  if [ "$e2e_rc" = 0 ]; then e2e_line="extension e2e: passed"; else e2e_line="extension e2e: FAILED (exit $e2e_rc)"; fi
else
  e2e_line="extension e2e: not present yet (no test:e2e script in extension/package.json)"
fi

# the packaged .vsix, installed into a clean VS Code (fresh extensions/user dirs, workspace trust on)
vsix_rc=0
step "extension .vsix smoke (clean VS Code, restricted then trusted)"
npm run test:vsix -w extension || vsix_rc=$?
if [ "$vsix_rc" = 0 ]; then vsix_line="extension .vsix smoke: passed"; else vsix_line="extension .vsix smoke: FAILED (exit $vsix_rc)"; fi

# ------------------------------------------------------------------ summary (last lines of the run)
step "summary"
echo "$e2e_line"
echo "$vsix_line"
echo "total time: $(($(date +%s) - T0))s"
node -e '
  const fs = require("fs");
  let r;
  try { r = JSON.parse(fs.readFileSync("artifacts/vitest.json", "utf8")); }
  catch { console.log("vitest: no JSON report (vitest could not run)"); process.exit(0); }
  const files = r.testResults ?? [];
  const badFiles = files.filter((f) => f.status === "failed");
  for (const f of badFiles) {
    console.log(`FAILED ${f.name.replace(process.cwd() + "/", "")}${f.message ? ": " + f.message.split("\n")[0] : ""}`);
    for (const a of f.assertionResults ?? []) if (a.status === "failed") console.log(`  x ${a.fullName}`);
  }
  console.log(`Test Files ${files.length - badFiles.length} passed, ${badFiles.length} failed (${files.length})`);
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
'
if [ "$vitest_rc" != 0 ]; then
  echo "vitest exited $vitest_rc (failed tests, or errors outside tests such as an unhandled rejection: see its report above)"
fi
if [ "$vitest_rc" != 0 ] || [ "$e2e_rc" != 0 ] || [ "$vsix_rc" != 0 ]; then
  exit 1
fi
