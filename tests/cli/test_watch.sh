#!/bin/sh
# test_watch.sh - bouncestat watch on a generated log with an injected
# Gmail spike: the exact times an alert fires and resolves (checked
# against an independent awk computation of the same sliding window),
# the JSON fields, the same alerts from a zstd archive and from a pipe,
# rule errors that point at the column, --alert-exec (input, variables,
# a failing and a hanging command), --alert-webhook (a retry after a
# 500, an unreachable URL), and --listen scraped while the input is
# still being read. Needs only the test helper bs-test-http (built next
# to bouncestat) and the generator.
. "$BS_TESTS/cli/lib.sh"
t=$BS_TMP/watch
rm -rf "$t"
mkdir -p "$t"
http=$(dirname "$BOUNCESTAT")/bs-test-http

if ! "$BOUNCESTAT" watch --help 2>/dev/null | grep -q 'bouncestat watch'; then
    echo "SKIP: bouncestat does not dispatch 'watch' (tools/bouncestat/main.c)"
    exit 77
fi

# ---- the log: 5-minute generator runs from 06:00 to 07:40, three of
# them (06:50, 06:55, 07:00) with 60% failures; merged by time ----
i=0
for hm in 06:00 06:05 06:10 06:15 06:20 06:25 06:30 06:35 06:40 06:45 \
          06:50 06:55 07:00 07:05 07:10 07:15 07:20 07:25 07:30 07:35 07:40; do
    i=$((i + 1))
    share=
    case $hm in 06:50|06:55|07:00) share="--failure-share 60" ;; esac
    # shellcheck disable=SC2086
    "$BS_GEN" --seed $((100 + i)) --messages 300 $share \
        --start "2026-11-02 $hm:00" -o "$t/seg$(printf %02d $i).log" \
        2>/dev/null
done
cat "$t"/seg*.log | LC_ALL=C sort -s -k3,3 >"$t/spike.log"

cat >"$t/rules.txt" <<'EOF'
# Gmail rejecting unauthenticated mail (5.7.26), and the failure rate
name=gmail-5726 provider=google dsn=5.7.26 bounces>20 window=10m

  name=gmail-rate   provider=google rate>20% window=15m min=100
EOF

