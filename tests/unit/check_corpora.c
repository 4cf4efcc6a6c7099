/*
 * check_corpora.c - the syslog prefix and Postfix parser on real logs
 *
 * Every Postfix line of the shared corpora (../shared/corpora, described in
 * its SOURCES.md) goes through bs_syslog_parse(), bs_parser_for_program()
 * and the parser, and must obey "no unexpected skips":
 *   - a Postfix line whose message is "QID: to=<" is a DELIVERY event;
 *   - a qmgr "QID: from=<" line is an event (sender or expiry);
 *   - a qmgr "QID: removed" line is a DONE event;
 *   - no Postfix line is UNPARSED unless known_unparsed[] lists it, with
 *     the reason;
 *   - no line naming a postfix program (other than a '#' comment) lacks a
 *     syslog prefix unless known_no_prefix[] lists it.
 * Each listed line must still be there, as often (no stale entries).
 * Syslog files are read as they are (modoboa's "%(day)s" template becomes
 * "Nov 27"). Message-only sources get a prefix first: postfix-grok-patterns'
 * YAML cases by their pattern name (POSTFIX_SMTP -> postfix/smtp, ...), and
 * LogReporter's logwatch sample lines by their shape. Each source prints a
 * one-line summary, and the last test the totals.
 *
 * When the corpora are absent (a tarball without ../shared), the suite says
 * so and passes.
 */
#include "parser.h"
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CORPUS_YEAR 2026

/* ------------------------------------------------------------------ */
/* Sources                                                             */

enum source_kind {
    SRC_SYSLOG,      /* whole syslog lines */
    SRC_MODOBOA,     /* syslog lines whose date is "%(day)s" */
    SRC_GROK_YAML,   /* one message per YAML case, daemon from pattern */
    SRC_LOGREPORTER, /* message-only lines, daemon unknown */
};

struct source {
    const char *path;   /* under BS_CORPORA: a file, or a directory */
    const char *suffix; /* directory: the files whose names end so */
    enum source_kind kind;
};

static const struct source sources[] = {
    { "lightmeter-controlcenter/test_files/postfix_logs/individual_files",
      ".log", SRC_SYSLOG },
    { "lightmeter-controlcenter/extracted/parser_test-lines.log", NULL,
      SRC_SYSLOG },
    { "lightmeter-controlcenter/pkg/postfix/logparser/corpus", ".txt",
      SRC_SYSLOG },
    { "postfix_exporter-Hsn723/extracted", ".log", SRC_SYSLOG },
    { "postfix_exporter-sergeymakinen/exporter/testdata/mail.log", NULL,
      SRC_SYSLOG },
    { "crowdsec-hub/.tests/postfix-logs/postfix-logs.log", NULL, SRC_SYSLOG },
    { "fail2ban/postfix", NULL, SRC_SYSLOG },
    { "awstats/extracted", ".log", SRC_SYSLOG },
    { "modoboa/modoboa/maillog/tests/mail.log", NULL, SRC_MODOBOA },
    { "postfix-grok-patterns/test", ".yaml", SRC_GROK_YAML },
    { "LogReporter/extracted/Postfix.pm-TD-lines.log", NULL,
      SRC_LOGREPORTER },
};

/* Lines that break a rule on purpose: the file (its path under
 * BS_CORPORA), a piece of the line, how many lines have it, and why. */
struct known_line {
    const char *file;
    const char *needle;
    unsigned count;
    const char *reason;
};

/* Postfix lines that are UNPARSED. */
static const struct known_line known_unparsed[] = {
    { "postfix_exporter-sergeymakinen/exporter/testdata/mail.log",
      "123456789AB: user@example.com, relay=", 2,
      "deliberately malformed exporter input: no to=<...> field" },
    { "postfix-grok-patterns/test/local_0001.yaml",
      "to=user@hostname.example.com,", 1,
      "hand-written case without <>: Postfix's log_adhoc() always writes "
      "to=<%s>" },
    { "postfix-grok-patterns/test/local_0002.yaml",
      "to=ghdsgfhdslfh@localhost,", 1,
      "hand-written case without <>: Postfix's log_adhoc() always writes "
      "to=<%s>" },
};

