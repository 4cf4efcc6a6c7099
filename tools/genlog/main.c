/*
 * main.c - bs-gen-maillog: a deterministic Postfix or qmail log with
 * ground truth
 *
 * SYNOPSIS
 *      bs-gen-maillog [--seed N] [--messages N | --size BYTES]
 *              [--start 'YYYY-MM-DD HH:MM:SS'] [--year-format bsd|rfc3339]
 *              [--long-queue-ids] [--failure-share PCT] [--truth FILE]
 *              [--mta postfix|qmail]
 *              [--qmail-format multilog|syslog|tai64nlocal] [-o FILE]
 *
 * DESCRIPTION
 *      Writes the syslog maillog of a busy Postfix 3.x server at a Japanese
 *      hosting company (customers send through it, the internet delivers
 *      to its mailboxes) and, with --truth, the exact CSV that
 *      "bouncestat --format csv --by provider,sender_domain" must print for
 *      that log. Tests compare the two; benchmarks use --size to get a big
 *      file fast (no allocation per line, one large fwrite buffer, a
 *      per-second timestamp cache, hand-rolled number formatting).
 *
 *      Only the seeded generator decides anything, so the same seed and
 *      arguments give byte-identical log and truth. --failure-share is the
 *      share of failures among recipients of the generated messages;
 *      notifications fail at a quarter of that rate.
 *
 *      --mta qmail writes the same mail flow as qmail-send logs it
 *      instead (qmail.h): under multilog (TAI64N stamps, the default),
 *      as tai64nlocal prints it, or through splogger to syslog (BSD
 *      stamps, or RFC 3339 with --year-format rfc3339). Its truth counts
 *      what those lines show. --long-queue-ids is Postfix's only.
 *
 * SOURCE TOUR (reading order)
 *      common.h        units (microseconds, ppm) and xcalloc
 *      rng.h           xoshiro256**, uniform draws, weighted picks
 *      domains.h       providers, domains, MX hosts, mailbox-name words
 *      replies.h       what each family of servers answers
 *      message.h       a message and its recipients
 *      plan.h          deciding a message: sender, recipients, their fates
 *      event_queue.h   the (time, sequence) heap of what happens next
 *      sim.h           the message lifecycle, arrivals, the driver
 *      truth.h         the ground truth and its CSV
 *      writer.h        the seam between the model and an MTA's log format
 *      out.h           the output buffer and number formatting
 *      timefmt.h       calendar and syslog timestamps
 *      render.h        MTA-neutral line pieces: prefix, addresses, replies
 *      postfix.h       the Postfix writer (postfix_procs.h, postfix_delivery.h,
 *                      postfix_noise.h are its parts)
 *      qmail.h         the qmail writer (qmail_delivery.h, qmail_evidence.h)
 *
 * DIAGNOSTICS
 *      Usage errors exit 2, I/O errors exit 1. A one-line summary goes to
 *      stderr at the end.
 */
#include "common.h"
#include "out.h"
#include "postfix.h"
#include "qmail.h"
#include "sim.h"
#include "timefmt.h"
#include "truth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct options {
    struct sim_config sim;
    int rfc3339;
    int long_queue_ids;
    int qmail;              /* --mta qmail */
    int qmail_format;       /* enum qmail_format; -1: not given */
    const char *truth_path;
    const char *out_path;
};

static void usage(void)
{
    fputs("usage: bs-gen-maillog [--seed N] [--messages N | --size BYTES]\n"
          "         [--start 'YYYY-MM-DD HH:MM:SS'] "
          "[--year-format bsd|rfc3339]\n"
          "         [--long-queue-ids] [--failure-share PCT] [--truth FILE]\n"
          "         [--mta postfix|qmail]\n"
          "         [--qmail-format multilog|syslog|tai64nlocal] [-o FILE]\n"
          "  --size accepts a k, M or G suffix (powers of 1024).\n", stderr);
    exit(2);
}

static uint64_t parse_u64(const char *s, int allow_suffix)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        usage();
    if (allow_suffix && *end) {
        const char *suffixes = "kKmMgG";
        const char *hit = strchr(suffixes, *end);

        if (!hit || end[1])
            usage();
        v <<= 10 * (1 + (hit - suffixes) / 2);
        end++;
    }
    if (*end)
        usage();
    return v;
}

static unsigned parse_field(const char **p, int digits, unsigned lo,
                            unsigned hi)
{
    unsigned v = 0;

    for (int i = 0; i < digits; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            usage();
        v = v * 10 + (unsigned)(**p - '0');
    }
    if (v < lo || v > hi)
        usage();
    return v;
}

static void expect_char(const char **p, const char *allowed)
{
    if (!**p || !strchr(allowed, **p))
        usage();
    (*p)++;
}

/* "YYYY-MM-DD HH:MM:SS" (or with a 'T'), UTC. */
static int64_t parse_start(const char *s)
{
    const char *p = s;
    unsigned y = parse_field(&p, 4, 1970, 9999);
    unsigned mo, d, h, mi, sec;

    expect_char(&p, "-");
    mo = parse_field(&p, 2, 1, 12);
    expect_char(&p, "-");
    d = parse_field(&p, 2, 1, 31);
    expect_char(&p, " T");
    h = parse_field(&p, 2, 0, 23);
    expect_char(&p, ":");
    mi = parse_field(&p, 2, 0, 59);
    expect_char(&p, ":");
    sec = parse_field(&p, 2, 0, 59);
    if (*p)
        usage();
    return timefmt_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
           sec;
}

