/* A power-cut model for `frontdesk serve`, loaded with LD_PRELOAD.
 *
 * The model: at a power cut, a file keeps exactly what it held at its last
 * fsync/fdatasync; every write after that is lost, and a file never synced
 * does not exist. To make that observable, each fsync/fdatasync of a regular
 * file first copies the whole file to "<path>.durable" (through a temporary
 * name and a rename, so a kill during the copy leaves the previous snapshot)
 * and only then returns. `run` kills the server with SIGKILL and replaces
 * each file with its snapshot: the disk as a power cut that dropped every
 * unsynced write would leave it. The -shm file is deleted (SQLite rebuilds
 * it from the WAL).
 *
 * This is the harshest legal outcome (a real disk may keep some unsynced
 * writes, in any order, but never loses a synced one), which is what
 * `synchronous=FULL` must survive. Test-only: never built into the crate.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void snapshot(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
    char link[64], path[4096], tmp[4200], dst[4200];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return;
    path[n] = 0;
    snprintf(tmp, sizeof tmp, "%s.durable.tmp", path);
    snprintf(dst, sizeof dst, "%s.durable", path);
    int in = open(path, O_RDONLY);
    if (in < 0) return;
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0) { close(in); return; }
    char buf[1 << 16];
    ssize_t r;
    while ((r = read(in, buf, sizeof buf)) > 0) {
        if (write(out, buf, (size_t)r) != r) break;
    }
    close(in);
    close(out);
    rename(tmp, dst);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    snapshot(fd);
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    snapshot(fd);
    return real(fd);
}
