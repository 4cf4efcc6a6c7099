#!/bin/sh
# test_report.sh - `bouncestat report` and `bouncestat merge` on a
# generated month: HTML with its charts, Markdown, CSV tables, JSON,
# --lang ja, --since/--until, --save, merge of two halves equal to one
# run over the month, --from-aggregate, --compare, and the usage and
# input errors. (The headless Chromium check is test_report_browser.sh.)
. "$BS_TESTS/cli/lib.sh"
. "$BS_TESTS/cli/report_month.sh"
"$BOUNCESTAT" report --help 2>/dev/null | grep -q '^Usage: bouncestat report' || {
    echo "FAIL: $BOUNCESTAT has no 'report' subcommand (the dispatch in" \
        "tools/bouncestat/main.c is missing)"
    exit 1
}
t=$BS_TMP/report
mkdir -p "$t"
B=$BOUNCESTAT

gen_days 2026-10 1 15 "$t/oct-a.log" && gen_days 2026-10 16 31 "$t/oct-b.log" &&
    gen_days 2026-09 23 30 "$t/sep.log" || { echo "FAIL: generator"; exit 1; }
cat "$t/oct-a.log" "$t/oct-b.log" >"$t/oct.log"
R="--year 2026 --tz UTC --month 2026-10"

# HTML: one self-contained file with three charts.
expect_status 0 "report html" $B report $R "$t/oct.log" -o "$t/oct.html"
expect_grep '^<!DOCTYPE html>' "$t/oct.html" "html document"
expect_grep '<h1>Deliverability report 2026-10</h1>' "$t/oct.html" "title"
expect_grep 'Period: 2026-10-01 00:00 to 2026-11-01 00:00' "$t/oct.html" \
    "the month"
expect_grep '@page{size:A4' "$t/oct.html" "A4 print style"
series() { grep -o "data-chart=\"$1\" data-series=" "$2" | wc -l; }
bs_checks=$((bs_checks + 1))
if [ "$(series daily-rate "$t/oct.html")" != 8 ] ||
    [ "$(series daily-volume "$t/oct.html")" != 3 ] ||
    [ "$(series categories "$t/oct.html")" -lt 5 ] ||
    grep -q -e '<script' -e ' src=' -e ' href=' "$t/oct.html"; then
    echo "FAIL: charts: $(series daily-rate "$t/oct.html") rate series," \
        "$(series daily-volume "$t/oct.html") volume series" >&2
    bs_failures=$((bs_failures + 1))
fi

# Markdown: 31 days in both daily tables.
expect_status 0 "report md" $B report $R -f md "$t/oct.log"
expect_grep '^## Daily failure rate per provider$' "$BS_TMP/out" "md heading"
bs_checks=$((bs_checks + 1))
if [ "$(grep -c '^| 2026-10-[0-3][0-9] |' "$BS_TMP/out")" != 62 ]; then
    echo "FAIL: md: want 62 day rows" >&2
    bs_failures=$((bs_failures + 1))
fi

# Japanese
expect_status 0 "report ja" $B report $R --lang ja "$t/oct.log" \
    -o "$t/oct-ja.html"
expect_grep '<html lang="ja">' "$t/oct-ja.html" "lang attribute"
expect_grep '<h2>宛先事業者別の日次失敗率</h2>' "$t/oct-ja.html" "ja heading"
expect_status 0 "report ja md" $B report $R --lang ja -f md "$t/oct.log"
expect_grep '^## 主な失敗理由$' "$BS_TMP/out" "ja md heading"

# CSV tables and JSON
expect_status 0 "report csv" $B report $R -f csv "$t/oct.log"
expect_grep '^daily,2026-10-31,(all),' "$BS_TMP/out" "csv daily table"
expect_grep '^senders_by_rate,1,' "$BS_TMP/out" "csv ranking by rate"
expect_status 0 "report json" $B report $R -f json "$t/oct.log"
expect_grep '^{"bouncestat":"[0-9.]*","report":1,"lang":"en"' \
    "$BS_TMP/out" "json report"

# --since/--until select by log time, in the zone.
expect_status 0 "since/until" $B report --year 2026 --tz Asia/Tokyo \
    --since 2026-10-10 --until '2026-10-12 00:00' -f csv "$t/oct.log"
