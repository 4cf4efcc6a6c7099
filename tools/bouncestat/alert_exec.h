/*
 * alert_exec.h - run a command for each alert (`watch --alert-exec CMD`)
 *
 * CMD runs under /bin/sh -c in its own process group, with the alert's
 * JSON object (and a newline) on its stdin and its fields in environment
 * variables (BS_ALERT_STATE, BS_ALERT_AT, ...; doc/alerts.md). Its stdout
 * and stderr go to our stderr, never into the JSON lines on stdout.
 *
 * Never blocks the caller: commands are started on the libuv loop, at
 * most BS_EXEC_RUNNING at once, the rest wait in a bounded queue
 * (BS_EXEC_QUEUED; past it an alert's command is dropped and logged). A
 * command still running after the timeout gets SIGTERM, and SIGKILL a
 * second later, in its whole process group; a failure, a signal or a
 * timeout is logged on stderr.
 */
#ifndef BS_ALERT_EXEC_H
#define BS_ALERT_EXEC_H

#include "bouncestat.h"

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#define BS_EXEC_RUNNING 4
#define BS_EXEC_QUEUED 64

struct bs_exec;

struct bs_exec *bs_exec_new(uv_loop_t *loop, const char *cmd,
                            uint64_t timeout_ms);
/* Queues the command for ev (copied). */
void bs_exec_submit(struct bs_exec *x, const struct bs_alert_event *ev);
/* Commands running or waiting. */
bool bs_exec_busy(const struct bs_exec *x);
/* Kills what runs, forgets what waits, and frees x once its handles are
 * closed (run the loop afterwards). */
void bs_exec_close(struct bs_exec *x);

/* Writes "2026-11-02T06:15:00Z" into out (at least 32 bytes). */
void bs_watch_time_text(int64_t t, char *out, size_t n);

#endif
