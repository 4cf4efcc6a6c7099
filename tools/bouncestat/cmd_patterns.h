/*
 * cmd_patterns.h - `bouncestat patterns`: test a text against the rules,
 * or list them
 */
#ifndef BS_CMD_PATTERNS_H
#define BS_CMD_PATTERNS_H

/* Runs the subcommand (argv[0] is "patterns"); returns the exit status. */
int bs_cmd_patterns(int argc, char **argv);

#endif
