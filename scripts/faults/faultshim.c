/*
 * faultshim: a preloaded library that makes writes fail as a full or failing disk would, for
 * MLDeck's fault tests (Tests/EndToEndTests/Faults). Build and use:
 *
 *   gcc -shared -fPIC -O2 -o faultshim.so scripts/faults/faultshim.c -ldl
 *   LD_PRELOAD=$PWD/faultshim.so MLDECK_FAULT_PATH=/ws/.mldeck MLDECK_FAULT_ERRNO=ENOSPC mldeck ...
 *
 * Environment (read at the first intercepted call):
 *   MLDECK_FAULT_PATH         only files whose path contains this text can fail (unset: every
 *                             regular file; standard input, output and error never fail)
 *   MLDECK_FAULT_AFTER_BYTES  that many bytes are written to matching files before the first
 *                             failure (default 0: the first write fails)
 *   MLDECK_FAULT_ERRNO        ENOSPC (default), EIO or EDQUOT
 *   MLDECK_FAULT_SYNC         1: fsync/fdatasync/syncfs on matching files fail too, once the budget is
 *                             spent (default 1); 0: they never fail; only: every write succeeds and
 *                             every sync of a matching file or folder fails (a disk that loses data
 *                             at writeback, as an fsync error reports it)
 *   MLDECK_FAULT_LOG          a file to which every injected failure (or slowed call) is appended, one line each
 *   MLDECK_FAULT_SLOW_MS      a slow disk instead of a failing one: every write and sync to a
 *                             matching file (or folder, for the syncs) waits this many milliseconds
 *                             and then succeeds; nothing fails (the budget and errno are ignored)
 *
 * Intercepted: write, pwrite, pwrite64, writev, pwritev, fsync, fdatasync, syncfs (and statvfs,
 * fstatvfs, which report no free space once an ENOSPC budget is spent). Only regular files
 * (and folders, for the syncs) count; pipes, sockets and terminals pass through. stdio's fwrite calls glibc's internal write and is
 * not intercepted (MLDeck writes its files with write/pwrite).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *pattern;
static long long budget;
static int fault_errno = ENOSPC;
static int fail_sync = 1;
static const char *log_path;
static long slow_ms;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_syncfs)(int);

static void setup(void) {
    real_write = dlsym(RTLD_NEXT, "write");
    real_pwrite = dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    real_writev = dlsym(RTLD_NEXT, "writev");
    real_pwritev = dlsym(RTLD_NEXT, "pwritev");
    real_fsync = dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    real_syncfs = dlsym(RTLD_NEXT, "syncfs");
    pattern = getenv("MLDECK_FAULT_PATH");
    if (pattern && !*pattern) pattern = NULL;
    const char *after = getenv("MLDECK_FAULT_AFTER_BYTES");
    budget = after ? atoll(after) : 0;
    const char *e = getenv("MLDECK_FAULT_ERRNO");
    if (e && strcmp(e, "EIO") == 0) fault_errno = EIO;
    else if (e && strcmp(e, "EDQUOT") == 0) fault_errno = EDQUOT;
    const char *s = getenv("MLDECK_FAULT_SYNC");
    fail_sync = (s && strcmp(s, "only") == 0) ? 2 : !(s && strcmp(s, "0") == 0);
    log_path = getenv("MLDECK_FAULT_LOG");
    const char *slow = getenv("MLDECK_FAULT_SLOW_MS");
    slow_ms = slow ? atol(slow) : 0;
}

/* The slow disk: waits slow_ms milliseconds (restarting the sleep if a signal cuts it short). */
static void stall(void) {
    struct timespec left = { slow_ms / 1000, (slow_ms % 1000) * 1000000L };
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {}
}

/* 1 (and the path) when fd is a regular file (or, with `folders`, a folder) whose path matches. */
static int matches(int fd, char *path, size_t size, int folders) {
    if (fd <= 2) return 0;
    struct stat st;
    if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || (folders && S_ISDIR(st.st_mode)))) return 0;
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, size - 1);
    if (n < 0) return 0;
    path[n] = 0;
    return pattern == NULL || strstr(path, pattern) != NULL;
}

static void note_as(const char *call, const char *what, const char *path);
static void note(const char *call, const char *path) { note_as(call, strerror(fault_errno), path); }

static void note_as(const char *call, const char *what, const char *path) {
    if (!log_path || !real_write) return;
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    char line[4200];
    int n = snprintf(line, sizeof line, "%d %s %s %s\n", (int)getpid(), call, what, path);
    if (n > 0) real_write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    close(fd);
}

/* How many of `count` bytes may be written to fd: count when allowed, -1 (errno set) to fail.
 * A write that crosses the budget is shortened to it, as a file system filling up would. */
