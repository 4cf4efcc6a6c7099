#!/bin/sh
# bench/run.sh - throughput of bouncestat against baselines on the same file
#
# Generates a deterministic Postfix log of SIZE bytes (default 1 GB) with
# tools' bs-gen-maillog, and a qmail-send log (multilog) of the same size,
# warms the page cache, then runs each command RUNS times and prints the
# median wall time, MB/s and the ratio to the baseline on the same file:
# grep for the failure lines (status=bounced for Postfix, failure: for
# qmail). Absolute times on shared machines are noise; the
# ratios measured in the same run are what to quote. Peak RSS comes from
# /usr/bin/time -v.
#
# Usage: bench/run.sh [SIZE-BYTES] [RUNS]
#   BENCH_DIR (default /tmp/bouncestat-bench) holds the generated inputs.
#   BENCH_BUILD (default build-bench in the tree) is the build directory,
#   BENCH_JOBS (default nproc) the build's parallel jobs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-1000000000}
runs=${2:-5}
dir=${BENCH_DIR:-/tmp/bouncestat-bench}
build=${BENCH_BUILD:-$top/build-bench}

"$top/tools/setup-deps.sh" time
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBS_TESTS=OFF >/dev/null
cmake --build "$build" -j"${BENCH_JOBS:-$(nproc)}" \
    --target bouncestat bs-gen-maillog >/dev/null
bin="$build/tools/bouncestat"
gen="$build/tools/bs-gen-maillog"

mkdir -p "$dir"
log="$dir/postfix-$size.log"
if [ ! -s "$log" ]; then
    echo "generating $log ..." >&2
    "$gen" --seed 42 --size "$size" -o "$log" --truth "$log.truth.csv"
fi
qlog="$dir/qmail-$size.log"
if [ ! -s "$qlog" ]; then
    echo "generating $qlog ..." >&2
    "$gen" --mta qmail --seed 42 --size "$size" -o "$qlog" \
        --truth "$qlog.truth.csv"
fi
bytes=$(wc -c <"$log")
qbytes=$(wc -c <"$qlog")
cat "$log" "$qlog" >/dev/null # warm the page cache

# median_seconds CMD: runs CMD $runs times, prints the median wall time.
median_seconds() {
    i=0
    while [ $i -lt "$runs" ]; do
        s=$(date +%s.%N)
        # Not >/dev/null: GNU grep stops at the first match when its output
        # is /dev/null.
        sh -c "$1" >"$dir/out" 2>&1
        e=$(date +%s.%N)
        echo "$s $e" | awk '{ printf "%.4f\n", $2 - $1 }'
        i=$((i + 1))
    done | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

peak_rss_kb() {
    /usr/bin/time -v sh -c "exec $1 >'$dir/out'" 2>&1 |
        awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }'
}

base_cmd="grep -c status=bounced '$log'"
bs_cmd="'$bin' --year 2026 -f csv --by provider,sender_domain '$log'"
base=$(median_seconds "$base_cmd")
ours=$(median_seconds "$bs_cmd")
rss=$(peak_rss_kb "'$bin' --year 2026 -f csv --by provider,sender_domain '$log'")
qbase_cmd="grep -c failure: '$qlog'"
qbs_cmd="'$bin' -f csv --by provider,sender_domain '$qlog'"
qbase=$(median_seconds "$qbase_cmd")
qours=$(median_seconds "$qbs_cmd")
qrss=$(peak_rss_kb "$qbs_cmd")

echo
echo "input: $log ($bytes bytes), $runs runs each, medians"
echo "qmail input: $qlog ($qbytes bytes)"
awk -v b="$bytes" -v t1="$base" -v t2="$ours" -v rss="$rss" \
    -v qb="$qbytes" -v q1="$qbase" -v q2="$qours" -v qrss="$qrss" 'BEGIN {
    printf "%-44s %9s %10s\n", "command", "seconds", "MB/s"
    printf "%-44s %9.3f %10.1f\n", "grep -c status=bounced", t1, b / t1 / 1e6
    printf "%-44s %9.3f %10.1f\n", "bouncestat -f csv --by provider,sender_domain", t2, b / t2 / 1e6
    printf "%-44s %9.3f %10.1f\n", "grep -c failure: (qmail)", q1, qb / q1 / 1e6
    printf "%-44s %9.3f %10.1f\n", "bouncestat (qmail multilog)", q2, qb / q2 / 1e6
    printf "ratio bouncestat/grep speed: %.3f\n", t1 / t2
    printf "ratio bouncestat/grep speed, qmail: %.3f\n", q1 / q2
    printf "bouncestat peak RSS: %.1f MiB\n", rss / 1024
    printf "bouncestat peak RSS, qmail: %.1f MiB\n", qrss / 1024
}'
