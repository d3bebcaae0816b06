#!/usr/bin/env bash
# The npm packages as a user gets them, without publishing anything: stage them from a binary built
# here (by the release's own script), `npm pack` them, install the tarballs into a throwaway SFDX
# project with npm --offline, and run what the README tells users to run:
#
#   1. `npx sflint check` on the example project (findings: exit 1);
#   2. the message when no platform package is installed (--omit=optional: exit 2);
#   3. lint-staged on a commit of permission files, as husky runs it (needs lint-staged from the
#      registry; skipped with SKIP_LINT_STAGED=1);
#   4. the sf plugin linked into the `sf` on PATH: `sf sflint check`, with and without --json
#      (skipped when there is no `sf`).
#
# Usage: npm/scripts/roundtrip.sh [BINARY]    (default: cargo build --release, then that binary)
# KEEP=1 keeps the work directory.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

binary=${1:-}
if [ -z "$binary" ]; then
  cargo build --release --locked --quiet
  binary=${CARGO_TARGET_DIR:-$repo/target}/release/sflint
fi
host=$(node -p 'require("./npm/sflint/lib/binary.js").candidates()[0]?.key ?? ""')
[ -n "$host" ] || { echo "roundtrip: no platform package for this machine" >&2; exit 1; }

work=$(mktemp -d)
cleanup() {
  if [ -n "${linked:-}" ]; then sf plugins unlink @sflint/sf-plugin >/dev/null 2>&1 || true; fi
  if [ "${KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
expect_exit() { # expect_exit CODE COMMAND...
  local want=$1 got=0
  shift
  "$@" || got=$?
  if [ "$got" != "$want" ]; then
    echo "roundtrip: '$*' exited with $got, expected $want" >&2
    exit 1
  fi
}

step "stage ($host) and pack"
node npm/scripts/stage.mjs --out "$work/stage" --partial --binary "$host=$binary"
mkdir "$work/tarballs"
for dir in "cli-$host" sflint sf-plugin; do
  (cd "$work/tarballs" && npm pack --silent "$work/stage/$dir" >/dev/null)
done
ls -l "$work/tarballs"
version=$(node -p "require('$work/stage/sflint/package.json').version")
main_tgz=$work/tarballs/sflint-$version.tgz
platform_tgz=$work/tarballs/sflint-cli-$host-$version.tgz

step "install offline into an SFDX project, npx sflint check"
project=$work/project
cp -R fixtures/example "$project"
cd "$project"
echo '{"name": "salesforce-app", "private": true, "version": "1.0.0"}' >package.json
npm install --offline --no-audit --no-fund --save-dev "$main_tgz" "$platform_tgz"
npx --no-install sflint --version
expect_exit 1 npx --no-install sflint check --format concise

step "no platform package installed"
bare=$work/bare
mkdir "$bare"
cd "$bare"
echo '{"name": "bare", "private": true}' >package.json
npm install --offline --omit=optional --no-audit --no-fund "$main_tgz"
expect_exit 2 npx --no-install sflint check 2>"$work/missing.txt"
cat "$work/missing.txt"
grep -q "@sflint/cli-$host@$version" "$work/missing.txt"

if [ "${SKIP_LINT_STAGED:-}" != 1 ]; then
  step "lint-staged on a commit (as husky runs it)"
  cd "$project"
  npm install --no-audit --no-fund --save-dev lint-staged
  node - <<'JS'
const fs = require("fs");
const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
// The snippet of the README's Install section.
pkg["lint-staged"] = {
  "**/*.{permissionset,profile,permissionsetgroup,mutingpermissionset}-meta.xml": "sflint check --force-exclude --",
  "**/permissionsets/*/**/*-meta.xml": "sflint check --force-exclude --",
};
fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2));
JS
  git init --quiet
  git config user.email roundtrip@example.invalid
  git config user.name roundtrip
  printf 'node_modules\n' >.gitignore
  printf '#!/bin/sh\nexec npx --no-install lint-staged\n' >.git/hooks/pre-commit
  chmod +x .git/hooks/pre-commit
  git add .gitignore package.json package-lock.json sfdx-project.json
  git commit --quiet -m "project without permission files"
  git add force-app sflint.toml
  # The example's errors block the commit.
  expect_exit 1 git commit --quiet -m "permission files with errors"
  git reset --quiet
  echo "the commit was refused, as it should be"
fi

if command -v sf >/dev/null 2>&1; then
  step "sf plugin: link into $(sf --version)"
  plugin=$work/plugin
  cp -R "$work/stage/sf-plugin" "$plugin"
  (cd "$plugin" && npm install --no-audit --no-fund "$main_tgz" "$platform_tgz")
  export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true OCLIF_DISABLE_LINKED_ESM_WARNING=1
  sf plugins link "$plugin" --no-install
  linked=1
  cd "$project"
  expect_exit 1 sf sflint check --format concise
  sf sflint check --json >"$work/sf.json" || true
  node -e '
    const out = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (out.status !== 1 || !out.result.summary.errors) throw new Error(JSON.stringify(out).slice(0, 300));
    console.log("sf sflint check --json: status", out.status, "summary", JSON.stringify(out.result.summary));
  ' "$work/sf.json"
else
  step "sf plugin: skipped, no sf on PATH"
fi

step "roundtrip passed"
