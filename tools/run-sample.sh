#!/bin/sh
# run-sample.sh - install what is missing, build bouncestat, and print its
# report on the sample Postfix log shipped in tests/data/sample/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/setup-deps.sh"
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$(nproc)" --target bouncestat >/dev/null
exec "$top/build/tools/bouncestat" --year 2026 "$top/tests/data/sample/maillog"
