#!/usr/bin/env bash
# Builds the release image with its OCI labels and writes its SBOM (CycloneDX) beside it.
#
#   npm run release:image                          # migrate-bot:<version>, SBOM in release/
#   npm run release:image -- --tag reg.example/migrate-bot:0.2.0
#   npm run release:image -- --dry-run             # prints the docker commands, builds nothing
#   npm run release:image -- --sbom-only <image>   # the SBOM of an image built already
#
# Labels: version and licence from package.json, revision = `git rev-parse HEAD`, source =
# MIGRATE_BOT_SOURCE or the origin remote (without any credentials in it), created = now (UTC).
# The revision also goes in as the build argument MIGRATE_BOT_REVISION, which the image keeps in
# its environment: the running bot names it in its start-up line and build_info gauge.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }
fail() { echo "release:image: $*" >&2; exit 1; }

dry_run=0
tag=""
sbom_only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --sbom-only) [ $# -ge 2 ] || fail "--sbom-only needs an image name"; sbom_only=$2; shift ;;
    --tag) [ $# -ge 2 ] || fail "--tag needs an image name"; tag=$2; shift ;;
    --tag=*) tag=${1#--tag=} ;;
    -h | --help) usage; exit 0 ;;
    *) fail "unknown argument '$1' (see --help)" ;;
  esac
  shift
done

version=$(node -p 'require("./package.json").version')
out=${RELEASE_DIR:-release}

# The SBOM lists what the image itself holds: `npm sbom` runs inside it, on its /app/node_modules
# (what its `npm ci` and `npm prune --omit=dev` left, built for its platform), not on this
# machine's tree, which may differ (another platform's optional binaries, a stale install).
# No network in there: everything it reads is in the image.
sbom_command() {
  printf '%s\0' docker run --rm --network none --env NPM_CONFIG_UPDATE_NOTIFIER=false --entrypoint npm "$1" \
    sbom --sbom-format cyclonedx --sbom-type application --omit dev
}
write_sbom() {
  local image=$1 sbom="$out/migrate-bot-$version.cdx.json" cmd=()
  mkdir -p "$out"
  while IFS= read -r -d '' arg; do cmd+=("$arg"); done < <(sbom_command "$image")
  "${cmd[@]}" >"$sbom.tmp" || { rm -f "$sbom.tmp"; fail "npm sbom in the image $image failed"; }
  # npm names the root component after the folder it runs in (/app); the package's name is the right one.
  node -e '
    const fs = require("fs");
    const [file, name] = process.argv.slice(1);
    const bom = JSON.parse(fs.readFileSync(file, "utf8"));
    bom.metadata.component.name = name;
    fs.writeFileSync(file, JSON.stringify(bom, null, 2) + "\n");
  ' "$sbom.tmp" "$(node -p 'require("./package.json").name')" || { rm -f "$sbom.tmp"; fail "npm sbom in $image did not write CycloneDX JSON"; }
  mv "$sbom.tmp" "$sbom"
  echo "SBOM of $image: $sbom ($(node -p 'require(require("path").resolve(process.argv[1])).components.length' "$sbom") components)"
}

if [ -n "$sbom_only" ]; then
  write_sbom "$sbom_only"
  exit 0
fi

license=$(node -p 'require("./package.json").license')
revision=$(git rev-parse HEAD)
# A URL with user:token@ in it must not end up in a public label.
source=${MIGRATE_BOT_SOURCE:-$(git remote get-url origin 2>/dev/null || true)}
source=$(printf '%s' "$source" | sed -E 's#^([a-z+]+://)[^/@]*@#\1#')
[ -n "$source" ] || fail "no source URL: set MIGRATE_BOT_SOURCE=<repository URL> or add an origin remote"
tag=${tag:-migrate-bot:$version}
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# The revision label must describe what is built: uncommitted changes would be in the image too.
if [ -n "$(git status --porcelain --untracked-files=normal -- Dockerfile package.json package-lock.json tsconfig.json tsconfig.build.json src)" ]; then
  [ "$dry_run" = 1 ] || fail "uncommitted changes under src/ or in the build files: commit them first"
  echo "release:image: warning: uncommitted changes; a real build would refuse" >&2
fi

cmd=(docker build
  --build-arg "MIGRATE_BOT_REVISION=$revision"
  --label "org.opencontainers.image.title=migrate-bot"
  --label "org.opencontainers.image.version=$version"
  --label "org.opencontainers.image.revision=$revision"
  --label "org.opencontainers.image.source=$source"
  --label "org.opencontainers.image.licenses=$license"
  --label "org.opencontainers.image.created=$created"
  --tag "$tag"
  .)

printf '%q ' "${cmd[@]}"
echo
sbom_cmd=()
while IFS= read -r -d '' arg; do sbom_cmd+=("$arg"); done < <(sbom_command "$tag")
printf '%q ' "${sbom_cmd[@]}"
echo
if [ "$dry_run" = 1 ]; then
  echo "(dry run: not built, no SBOM)"
  exit 0
fi
"${cmd[@]}"
echo "built $tag ($version, $revision)"
write_sbom "$tag"
