/*
 * postfix.c - Postfix log lines to events
 *
 * Lines and the events they give (QID is a short hex or long queue id):
 *   cleanup    QID: message-id=<...>                          -> NEW
 *   qmgr       QID: from=<s>, size=N, nrcpt=K (queue active) -> SENDER
 *   qmgr       QID: from=<s>, status=expired, returned to sender
 *              (also force-expired)                           -> EXPIRED
 *   qmgr       QID: removed                                   -> DONE
 *   smtp lmtp local virtual pipe error discard retry, and qmgr when it
 *   defers or bounces a recipient itself ("delivery temporarily suspended")
 *              QID: to=<r>, [orig_to=<o>,] relay=H[IP]:P, ... dsn=X.Y.Z,
 *              status=sent|deferred|bounced|SOFTBOUNCE|... (text)
 *                                                             -> DELIVERY
 *   bounce     QID: sender non-delivery notification: QID2    -> NOTIFICATION
 *   postsuper  QID: removed                                   -> DELETED
 * The program is a Postfix daemon under any syslog_name: the part after
 * the last '/' names the daemon (postfix/smtp, postfix-out/smtp,
 * postfix/submission/smtpd, postfix-10.20.30.40/smtp).
 *
 * "QID: to=<" is the delivery record Postfix's log_adhoc() writes in
 * whichever process reports the recipient's fate, so it is read as a
 * delivery from any daemon. A queue-id line with "status=" and "to=<" or
 * "relay=" that does not parse is UNPARSED, never silently skipped.
 * Queue ids: short ones are 5 hex digits of microseconds and the inode in
 * hex (up to 21 characters with 64-bit inodes); long ones are 6+4
 * characters of time, 'z' and the inode in base 51 (up to 23).
 *
 * The response text runs from the " (" after the status word to the last
 * ')' of the line: remote servers put anything inside, including ')' and
 * multi-line replies Postfix joined with spaces. A line cut by syslog's
 * size limit has no closing ')' and keeps what is there.
 */
#include "parser.h"

#include "../engine/scan.h"

struct bs_pf_cursor {
    const char *p, *end;
};

static struct bs_slice bs_pf_daemon(struct bs_slice program)
{
    const char *slash = bs_rfind_byte(program.ptr, program.ptr + program.len,
                                      '/');
    if (!slash)
        return bs_slice_make(program.ptr, 0);
    return bs_slice_make(slash + 1,
                         (size_t)(program.ptr + program.len - slash - 1));
}

struct bs_pf_name {
    const char *name;
    size_t len;
};
#define BS_PF_NAME(s) { s, sizeof(s) - 1 }

static bool bs_pf_in(struct bs_slice d, const struct bs_pf_name *names,
                     size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (d.len == names[i].len && d.ptr[0] == names[i].name[0] &&
            memcmp(d.ptr, names[i].name, d.len) == 0)
            return true;
    return false;
}

/* The daemons that log deliveries, most frequent first. */
static const struct bs_pf_name bs_pf_delivery_daemons[] = {
    BS_PF_NAME("smtp"), BS_PF_NAME("lmtp"), BS_PF_NAME("local"),
    BS_PF_NAME("virtual"), BS_PF_NAME("pipe"), BS_PF_NAME("error"),
    BS_PF_NAME("discard"), BS_PF_NAME("retry"),
};

