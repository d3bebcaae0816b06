#!/usr/bin/env bash
# Seeds fuzz/corpus/parse_and_check/ with every metadata file under fixtures/ (and under any extra
# directories given as arguments, e.g. a local checkout of real projects that may not be committed).
# The corpus directory is ignored by git; libFuzzer adds what it finds there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/corpus/parse_and_check"
mkdir -p "$corpus"
for dir in "$here/../fixtures" "$@"; do
    find "$dir" -type f \( -name '*.xml' -o -name '*.profile' -o -name '*.permissionset' \
        -o -name '*.permissionsetgroup' -o -name '*.mutingpermissionset' \) -print0 |
        while IFS= read -r -d '' file; do
            # Named by content so that re-seeding adds nothing twice.
            cp "$file" "$corpus/seed-$(sha1sum "$file" | cut -c1-16)"
        done
done
echo "$(ls "$corpus" | wc -l) inputs in $corpus"
