/*
 * report_labels.h - the words of the deliverability report, in English
 * and Japanese
 *
 * Every heading, column name and note a report printer writes comes from
 * here, so a language is one column of one table (report_labels.c) and no
 * printer holds text of its own. Strings are UTF-8. Category, provider
 * and rule ids are not translated: they are the contract the JSON and CSV
 * share. Hints come from the rules (hint / hint.ja).
 */
#ifndef BS_REPORT_LABELS_H
#define BS_REPORT_LABELS_H

#include "bouncestat.h"

enum bs_label {
    BS_L_TITLE, BS_L_PERIOD, BS_L_TIME_ZONE, BS_L_LOG_TIME, BS_L_TOTALS,
    BS_L_DELIVERIES, BS_L_SENT, BS_L_BOUNCED, BS_L_EXPIRED, BS_L_DEFERRED,
    BS_L_DEFERRED_SHORT, BS_L_PENDING, BS_L_FAILURE_RATE, BS_L_RATE_NOTE,
    BS_L_DAILY_RATE, BS_L_DAILY_VOLUME, BS_L_DAY, BS_L_RATE_AXIS,
    BS_L_COUNT_AXIS, BS_L_PROVIDERS, BS_L_PROVIDER, BS_L_SENDERS_FAILURES,
    BS_L_SENDERS_RATE, BS_L_MIN_VOLUME_PRE, BS_L_MIN_VOLUME_POST,
    BS_L_SENDER_DOMAIN, BS_L_FAILURES, BS_L_CATEGORIES,
    BS_L_CATEGORIES_NOTE, BS_L_OTHER_CATEGORIES, BS_L_REASONS, BS_L_REASON,
    BS_L_EXAMPLE, BS_L_FIX, BS_L_AUTH, BS_L_AUTH_NOTE, BS_L_CHECK,
    BS_L_NO_AUTH, BS_L_COMPARE, BS_L_THIS_PERIOD, BS_L_PREVIOUS,
    BS_L_CHANGE, BS_L_NOTES, BS_L_OUTSIDE, BS_L_UNKNOWN_SENDER,
    BS_L_NO_FAILURES, BS_L_ALL, BS_L_NOT_DRAWN, BS_L_PP, BS_L_INPUT,
    BS_L_LINES, BS_L_GENERATED, BS_L_NO_DELIVERIES, BS_L_RATE_OF_PRE,
    BS_L_RATE_OF_POST, BS_L_CATEGORY, BS_L_NO_COMPARE, BS_L_CAPS,
    BS_L_UNEXPLAINED, BS_L_DAILY_RATE_NOTE, BS_L_DAILY_VOLUME_NOTE,
    BS_L_SHARE, BS_L_COUNT, BS_L_KPI_OF_PRE, BS_L_KPI_OF_POST,
    BS_L_DNS, BS_L_DNS_NOTE, BS_L_DNS_NONE, BS_L_DNS_PROBLEMS,
    BS_L_DNS_NO_PROBLEM, BS_L_DNS_IPS, BS_L_DNS_RESULT, BS_L_DNS_FINDING,
    BS_L_DNS_QUERIES, BS_L_DNS_FAILED, BS_L_DNS_LIMITED,
    BS_L_DNS_INCOMPLETE, BS_L_DNS_NOT_CHECKED, BS_L_DNS_LEVEL_OK,
    BS_L_DNS_LEVEL_INFO, BS_L_DNS_LEVEL_WARN, BS_L_DNS_LEVEL_FAIL,
    BS_L_DNS_LEVEL_ERROR,
    BS_L_COUNT_OF_LABELS
};

/* The label in a language (English for an unknown one). */
const char *bs_label(enum bs_lang lang, enum bs_label id);
/* "en" or "ja", for <html lang> and JSON. */
const char *bs_lang_code(enum bs_lang lang);

#endif
