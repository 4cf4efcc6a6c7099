#!/bin/sh
# test_state.sh - restart without loss: bouncestat -F --state follows a
# log that a writer keeps appending to and rotating, is killed with
# SIGKILL at random moments (during reads, checkpoints, right after a
# rotation, while lines and rotations happen during its downtime) and
# restarted each time. At the end its JSON report (every counter, cell,
# sample and line count) must equal, byte for byte, one clean batch run
# over every line written, in the order written: no line lost, none
# counted twice.
#
# The moments are random; the seed is printed and BS_STATE_SEED repeats
# a run. Then the state file's own contract: a damaged or foreign state
# is refused and left as it is, --reset-state starts afresh, a second
# bouncestat on the same state is refused, a checkpoint that cannot be
# written (disk full, read-only folder) keeps the previous one and the
# run goes on; standard input keeps its counts across restarts.
. "$BS_TESTS/cli/lib.sh"
[ -x "${BS_GEN:-}" ] || { echo "no generator (BS_GEN)"; exit 77; }
t=$BS_TMP
rm -rf "$t"
mkdir -p "$t/logs"
log=$t/logs/maillog
truth=$t/written
state=$t/state.json
errs=$t/stderr
pid=
cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    umount "$t/full" 2>/dev/null
    chmod -R u+w "$t" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM
wait_for() { # FILE TEXT: up to 10 s until FILE has a line with TEXT
    for _ in $(seq 1 100); do
        grep -q -e "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

seed=${BS_STATE_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "seed $seed (BS_STATE_SEED=$seed repeats this run)"
"$BS_GEN" --seed 21 --messages 2500 --year-format rfc3339 \
    -o "$t/src.log" 2>/dev/null
total=$(wc -l <"$t/src.log" | tr -d ' ')
: >"$truth"
next=1

# The random script: one line per step, "write N", "rotate", "kill S"
# (sleep S seconds, then SIGKILL), "down" (the next writes and rotations
# happen while bouncestat is down), "up".
awk -v seed="$seed" -v total="$total" 'BEGIN {
    srand(seed); n = 1
    while (n <= total) {
        k = 100 + int(rand() * 300); n += k; print "write " k
        r = rand()
        if (r < 0.15) print "rotate"
        else if (r < 0.45) {
            printf "kill %.2f\n", rand() * 0.4
            if (rand() < 0.5) {
                print "down"
                k = 100 + int(rand() * 300); n += k; print "write " k
                if (rand() < 0.5) print "rotate"
                if (rand() < 0.3) { k = 50; n += k; print "write " k; print "rotate" }
            }
            print "up"
        } else if (r < 0.55) {
            print "rotate"; printf "kill %.2f\n", rand() * 0.2; print "up"
        }
    }
}' >"$t/script"

gen=0
write() {
    [ "$next" -le "$total" ] || return 0
    stop=$((next + $1 - 1))
    sed -n "${next},${stop}p" "$t/src.log" >"$t/piece"
    cat "$t/piece" >>"$log"
    cat "$t/piece" >>"$truth"
    next=$((stop + 1))
    sleep 0.03
}
rotate() { # maillog -> maillog.N, the next write creates maillog
    gen=$((gen + 1))
    [ -f "$log" ] && mv "$log" "$log.$gen"
}
start() {
    "$BOUNCESTAT" -F -q --state "$state" --checkpoint-interval 0.2 \
        --interval 3600 -f json -o "$t/final.json" "$log" \
        >>"$t/live.jsonl" 2>>"$errs" &
    pid=$!
}

# The first run must have seen the log before the kills start: a run
# killed before it opened anything leaves no state, and what is rotated
# away before any run marked it is out of reach (slow under sanitizers).
kills=0
write 100
start
bs_checks=$((bs_checks + 1))
if ! wait_for "$state" .; then
    echo "FAIL: the first run wrote no state in 10 s" >&2
    bs_failures=$((bs_failures + 1))
fi
while read -r what arg; do
    case $what in
    write) write "$arg" ;;
    rotate) rotate ;;
    kill)
        sleep "$arg"
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        pid=
        kills=$((kills + 1))
        ;;
    down) ;;
    up) start ;;
    esac
done <"$t/script"

# The last run: once it has read every line written, SIGTERM. (SIGUSR1
# before its handler is installed would end it: give it a moment.)
want=$(wc -l <"$truth" | tr -d ' ')
sleep 0.5
i=0
got=
while [ $i -lt 200 ]; do
    kill -USR1 "$pid" 2>/dev/null
    sleep 0.1
    got=$(tail -n 1 "$t/live.jsonl" |
        sed -n 's/^{"lines_read":\([0-9]*\),.*}$/\1/p')
    [ "$got" = "$want" ] && break
    i=$((i + 1))
