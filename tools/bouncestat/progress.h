/*
 * progress.h - a progress bar for batch runs, on stderr when it is a
 * terminal
 *
 * One line redrawn in place ("\r", the line, erase to end of line): the
 * share of bytes done of the total of all inputs, MB done and total, MB/s
 * and the time left. Bytes are those read from the files, so a zstd
 * archive advances by its compressed offset. The line is drawn at most
 * every 100 ms, never for a run that is done after its first chunk, and
 * erased at the end, so the report and messages start on a clean line.
 * Nothing is written when the descriptor is not a terminal or the bar is
 * disabled (--quiet).
 */
#ifndef BS_PROGRESS_H
#define BS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct bs_progress {
    int fd;         /* -1: off */
    uint64_t total; /* 0: unknown */
    uint64_t done;
    uint64_t start_ns, last_ns;
    bool drawn;
};

void bs_progress_init(struct bs_progress *p, int fd, bool enabled,
                      uint64_t total);
void bs_progress_add(struct bs_progress *p, uint64_t n);
/* Erases the bar before a message is printed; the next add redraws it. */
void bs_progress_clear(struct bs_progress *p);
void bs_progress_end(struct bs_progress *p);

#endif
