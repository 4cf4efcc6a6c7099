/*
 * provider.c - the provider table and its lookups
 *
 * Every rule becomes one key in an intern table: a tag byte for the kind
 * of match (exact, suffix, first label; upper case for domain rules, lower
 * case for relay rules) followed by the lower-cased pattern. A lookup
 * builds the same keys from the name, most specific first, and stops at
 * the first hit.
 */
#include "provider.h"

#include "intern.h"

#include <stdlib.h>

#define BS_NAME_MAX 255

struct bs_provider_table {
    char *names[BS_PROVIDER_MAX];
    unsigned count;
    struct bs_intern *keys;
    unsigned char *provider_of; /* by key id */
    uint32_t provider_of_cap;
};

struct bs_provider_table *bs_provider_table_new(void)
{
    struct bs_provider_table *t = bs_xcalloc(1, sizeof *t);
    t->names[0] = bs_xstrndup("other", 5);
    t->count = 1;
    t->keys = bs_intern_new(1u << 20);
    return t;
}

void bs_provider_table_free(struct bs_provider_table *t)
{
    if (!t)
        return;
    for (unsigned i = 0; i < t->count; i++)
        free(t->names[i]);
    bs_intern_free(t->keys);
    free(t->provider_of);
    free(t);
}

int bs_provider_find(const struct bs_provider_table *t, struct bs_slice id)
{
    for (unsigned i = 0; i < t->count; i++)
        if (strlen(t->names[i]) == id.len &&
            memcmp(t->names[i], id.ptr, id.len) == 0)
            return (int)i;
    return -1;
}

const char *bs_provider_name(const struct bs_provider_table *t, unsigned i)
{
    return i < t->count ? t->names[i] : t->names[0];
}

unsigned bs_provider_count(const struct bs_provider_table *t)
{
    return t->count;
}

static bool bs_is_provider_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || bs_is_digit(c) || c == '_';
}

static int bs_provider_index(struct bs_provider_table *t, struct bs_slice id)
{
    int i = bs_provider_find(t, id);
    if (i >= 0 || t->count == BS_PROVIDER_MAX)
        return i;
    t->names[t->count] = bs_xstrndup(id.ptr, id.len);
    return (int)t->count++;
}

static void bs_provider_set(struct bs_provider_table *t, const char *key,
                            size_t n, unsigned provider)
{
    uint32_t id = bs_intern(t->keys, key, n);
    if (id >= t->provider_of_cap) {
        uint32_t cap = t->provider_of_cap ? t->provider_of_cap : 64;
        while (cap <= id)
            cap *= 2;
        t->provider_of = bs_xrealloc(t->provider_of, cap);
        memset(t->provider_of + t->provider_of_cap, 0,
               cap - t->provider_of_cap);
        t->provider_of_cap = cap;
    }
    t->provider_of[id] = (unsigned char)provider;
}

/* Splits a line into up to 3 whitespace-separated words. */
static int bs_split_words(const char *p, const char *end,
                          struct bs_slice w[3])
{
    int n = 0;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
            p++;
        if (p == end || *p == '#')
            break;
        const char *s = p;
        while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
        if (n == 3)
            return 4;
        w[n++] = bs_slice_make(s, (size_t)(p - s));
    }
    return n;
}

/* The key for a pattern: tag byte + lower-cased name without "*". */
static bool bs_provider_rule_key(struct bs_slice kind, struct bs_slice pat,
                                 char *key, size_t *keylen)
{
    bool domain = BS_SLICE_EQ(kind, "domain");
    if (!domain && !BS_SLICE_EQ(kind, "relay"))
        return false;
    if (pat.len == 0 || pat.len > BS_NAME_MAX)
        return false;
    char tag = 'E';
    if (pat.ptr[0] == '.')
        tag = 'S';
    if (pat.len > 2 && pat.ptr[pat.len - 1] == '*' &&
        pat.ptr[pat.len - 2] == '.') {
        tag = 'L';
        pat.len -= 2;
    }
    key[0] = domain ? tag : bs_ascii_lower(tag);
    for (size_t i = 0; i < pat.len; i++)
        key[1 + i] = bs_ascii_lower(pat.ptr[i]);
    *keylen = pat.len + 1;
    return true;
}

int bs_provider_table_load(struct bs_provider_table *t, const char *source,
                           const char *text, size_t len, struct bs_buf *err)
{
    const char *p = text, *end = text + len;
    for (unsigned lineno = 1; p < end; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        struct bs_slice w[3];
        int n = bs_split_words(p, eol, w);
        p = nl ? nl + 1 : end;
        if (n == 0)
            continue;
        char key[BS_NAME_MAX + 2];
        size_t keylen;
        bool id_ok = n == 3 && w[0].len > 0;
        for (size_t i = 0; id_ok && i < w[0].len; i++)
            id_ok = bs_is_provider_id_char(w[0].ptr[i]);
        if (!id_ok || !bs_provider_rule_key(w[1], w[2], key, &keylen)) {
            bs_buf_printf(err, "%s:%u: expected 'PROVIDER domain|relay "
                          "PATTERN' (provider ids are [a-z0-9_])\n",
                          source, lineno);
            return -1;
        }
        int idx = bs_provider_index(t, w[0]);
        if (idx < 0) {
            bs_buf_printf(err, "%s:%u: more than %d providers\n", source,
                          lineno, BS_PROVIDER_MAX);
            return -1;
        }
        bs_provider_set(t, key, keylen, (unsigned)idx);
    }
    return 0;
}

static int bs_provider_try(const struct bs_provider_table *t, char *key,
                           size_t n)
{
    uint32_t id = bs_intern_find(t->keys, key, n);
    if (id == UINT32_MAX || id >= t->provider_of_cap)
        return -1;
    return t->provider_of[id];
}

/* Exact, then suffixes from the longest, then the first label. */
static int bs_provider_match(const struct bs_provider_table *t,
                             struct bs_slice name, bool domain)
{
    while (name.len && name.ptr[name.len - 1] == '.')
        name.len--; /* a trailing dot is the DNS root */
    if (name.len == 0 || name.len > BS_NAME_MAX)
        return -1;
    char key[BS_NAME_MAX + 2];
    for (size_t i = 0; i < name.len; i++)
        key[1 + i] = bs_ascii_lower(name.ptr[i]);
    key[0] = domain ? 'E' : 'e';
    int r = bs_provider_try(t, key, name.len + 1);
    if (r >= 0)
        return r;
    for (size_t i = 1; i < name.len; i++) {
        if (key[1 + i] != '.')
            continue;
        key[i] = domain ? 'S' : 's';
        r = bs_provider_try(t, key + i, name.len - i + 1);
        key[i] = bs_ascii_lower(name.ptr[i - 1]);
        if (r >= 0)
            return r;
    }
    const char *dot = memchr(name.ptr, '.', name.len);
    if (!dot)
        return -1;
    key[0] = domain ? 'L' : 'l';
    return bs_provider_try(t, key, (size_t)(dot - name.ptr) + 1);
}

unsigned bs_provider_lookup(const struct bs_provider_table *t,
                            struct bs_slice recipient_domain,
                            struct bs_slice relay_host)
{
    int r = bs_provider_match(t, recipient_domain, true);
    if (r < 0)
        r = bs_provider_match(t, relay_host, false);
    return r < 0 ? BS_PROVIDER_OTHER : (unsigned)r;
}
