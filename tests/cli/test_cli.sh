#!/bin/sh
# test_cli.sh - bouncestat's command line: help, version, usage errors
# (exit 1), unreadable inputs (exit 2 with the report of what could be
# read), stdin, --unparsed, --patterns and --output.
. "$BS_TESTS/cli/lib.sh"
d=$BS_TEST_DATA/cli
t=$BS_TMP/cli
mkdir -p "$t"

expect_status 0 "--help" "$BOUNCESTAT" --help
expect_grep "Usage: bouncestat" "$BS_TMP/out" "--help prints usage"
expect_status 0 "--version" "$BOUNCESTAT" --version
expect_grep "^bouncestat [0-9]" "$BS_TMP/out" "--version prints version"

expect_status 1 "unknown option" "$BOUNCESTAT" --frobnicate
expect_grep "unknown option '--frobnicate'" "$BS_TMP/err" "names the option"
expect_status 1 "bad format" "$BOUNCESTAT" --format xml "$d/small.log"
expect_grep "unknown format 'xml'" "$BS_TMP/err" "names the format"
expect_status 1 "bad --by key" "$BOUNCESTAT" -f csv --by provider,colour
expect_grep "unknown key 'colour'" "$BS_TMP/err" "names the key"
expect_status 1 "--by without csv" "$BOUNCESTAT" --by provider
expect_status 1 "bad --year" "$BOUNCESTAT" --year 26x "$d/small.log"
expect_status 1 "missing --patterns file" "$BOUNCESTAT" \
    --patterns "$t/nope.rules" "$d/small.log"
expect_grep "nope.rules" "$BS_TMP/err" "names the patterns file"
expect_status 1 "bad --patterns file" "$BOUNCESTAT" \
    --patterns "$d/bad.rules" "$d/small.log"
expect_grep "bad.rules:5: pattern does not compile at offset" \
    "$BS_TMP/err" "FILE:LINE and offset of a bad pattern"

# The exact CSV of a small log, from a file and from stdin.
expect_status 0 "csv of a file" "$BOUNCESTAT" --year 2026 -f csv \
    --by provider,sender_domain "$d/small.log"
expect_file_eq "$BS_TMP/out" "$d/small.provider-sender.csv" "csv contract"
expect_status 0 "csv from stdin" sh -c \
    "'$BOUNCESTAT' --year 2026 -f csv --by provider,sender_domain < '$d/small.log'"
expect_file_eq "$BS_TMP/out" "$d/small.provider-sender.csv" "stdin = file"
expect_status 0 "stdin as -" sh -c \
    "cat '$d/small.log' | '$BOUNCESTAT' --year 2026 -f csv --by provider,sender_domain -"
expect_file_eq "$BS_TMP/out" "$d/small.provider-sender.csv" "- = file"

# A missing file and a directory: exit 2, the readable input still counts.
expect_status 2 "missing input" "$BOUNCESTAT" --year 2026 -f csv \
    --by provider,sender_domain "$t/missing.log" "$d/small.log" "$d"
expect_file_eq "$BS_TMP/out" "$d/small.provider-sender.csv" \
    "report covers the readable input"
expect_grep "missing.log: cannot open" "$BS_TMP/err" "names the missing file"
expect_grep "cli: is a directory" "$BS_TMP/err" "names the directory"

# zstd by magic, whatever the name; a truncated archive is exit 2.
zstd -q -c "$d/small.log" >"$t/small.log.zst"
cp "$t/small.log.zst" "$t/small-archive.log"
expect_status 0 "zstd input" "$BOUNCESTAT" --year 2026 -f csv \
    --by provider,sender_domain "$t/small-archive.log"
expect_file_eq "$BS_TMP/out" "$d/small.provider-sender.csv" "zstd = plain"
cp "$d/small.log" "$t/plain-named.zst"
expect_status 0 "plain text named .zst" "$BOUNCESTAT" --year 2026 -f csv \
    --by provider,sender_domain "$t/plain-named.zst"
expect_file_eq "$BS_TMP/out" "$d/small.provider-sender.csv" "name ignored"
size=$(wc -c <"$t/small.log.zst")
head -c $((size - 7)) "$t/small.log.zst" >"$t/truncated.zst"
expect_status 2 "truncated zstd" "$BOUNCESTAT" --year 2026 "$t/truncated.zst"
expect_grep "truncated.zst: truncated zstd archive" "$BS_TMP/err" \
    "names the truncated archive"
expect_grep "byte offset" "$BS_TMP/err" "gives the byte offset"

# A named .zst file is decoded on a thread of its own (when there are two
# cores); stdin goes through the engine's own decoding. Both must count
# the same, bytes included, over many ring buffers, and say the same about
# damage in the middle.
if [ -x "${BS_GEN:-}" ]; then
    "$BS_GEN" --seed 5 --size 6M -o "$t/big.log" 2>/dev/null
    zstd -q -f "$t/big.log" -o "$t/big.zst"
    expect_status 0 "zstd file (decoding thread)" \
        "$BOUNCESTAT" -j1 -f json "$t/big.zst"
    cp "$BS_TMP/out" "$t/thread.json"
    expect_status 0 "zstd on stdin (engine decoding)" \
        "$BOUNCESTAT" -j1 -f json <"$t/big.zst"
    expect_file_eq "$t/thread.json" "$BS_TMP/out" "thread = engine decoding"
    size=$(wc -c <"$t/big.zst")
    cp "$t/big.zst" "$t/damaged.zst"
    printf '\377\377\377\377' | dd of="$t/damaged.zst" bs=1 \
        seek=$((size / 2)) conv=notrunc 2>/dev/null
    expect_status 2 "damaged zstd file" \
        "$BOUNCESTAT" -j1 -f json "$t/damaged.zst"
    cp "$BS_TMP/out" "$t/thread.json"
    sed 's/^.*: corrupt/corrupt/' "$BS_TMP/err" >"$t/thread.err"
    expect_grep "corrupt zstd data at byte offset" "$BS_TMP/err" \
        "the damage is named"
    expect_status 2 "damaged zstd on stdin" \
        "$BOUNCESTAT" -j1 -f json <"$t/damaged.zst"
    sed 's/^.*: corrupt/corrupt/' "$BS_TMP/err" >"$t/engine.err"
    expect_file_eq "$t/thread.json" "$BS_TMP/out" \
        "damaged: thread = engine decoding"
    expect_file_eq "$t/thread.err" "$t/engine.err" "the same message"