#define SERGEY_LOG "postfix_exporter-sergeymakinen/exporter/testdata/mail.log"
#define SERGEY_WHY "the exporter's deliberately malformed lines"

/* Lines naming a postfix program without a valid syslog prefix: the
 * needle is the whole line. */
static const struct known_line known_no_prefix[] = {
    { SERGEY_LOG, "Jan: 1 00:00:00 hostname postfix/postscreen[12345]: foo",
      1, SERGEY_WHY },
    { SERGEY_LOG, "Jan 1 00:00:00 hostname postfix/postscreen[abcde]: foo", 1,
      SERGEY_WHY },
    { SERGEY_LOG, "Jan 1 00:00:00 hostname postfix/postscreen[12345", 1,
      SERGEY_WHY },
    { SERGEY_LOG, "Jan 1 00:00:00 hostname postfix/postscreen", 1,
      SERGEY_WHY },
};

/* ------------------------------------------------------------------ */
/* Checking one line                                                   */

struct stats {
    unsigned lines;      /* lines read (or YAML cases) */
    unsigned no_syslog;  /* no syslog prefix: comments, blanks, foreign */
    unsigned foreign;    /* a program no parser claims */
    unsigned postfix;    /* Postfix lines parsed */
    unsigned events;     /* of which events */
    unsigned deliveries; /* "QID: to=<" lines checked to be DELIVERY */
    unsigned qmgr_from;  /* qmgr "QID: from=<" lines checked */
    unsigned removed;    /* qmgr "QID: removed" lines checked */
    unsigned unparsed;   /* UNPARSED lines, all listed */
    unsigned failures;   /* rule violations (printed) */
};

struct walk {
    struct stats st;
    unsigned unparsed_hits[BS_ARRAY_LEN(known_unparsed)];
    unsigned no_prefix_hits[BS_ARRAY_LEN(known_no_prefix)];
};

