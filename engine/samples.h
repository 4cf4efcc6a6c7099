/*
 * samples.h - the example texts a report shows
 *
 * Two stores, both bounded:
 *   - one sample failure text per (provider, category, detail), with the
 *     rule that classified it and the domains it concerned, so a report
 *     can show "e.g. ..." and a hint with the right names filled in; for
 *     authentication failures also one per sender domain (the fix is the
 *     sender's to make, with names from its own mail);
 *   - the texts no rule explains (onhold, undefined), grouped by a
 *     normalised form in which addresses, IPs, ids and numbers are masked,
 *     with a count and the first text of each form, so the operator sees
 *     what the rules miss.
 * Texts are kept up to BS_SAMPLE_MAX bytes. Which text a store keeps does
 * not depend on the order it was offered: the earliest by log time, then
 * the smallest in byte order. So stores of two halves of a log merge into
 * the store of the whole (bs_samples_merge).
 */
#ifndef BS_SAMPLES_H
#define BS_SAMPLES_H

#include "common.h"

#define BS_SAMPLE_MAX 600
#define BS_FORM_MAX 300

struct bs_sample {
    uint16_t provider, category;
    uint32_t detail;      /* intern id (engine strings) */
    uint32_t sender;      /* intern id (engine strings) */
    uint32_t rcpt_domain; /* intern id (engine strings) */
    int rule;
    uint32_t text; /* id in the samples' own text table; 0: unused slot */
    int64_t time;  /* log time of the text */
};

struct bs_unexplained {
    uint32_t form;   /* text id of the normalised form */
    uint32_t sample; /* text id of the kept text of this form */
    uint16_t category;
    uint64_t count;
    int64_t time;    /* log time of the kept text */
};

struct bs_samples;

struct bs_samples *bs_samples_new(uint32_t max_texts, uint32_t max_forms);
void bs_samples_free(struct bs_samples *s);
/* Offers text (what->time is its log time) as the sample of (provider,
 * category, detail); other fields of what go with it. */
void bs_samples_keep(struct bs_samples *s, const struct bs_sample *what,
                     struct bs_slice text);
/* Keeps a text (cut to BS_SAMPLE_MAX) and returns its id; 0 when the cap
 * refused it. */
uint32_t bs_samples_add_text(struct bs_samples *s, struct bs_slice text);
/* Counts an unexplained text under its normalised form. */
void bs_samples_note_unexplained(struct bs_samples *s, unsigned category,
                                 struct bs_slice text, int64_t time);
/* Adds count texts of one normalised form, with the kept text of them
 * and its log time (what a merge or a loaded aggregate brings). */
void bs_samples_add_unexplained(struct bs_samples *s, unsigned category,
                                struct bs_slice form, struct bs_slice text,
                                int64_t time, uint64_t count);
/* Adds from's samples and unexplained forms into s. map_id translates
 * from's engine string ids (detail, sender, rcpt_domain) into s's. */
void bs_samples_merge(struct bs_samples *s, const struct bs_samples *from,
                      uint32_t (*map_id)(void *ctx, uint32_t id), void *ctx);
/* All sample slots (unused ones have text == 0). */
const struct bs_sample *bs_samples_all(const struct bs_samples *s,
                                       size_t *n);
/* The per-sender samples of authentication failures (unused slots have
 * text == 0), and the one of (provider, category, detail, sender). */
const struct bs_sample *bs_samples_of_senders(const struct bs_samples *s,
                                              size_t *n);
const struct bs_sample *bs_samples_find_sender(const struct bs_samples *s,
                                               unsigned provider,
                                               unsigned category,
                                               uint32_t detail,
                                               uint32_t sender);
/* The sample of a category and detail, any provider (the earliest, then
 * the smallest text), or NULL. */
const struct bs_sample *bs_samples_find(const struct bs_samples *s,
                                        unsigned category, uint32_t detail);
/* Unexplained forms, most frequent first (ties by form text). The array
 * is owned by the store and valid until the next call that changes it. */
const struct bs_unexplained *bs_samples_unexplained(struct bs_samples *s,
                                                    size_t *n);
/* While frozen, keep() and note_unexplained() do nothing (events outside
 * the --since/--until window); add_text() still works. */
void bs_samples_freeze(struct bs_samples *s, bool frozen);
/* Adds n to the forms refused by the cap (a loaded aggregate's count). */
void bs_samples_add_refused(struct bs_samples *s, uint64_t n);
/* Texts of ids above. */
struct bs_slice bs_samples_text(const struct bs_samples *s, uint32_t id);
/* Forms refused by the cap. */
uint64_t bs_samples_forms_refused(const struct bs_samples *s);

/* Writes the normalised form of text into out (at most cap bytes) and
 * returns its length: "<addr>" for addresses, "<ip>" for IP addresses,
 * "<id>" for tokens of 4+ characters with digits (except status codes),
 * "<n>" for other numbers; runs of blanks become one space. */
size_t bs_normalise_text(struct bs_slice text, char *out, size_t cap);

#endif
