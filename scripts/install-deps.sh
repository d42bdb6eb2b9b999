#!/usr/bin/env bash
# Installs exactly what package-lock.json says (used by `npm run podium` and CI).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