static void stats_add(struct stats *a, const struct stats *b)
{
    a->lines += b->lines;
    a->no_syslog += b->no_syslog;
    a->foreign += b->foreign;
    a->postfix += b->postfix;
    a->events += b->events;
    a->deliveries += b->deliveries;
    a->qmgr_from += b->qmgr_from;
    a->removed += b->removed;
    a->unparsed += b->unparsed;
    a->failures += b->failures;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The part of a program name after its last '/'. */
static struct bs_slice daemon_of(struct bs_slice program)
{
    size_t i = program.len;
    while (i > 0 && program.ptr[i - 1] != '/')
        i--;
    return bs_slice_make(program.ptr + i, program.len - i);
}

static bool is_qmgr(struct bs_slice daemon)
{
    return BS_SLICE_EQ(daemon, "qmgr") || BS_SLICE_EQ(daemon, "nqmgr") ||
           BS_SLICE_EQ(daemon, "oqmgr");
}

/* A queue id (alphanumerics) and ": " at the start of msg; returns the
 * rest, or NULL. The test's own reading, independent of the parser's. */
static const char *after_queue_id(struct bs_slice msg, struct bs_slice *qid)
{
    size_t i = 0;
    while (i < msg.len && ((msg.ptr[i] >= '0' && msg.ptr[i] <= '9') ||
                           (msg.ptr[i] >= 'A' && msg.ptr[i] <= 'Z') ||
                           (msg.ptr[i] >= 'a' && msg.ptr[i] <= 'z')))
        i++;
    if (i == 0 || msg.len - i < 2 || msg.ptr[i] != ':' || msg.ptr[i + 1] != ' ')
        return NULL;
    *qid = bs_slice_make(msg.ptr, i);
    return msg.ptr + i + 2;
}

static bool rest_starts(struct bs_slice msg, const char *rest,
                        const char *lit)
{
    size_t left = (size_t)(msg.ptr + msg.len - rest), n = strlen(lit);
    return left >= n && memcmp(rest, lit, n) == 0;
}

static bool rest_is(struct bs_slice msg, const char *rest, const char *lit)
{
    size_t left = (size_t)(msg.ptr + msg.len - rest);
    return left == strlen(lit) && memcmp(rest, lit, left) == 0;
}

static void report(struct walk *w, const char *file, unsigned lineno,
                   const char *line, size_t len, const char *what)
{
    w->st.failures++;
    fprintf(stderr, "%s:%u: %s\n    %.*s\n", file, lineno, what, (int)len,
            line);
}

/* Is this UNPARSED line listed? Counts the hit. */
static bool unparsed_is_known(struct walk *w, const char *file,
                              const char *line, size_t len)
{
    for (size_t i = 0; i < BS_ARRAY_LEN(known_unparsed); i++) {
        const struct known_line *k = &known_unparsed[i];
        if (ends_with(file, k->file) &&
            bs_memmem(line, len, k->needle, strlen(k->needle))) {
            w->unparsed_hits[i]++;
            return true;
        }
    }
    return false;
}

/* Is this line without a prefix listed? Counts the hit. */
static bool no_prefix_is_known(struct walk *w, const char *file,
                               const char *line, size_t len)
{
    for (size_t i = 0; i < BS_ARRAY_LEN(known_no_prefix); i++) {
        const struct known_line *k = &known_no_prefix[i];
        if (ends_with(file, k->file) && strlen(k->needle) == len &&
            memcmp(line, k->needle, len) == 0) {
            w->no_prefix_hits[i]++;
            return true;
        }
    }
    return false;
}

/* The rules of the header comment, for one line. */
static void check_line(struct walk *w, const char *file, unsigned lineno,
                       const char *line, size_t len)
{
    struct bs_syslog_year y;
    struct bs_syslog_record rec;
    struct bs_event ev;
    bs_syslog_year_init(&y, CORPUS_YEAR, 0);
    w->st.lines++;
    if (bs_syslog_parse(&y, line, len, &rec) != BS_SYSLOG_OK) {
        w->st.no_syslog++;
        bool comment = len > 0 && line[0] == '#';
        if (!comment && bs_memmem(line, len, " postfix", 8) &&
            !no_prefix_is_known(w, file, line, len))
            report(w, file, lineno, line, len, "Postfix line, no prefix");
        return;
    }
    const struct bs_parser_ops *ops = bs_parser_for_program(rec.program);
    if (ops != &bs_postfix_parser) { /* qmail lines have their own test */
        w->st.foreign++;
        return;
    }
    enum bs_parse_result res = ops->parse(&rec, &ev);
    w->st.postfix++;
    if (res == BS_PARSE_EVENT) {
        w->st.events++;
        if (ev.queue_id.len == 0)
            report(w, file, lineno, line, len, "event without a queue id");
    }
    if (res == BS_PARSE_UNPARSED) {
        if (unparsed_is_known(w, file, line, len))
            w->st.unparsed++;
        else
            report(w, file, lineno, line, len, "UNPARSED, not listed");
    }

    struct bs_slice qid;
    const char *rest = after_queue_id(rec.message, &qid);
    if (!rest)
        return;
    struct bs_slice daemon = daemon_of(rec.program);
    bool qid_ok = ev.queue_id.len == qid.len &&
                  memcmp(ev.queue_id.ptr, qid.ptr, qid.len) == 0;
    if (rest_starts(rec.message, rest, "to=<")) {
        w->st.deliveries++;
        if (res != BS_PARSE_EVENT || ev.kind != BS_EV_DELIVERY)
            report(w, file, lineno, line, len, "to=< line is no DELIVERY");
        else if (!qid_ok || ev.recipient.len == 0)
            report(w, file, lineno, line, len, "bad queue id or recipient");
    } else if (is_qmgr(daemon) && rest_starts(rec.message, rest, "from=<")) {
        w->st.qmgr_from++;
        if (res != BS_PARSE_EVENT || (ev.kind != BS_EV_MESSAGE_SENDER &&
                                      ev.kind != BS_EV_MESSAGE_EXPIRED))
            report(w, file, lineno, line, len, "qmgr from=< is no event");
        else if (!qid_ok || ev.sender_is_null != (ev.sender.len == 0))
            report(w, file, lineno, line, len, "bad queue id or sender");
    } else if (is_qmgr(daemon) && rest_is(rec.message, rest, "removed")) {
        w->st.removed++;
        if (res != BS_PARSE_EVENT || ev.kind != BS_EV_MESSAGE_DONE || !qid_ok)
            report(w, file, lineno, line, len, "qmgr removed is no DONE");
    }
}

/* ------------------------------------------------------------------ */
/* Reading the sources                                                 */

/* Replaces every `from` by the shorter or equal `to`, in place. */
static void replace_all(char *buf, size_t *len, const char *from,
                        const char *to)
{
    size_t fn = strlen(from), tn = strlen(to), r = 0, wr = 0;
    ck_assert(tn <= fn);
    while (r < *len) {
        if (*len - r >= fn && memcmp(buf + r, from, fn) == 0) {
            memcpy(buf + wr, to, tn);
            r += fn;
            wr += tn;
        } else {
            buf[wr++] = buf[r++];
        }
    }
    *len = wr;
    buf[wr] = '\0';
}

/* Calls fn on each line of buf (without "\n" or "\r\n"). */
static void for_each_line(struct walk *w, const char *file, const char *buf,
                          size_t len,
                          void (*fn)(struct walk *, const char *, unsigned,
                                     const char *, size_t))
{
    unsigned lineno = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len, n = end - i;
        if (n > 0 && buf[i + n - 1] == '\r')
            n--;
        fn(w, file, ++lineno, buf + i, n);
        i = end + 1;
    }
}

