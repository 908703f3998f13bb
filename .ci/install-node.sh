#!/usr/bin/env bash
# Installs the Node.js the image ships (.node-version, the Dockerfile's NODE_VERSION) from the npm
# registry's node-linux-<arch> package, which carries the official binary and headers, into a
# cache, and prints its directory (bin/node, include/node). Nothing else is downloaded; a second
# run finds it there and only checks its version.
#
#   export PATH="$(bash .ci/install-node.sh)/bin:$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(tr -d ' v\n' <.node-version)
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-node: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
cache=${NODE_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/migrate-bot/node}
home="$cache/node-v$version-linux-$arch"

if [ "$("$home/bin/node" --version 2>/dev/null)" != "v$version" ]; then
  echo "== installing node v$version (npm package node-linux-$arch@$version)" >&2
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.install-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # npm pack checks the tarball against the registry's integrity hash.
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
  tar -xzf "$tmp"/node-linux-"$arch"-"$version".tgz -C "$tmp"
  [ "$("$tmp/package/bin/node" --version)" = "v$version" ] || {
    echo "install-node: the package's node is not v$version" >&2
    exit 1
  }
  rm -rf "$home"
  mv "$tmp/package" "$home"
fi
echo "$home"
