/*
 * replay.c - runs a fuzz target over files without libFuzzer
 *
 * Each argument is a file or a directory (its files, not recursively,
 * dot files left out). Every file is read into an allocation of exactly
 * its size, so a sanitizer build catches a read past the end, and given
 * to LLVMFuzzerTestOneInput(). Prints how many inputs ran; exits 1 when
 * an argument cannot be read or no input ran at all.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        if (f)
            fclose(f);
        fprintf(stderr, "replay: cannot read %s\n", path);
        return -1;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    size_t got = n ? fread(buf, 1, n, f) : 0;
    fclose(f);
    LLVMFuzzerTestOneInput(buf, got);
    free(buf);
    return 0;
}

static int replay_path(const char *path, unsigned *runs)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: no such file or directory: %s\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        ++*runs;
        return replay_file(path);
    }
    DIR *d = opendir(path);
    struct dirent *de;
    int rc = 0;
    char full[4096];
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(full, sizeof full, "%s/%s", path, de->d_name);
        ++*runs;
        rc |= replay_file(full);
    }
    if (d)
        closedir(d);
    return d ? rc : -1;
}

int main(int argc, char **argv)
{
    unsigned runs = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= replay_path(argv[i], &runs);
    printf("replayed %u inputs\n", runs);
    return rc || !runs;
}
