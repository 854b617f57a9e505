/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File descriptors over the console and the read-only file tree (tar.h)
 * that tools/mkfiles links into the image between libos_files_start and
 * libos_files_end. As in Linux, a descriptor refers to an open-file
 * description, which holds the access mode, the status flags and the
 * offset, and which dup() shares: fds 0-2 start on console descriptions
 * (reads, writes and ioctls go to console.c), open() (path.c) makes tree
 * ones, which are read-only.
 *
 * Locking: one spin lock covers the descriptor table, the descriptions'
 * reference counts, flags and offsets. It is held only for short copies
 * out of the tree, never across a console call (console input may block)
 * or a sleep, so a description in use is kept alive by a reference, not by
 * the lock. The tree itself is written once, by files_init() before main(),
 * and only read afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "private.h"
#include "file.h"

#define IOVEC_MAX 1024 /* Linux's UIO_MAXIOV */

/* Status flags F_SETFL may change, as Linux allows. */
#define SETTABLE_FLAGS (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)
/* Flags that act at open() and are not kept in the description. */
#define OPEN_ONLY_FLAGS                                                                            \
    (O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW)

struct fd {
    struct file *file; /* NULL: not open */
    int cloexec;
};

/* A description lives while a descriptor or a call in progress holds it:
 * as many as there are descriptors is enough, but for a close() during a
 * call, after which open() may say -ENFILE until the call ends. */
static struct file files[FD_MAX] = {
    [0] = {.kind = FILE_CONSOLE, .refs = 1, .flags = O_RDONLY},
    [1] = {.kind = FILE_CONSOLE, .refs = 1, .flags = O_WRONLY},
    [2] = {.kind = FILE_CONSOLE, .refs = 1, .flags = O_WRONLY},
};
static struct fd fds[FD_MAX] = {{&files[0], 0}, {&files[1], 0}, {&files[2], 0}};
static int lock;

/* Until files_init() finds an archive, the tree is an empty root. */
static struct tar_node empty_root = {.name = "",
                                     .type = TAR_DIR,
                                     .mode = 0755,
                                     .parent = TAR_ROOT,
                                     .first_child = TAR_NONE,
                                     .next_sibling = TAR_NONE};
struct tar_tree files_tree = {&empty_root, 1};
uint32_t files_cwd = TAR_ROOT;

extern const char libos_files_start[] __attribute__((weak));
extern const char libos_files_end[] __attribute__((weak));

void files_lock(void)
{
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
}

