#!/bin/sh
# test_follow.sh - bouncestat -F follows a file by name while a writer
# appends generated Postfix lines and rotates it every way logrotate and
# people do: rename + create (the writer still appending to the old file
# for a moment), copytruncate, delete + recreate, truncation in place,
# truncation and immediate regrowth, and a rename while the last line is
# partial (once completed in the old file within --partial-timeout, once
# never completed: counted as it is when the timeout ends), and two
# rotations between two looks of bouncestat. After SIGTERM
# its final CSV must equal, byte for byte, a batch run over every line
# written, in the order written: no line lost, none counted twice.
#
# Determinism: the writer waits until bouncestat has read everything
# (lines_read of the live JSON, asked for with SIGUSR1) before each
# rotation, and after a truncation until bouncestat has noticed it. That
# closes the copytruncate window that no follower can close: lines
# written between the copy and the truncation are only in the copy.
# Its own BS_TMP: lib.sh keeps out and err there, and ctest runs the
# scripts in parallel.
BS_TMP=${BS_TMP:?}/follow
. "$BS_TESTS/cli/lib.sh"
[ -x "${BS_GEN:-}" ] || { echo "no generator (BS_GEN)"; exit 77; }
t=$BS_TMP
rm -rf "$t"
mkdir -p "$t"
log=$t/maillog     # the name bouncestat follows
truth=$t/written   # every complete line written, in order
live=$t/live.jsonl # live JSON objects (stdout)
errs=$t/stderr
pid=
cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$BS_GEN" --seed 11 --messages 1500 -o "$t/src.log" 2>/dev/null
total=$(wc -l <"$t/src.log" | tr -d ' ')
: >"$truth"
next=1 # next source line to write

# write FILE COUNT: appends the next COUNT source lines to FILE, 250 at a
# time, as a busy syslog would.
write() {
    end=$((next + $2 - 1))
    while [ "$next" -le "$end" ]; do
        stop=$((next + 249))
        [ "$stop" -gt "$end" ] && stop=$end
        sed -n "${next},${stop}p" "$t/src.log" >"$t/piece"
        cat "$t/piece" >>"$1"
        cat "$t/piece" >>"$truth"
        next=$((stop + 1))
        sleep 0.02
    done
}

# wait_read WHAT: until bouncestat says it read every line of the truth.
wait_read() {
    want=$(wc -l <"$truth" | tr -d ' ')
    got=
    i=0
    while [ $i -lt 150 ]; do
        kill -USR1 "$pid" 2>/dev/null
        sleep 0.1
        got=$(tail -n 1 "$live" |
            sed -n 's/^{"lines_read":\([0-9]*\),.*}$/\1/p')
        [ "$got" = "$want" ] && return 0
        i=$((i + 1))
    done
    bs_checks=$((bs_checks + 1))
    bs_failures=$((bs_failures + 1))
    echo "FAIL: $1: bouncestat read ${got:-?} lines, want $want" >&2
    return 1
}

# wait_notice TEXT: until stderr has one more line with TEXT than before
# the last mark_notice.
mark_notice() { seen=$(grep -c -e "$1" "$errs"); }
wait_notice() {
    i=0
    while [ $i -lt 100 ]; do
        [ "$(grep -c -e "$1" "$errs")" -gt "$seen" ] && return 0
        sleep 0.05
        i=$((i + 1))
    done
    bs_checks=$((bs_checks + 1))
    bs_failures=$((bs_failures + 1))
    echo "FAIL: no new notice '$1'" >&2
    return 1
}

# The name does not exist yet: bouncestat waits for it.
"$BOUNCESTAT" -F --year 2026 --interval 1 --partial-timeout 2 -f csv \
    --by provider,sender_domain -o "$t/follow.csv" "$log" >"$live" \
    2>"$errs" &
pid=$!
seen=0
wait_notice "maillog: cannot open"
expect_grep "maillog: cannot open: .*; trying again" "$errs" \
    "a missing file is waited for"
mark_notice "has appeared"
write "$log" 2000
wait_notice "has appeared"
wait_read "first lines"

# 1. rename + create; the writer appends to the old file before reopening.
mv "$log" "$log.1"
write "$log.1" 500
write "$log" 2000
wait_read "rename + create"

# 2. copytruncate
mark_notice "file truncated"
cp "$log" "$log.2" && : >"$log"
wait_notice "file truncated"
write "$log" 1500
wait_read "copytruncate"

