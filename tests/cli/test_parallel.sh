#!/bin/sh
# test_parallel.sh - -j N gives byte for byte the report of -j1: one large
# file cut into pieces at line boundaries (messages span the cuts), several
# files (rotated logs, a zstd archive among them), Postfix and qmail.
. "$BS_TESTS/cli/lib.sh"
t=$BS_TMP
"$BS_GEN" --seed 31 --messages 20000 -o "$t/pf.log" 2>/dev/null
"$BS_GEN" --seed 32 --messages 8000 --mta qmail -o "$t/qm.log" 2>/dev/null
lines=$(wc -l <"$t/pf.log")
head -n $((lines / 3)) "$t/pf.log" >"$t/maillog.2"
sed -n "$((lines / 3 + 1)),$((2 * lines / 3))p" "$t/pf.log" | zstd -q -c >"$t/maillog.1.zst"
tail -n +$((2 * lines / 3 + 1)) "$t/pf.log" >"$t/maillog"
touch -r "$t/pf.log" "$t/maillog.2" "$t/maillog.1.zst" "$t/maillog"

same_as_one_thread() { # DESCRIPTION FORMAT-ARGS... -- FILES...
    desc=$1
    shift
    expect_status 0 "$desc -j1" "$BOUNCESTAT" -j1 "$@"
    cp "$BS_TMP/out" "$BS_TMP/one"
    for j in 2 3 5; do
        expect_status 0 "$desc -j$j" "$BOUNCESTAT" -j$j --split-size 65536 \
            "$@"
        expect_file_eq "$BS_TMP/out" "$BS_TMP/one" "$desc: -j$j = -j1"
    done
}

same_as_one_thread "one file, json" -f json "$t/pf.log"
same_as_one_thread "one file, text" "$t/pf.log"
same_as_one_thread "one file, csv" -f csv \
    --by hour,provider,sender_domain,recipient_domain,category,detail,dsn \
    "$t/pf.log"
same_as_one_thread "rotated files" -f json "$t/maillog.2" \
    "$t/maillog.1.zst" "$t/maillog"
same_as_one_thread "qmail" -f json "$t/qm.log"
same_as_one_thread "both MTAs" -f csv --by provider,sender_domain \
    "$t/qm.log" "$t/pf.log"

# The rotated pieces give the same counts as the whole log.
expect_status 0 "whole" "$BOUNCESTAT" -j1 -f csv --by provider,sender_domain \
    "$t/pf.log"
cp "$BS_TMP/out" "$BS_TMP/whole"
expect_status 0 "pieces" "$BOUNCESTAT" -j3 -f csv --by provider,sender_domain \
    "$t/maillog.2" "$t/maillog.1.zst" "$t/maillog"
expect_file_eq "$BS_TMP/out" "$BS_TMP/whole" "three files = one"

# A missing file among others: exit 2, the rest is counted as with -j1.
expect_status 2 "missing with -j1" "$BOUNCESTAT" -j1 -f json "$t/maillog.2" \
    "$t/nope" "$t/maillog"
cp "$BS_TMP/out" "$BS_TMP/one"
expect_status 2 "missing with -j2" "$BOUNCESTAT" -j2 -f json "$t/maillog.2" \
    "$t/nope" "$t/maillog"
expect_file_eq "$BS_TMP/out" "$BS_TMP/one" "missing: -j2 = -j1"
expect_grep "nope" "$BS_TMP/err" "names the missing file"

expect_status 1 "bad -j" "$BOUNCESTAT" -j 0 "$t/pf.log"
finish
