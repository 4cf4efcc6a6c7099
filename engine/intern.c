/*
 * intern.c - string interning with open addressing and linear probing
 *
 * Strings live in one growing array of heap copies; the hash table maps
 * (hash, bytes) to their index. Ids are dense, starting at 1 (0 is the
 * overflow id), and never change, so they can be stored anywhere.
 */
#include "intern.h"
#include "scan.h"

#include <stdlib.h>

struct bs_intern_entry {
    char *str;
    uint32_t len;
    uint64_t hash;
};

/* A spelling bs_intern_lower() was asked for, as it was written, and its
 * id: the same domain comes back in the same case line after line. */
#define BS_INTERN_SPELLINGS 256
#define BS_INTERN_SPELLING_MAX 54
struct bs_intern_spelling {
    uint32_t id; /* 0: empty (the overflow id is never looked up) */
    uint8_t len;
    char s[BS_INTERN_SPELLING_MAX + 1];
};

struct bs_intern {
    struct bs_intern_entry *entries; /* index = id */
    uint32_t count;                  /* ids in use, including id 0 */
    uint32_t entries_cap;
    uint32_t max_strings;
    uint32_t *slots; /* 0 = empty, else id */
    size_t nslots;   /* power of two */
    uint64_t refused;
    struct bs_intern_spelling spellings[BS_INTERN_SPELLINGS];
};

static const char bs_overflow_text[] = "(overflow)";

struct bs_intern *bs_intern_new(uint32_t max_strings)
{
    struct bs_intern *t = bs_xcalloc(1, sizeof *t);
    t->max_strings = max_strings;
    t->entries_cap = 64;
    t->entries = bs_xcalloc(t->entries_cap, sizeof *t->entries);
    t->entries[0].str = bs_xstrndup(bs_overflow_text,
                                    sizeof bs_overflow_text - 1);
    t->entries[0].len = sizeof bs_overflow_text - 1;
    t->count = 1;
    t->nslots = 128;
    t->slots = bs_xcalloc(t->nslots, sizeof *t->slots);
    return t;
}

void bs_intern_free(struct bs_intern *t)
{
    if (!t)
        return;
    for (uint32_t i = 0; i < t->count; i++)
        free(t->entries[i].str);
    free(t->entries);
    free(t->slots);
    free(t);
}

static void bs_intern_grow(struct bs_intern *t)
{
    size_t nslots = t->nslots * 2;
    uint32_t *slots = bs_xcalloc(nslots, sizeof *slots);
    for (uint32_t id = 1; id < t->count; id++) {
        size_t i = t->entries[id].hash & (nslots - 1);
        while (slots[i])
            i = (i + 1) & (nslots - 1);
        slots[i] = id;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
}

static size_t bs_intern_slot(const struct bs_intern *t, const char *s,
                             size_t n, uint64_t h)
{
    size_t i = h & (t->nslots - 1);
    for (;;) {
        uint32_t id = t->slots[i];
        if (!id)
            return i;
        const struct bs_intern_entry *e = &t->entries[id];
        if (e->hash == h && e->len == n && bs_mem_eq(e->str, s, n))
            return i;
        i = (i + 1) & (t->nslots - 1);
    }
}

uint32_t bs_intern_find(const struct bs_intern *t, const char *s, size_t n)
{
    if (!s)
        s = "";
    size_t i = bs_intern_slot(t, s, n, bs_hash_bytes(s, n));
    return t->slots[i] ? t->slots[i] : UINT32_MAX;
}

uint32_t bs_intern(struct bs_intern *t, const char *s, size_t n)
{
    if (!s) /* an empty slice may carry a NULL pointer */
        s = "";
    uint64_t h = bs_hash_bytes(s, n);
    size_t i = bs_intern_slot(t, s, n, h);
    if (t->slots[i])
        return t->slots[i];
    if (t->count - 1 >= t->max_strings || n > UINT32_MAX) {
        t->refused++;
        return BS_INTERN_OVERFLOW;
    }
    if (t->count == t->entries_cap) {
        t->entries_cap *= 2;
        t->entries = bs_xreallocarray(t->entries, t->entries_cap,
                                      sizeof *t->entries);
    }
    uint32_t id = t->count++;
    t->entries[id] = (struct bs_intern_entry){ bs_xstrndup(s, n),
                                               (uint32_t)n, h };
    t->slots[i] = id;
    if ((size_t)t->count * 2 > t->nslots)
        bs_intern_grow(t);
    return id;
}

/* The id of s lower-cased, not through the spelling cache. */
static uint32_t bs_intern_folded(struct bs_intern *t, const char *s,
                                 size_t n)
{
    char small[256];
    if (n == 0)
        return bs_intern(t, "", 0);
    char *tmp = n <= sizeof small ? small : bs_xmalloc(n);
    bs_ascii_lower_copy(tmp, s, n);
    uint32_t id = bs_intern(t, tmp, n);
    if (tmp != small)
        free(tmp);
    return id;
}

/* The place of a spelling of n bytes (1 to BS_INTERN_SPELLING_MAX) in
 * the cache: from its first and last bytes and its length, as a wrong
 * place costs only a miss. */
static unsigned bs_intern_place(const char *s, size_t n)
{
    uint64_t v = n >= 8 ? bs_load64(s) ^ bs_load64(s + n - 8) * 31
             : n >= 4 ? bs_load32(s) ^ (uint64_t)bs_load32(s + n - 4) << 29
                      : (uint64_t)(unsigned char)s[0] << 16 ^
                            (uint64_t)(unsigned char)s[n - 1] << 8;
    _Static_assert(BS_INTERN_SPELLINGS == 256, "eight bits of the place");
    return (unsigned)(((v ^ n) * 0x9e3779b97f4a7c15ULL) >> 56);
}

uint32_t bs_intern_lower(struct bs_intern *t, const char *s, size_t n)
{
    if (n == 0 || n > BS_INTERN_SPELLING_MAX)
        return bs_intern_folded(t, s, n);
    /* ids never change, so a spelling's id stays right; a refusal (the
     * overflow id, 0) leaves the place empty: it is counted every time,
     * as without the cache */
    struct bs_intern_spelling *sp = &t->spellings[bs_intern_place(s, n)];
    if (sp->id && sp->len == n && bs_mem_eq(sp->s, s, n))
        return sp->id;
    uint32_t id = bs_intern_folded(t, s, n);
    sp->id = id;
    sp->len = (uint8_t)n;
    memcpy(sp->s, s, n);
    return id;
}

struct bs_slice bs_intern_str(const struct bs_intern *t, uint32_t id)
{
    if (id >= t->count)
        id = BS_INTERN_OVERFLOW;
    return bs_slice_make(t->entries[id].str, t->entries[id].len);
}

uint32_t bs_intern_count(const struct bs_intern *t)
{
    return t->count;
}

uint64_t bs_intern_refused(const struct bs_intern *t)
{
    return t->refused;
}