# 3. delete + recreate
mark_notice "has become inaccessible"
rm "$log"
wait_notice "has become inaccessible"
write "$log" 1500
wait_read "delete + recreate"

# 4. truncation in place
mark_notice "file truncated"
: >"$log"
wait_notice "file truncated"
write "$log" 1000
wait_read "truncation in place"

# 5. truncation and regrowth past the old size while bouncestat cannot
# look (stopped): only the changed first bytes tell, not the size.
mark_notice "file truncated"
kill -STOP "$pid"
sed -n "${next},$((next + 1999))p" "$t/src.log" >"$t/piece"
cat "$t/piece" >"$log"
cat "$t/piece" >>"$truth"
next=$((next + 2000))
kill -CONT "$pid"
wait_notice "file truncated"
wait_read "truncation and regrowth"

# 6. rename while the last line is partial; its rest goes to the old file
# within --partial-timeout. The line is a delivery, so the CSV shows it.
at=$(tail -n "+$next" "$t/src.log" | grep -n ' to=<.*status=' | head -n 1 |
    cut -d: -f1)
write "$log" $((at - 1))
line=$(sed -n "${next}p" "$t/src.log")
next=$((next + 1))
half=$((${#line} / 2))
printf '%s' "$line" | cut -c "1-$half" | tr -d '\n' >>"$log"
sleep 0.3
mv "$log" "$log.3"
printf '%s\n' "$line" | cut -c "$((half + 1))-" >>"$log.3"
printf '%s\n' "$line" >>"$truth"
write "$log" 1000
wait_read "partial line completed after rename"

# 7. rename while the last line is partial and stays so: counted as it is
# when --partial-timeout ends. A line that joins nothing (smtpd noise), so
# counting it after the new file's lines changes no correlation.
noise='Nov  1 00:30:00 mx postfix/smtpd[4242]: disconnect from unknown[::1]'
printf '%s' "$noise" >>"$log"
sleep 0.3
mv "$log" "$log.4"
write "$log" 500
printf '%s\n' "$noise" >>"$truth"
wait_read "partial line taken at the timeout"

# 8. two rotations while bouncestat cannot look (stopped): the file in
# between (maillog.6) was never under the name when it looked; it is
# found among the rotated files and read whole before the new one.
sleep 0.05 # a later mtime than the old file's last write
kill -STOP "$pid"
mv "$log" "$log.5"
write "$log" 300
mv "$log" "$log.6"
write "$log" 300
gzip -c "$log.5" >"$log.5.gz" # compressed: never taken for a log
kill -CONT "$pid"
wait_read "two rotations between two looks"
expect_grep "maillog: was rotated again before it was read: .*/maillog.6$" \
    "$errs" "the file rotated between two looks is named"
bs_checks=$((bs_checks + 1))
if grep -q "before it was read: .*\(gz\|maillog.5\)$" "$errs"; then
    echo "FAIL: the compressed copy or the old file was taken again" >&2
    bs_failures=$((bs_failures + 1))
fi

# 9. the name goes missing, then a file comes and is rotated away, then
# another, all while bouncestat cannot look.
mark_notice "has become inaccessible"
mv "$log" "$log.7"
wait_notice "has become inaccessible"
sleep 0.05
kill -STOP "$pid"
write "$log" 300
mv "$log" "$log.8"
write "$log" 300
kill -CONT "$pid"
wait_read "missing, then two files between two looks"

# The rest, then the end of the run.
write "$log" $((total - next + 1))
wait_read "all lines"
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
bs_checks=$((bs_checks + 1))
if [ "$rc" != 0 ]; then
    echo "FAIL: SIGTERM: exit status $rc, want 0" >&2
    bs_failures=$((bs_failures + 1))
fi

expect_status 0 "batch over the lines written" "$BOUNCESTAT" --year 2026 \
    -f csv --by provider,sender_domain "$truth"
expect_file_eq "$t/follow.csv" "$BS_TMP/out" \
    "followed through rotations = batch over all lines written"
expect_grep "has been replaced; following new file\|has appeared" "$errs" \
    "rotation noticed"
expect_grep '^{"lines_read":[0-9]*,"log_time":.*"totals":{.*"providers":\[' \
    "$live" "live JSON objects on stdout"

finish