# The oracle: Gmail 5.7.26 bounces per minute, then the window of 10
# minutes judged at every minute boundary, from the first outcome to the
# minute after the last: fire above 20, resolve at or below 16 (80%).
awk '
{ l = tolower($0) }
l ~ /status=(sent|bounced|deferred|expired)/ {
    split($3, hms, ":"); m = hms[1] * 60 + hms[2]
    if (lo == "" || m < lo) lo = m
    if (m > hi) hi = m
}
l ~ /dsn=5\.7\.26, status=bounced/ &&
(l ~ /relay=[^ ,]*\.google\.com\[/ || l ~ /to=<[^>]*@(gmail|googlemail)\.com>/) {
    n[m]++
}
END {
    for (b = lo + 1; b <= hi + 1; b++) {
        s = 0
        for (m = b - 10; m < b; m++) s += n[m]
        if (!on && s > 20) { printf "firing %02d:%02d %d\n", b / 60, b % 60, s; on = 1 }
        else if (on && s <= 16) { printf "resolved %02d:%02d %d\n", b / 60, b % 60, s; on = 0 }
    }
}' "$t/spike.log" >"$t/oracle"

expect_status 0 "watch replays the spike" "$BOUNCESTAT" watch --year 2026 \
    --rules "$t/rules.txt" "$t/spike.log"
cp "$BS_TMP/out" "$t/alerts.json"
expect_eq "$(wc -c <"$BS_TMP/err")" 0 "nothing on stderr"

# rule 0: exactly the oracle's firing and resolving times and counts
grep '"rule_index":0,' "$t/alerts.json" |
    sed 's/^{"state":"\([a-z]*\)","at":"2026-11-02T\([0-9][0-9]:[0-9][0-9]\):00Z".*"numerator":\([0-9]*\),.*/\1 \2 \3/' \
    >"$t/rule0"
expect_file_eq "$t/rule0" "$t/oracle" "gmail-5726 fires and resolves as the oracle says"
expect_eq "$(wc -l <"$t/oracle")" 2 "the oracle saw one spike"
fire_at=$(awk 'NR == 1 { print $2 }' "$t/oracle")
resolve_at=$(awk 'NR == 2 { print $2 }' "$t/oracle")
expect_eq "$fire_at" "06:51" "the spike starts at 06:50, judged at 06:51"

# the JSON of the firing alert
grep '"rule_index":0,' "$t/alerts.json" | head -1 >"$t/fire0"
for field in \
    '^{"state":"firing","at":"2026-11-02T06:51:00Z","rule":"name=gmail-5726 provider=google dsn=5.7.26 bounces>20 window=10m","rule_index":0,"name":"gmail-5726","key":{"provider":"google","dsn":"5.7.26"},"measure":"bounces","value":[0-9]*,"numerator":[0-9]*,"denominator":[0-9]*,"rate":0\.[0-9]*,"threshold":20,"min":0,' \
    '"window":{"seconds":600,"start":"2026-11-02T06:41:00Z","end":"2026-11-02T06:51:00Z"}' \
    '"since":"2026-11-02T06:51:00Z","repeat":false' \
    '"reasons":\[{"category":"authfailure","detail":"[^"]*","count":[0-9]*,"dsn":"5.7.26","provider":"google","sample":"[^"]*5.7.26[^"]*","hint":"[^"][^"]*"}' \
    '"reasons_other":0}$'; do
    expect_grep "$field" "$t/fire0" "firing JSON: $field"
done
grep '"rule_index":0,' "$t/alerts.json" | tail -1 >"$t/resolve0"
expect_grep "^{\"state\":\"resolved\",\"at\":\"2026-11-02T$resolve_at:00Z\"" \
    "$t/resolve0" "resolved JSON"
expect_grep '"since":"2026-11-02T06:51:00Z","duration_seconds":[0-9]*,' \
    "$t/resolve0" "resolved JSON says since when"

# rule 1 (the rate): one firing during the spike, one resolution after it
grep '"rule_index":1,' "$t/alerts.json" | cut -c1-60 >"$t/rule1"
expect_eq "$(grep -c '"state":"firing"' "$t/rule1")" 1 "gmail-rate fires once"
expect_eq "$(grep -c '"state":"resolved"' "$t/rule1")" 1 "gmail-rate resolves once"
at1=$(sed -n '1s/.*"at":"2026-11-02T\([0-9:]*\):00Z".*/\1/p' "$t/rule1")
case $at1 in 06:5[0-9]|07:0[0-5]) ok=yes ;; *) ok=no ;; esac
expect_eq "$ok" yes "gmail-rate fires during the spike ($at1)"
expect_grep '"key":{"provider":"google"},"measure":"rate","value":0\.[0-9]*,"numerator":[0-9]*,"denominator":[0-9]*,"rate":0\.[0-9]*,"threshold":0.200000,"min":100,' \
    "$t/alerts.json" "gmail-rate says the rate with numerator and denominator"

# the same alerts from a zstd archive, and from a pipe (a stream)
zstd -q -f "$t/spike.log" -o "$t/spike.log.zst"
expect_status 0 "zstd replay" "$BOUNCESTAT" watch --year 2026 \
    --rules "$t/rules.txt" "$t/spike.log.zst"
expect_file_eq "$BS_TMP/out" "$t/alerts.json" "zstd: same alerts"
cat "$t/spike.log" | "$BOUNCESTAT" watch --year 2026 --rules "$t/rules.txt" \
    >"$t/piped.json" 2>"$t/piped.err"
expect_eq "$?" 0 "stdin stream"
expect_file_eq "$t/piped.json" "$t/alerts.json" "stdin stream: same alerts"

# --alert adds rules too; --renotify repeats firing alerts by log time
expect_status 0 "renotify" "$BOUNCESTAT" watch --year 2026 --renotify 5m \
    --alert 'provider=google dsn=5.7.26 bounces>20 window=10m' "$t/spike.log"
expect_grep "\"state\":\"firing\",\"at\":\"2026-11-02T06:56:00Z\".*\"since\":\"2026-11-02T06:51:00Z\",\"repeat\":true" \
    "$BS_TMP/out" "repeated 5 minutes later"

# ---- rule errors point at the column ----
expect_status 1 "bad rule" "$BOUNCESTAT" watch --alert 'provider=gogle rate>5%' \
    "$t/spike.log"
printf '%s\n' "bouncestat watch: --alert: column 10: unknown provider 'gogle'" \
    "    provider=gogle rate>5%" "             ^" >"$t/want.err"
expect_file_eq "$BS_TMP/err" "$t/want.err" "column and caret"
printf 'rate>5%%\n# comment\ngroup_by=sender_domain spike>4x floor=1 window=30m\n' \
    >"$t/bad-rules.txt"
expect_status 1 "bad rules file" "$BOUNCESTAT" watch --rules "$t/bad-rules.txt" \
    "$t/spike.log"
expect_grep "^bouncestat watch: .*bad-rules.txt:3: column 39: floor: expected a percentage like 5%, not '1'$" \
    "$BS_TMP/err" "rules file: line and column"
