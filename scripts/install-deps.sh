#!/usr/bin/env bash
# Installs the dependencies from package-lock.json (used by `npm run podium` and CI).
set -euo pipefail
cd "$(dirname "$0")/.."

# This machine's npm mirror lacks the other platforms' optional binaries (@swc/core-darwin-*
# and the like), and npm 11's `npm ci` then calls the lockfile out of sync. In that case only,
# install from the same lockfile with `npm install` (it resolves the same versions and skips
# the absent optionals); any other failure still stops CI.
if ! npm ci --no-audit --no-fund 2>ci-npm.log; then
  if grep -q "Missing: .* from lock file" ci-npm.log; then
    echo "npm ci: the mirror lacks optional platform packages; installing from the lockfile with npm install"
    npm install --no-audit --no-fund --no-save
  else
    cat ci-npm.log >&2
    exit 1
  fi
fi
rm -f ci-npm.log
