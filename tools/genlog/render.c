/*
 * render.c - syslog prefix, addresses, hosts, tokens and reply texts
 */
#include "render.h"

void render_syslog_prefix(const struct writer_env *env,
                          struct timefmt_cache *stamp, const char *prog,
                          uint32_t pid)
{
    struct out *o = env->out;
    uint64_t now = *env->now;
    int64_t sec = (int64_t)(now / SEC);

    if (sec != stamp->sec)
        timefmt_cache_render(stamp, sec);
    out_mem(o, stamp->head, stamp->head_len);
    if (stamp->rfc3339) {
        out_padded(o, now % SEC, 6);
        OUT_LIT(o, "+00:00");
    }
    OUT_LIT(o, " " OUR_HOST " ");
    out_str(o, prog);
    if (pid) {
        out_ch(o, '[');
        out_u64(o, pid);
        out_ch(o, ']');
    }
    OUT_LIT(o, ": ");
}

static inline char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static void put_cased(struct out *o, const char *s, size_t n, uint8_t style)
{
    int label_start = 1, first_label = 1;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (style == CASE_UPPER || (style == CASE_MIXED && !first_label) ||
            (label_start && style != CASE_LOWER))
            c = upper(c);
        label_start = s[i] == '.';
        if (label_start)
            first_label = 0;
        out_ch(o, c);
    }
}

void render_address(struct out *o, const char *local, size_t local_len,
                    uint8_t domain, uint8_t style)
{
    const char *name = domains[domain].name;

    if (style == CASE_TITLE || style == CASE_MIXED)
        out_ch(o, upper(local[0])), local++, local_len--;
    out_mem(o, local, local_len);
    out_ch(o, '@');
    put_cased(o, name, strlen(name), style);
}

void render_rcpt(struct out *o, const struct rcpt *r)
{
    render_address(o, r->local, r->local_len, r->domain, r->case_style);
}

void render_sender(struct out *o, const struct message *m)
{
    if (m->sender_domain != SENDER_NULL)
        render_address(o, m->sender_local, m->sender_local_len,
                       m->sender_domain, m->sender_case);
}

void render_sender_domain(struct out *o, const struct message *m)
{
    if (m->sender_domain == SENDER_NULL)
        OUT_LIT(o, OUR_FQDN);
    else
        out_str(o, domains[m->sender_domain].name);
}

void render_hop(struct out *o, const struct hop *h)
{
    out_str(o, h->name);
    out_ch(o, '[');
    out_ip(o, h->ip);
    out_ch(o, ']');
}

static const char alnum[] =
    "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char hex_upper[] = "0123456789ABCDEF";
static const char hex_lower[] = "0123456789abcdef";

static const struct {
    const char *chars;
    uint32_t size;
} alphabets[] = {
    [TOKEN_LOWER] = {alnum, 26},
    [TOKEN_UPPER] = {alnum + 36, 26},
    [TOKEN_DIGITS] = {alnum + 26, 10},
    [TOKEN_ALNUM] = {alnum, 62},
    [TOKEN_HEX_UPPER] = {hex_upper, 16},
    [TOKEN_HEX_LOWER] = {hex_lower, 16},
};

void render_token(const struct writer_env *env, enum token_alphabet a,
                  unsigned n)
{
    const char *chars = alphabets[a].chars;
    uint32_t size = alphabets[a].size;

    for (unsigned i = 0; i < n; i++)
        out_ch(env->out, chars[rng_below(env->rng, size)]);
}

void render_gmail_token(const struct writer_env *env)
{
    render_token(env, TOKEN_LOWER, 2);
    render_token(env, TOKEN_DIGITS, 1 + rng_below(env->rng, 2));
    OUT_LIT(env->out, "si");
    render_token(env, TOKEN_DIGITS, 6 + rng_below(env->rng, 2));
    render_token(env, TOKEN_LOWER, 3);
    out_ch(env->out, '.');
    render_token(env, TOKEN_DIGITS, 1 + rng_below(env->rng, 3));
}

/* "OSZPR01MB6427.jpnprd01.prod.outlook.com" */
static void put_exo_host(const struct writer_env *env)
{
    OUT_LIT(env->out, "OS");
    render_token(env, TOKEN_UPPER, 1);
    OUT_LIT(env->out, "PR01MB");
    render_token(env, TOKEN_DIGITS, 4);
    OUT_LIT(env->out, ".jpnprd01.prod.outlook.com");
}

static void put_var(const struct writer_env *env, char name,
                    const struct reply_vars *v)
{
    struct out *o = env->out;
    struct rng *rng = env->rng;

    switch (name) {
    case 'a': render_rcpt(o, v->r); break;
    case 'l': out_mem(o, v->r->local, v->r->local_len); break;
    case 'd': out_str(o, domains[v->r->domain].name); break;
    case 's': render_sender_domain(o, v->m); break;
    case 'i': OUT_LIT(o, OUR_IP); break;
    case 'h': render_hop(o, v->hop); break;
    case 'g': render_gmail_token(env); break;
    case 'x': put_exo_host(env); break;
    case 'N': render_token(env, TOKEN_DIGITS, 13); break;
    case '3': render_token(env, TOKEN_DIGITS, 3); break;
    case 'k': render_token(env, TOKEN_HEX_LOWER, 16); break;
    case 'z': out_u64(o, v->m->size + rng_range(rng, 900, 4000)); break;
    case 'q': render_token(env, TOKEN_HEX_UPPER, 10); break;
    case 'e':
        render_token(env, TOKEN_ALNUM, 6);
        out_ch(o, '-');
        render_token(env, TOKEN_ALNUM, 6);
        out_ch(o, '-');
        render_token(env, TOKEN_ALNUM, 2);
        break;
    case 't': render_token(env, TOKEN_ALNUM, 22); break;
    case 'p': out_u64(o, rng_range(rng, 1000, 99999)); break;
    case 'u': out_u64(o, *env->now / SEC); break;
    default: out_ch(o, '%'); out_ch(o, name); break;
    }
}

void render_reply_text(const struct writer_env *env, const char *text,
                       const struct reply_vars *v)
{
    for (;;) {
        const char *pct = strchr(text, '%');

        if (!pct) {
            out_str(env->out, text);
            return;
        }
        out_mem(env->out, text, (size_t)(pct - text));
        put_var(env, pct[1], v);
        text = pct + 2;
    }
}