static ssize_t allowance(int fd, size_t count, const char *call) {
    pthread_once(&once, setup);
    char path[4096];
    if (count == 0 || fail_sync == 2 || !matches(fd, path, sizeof path, 0)) return (ssize_t)count;
    if (slow_ms > 0) { int saved = errno; note_as(call, "slowed", path); stall(); errno = saved; return (ssize_t)count; }
    pthread_mutex_lock(&lock);
    ssize_t allowed;
    if (budget <= 0) allowed = -1;
    else if ((long long)count <= budget) { allowed = (ssize_t)count; budget -= (long long)count; }
    else { allowed = (ssize_t)budget; budget = 0; }
    pthread_mutex_unlock(&lock);
    if (allowed < 0) { note(call, path); errno = fault_errno; }
    return allowed;
}

static int sync_fails(int fd, const char *call) {
    pthread_once(&once, setup);
    char path[4096];
    if (slow_ms > 0) {
        if (matches(fd, path, sizeof path, 1)) { int saved = errno; note_as(call, "slowed", path); stall(); errno = saved; }
        return 0;
    }
    if (!fail_sync || !matches(fd, path, sizeof path, 1)) return 0;
    pthread_mutex_lock(&lock);
    int spent = budget <= 0 || fail_sync == 2;
    pthread_mutex_unlock(&lock);
    if (spent) { note(call, path); errno = fault_errno; }
    return spent;
}

ssize_t write(int fd, const void *buf, size_t count) {
    ssize_t n = allowance(fd, count, "write");
    if (n < 0) return -1;
    return real_write(fd, buf, (size_t)n);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
    ssize_t n = allowance(fd, count, "pwrite");
    if (n < 0) return -1;
    return real_pwrite(fd, buf, (size_t)n, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset) {
    ssize_t n = allowance(fd, count, "pwrite64");
    if (n < 0) return -1;
    return real_pwrite64(fd, buf, (size_t)n, offset);
}

static size_t total(const struct iovec *iov, int cnt) {
    size_t sum = 0;
    for (int i = 0; i < cnt; i++) sum += iov[i].iov_len;
    return sum;
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
    size_t want = total(iov, iovcnt);
    ssize_t n = allowance(fd, want, "writev");
    if (n < 0) return -1;
    if ((size_t)n < want) return n == 0 ? 0 : real_write(fd, iov[0].iov_base, (size_t)n < iov[0].iov_len ? (size_t)n : iov[0].iov_len);
    return real_writev(fd, iov, iovcnt);
}

ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset) {
    size_t want = total(iov, iovcnt);
    ssize_t n = allowance(fd, want, "pwritev");
    if (n < 0) return -1;
    if ((size_t)n < want) return n == 0 ? 0 : real_pwrite(fd, iov[0].iov_base, (size_t)n < iov[0].iov_len ? (size_t)n : iov[0].iov_len, offset);
    return real_pwritev(fd, iov, iovcnt, offset);
}

int fsync(int fd) {
    if (sync_fails(fd, "fsync")) return -1;
    return real_fsync(fd);
}

int fdatasync(int fd) {
    if (sync_fails(fd, "fdatasync")) return -1;
    return real_fdatasync(fd);
}

int syncfs(int fd) {
    if (sync_fails(fd, "syncfs")) return -1;
    return real_syncfs(fd);
}

/* With ENOSPC, once the budget is spent, the file system of a matching path reports no free
 * space (as a full disk would), so a program that checks can say "no space left". */
static int (*real_statvfs)(const char *, struct statvfs *);
static int (*real_fstatvfs)(int, struct statvfs *);

static void empty(struct statvfs *buf) {
    pthread_mutex_lock(&lock);
    int spent = budget <= 0 && fail_sync != 2;
    pthread_mutex_unlock(&lock);
    if (spent && fault_errno == ENOSPC) { buf->f_bfree = 0; buf->f_bavail = 0; }
}

int statvfs(const char *path, struct statvfs *buf) {
    pthread_once(&once, setup);
    if (!real_statvfs) real_statvfs = dlsym(RTLD_NEXT, "statvfs");
    int r = real_statvfs(path, buf);
    if (r == 0 && (pattern == NULL || strstr(path, pattern) || strstr(pattern, path))) empty(buf);
    return r;
}

int fstatvfs(int fd, struct statvfs *buf) {
    pthread_once(&once, setup);
    if (!real_fstatvfs) real_fstatvfs = dlsym(RTLD_NEXT, "fstatvfs");
    int r = real_fstatvfs(fd, buf);
    char path[4096];
    if (r == 0 && matches(fd, path, sizeof path, 1)) empty(buf);
    return r;
}