/* Checks a message as if postfix/<daemon> had logged it: the line is
 * "Nov 27 00:00:00 host postfix/<daemon>[1]: " and the message. */
static void check_as_daemon(struct walk *w, const char *file,
                            unsigned lineno, const char *daemon,
                            const char *msg, size_t n)
{
    char program[64], prefix[128];
    int pn = snprintf(program, sizeof program, "postfix/%s", daemon);
    ck_assert(pn > 0 && (size_t)pn < sizeof program);
    struct bs_slice prog = bs_slice_make(program, (size_t)pn);
    ck_assert_msg(bs_parser_for_program(prog) == &bs_postfix_parser,
                  "%s: %s is not claimed", file, program);
    pn = snprintf(prefix, sizeof prefix, "Nov 27 00:00:00 host %s[1]: ",
                  program);
    ck_assert(pn > 0 && (size_t)pn < sizeof prefix);
    char *line = bs_xmalloc((size_t)pn + n);
    memcpy(line, prefix, (size_t)pn);
    memcpy(line + pn, msg, n);
    check_line(w, file, lineno, line, (size_t)pn + n);
    free(line);
}

/* LogReporter: message-only samples from the logwatch script. Delivery
 * records get an smtp prefix, qmgr sender/expiry lines a qmgr prefix,
 * notifications a bounce prefix and the rest an smtpd one (most are
 * smtpd's), so every line is held to the rules above. */
static void check_message_line(struct walk *w, const char *file,
                               unsigned lineno, const char *msg, size_t n)
{
    struct bs_slice m = bs_slice_make(msg, n), qid;
    const char *rest = after_queue_id(m, &qid);
    const char *daemon = "smtpd";
    if (rest && rest_starts(m, rest, "to=<"))
        daemon = "smtp";
    else if (rest && rest_starts(m, rest, "from=<") &&
             (bs_memmem(msg, n, ", size=", 7) ||
              bs_memmem(msg, n, ", status=", 9)))
        daemon = "qmgr";
    else if (bs_memmem(msg, n, " notification: ", 15))
        daemon = "bounce";
    check_as_daemon(w, file, lineno, daemon, msg, n);
}

