/*
 * ipaddr.c - IPv4 and IPv6 addresses as values
 *
 * inet_pton and inet_ntop do the parsing and printing; they are pure
 * (no I/O, no global state) and accept exactly the text forms RFC 7208
 * allows (dotted quads without leading zeros, RFC 4291 IPv6).
 */
#include "ipaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const uint8_t bs_v4_mapped[12] = { 0, 0, 0, 0, 0, 0,
                                          0, 0, 0, 0, 0xff, 0xff };

int bs_ip_parse(const char *text, struct bs_ip *out)
{
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, text, out->b) == 1)
        return 0;
    if (inet_pton(AF_INET6, text, out->b) != 1)
        return -1;
    if (memcmp(out->b, bs_v4_mapped, sizeof bs_v4_mapped) == 0) {
        memmove(out->b, out->b + 12, 4);
        memset(out->b + 4, 0, 12);
        return 0;
    }
    out->v6 = 1;
    return 0;
}

void bs_ip_format(const struct bs_ip *ip, char *out, size_t cap)
{
    if (!inet_ntop(ip->v6 ? AF_INET6 : AF_INET, ip->b, out,
                   (socklen_t)cap) && cap)
        out[0] = '\0';
}

bool bs_ip_equal(const struct bs_ip *a, const struct bs_ip *b)
{
    return a->v6 == b->v6 && memcmp(a->b, b->b, a->v6 ? 16 : 4) == 0;
}

bool bs_ip_in_prefix(const struct bs_ip *a, const struct bs_ip *net,
                     unsigned prefix)
{
    if (a->v6 != net->v6)
        return false;
    unsigned bits = a->v6 ? 128 : 32;
    if (prefix > bits)
        prefix = bits;
    unsigned whole = prefix / 8, rest = prefix % 8;
    if (memcmp(a->b, net->b, whole) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a->b[whole] & mask) == (net->b[whole] & mask);
}

void bs_ip_reverse_name(const struct bs_ip *ip, char *out, size_t cap)
{
    if (!ip->v6) {
        snprintf(out, cap, "%u.%u.%u.%u.in-addr.arpa", ip->b[3], ip->b[2],
                 ip->b[1], ip->b[0]);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    char tmp[80];
    size_t n = 0;
    for (int i = 15; i >= 0; i--) {
        tmp[n++] = hex[ip->b[i] & 15];
        tmp[n++] = '.';
        tmp[n++] = hex[ip->b[i] >> 4];
        tmp[n++] = '.';
    }
    memcpy(tmp + n, "ip6.arpa", 9);
    snprintf(out, cap, "%s", tmp);
}
