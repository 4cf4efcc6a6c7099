/*
 * report_svg.c - inline SVG charts for the HTML report (see report_svg.h)
 *
 * Layout of a chart, top to bottom: the legend (wrapped into rows), the
 * plot with its y axis on the left, the x tick labels and the x axis
 * title. Text widths are estimated (7 px per character at 12 px), which
 * is enough to wrap legends; nothing measures fonts.
 */
#include "report_svg.h"

#include <stdio.h>

#define W 960
#define LEFT 64
#define RIGHT 16
#define PLOT_H 240

static const char *const bs_dashes[BS_RM_MAX_SERIES] = {
    "", "7 3", "2 2", "9 3 2 3", "4 4", "1 3", "12 4", "5 2 1 2",
};

void bs_html_esc(struct bs_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x7f &&
               !strchr("&<>\"'", p[run]))
            run++;
        bs_buf_append(b, p + i, run - i);
        if ((i = run) >= n)
            break;
        unsigned char c = p[i];
        size_t u = c >= 0x80 ? bs_utf8_len(p + i, n - i) : 0;
        if (u) {
            bs_buf_append(b, p + i, u);
            i += u;
            continue;
        }
        i++;
        if (c == '&')
            bs_buf_puts(b, "&amp;");
        else if (c == '<')
            bs_buf_puts(b, "&lt;");
        else if (c == '>')
            bs_buf_puts(b, "&gt;");
        else if (c == '"')
            bs_buf_puts(b, "&quot;");
        else if (c == '\'')
            bs_buf_puts(b, "&#39;");
        else if (c == '\t' || c == '\n')
            bs_buf_putc(b, ' ');
        else if (c >= 0x80)
            bs_buf_puts(b, "\xef\xbf\xbd"); /* U+FFFD */
    }
}

void bs_html_escs(struct bs_buf *b, const char *s)
{
    bs_html_esc(b, s, strlen(s));
}

/* A "nice" axis: a step of 1, 2 or 5 times a power of ten, and the top
 * as a whole number of steps at or above max. */
static double bs_nice_step(double max, int ticks, double *top)
{
    if (!(max > 0))
        max = 1;
    double raw = max / ticks, mag = 1e-6;
    while (mag * 10 <= raw)
        mag *= 10;
    double step = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag
                                 : raw <= 5 * mag   ? 5 * mag
                                                    : 10 * mag;
    int n = (int)(max / step);
    if (n * step < max - 1e-12)
        n++;
    *top = (n < 1 ? 1 : n) * step;
    return step;
}

struct bs_legend_item {
    const char *name;
    const char *colour;
    const char *dash; /* NULL: a filled box */
};

/* Legend rows at the top; returns the height used. */
static int bs_svg_legend(struct bs_buf *b, const struct bs_legend_item *it,
                         size_t n)
{
    int x = LEFT, y = 16;
    bs_buf_puts(b, "<g class=\"legend\" font-size=\"12\">");
    for (size_t i = 0; i < n; i++) {
        int w = 34 + 7 * (int)strlen(it[i].name) + 18;
        if (x + w > W - RIGHT && x > LEFT) {
            x = LEFT;
            y += 20;
        }
        if (it[i].dash)
            bs_buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                          "stroke=\"%s\" stroke-width=\"2.5\"%s%s%s/>"
                          "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"%s\"/>",
                          x, y - 4, x + 26, y - 4, it[i].colour,
                          *it[i].dash ? " stroke-dasharray=\"" : "",
                          it[i].dash, *it[i].dash ? "\"" : "", x + 13, y - 4,
                          it[i].colour);
        else
            bs_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"14\" "
                          "height=\"12\" fill=\"%s\" stroke=\"#333\" "
                          "stroke-width=\"0.5\"/>", x + 6, y - 10,
                          it[i].colour);
        bs_buf_printf(b, "<text x=\"%d\" y=\"%d\">", x + 32, y);
        bs_html_escs(b, it[i].name);
        bs_buf_puts(b, "</text>");
        x += w;
    }
    bs_buf_puts(b, "</g>");
    return y + 14;
}

static void bs_svg_open(struct bs_report_model *m, struct bs_buf *b,
                        const char *id, int height, enum bs_label title,
                        enum bs_label desc)
{
    bs_buf_printf(b, "<svg class=\"chart\" data-chart=\"%s\" "
                  "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                  "role=\"img\" aria-labelledby=\"%s-t %s-d\">"
                  "<title id=\"%s-t\">", id, W, height, id, id, id);
    bs_html_escs(b, bs_rm_label(m, title));
    bs_buf_printf(b, "</title><desc id=\"%s-d\">", id);
    bs_html_escs(b, bs_rm_label(m, desc));
    bs_buf_puts(b, "</desc>");
}

