/*
 * intern.h - strings to small stable ids
 *
 * The only place where bytes from the input are copied to be kept: sender
 * domains, recipient domains and sample texts become uint32 ids that the
 * aggregate and the correlator store instead of pointers. Domains are
 * interned lower-cased (bs_intern_lower) so Gmail.COM and gmail.com are one.
 *
 * The table has a cap on distinct strings. Past it, bs_intern_*() returns
 * BS_INTERN_OVERFLOW, whose text is "(overflow)", and counts the refusal,
 * so endless distinct input cannot grow memory without bound.
 */
#ifndef BS_INTERN_H
#define BS_INTERN_H

#include "common.h"

#define BS_INTERN_OVERFLOW 0u

struct bs_intern;

/* A table that accepts at most max_strings distinct strings. */
struct bs_intern *bs_intern_new(uint32_t max_strings);
void bs_intern_free(struct bs_intern *t);

/* The id of s, adding a copy when new. */
uint32_t bs_intern(struct bs_intern *t, const char *s, size_t n);
/* The same with ASCII letters folded to lower case first. */
uint32_t bs_intern_lower(struct bs_intern *t, const char *s, size_t n);
/* The id of s if present, else UINT32_MAX. Never adds. */
uint32_t bs_intern_find(const struct bs_intern *t, const char *s, size_t n);

/* The text of id; valid as long as the table. NUL-terminated. */
struct bs_slice bs_intern_str(const struct bs_intern *t, uint32_t id);
uint32_t bs_intern_count(const struct bs_intern *t);
/* How many new strings the cap refused. */
uint64_t bs_intern_refused(const struct bs_intern *t);

#endif
