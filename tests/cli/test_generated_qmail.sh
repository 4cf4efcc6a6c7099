#!/bin/sh
# test_generated_qmail.sh - whole qmail-send logs from the generator
# (--mta qmail), checked against the ground truth it writes: the CSV by
# provider x sender_domain must be equal byte for byte. Covers multilog
# (TAI64N), tai64nlocal and splogger-to-syslog stamps (BSD and RFC 3339,
# over New Year), a failure-heavy mix, a zstd-compressed copy and the log
# split in two files. The logs hold deliveries started before the log,
# messages queued before a qmail-send restart, queue numbers reused after
# "end msg", multi-recipient messages and custom domains at Google and
# Microsoft known only by the relay IP.
. "$BS_TESTS/cli/lib.sh"
t=$BS_TMP/generated-qmail
mkdir -p "$t"

check_truth() { # NAME YEAR GENERATOR-ARGS...
    name=$1 year=$2
    shift 2
    "$BS_GEN" --mta qmail "$@" -o "$t/$name.log" --truth "$t/$name.truth" \
        2>/dev/null
    expect_status 0 "$name" "$BOUNCESTAT" --year "$year" -f csv \
        --by provider,sender_domain "$t/$name.log"
    expect_file_eq "$BS_TMP/out" "$t/$name.truth" "$name: csv = truth"
}

check_truth multilog 2026 --seed 11 --messages 20000
check_truth tai64nlocal 2026 --seed 12 --messages 10000 \
    --qmail-format tai64nlocal
check_truth syslog 2026 --seed 13 --messages 10000 --qmail-format syslog
check_truth syslog-new-year 2025 --seed 14 --messages 10000 \
    --qmail-format syslog --start '2025-12-31 23:50:00'
check_truth syslog-rfc3339 2026 --seed 15 --messages 10000 \
    --qmail-format syslog --year-format rfc3339
check_truth failure-heavy 2026 --seed 16 --messages 10000 \
    --failure-share 30

# The stamps are what each format writes.
expect_grep '^@4000000[0-9a-f]\{17\} new msg [0-9]*$' "$t/multilog.log" \
    "multilog: TAI64N stamps"
expect_grep '^2026-11-01 [0-9:]*\.[0-9]\{6\}500 info msg ' \
    "$t/tai64nlocal.log" "tai64nlocal: nine-digit fractions"
expect_grep '^Jan  1 00:0.:.. mx1 qmail: 1767225[0-9]*\.[0-9]\{6\} ' \
    "$t/syslog-new-year.log" "syslog: splogger stamps after New Year"

# What the truth depends on is in the log: a restart, results of
# deliveries started before the log, queue numbers used twice, a
# multi-recipient message, and a custom domain known only by its IP.
m=$t/multilog.log
expect_grep ' status: exiting$' "$m" "a qmail-send restart"
expect_status 0 "results without a start" awk '
    $2 == "starting" { started[$4] = 1 }
    $2 == "delivery" && !($3 in started) { found = 1; exit }
    END { exit !found }' "$m"
expect_status 0 "a queue number used twice" awk '
    $2 == "new" && seen[$4]++ { found = 1; exit }
    END { exit !found }' "$m"
expect_status 0 "a message with several recipients" awk '
    $2 == "starting" && n[$1 " " $6]++ == 1 { found = 1; exit }
    END { exit !found }' "$m"
expect_status 0 "by recipient domain" "$BOUNCESTAT" -f csv \
    --by provider,recipient_domain "$m"
expect_grep '^google,acme-trading\.co\.jp,' "$BS_TMP/out" \
    "Workspace domain counted as google by its relay IP"
expect_grep '^microsoft,contoso\.com,' "$BS_TMP/out" \
    "Microsoft 365 domain counted as microsoft by its relay IP"
expect_grep '^[a-z_]*,(unknown),' "$BS_TMP/out" \
    "results without a start have no recipient"

zstd -q -f "$m" -o "$m.zst"
expect_status 0 "zstd copy" "$BOUNCESTAT" -f csv \
    --by provider,sender_domain "$m.zst"
expect_file_eq "$BS_TMP/out" "$t/multilog.truth" "zstd: csv = truth"

# The same log split in two files gives the same counts as one.
lines=$(wc -l <"$m")
head -n $((lines / 2)) "$m" >"$t/part1.log"
tail -n +$((lines / 2 + 1)) "$m" >"$t/part2.log"
expect_status 0 "two files" "$BOUNCESTAT" -f csv \
    --by provider,sender_domain "$t/part1.log" "$t/part2.log"
expect_file_eq "$BS_TMP/out" "$t/multilog.truth" "two files: csv = truth"

# Nothing in a generated log is unparsed; every line has a stamp.
for name in multilog tai64nlocal syslog; do
    expect_status 0 "$name json" "$BOUNCESTAT" --year 2026 -f json \
        "$t/$name.log"
    expect_grep '"lines_unparsed":0,' "$BS_TMP/out" "$name: no unparsed lines"
    expect_grep '"lines_no_prefix":0,' "$BS_TMP/out" "$name: every line has a prefix"
    expect_grep '"lines_foreign":0,' "$BS_TMP/out" "$name: every line is qmail's"
done

finish