static void check_syslog_line(struct walk *w, const char *file,
                              unsigned lineno, const char *line, size_t n)
{
    check_line(w, file, lineno, line, n);
}

/* A YAML double-quoted scalar without its quotes, escapes resolved. */
static size_t yaml_unquote(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n && s[i] != '"'; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char e = s[++i];
            out[o++] = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
        } else {
            out[o++] = s[i];
        }
    }
    return o;
}

/* The value of "key: ..." at the start of a line of a YAML file. */
static bool yaml_value(const char *buf, size_t len, const char *key,
                       struct bs_slice *out)
{
    size_t kn = strlen(key);
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len;
        if (end - i > kn && memcmp(buf + i, key, kn) == 0 &&
            buf[i + kn] == ':') {
            size_t v = i + kn + 1;
            while (v < end && buf[v] == ' ')
                v++;
            *out = bs_slice_make(buf + v, end - v);
            return true;
        }
        i = end + 1;
    }
    return false;
}

/* postfix-grok-patterns: "pattern: ^%{POSTFIX_SMTP}$" and "data: ...". */
static void check_grok_case(struct walk *w, const char *file,
                            const char *buf, size_t len)
{
    static const char *const fragments[] = { "DELAYS", "RELAY",
                                             "COMMAND_COUNTER_DATA" };
    struct bs_slice pat, data;
    ck_assert_msg(yaml_value(buf, len, "pattern", &pat) &&
                      yaml_value(buf, len, "data", &data),
                  "%s: no pattern or data", file);
    const char *p = bs_memmem(pat.ptr, pat.len, "%{POSTFIX_", 10);
    ck_assert_msg(p != NULL, "%s: pattern %.*s", file, (int)pat.len, pat.ptr);
    p += 10;
    const char *e = memchr(p, '}', (size_t)(pat.ptr + pat.len - p));
    ck_assert_msg(e != NULL, "%s: pattern %.*s", file, (int)pat.len, pat.ptr);
    size_t pn = (size_t)(e - p);
    for (size_t i = 0; i < BS_ARRAY_LEN(fragments); i++)
        if (pn == strlen(fragments[i]) && memcmp(p, fragments[i], pn) == 0)
            return; /* a piece of a message, not a message */

    /* POSTFIX_TRIVIAL_REWRITE -> trivial-rewrite, SCRIPT -> postfix-script,
     * TLS_FEATURES (delivery records with tls=) -> smtp */
    char daemon[48];
    if (pn == 6 && memcmp(p, "SCRIPT", 6) == 0) {
        snprintf(daemon, sizeof daemon, "postfix-script");
    } else if (pn == 12 && memcmp(p, "TLS_FEATURES", 12) == 0) {
        snprintf(daemon, sizeof daemon, "smtp");
    } else {
        ck_assert(pn < sizeof daemon);
        for (size_t i = 0; i < pn; i++)
            daemon[i] = p[i] == '_' ? '-' : bs_ascii_lower(p[i]);
        daemon[pn] = '\0';
    }
    char *msg = bs_xmalloc(data.len + 1);
    size_t n = data.len;
    if (n > 0 && data.ptr[0] == '"')
        n = yaml_unquote(data.ptr + 1, data.len - 1, msg);
    else
        memcpy(msg, data.ptr, n);
    check_as_daemon(w, file, 1, daemon, msg, n);
    free(msg);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_file(struct walk *w, const struct source *src,
                       const char *path)
{
    size_t len;
    char *buf = bs_test_read_file(path, &len);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    switch (src->kind) {
    case SRC_MODOBOA:
        replace_all(buf, &len, "%(day)s", "Nov 27");
        for_each_line(w, path, buf, len, check_syslog_line);
        break;
    case SRC_SYSLOG:
        for_each_line(w, path, buf, len, check_syslog_line);
        break;
    case SRC_LOGREPORTER:
        for_each_line(w, path, buf, len, check_message_line);
        break;
    case SRC_GROK_YAML:
        check_grok_case(w, path, buf, len);
        break;
    }
    free(buf);
}

/* Checks every file of a source; asserts it has at least one. */
static void walk_source(struct walk *w, const struct source *src)
{
    char path[1024];
    int n = snprintf(path, sizeof path, "%s/%s", BS_CORPORA, src->path);
    ck_assert(n > 0 && (size_t)n < sizeof path);
    if (!src->suffix) {
        check_file(w, src, path);
        return;
    }
    DIR *d = opendir(path);
    ck_assert_msg(d != NULL, "cannot open %s", path);
    char **names = NULL;
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!ends_with(de->d_name, src->suffix))
            continue;
        names = bs_xreallocarray(names, count + 1, sizeof *names);
        names[count++] = bs_xstrndup(de->d_name, strlen(de->d_name));
    }
    closedir(d);
    ck_assert_msg(count > 0, "no %s files in %s", src->suffix, path);
    qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        char file[1024];
        n = snprintf(file, sizeof file, "%s/%s", path, names[i]);
        ck_assert(n > 0 && (size_t)n < sizeof file);
        check_file(w, src, file);
        free(names[i]);
    }
    free(names);
}

