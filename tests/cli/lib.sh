# lib.sh - helpers for the whole-program tests (sourced by test_*.sh)
#
# Environment (set by tests/CMakeLists.txt): BOUNCESTAT, BS_GEN,
# BS_TEST_DATA, BS_TESTS, BS_CORPORA, BS_TMP.
set -u
: "${BOUNCESTAT:?}" "${BS_TMP:?}"
# Each script gets its own scratch folder: ctest runs them in parallel.
BS_TMP="$BS_TMP/$(basename "$0" .sh)"
mkdir -p "$BS_TMP"
bs_failures=0
bs_checks=0

# expect_status WANT DESCRIPTION COMMAND...: runs COMMAND, keeps its
# stdout in $BS_TMP/out and stderr in $BS_TMP/err.
expect_status() {
    want=$1 desc=$2
    shift 2
    bs_checks=$((bs_checks + 1))
    "$@" >"$BS_TMP/out" 2>"$BS_TMP/err"
    got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL: $desc: exit status $got, want $want" >&2
        sed 's/^/    stderr: /' "$BS_TMP/err" | head -5 >&2
        bs_failures=$((bs_failures + 1))
    fi
}

# expect_file_eq FILE EXPECTED-FILE DESCRIPTION
expect_file_eq() {
    bs_checks=$((bs_checks + 1))
    if ! cmp -s "$1" "$2"; then
        echo "FAIL: $3: output differs" >&2
        diff -u "$2" "$1" | head -30 >&2
        bs_failures=$((bs_failures + 1))
    fi
}

# expect_grep PATTERN FILE DESCRIPTION
expect_grep() {
    bs_checks=$((bs_checks + 1))
    if ! grep -q -e "$1" "$2"; then
        echo "FAIL: $3: no '$1' in:" >&2
        head -5 "$2" | sed 's/^/    /' >&2
        bs_failures=$((bs_failures + 1))
    fi
}

# expect_eq GOT WANT DESCRIPTION
expect_eq() {
    bs_checks=$((bs_checks + 1))
    if [ "$1" != "$2" ]; then
        echo "FAIL: $3: got '$1', want '$2'" >&2
        bs_failures=$((bs_failures + 1))
    fi
}

# finish: the closing line CTest's output readers understand.
finish() {
    echo "$((bs_checks - bs_failures)) passed, $bs_failures failed"
    [ "$bs_failures" = 0 ]
    exit $?
}
