#!/bin/sh
# test_multilog.sh - a multilog directory (@<tai64n>.s files and current)
# is read in TAI64N order whatever order the files were made in, and
# counts exactly like the one log it was cut from.
. "$BS_TESTS/cli/lib.sh"
t=$BS_TMP
d=$t/log
rm -rf "$d"
mkdir -p "$d"
"$BS_GEN" --mta qmail --seed 41 --messages 6000 -o "$t/qm.log" 2>/dev/null
lines=$(wc -l <"$t/qm.log")
part=$((lines / 4))
# Each rotated file is named after the label of its last line, as
# multilog does; create the newest first.
cut_at() { sed -n "$1,$2p" "$t/qm.log"; }
label() { cut_at "$1" "$1" | cut -c1-25; }
cut_at $((3 * part + 1)) "$lines" >"$d/current"
for k in 3 2 1; do
    first=$(((k - 1) * part + 1))
    last=$((k * part))
    cut_at "$first" "$last" >"$d/$(label "$last").s"
done
expect_status 0 "one file" "$BOUNCESTAT" -j1 -f csv \
    --by provider,sender_domain "$t/qm.log"
cp "$BS_TMP/out" "$t/one.csv"
expect_status 0 "multilog directory" "$BOUNCESTAT" -j1 -f csv \
    --by provider,sender_domain "$d"
expect_file_eq "$BS_TMP/out" "$t/one.csv" "directory = one file"
expect_status 0 "multilog directory, two threads" "$BOUNCESTAT" -j2 -f csv \
    --by provider,sender_domain "$d"
expect_file_eq "$BS_TMP/out" "$t/one.csv" "directory -j2 = one file"
mkdir -p "$t/empty"
expect_status 2 "a directory without logs" "$BOUNCESTAT" "$t/empty"
expect_grep "is a directory" "$BS_TMP/err" "says it is a directory"
finish