static void print_stats(const char *name, const struct stats *st)
{
    printf("corpora: %-58s %5u lines, %5u postfix, %4u events, "
           "%4u deliveries, %3u qmgr from=, %3u removed, %u unparsed "
           "(listed)\n",
           name, st->lines, st->postfix, st->events, st->deliveries,
           st->qmgr_from, st->removed, st->unparsed);
    fflush(stdout);
}

/* Every listed line of this source is still there, as often. */
static void check_known_seen(const struct source *src,
                             const struct known_line *known, size_t n,
                             const unsigned *hits)
{
    for (size_t i = 0; i < n; i++) {
        const struct known_line *k = &known[i];
        if (strncmp(k->file, src->path, strlen(src->path)) != 0)
            continue; /* another source's */
        ck_assert_msg(hits[i] == k->count,
                      "listed line \"%s\" in %s: seen %u times, listed %u",
                      k->needle, k->file, hits[i], k->count);
    }
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

START_TEST(test_source)
{
    const struct source *src = &sources[_i];
    struct walk w;
    memset(&w, 0, sizeof w);
    walk_source(&w, src);
    print_stats(src->path, &w.st);
    ck_assert_msg(w.st.failures == 0, "%s: %u lines break the rules (see "
                  "stderr)", src->path, w.st.failures);
    ck_assert_msg(w.st.postfix > 0, "%s: no Postfix lines", src->path);
    check_known_seen(src, known_unparsed, BS_ARRAY_LEN(known_unparsed),
                     w.unparsed_hits);
    check_known_seen(src, known_no_prefix, BS_ARRAY_LEN(known_no_prefix),
                     w.no_prefix_hits);
}
END_TEST

START_TEST(test_totals)
{
    struct stats total;
    memset(&total, 0, sizeof total);
    for (size_t i = 0; i < BS_ARRAY_LEN(sources); i++) {
        struct walk w;
        memset(&w, 0, sizeof w);
        walk_source(&w, &sources[i]);
        stats_add(&total, &w.st);
    }
    print_stats("all sources", &total);
    printf("corpora: %u delivery lines checked (%u Postfix lines of %u)\n",
           total.deliveries, total.postfix, total.lines);
    fflush(stdout);
    ck_assert_uint_eq(total.failures, 0);
    ck_assert_uint_gt(total.deliveries, 0);
}
END_TEST

static Suite *corpora_suite(void)
{
    Suite *s = suite_create("corpora");
    TCase *tc = tcase_create("postfix");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_source, 0, (int)BS_ARRAY_LEN(sources));
    tcase_add_test(tc, test_totals);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (!bs_test_dir_exists(BS_CORPORA)) {
        printf("corpora not present, skipping (%s)\n", BS_CORPORA);
        return 0;
    }
    return bs_test_run(corpora_suite());
}
