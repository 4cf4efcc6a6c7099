/*
 * ipaddr.h - IPv4 and IPv6 addresses as values: parse, print, compare
 * under a prefix length, and the reverse-lookup name
 *
 * Pure functions over caller storage, for the SPF evaluator, the
 * reverse DNS check and the resolver. An IPv4-mapped IPv6 address
 * (::ffff:192.0.2.1) is an IPv4 address here, as RFC 7208 5/9 requires.
 */
#ifndef BS_IPADDR_H
#define BS_IPADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bs_ip {
    int v6;          /* 0: IPv4 in b[0..3]; 1: IPv6 in b[0..15] */
    uint8_t b[16];
};

/* Parses text (no brackets, no prefix). Returns 0, or -1 when it is not
 * an address. */
int bs_ip_parse(const char *text, struct bs_ip *out);
/* Writes the usual text form ("192.0.2.1", "2001:db8::1"). out holds at
 * least 46 bytes. */
void bs_ip_format(const struct bs_ip *ip, char *out, size_t cap);
bool bs_ip_equal(const struct bs_ip *a, const struct bs_ip *b);
/* Do the first prefix bits of a and net agree? Addresses of different
 * families never do. */
bool bs_ip_in_prefix(const struct bs_ip *a, const struct bs_ip *net,
                     unsigned prefix);
/* "1.2.0.192.in-addr.arpa" or the 32 nibbles of ".ip6.arpa" (72 bytes
 * with the NUL; out holds at least 74). */
void bs_ip_reverse_name(const struct bs_ip *ip, char *out, size_t cap);

#endif
