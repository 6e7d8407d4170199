#!/bin/sh
# Builds static/admin-extra/vendor/screenmania-editor.min.js, the article body's editor
# (CodeMirror and turndown, with editor/src/), from the exact versions in
# editor/package-lock.json. The built file is committed: running the site and CI need no npm.
# Run after changing editor/src/ or editor/package.json, and commit both.
set -eu
cd "$(dirname "$0")/../editor"
npm ci --no-audit --no-fund
out=../static/admin-extra/vendor/screenmania-editor.min.js
mkdir -p "$(dirname "$out")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./node_modules/.bin/esbuild src/index.js --bundle --minify --format=iife \
    --global-name=screenmaniaEditor --target=es2020 --legal-comments=none --log-level=warning \
    --metafile="$work/meta.json" --outfile="$work/editor.js"
node licence-header.mjs "$work/meta.json" > "$out"
cat "$work/editor.js" >> "$out"
echo "$out: $(wc -c < "$out") bytes"
