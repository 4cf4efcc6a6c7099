/*
 * diagnose_render.h - `bouncestat diagnose` output: text for people, one
 * JSON object for programs (doc/json.md, "Diagnosis")
 */
#ifndef BS_DIAGNOSE_RENDER_H
#define BS_DIAGNOSE_RENDER_H

#include "buf.h"
#include "diagnose.h"
#include "dns_resolver.h"

/* Appends the report of n concluded domains to out. */
void bs_diag_render_text(const struct bs_diag_domain *d, size_t n,
                         const struct bs_resolver_stats *dns,
                         struct bs_buf *out);
void bs_diag_render_json(const struct bs_diag_domain *d, size_t n,
                         const struct bs_resolver_stats *dns,
                         struct bs_buf *out);

#endif
