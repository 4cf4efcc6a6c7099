/*
 * prefilter_impl.h - what the two halves of the prefilter share: the
 * literal extraction (prefilter_literals.c) and the window index
 * (prefilter.c)
 */
#ifndef BS_PREFILTER_IMPL_H
#define BS_PREFILTER_IMPL_H

#include "prefilter.h"

#define BS_PF_MAX_ALTS 256 /* literals of one pattern, at most */
#define BS_PF_MAX_CLAUSES 3 /* literal sets a pattern needs all of */

typedef char bs_pf_lit[64];

/* How common a byte is in failure texts, 0 (rare) to 9. */
unsigned bs_pf_commonness(unsigned char c);
/* s (NUL-terminated) lies inside a word most SMTP replies have. */
bool bs_pf_in_smtp_words(const char *s);

#endif
