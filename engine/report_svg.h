/*
 * report_svg.h - the report's charts as inline SVG, and HTML escaping
 *
 * Three charts: the daily failure rate per provider (lines), the daily
 * volume (stacked bars of sent, bounced and expired) and the final
 * failures per provider by category (horizontal stacked bars). Each has
 * axes with units, tick labels, a legend and a <title>/<desc> for screen
 * readers; colours come from the Okabe-Ito palette, and lines also differ
 * by dash pattern, so series stay apart in grey print and for colour-blind
 * readers. Every series is a <g class="series" data-chart="ID"
 * data-series="NAME"> (tests count them). Coordinates are in a fixed
 * viewBox; the SVG scales to the width of the page.
 */
#ifndef BS_REPORT_SVG_H
#define BS_REPORT_SVG_H

#include "report_model.h"

void bs_svg_rate_chart(struct bs_report_model *m, struct bs_buf *b);
void bs_svg_volume_chart(struct bs_report_model *m, struct bs_buf *b);
void bs_svg_category_chart(struct bs_report_model *m, struct bs_buf *b);

/* Appends n bytes as HTML text or attribute value: & < > " ' escaped,
 * bytes that are not UTF-8 as U+FFFD, control characters dropped. */
void bs_html_esc(struct bs_buf *b, const char *p, size_t n);
void bs_html_escs(struct bs_buf *b, const char *s);

#endif
