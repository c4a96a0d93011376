/*
 * bench-backend: the backend the benchmarks supervise, and the bare baselines they are compared with.
 *
 * Written in C so that what is measured is the sidecar, not the backend: it starts in well under a millisecond, answers
 * its first HTTP request without a JIT warm-up, and exits exactly when it is told to. Every time it prints is
 * CLOCK_MONOTONIC in nanoseconds, the clock .NET's Stopwatch.GetTimestamp() reads on Linux, so the harness compares
 * them with its own timestamps directly.
 *
 *   bench-backend sleep [--term-delay-ms N] [--ignore-sigterm] [--exit]
 *       prints "start <ns>" as its first action, then waits for a signal (or exits at once with --exit).
 *   bench-backend http --port P [--ready-after-ms N] [--quiet-start] [--term-delay-ms N] [--ignore-sigterm]
 *       prints "start <ns>", works for N ms (the port is closed meanwhile, as uvicorn binds after start-up), binds and
 *       listens and prints "ready <ns>" (the moment connections are accepted), then answers every request with
 *       200 {"status":"ok"}, keeping connections alive as uvicorn, Node and Go servers do; after its first answer it
 *       prints "answered <ns>". With --quiet-start it says nothing when it starts listening (a server that does not
 *       announce it) and prints "ready <ns of the listen>" only after its first answer.
 *   bench-backend flood --lines N --bytes B
 *       writes N numbered lines of B bytes (newline included) to stdout, one write(2) each, as fast as it can, then
 *       prints "wrote <ns elapsed> <lines> <ns at the end> <ns on CPU> <voluntary> <involuntary context switches>"
 *       on stderr and exits 0.
 *   bench-backend spawn -- CMD ARGS...
 *       the bare spawn: prints "spawn <ns>" (taken just before posix_spawn) and runs CMD with the same stdout.
 *   bench-backend read-bare -- CMD ARGS...
 *       the bare fast pipe reader: runs CMD with stdout on a pipe of the sidecar's capacity (1 MiB), reads it in
 *       64 KiB reads into nothing until end of file, prints "read <bytes> <lines>" on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

extern char **environ;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int term_delay_ms;

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

/* Only async-signal-safe calls: nanosleep and _exit. */
static void on_sigterm(int sig)
{
    (void)sig;
    if (term_delay_ms > 0) sleep_ms(term_delay_ms);
    _exit(0);
}

static void say(FILE *to, const char *what, long long value)
{
    fprintf(to, "%s %lld\n", what, value);
    fflush(to);
}

