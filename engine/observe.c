/*
 * observe.c - the stream of counted outcomes, for watchers
 *
 * Every outcome and deferral track.c counts passes through here with its
 * exact log time. Nothing watches yet; alert rules and metrics attach
 * here so the counting code stays unaware of them.
 */
#include "engine_impl.h"

void bs_engine_observed(struct bs_engine *e, const struct bs_agg_key *k,
                        enum bs_outcome what, int64_t time, int rule,
                        struct bs_slice text)
{
    (void)e;
    (void)k;
    (void)what;
    (void)time;
    (void)rule;
    (void)text;
}
