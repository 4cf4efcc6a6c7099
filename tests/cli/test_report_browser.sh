#!/bin/sh
# test_report_browser.sh - the HTML report of a generated month opened in
# headless Chromium (Debian's chromium package, installed here when it is
# missing and we are root): no console errors or failed loads, the three
# SVG charts laid out with the expected number of series, each series
# drawn (a non-empty bounding box), and a PNG screenshot of the first A4
# page at 150 dpi written to $BS_TMP/report-browser/report.png.
# Exit 77 (skipped) with a message when Chromium cannot be had.
. "$BS_TESTS/cli/lib.sh"
. "$BS_TESTS/cli/report_month.sh"
"$BOUNCESTAT" report --help 2>/dev/null | grep -q '^Usage: bouncestat report' || {
    echo "FAIL: $BOUNCESTAT has no 'report' subcommand (the dispatch in" \
        "tools/bouncestat/main.c is missing)"
    exit 1
}
t=$BS_TMP/report-browser
mkdir -p "$t"

find_chromium() {
    for c in chromium chromium-browser google-chrome; do
        command -v "$c" >/dev/null 2>&1 && { command -v "$c"; return 0; }
    done
    return 1
}

if ! CHROMIUM=$(find_chromium); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing chromium (apt-get install -y chromium)..."
        { apt-get update && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --no-install-recommends chromium; } \
            >"$t/apt.log" 2>&1
    fi
    CHROMIUM=$(find_chromium) || {
        echo "SKIP: headless Chromium check: no chromium, and it could not" \
            "be installed (needs root and apt-get; see $t/apt.log)"
        exit 77
    }
fi

gen_days 2026-10 1 31 "$t/oct.log" || { echo "FAIL: generator"; exit 1; }
expect_status 0 "report" "$BOUNCESTAT" report --year 2026 --tz UTC \
    --month 2026-10 "$t/oct.log" -o "$t/report.html"

# chrome DIR-SUFFIX ARGS...: a fresh profile each time, no network.
chrome() {
    profile=$(mktemp -d "$t/profile.XXXXXX")
    timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --disable-extensions \
        --hide-scrollbars --user-data-dir="$profile" "$@"
    rc=$?
    rm -rf "$profile"
    return $rc
}

# 1. The report itself: the DOM, with console messages on stderr.
chrome --enable-logging=stderr --v=0 --dump-dom "file://$t/report.html" \
    >"$t/dom.html" 2>"$t/console.log"
expect_grep '<svg class="chart" data-chart="daily-rate"' "$t/dom.html" \
    "Chromium parsed the report"
bs_checks=$((bs_checks + 1))
if grep -E 'CONSOLE|Uncaught|Failed to load resource|net::ERR' \
    "$t/console.log" | grep -v 'DevTools' >"$t/console-errors.txt"; then
    echo "FAIL: console errors:" >&2
    head -5 "$t/console-errors.txt" >&2
    bs_failures=$((bs_failures + 1))
fi

# 2. A copy with a probe script that measures every chart's series.
sed 's|</body>|<script>window.onerror=function(m){document.title="ERR "+m};\
var out=[];document.querySelectorAll("svg.chart").forEach(function(s){\
var g=s.querySelectorAll("g.series"),n=0;g.forEach(function(x){\
var b=x.getBBox();if(b.width>0\&\&b.height>0)n++});\
out.push(s.dataset.chart+":"+g.length+":"+n)});\
var p=document.createElement("pre");p.id="probe";p.textContent=out.join(" ");\
document.body.appendChild(p);</script></body>|' "$t/report.html" \
    >"$t/probe.html"
chrome --dump-dom "file://$t/probe.html" >"$t/probe-dom.html" 2>/dev/null
src_series() { grep -o "data-chart=\"$1\" data-series=" "$t/report.html" |
    wc -l | tr -d ' '; }
want="daily-rate:8:8 daily-volume:3:3 categories:$(src_series categories):$(src_series categories)"
expect_grep "<pre id=\"probe\">$want</pre>" "$t/probe-dom.html" \
    "every series laid out and drawn ($want)"

# 3. The screenshot: the first A4 page at 150 dpi.
chrome --screenshot="$t/report.png" --window-size=1240,1754 \
    "file://$t/report.html" >/dev/null 2>&1
bs_checks=$((bs_checks + 1))
if [ "$(head -c 8 "$t/report.png" 2>/dev/null | od -An -tx1 | tr -d ' ')" \
    != 89504e470d0a1a0a ] || [ "$(wc -c <"$t/report.png")" -lt 20000 ]; then
    echo "FAIL: no screenshot in $t/report.png" >&2
    bs_failures=$((bs_failures + 1))
else
    echo "screenshot: $t/report.png"
fi

finish
