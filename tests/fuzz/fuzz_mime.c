/*
 * fuzz_mime.c - libFuzzer target for the MIME walker (parsers/mime.c)
 *
 * The input is one message. It is walked with a small depth cap; every
 * entity's headers are read and unfolded, its Content-Type parsed and its
 * body decoded into a buffer of the body's size (the decoders' contract:
 * output never longer than input), and every header value is tried as a
 * date. Invariants checked: slices lie inside the input, decoders stay
 * within their capacity, the walk visits at most BS_MIME_MAX_PARTS
 * entities. Reads outside the input are left to ASan.
 */
#include "mime.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_inside(const char *base, size_t n, struct bs_slice s)
{
    if (s.len && (s.ptr < base || s.ptr + s.len > base + n))
        abort();
}

struct fuzz_walk {
    const char *base;
    size_t n;
};

static int fuzz_part(void *ctx, const struct bs_mime_part *p)
{
    struct fuzz_walk *w = ctx;
    fuzz_check_inside(w->base, w->n, p->headers);
    fuzz_check_inside(w->base, w->n, p->body);
    struct bs_mime_cursor c = bs_mime_cursor_make(p->headers, BS_EOL_LF);
    struct bs_mime_header h;
    char flat[256];
    int64_t t;
    while (bs_mime_next_header(&c, &h)) {
        fuzz_check_inside(w->base, w->n, h.value);
        if (bs_mime_unfold(h.value, flat, sizeof flat) >= sizeof flat)
            abort();
        (void)bs_mime_parse_date(h.value, &t);
    }
    char *out = malloc(p->body.len + 1);
    size_t got = bs_mime_decode_body(p->cte, p->body, out, p->body.len);
    if (got > p->body.len)
        abort();
    free(out);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *msg = (const char *)data;
    struct fuzz_walk w = { msg, size };
    struct bs_mime_walk_stats st;
    enum bs_mime_eol eol = bs_mime_eol_of(msg, size);
    bs_mime_walk(msg, size, eol, 6, fuzz_part, &w, &st);
    if (st.parts > BS_MIME_MAX_PARTS)
        abort();
    struct bs_mime_ctype ct;
    bs_mime_parse_ctype(bs_slice_make(msg, size), &ct);
    fuzz_check_inside(msg, size, ct.boundary);
    fuzz_check_inside(msg, size, ct.charset);
    char small[7];
    (void)bs_mime_qp_decode(msg, size, small, sizeof small);
    (void)bs_mime_base64_decode(msg, size, small, sizeof small);
    return 0;
}
