#!/bin/sh
# test_generated.sh - whole logs from the generator, checked against the
# ground truth it writes: the CSV by provider x sender_domain must be equal
# byte for byte. Covers BSD and RFC 3339 stamps, long queue ids, a year
# boundary, a failure-heavy mix, and a zstd-compressed copy.
. "$BS_TESTS/cli/lib.sh"
t=$BS_TMP/generated
mkdir -p "$t"

check_truth() { # NAME YEAR GENERATOR-ARGS...
    name=$1 year=$2
    shift 2
    "$BS_GEN" "$@" -o "$t/$name.log" --truth "$t/$name.truth" 2>/dev/null
    expect_status 0 "$name" "$BOUNCESTAT" --year "$year" -f csv \
        --by provider,sender_domain "$t/$name.log"
    expect_file_eq "$BS_TMP/out" "$t/$name.truth" "$name: csv = truth"
}

check_truth default 2026 --seed 1 --messages 20000
check_truth long-ids 2026 --seed 2 --messages 10000 --long-queue-ids
check_truth rfc3339 2026 --seed 3 --messages 10000 --year-format rfc3339 \
    --start '2026-12-31 20:00:00'
check_truth new-year 2025 --seed 4 --messages 10000 \
    --start '2025-12-31 22:00:00'
check_truth failure-heavy 2026 --seed 5 --messages 10000 --failure-share 30

zstd -q -f "$t/default.log" -o "$t/default.log.zst"
expect_status 0 "zstd copy" "$BOUNCESTAT" --year 2026 -f csv \
    --by provider,sender_domain "$t/default.log.zst"
expect_file_eq "$BS_TMP/out" "$t/default.truth" "zstd: csv = truth"

# The same log split in two files gives the same counts as one.
lines=$(wc -l <"$t/default.log")
head -n $((lines / 2)) "$t/default.log" >"$t/part1.log"
tail -n +$((lines / 2 + 1)) "$t/default.log" >"$t/part2.log"
expect_status 0 "two files" "$BOUNCESTAT" --year 2026 -f csv \
    --by provider,sender_domain "$t/part1.log" "$t/part2.log"
expect_file_eq "$BS_TMP/out" "$t/default.truth" "two files: csv = truth"

# Nothing in a generated log is unparsed; the JSON says so.
expect_status 0 "json" "$BOUNCESTAT" --year 2026 -f json "$t/default.log"
expect_grep '"lines_unparsed":0,' "$BS_TMP/out" "no unparsed lines"
expect_grep '"lines_no_prefix":0,' "$BS_TMP/out" "every line has a prefix"

finish
