/*
 * resume.h - where to go on reading a file named in a checkpoint
 *
 * A checkpoint's mark (bouncestat.h, struct bs_input_mark) names a file by
 * path, identity (device and inode) and its first bytes. While bouncestat
 * was down the file under that path may have stayed, grown, been rotated
 * (renamed: maillog -> maillog.1, or copied and truncated) or replaced.
 * bs_resume_plan compares the mark with what is there now and says what to
 * read: the marked file's rest, found by identity under any name in the
 * same folder (or by its first bytes, for a copy), then the file under the
 * name from its start or from the mark.
 */
#ifndef BS_RESUME_H
#define BS_RESUME_H

#include "bouncestat.h"

#include <stdbool.h>
#include <stdint.h>

struct bs_resume_plan {
    /* The marked file is no longer under the name but was found: read
     * old_path (heap, the caller frees it) from the mark's offset. */
    char *old_path;
    /* Files rotated after it while bouncestat was down (heap array of
     * heap paths, oldest first): each read whole, after old_path. */
    char **between;
    size_t nbetween;
    /* The file under the name is the marked one: start at the mark's
     * offset (else at 0). */
    bool same;
    /* What happened, for a notice; NULL when the file simply goes on. */
    const char *note;
    /* The marked file's rest is lost (gone, or truncated in place). */
    bool lost;
};

/* Fills p for the file at path and its mark m; free it with
 * bs_resume_plan_free. between is only looked for with_between (the
 * newest mark of a path). */
void bs_resume_plan(const char *path, const struct bs_input_mark *m,
                    bool with_between, struct bs_resume_plan *p);
void bs_resume_plan_free(struct bs_resume_plan *p);
/* Says on stderr what the plan found for path: a loss always
 * ("since the last checkpoint: ..."), anything else unless quiet. */
void bs_resume_say(const char *path, const struct bs_resume_plan *p,
                   bool quiet);

/* A file's identity. */
struct bs_file_id {
    uint64_t dev, ino;
};

/* The rotated siblings of path written after sec.nsec (their mtime):
 * files in path's folder named path's last component plus a suffix,
 * plain logs (not empty; not zstd, gzip, xz or bzip2), none of the nskip
 * identities in skip. Sets *out to a heap array of heap paths, oldest
 * first (NULL for none; free each and the array) and returns how many. */
size_t bs_resume_rotated_after(const char *path, int64_t sec, long nsec,
                               const struct bs_file_id *skip, size_t nskip,
                               char ***out);

/* Does the open file fd (with that device and inode) match m: the same
 * identity, at least m->offset bytes long, and starting with m->head? */
bool bs_resume_is_marked(int fd, uint64_t dev, uint64_t ino,
                         const struct bs_input_mark *m);

/* A mark for the open file fd, read as path up to offset (every line
 * before it counted). -1 when fd cannot be examined. */
int bs_resume_mark_fd(int fd, const char *path, uint64_t offset,
                      bool in_long_line, struct bs_input_mark *m);

/* The mark for path in marks (rotated: the predecessor's), or NULL. */
const struct bs_input_mark *bs_resume_find_mark(
    const struct bs_input_mark *marks, size_t n, const char *path,
    bool rotated);

#endif
