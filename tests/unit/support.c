/*
 * support.c - helpers shared by the Check suites
 */
#include "support.h"

#include "buf.h"
#include "classify.h"
#include "provider.h"

#include "bouncestat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int bs_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}

char *bs_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int bs_test_dir_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

extern const char bs_embedded_providers[];
extern const char bs_embedded_rules[];

struct bs_test_rules bs_test_rules_load(void)
{
    struct bs_test_rules r = { bs_provider_table_new(), bs_classifier_new() };
    struct bs_buf err;
    bs_buf_init(&err);
    ck_assert_msg(bs_provider_table_load(r.providers, "providers.txt",
                                         bs_embedded_providers,
                                         strlen(bs_embedded_providers),
                                         &err) == 0, "%s", err.data);
    for (unsigned i = 0; i < bs_provider_count(r.providers); i++)
        bs_classifier_add_provider(r.c, bs_provider_name(r.providers, i), i);
    ck_assert_msg(bs_classifier_load(r.c, "rules.txt", bs_embedded_rules,
                                     strlen(bs_embedded_rules), &err) == 0,
                  "%s", err.data);
    bs_buf_fini(&err);
    return r;
}

void bs_test_rules_free(struct bs_test_rules *r)
{
    bs_classifier_free(r->c);
    bs_provider_table_free(r->providers);
}

uint64_t bs_test_random(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return *seed >> 33;
}

struct bs_engine *bs_test_engine_with(const struct bs_engine_options *o)
{
    char err[256];
    struct bs_engine *e = bs_engine_new(o, err, sizeof err);
    ck_assert_msg(e != NULL, "%s", err);
    return e;
}

struct bs_engine *bs_test_engine_new(int year)
{
    struct bs_engine_options o;
    bs_engine_options_default(&o);
    o.year = year;
    return bs_test_engine_with(&o);
}

void bs_test_feed(struct bs_engine *e, const char *data, size_t len)
{
    bs_engine_begin_input(e, "test.log", BS_TEST_REF_TIME);
    ck_assert_int_eq(bs_engine_feed(e, data, len), 0);
    ck_assert_int_eq(bs_engine_end_input(e), 0);
}
