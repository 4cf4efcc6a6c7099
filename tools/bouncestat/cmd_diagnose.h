/*
 * cmd_diagnose.h - `bouncestat diagnose`: check the SPF, DMARC and
 * reverse DNS of the sender domains that failed authentication
 */
#ifndef BS_CMD_DIAGNOSE_H
#define BS_CMD_DIAGNOSE_H

/* Runs the subcommand (argv[0] is "diagnose"); returns the exit status. */
int bs_cmd_diagnose(int argc, char **argv);

#endif