/* The y axis of a plot at [top, top + PLOT_H]: grid, ticks, labels and
 * the rotated title. */
static void bs_svg_y_axis(struct bs_buf *b, int top, double max, double step,
                          bool pct, const char *title)
{
    bs_buf_puts(b, "<g class=\"axis y\" font-size=\"11\">");
    for (double v = 0; v <= max + step / 2; v += step) {
        double y = top + PLOT_H - v / max * PLOT_H;
        bs_buf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
                      "stroke=\"%s\"/><text x=\"%d\" y=\"%.1f\" "
                      "text-anchor=\"end\">", LEFT, W - RIGHT, y, y,
                      v > 0 ? "#e4e4e4" : "#333", LEFT - 6, y + 4);
        if (pct)
            bs_buf_printf(b, "%g%%", v);
        else
            bs_buf_grouped(b, (unsigned long long)(v + 0.5));
        bs_buf_puts(b, "</text>");
    }
    bs_buf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
                  "stroke=\"#333\"/><text transform=\"translate(14 %d) "
                  "rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">",
                  LEFT, LEFT, top, top + PLOT_H, top + PLOT_H / 2);
    bs_html_escs(b, title);
    bs_buf_puts(b, "</text></g>");
}

static double bs_day_x(const struct bs_report_model *m, double d)
{
    return LEFT + (d + 0.5) * (W - LEFT - RIGHT) / (double)m->ndays;
}

/* Day ticks under a plot: a tick per day, a label ("MM-DD") every few. */
static int bs_svg_x_days(struct bs_report_model *m, struct bs_buf *b,
                         int top)
{
    int y = top + PLOT_H;
    size_t every = (m->ndays + 15) / 16;
    bs_buf_puts(b, "<g class=\"axis x\" font-size=\"11\">");
    for (size_t d = 0; d < m->ndays; d++) {
        double x = bs_day_x(m, (double)d);
        bool label = d % (every ? every : 1) == 0;
        bs_buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
                      "stroke=\"#333\"/>", x, x, y, y + (label ? 5 : 3));
        if (!label)
            continue;
        char day[32];
        bs_rm_day_label(m, d, day);
        bs_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
                      "%.5s</text>", x, y + 18, day + 5);
    }
    bs_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                  "font-size=\"12\">", (LEFT + W - RIGHT) / 2, y + 38);
    bs_html_escs(b, bs_rm_label(m, BS_L_DAY));
    struct bs_buf z;
    bs_buf_init(&z);
    bs_rm_zone(m, &z);
    bs_buf_puts(b, " (");
    bs_html_esc(b, z.data, z.len);
    bs_buf_puts(b, ")</text></g>");
    bs_buf_fini(&z);
    return y + 48;
}

static double bs_pct(const struct bs_agg_counts *n, bool *has)
{
    uint64_t den;
    double r = bs_failure_rate(n, &den);
    *has = den > 0;
    return r * 100.0;
}

static void bs_svg_rate_series(struct bs_report_model *m, struct bs_buf *b,
                               size_t p, int top, double max)
{
    const char *colour = bs_report_palette[p], *dash = bs_dashes[p];
    bs_buf_puts(b, "<g class=\"series\" data-chart=\"daily-rate\" "
                "data-series=\"");
    bs_html_escs(b, m->prov[p].name);
    bs_buf_printf(b, "\"><path fill=\"none\" stroke=\"%s\" "
                  "stroke-width=\"2\" stroke-linejoin=\"round\"%s%s%s d=\"",
                  colour, *dash ? " stroke-dasharray=\"" : "", dash,
                  *dash ? "\"" : "");
    bool pen = false;
    for (size_t d = 0; d < m->ndays; d++) {
        bool has;
        double v = bs_pct(bs_rm_day_prov(m, d, p), &has);
        if (!has) {
            pen = false;
            continue;
        }
        bs_buf_printf(b, "%c%.1f %.1f ", pen ? 'L' : 'M', bs_day_x(m, (double)d),
                      top + PLOT_H - v / max * PLOT_H);
        pen = true;
    }
    bs_buf_puts(b, "\"/>");
    for (size_t d = 0; d < m->ndays && m->ndays <= 62; d++) {
        bool has;
        const struct bs_agg_counts *n = bs_rm_day_prov(m, d, p);
        double v = bs_pct(n, &has);
        if (!has)
            continue;
        char day[32];
        bs_rm_day_label(m, d, day);
        bs_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" "
                      "fill=\"%s\"><title>", bs_day_x(m, (double)d),
                      top + PLOT_H - v / max * PLOT_H, colour);
        bs_html_escs(b, m->prov[p].name);
        bs_buf_printf(b, " %s: ", day);
        struct bs_buf r;
        bs_buf_init(&r);
        bs_rm_rate(m, &r, n);
        bs_html_esc(b, r.data, r.len);
        bs_buf_fini(&r);
        bs_buf_puts(b, "</title></circle>");
    }
    bs_buf_puts(b, "</g>");
}

