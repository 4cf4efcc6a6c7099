# report_month.sh - a generated month of maillogs for the report tests
# (sourced by test_report.sh and test_report_browser.sh; not a test).
#
# gen_days YYYY-MM FIRST LAST OUT: one bs-gen-maillog run per day, each
# with its own seed, a daytime start (01:00-12:00 UTC, so a day stays one
# day in UTC and in Asia/Tokyo), fewer messages at weekends, and a
# failure spike on the 12th to the 14th, concatenated in day order.
: "${BS_GEN:?}"

gen_days() {
    month=$1 first=$2 last=$3 out=$4
    : >"$out"
    d=$first
    while [ "$d" -le "$last" ]; do
        day=$(printf '%02d' "$d")
        hour=$(printf '%02d' $((1 + (d * 5) % 12)))
        # 2026-10-01 is a Thursday: days 3, 4, 10, 11, ... are weekends
        # ((d + 2) % 7 is 5 on Saturdays and 6 on Sundays)
        case $(( (d + 2) % 7 )) in
        5 | 6) n=$((200 + (d * 37) % 100)) ;;
        *) n=$((500 + (d * 37) % 300)) ;;
        esac
        share=$((4 + (d * 3) % 5))
        [ "$d" -ge 12 ] && [ "$d" -le 14 ] && share=25
        "$BS_GEN" --seed "$d${month#*-}" --start "$month-$day $hour:00:00" \
            --messages "$n" --failure-share "$share" >>"$out" 2>/dev/null ||
            return 1
        d=$((d + 1))
    done
}