void files_unlock(void)
{
    __atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

/* ---- Start-up ---- */

static void report_problem(const char *msg, void *arg)
{
    libos_log("libos: file tree: %s\n", msg);
}

void files_init(void)
{
    const char *start = libos_files_start, *end = libos_files_end;
    struct tar_tree t;
    size_t size, need;
    long mem;

    if (!start || !end || end <= start)
        return; /* no tree linked in: the empty root stays */
    size = (size_t)(end - start);
    need = tar_index_size(start, size);
    mem = sys_mmap(
        (const long[]){0, (long)need, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0});
    if (mem < 0) {
        libos_log("libos: file tree: no memory for the index (%zu bytes)\n", need);
        return;
    }
    tar_index(&t, start, size, (void *)(uintptr_t)mem, need, report_problem, NULL);
    files_tree = t;
}

/* ---- The descriptor table ---- */

struct file *file_get(long fd)
{
    struct file *f = NULL;

    if (fd < 0 || fd >= FD_MAX)
        return NULL;
    files_lock();
    f = fds[fd].file;
    if (f)
        f->refs++;
    files_unlock();
    return f;
}

void file_put_locked(struct file *f)
{
    if (--f->refs == 0)
        f->kind = FILE_FREE;
}

void file_put(struct file *f)
{
    files_lock();
    file_put_locked(f);
    files_unlock();
}

/* Install f (whose reference the descriptor takes over) at the lowest free
 * descriptor from min. Returns it or -EMFILE. Called locked. */
static long install_locked(struct file *f, long min, int cloexec)
{
    for (long fd = min; fd < FD_MAX; fd++) {
        if (!fds[fd].file) {
            fds[fd] = (struct fd){f, cloexec};
            return fd;
        }
    }
    return -EMFILE;
}

long file_open_node(uint32_t node, int flags)
{
    long fd = -ENFILE;

    files_lock();
    for (struct file *f = files; f < files + FD_MAX; f++) {
        if (f->kind != FILE_FREE)
            continue;
        *f = (struct file){
            .kind = FILE_NODE, .refs = 1, .node = node, .flags = flags & ~OPEN_ONLY_FLAGS};
        fd = install_locked(f, 0, (flags & O_CLOEXEC) != 0);
        if (fd < 0)
            f->kind = FILE_FREE;
        break;
    }
    files_unlock();
    return fd;
}

SYSCALL_HANDLER(close)
{
    long fd = a[0], err = -EBADF;

    if (fd < 0 || fd >= FD_MAX)
        return -EBADF;
    files_lock();
    if (fds[fd].file) {
        file_put_locked(fds[fd].file);
        fds[fd].file = NULL;
        err = 0;
    }
    files_unlock();
    return err;
}

/* Make newfd (or the lowest free descriptor from min, if newfd < 0) refer
 * to oldfd's description. */
static long duplicate(long oldfd, long newfd, long min, int cloexec)
{
    struct file *f, *old = NULL;
    long fd;

    if (oldfd < 0 || oldfd >= FD_MAX || newfd >= FD_MAX)
        return -EBADF;
    files_lock();
    f = fds[oldfd].file;
    if (!f) {
        fd = -EBADF;
    } else if (newfd < 0) {
        f->refs++;
        fd = install_locked(f, min, cloexec);
        if (fd < 0)
            f->refs--;
    } else {
        f->refs++;
        old = fds[newfd].file;
        fds[newfd] = (struct fd){f, cloexec};
        fd = newfd;
        if (old)
            file_put_locked(old);
    }
    files_unlock();
    return fd;
}

SYSCALL_HANDLER(dup)
{
    return duplicate(a[0], -1, 0, 0);
}

SYSCALL_HANDLER(dup2)
{
    struct file *f = file_get(a[0]);

    if (!f)
        return -EBADF;
    file_put(f);
    if (a[0] == a[1])
        return a[1]; /* nothing to do, but oldfd had to be open */
    return a[1] < 0 ? -EBADF : duplicate(a[0], a[1], 0, 0);
}

SYSCALL_HANDLER(dup3)
{
    if (a[2] & ~(long)O_CLOEXEC || a[0] == a[1])
        return -EINVAL;
    return a[1] < 0 ? -EBADF : duplicate(a[0], a[1], 0, (a[2] & O_CLOEXEC) != 0);
}

SYSCALL_HANDLER(fcntl)
{
    long fd = a[0], cmd = a[1], arg = a[2], ret = 0;
    struct file *f;

    if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
        if (arg < 0 || arg >= FD_MAX)
            return -EINVAL;
        return duplicate(fd, -1, arg, cmd == F_DUPFD_CLOEXEC);
    }
    f = file_get(fd);
    if (!f)
        return -EBADF;
    files_lock();
    switch (cmd) {
    case F_GETFD:
        ret = fds[fd].cloexec ? FD_CLOEXEC : 0;
        break;
    case F_SETFD:
        fds[fd].cloexec = (arg & FD_CLOEXEC) != 0;
        break;
    case F_GETFL:
        ret = f->flags;
        break;
    case F_SETFL:
        f->flags = (f->flags & ~SETTABLE_FLAGS) | ((int)arg & SETTABLE_FLAGS);
        break;
    default:
        ret = -EINVAL; /* no record locks, owners or leases */
        break;
    }
    file_put_locked(f);
    files_unlock();
    return ret;
}

/* ---- Reading and writing ---- */

static int readable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_WRONLY;
}

static int writable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_RDONLY;
}

/* Copy from a tree file at *pos, or at the description's offset (moving
 * it) if pos is NULL. */
static long node_read(struct file *f, void *buf, size_t len, const uint64_t *pos)
{
    const struct tar_node *n = &files_tree.nodes[f->node];
    uint64_t off;
    size_t count = 0;

    if (n->type == TAR_DIR)
        return -EISDIR;
    files_lock();
    off = pos ? *pos : f->offset;
    if (off < n->size)
        count = n->size - off < len ? (size_t)(n->size - off) : len;
    if (count)
        memcpy(buf, n->data + off, count);
    if (!pos)
        f->offset = off + count;
    files_unlock();
    return (long)count;
}

/* Read at the description's offset. have_some: bytes were read already in
 * this call, so the console must not wait for more. */
static long file_read(struct file *f, void *buf, size_t len, int have_some)
{
    if (!readable(f))
        return -EBADF;
    if (f->kind == FILE_CONSOLE)
        return console_read(buf, len, have_some || (f->flags & O_NONBLOCK));
    return node_read(f, buf, len, NULL);
}

