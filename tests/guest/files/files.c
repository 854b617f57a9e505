/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The read-only file tree linked into the image (tools/mkfiles of
 * tests/guest/files/tree plus big.bin, 100 KiB of random bytes made at
 * build time, and big.cksum, its POSIX cksum computed by the host), seen
 * through plain stdio and POSIX calls: contents, seeking, stat, directory
 * listings, relative paths, the errors a read-only tree gives, duplicated
 * descriptors and poll. With the argument "partial", linked with a
 * damaged archive, it checks what is left of that tree instead. Prints one
 * line per check and "files: all N checks passed".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BIG_SIZE 102400
#define HELLO "Hello from the file tree.\n"
#define HELLO_MTIME 1700000000 /* set by the make rule */
#define STDIN_WAIT_MS 200

static int checks, failures;

static void check(int ok, const char *what)
{
    checks++;
    failures += !ok;
    printf("%s %d - %s\n", ok ? "ok" : "FAIL", checks, what);
}

/* errno after a call that must fail with -1. */
static int fails_with(long ret, int err)
{
    return ret == -1 && errno == err;
}

/* The POSIX cksum CRC: polynomial 0x04c11db7, most significant bit first,
 * over the data and then its length in as few bytes as it needs. */
static uint32_t crc_byte(uint32_t crc, unsigned char b)
{
    crc ^= (uint32_t)b << 24;
    for (int i = 0; i < 8; i++)
        crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
    return crc;
}

static uint32_t posix_cksum(const unsigned char *p, size_t len)
{
    uint32_t crc = 0;

    for (size_t i = 0; i < len; i++)
        crc = crc_byte(crc, p[i]);
    for (size_t n = len; n; n >>= 8)
        crc = crc_byte(crc, n & 0xff);
    return ~crc;
}

static unsigned char big[BIG_SIZE + 1];

static void check_contents(void)
{
    char buf[64] = {0}, expect[32] = {0};
    unsigned long want = 0;
    size_t n = 0, got;
    uint32_t sum;
    FILE *f;

    f = fopen("/hello.txt", "r");
    check(f && fread(buf, 1, sizeof(buf), f) == strlen(HELLO) && !strcmp(buf, HELLO) && feof(f),
          "fopen and fread of /hello.txt: its contents, then end of file");
    if (f)
        fclose(f);

    /* Small reads through stdio's buffer, so readv and the offset both
     * matter. */
    f = fopen("/big.bin", "rb");
    while (f && (got = fread(big + n, 1, 1000, f)) > 0)
        n += got;
    check(f && n == BIG_SIZE, "fread of /big.bin in 1000-byte pieces: 102400 bytes");
    sum = posix_cksum(big, n);
    FILE *c = fopen("big.cksum", "r");
    check(c && fgets(expect, sizeof(expect), c) && (want = strtoul(expect, NULL, 10)) != 0 &&
              sum == want,
          "the contents of /big.bin have the checksum the build computed");
    printf("files: big.bin: %zu bytes, cksum %u, as built %lu\n", n, sum, want);
    if (c)
        fclose(c);

    if (f) {
        unsigned char tail[10];

        check(fseek(f, -10, SEEK_END) == 0 && ftell(f) == BIG_SIZE - 10 &&
                  fread(tail, 1, sizeof(tail), f) == sizeof(tail) &&
                  !memcmp(tail, big + BIG_SIZE - 10, sizeof(tail)),
              "fseek from the end, ftell, and the last 10 bytes");
        check(fseek(f, 4321, SEEK_SET) == 0 && fgetc(f) == big[4321] && ftell(f) == 4322,
              "fseek to 4321 and fgetc");
        fclose(f);
    }
}