void bs_svg_rate_chart(struct bs_report_model *m, struct bs_buf *b)
{
    struct bs_legend_item items[BS_RM_MAX_SERIES];
    double max = 0;
    for (size_t p = 0; p < m->nseries; p++) {
        items[p] = (struct bs_legend_item){ m->prov[p].name,
                                            bs_report_palette[p],
                                            bs_dashes[p] };
        for (size_t d = 0; d < m->ndays; d++) {
            bool has;
            double v = bs_pct(bs_rm_day_prov(m, d, p), &has);
            if (has && v > max)
                max = v;
        }
    }
    double top_v, step = bs_nice_step(max, 5, &top_v);
    struct bs_buf body;
    bs_buf_init(&body);
    int top = bs_svg_legend(&body, items, m->nseries) + 8;
    bs_svg_y_axis(&body, top, top_v, step, true,
                  bs_rm_label(m, BS_L_RATE_AXIS));
    int height = bs_svg_x_days(m, &body, top);
    for (size_t p = 0; p < m->nseries; p++)
        bs_svg_rate_series(m, &body, p, top, top_v);
    bs_svg_open(m, b, "daily-rate", height, BS_L_DAILY_RATE,
                BS_L_DAILY_RATE_NOTE);
    bs_buf_append(b, body.data, body.len);
    bs_buf_puts(b, "</svg>");
    bs_buf_fini(&body);
}

static const char *const bs_volume_colour[3] = { "#56B4E9", "#D55E00",
                                                 "#000000" };

void bs_svg_volume_chart(struct bs_report_model *m, struct bs_buf *b)
{
    const char *names[3] = { bs_rm_label(m, BS_L_SENT),
                             bs_rm_label(m, BS_L_BOUNCED),
                             bs_rm_label(m, BS_L_EXPIRED) };
    static const char *const ids[3] = { "sent", "bounced", "expired" };
    struct bs_legend_item items[3];
    double max = 0;
    for (int s = 0; s < 3; s++)
        items[s] = (struct bs_legend_item){ names[s], bs_volume_colour[s],
                                            NULL };
    for (size_t d = 0; d < m->ndays; d++) {
        const struct bs_agg_counts *n = &m->daily[d];
        double v = (double)(n->sent + n->bounced + n->expired);
        max = v > max ? v : max;
    }
    double top_v, step = bs_nice_step(max, 5, &top_v);
    if (step < 1) {
        step = 1;
        top_v = top_v < 1 ? 1 : top_v;
    }
    struct bs_buf body;
    bs_buf_init(&body);
    int top = bs_svg_legend(&body, items, 3) + 8;
    bs_svg_y_axis(&body, top, top_v, step, false,
                  bs_rm_label(m, BS_L_COUNT_AXIS));
    int height = bs_svg_x_days(m, &body, top);
    double band = (W - LEFT - RIGHT) / (double)(m->ndays ? m->ndays : 1);
    for (int s = 0; s < 3; s++) {
        bs_buf_printf(&body, "<g class=\"series\" data-chart=\"daily-volume\" "
                      "data-series=\"%s\" fill=\"%s\">", ids[s],
                      bs_volume_colour[s]);
        for (size_t d = 0; d < m->ndays; d++) {
            const struct bs_agg_counts *n = &m->daily[d];
            uint64_t v[3] = { n->sent, n->bounced, n->expired };
            uint64_t below = 0;
            for (int k = 0; k < s; k++)
                below += v[k];
            if (!v[s])
                continue;
            double y0 = top + PLOT_H - (double)below / top_v * PLOT_H;
            double h = (double)v[s] / top_v * PLOT_H;
            bs_buf_printf(&body, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                          "height=\"%.1f\"><title>",
                          bs_day_x(m, (double)d) - band * 0.36, y0 - h,
                          band * 0.72, h);
            char day[32];
            bs_rm_day_label(m, d, day);
            bs_buf_printf(&body, "%s ", day);
            bs_html_escs(&body, names[s]);
            bs_buf_puts(&body, ": ");
            bs_buf_grouped(&body, v[s]);
            bs_buf_puts(&body, "</title></rect>");
        }
        bs_buf_puts(&body, "</g>");
    }
    bs_svg_open(m, b, "daily-volume", height, BS_L_DAILY_VOLUME,
                BS_L_DAILY_VOLUME_NOTE);
    bs_buf_append(b, body.data, body.len);
    bs_buf_puts(b, "</svg>");
    bs_buf_fini(&body);
}

