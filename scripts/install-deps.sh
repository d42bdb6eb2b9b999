#!/usr/bin/env bash
# Installs exactly what package-lock.json says (used by `npm run podium` and CI).
#
# `npm ci` always deletes node_modules and reinstalls (1-2 minutes), so it is skipped when
# node_modules was installed by this script from the same package.json + package-lock.json,
# with the same Node version and platform: a stamp holding their hash is written after every
# successful install (and npm ci deletes it with node_modules before the next). CI (CI=true),
# a fresh clone, a changed lockfile or PODIUM_FORCE_INSTALL=1 always install from scratch.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.podium-install-stamp
# Hashed with Node (already required) rather than sha256sum/shasum, which differ across systems.
wanted=$(node -e '
  const { createHash } = require("node:crypto");
  const { readFileSync } = require("node:fs");
  const hash = createHash("sha256");
  for (const file of ["package.json", "package-lock.json"]) hash.update(readFileSync(file));
  process.stdout.write(`${hash.digest("hex")} node ${process.version} ${process.platform}-${process.arch}`);
')

if [[ "${CI:-}" != "true" && "${CI:-}" != "1" && "${PODIUM_FORCE_INSTALL:-}" != "1" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  echo "install-deps: node_modules already matches package-lock.json; skipping npm ci (PODIUM_FORCE_INSTALL=1 to reinstall)"
  exit 0
fi

npm ci --no-audit --no-fund
printf '%s' "$wanted" > "$stamp"
