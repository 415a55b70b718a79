#!/usr/bin/env bash
# Builds FerretDB from the Go module proxy into $2. `go install ...@VERSION` fails here (the
# proxy refuses the module's version list, and the module zip lacks the generated
# build/version/version.txt), so: download the exact version, add version.txt, build.
set -euo pipefail
VERSION=$1
OUT=$2
MOD=github.com/FerretDB/FerretDB
mkdir -p "$(dirname "$OUT")"
DIR=$(go mod download -json "$MOD@$VERSION" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.Dir)})")
SRC=$(mktemp -d /tmp/ferretdb-src.XXXXXX)
cp -r "$DIR/." "$SRC/"
chmod -R u+w "$SRC"
echo "$VERSION" > "$SRC/build/version/version.txt"
(cd "$SRC" && go build -trimpath -o "$OUT" ./cmd/ferretdb)
rm -rf "$SRC"
echo "built $OUT"