fi

# --unparsed writes the delivery-like lines that did not parse.
expect_status 0 "--unparsed" "$BOUNCESTAT" --year 2026 \
    --unparsed "$t/unparsed.txt" -o "$t/report.txt" "$d/small.log"
expect_file_eq "$t/unparsed.txt" "$d/small.unparsed" "unparsed lines"
expect_grep "^Deliveries: 4 sent, 2 bounced, 1 expired" "$t/report.txt" \
    "-o writes the report"

# --patterns adds a rule that wins over the shipped ones.
expect_status 0 "--patterns" "$BOUNCESTAT" --year 2026 -f csv \
    --by category,detail --patterns "$d/local.rules" "$d/small.log"
expect_grep "^suspend,vacation,0,1,0,0,1.0000" "$BS_TMP/out" \
    "the local rule classified the bounce"

# SIGPIPE on stdout: no hang, no error message.
expect_status 0 "report into head" sh -c \
    "'$BOUNCESTAT' --year 2026 '$d/small.log' | head -1 >/dev/null"
# stdin closed at once
expect_status 0 "empty stdin" sh -c "'$BOUNCESTAT' < /dev/null"
expect_grep "^Deliveries: 0 sent" "$BS_TMP/out" "empty input reports zeros"

# patterns --test / --list
expect_status 0 "patterns --test" "$BOUNCESTAT" patterns --test --dsn 5.7.26 \
    --recipient someone@gmail.com "550-5.7.26 Unauthenticated email from \
shop.example is not accepted due to 550-5.7.26 domain's DMARC policy. gsmtp"
expect_grep "^provider: google$" "$BS_TMP/out" "provider from the recipient"
expect_grep "^category: authfailure$" "$BS_TMP/out" "category of a DMARC text"
expect_grep "^detail: dmarc$" "$BS_TMP/out" "detail of a DMARC text"
expect_grep "^severity: hard$" "$BS_TMP/out" "severity"
expect_grep "^hint: ." "$BS_TMP/out" "a hint"
expect_status 0 "patterns --test with a local rule" "$BOUNCESTAT" patterns \
    --patterns "$d/local.rules" --test --provider docomo \
    "550 Unknown user dora@docomo.ne.jp"
expect_grep "^rule: local-docomo-dora$" "$BS_TMP/out" "the local rule wins"
expect_grep "^hint: Ask the customer for dora's new address.$" \
    "$BS_TMP/out" "the local rule's hint"
expect_status 0 "patterns --list" "$BOUNCESTAT" patterns --list
expect_grep "^rule .*" "$BS_TMP/out" "rules are listed"
expect_grep "^    category  authfailure$" "$BS_TMP/out" "with their category"
expect_status 1 "patterns without --test or --list" "$BOUNCESTAT" patterns
expect_status 1 "patterns --test without a text" "$BOUNCESTAT" patterns --test
expect_status 1 "patterns --provider unknown" "$BOUNCESTAT" patterns \
    --test --provider nowhere "text"
expect_grep "unknown provider 'nowhere'" "$BS_TMP/err" "names the provider"
expect_status 1 "patterns with a bad rule file" "$BOUNCESTAT" patterns \
    --patterns "$d/bad.rules" --list
expect_grep "bad.rules:5:" "$BS_TMP/err" "FILE:LINE"

# --year carries across files: a log rotated over New Year.
printf '%s\n' \
 'Dec 31 23:59:58 mx postfix/qmgr[1]: NY0001: from=<a@b.example>, size=1, nrcpt=1 (queue active)' \
 'Dec 31 23:59:59 mx postfix/smtp[2]: NY0001: to=<c@gmail.com>, relay=none, delay=1, dsn=2.0.0, status=sent (ok)' \
 >"$t/maillog.1"
printf '%s\n' \
 'Jan  1 00:00:01 mx postfix/qmgr[1]: NY0002: from=<a@b.example>, size=1, nrcpt=1 (queue active)' \
 'Jan  1 00:00:02 mx postfix/smtp[2]: NY0002: to=<c@gmail.com>, relay=none, delay=1, dsn=2.0.0, status=sent (ok)' \
 >"$t/maillog"
expect_status 0 "year over two files" "$BOUNCESTAT" --year 2025 -f csv \
    --by day "$t/maillog.1" "$t/maillog"
printf '%s\n' 'day,sent,bounced,expired,deferred,failure_rate' \
    '2025-12-31,1,0,0,0,0.0000' '2026-01-01,1,0,0,0,0.0000' >"$t/ny.csv"
expect_file_eq "$BS_TMP/out" "$t/ny.csv" "January is the next year"

# An output path that cannot be created fails before reading anything.
expect_status 1 "bad -o path" "$BOUNCESTAT" -o "$t/no/such/dir/r.txt" \
    "$d/small.log"
expect_grep "no/such/dir/r.txt" "$BS_TMP/err" "names the output file"

finish
