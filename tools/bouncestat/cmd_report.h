/*
 * cmd_report.h - `bouncestat report`: the monthly deliverability report,
 * and the time options (--tz, --month, --since, --until) the main command
 * shares
 */
#ifndef BS_CMD_REPORT_H
#define BS_CMD_REPORT_H

#include "bouncestat.h"

/* Runs the subcommand (argv[0] is "report"); returns the exit status. */
int bs_cmd_report(int argc, char **argv);

/* Time options as given on the command line; any may be NULL. */
struct bs_time_args {
    const char *tz;    /* "Asia/Tokyo", "UTC", "+09:00"; NULL: local */
    const char *month; /* "2026-10" */
    const char *since; /* "2026-10-01", "2026-10-01 06:00[:SS]" */
    const char *until; /* the same, excluded */
};

/* Puts the zone and the window into eo: the zone as a function of the
 * UTC instant (local time under TZ, which this sets for --tz NAME: call
 * it once, before engines are made and before other threads start) and
 * [since, until) in UTC from local times. *label gets the zone's name to
 * show ("Asia/Tokyo", the TZ variable, /etc/timezone, or NULL). Returns
 * 0, or -1 with a message in err. */
int bs_time_setup(const struct bs_time_args *a, struct bs_engine_options *eo,
                  const char **label, char *err, size_t errlen);

#endif