bs_checks=$((bs_checks + 1))
if [ "$(grep -c '^daily,2026-10-1[01],(all),' "$BS_TMP/out")" != 2 ] ||
    [ "$(grep -c '^daily,' "$BS_TMP/out" | tr -d ' ')" = 0 ] ||
    grep -q '^daily,2026-10-12' "$BS_TMP/out"; then
    echo "FAIL: --since/--until: want days 10 and 11 only" >&2
    bs_failures=$((bs_failures + 1))
fi
expect_grep 'Asia/Tokyo (UTC+09:00)' "$BS_TMP/out" "zone named"

# --save; merge of the two halves = one run over the month.
expect_status 0 "save a" $B report $R --save "$t/a.json" "$t/oct-a.log" \
    -o /dev/null
expect_status 0 "save b" $B report $R --save "$t/b.json" "$t/oct-b.log" \
    -o /dev/null
expect_grep '^{"format":"bouncestat-aggregate","version":1,' "$t/a.json" \
    "saved format and version"
expect_status 0 "merge" $B merge "$t/a.json" "$t/b.json" -o "$t/oct.json"
for f in json html md; do
    expect_status 0 "one run $f" $B report $R -f $f "$t/oct.log" \
        -o "$t/one.$f"
    expect_status 0 "from aggregate $f" $B report $R -f $f \
        --from-aggregate "$t/oct.json" -o "$t/merged.$f"
    expect_file_eq "$t/merged.$f" "$t/one.$f" "merge(a, b) = one run ($f)"
done
expect_status 0 "report --save of the month" $B report $R --save \
    "$t/oct-whole.json" "$t/oct.log" -f json -o "$t/saved-run.json"
expect_file_eq "$t/saved-run.json" "$t/one.json" "--save does not change it"

# --compare with the previous month's aggregate
expect_status 0 "save september" $B report --year 2026 --tz UTC \
    --month 2026-09 --save "$t/sep.json" "$t/sep.log" -o /dev/null
expect_status 0 "compare" $B report $R --compare "$t/sep.json" \
    --from-aggregate "$t/oct.json" -o "$t/compare.html"
expect_grep '<td><strong>All providers</strong></td>' "$t/compare.html" \
    "comparison table"
expect_status 0 "compare md" $B report $R --compare "$t/sep.json" -f md \
    --from-aggregate "$t/oct.json"
expect_grep '^| All providers | [0-9.]*% of [0-9,]* | [0-9.]*% of [0-9,]* | [-+][0-9.]* pp |$' \
    "$BS_TMP/out" "rates of both periods and the change"

# Errors: usage (1), unreadable or malformed aggregates.
expect_status 1 "bad zone" $B report --tz Mars/Olympus_Mons "$t/oct.log"
expect_grep "unknown time zone 'Mars/Olympus_Mons'" "$BS_TMP/err" \
    "names the zone"
expect_status 1 "bad month" $B report --month 2026-13 "$t/oct.log"
expect_status 1 "month and since" $B report --month 2026-10 \
    --since 2026-10-01 "$t/oct.log"
expect_status 1 "bad format" $B report -f text "$t/oct.log"
expect_status 1 "merge without files" $B merge
head -c 5000 "$t/a.json" >"$t/cut.json"
expect_status 1 "merge truncated" $B merge "$t/a.json" "$t/cut.json" \
    -o "$t/never.json"
expect_grep 'cut.json: byte 5000: ' "$BS_TMP/err" "file and byte offset"
bs_checks=$((bs_checks + 1))
[ -e "$t/never.json" ] && { echo "FAIL: merge wrote a bad output" >&2;
    bs_failures=$((bs_failures + 1)); }
sed 's/"version":1,/"version":7,/' "$t/a.json" >"$t/v7.json"
expect_status 1 "other version" $B merge "$t/v7.json"
expect_grep 'saved aggregate version 7; this bouncestat' "$BS_TMP/err" \
    "version named"
expect_status 2 "report with a bad aggregate" $B report $R -f json \
    --from-aggregate "$t/v7.json" --from-aggregate "$t/oct.json"
expect_file_eq "$BS_TMP/out" "$t/one.json" "the good aggregate still counts"

finish
