#!/bin/sh
# run-valgrind.sh - the whole-program tests again, with every bouncestat
# run under valgrind's memcheck: invalid reads and writes, uses of
# uninitialised values, and definite leaks make that run exit 99, which
# fails the check that ran it.
#
# Usage: tools/run-valgrind.sh [BUILD-DIR]   (default build/, as built by
# tools/run-tests.sh). CI runs it after the plain suite. A selection of
# the scripts: the ones whose checks do not depend on timing (valgrind
# slows bouncestat twenty to fifty times).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build="$top/$build" ;; esac
command -v valgrind >/dev/null || "$top/tools/setup-deps.sh" valgrind
bin=$build/tools/bouncestat
[ -x "$bin" ] || { echo "run-valgrind: build first: $bin" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bs-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/bouncestat" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite --num-callers=30 \\
    --suppressions="$top/tests/valgrind/glibc.supp" \\
    --log-file="$work/vg.%p" "$bin" "\$@"
WRAP
chmod +x "$work/bouncestat"

status=0
for t in test_cli test_mail test_multilog test_generated_qmail test_report; do
    start=$(date +%s)
    if BOUNCESTAT=$work/bouncestat BS_GEN=$build/tools/bs-gen-maillog \
        BS_TEST_DATA=$top/tests/data BS_TESTS=$top/tests \
        BS_CORPORA=$top/../shared/corpora BS_TMP=$work/tmp \
        sh "$top/tests/cli/$t.sh" >"$work/$t.out" 2>&1; then
        echo "valgrind: $t: $(tail -n 1 "$work/$t.out") ($(($(date +%s) - start)) s)"
    else
        echo "valgrind: $t FAILED:" >&2
        grep -E "FAIL" "$work/$t.out" | head -10 >&2
        status=1
    fi
done
for log in "$work"/vg.*; do
    [ -s "$log" ] || continue
    echo "valgrind: errors in $log:" >&2
    head -40 "$log" >&2
    status=1
done
exit $status