static void check_stat(void)
{
    struct stat st, st2;
    int fd;

    check(stat("/hello.txt", &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644 &&
              st.st_size == (off_t)strlen(HELLO) && st.st_mtime == HELLO_MTIME &&
              st.st_nlink == 1 && st.st_blksize > 0 && st.st_ino != 0,
          "stat /hello.txt: a 0644 file of 26 bytes with the archive's mtime");
    check(stat("/big.bin", &st2) == 0 && st2.st_size == BIG_SIZE && st2.st_ino != st.st_ino &&
              st2.st_blocks == BIG_SIZE / 512,
          "stat /big.bin: 102400 bytes, its own inode number");
    check(stat("/empty", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0,
          "stat /empty: an empty file");
    check(stat("/dir", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0755 &&
              st.st_nlink == 3,
          "stat /dir: a 0755 directory with one subdirectory");
    check(stat("/dir/sub/secret", &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_size == 23,
          "stat /dir/sub/secret: mode 0600 as archived");
    check(stat("/name with spaces.txt", &st) == 0 && st.st_size == 19,
          "stat of a name with spaces");
    check(lstat("/", &st) == 0 && S_ISDIR(st.st_mode), "lstat /: a directory");
    fd = open("/big.bin", O_RDONLY);
    check(fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == st2.st_ino && st.st_size == BIG_SIZE,
          "fstat of an open file matches stat");
    close(fd);
    check(fstat(1, &st) == 0 && S_ISCHR(st.st_mode) && isatty(1), "stdout is a terminal");
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted names in dir, joined by '|', in out. */
static int list(const char *dir, char *out, size_t size)
{
    char *names[32];
    int n = 0;
    struct dirent *e;
    DIR *d = opendir(dir);

    if (!d)
        return -1;
    while ((e = readdir(d)) && n < 32)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), compare_names);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strncat(out, "|", size - strlen(out) - 1);
        strncat(out, names[i], size - strlen(out) - 1);
        free(names[i]);
    }
    return n;
}

static void check_directories(void)
{
    char names[512], cwd[PATH_MAX];
    int fd, dirfd;
    DIR *d;

    check(list("/", names, sizeof(names)) == 8 &&
              !strcmp(names, ".|..|big.bin|big.cksum|dir|empty|hello.txt|name with spaces.txt"),
          "readdir /: every entry once");
    printf("files: / holds %s\n", names);
    check(list("/dir", names, sizeof(names)) == 4 && !strcmp(names, ".|..|page.html|sub"),
          "readdir /dir");
    check(list("/dir/sub/", names, sizeof(names)) == 3 && !strcmp(names, ".|..|secret"),
          "readdir /dir/sub/");
    d = opendir("/dir");
    if (d) {
        struct dirent *first = readdir(d);
        char name[256];

        snprintf(name, sizeof(name), "%s", first ? first->d_name : "");
        rewinddir(d);
        first = readdir(d);
        check(first && !strcmp(first->d_name, name), "rewinddir starts the listing again");
        closedir(d);
    }

    check(chdir("/dir") == 0 && getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/dir"),
          "chdir /dir, getcwd");
    fd = open("sub/secret", O_RDONLY);
    check(fd >= 0, "open of a relative path from the working directory");
    close(fd);
    check(access("../hello.txt", R_OK) == 0, "access of ../hello.txt");
    check(chdir("page.html") == -1 && errno == ENOTDIR, "chdir to a file: ENOTDIR");
    dirfd = open("sub", O_RDONLY | O_DIRECTORY);
    fd = openat(dirfd, "secret", O_RDONLY);
    check(dirfd >= 0 && fd >= 0, "openat from a directory descriptor");
    close(fd);
    close(dirfd);
    check(chdir("/") == 0 && getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/"), "chdir back to /");
}

static void check_errors(void)
{
    char name[300], buf[8];
    int fd;

    check(fopen("/no/such/file", "r") == NULL && errno == ENOENT,
          "fopen of a missing file: ENOENT");
    check(fails_with(open("/missing", O_RDONLY), ENOENT), "open of a missing file: ENOENT");
    check(fails_with(open("/hello.txt", O_WRONLY), EROFS), "open O_WRONLY: EROFS");
    check(fails_with(open("/hello.txt", O_RDWR), EROFS), "open O_RDWR: EROFS");
    check(fopen("/hello.txt", "w") == NULL && errno == EROFS, "fopen for writing: EROFS");
    check(fails_with(open("/new", O_WRONLY | O_CREAT, 0644), EROFS),
          "O_CREAT of a new file: EROFS");
    check(fails_with(open("/missing/new", O_WRONLY | O_CREAT, 0644), ENOENT),
          "O_CREAT in a missing directory: ENOENT");
    check(fails_with(open("/hello.txt/x", O_RDONLY), ENOTDIR), "a path through a file: ENOTDIR");
    check(fails_with(open("/hello.txt", O_RDONLY | O_DIRECTORY), ENOTDIR),
          "O_DIRECTORY on a file: ENOTDIR");
    check(opendir("/empty") == NULL && errno == ENOTDIR, "opendir of a file: ENOTDIR");
    memset(name, 'x', sizeof(name) - 1);
    name[0] = '/';
    name[sizeof(name) - 1] = '\0';
    check(fails_with(open(name, O_RDONLY), ENAMETOOLONG), "a 299-byte name: ENAMETOOLONG");
    check(fails_with(read(77, buf, 1), EBADF) && fails_with(close(77), EBADF) &&
              fails_with(lseek(-1, 0, SEEK_SET), EBADF) && fails_with(dup(1000), EBADF),
          "read, close, lseek, dup of descriptors that are not open: EBADF");
    fd = open("/dir", O_RDONLY);
    check(fd >= 0 && fails_with(read(fd, buf, 1), EISDIR), "read of a directory: EISDIR");
    close(fd);
    fd = open("/hello.txt", O_RDONLY);
    check(fails_with(write(fd, "x", 1), EBADF), "write to a file opened for reading: EBADF");
    check(fails_with(lseek(fd, -1, SEEK_SET), EINVAL) && lseek(fd, 5, SEEK_SET) == 5 &&
              lseek(fd, 2, SEEK_CUR) == 7 && lseek(fd, 0, SEEK_END) == 26 &&
              fails_with(lseek(fd, -27, SEEK_END), EINVAL),
          "lseek: SEEK_SET, SEEK_CUR, SEEK_END; a negative offset is EINVAL");
    check(pread(fd, buf, 5, 6) == 5 && !memcmp(buf, "from ", 5) && lseek(fd, 0, SEEK_CUR) == 26,
          "pread reads at its offset without moving the file's");
    close(fd);
    check(fails_with(lseek(1, 0, SEEK_SET), ESPIPE), "lseek on the console: ESPIPE");
    check(access("/hello.txt", R_OK) == 0 && fails_with(access("/hello.txt", W_OK), EROFS) &&
              fails_with(access("/nope", F_OK), ENOENT),
          "access: readable, not writable, ENOENT when missing");
}

static void check_descriptors(void)
{
    char a[8] = {0}, b[8] = {0};
    static const char line[] = "files: written through a duplicate of stdout\n";
    int fd = open("/hello.txt", O_RDONLY | O_CLOEXEC), copy;

    check(fd >= 3 && fcntl(fd, F_GETFD) == FD_CLOEXEC &&
              (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY,
          "open O_CLOEXEC: F_GETFD says so, F_GETFL says O_RDONLY");
    check(dup2(fd, 10) == 10 && fcntl(10, F_GETFD) == 0, "dup2 to 10, without close-on-exec");
    check(read(fd, a, 6) == 6 && read(10, b, 5) == 5 && !memcmp(a, "Hello ", 6) &&
              !memcmp(b, "from ", 5),
          "a duplicate shares the file offset");
    close(fd);
    check(read(10, b, 4) == 4 && !memcmp(b, "the ", 4), "the duplicate outlives the original");
    copy = fcntl(10, F_DUPFD_CLOEXEC, 20);
    check(copy >= 20 && fcntl(copy, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC from 20");
    check(fcntl(copy, F_SETFD, 0) == 0 && fcntl(copy, F_GETFD) == 0,
          "F_SETFD clears close-on-exec");
    close(copy);
    close(10);
    check(dup2(1, 12) == 12 && write(12, line, sizeof(line) - 1) == (ssize_t)sizeof(line) - 1,
          "dup2 of stdout writes to the console");
    close(12);
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void check_poll(void)
{
    int fd = open("/big.bin", O_RDONLY);
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = 1, .events = POLLOUT}};
    struct pollfd in = {.fd = 0, .events = POLLIN}, bad = {.fd = 55, .events = POLLIN};
    struct timeval tv = {0, 0};
    struct timespec t0;
    fd_set r;
    long ms;

    check(poll(p, 2, 1000) == 2 && (p[0].revents & POLLIN) && (p[1].revents & POLLOUT),
          "poll: a file is readable and stdout writable at once");
    check(poll(&bad, 1, 0) == 1 && bad.revents == POLLNVAL,
          "poll of a closed descriptor: POLLNVAL");
    check(poll(&in, 1, 0) == 0 && in.revents == 0, "poll of stdin without input, timeout 0: 0");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check(poll(&in, 1, STDIN_WAIT_MS) == 0, "poll of stdin with a timeout: times out");
    ms = ms_since(&t0);
    printf("files: poll of stdin returned after %ld ms\n", ms);
    check(ms >= STDIN_WAIT_MS && ms < 10 * STDIN_WAIT_MS, "poll waited for its timeout");
    FD_ZERO(&r);
    FD_SET(0, &r);
    FD_SET(fd, &r);
    check(select(fd + 1, &r, NULL, NULL, &tv) == 1 && FD_ISSET(fd, &r) && !FD_ISSET(0, &r),
          "select: the file is ready, stdin is not");
    close(fd);
}

/* The tree of an archive whose third entry has a bad checksum: what came
 * before it, and nothing from it on. */
static void check_partial(void)
{
    struct stat st;

    check(stat("/hello.txt", &st) == 0 && st.st_size == (off_t)strlen(HELLO),
          "the first entry is in the tree");
    check(stat("/dir", &st) == 0 && S_ISDIR(st.st_mode), "the second entry is in the tree");
    check(stat("/dir/page.html", &st) == -1 && errno == ENOENT,
          "the entry with the bad checksum is not");
    check(stat("/empty", &st) == -1 && errno == ENOENT, "nor anything after it");
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "partial")) {
        check_partial();
        printf("files: %s %d checks passed\n", failures ? "FAIL: not all" : "all",
               checks - failures);
        return failures ? 1 : 0;
    }
    check_contents();
    check_stat();
    check_directories();
    check_errors();
    check_descriptors();
    check_poll();
    printf("files: %s %d checks passed\n", failures ? "FAIL: not all" : "all", checks - failures);
    return failures ? 1 : 0;
}