static const char *option(int argc, char **argv, const char *name)
{
    for (int i = 2; i < argc - 1; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return NULL;
}

static int flag(int argc, char **argv, const char *name)
{
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return 1;
    return 0;
}

static int int_option(int argc, char **argv, const char *name, int fallback)
{
    const char *value = option(argc, argv, name);
    return value ? atoi(value) : fallback;
}

static void set_up_sigterm(int argc, char **argv)
{
    term_delay_ms = int_option(argc, argv, "--term-delay-ms", 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = flag(argc, argv, "--ignore-sigterm") ? SIG_IGN : on_sigterm;
    sigaction(SIGTERM, &sa, NULL);
}

static int run_sleep(int argc, char **argv)
{
    set_up_sigterm(argc, argv);
    if (flag(argc, argv, "--exit")) return 0;
    for (;;) pause();
}

#define MAX_CLIENTS 64

struct client
{
    int fd;
    size_t used;
    char request[4096];
};

/* Answers every complete request in the client's buffer; returns 0 when the connection is to be closed. */
/* With --quiet-start: the moment listen() returned, told only after the first answer (0: told at once). */
static long long quiet_ready_ns;

static int answer(struct client *c, int *answered)
{
    static const char reply[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"status\":\"ok\"}\n";
    char *end;
    while ((end = strstr(c->request, "\r\n\r\n")) != NULL)
    {
        /* Health checks send no body: the request ends with its headers. */
        int close_after = strcasestr(c->request, "connection: close") != NULL && strcasestr(c->request, "connection: close") < end;
        if (write(c->fd, reply, sizeof reply - 1) < 0) return 0;
        if (!*answered)
        {
            *answered = 1;
            say(stdout, "answered", now_ns());
            if (quiet_ready_ns) say(stdout, "ready", quiet_ready_ns);
        }
        if (close_after) return 0;
        size_t consumed = (size_t)(end + 4 - c->request);
        memmove(c->request, end + 4, c->used - consumed + 1);
        c->used -= consumed;
    }
    return c->used < sizeof c->request - 1;
}

static int run_http(int argc, char **argv)
{
    set_up_sigterm(argc, argv);
    int port = int_option(argc, argv, "--port", 0);
    int ready_after = int_option(argc, argv, "--ready-after-ms", 0);
    if (ready_after > 0) sleep_ms(ready_after);

    int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(server, (struct sockaddr *)&address, sizeof address) < 0 || listen(server, 128) < 0)
    {
        fprintf(stderr, "cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
        return 2;
    }
    if (flag(argc, argv, "--quiet-start"))
        quiet_ready_ns = now_ns();
    else
        say(stdout, "ready", now_ns());

    /* HTTP/1.1 with keep-alive, as uvicorn, Node and Go servers answer: one poll loop over the listener and its clients. */
    static struct client clients[MAX_CLIENTS];
    struct pollfd fds[MAX_CLIENTS + 1];
    int count = 0, answered = 0;
    for (;;)
    {
        fds[0].fd = server;
        fds[0].events = count < MAX_CLIENTS ? POLLIN : 0;
        for (int i = 0; i < count; i++)
        {
            fds[i + 1].fd = clients[i].fd;
            fds[i + 1].events = POLLIN;
        }
        if (poll(fds, (nfds_t)count + 1, -1) < 0) continue;
        for (int i = count - 1; i >= 0; i--)
        {
            if (!fds[i + 1].revents) continue;
            struct client *c = &clients[i];
            ssize_t n = read(c->fd, c->request + c->used, sizeof c->request - 1 - c->used);
            int keep = n > 0;
            if (keep)
            {
                c->used += (size_t)n;
                c->request[c->used] = 0;
                keep = answer(c, &answered);
            }
            if (!keep)
            {
                close(c->fd);
                clients[i] = clients[--count];
            }
        }
        if (fds[0].revents & POLLIN)
        {
            int fd = accept4(server, NULL, NULL, SOCK_CLOEXEC);
            if (fd >= 0)
            {
                clients[count].fd = fd;
                clients[count].used = 0;
                clients[count].request[0] = 0;
                count++;
            }
        }
    }
}

static int run_flood(int argc, char **argv)
{
    int lines = int_option(argc, argv, "--lines", 200000);
    int bytes = int_option(argc, argv, "--bytes", 100);
    if (bytes < 16) bytes = 16;
    char *line = malloc((size_t)bytes);
    memset(line, 'x', (size_t)bytes);
    line[bytes - 1] = '\n';

    long long started = now_ns();
    for (int i = 0; i < lines; i++)
    {
        /* "line 000123 " then filler: the harness checks every number and length in the log file. */
        char head[24];
        snprintf(head, sizeof head, "line %06d ", i);
        memcpy(line, head, 12);
        ssize_t off = 0;
        while (off < bytes)
        {
            ssize_t n = write(STDOUT_FILENO, line + off, (size_t)(bytes - off));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return 3;
            off += n;
        }
    }
    long long ended = now_ns();
    /* Why a write took long: blocked on a full pipe (voluntary switches) or waiting for a CPU (involuntary ones). */
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    long long cpu = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000LL + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000LL;
    fprintf(stderr, "wrote %lld %d %lld %lld %ld %ld\n", ended - started, lines, ended, cpu, usage.ru_nvcsw, usage.ru_nivcsw);
    return 0;
}

static char **command_after_dashes(int argc, char **argv)
{
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--") == 0 && i + 1 < argc) return argv + i + 1;
    fprintf(stderr, "%s: missing -- CMD\n", argv[1]);
    exit(2);
}

static int wait_for(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_spawn(int argc, char **argv)
{
    char **command = command_after_dashes(argc, argv);
    pid_t pid;
    long long before = now_ns();
    int error = posix_spawn(&pid, command[0], NULL, NULL, command, environ);
    if (error != 0)
    {
        fprintf(stderr, "spawn %s: %s\n", command[0], strerror(error));
        return 2;
    }
    say(stdout, "spawn", before);
    return wait_for(pid);
}

static int run_read_bare(int argc, char **argv)
{
    char **command = command_after_dashes(argc, argv);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) return 2;
    fcntl(fds[0], F_SETPIPE_SZ, 1024 * 1024);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    pid_t pid;
    int error = posix_spawn(&pid, command[0], &actions, NULL, command, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (error != 0)
    {
        fprintf(stderr, "spawn %s: %s\n", command[0], strerror(error));
        return 2;
    }

    static char buffer[64 * 1024];
    long long total = 0, newlines = 0;
    for (;;)
    {
        ssize_t n = read(fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        total += n;
        for (ssize_t i = 0; i < n; i++) newlines += buffer[i] == '\n';
    }
    int code = wait_for(pid);
    fprintf(stderr, "read %lld %lld\n", total, newlines);
    return code;
}

int main(int argc, char **argv)
{
    long long started = now_ns();
    if (argc < 2)
    {
        fprintf(stderr, "usage: bench-backend sleep|http|flood|spawn|read-bare ...\n");
        return 2;
    }
    const char *mode = argv[1];
    /* The handler before the first line: a stop sent once that line is seen must find it (the stamp is still the start). */
    if (strcmp(mode, "sleep") == 0) set_up_sigterm(argc, argv);
    if (strcmp(mode, "sleep") == 0 || strcmp(mode, "http") == 0) say(stdout, "start", started);
    if (strcmp(mode, "sleep") == 0) return run_sleep(argc, argv);
    if (strcmp(mode, "http") == 0) return run_http(argc, argv);
    if (strcmp(mode, "flood") == 0) return run_flood(argc, argv);
    if (strcmp(mode, "spawn") == 0) return run_spawn(argc, argv);
    if (strcmp(mode, "read-bare") == 0) return run_read_bare(argc, argv);
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
}
