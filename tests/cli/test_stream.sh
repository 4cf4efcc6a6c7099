#!/bin/sh
# test_stream.sh - stream mode: a pipe that stays open gets live JSON
# lines before the final report; SIGUSR1 shows the summary at once;
# SIGHUP neither kills nor loses anything and reopens followed files;
# SIGINT and SIGTERM give the final report and exit 0; a reader of stdout
# that goes away ends the run cleanly; on a terminal (script(1), when
# installed) the summary is redrawn in place; the batch progress bar is
# drawn on a terminal's stderr only, and not with --quiet.
# Its own BS_TMP: lib.sh keeps out and err there, and ctest runs the
# scripts in parallel.
BS_TMP=${BS_TMP:?}/stream
. "$BS_TESTS/cli/lib.sh"
[ -x "${BS_GEN:-}" ] || { echo "no generator (BS_GEN)"; exit 77; }
t=$BS_TMP
rm -rf "$t"
mkdir -p "$t"
pid=
cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    exec 3>&- 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$BS_GEN" --seed 21 --messages 2000 -o "$t/src.log" 2>/dev/null
lines=$(wc -l <"$t/src.log" | tr -d ' ')
csv="-f csv --by provider,sender_domain"
expect_status 0 "batch reference" "$BOUNCESTAT" --year 2026 $csv "$t/src.log"
cp "$BS_TMP/out" "$t/want.csv"

# check ok DESCRIPTION: counts a check that passed when ok is 0.
check() {
    bs_checks=$((bs_checks + 1))
    [ "$1" = 0 ] && return 0
    echo "FAIL: $2" >&2
    bs_failures=$((bs_failures + 1))
}