done
kill -TERM "$pid"
wait "$pid"
status=$?
pid=
bs_checks=$((bs_checks + 1))
if [ "$status" != 0 ]; then
    echo "FAIL: the last run ended with status $status" >&2
    bs_failures=$((bs_failures + 1))
fi
bs_checks=$((bs_checks + 1))
if [ "$kills" -lt 5 ]; then
    echo "FAIL: only $kills kills (seed $seed)" >&2
    bs_failures=$((bs_failures + 1))
fi
echo "$kills kills, $gen rotations, $want lines, last run read ${got:-?}"
"$BOUNCESTAT" -q -f json "$truth" >"$t/clean.json"
# One JSON row per line, so that a difference shows as a few lines.
sed 's/},{/},\n{/g' "$t/final.json" >"$t/final.rows"
sed 's/},{/},\n{/g' "$t/clean.json" >"$t/clean.rows"
expect_file_eq "$t/final.rows" "$t/clean.rows" \
    "killed and restarted $kills times (seed $seed) = one clean run"
if grep -q "lost" "$errs"; then
    bs_checks=$((bs_checks + 1))
    bs_failures=$((bs_failures + 1))
    echo "FAIL: a restart lost lines (seed $seed):" >&2
    grep "lost" "$errs" | head -3 >&2
fi

# ---- the state file's contract ----------------------------------------
sample=$BS_TEST_DATA/sample/maillog
cp "$state" "$t/good.json"
cp "$state" "$t/bad.json"
printf 'XX' | dd of="$t/bad.json" bs=1 seek=300 conv=notrunc 2>/dev/null
cp "$t/bad.json" "$t/bad.orig"
expect_status 1 "damaged state refused" \
    "$BOUNCESTAT" -q --state "$t/bad.json" "$sample"
expect_grep "bad.json: byte 30[0-9]" "$t/err" "the error names the byte"
expect_grep "reset-state" "$t/err" "the error says how to start afresh"
expect_file_eq "$t/bad.json" "$t/bad.orig" "a damaged state is not overwritten"

"$BOUNCESTAT" -q --save "$t/saved.json" "$sample" >/dev/null
expect_status 1 "a saved aggregate is not a state" \
    "$BOUNCESTAT" -q --state "$t/saved.json" "$sample"
expect_grep "not a state file" "$t/err" "says what the file is"
sed 's/"bouncestat-state","version":1/"bouncestat-state","version":7/' \
    "$t/good.json" >"$t/v7.json"
expect_status 1 "another version refused" \
    "$BOUNCESTAT" -q --state "$t/v7.json" "$sample"
expect_grep "state version 7" "$t/err" "names the version"

expect_status 0 "--reset-state starts afresh" \
    "$BOUNCESTAT" -q --state "$t/bad.json" --reset-state -f csv "$sample"
"$BOUNCESTAT" -q -f csv "$sample" >"$t/sample.csv"
expect_file_eq "$t/out" "$t/sample.csv" "after a reset only this run counts"
expect_status 0 "the reset state is a checkpoint again" \
    "$BOUNCESTAT" -q --state "$t/bad.json" -f csv "$sample"
expect_file_eq "$t/out" "$t/sample.csv" "a file read to its end is not read again"

# A second bouncestat on a state in use.
"$BOUNCESTAT" -F -q --state "$t/busy.json" "$sample" >/dev/null 2>&1 &
pid=$!
sleep 0.5
expect_status 1 "a state in use is refused" \
    "$BOUNCESTAT" -q --state "$t/busy.json" "$sample"
expect_grep "in use by another bouncestat" "$t/err" "says why"
kill -TERM "$pid"
wait "$pid"
pid=

# Standard input: the counts persist across restarts (a pipe has no
# position, so the lines are split between the two runs by hand).
head -n 3000 "$t/src.log" >"$t/part1"
tail -n +3001 "$t/src.log" >"$t/part2"
cat "$t/part1" | "$BOUNCESTAT" -q --state "$t/pipe.json" -f csv >/dev/null
cat "$t/part2" | "$BOUNCESTAT" -q --state "$t/pipe.json" -f csv >"$t/pipe.csv"
"$BOUNCESTAT" -q -f csv "$t/src.log" >"$t/src.csv"
expect_file_eq "$t/pipe.csv" "$t/src.csv" "a pipe in two runs = one run"

