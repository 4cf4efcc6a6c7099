#!/bin/sh
# run-tests.sh - install what is missing, build everything, and run the whole
# test suite (Check suites and whole-program tests) with ctest.
#
# Usage: tools/run-tests.sh [BUILD-DIR [CMAKE-OPTION...]]
#   tools/run-tests.sh build-asan -DBS_SANITIZE=ON   (the CI sanitizer run)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
case $build in /*) ;; *) build="$top/$build" ;; esac
"$top/tools/setup-deps.sh"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBS_WERROR=ON "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
