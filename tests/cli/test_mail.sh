#!/bin/sh
# test_mail.sh - bounce mails as input, from the command line: .eml files,
# an mbox, a Maildir folder and a zstd archive count the same bounces;
# -j2 equals -j1; a mail that is not a bounce is skipped and counted.
. "$BS_TESTS/cli/lib.sh"
d=$BS_TEST_DATA/mail
t=$BS_TMP
by="--by provider,sender_domain,recipient_domain,category,detail"
expect_status 0 "eml files" "$BOUNCESTAT" -j1 -f csv $by "$d"/*.eml
cp "$BS_TMP/out" "$t/files.csv"
expect_grep "^google,shop.example,.*,authfailure," "$t/files.csv" \
    "a Gmail authentication bounce"

# The same mails in a Maildir (cur/ and new/) and in a zstd mbox.
rm -rf "$t/Maildir"
mkdir -p "$t/Maildir/cur" "$t/Maildir/new" "$t/Maildir/tmp"
n=0
for f in "$d"/*.eml; do
    n=$((n + 1))
    if [ $((n % 2)) = 0 ]; then
        cp "$f" "$t/Maildir/cur/$n.host:2,S"
    else
        cp "$f" "$t/Maildir/new/$n.host"
    fi
done
expect_status 0 "Maildir" "$BOUNCESTAT" -f csv $by "$t/Maildir"
expect_file_eq "$BS_TMP/out" "$t/files.csv" "Maildir = the files"
: >"$t/all.mbox"
for f in "$d"/*.eml; do
    printf 'From MAILER-DAEMON Thu Nov 27 10:00:00 2026\n' >>"$t/all.mbox"
    sed 's/^\(>*From \)/>\1/' "$f" >>"$t/all.mbox"
    printf '\n' >>"$t/all.mbox"
done
zstd -q -f "$t/all.mbox" -o "$t/all.mbox.zst"
expect_status 0 "mbox.zst" "$BOUNCESTAT" -j1 -f csv $by "$t/all.mbox.zst"
expect_file_eq "$BS_TMP/out" "$t/files.csv" "zstd mbox = the files"
expect_status 0 "mbox -j2" "$BOUNCESTAT" -j2 -f csv $by "$t/all.mbox" \
    "$d/exim.eml"
cp "$BS_TMP/out" "$t/j2.csv"
expect_status 0 "mbox -j1" "$BOUNCESTAT" -j1 -f csv $by "$t/all.mbox" \
    "$d/exim.eml"
expect_file_eq "$BS_TMP/out" "$t/j2.csv" "-j2 = -j1"
expect_status 0 "json counters" "$BOUNCESTAT" -f json "$d"/*.eml
expect_grep '"mail":{' "$BS_TMP/out" "a mail object"
expect_grep '"not_bounces":[1-9]' "$BS_TMP/out" "the non-bounce is counted"
finish
