#!/bin/sh
# test_prometheus.sh - the example Prometheus files under tools/prometheus
# are valid and do what they say (promtool check rules / check config /
# test rules), bouncestat watch's exposition passes `promtool check
# metrics`, and the Alertmanager route sends pages and tickets where it
# should (amtool). Skipped (77) without promtool: Debian's prometheus
# package provides it (prometheus-alertmanager provides amtool).
. "$BS_TESTS/cli/lib.sh"
command -v promtool >/dev/null 2>&1 || {
    echo "SKIP: no promtool (apt-get install prometheus)"
    exit 77
}
dir=$BS_TESTS/../tools/prometheus
t=$BS_TMP
http=$(dirname "$BOUNCESTAT")/bs-test-http

expect_status 0 "promtool check rules" promtool check rules "$dir/bouncestat.rules.yml"
expect_status 0 "promtool test rules" promtool test rules "$dir/bouncestat.rules.test.yml"
expect_status 0 "promtool check config" promtool check config "$dir/prometheus.yml"

# the exposition of a real run, linted by promtool
if "$BOUNCESTAT" watch --help 2>/dev/null | grep -q 'bouncestat watch'; then
    "$BOUNCESTAT" watch --year 2026 --listen 127.0.0.1:0 \
        --alert 'name=gmail provider=google rate>5% window=15m min=50' \
        "$BS_TEST_DATA/sample/maillog" >/dev/null 2>"$t/watch.err" &
    pid=$!
    port=
    for _ in $(seq 1 50); do
        port=$(sed -n 's|.*metrics at http://127.0.0.1:\([0-9]*\)/metrics|\1|p' \
            "$t/watch.err")
        [ -n "$port" ] && break
        sleep 0.1
    done
    "$http" get 127.0.0.1 "$port" /metrics >"$t/metrics" 2>/dev/null
    kill -TERM "$pid"
    wait "$pid"
    expect_status 0 "promtool check metrics" sh -c \
        "promtool check metrics <'$t/metrics'"
    expect_file_eq "$BS_TMP/err" /dev/null "no lint findings"
    expect_grep '^bouncestat_alerts_firing{rule_index="0",name="gmail"} ' \
        "$t/metrics" "the rule's gauge"
fi

if command -v amtool >/dev/null 2>&1; then
    expect_status 0 "amtool check-config" amtool check-config "$dir/alertmanager.yml"
    expect_status 0 "route: fleet page" amtool config routes test \
        --config.file="$dir/alertmanager.yml" \
        alertname=BouncestatFleetProviderRejecting severity=page provider=google
    expect_grep '^mail-ops-pager,mail-ops-tickets$' "$BS_TMP/out" "pager and ticket"
    expect_status 0 "route: ticket" amtool config routes test \
        --config.file="$dir/alertmanager.yml" \
        alertname=BouncestatLogStalled severity=ticket instance=mx1
    expect_grep '^mail-ops-tickets$' "$BS_TMP/out" "ticket only"
fi
finish