expect_status 1 "no rule" "$BOUNCESTAT" watch "$t/spike.log"
expect_status 2 "missing input" "$BOUNCESTAT" watch --alert 'rate>5%' \
    "$t/nonexistent.log"

# ---- --alert-exec: JSON on stdin, BS_ALERT_* variables ----
cat >"$t/hook.sh" <<EOF
#!/bin/sh
# Up to four commands run at once: each writes a file of its own.
f=\$(mktemp "$t/exec.json.XXXXXX")
cat >"\$f"
printf '%s|%s|%s|%s|%s|%s\n' "\$BS_ALERT_STATE" "\$BS_ALERT_AT" \
    "\$BS_ALERT_KEY" "\$BS_ALERT_NUMERATOR" "\$BS_ALERT_WINDOW" \
    "\$BS_ALERT_NAME" >>"$t/exec.env"
EOF
chmod +x "$t/hook.sh"
expect_status 0 "alert-exec" "$BOUNCESTAT" watch --year 2026 \
    --alert 'name=g provider=google dsn=5.7.26 bounces>20 window=10m' \
    --alert-exec "$t/hook.sh" "$t/spike.log"
cat "$t"/exec.json.* 2>/dev/null | sort >"$t/exec.all"
sort "$BS_TMP/out" >"$t/out.sorted"
expect_file_eq "$t/exec.all" "$t/out.sorted" "the command got each alert's JSON"
sort "$t/exec.env" >"$t/exec.env.sorted"
n0=$(awk 'NR == 1 { print $3 }' "$t/oracle")
n1=$(awk 'NR == 2 { print $3 }' "$t/oracle")
printf '%s\n' "firing|2026-11-02T06:51:00Z|provider=google dsn=5.7.26|$n0|600|g" \
    "resolved|2026-11-02T$resolve_at:00Z|provider=google dsn=5.7.26|$n1|600|g" |
    sort >"$t/want.env"
expect_file_eq "$t/exec.env.sorted" "$t/want.env" "BS_ALERT_* variables"

# a failing command is logged; a hanging one is killed; parsing goes on
expect_status 0 "failing command" "$BOUNCESTAT" watch --year 2026 \
    --rules "$t/rules.txt" --alert-exec 'exit 3' "$t/spike.log"
expect_file_eq "$BS_TMP/out" "$t/alerts.json" "failing command: same alerts"
expect_grep "alert command exited with status 3" "$BS_TMP/err" "failure logged"
start=$(date +%s)
# A sleep of its own (this script's pid in it), so that another run of
# this test at the same time cannot be taken for a sleeper left behind.
nap="3607.$$"
expect_status 0 "hanging command" "$BOUNCESTAT" watch --year 2026 \
    --rules "$t/rules.txt" --alert-exec "sleep $nap" --exec-timeout 1s \
    "$t/spike.log"
took=$(($(date +%s) - start))
expect_file_eq "$BS_TMP/out" "$t/alerts.json" "hanging command: same alerts"
expect_grep "alert command timed out after 1000 ms; killed" "$BS_TMP/err" \
    "timeout logged"
expect_eq "$([ "$took" -lt 15 ] && echo fast)" fast "hanging commands are cut short (${took}s)"
sleepers=$(for p in /proc/[0-9]*; do tr '\0' ' ' <"$p/cmdline"; echo; done \
    2>/dev/null | grep -c -F -x -e "sleep $nap " -e "/bin/sh -c sleep $nap ")
expect_eq "$sleepers" 0 "no sleeper left behind"

# ---- --alert-webhook: POST each alert; a 500 is retried ----
nalerts=$(wc -l <"$t/alerts.json")
mkdir -p "$t/sink"
"$http" sink "$t/port" "$t/sink" "$nalerts" 1 &
sink=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$t/port" ] && break; sleep 0.2; done
port=$(cat "$t/port")
expect_status 0 "webhook" "$BOUNCESTAT" watch --year 2026 \
    --rules "$t/rules.txt" --no-stdout --webhook-retries 2 \
    --alert-webhook "http://127.0.0.1:$port/hooks/bouncestat" "$t/spike.log"
wait "$sink"
expect_eq "$?" 0 "the sink got every alert"
expect_eq "$(wc -c <"$BS_TMP/out")" 0 "--no-stdout"
expect_grep "webhook http://127.0.0.1:$port/hooks/bouncestat: attempt 1 of 3 failed (HTTP 500); retrying in 1000 ms" \
    "$BS_TMP/err" "the 500 is logged and retried"
: >"$t/bodies"
i=1
while [ "$i" -le "$nalerts" ]; do
    cat "$t/sink/body.$i" >>"$t/bodies"
    echo >>"$t/bodies"
    i=$((i + 1))
