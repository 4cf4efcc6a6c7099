/*
 * fuzz_dsn.c - libFuzzer target for the bounce reader (parsers/dsn*.c)
 * behind the mbox splitter (engine/mailbox.c)
 *
 * The first byte picks how the rest is fed to the splitter (chunk size,
 * mbox or one message, a small size cap); every message it passes is
 * read by bs_dsn_parse(). Invariants: at most BS_DSN_MAX_RCPTS records,
 * every record has a recipient and a well-formed status, every string is
 * NUL-terminated inside its array, the verdict is consistent with the
 * records. The parser is made once per process (iconv descriptors are
 * costly to open), as a fuzz harness may.
 */
#include "dsn.h"
#include "mailbox.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bs_dsn_parser *fuzz_parser;

static void fuzz_terminated(const char *s, size_t cap)
{
    if (!memchr(s, '\0', cap))
        abort();
}

static void fuzz_message(void *ctx, const char *msg, size_t len)
{
    (void)ctx;
    const struct bs_dsn_result *r = bs_dsn_parse(fuzz_parser, msg, len);
    if (r->nrcpt > BS_DSN_MAX_RCPTS)
        abort();
    if (r->verdict == BS_DSN_BOUNCE && !r->nrcpt)
        abort();
    fuzz_terminated(r->sender, sizeof r->sender);
    fuzz_terminated(r->message_id, sizeof r->message_id);
    for (unsigned i = 0; i < r->nrcpt; i++) {
        const struct bs_dsn_rcpt *c = &r->rcpt[i];
        fuzz_terminated(c->recipient, sizeof c->recipient);
        fuzz_terminated(c->remote_mta, sizeof c->remote_mta);
        fuzz_terminated(c->text, sizeof c->text);
        fuzz_terminated(c->status, sizeof c->status);
        if (!c->recipient[0] ||
            !bs_dsn_is_status(bs_slice_make(c->status, strlen(c->status))))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_parser)
        fuzz_parser = bs_dsn_parser_new();
    if (!size)
        return 0;
    unsigned mode = data[0];
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    size_t chunk = (mode & 7) == 0 ? n : (size_t)1 << (mode & 7);
    struct bs_mailbox mb;
    bs_mailbox_init(&mb, (mode & 0x40) ? 512 : 0);
    bs_mailbox_begin(&mb, (mode & 0x80) != 0);
    for (size_t o = 0; o < n; o += chunk ? chunk : 1)
        bs_mailbox_feed(&mb, p + o, BS_MIN(chunk ? chunk : 1, n - o),
                        fuzz_message, NULL);
    bs_mailbox_finish(&mb, fuzz_message, NULL);
    bs_mailbox_fini(&mb);
    /* The whole input as one message, as a Maildir file would be. */
    fuzz_message(NULL, (const char *)data, size);
    return 0;
}