static bool bs_pf_is_daemon_name(struct bs_slice d)
{
    static const struct bs_pf_name others[] = {
        BS_PF_NAME("smtpd"), BS_PF_NAME("qmgr"), BS_PF_NAME("cleanup"),
        BS_PF_NAME("postscreen"), BS_PF_NAME("anvil"), BS_PF_NAME("bounce"),
        BS_PF_NAME("tlsproxy"), BS_PF_NAME("dnsblog"), BS_PF_NAME("pickup"),
        BS_PF_NAME("scache"), BS_PF_NAME("nqmgr"), BS_PF_NAME("oqmgr"),
        BS_PF_NAME("defer"), BS_PF_NAME("trace"), BS_PF_NAME("postsuper"),
        BS_PF_NAME("tlsmgr"), BS_PF_NAME("trivial-rewrite"),
        BS_PF_NAME("verify"), BS_PF_NAME("master"), BS_PF_NAME("sendmail"),
        BS_PF_NAME("postdrop"), BS_PF_NAME("postmap"), BS_PF_NAME("flush"),
        BS_PF_NAME("showq"), BS_PF_NAME("proxymap"), BS_PF_NAME("postlog"),
        BS_PF_NAME("postfix-script"), BS_PF_NAME("spawn"),
        BS_PF_NAME("postqueue"), BS_PF_NAME("postalias"),
        BS_PF_NAME("postconf"), BS_PF_NAME("postcat"), BS_PF_NAME("qmqpd"),
        BS_PF_NAME("proxywrite"), BS_PF_NAME("postmulti"),
        BS_PF_NAME("smtp-sink"), BS_PF_NAME("lmtpd"),
    };
    return d.len && (bs_pf_in(d, bs_pf_delivery_daemons,
                              BS_ARRAY_LEN(bs_pf_delivery_daemons)) ||
                     bs_pf_in(d, others, BS_ARRAY_LEN(others)));
}

static bool bs_pf_claims(struct bs_slice program)
{
    struct bs_slice d = bs_pf_daemon(program);
    if (!d.len)
        return BS_SLICE_STARTS(program, "postfix");
    return bs_pf_is_daemon_name(d);
}

enum { BS_PF_QID_MIN = 5, BS_PF_QID_MAX = 23 };

/* "QID: " at the start: 5 to 23 alphanumerics, then ": ". */
static bool bs_pf_queue_id(struct bs_pf_cursor *c, struct bs_slice *qid)
{
    const char *s = c->p;
    const char *lim = c->end - s > BS_PF_QID_MAX ? s + BS_PF_QID_MAX + 1
                                                 : c->end;
    c->p = bs_skip_alnum(c->p, lim);
    size_t n = (size_t)(c->p - s);
    if (n < BS_PF_QID_MIN || n > BS_PF_QID_MAX || c->end - c->p < 2 ||
        c->p[0] != ':' || c->p[1] != ' ') {
        c->p = s;
        return false;
    }
    *qid = bs_slice_make(s, n);
    c->p += 2;
    return true;
}

static inline bool bs_pf_lit(struct bs_pf_cursor *c, const char *lit,
                             size_t n)
{
    if ((size_t)(c->end - c->p) < n || !bs_mem_eq(c->p, lit, n))
        return false;
    c->p += n;
    return true;
}
#define BS_PF_LIT(c, s) bs_pf_lit((c), (s), sizeof(s) - 1)

/* "<addr>" up to the '>' that ends the field (followed by ',', ' ' or the
 * end), so quoted local parts with spaces or '>' survive. */
static bool bs_pf_angle(struct bs_pf_cursor *c, struct bs_slice *out)
{
    if (c->p >= c->end || *c->p != '<')
        return false;
    const char *s = c->p + 1;
    for (const char *q = s; (q = bs_find_any3(q, c->end, '>', '>', '>')) <
                            c->end;
         q++) {
        if (q + 1 == c->end || q[1] == ',' || q[1] == ' ') {
            *out = bs_slice_make(s, (size_t)(q - s));
            c->p = q + 1;
            return true;
        }
    }
    return false;
}

static void bs_pf_skip_sep(struct bs_pf_cursor *c)
{
    while (c->p < c->end && (*c->p == ',' || *c->p == ' '))
        c->p++;
}

/* A plain value: up to ',' or ' '. */
static struct bs_slice bs_pf_value(struct bs_pf_cursor *c)
{
    const char *s = c->p;
    c->p = bs_find_any3(c->p, c->end, ',', ' ', ' ');
    return bs_slice_make(s, (size_t)(c->p - s));
}

/* "host[ip]:port", "none", "local", "h[private/dovecot-lmtp]" */
static void bs_pf_relay(struct bs_slice v, struct bs_event *ev)
{
    const char *lb = memchr(v.ptr, '[', v.len);
    if (!lb) {
        ev->relay_host = v;
        return;
    }
    ev->relay_host = bs_slice_make(v.ptr, (size_t)(lb - v.ptr));
    const char *rb = memchr(lb, ']', (size_t)(v.ptr + v.len - lb));
    if (rb)
        ev->relay_ip = bs_slice_make(lb + 1, (size_t)(rb - lb - 1));
}

