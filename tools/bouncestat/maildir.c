/*
 * maildir.c - feed a Maildir folder (cur/ and new/) to the engine, one
 * message per file
 *
 * Design (maildir.h): list a subfolder, sort the names, then open, read
 * and feed each file in turn with the caller's buffer; only one file is
 * open at a time. A file that cannot be read is counted and skipped; the
 * folder goes on.
 */
#include "maildir.h"

#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool bs_maildir_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool bs_maildir_is(const char *path)
{
    char sub[4096];
    if (!bs_maildir_is_dir(path))
        return false;
    snprintf(sub, sizeof sub, "%s/cur", path);
    if (bs_maildir_is_dir(sub))
        return true;
    snprintf(sub, sizeof sub, "%s/new", path);
    return bs_maildir_is_dir(sub);
}

static void bs_maildir_error(char *err, size_t errlen, bool *have,
                             const char *what, const char *path, int e)
{
    if (*have || !errlen)
        return;
    snprintf(err, errlen, "%s: %s: %s", path, what, strerror(e));
    *have = true;
}

static int bs_maildir_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir that do not start with a dot, sorted; NULL with
 * errno set when dir cannot be listed. */
static char **bs_maildir_names(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = bs_xrealloc(names, cap * sizeof *names);
        }
        size_t len = strlen(de->d_name) + 1;
        names[n] = bs_xrealloc(NULL, len);
        memcpy(names[n++], de->d_name, len);
    }
    closedir(d);
    qsort(names, n, sizeof *names, bs_maildir_name_cmp);
    *count = n;
    return names ? names : bs_xrealloc(NULL, sizeof *names);
}

/* One message file: 0, or an errno for a file that could not be read
 * (EILSEQ for data the engine refused). Not a regular file: skipped. */
static int bs_maildir_file(struct bs_engine *e, const char *path, char *buf,
                           size_t bufsize, struct bs_maildir_stats *st)
{
    int fd = open(path, O_RDONLY);
    struct stat sb;
    if (fd < 0)
        return errno;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return 0;
    }
    bs_engine_begin_mail_input(e, path, (int64_t)sb.st_mtime);
    int rc = 0;
    ssize_t n;
    while ((n = read(fd, buf, bufsize)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = errno;
            break;
        }
        st->bytes += (uint64_t)n;
        if (bs_engine_feed(e, buf, (size_t)n) < 0) {
            rc = EILSEQ;
            break;
        }
    }
    if (bs_engine_end_input(e) < 0 && !rc)
        rc = EILSEQ;
    close(fd);
    st->files++;
    return rc;
}

/* Feeds the files of dir/sub; -1 when it cannot be listed. */
static int bs_maildir_sub(struct bs_engine *e, const char *dir,
                          const char *sub, char *buf, size_t bufsize,
                          struct bs_maildir_stats *st, char *err,
                          size_t errlen, bool *have_err)
{
    char path[4096];
    size_t count = 0;
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    char **names = bs_maildir_names(path, &count);
    if (!names)
        return -1;
    for (size_t i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/%s/%s", dir, sub, names[i]);
        int rc = bs_maildir_file(e, path, buf, bufsize, st);
        if (rc == EILSEQ) {
            st->corrupt++;
            if (!*have_err && errlen) {
                snprintf(err, errlen, "%s", bs_engine_input_error(e));
                *have_err = true;
            }
        } else if (rc) {
            st->unreadable++;
            bs_maildir_error(err, errlen, have_err, "cannot read", path, rc);
        }
        free(names[i]);
    }
    free(names);
    return 0;
}

int bs_maildir_feed(struct bs_engine *e, const char *dir, char *buf,
                    size_t bufsize, struct bs_maildir_stats *st, char *err,
                    size_t errlen)
{
    bool have_err = false;
    memset(st, 0, sizeof *st);
    if (errlen)
        err[0] = '\0';
    int listed = 0;
    listed += bs_maildir_sub(e, dir, "cur", buf, bufsize, st, err, errlen,
                             &have_err) == 0;
    listed += bs_maildir_sub(e, dir, "new", buf, bufsize, st, err, errlen,
                             &have_err) == 0;
    if (!listed) {
        if (errlen)
            snprintf(err, errlen, "%s: not a Maildir (no cur/ or new/)",
                     dir);
        return -1;
    }
    return have_err ? 1 : 0;
}
