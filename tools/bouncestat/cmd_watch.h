/*
 * cmd_watch.h - `bouncestat watch`: alert rules judged by log time on
 * replayed files or a stream on stdin, with actions (JSON lines on
 * stdout, a command, a webhook) and a Prometheus endpoint
 *
 * Exit status: 0 ok (also after SIGINT or SIGTERM), 1 usage error (a bad
 * option, a rule that does not parse, an address that cannot be bound),
 * 2 some input could not be read.
 */
#ifndef BS_CMD_WATCH_H
#define BS_CMD_WATCH_H

/* argv[0] is "watch". */
int bs_cmd_watch(int argc, char **argv);

#endif