static bool bs_pf_status_word(struct bs_slice w, struct bs_event *ev)
{
    if (BS_SLICE_EQ(w, "sent"))
        ev->status = BS_ST_SENT;
    else if (BS_SLICE_EQ(w, "deferred") || BS_SLICE_EQ(w, "SOFTBOUNCE"))
        ev->status = BS_ST_DEFERRED;
    else if (BS_SLICE_EQ(w, "bounced"))
        ev->status = BS_ST_BOUNCED;
    else if (BS_SLICE_EQ(w, "deliverable") ||
             BS_SLICE_EQ(w, "undeliverable") ||
             BS_SLICE_EQ(w, "undeliverable-but-not-cached"))
        ev->status = BS_ST_PROBE;
    else
        return false;
    return true;
}

/* The rest after "status=WORD": " (text)" to the last ')' of the line. */
static void bs_pf_text(struct bs_pf_cursor *c, struct bs_event *ev)
{
    if (!BS_PF_LIT(c, " ("))
        return;
    const char *e = c->end;
    while (e > c->p && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (e > c->p && e[-1] == ')')
        e--;
    ev->text = bs_slice_make(c->p, (size_t)(e - c->p));
}

/* Key=value fields of a delivery line in any order and with any other
 * keys; status= is the last one. Out of line: few lines need it, and
 * bs_pf_parse saves fewer registers on every line without it. */
static BS_NOINLINE enum bs_parse_result
bs_pf_delivery_walk(struct bs_pf_cursor *c, struct bs_event *ev)
{
    bool have_to = false;
    while (c->p < c->end) {
        bs_pf_skip_sep(c);
        const char *k = c->p;
        c->p = bs_find_any3(c->p, c->end, '=', ' ', ',');
        if (c->p >= c->end || *c->p != '=')
            return BS_PARSE_UNPARSED;
        struct bs_slice key = bs_slice_make(k, (size_t)(c->p - k));
        c->p++;
        if (BS_SLICE_EQ(key, "to") || BS_SLICE_EQ(key, "orig_to")) {
            struct bs_slice a;
            if (!bs_pf_angle(c, &a))
                return BS_PARSE_UNPARSED;
            if (key.len == 2) {
                ev->recipient = a;
                have_to = true;
            }
            continue;
        }
        struct bs_slice v = bs_pf_value(c);
        if (BS_SLICE_EQ(key, "relay")) {
            bs_pf_relay(v, ev);
        } else if (BS_SLICE_EQ(key, "dsn")) {
            ev->dsn = v;
        } else if (BS_SLICE_EQ(key, "status")) {
            if (!have_to || !bs_pf_status_word(v, ev))
                return BS_PARSE_UNPARSED;
            bs_pf_text(c, ev);
            ev->kind = BS_EV_DELIVERY;
            return BS_PARSE_EVENT;
        }
    }
    return BS_PARSE_UNPARSED;
}

/* ", KEY=" then a plain value. */
static inline bool bs_pf_next_value(struct bs_pf_cursor *c, const char *key,
                                    size_t n, struct bs_slice *v)
{
    if (!BS_PF_LIT(c, ", ") || !bs_pf_lit(c, key, n))
        return false;
    *v = bs_pf_value(c);
    return true;
}
#define BS_PF_NEXT_VALUE(c, key, v) \
    bs_pf_next_value((c), (key), sizeof(key) - 1, (v))

/* The delivery line as Postfix writes it, fields in their fixed order:
 *   to=<r>, [orig_to=<o>, ]relay=V, [conn_use=N, ]delay=V, delays=V,
 *   dsn=V, status=WORD (text)
 * Each step is one that bs_pf_delivery_walk takes on such a line (a
 * ", " it skips, a key it finds before its '=', a value it reads to ','
 * or ' '), so where this succeeds the walk gives the same event; it only
 * saves the walk's search for each key and its compares with the keys it
 * knows. False on any other shape: the walk reads the line then. */
static bool bs_pf_delivery_usual(struct bs_pf_cursor *c, struct bs_event *ev)
{
    struct bs_slice v;
    if (!BS_PF_LIT(c, "to=") || !bs_pf_angle(c, &ev->recipient))
        return false;
    if (BS_PF_LIT(c, ", orig_to=") && !bs_pf_angle(c, &v))
        return false;
    if (!BS_PF_NEXT_VALUE(c, "relay=", &v))
        return false;
    bs_pf_relay(v, ev);
    if (BS_PF_LIT(c, ", conn_use="))
        (void)bs_pf_value(c);
    if (!BS_PF_NEXT_VALUE(c, "delay=", &v) ||
        !BS_PF_NEXT_VALUE(c, "delays=", &v) ||
        !BS_PF_NEXT_VALUE(c, "dsn=", &ev->dsn) ||
        !BS_PF_NEXT_VALUE(c, "status=", &v) || !bs_pf_status_word(v, ev))
        return false;
    bs_pf_text(c, ev);
    ev->kind = BS_EV_DELIVERY;
    return true;
}

/* A delivery line ("to=" at c): the usual shape first, else the walk
 * from the start. A failed try leaves nothing the walk would not write:
 * the fields it set came from keys the walk meets first, in that order. */
static enum bs_parse_result bs_pf_delivery(struct bs_pf_cursor *c,
                                           struct bs_event *ev)
{
    struct bs_pf_cursor usual = *c;
    if (bs_pf_delivery_usual(&usual, ev))
        return BS_PARSE_EVENT;
    return bs_pf_delivery_walk(c, ev);
}

/* qmgr: "from=<s>, size=..." or "from=<s>, status=expired, ..." */
static enum bs_parse_result bs_pf_qmgr_from(struct bs_pf_cursor *c,
                                            struct bs_event *ev)
{
    if (!bs_pf_angle(c, &ev->sender))
        return BS_PARSE_UNPARSED;
    ev->sender_is_null = ev->sender.len == 0;
    if (BS_PF_LIT(c, ", status=expired") ||
        BS_PF_LIT(c, ", status=force-expired")) {
        ev->kind = BS_EV_MESSAGE_EXPIRED;
        return BS_PARSE_EVENT;
    }
    if (BS_PF_LIT(c, ", size=")) {
        ev->kind = BS_EV_MESSAGE_SENDER;
        return BS_PARSE_EVENT;
    }
    return BS_PARSE_UNPARSED;
}

/* Is the daemon (bs_pf_daemon: the part after the last '/') d? The
 * program then ends with "/d", d having no '/' of its own. */
static bool bs_pf_daemon_is(struct bs_slice program, const char *slash_d,
                            size_t n)
{
    return program.len >= n &&
           bs_mem_eq(program.ptr + program.len - n, slash_d, n);
}
#define BS_PF_DAEMON_IS(program, d) \
    bs_pf_daemon_is((program), "/" d, sizeof(d))

static bool bs_pf_is_qmgr(struct bs_slice program)
{
    return BS_PF_DAEMON_IS(program, "qmgr") ||
           BS_PF_DAEMON_IS(program, "nqmgr") ||
           BS_PF_DAEMON_IS(program, "oqmgr");
}

/* Is the rest of the line "removed" (qmgr: the message is done;
 * postsuper: it was deleted)? */
static bool bs_pf_rest_is_removed(struct bs_pf_cursor *c)
{
    return c->end - c->p == 7 && BS_PF_LIT(c, "removed");
}

/* The keys of a delivery record seen in a line so far. */
struct bs_pf_keys_seen {
    bool status, to_or_relay;
};

/* Notes what the '=' at q makes with the bytes around it ("status=",
 * "to=<" or "relay=": p is where the rest of the line starts, end where
 * it ends); true once both kinds are seen. */
static bool bs_pf_key_before(const char *p, const char *q, const char *end,
                             struct bs_pf_keys_seen *k)
{
    size_t before = (size_t)(q - p);
    if (before >= 6 && bs_mem_eq(q - 6, "status", 6))
        k->status = true;
    if ((before >= 2 && q[-2] == 't' && q[-1] == 'o' && q + 1 < end &&
         q[1] == '<') ||
        (before >= 5 && bs_mem_eq(q - 5, "relay", 5)))
        k->to_or_relay = true;
    return k->status && k->to_or_relay;
}

/* Does [p, end) hold "status=" and also "to=<" or "relay="? Each ends at
 * (or has) an '=', so only the bytes around each '=' are compared, in
 * one pass over the line. */
static bool bs_pf_looks_like_delivery(const char *p, const char *end)
{
    struct bs_pf_keys_seen k = { false, false };
    const char *q = p;
#ifdef BS_SCAN_SSE2
    const __m128i eq = _mm_set1_epi8('=');
    for (; end - q >= 16; q += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, eq));
        for (; m; m &= m - 1)
            if (bs_pf_key_before(p, q + __builtin_ctz(m), end, &k))
                return true;
    }
    if (q > p && q < end) {
        /* the last bytes: the sixteen that end the line, less those
         * looked at already (1 to 15 of them) */
        const char *r = end - 16;
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)r);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, eq)) &
                     (~0u << (q - r));
        for (; m; m &= m - 1)
            if (bs_pf_key_before(p, r + __builtin_ctz(m), end, &k))
                return true;
        return false;
    }