# A checkpoint that cannot be written: the error is said, the previous
# checkpoint stays intact, the run goes on and reports (status 2).
# check_unwritable DIR DESCRIPTION [RUNNER...]
check_unwritable() {
    dir=$1 what=$2
    shift 2
    expect_status 2 "$what: the last checkpoint fails: status 2" \
        "$@" "$BOUNCESTAT" -q --state "$dir/state.json" -f csv \
        "$sample" "$t/src.log"
    expect_grep "checkpoint not written" "$t/err" "$what: the error is said"
    "$BOUNCESTAT" -q -f csv "$sample" "$t/src.log" >"$t/both.csv"
    expect_file_eq "$t/out" "$t/both.csv" "$what: the run went on"
    expect_file_eq "$dir/state.json" "$t/before.json" \
        "$what: the previous checkpoint stays"
}

# Disk full: a small tmpfs (needs root, as in CI), then filled up.
mkdir -p "$t/full"
if mount -t tmpfs -o size=256k tmpfs "$t/full" 2>/dev/null; then
    "$BOUNCESTAT" -q --state "$t/full/state.json" "$sample" >/dev/null
    cp "$t/full/state.json" "$t/before.json"
    dd if=/dev/zero of="$t/full/filler" bs=4k 2>/dev/null
    check_unwritable "$t/full" "disk full"
    rm -f "$t/full/filler"
    expect_status 0 "disk space again: the checkpoint is written" \
        "$BOUNCESTAT" -q --state "$t/full/state.json" -f csv "$t/src.log"
    expect_file_eq "$t/out" "$t/both.csv" "and it went on from the old one"

    # While following: the disk fills up and frees again; the periodic
    # checkpoint says so once, goes on counting, says when it is written
    # again, and the state after SIGTERM is whole.
    rm -f "$t/full/state.json" "$t/live.log"
    head -n 2000 "$t/src.log" >"$t/live.log"
    "$BOUNCESTAT" -F -q --state "$t/full/state.json" \
        --checkpoint-interval 0.2 --interval 3600 -f csv \
        -o "$t/follow.csv" "$t/live.log" 2>"$t/follow.err" &
    pid=$!
    sleep 1
    dd if=/dev/zero of="$t/full/filler" bs=4k 2>/dev/null
    tail -n +2001 "$t/src.log" | head -n 2000 >>"$t/live.log"
    wait_for "$t/follow.err" "checkpoint not written"
    expect_grep "checkpoint not written (.*No space left on device)" \
        "$t/follow.err" "disk full while following: said"
    rm -f "$t/full/filler"
    wait_for "$t/follow.err" "checkpoint written again"
    expect_grep "checkpoint written again" "$t/follow.err" \
        "space again: said"
    expect_eq "$(grep -c "checkpoint not written" "$t/follow.err")" 1 \
        "said once, not at every interval"
    kill -TERM "$pid"
    wait "$pid"
    expect_eq "$?" 0 "SIGTERM: status 0"
    pid=
    head -n 4000 "$t/src.log" >"$t/first4000"
    "$BOUNCESTAT" -q -f csv "$t/first4000" >"$t/first4000.csv"
    expect_file_eq "$t/follow.csv" "$t/first4000.csv" \
        "every line counted through the full disk"
    expect_status 0 "the state after SIGTERM resumes" \
        "$BOUNCESTAT" -q --state "$t/full/state.json" -f csv "$t/live.log"
    expect_file_eq "$t/out" "$t/first4000.csv" "and counts no line twice"
    umount "$t/full"
else
    echo "skipped the disk-full checks: cannot mount a tmpfs"
fi

# A read-only folder (root writes anyway: run as nobody when root).
mkdir -p "$t/ro"
runner=
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
        chown nobody "$t/ro"
        chmod a+rx "$t" "$t/.." 2>/dev/null
        runner="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    else
        runner=skip
    fi
fi
if [ "$runner" != skip ] && $runner "$BOUNCESTAT" -q \
        --state "$t/ro/state.json" "$sample" >/dev/null 2>&1; then
    cp "$t/ro/state.json" "$t/before.json"
    chmod a-w "$t/ro"
    # shellcheck disable=SC2086 # the runner is a command and its flags
    check_unwritable "$t/ro" "read-only folder" $runner
    chmod u+w "$t/ro"
else
    echo "skipped the read-only folder checks: no unprivileged user"
fi
finish
