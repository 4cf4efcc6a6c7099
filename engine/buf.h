/*
 * buf.h - a growable byte buffer that owns its memory
 *
 * Printers render into a bs_buf; the caller writes it out. The contents
 * are always NUL-terminated so they can be handed to C string functions.
 */
#ifndef BS_BUF_H
#define BS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct bs_buf {
    char *data;
    size_t len;
    size_t cap;
};

void bs_buf_init(struct bs_buf *b);
void bs_buf_fini(struct bs_buf *b);
void bs_buf_reset(struct bs_buf *b);
void bs_buf_append(struct bs_buf *b, const void *p, size_t n);
void bs_buf_puts(struct bs_buf *b, const char *s);
void bs_buf_putc(struct bs_buf *b, char c);
void bs_buf_printf(struct bs_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void bs_buf_vprintf(struct bs_buf *b, const char *fmt, va_list ap);
/* The length of the valid UTF-8 sequence at p (at most n bytes): 1 for
 * ASCII, 2 to 4 for a well-formed multi-byte character, 0 for a byte that
 * starts none (overlong forms, surrogates and beyond U+10FFFF included). */
size_t bs_utf8_len(const unsigned char *p, size_t n);
/* Appends n bytes as a JSON string literal (with quotes); bytes that
 * are not valid UTF-8 become U+FFFD, so the output is always valid JSON. */
void bs_buf_json_str(struct bs_buf *b, const char *p, size_t n);
/* Appends n bytes as one CSV field, quoted when RFC 4180 requires it. */
void bs_buf_csv_field(struct bs_buf *b, const char *p, size_t n);
/* Appends an unsigned integer with thousands separators (1,234,567). */
void bs_buf_grouped(struct bs_buf *b, unsigned long long v);

#endif