done
expect_file_eq "$t/bodies" "$t/alerts.json" "webhook bodies, in order"
expect_grep "^POST /hooks/bouncestat HTTP/1.1" "$t/sink/head.1" "request line"
expect_grep "^Content-Type: application/json" "$t/sink/head.1" "content type"

# an unreachable webhook: bounded retries, then the alert is dropped
expect_status 0 "unreachable webhook" "$BOUNCESTAT" watch --year 2026 \
    --alert 'provider=google dsn=5.7.26 bounces>20 window=10m' \
    --webhook-retries 1 --webhook-timeout 2s \
    --alert-webhook "http://127.0.0.1:$port/" "$t/spike.log"
expect_grep "giving up after 2 attempts (connection refused); the alert is dropped" \
    "$BS_TMP/err" "gives up"
expect_status 1 "https webhook" "$BOUNCESTAT" watch --alert 'rate>5%' \
    --alert-webhook https://example.com/ "$t/spike.log"
expect_grep "only http:// URLs" "$BS_TMP/err" "https refused"

# ---- --listen: scraped while the input is still being read ----
mkfifo "$t/fifo"
"$BOUNCESTAT" watch --year 2026 --rules "$t/rules.txt" \
    --listen 127.0.0.1:0 <"$t/fifo" >"$t/listen.out" 2>"$t/listen.err" &
watcher=$!
exec 3>"$t/fifo"
half=$(($(wc -l <"$t/spike.log") / 2))
head -n "$half" "$t/spike.log" >&3
port=
for _ in $(seq 1 50); do
    port=$(sed -n 's|.*metrics at http://127.0.0.1:\([0-9]*\)/metrics|\1|p' \
        "$t/listen.err")
    [ -n "$port" ] && break
    sleep 0.1
done
got=
for _ in $(seq 1 100); do
    "$http" get 127.0.0.1 "$port" /metrics >"$t/metrics1" 2>/dev/null
    got=$(sed -n 's/^bouncestat_lines_read_total //p' "$t/metrics1")
    [ "$got" = "$half" ] && break
    sleep 0.1
done
expect_eq "$got" "$half" "scraped while reading: the lines so far"
expect_grep '^# TYPE bouncestat_deliveries_total counter$' "$t/metrics1" "TYPE"
expect_grep '^bouncestat_deliveries_total{provider="google",status="sent",category="none"} [0-9][0-9]*$' \
    "$t/metrics1" "deliveries by provider, status, category"
expect_grep '^bouncestat_sender_deliveries_total{sender_domain="other",status="sent"} [0-9]*$' \
    "$t/metrics1" "sender domains with other"
expect_grep '^bouncestat_correlation_messages [0-9]*$' "$t/metrics1" "table size"
expect_grep '^bouncestat_last_log_timestamp_seconds 17936[0-9]*$' "$t/metrics1" \
    "last log time"
expect_grep '^bouncestat_alert_rules 2$' "$t/metrics1" "rules"
tail -n +"$((half + 1))" "$t/spike.log" >&3
exec 3>&-
for _ in $(seq 1 100); do
    "$http" get 127.0.0.1 "$port" /metrics >"$t/metrics2" 2>/dev/null
    got=$(sed -n 's/^bouncestat_lines_read_total //p' "$t/metrics2")
    [ "$got" = "$(wc -l <"$t/spike.log")" ] && break
    sleep 0.1
done
expect_eq "$got" "$(wc -l <"$t/spike.log")" "after the input ends it still serves"
"$http" get 127.0.0.1 "$port" /nothing >/dev/null 2>"$t/status"
expect_grep "HTTP/1.1 404 Not Found" "$t/status" "404"
head -c 5000 /dev/zero | tr '\0' 'x' | "$http" raw 127.0.0.1 "$port" >"$t/raw"
expect_grep "^HTTP/1.1 431 " "$t/raw" "a huge request head is refused"
kill -TERM "$watcher"
wait "$watcher"
expect_eq "$?" 0 "SIGTERM ends watch cleanly"
expect_file_eq "$t/listen.out" "$t/alerts.json" "--listen: same alerts"

# a busy address is a usage error
"$http" sink "$t/port2" "$t/sink" 1 &
sink=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$t/port2" ] && break; sleep 0.2; done
expect_status 1 "address in use" "$BOUNCESTAT" watch \
    --listen "127.0.0.1:$(cat "$t/port2")" "$t/spike.log"
expect_grep "address already in use" "$BS_TMP/err" "bind error"
kill "$sink" 2>/dev/null
wait "$sink" 2>/dev/null

finish
