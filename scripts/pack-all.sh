#!/usr/bin/env bash
# Builds the workspace and packs every public package (each package.json without "private": true under
# packages/ and bench/) into one folder of tarballs, default ./tarballs. Install them into any project
# with plain npm:  npm install /path/to/tarballs/*.tgz
# Usage: pnpm pack:all [DIR]   (or: bash scripts/pack-all.sh [DIR]; SKIP_BUILD=1 skips the build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/tarballs}"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
cd "$root"
# pnpm 10 as installed, else through npx (as .ci/run does).
if ! command -v pnpm >/dev/null 2>&1 || ! pnpm --version 2>/dev/null | grep -q '^10\.'; then
  pnpm() { npx -y pnpm@10 "$@"; }
fi
if [ "${SKIP_BUILD:-}" != 1 ]; then
  # Only what is packed (and what it depends on): the apps and the reliability scripts are not needed.
  pnpm exec turbo run build --filter='./packages/*' --filter=./bench --output-logs=errors-only >&2
fi
rm -f "$dest"/*.tgz
count=0
for manifest in packages/*/package.json bench/package.json; do
  dir="$(dirname "$manifest")"
  if node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).private ? 0 : 1)' "$manifest"; then
    continue
  fi
  # pnpm pack rewrites workspace: ranges into real versions, as publish does.
  (cd "$dir" && pnpm pack --pack-destination "$dest" >/dev/null)
  count=$((count + 1))
done
echo "packed $count packages into $dest:"
ls -1 "$dest"
