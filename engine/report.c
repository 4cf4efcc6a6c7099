/*
 * report.c - bs_engine_report: the deliverability report in one of its
 * formats, from the model (report_model.h)
 */
#include "report_model.h"

#include <stdio.h>

const char *const bs_report_palette[BS_RM_MAX_SERIES] = {
    "#0072B2", /* blue */
    "#E69F00", /* orange */
    "#009E73", /* bluish green */
    "#D55E00", /* vermillion */
    "#CC79A7", /* reddish purple */
    "#56B4E9", /* sky blue */
    "#000000", /* black */
    "#F0E442", /* yellow */
};

int bs_report_render(struct bs_engine *e, const struct bs_report_options *o,
                     struct bs_buf *b, struct bs_buf *err)
{
    if (o->format != BS_FORMAT_HTML && o->format != BS_FORMAT_MD &&
        o->format != BS_FORMAT_CSV && o->format != BS_FORMAT_JSON) {
        bs_buf_puts(err, "the report is written as html, md, csv or json");
        return -1;
    }
    struct bs_report_model m;
    bs_rm_build(&m, e, o);
    if (o->format == BS_FORMAT_HTML)
        bs_report_html(&m, b);
    else if (o->format == BS_FORMAT_MD)
        bs_report_md(&m, b);
    else if (o->format == BS_FORMAT_CSV)
        bs_report_tables_csv(&m, b);
    else
        bs_report_tables_json(&m, b);
    bs_rm_fini(&m);
    return 0;
}

int bs_engine_report(struct bs_engine *e, const struct bs_report_options *o,
                     char **out, size_t *outlen, char *err, size_t errlen)
{
    struct bs_buf b, eb;
    bs_buf_init(&b);
    bs_buf_init(&eb);
    int rc = bs_report_render(e, o, &b, &eb);
    if (rc < 0) {
        if (errlen)
            snprintf(err, errlen, "%s", eb.data);
        bs_buf_fini(&b);
        *out = NULL;
        *outlen = 0;
    } else {
        *out = b.data;
        *outlen = b.len;
    }
    bs_buf_fini(&eb);
    return rc;
}