static uint64_t bs_prov_failures(const struct bs_report_model *m, size_t p)
{
    uint64_t sum = 0;
    for (size_t c = 0; c < m->ncats; c++)
        sum += bs_rm_cat_prov(m, p, m->cats[c]);
    return sum;
}

/* One category's segments across the provider rows. */
static void bs_svg_cat_series(struct bs_report_model *m, struct bs_buf *b,
                              size_t c, int top, double max)
{
    const int left = 150, right = W - RIGHT - 70;
    bs_buf_puts(b, "<g class=\"series\" data-chart=\"categories\" "
                "data-series=\"");
    bs_html_escs(b, bs_rm_cat_name(m, m->cats[c]));
    bs_buf_printf(b, "\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.5\">",
                  bs_report_palette[c]);
    int row = 0;
    for (size_t p = 0; p < m->nprov; p++) {
        if (!bs_prov_failures(m, p))
            continue;
        double x = left;
        for (size_t k = 0; k < c; k++)
            x += (double)bs_rm_cat_prov(m, p, m->cats[k]) / max *
                 (right - left);
        uint64_t v = bs_rm_cat_prov(m, p, m->cats[c]);
        int y = top + row++ * 26;
        if (!v)
            continue;
        bs_buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                      "height=\"18\"><title>", x, y,
                      (double)v / max * (right - left));
        bs_html_escs(b, m->prov[p].name);
        bs_buf_puts(b, " ");
        bs_html_escs(b, bs_rm_cat_name(m, m->cats[c]));
        bs_buf_puts(b, ": ");
        bs_buf_grouped(b, v);
        bs_buf_puts(b, "</title></rect>");
    }
    bs_buf_puts(b, "</g>");
}

void bs_svg_category_chart(struct bs_report_model *m, struct bs_buf *b)
{
    const int left = 150, right = W - RIGHT - 70;
    struct bs_legend_item items[BS_RM_MAX_CATS];
    for (size_t c = 0; c < m->ncats; c++)
        items[c] = (struct bs_legend_item){ bs_rm_cat_name(m, m->cats[c]),
                                            bs_report_palette[c], NULL };
    double max = 0;
    int rows = 0;
    for (size_t p = 0; p < m->nprov; p++) {
        uint64_t f = bs_prov_failures(m, p);
        rows += f > 0;
        max = (double)f > max ? (double)f : max;
    }
    double top_v, step = bs_nice_step(max, 5, &top_v);
    if (step < 1) {
        step = 1;
        top_v = top_v < 1 ? 1 : top_v;
    }
    struct bs_buf body;
    bs_buf_init(&body);
    int top = bs_svg_legend(&body, items, m->ncats) + 10;
    int bottom = top + rows * 26;
    bs_buf_puts(&body, "<g class=\"axis x\" font-size=\"11\">");
    for (double v = 0; v <= top_v + step / 2; v += step) {
        double x = left + v / top_v * (right - left);
        bs_buf_printf(&body, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
                      "y2=\"%d\" stroke=\"%s\"/><text x=\"%.1f\" y=\"%d\" "
                      "text-anchor=\"middle\">", x, x, top - 4, bottom + 4,
                      v > 0 ? "#e4e4e4" : "#333", x, bottom + 18);
        bs_buf_grouped(&body, (unsigned long long)(v + 0.5));
        bs_buf_puts(&body, "</text>");
    }
    bs_buf_printf(&body, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                  "font-size=\"12\">", (left + right) / 2, bottom + 38);
    bs_html_escs(&body, bs_rm_label(m, BS_L_FAILURES));
    bs_buf_printf(&body, " (%s + %s)</text></g><g class=\"labels\" "
                  "font-size=\"12\">", bs_rm_label(m, BS_L_BOUNCED),
                  bs_rm_label(m, BS_L_EXPIRED));
    int row = 0;
    for (size_t p = 0; p < m->nprov; p++) {
        uint64_t f = bs_prov_failures(m, p);
        if (!f)
            continue;
        int y = top + row++ * 26 + 13;
        bs_buf_printf(&body, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
                      left - 8, y);
        bs_html_escs(&body, m->prov[p].name);
        bs_buf_printf(&body, "</text><text x=\"%.1f\" y=\"%d\">",
                      left + (double)f / top_v * (right - left) + 6, y);
        bs_buf_grouped(&body, f);
        bs_buf_puts(&body, "</text>");
    }
    bs_buf_puts(&body, "</g>");
    for (size_t c = 0; c < m->ncats; c++)
        bs_svg_cat_series(m, &body, c, top, top_v);
    bs_svg_open(m, b, "categories", bottom + 48, BS_L_CATEGORIES,
                BS_L_CATEGORIES_NOTE);
    bs_buf_append(b, body.data, body.len);
    bs_buf_puts(b, "</svg>");
    bs_buf_fini(&body);
}