# wait_for PATTERN FILE: up to 10 s until FILE has a line with PATTERN.
wait_for() {
    i=0
    while [ $i -lt 100 ]; do
        grep -q -e "$1" "$2" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# Usage errors.
expect_status 1 "--interval 0" "$BOUNCESTAT" --interval 0
expect_grep "interval wants seconds > 0" "$BS_TMP/err" "names --interval"
expect_status 1 "--interval abc" "$BOUNCESTAT" --interval abc
expect_status 1 "--partial-timeout -1" "$BOUNCESTAT" --partial-timeout -1
expect_status 0 "--help" "$BOUNCESTAT" --help
expect_grep "^  -F, --follow" "$BS_TMP/out" "--help lists --follow"

# A pipe that stays open: live JSON objects, one per line, then the
# final report (here JSON too) once the pipe ends.
expect_status 0 "open pipe" sh -c "(cat '$t/src.log'; sleep 2.5) |
    '$BOUNCESTAT' --year 2026 --interval 0.5 -f json"
head -n 1 "$BS_TMP/out" >"$t/first"
object='^{"lines_read":[0-9]*,"log_time":"2026-11-01T[0-9:]*Z",'
object=$object'"totals":{"sent":[0-9]*,.*"providers":\[{"provider":.*}\]}$'
expect_grep "$object" "$t/first" "a live line is one JSON object"
expect_grep "^{\"lines_read\":$lines," "$BS_TMP/out" \
    "a live line counts every line of the open pipe"
n=$(grep -c '^{"lines_read":' "$BS_TMP/out")
[ "$n" -ge 2 ]
check $? "at least two live lines in 2.5 s at --interval 0.5 (got $n)"
tail -n 1 "$BS_TMP/out" | grep -q '^{"lines_read":'
check $((! $?)) "the final report comes last"

# A pipe through a FIFO that the test holds open: signals.
mkfifo "$t/fifo"
"$BOUNCESTAT" --year 2026 --interval 600 $csv <"$t/fifo" >"$t/sig.out" \
    2>"$t/sig.err" &
pid=$!
exec 3>"$t/fifo"
cat "$t/src.log" >&3
i=0
until grep -q "^{\"lines_read\":$lines," "$t/sig.out" || [ $i -ge 100 ]; do
    kill -USR1 "$pid"
    sleep 0.1
    i=$((i + 1))
done
[ $i -lt 100 ]
check $? "SIGUSR1 shows the summary at once (--interval 600)"
kill -HUP "$pid"
sleep 0.3
kill -0 "$pid" 2>/dev/null
check $? "SIGHUP does not end the run"
kill -INT "$pid"
wait "$pid"
check $? "SIGINT: exit status 0"
pid=
exec 3>&-
grep -v '^{' "$t/sig.out" >"$t/sig.csv"
expect_file_eq "$t/sig.csv" "$t/want.csv" "SIGINT: the final report is whole"

# SIGTERM while following; SIGHUP reopens the followed file.
cp "$t/src.log" "$t/followed"
"$BOUNCESTAT" -F --year 2026 --interval 600 $csv -o "$t/term.csv" \
    "$t/followed" >"$t/term.out" 2>"$t/term.err" &
pid=$!
sleep 0.5
kill -HUP "$pid"
wait_for "SIGHUP: reopening followed files" "$t/term.err"
check $? "SIGHUP reopens the followed files"
kill -TERM "$pid"
wait "$pid"
check $? "SIGTERM: exit status 0"
pid=
expect_file_eq "$t/term.csv" "$t/want.csv" "SIGTERM: the final report"

# Two files followed at once, written in turns (disjoint messages, so the
# interleaving joins nothing differently from a batch run over both).
"$BS_GEN" --seed 31 --messages 300 --long-queue-ids -o "$t/a.src" 2>/dev/null
"$BS_GEN" --seed 32 --messages 300 --long-queue-ids -o "$t/b.src" 2>/dev/null
: >"$t/a.log"
: >"$t/b.log"
"$BOUNCESTAT" -F --year 2026 --interval 600 $csv -o "$t/two.csv" \
    "$t/a.log" "$t/b.log" >/dev/null 2>"$t/two.err" &
pid=$!
for part in 1 2 3; do
    for f in a b; do
        n=$(wc -l <"$t/$f.src")
        from=$(((part - 1) * n / 3 + 1))
        to=$((part * n / 3))
        sed -n "${from},${to}p" "$t/$f.src" >>"$t/$f.log"
        sleep 0.2
    done
done
sleep 0.3
kill -TERM "$pid"
wait "$pid"
check $? "two followed files: exit status 0"
pid=
expect_status 0 "batch over both" "$BOUNCESTAT" --year 2026 $csv \
    "$t/a.src" "$t/b.src"
expect_file_eq "$t/two.csv" "$BS_TMP/out" "two followed files = batch"

# The reader of stdout goes away: a clean end, exit 0, no message.
expect_status 0 "stdout reader gone" sh -c "(cat '$t/src.log'; sleep 2) |
    ('$BOUNCESTAT' --year 2026 --interval 0.2; echo \$? >'$t/rc') |
    head -c 1 >/dev/null"
[ "$(cat "$t/rc")" = 0 ]
check $? "EPIPE on stdout: exit status 0"
expect_status 0 "no message" test ! -s "$BS_TMP/err"

# No progress bar when stderr is not a terminal.
expect_status 0 "batch, stderr not a terminal" "$BOUNCESTAT" --year 2026 \
    -o /dev/null "$t/src.log"
expect_status 0 "nothing on stderr" test ! -s "$BS_TMP/err"

if ! command -v script >/dev/null 2>&1 ||
    ! script -qec true /dev/null </dev/null >/dev/null 2>&1; then
    echo "script(1) is missing: terminal checks skipped"
    finish
fi
esc=$(printf '\033')

# On a terminal: frames drawn in place (home, erase to end of line and of
# screen), then the frame erased and the final report.
script -qec "sh -c \"(cat '$t/src.log'; sleep 2) |
    '$BOUNCESTAT' --year 2026 --interval 0.5\"" /dev/null \
    </dev/null >"$t/tty.out" 2>&1
expect_grep "${esc}\[Hbouncestat: [0-9]* lines, log time up to" \
    "$t/tty.out" "a frame starts at the home position"
expect_grep "${esc}\[K" "$t/tty.out" "lines end with erase to end of line"
expect_grep "${esc}\[J" "$t/tty.out" "frames end with erase to end of screen"
expect_grep "^Deliveries: " "$t/tty.out" "the final report follows"

# The progress bar: on a terminal's stderr, not with --quiet.
cat "$t/src.log" "$t/src.log" >"$t/big.log"
script -qec "'$BOUNCESTAT' --year 2026 -o /dev/null '$t/big.log'" \
    /dev/null </dev/null >"$t/bar.out" 2>&1
expect_grep "% \[#*\.*\] .* MB/s  ETA " "$t/bar.out" \
    "progress bar on a terminal"
expect_grep "${esc}\[K" "$t/bar.out" "the bar is erased at the end"
script -qec "'$BOUNCESTAT' -q --year 2026 -o /dev/null '$t/big.log'" \
    /dev/null </dev/null >"$t/quiet.out" 2>&1
expect_status 0 "--quiet: no bar" test ! -s "$t/quiet.out"

finish
