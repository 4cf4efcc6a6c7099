/*
 * support.h - helpers shared by the Check suites
 */
#ifndef BS_TEST_SUPPORT_H
#define BS_TEST_SUPPORT_H

#include <check.h>
#include <stddef.h>

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

#endif
