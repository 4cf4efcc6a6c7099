#!/bin/sh
# bench/run.sh - throughput of bouncestat against baselines on the same files
#
# Generates deterministic inputs of SIZE bytes (default 1 GB) with the
# project's bs-gen-maillog: a Postfix log, its zstd archive, the log cut in
# two files, a failure-heavy Postfix log (30% of deliveries failing) and a
# qmail-send multilog log. It warms the page cache, runs every command RUNS
# times and prints a table of median wall times, MB/s and the speed ratio
# to the baseline measured in the same run on the same file. A command and
# its baseline run in turns, round after round (not all runs of one, then
# all of the other), so that a machine whose speed drifts over minutes
# slows both alike. The baselines:
#   grep -c status=bounced  Postfix, one thread
#   cat >/dev/null          what reading costs at all
#   zstd -dc >/dev/null     the .zst archive
#   bouncestat -j1          the two files, against which -j2 is compared
#   bouncestat (ordinary)   the failure-heavy log, against the ordinary mix
#   grep -c failure:        qmail
# Absolute times on shared machines are noise; quote the ratios. Peak RSS
# of every bouncestat run comes from /usr/bin/time -v.
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
generate() { # FILE GENERATOR-ARGS...
    f=$1
    shift
    if [ ! -s "$f" ]; then
        echo "generating $f ..." >&2
        "$gen" --size "$size" -o "$f" --truth "$f.truth.csv" "$@" 2>/dev/null
    fi
}
log="$dir/postfix-$size.log"
qlog="$dir/qmail-$size.log"
heavy="$dir/postfix-heavy-$size.log"
generate "$log" --seed 42
generate "$qlog" --mta qmail --seed 42
generate "$heavy" --seed 43 --failure-share 30
[ -s "$log.zst" ] || zstd -q -T0 -f "$log" -o "$log.zst"
if [ ! -s "$dir/half2.log" ]; then
    lines=$(wc -l <"$log")
    head -n $((lines / 2)) "$log" >"$dir/half1.log"
    tail -n +$((lines / 2 + 1)) "$log" >"$dir/half2.log"
fi
cat "$log" "$log.zst" "$qlog" "$heavy" "$dir"/half*.log >/dev/null

# seconds CMD: the wall time of one run of CMD. Not >/dev/null: GNU grep
# stops at the first match when its output is /dev/null. Commands that
# print the whole input (cat, zstd -dc) say >/dev/null themselves, or the
# baseline would be the time to write a second copy of the input to disk.
seconds() {
    s=$(date +%s.%N)
    sh -c "$1" >"$dir/out" 2>&1
    e=$(date +%s.%N)
    echo "$s $e" | awk '{ printf "%.4f\n", $2 - $1 }'
}

# rounds CMD...: runs each CMD once untimed (its input back in the page
# cache, which may not hold every input at once), then $runs rounds of
# every CMD in turn; the median wall time of CMD number k is in
# $dir/median.k.
rounds() {
    k=0
    for c in "$@"; do
        k=$((k + 1))
        sh -c "$c" >"$dir/out" 2>&1
        : >"$dir/times.$k"
    done
    i=0
    while [ $i -lt "$runs" ]; do
        k=0
        for c in "$@"; do
            k=$((k + 1))
            seconds "$c" >>"$dir/times.$k"
        done
        i=$((i + 1))
    done
    k=0
    for c in "$@"; do
        k=$((k + 1))
        sort -n "$dir/times.$k" |
            awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }' \
                >"$dir/median.$k"
    done
}

peak_rss_mib() {
    /usr/bin/time -v sh -c "exec $1 >'$dir/out'" 2>&1 |
        awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }'
}

bs="'$bin' -f csv --by provider,sender_domain"
printf '\ninputs: %s bytes each, %s runs per command, medians\n' "$size" "$runs"
printf '%-42s %8s %9s %8s %9s\n' command seconds MB/s ratio "RSS MiB"

# row LABEL BYTES BASELINE-SECONDS K CMD [rss]: prints one table row for
# the command timed as number K of the last rounds; the ratio is baseline
# time / this time (> 1: faster than the baseline).
row() {
    t=$(cat "$dir/median.$4")
    rss=-
    [ "${6:-}" = rss ] && rss=$(peak_rss_mib "$5")
    awk -v l="$1" -v b="$2" -v base="$3" -v t="$t" -v rss="$rss" 'BEGIN {
        r = base > 0 ? sprintf("%.3f", base / t) : "-"
        printf "%-42s %8.3f %9.1f %8s %9s\n", l, t, b / t / 1e6, r, rss }'
}

bytes=$(wc -c <"$log")
hbytes=$(wc -c <"$heavy")
qbytes=$(wc -c <"$qlog")
grep_c="grep -c status=bounced '$log'"
cat_c="cat '$log' >/dev/null"
one_c="$bs -j1 '$log'"
cut_c="$bs -j2 '$log'"
heavy_c="$bs -j1 '$heavy'"
rounds "$grep_c" "$cat_c" "$one_c" "$cut_c" "$heavy_c"
grep_t=$(cat "$dir/median.1")
one_t=$(cat "$dir/median.3")
row "grep -c status=bounced" "$bytes" 0 1 "$grep_c"
row "cat >/dev/null" "$bytes" 0 2 "$cat_c"
row "bouncestat -j1 (Postfix)" "$bytes" "$grep_t" 3 "$one_c" rss
row "bouncestat -j2 (Postfix, one file cut)" "$bytes" "$one_t" 4 "$cut_c" rss
# the failure-heavy row is printed below, after the two-file rows
cp "$dir/median.5" "$dir/median.heavy"

# pair BASE-LABEL LABEL BYTES BASE-CMD CMD: a baseline and a command in
# turns, and their rows (the command's with its peak RSS).
pair() {
    rounds "$4" "$5"
    row "$1" "$3" 0 1 "$4"
    row "$2" "$3" "$(cat "$dir/median.1")" 2 "$5" rss
}

pair "zstd -dc >/dev/null" "bouncestat -j1 (Postfix .zst)" "$bytes" \
    "zstd -dc '$log.zst' >/dev/null" "$bs -j1 '$log.zst'"
pair "bouncestat -j1 (two files)" "bouncestat -j2 (two files)" "$bytes" \
    "$bs -j1 '$dir/half1.log' '$dir/half2.log'" \
    "$bs -j2 '$dir/half1.log' '$dir/half2.log'"
row "bouncestat -j1 (30% failing)" "$hbytes" "$one_t" heavy "$heavy_c" rss
pair "grep -c failure: (qmail)" "bouncestat -j1 (qmail multilog)" \
    "$qbytes" "grep -c failure: '$qlog'" "$bs -j1 '$qlog'"
cat <<'NOTE'

ratio: the baseline's time / this time, the baseline being the row above
it that has no ratio (grep for -j1, -j1 for -j2, zstd -dc for the .zst,
the ordinary mix for the failure-heavy log, grep failure: for qmail).
NOTE
