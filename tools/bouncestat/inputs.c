/*
 * inputs.c - expand multilog directories into their files, in order
 */
#include "inputs.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct bs_list {
    char **v;
    int n, cap;
};

static void bs_list_push(struct bs_list *l, char *s)
{
    if (l->n + 1 >= l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = realloc(l->v, (size_t)l->cap * sizeof *l->v);
        if (!l->v) {
            fprintf(stderr, "bouncestat: out of memory\n");
            abort();
        }
    }
    l->v[l->n++] = s;
    l->v[l->n] = NULL;
}

static char *bs_dup(const char *s)
{
    char *d = strdup(s);
    if (!d) {
        fprintf(stderr, "bouncestat: out of memory\n");
        abort();
    }
    return d;
}

/* "@4000000069287e1c2a3b4c5d.s" or ".u" */
static bool bs_is_multilog_name(const char *name)
{
    if (name[0] != '@' || strlen(name) != 27 || name[25] != '.' ||
        (name[26] != 's' && name[26] != 'u'))
        return false;
    for (int i = 1; i <= 24; i++) {
        char c = name[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

static int bs_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds dir's multilog files to out; false when it has none. */
static bool bs_expand_multilog(const char *dir, struct bs_list *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct bs_list names = { 0 };
    bool current = false;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (bs_is_multilog_name(ent->d_name))
            bs_list_push(&names, bs_dup(ent->d_name));
        else if (strcmp(ent->d_name, "current") == 0)
            current = true;
    }
    closedir(d);
    if (current)
        bs_list_push(&names, bs_dup("current"));
    if (!names.n)
        return false;
    /* TAI64N names sort chronologically; "current" ('c' > '@') ends last. */
    qsort(names.v, (size_t)names.n, sizeof *names.v, bs_name_cmp);
    for (int i = 0; i < names.n; i++) {
        size_t len = strlen(dir) + strlen(names.v[i]) + 2;
        char *path = malloc(len);
        if (!path)
            abort();
        snprintf(path, len, "%s/%s", dir, names.v[i]);
        bs_list_push(out, path);
        free(names.v[i]);
    }
    free(names.v);
    return true;
}

void bs_inputs_expand(char *const *in, int n, char ***out, int *nout)
{
    struct bs_list l = { 0 };
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (stat(in[i], &st) == 0 && S_ISDIR(st.st_mode) &&
            bs_expand_multilog(in[i], &l))
            continue;
        bs_list_push(&l, bs_dup(in[i]));
    }
    if (!l.v)
        l.v = calloc(1, sizeof *l.v); /* an empty, NULL-terminated list */
    if (!l.v)
        abort();
    *out = l.v;
    *nout = l.n;
}

void bs_inputs_free(char **list, int n)
{
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
}