SYSCALL_HANDLER(read)
{
    struct file *f = file_get(a[0]);
    long n;

    if (!f)
        return -EBADF;
    n = (long)a[2] < 0 ? -EINVAL : file_read(f, (void *)(uintptr_t)a[1], (size_t)a[2], 0);
    file_put(f);
    return n;
}

SYSCALL_HANDLER(readv)
{
    const struct iovec *iov = (const struct iovec *)(uintptr_t)a[1];
    struct file *f = file_get(a[0]);
    long count = a[2], total = 0;

    if (!f)
        return -EBADF;
    if (count < 0 || count > IOVEC_MAX)
        total = -EINVAL;
    /* Each buffer in turn, until one is not filled (end of file, or the
     * console has no more input waiting). */
    for (long i = 0; i < count && total >= 0; i++) {
        long n = file_read(f, iov[i].iov_base, iov[i].iov_len, total > 0);

        if (n < 0) {
            total = total ? total : n;
            break;
        }
        total += n;
        if ((size_t)n < iov[i].iov_len)
            break;
    }
    file_put(f);
    return total;
}

SYSCALL_HANDLER(pread64)
{
    struct file *f = file_get(a[0]);
    uint64_t pos = (uint64_t)a[3];
    long n;

    if (!f)
        return -EBADF;
    if (!readable(f))
        n = -EBADF;
    else if (f->kind == FILE_CONSOLE)
        n = -ESPIPE;
    else if (a[3] < 0 || (long)a[2] < 0)
        n = -EINVAL;
    else
        n = node_read(f, (void *)(uintptr_t)a[1], (size_t)a[2], &pos);
    file_put(f);
    return n;
}

SYSCALL_HANDLER(write)
{
    struct file *f = file_get(a[0]);
    size_t len = (size_t)a[2];
    long ret;

    if (!f)
        return -EBADF;
    if (!writable(f))
        ret = -EBADF; /* every tree file is opened read-only */
    else if ((long)len < 0)
        ret = -EINVAL;
    else if ((ret = console_write((const char *)(uintptr_t)a[1], len)) == 0)
        ret = (long)len;
    file_put(f);
    return ret;
}

SYSCALL_HANDLER(writev)
{
    struct file *f = file_get(a[0]);
    long ret;

    if (!f)
        return -EBADF;
    ret = writable(f) ? console_writev((const struct iovec *)(uintptr_t)a[1], a[2]) : -EBADF;
    file_put(f);
    return ret;
}

SYSCALL_HANDLER(pwrite64)
{
    struct file *f = file_get(a[0]);
    long ret;

    if (!f)
        return -EBADF;
    ret = !writable(f) ? -EBADF : -ESPIPE; /* only the console can be written */
    file_put(f);
    return ret;
}

SYSCALL_HANDLER(lseek)
{
    struct file *f = file_get(a[0]);
    long off = a[1], base = 0, ret;

    if (!f)
        return -EBADF;
    if (f->kind == FILE_CONSOLE) {
        file_put(f);
        return -ESPIPE;
    }
    files_lock();
    switch (a[2]) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (long)f->offset;
        break;
    case SEEK_END:
        base = (long)files_tree.nodes[f->node].size;
        break;
    default:
        base = -1;
        break;
    }
    if (base < 0 || __builtin_add_overflow(base, off, &ret) || ret < 0)
        ret = -EINVAL;
    else
        f->offset = (uint64_t)ret;
    file_put_locked(f);
    files_unlock();
    return ret;
}

SYSCALL_HANDLER(ioctl)
{
    struct file *f = file_get(a[0]);
    long ret;

    if (!f)
        return -EBADF;
    if (f->kind == FILE_CONSOLE)
        ret = console_ioctl((unsigned long)a[1], (void *)(uintptr_t)a[2]);
    else
        ret = -ENOTTY;
    file_put(f);
    return ret;
}

short file_poll(long fd, short events)
{
    struct file *f = file_get(fd);
    short ready = 0;

    if (!f)
        return POLLNVAL;
    /* Tree files are always ready both ways, as Linux says of regular
     * files; the console is writable at once and readable when input is
     * waiting. */
    if (f->kind == FILE_NODE)
        ready = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
    if (f->kind == FILE_CONSOLE && readable(f) && console_input_ready())
        ready |= POLLIN | POLLRDNORM;
    if (f->kind == FILE_CONSOLE && writable(f))
        ready |= POLLOUT | POLLWRNORM;
    file_put(f);
    return ready & (events | POLLERR | POLLHUP);
}
