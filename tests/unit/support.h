/*
 * support.h - helpers shared by the Check suites
 */
#ifndef BS_TEST_SUPPORT_H
#define BS_TEST_SUPPORT_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

/* Runs a suite; returns the process exit status (0 when all passed). */
int bs_test_run(Suite *s);
/* Reads a whole file into a heap buffer (NUL-terminated); NULL if absent.
 * The caller frees it. */
char *bs_test_read_file(const char *path, size_t *len);
/* 1 when the directory exists. */
int bs_test_dir_exists(const char *path);

/* The shipped provider table and rules (patterns/), loaded as the engine
 * loads them; a load error fails the test. Free with bs_test_rules_free. */
struct bs_test_rules {
    struct bs_provider_table *providers;
    struct bs_classifier *c;
};
struct bs_test_rules bs_test_rules_load(void);
void bs_test_rules_free(struct bs_test_rules *r);

/* 2026-11-27 12:00:00 UTC: the reference time of BSD stamps in tests. */
#define BS_TEST_REF_TIME 1795780800
/* The next number of a deterministic sequence (a 64-bit linear
 * congruential step, its high 31 bits) for tests on random inputs. */
uint64_t bs_test_random(uint64_t *seed);

struct bs_engine;
/* A new engine with the default options and this --year (0: from the
 * reference time); a failure fails the test. */
struct bs_engine *bs_test_engine_new(int year);
struct bs_engine_options;
/* A new engine with these options; a failure fails the test. */
struct bs_engine *bs_test_engine_with(const struct bs_engine_options *o);
/* Feeds data to e as one input, "test.log" at BS_TEST_REF_TIME; a feed
 * error fails the test. */
void bs_test_feed(struct bs_engine *e, const char *data, size_t len);
#endif