static uint32_t parse_share(const char *s)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s || *end || !(v >= 0 && v <= 100))
        usage();
    return (uint32_t)(v * 10000 + 0.5);
}

static const char *need_arg(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        usage();
    return argv[++*i];
}

static void parse_options(int argc, char **argv, struct options *opt)
{
    struct sim_config *cfg = &opt->sim;
    int by_count = 0, by_size = 0;

    *opt = (struct options){
        .sim = {.seed = 1, .messages = 1000, .failure_ppm = PCT(8)},
        .qmail_format = -1,
    };
    cfg->start = parse_start("2026-11-01 00:00:00");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "--seed")) {
            cfg->seed = parse_u64(need_arg(argc, argv, &i), 0);
        } else if (!strcmp(a, "--messages")) {
            cfg->messages = parse_u64(need_arg(argc, argv, &i), 0);
            by_count = 1;
        } else if (!strcmp(a, "--size")) {
            cfg->size = parse_u64(need_arg(argc, argv, &i), 1);
            by_size = 1;
        } else if (!strcmp(a, "--start")) {
            cfg->start = parse_start(need_arg(argc, argv, &i));
        } else if (!strcmp(a, "--year-format")) {
            const char *f = need_arg(argc, argv, &i);

            if (strcmp(f, "bsd") && strcmp(f, "rfc3339"))
                usage();
            opt->rfc3339 = !strcmp(f, "rfc3339");
        } else if (!strcmp(a, "--long-queue-ids")) {
            opt->long_queue_ids = 1;
        } else if (!strcmp(a, "--failure-share")) {
            cfg->failure_ppm = parse_share(need_arg(argc, argv, &i));
        } else if (!strcmp(a, "--truth")) {
            opt->truth_path = need_arg(argc, argv, &i);
        } else if (!strcmp(a, "--mta")) {
            const char *m = need_arg(argc, argv, &i);

            if (strcmp(m, "postfix") && strcmp(m, "qmail"))
                usage();
            opt->qmail = !strcmp(m, "qmail");
        } else if (!strcmp(a, "--qmail-format")) {
            const char *f = need_arg(argc, argv, &i);

            if (!strcmp(f, "multilog"))
                opt->qmail_format = QMAIL_MULTILOG;
            else if (!strcmp(f, "syslog"))
                opt->qmail_format = QMAIL_SYSLOG;
            else if (!strcmp(f, "tai64nlocal"))
                opt->qmail_format = QMAIL_TAI64NLOCAL;
            else
                usage();
        } else if (!strcmp(a, "-o")) {
            opt->out_path = need_arg(argc, argv, &i);
        } else {
            usage();
        }
    }
    if (by_count && by_size)
        usage();
    if (!opt->qmail && opt->qmail_format >= 0)
        usage();
    if (opt->qmail && opt->qmail_format < 0)
        opt->qmail_format = QMAIL_MULTILOG;
    if (opt->qmail && (opt->long_queue_ids ||
                       (opt->rfc3339 && opt->qmail_format != QMAIL_SYSLOG)))
        usage();
    if (by_size)
        cfg->messages = 0;
}

static void print_summary(const struct sim *s, const struct truth *truth,
                          const struct out *o)
{
    const struct sim_stats *st = &s->stats;
    const struct truth_counts *t = &truth->total;

    fprintf(stderr, PROGNAME ": seed=%llu messages=%llu (prelog=%llu) "
            "notices=%llu lines=%llu bytes=%llu recipients sent=%llu "
            "bounced=%llu expired=%llu pending=%llu deferred_attempts=%llu "
            "skipped_arrivals=%llu\n",
            (unsigned long long)s->cfg.seed, (unsigned long long)st->messages,
            (unsigned long long)st->prelog, (unsigned long long)st->notices,
            (unsigned long long)o->lines, (unsigned long long)out_bytes(o),
            (unsigned long long)t->sent, (unsigned long long)t->bounced,
            (unsigned long long)t->expired,
            (unsigned long long)sim_pending(s),
            (unsigned long long)t->deferred, (unsigned long long)st->skipped);
}

int main(int argc, char **argv)
{
    struct options opt;
    struct out out;
    struct sim sim;
    struct writer *writer;
    const struct truth *truth;
    FILE *fp = stdout;
    int rc = 0;

    parse_options(argc, argv, &opt);
    if (opt.out_path && !(fp = fopen(opt.out_path, "wb"))) {
        fprintf(stderr, PROGNAME ": %s: %s\n", opt.out_path, strerror(errno));
        return 1;
    }
    out_init(&out, fp);
    if (opt.qmail)
        writer = qmail_writer_new((enum qmail_format)opt.qmail_format,
                                  opt.rfc3339);
    else
        writer = postfix_writer_new(opt.rfc3339, opt.long_queue_ids);
    sim_init(&sim, &opt.sim, &out, writer);
    sim_run(&sim);
    truth = writer->ops->truth ? writer->ops->truth(writer) : &sim.truth;
    if (fflush(fp) || out.failed || (opt.out_path && fclose(fp))) {
        fprintf(stderr, PROGNAME ": write error: %s\n", strerror(errno));
        rc = 1;
    }
    if (opt.truth_path && truth_write_csv(truth, opt.truth_path)) {
        fprintf(stderr, PROGNAME ": %s: %s\n", opt.truth_path,
                strerror(errno));
        rc = 1;
    }
    print_summary(&sim, truth, &out);
    if (opt.qmail)
        qmail_print_stats(writer, stderr);
    sim_fini(&sim);
    writer->ops->free(writer);
    out_fini(&out);
    return rc;
}
