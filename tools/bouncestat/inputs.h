/*
 * inputs.h - the command line's inputs, with directories expanded
 *
 * A directory given as input is a multilog log directory when it holds
 * files named "@" + 24 hex digits + ".s" or ".u" (rotated by multilog)
 * or "current": it becomes those files sorted by name, which for TAI64N
 * names is the order they were written in, with "current" last. Any
 * other directory stays as it is (reading it then reports the error).
 */
#ifndef BS_INPUTS_H
#define BS_INPUTS_H

/* A new NULL-terminated array of paths in *out (count in *nout); free it
 * with bs_inputs_free. */
void bs_inputs_expand(char *const *in, int n, char ***out, int *nout);
void bs_inputs_free(char **list, int n);

#endif
