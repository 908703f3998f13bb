#!/usr/bin/env bash
# Installs node_modules for CI: from a cache when an earlier run installed exactly these
# dependencies with this Node release on this architecture, otherwise with `npm ci` (then caches
# the result). A cold `npm ci` on Node 26 builds better-sqlite3 from source (minutes on 2 cores);
# a restore is a tar extract.
#
# The key: the lockfile, the dependency fields of package.json (npm ci checks they agree with the
# lockfile; a restore must not skip that), `node --version` (the native addon's ABI) and the
# architecture. Any difference is a miss. A restored tree that fails `npm ls` or cannot load
# better-sqlite3 is thrown away and installed by `npm ci`. MIGRATE_BOT_CI_CACHE=off skips the cache.
#
#   bash .ci/node-modules.sh     (from the repository's root, with the Node to test on first in PATH)
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${MIGRATE_BOT_CI_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/migrate-bot-ci}
key=$(
  {
    cat package-lock.json
    node -e '
      const p = require("./package.json");
      const fields = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies",
        "overrides", "bundleDependencies", "allowScripts"];
      console.log(JSON.stringify(fields.map((f) => [f, p[f] ?? null])));'
    node --version
    uname -m
  } | sha256sum | cut -c1-32
)
if command -v zstd >/dev/null 2>&1; then ext=tar.zst; pack=(zstd -q -1 -T0); unpack=(zstd -q -d -c); else
  ext=tar; pack=(cat); unpack=(cat); fi
archive="$cache/node_modules-$key.$ext"

# The tree works on this Node: every locked package present, and the native addon loads.
usable() {
  npm ls --all >/dev/null 2>&1 &&
    node -e 'new (require("better-sqlite3"))(":memory:").prepare("select 1").get()' >/dev/null 2>&1
}

if [ "${MIGRATE_BOT_CI_CACHE:-on}" != off ] && [ -f "$archive" ]; then
  echo "== node_modules from the CI cache ($archive)"
  rm -rf node_modules
  if "${unpack[@]}" "$archive" | tar -xf - && usable; then
    touch "$archive" # most recently used: kept by the pruning below
    exit 0
  fi
  echo "== the cached node_modules did not restore or load; installing with npm ci"
  rm -rf node_modules "$archive"
fi

echo "== npm ci"
npm ci --no-audit --no-fund

# Packed before any test runs (vitest keeps its own cache under node_modules/.vite), through a
# temporary file renamed into place, so a concurrent or killed run never leaves half an archive.
save() {
  mkdir -p "$cache" || return 1
  local tmp
  tmp=$(mktemp "$cache/.node_modules-XXXXXX") || return 1
  if tar -cf - node_modules | "${pack[@]}" >"$tmp" && mv -f "$tmp" "$archive"; then
    echo "== cached node_modules as $archive ($(du -h "$archive" | cut -f1))"
  else
    rm -f "$tmp"
    return 1
  fi
  # Keep the three most recently used archives (one per lockfile the runs switch between).
  # (`|| true`: with pipefail, an ls that finds nothing would end the run.)
  ls -t "$cache"/node_modules-* 2>/dev/null | tail -n +4 | xargs -r rm -f || true
}

if [ "${MIGRATE_BOT_CI_CACHE:-on}" != off ]; then
  # A cache that cannot be written (read-only home, full disk) costs the next run time, not this one.
  save || echo "== could not cache node_modules (the run goes on)"
fi