#endif
    for (; q < end; q++)
        if (*q == '=' && bs_pf_key_before(p, q, end, &k))
            return true;
    return false;
}

static enum bs_parse_result bs_pf_parse(const struct bs_syslog_record *rec,
                                        struct bs_event *ev)
{
    struct bs_pf_cursor c = { rec->message.ptr,
                              rec->message.ptr + rec->message.len };
    struct bs_slice qid;
    if (!bs_pf_queue_id(&c, &qid))
        return BS_PARSE_SKIPPED; /* most lines without an id: not zeroed */
    *ev = (struct bs_event){ .mta = BS_MTA_POSTFIX, .time = rec->time,
                             .queue_id = qid };
    if (c.end - c.p > 3 && memcmp(c.p, "to=", 3) == 0)
        return bs_pf_delivery(&c, ev);
    struct bs_slice program = rec->program;
    /* the daemons with events of their own, told apart by the last byte
     * of the name (one jump instead of a compare for each) */
    switch (program.len ? program.ptr[program.len - 1] : '\0') {
    case 'r':
        if (bs_pf_is_qmgr(program)) {
            if (BS_PF_LIT(&c, "from="))
                return bs_pf_qmgr_from(&c, ev);
            if (bs_pf_rest_is_removed(&c)) {
                ev->kind = BS_EV_MESSAGE_DONE;
                return BS_PARSE_EVENT;
            }
            return BS_PARSE_SKIPPED;
        }
        if (BS_PF_DAEMON_IS(program, "postsuper") &&
            bs_pf_rest_is_removed(&c)) {
            ev->kind = BS_EV_MESSAGE_DELETED;
            return BS_PARSE_EVENT;
        }
        break;
    case 'p':
        if (BS_PF_DAEMON_IS(program, "cleanup") &&
            BS_PF_LIT(&c, "message-id=")) {
            ev->kind = BS_EV_MESSAGE_NEW;
            return BS_PARSE_EVENT;
        }
        break;
    case 'e':
        if (BS_PF_DAEMON_IS(program, "bounce") &&
            (BS_PF_LIT(&c, "sender non-delivery notification: ") ||
             BS_PF_LIT(&c, "sender delay notification: ") ||
             BS_PF_LIT(&c, "sender delivery status notification: ") ||
             BS_PF_LIT(&c, "postmaster non-delivery notification: "))) {
            ev->kind = BS_EV_NOTIFICATION;
            return BS_PARSE_EVENT;
        }
        break;
    default:
        break;
    }
    /* A delivery-looking line of an unexpected shape. */
    if (bs_pf_looks_like_delivery(c.p, c.end))
        return BS_PARSE_UNPARSED;
    return BS_PARSE_SKIPPED;
}

const struct bs_parser_ops bs_postfix_parser = {
    .name = "postfix",
    .claims = bs_pf_claims,
    .parse = bs_pf_parse,
};
