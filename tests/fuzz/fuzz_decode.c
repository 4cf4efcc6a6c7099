/*
 * fuzz_decode.c - libFuzzer target for the whole engine from bytes:
 * zstd or plain (engine/decode.c), lines (engine/lines.c), the syslog
 * prefix and MTA parsers, bounce mails, correlation, classification,
 * aggregation and the JSON report
 *
 * The first byte picks the chunking (0: the whole input in one feed;
 * otherwise sizes from a small generator it seeds, up to 2^(b & 15)
 * bytes) and whether the input is begun as a log or as one mail; the
 * rest is the input's bytes. The engine is made once per process
 * (compiling the shipped rules is costly), with small caps so that they
 * are reached and the report stays cheap; its state carries over from
 * input to input as over the inputs of one run. Invariants: feed and
 * end_input return 0 or -1, and -1 comes with an error message; the
 * line and mail counters add up as bouncestat.h promises; the JSON
 * report renders and is as long as it says.
 */
#include "bouncestat.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bs_engine *fuzz_engine;

static void fuzz_new(void)
{
    struct bs_engine_options o;
    char err[256];
    bs_engine_options_default(&o);
    o.max_line = 2048;
    o.max_messages = 512;
    o.max_cells = 1024;
    o.max_strings = 1024;
    fuzz_engine = bs_engine_new(&o, err, sizeof err);
    if (!fuzz_engine)
        abort();
}

static void fuzz_invariants(struct bs_engine *e)
{
    struct bs_line_stats l;
    struct bs_mail_stats m;
    bs_engine_line_stats(e, &l);
    if (l.read != l.parsed + l.skipped + l.foreign + l.no_prefix +
                      l.unparsed + l.oversize)
        abort();
    bs_engine_mail_stats(e, &m);
    if (m.messages != m.bounces + m.not_bounces + m.malformed + m.oversize)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_engine)
        fuzz_new();
    if (!size)
        return 0;
    struct bs_engine *e = fuzz_engine;
    unsigned mode = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    if (mode & 0x80)
        bs_engine_begin_mail_input(e, "fuzz.eml", 1764547200);
    else
        bs_engine_begin_input(e, "fuzz.log", 1764547200);
    uint32_t rnd = mode * 2654435761u + 1;
    size_t max_chunk = (size_t)1 << (mode & 15);
    int rc = 0;
    for (size_t o = 0; o < n;) {
        size_t chunk = n - o;
        if (mode) {
            rnd ^= rnd << 13, rnd ^= rnd >> 17, rnd ^= rnd << 5;
            chunk = chunk < 1 + rnd % max_chunk ? chunk : 1 + rnd % max_chunk;
        }
        int r = bs_engine_feed(e, p + o, chunk);
        if (r != 0 && r != -1)
            abort();
        rc |= r;
        o += chunk;
    }
    int r = bs_engine_end_input(e);
    if ((r != 0 && r != -1) || ((rc || r) && !*bs_engine_input_error(e)))
        abort();
    fuzz_invariants(e);
    char *out = NULL;
    size_t len = 0;
    char err[256];
    if (bs_engine_render(e, BS_FORMAT_JSON, NULL, &out, &len, err,
                         sizeof err) != 0 ||
        !out || strlen(out) != len)
        abort();
    free(out);
    return 0;
}
