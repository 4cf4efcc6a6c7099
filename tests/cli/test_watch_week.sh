#!/bin/sh
# test_watch_week.sh - a generated week of logs through bouncestat watch
# at full speed, with several rules (thresholds, spikes against a 7-day
# baseline, group_by provider and sender domain), must run in flat
# memory: every day repeats the same traffic (the same generator seeds,
# with a failure spike every other day at 10:00), so the domains, texts,
# alert keys and aggregate cells (watch forgets the hour of cells older
# than two hours) are as many after day two as they will ever be, and
# the peak RSS of the whole week may not exceed that of the first two
# days by more than 1 MiB. (What does still grow is the correlation
# table: each hourly generator run ends with messages in flight that
# never finish, and the engine keeps a message 8 days of log time; some
# 100 KiB a day here. The allocator adds some noise.) Alerts must keep
# firing and resolving all week, at the spikes.
. "$BS_TESTS/cli/lib.sh"
t=$BS_TMP/watch-week
rm -rf "$t"
mkdir -p "$t"
http=$(dirname "$BOUNCESTAT")/bs-test-http

if ! "$BOUNCESTAT" watch --help 2>/dev/null | grep -q 'bouncestat watch'; then
    echo "SKIP: bouncestat does not dispatch 'watch' (tools/bouncestat/main.c)"
    exit 77
fi

gen_days() { # DAYS: hourly generator runs, 400 messages each
    d=0
    while [ "$d" -lt "$1" ]; do
        h=0
        while [ "$h" -lt 24 ]; do
            share=
            [ "$h" = 10 ] && [ $((d % 2)) = 1 ] && share="--failure-share 40"
            # shellcheck disable=SC2086
            "$BS_GEN" --seed $((h + 1)) --messages 400 $share --start \
                "2026-11-$(printf %02d $((2 + d))) $(printf %02d "$h"):00:00" \
                2>/dev/null
            h=$((h + 1))
        done
        d=$((d + 1))
    done
}
gen_days 2 >"$t/days2.log"
gen_days 7 >"$t/week.log"

cat >"$t/rules.txt" <<'EOF2'
name=gmail-auth provider=google category=authfailure rate>5% window=15m min=50
name=gmail-spike provider=google spike>2.5x baseline=7d floor=2% window=30m min=20
name=senders group_by=sender_domain spike>4x baseline=1d floor=10% window=1h min=20
name=providers group_by=provider deferral_rate>30% window=30m min=50
name=bounces bounces>150 window=1h clear<100
EOF2

run() { # LOG NAME
    "$http" rusage "$t/$2.rss" "$BOUNCESTAT" watch --year 2026 --renotify 2h \
        --rules "$t/rules.txt" "$1" >"$t/$2.json" 2>"$t/$2.err"
    expect_eq_status=$?
    bs_checks=$((bs_checks + 1))
    if [ "$expect_eq_status" != 0 ]; then
        echo "FAIL: watch on $2: exit status $expect_eq_status" >&2
        head -5 "$t/$2.err" >&2
        bs_failures=$((bs_failures + 1))
    fi
}
run "$t/days2.log" days2
run "$t/week.log" week

rss2=$(cat "$t/days2.rss")
rss7=$(cat "$t/week.rss")
echo "peak RSS: two days ${rss2} KiB, the week ${rss7} KiB"
# AddressSanitizer's quarantine and shadow memory make RSS meaningless
if grep -q __asan_init "$BOUNCESTAT" 2>/dev/null; then
    echo "(sanitizer build: peak RSS not compared)"
else
    bs_checks=$((bs_checks + 1))
    if [ "$rss7" -gt $((rss2 + 1024)) ]; then
        echo "FAIL: memory grew over the week: $rss2 KiB -> $rss7 KiB" >&2
        bs_failures=$((bs_failures + 1))
    fi
fi

fired=$(grep -c '"state":"firing"' "$t/week.json")
resolved=$(grep -c '"state":"resolved"' "$t/week.json")
echo "alerts in the week: $fired firing, $resolved resolved"
bs_checks=$((bs_checks + 1))
if [ "$fired" -lt 7 ] || [ "$resolved" -lt 7 ]; then
    echo "FAIL: too few alerts over the week" >&2
    bs_failures=$((bs_failures + 1))
fi
# the Gmail spike rule (against its 7-day baseline) and the bounce count
# fire at each spike (every other day at 10:00) and resolve an hour on
for rule in 1 4; do
    grep "\"rule_index\":$rule," "$t/week.json" |
        sed 's/^{"state":"\([a-z]*\)","at":"\([^"]*\)".*/\1 \2/' >"$t/rule$rule"
    for day in 03 05 07; do
        echo "firing 2026-11-${day}T10:01:00Z"
        echo "resolved 2026-11-${day}T11:01:00Z"
    done >"$t/want$rule"
    expect_file_eq "$t/rule$rule" "$t/want$rule" "rule $rule: the three spikes"
done
finish
