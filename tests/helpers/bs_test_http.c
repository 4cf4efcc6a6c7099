/*
 * bs_test_http.c - a test helper for the whole-program tests of
 * `bouncestat watch`, needing nothing beyond libc (no python, curl or nc
 * on a fresh Debian):
 *
 *   bs-test-http sink PORTFILE OUTDIR COUNT [FAIL_FIRST]
 *       an HTTP sink on 127.0.0.1 (any free port, written to PORTFILE):
 *       answers the first FAIL_FIRST requests 500, the next ones 204, and
 *       saves the body of each 204-answered request as OUTDIR/body.N
 *       (N from 1); exits 0 after COUNT of them, 1 after 60 s.
 *   bs-test-http get HOST PORT PATH
 *       GET http://HOST:PORT/PATH; the body on stdout, the status line on
 *       stderr; exit 0 for 200, 1 otherwise, 2 when it cannot connect.
 *   bs-test-http raw HOST PORT
 *       sends stdin as is, prints the whole answer.
 *   bs-test-http rusage OUTFILE COMMAND [ARG...]
 *       runs COMMAND and writes its peak resident set size in KiB to
 *       OUTFILE; exits with COMMAND's status.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int connect_to(const char *host, const char *port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)strtol(port, NULL, 10));
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads until EOF into a heap buffer. */
static char *read_all(int fd, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *b = malloc(cap + 1);
    for (;;) {
        if (n == cap)
            b = realloc(b, (cap *= 2) + 1);
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    b[n] = '\0';
    *len = n;
    return b;
}

static int cmd_get(const char *host, const char *port, const char *path)
{
    int fd = connect_to(host, port);
    if (fd < 0) {
        perror("connect");
        return 2;
    }
    char req[1024];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%s\r\n"
                     "Connection: close\r\n\r\n", path, host, port);
    if (write_all(fd, req, (size_t)n) < 0)
        return 2;
    size_t len;
    char *resp = read_all(fd, &len);
    close(fd);
    char *body = strstr(resp, "\r\n\r\n");
    char *eol = strstr(resp, "\r\n");
    if (!body || !eol) {
        fprintf(stderr, "no HTTP answer\n");
        free(resp);
        return 1;
    }
    fprintf(stderr, "%.*s\n", (int)(eol - resp), resp);
    fwrite(body + 4, 1, len - (size_t)(body + 4 - resp), stdout);
    int rc = strncmp(resp, "HTTP/1.1 200 ", 13) == 0 ? 0 : 1;
    free(resp);
    return fflush(stdout) == 0 ? rc : 1;
}

static int cmd_raw(const char *host, const char *port)
{
    int fd = connect_to(host, port);
    if (fd < 0) {
        perror("connect");
        return 2;
    }
    size_t len;
    char *in = read_all(0, &len);
    write_all(fd, in, len);
    free(in);
    shutdown(fd, SHUT_WR);
    char *resp = read_all(fd, &len);
    fwrite(resp, 1, len, stdout);
    free(resp);
    close(fd);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* One request: the head, then Content-Length bytes of body. */
static char *read_request(int fd, size_t *body_off, size_t *body_len)
{
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap + 1);
    for (;;) {
        ssize_t r = read(fd, b + n, cap - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        b[n] = '\0';
        char *end = strstr(b, "\r\n\r\n");
        if (!end)
            continue;
        char *cl = strstr(b, "Content-Length: ");
        size_t want = cl ? (size_t)strtoul(cl + 16, NULL, 10) : 0;
        size_t head = (size_t)(end + 4 - b);
        if (n >= head + want) {
            *body_off = head;
            *body_len = want;
            return b;
        }
    }
    free(b);
    return NULL;
}

static int cmd_sink(const char *portfile, const char *dir, int count,
                    int fail_first)
{
    alarm(60);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 16) < 0 ||
        getsockname(s, (struct sockaddr *)&a, &alen) < 0) {
        perror("sink");
        return 1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", portfile);
    FILE *f = fopen(tmp, "w");
    fprintf(f, "%d\n", ntohs(a.sin_port));
    fclose(f);
    rename(tmp, portfile); /* whole, for a reader that polls */
    int seen = 0, ok = 0;
    while (ok < count) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        size_t off, len;
        char *req = read_request(c, &off, &len);
        if (req) {
            seen++;
            const char *answer;
            if (seen <= fail_first) {
                answer = "HTTP/1.1 500 Internal Server Error\r\n"
                         "Content-Length: 0\r\nConnection: close\r\n\r\n";
            } else {
                char path[4096];
                snprintf(path, sizeof path, "%s/body.%d", dir, ++ok);
                FILE *out = fopen(path, "w");
                fwrite(req + off, 1, len, out);
                fclose(out);
                snprintf(path, sizeof path, "%s/head.%d", dir, ok);
                out = fopen(path, "w");
                fwrite(req, 1, off, out);
                fclose(out);
                answer = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
            }
            write_all(c, answer, strlen(answer));
            free(req);
        }
        close(c);
    }
    close(s);
    return 0;
}

static int cmd_rusage(const char *out, char **argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 ||
        getrusage(RUSAGE_CHILDREN, &ru) < 0) {
        perror("rusage");
        return 127;
    }
    FILE *f = fopen(out, "w");
    fprintf(f, "%ld\n", ru.ru_maxrss);
    fclose(f);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 5 && !strcmp(argv[1], "sink"))
        return cmd_sink(argv[2], argv[3], atoi(argv[4]),
                        argc > 5 ? atoi(argv[5]) : 0);
    if (argc == 5 && !strcmp(argv[1], "get"))
        return cmd_get(argv[2], argv[3], argv[4]);
    if (argc == 4 && !strcmp(argv[1], "raw"))
        return cmd_raw(argv[2], argv[3]);
    if (argc >= 4 && !strcmp(argv[1], "rusage"))
        return cmd_rusage(argv[2], argv + 3);
    fputs("usage: bs-test-http sink|get|raw|rusage ...\n", stderr);
    return 64;
}
