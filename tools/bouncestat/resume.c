/*
 * resume.c - where to go on reading a file named in a checkpoint
 *
 * Plain POSIX calls (open, fstat, pread, opendir): this runs once per
 * file at start, before the event loop.
 */
#define _POSIX_C_SOURCE 200809L
#include "resume.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A copy is recognised by its first bytes only when there are enough of
 * them to tell one log from another. */
#define BS_COPY_HEAD_MIN 64

static bool bs_resume_head_matches(int fd, const struct bs_input_mark *m)
{
    unsigned char head[BS_MARK_HEAD_MAX];
    size_t got = 0;
    while (got < m->head_len) {
        ssize_t n = pread(fd, head + got, m->head_len - got, (off_t)got);
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    return memcmp(head, m->head, m->head_len) == 0;
}

bool bs_resume_is_marked(int fd, uint64_t dev, uint64_t ino,
                         const struct bs_input_mark *m)
{
    struct stat st;
    if (dev != m->dev || ino != m->ino || fstat(fd, &st) < 0 ||
        (uint64_t)st.st_size < m->offset)
        return false;
    return bs_resume_head_matches(fd, m);
}

int bs_resume_mark_fd(int fd, const char *path, uint64_t offset,
                      bool in_long_line, struct bs_input_mark *m)
{
    struct stat st;
    memset(m, 0, sizeof *m);
    if (fstat(fd, &st) < 0)
        return -1;
    m->path = path;
    m->dev = (uint64_t)st.st_dev;
    m->ino = (uint64_t)st.st_ino;
    m->offset = offset;
    m->in_long_line = in_long_line;
    size_t want = offset < BS_MARK_HEAD_MAX ? (size_t)offset
                                            : BS_MARK_HEAD_MAX;
    while (m->head_len < want) {
        ssize_t n = pread(fd, m->head + m->head_len, want - m->head_len,
                          (off_t)m->head_len);
        if (n <= 0)
            return -1;
        m->head_len += (size_t)n;
    }
    return 0;
}

const struct bs_input_mark *bs_resume_find_mark(
    const struct bs_input_mark *marks, size_t n, const char *path,
    bool rotated)
{
    for (size_t i = 0; i < n; i++)
        if (!marks[i].rotated == !rotated && strcmp(marks[i].path, path) == 0)
            return &marks[i];
    return NULL;
}

/* p, which a failed allocation left NULL: then the run ends. */
static void *bs_resume_allocated(void *p)
{
    if (!p) {
        fputs("bouncestat: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *bs_resume_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = bs_resume_allocated(malloc(a + b + 2));
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

/* path's folder (heap: "." for a bare name, "/" for "/name") and, in
 * *base, its last component. */
static char *bs_resume_folder(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    const char *from = slash ? path : ".";
    size_t n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
    char *dir = bs_resume_allocated(malloc(n + 1));
    memcpy(dir, from, n);
    dir[n] = '\0';
    return dir;
}

/* Is the file at full (not the one under the name) the marked file, by
 * identity, or a copy of it (same first bytes, long enough)? */
static bool bs_resume_candidate(const char *full, const struct bs_input_mark *m,
                                bool by_identity)
{
    int fd = open(full, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (ok && by_identity)
        ok = bs_resume_is_marked(fd, (uint64_t)st.st_dev,
                                 (uint64_t)st.st_ino, m);
    else if (ok)
        ok = (uint64_t)st.st_size >= m->offset &&
             bs_resume_head_matches(fd, m);
    close(fd);
    return ok;
}

/* Looks in path's folder for the marked file under another name: by
 * identity, else (for names that start like path's) a copy of it. */
static char *bs_resume_search(const char *path, const struct bs_input_mark *m,
                              bool *copy)
{
    const char *base;
    char *dir = bs_resume_folder(path, &base);
    char *found = NULL;
    for (int pass = 0; pass < 2 && !found; pass++) {
        bool by_identity = pass == 0;
        if (!by_identity && m->head_len < BS_COPY_HEAD_MIN)
            break;
        DIR *d = opendir(dir);
        if (!d)
            break;
        struct dirent *de;
        while (!found && (de = readdir(d))) {
            if (strcmp(de->d_name, ".") == 0 ||
                strcmp(de->d_name, "..") == 0 ||
                strcmp(de->d_name, base) == 0)
                continue;
            if (!by_identity && strncmp(de->d_name, base, strlen(base)) != 0)
                continue;
            char *full = bs_resume_join(dir, de->d_name);
            if (bs_resume_candidate(full, m, by_identity))
                found = full;
            else
                free(full);
        }
        closedir(d);
        *copy = !by_identity;
    }
    free(dir);
    return found;
}

struct bs_rotated {
    char *path;
    struct timespec mtime;
};

static int bs_rotated_cmp(const void *pa, const void *pb)
{
    const struct bs_rotated *a = pa, *b = pb;
    if (a->mtime.tv_sec != b->mtime.tv_sec)
        return a->mtime.tv_sec < b->mtime.tv_sec ? -1 : 1;
    if (a->mtime.tv_nsec != b->mtime.tv_nsec)
        return a->mtime.tv_nsec < b->mtime.tv_nsec ? -1 : 1;
    return strcmp(a->path, b->path);
}

static bool bs_resume_skipped(const struct stat *st,
                              const struct bs_file_id *skip, size_t nskip)
{
    for (size_t i = 0; i < nskip; i++)
        if ((uint64_t)st->st_dev == skip[i].dev &&
            (uint64_t)st->st_ino == skip[i].ino)
            return true;
    return false;
}

/* Is this rotated file one to read: a plain log (not empty, not zstd,
 * gzip, xz or bzip2), written after the time, not one of skip? */
static bool bs_resume_is_after(const char *full, int64_t sec, long nsec,
                               const struct bs_file_id *skip, size_t nskip,
                               struct stat *st)
{
    if (stat(full, st) < 0 || !S_ISREG(st->st_mode) || st->st_size == 0 ||
        bs_resume_skipped(st, skip, nskip))
        return false;
    if (st->st_mtim.tv_sec < sec ||
        (st->st_mtim.tv_sec == sec && st->st_mtim.tv_nsec <= nsec))
        return false;
    unsigned char magic[6] = { 0 };
    int fd = open(full, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    ssize_t n = fd < 0 ? -1 : pread(fd, magic, sizeof magic, 0);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return false;
    static const unsigned char xz[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
    return !bs_input_is_zstd(magic, (size_t)n) &&
           !(n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) &&
           !(n >= 6 && memcmp(magic, xz, 6) == 0) &&
           !(n >= 3 && memcmp(magic, "BZh", 3) == 0);
}

size_t bs_resume_rotated_after(const char *path, int64_t sec, long nsec,
                               const struct bs_file_id *skip, size_t nskip,
                               char ***out)
{
    const char *base;
    char *dir = bs_resume_folder(path, &base);
    DIR *d = opendir(dir);
    struct bs_rotated *list = NULL;
    size_t n = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strncmp(de->d_name, base, strlen(base)) != 0 ||
            strcmp(de->d_name, base) == 0)
            continue;
        char *full = bs_resume_join(dir, de->d_name);
        struct stat st;
        if (!bs_resume_is_after(full, sec, nsec, skip, nskip, &st)) {
            free(full);
            continue;
        }
        list = bs_resume_allocated(realloc(list, (n + 1) * sizeof *list));
        list[n].path = full;
        list[n++].mtime = st.st_mtim;
    }
    if (d)
        closedir(d);
    free(dir);
    if (n)
        qsort(list, n, sizeof *list, bs_rotated_cmp);
    *out = n ? bs_resume_allocated(malloc(n * sizeof **out)) : NULL;
    for (size_t i = 0; i < n; i++)
        (*out)[i] = list[i].path;
    free(list);
    return n;
}

/* The files rotated after the marked file (found at old_path): in the
 * same folder, named like path, oldest first, not the file under the
 * name. */
static void bs_resume_between(const char *path, const char *old_path,
                              struct bs_resume_plan *p)
{
    struct stat old, now;
    if (stat(old_path, &old) < 0)
        return;
    struct bs_file_id skip[2] = {
        { (uint64_t)old.st_dev, (uint64_t)old.st_ino }, { 0, 0 }
    };
    size_t nskip = 1;
    if (stat(path, &now) == 0) {
        skip[1].dev = (uint64_t)now.st_dev;
        skip[1].ino = (uint64_t)now.st_ino;
        nskip = 2;
    }
    p->nbetween = bs_resume_rotated_after(path, old.st_mtim.tv_sec,
                                          old.st_mtim.tv_nsec, skip, nskip,
                                          &p->between);
}

void bs_resume_say(const char *path, const struct bs_resume_plan *p,
                   bool quiet)
{
    if (p->lost)
        fprintf(stderr, "bouncestat: %s: since the last checkpoint: %s\n",
                path, p->note);
    else if (p->note && !quiet)
        fprintf(stderr, "bouncestat: %s: %s\n", path, p->note);
}

void bs_resume_plan_free(struct bs_resume_plan *p)
{
    free(p->old_path);
    for (size_t i = 0; i < p->nbetween; i++)
        free(p->between[i]);
    free(p->between);
    memset(p, 0, sizeof *p);
}

void bs_resume_plan(const char *path, const struct bs_input_mark *m,
                    bool with_between, struct bs_resume_plan *p)
{
    memset(p, 0, sizeof *p);
    bool same_inode = false;
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (fd >= 0) {
        struct stat st;
        if (fstat(fd, &st) == 0) {
            same_inode = (uint64_t)st.st_dev == m->dev &&
                         (uint64_t)st.st_ino == m->ino;
            p->same = bs_resume_is_marked(fd, (uint64_t)st.st_dev,
                                          (uint64_t)st.st_ino, m);
        }
        close(fd);
    }
    if (p->same)
        return;
    bool copy = false;
    p->old_path = bs_resume_search(path, m, &copy);
    if (p->old_path && with_between && !copy)
        bs_resume_between(path, p->old_path, p);
    if (p->old_path) {
        p->note = copy ? "copied and truncated while bouncestat was down; "
                         "finishing the copy first"
                       : "rotated while bouncestat was down; finishing the "
                         "old file first";
    } else if (m->offset == 0) {
        p->note = NULL; /* nothing of it was read: nothing is lost */
    } else if (same_inode) {
        p->note = "truncated or rewritten while bouncestat was down: what "
                  "it held after the checkpoint is lost; reading from its "
                  "start";
        p->lost = true;
    } else {
        p->note = "the file of the last checkpoint is gone (rotated away "
                  "or deleted): what was written to it after the "
                  "checkpoint is lost; reading the new file from its start";
        p->lost = true;
    }
}
