/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File descriptors over the console and the read-only file tree (tar.h)
 * that tools/mkfiles links into the image between libos_files_start and
 * libos_files_end. As in Linux, a descriptor refers to an open-file
 * description, which holds the access mode, the status flags and the
 * offset, and which dup() shares: fds 0-2 start on console descriptions
 * (reads, writes and ioctls go to console.c), open() makes tree ones.
 * The tree cannot be written: asking to write, create or truncate is
 * -EROFS, and only regular files and directories exist (no symbolic
 * links, so O_NOFOLLOW changes nothing).
 *
 * Locking: one spin lock covers the descriptor table, the descriptions'
 * reference counts, flags and offsets. It is held only for short copies
 * out of the tree, never across a console call (console input may block)
 * or a sleep, so a description in use is kept alive by a reference, not by
 * the lock. The tree itself is written once, by files_init() before main(),
 * and only read afterwards.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "private.h"
#include "tar.h"

#define FD_MAX 1024      /* descriptors 0 .. FD_MAX - 1, Linux's default limit */
#define IOVEC_MAX 1024   /* Linux's UIO_MAXIOV */
#define TREE_DEVICE 1    /* st_dev of the tree's files */
#define CONSOLE_DEVICE 2 /* st_dev and st_rdev of the console */
#define BLOCK_SIZE 4096  /* st_blksize: what stdio sizes its buffers by */

/* Status flags F_SETFL may change, as Linux allows. */
#define SETTABLE_FLAGS (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)
/* Flags that act at open() and are not kept in the description. */
#define OPEN_ONLY_FLAGS (O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC | O_DIRECTORY | \
                         O_NOFOLLOW)

enum file_kind { FILE_FREE, FILE_CONSOLE, FILE_NODE };

struct file {
    uint8_t kind;     /* enum file_kind */
    uint32_t refs;    /* descriptors and calls in progress that use it */
    uint32_t node;    /* FILE_NODE: the tree node */
    int flags;        /* the access mode and status flags */
    uint64_t offset;  /* bytes into a file, entries into a directory */
};

struct fd {
    struct file *file; /* NULL: not open */
    int cloexec;
};

/* One description per descriptor at most, so the pool never runs out
 * before the table does. */
static struct file files[FD_MAX] = {
    [0] = {.kind = FILE_CONSOLE, .refs = 1, .flags = O_RDONLY},
    [1] = {.kind = FILE_CONSOLE, .refs = 1, .flags = O_WRONLY},
    [2] = {.kind = FILE_CONSOLE, .refs = 1, .flags = O_WRONLY},
};
static struct fd fds[FD_MAX] = {{&files[0], 0}, {&files[1], 0}, {&files[2], 0}};
static int lock;

/* Until files_init() finds an archive, the tree is an empty root. */
static struct tar_node empty_root = {.name = "", .type = TAR_DIR, .mode = 0755,
                                     .parent = TAR_ROOT, .first_child = TAR_NONE,
                                     .next_sibling = TAR_NONE};
static struct tar_tree tree = {&empty_root, 1};
static uint32_t cwd = TAR_ROOT;

extern const char libos_files_start[] __attribute__((weak));
extern const char libos_files_end[] __attribute__((weak));

static void files_lock(void)
{
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
}

static void files_unlock(void)
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
    mem = sys_mmap((const long[]){0, (long)need, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0});
    if (mem < 0) {
        libos_log("libos: file tree: no memory for the index (%zu bytes)\n", need);
        return;
    }
    tar_index(&t, start, size, (void *)(uintptr_t)mem, need, report_problem, NULL);
    tree = t;
}

/* ---- The descriptor table ---- */

/* A reference to fd's description, or NULL if fd is not open. */
static struct file *file_get(long fd)
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

static void put_locked(struct file *f)
{
    if (--f->refs == 0)
        f->kind = FILE_FREE;
}

static void file_put(struct file *f)
{
    files_lock();
    put_locked(f);
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

/* A new description of node, installed; returns its descriptor. */
static long open_node(uint32_t node, int flags)
{
    long fd = -ENFILE;

    files_lock();
    for (struct file *f = files; f < files + FD_MAX; f++) {
        if (f->kind != FILE_FREE)
            continue;
        *f = (struct file){.kind = FILE_NODE, .refs = 1, .node = node,
                           .flags = flags & ~OPEN_ONLY_FLAGS};
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
        put_locked(fds[fd].file);
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
            put_locked(old);
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
    put_locked(f);
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
    const struct tar_node *n = &tree.nodes[f->node];
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

static long file_read(struct file *f, void *buf, size_t len)
{
    if (!readable(f))
        return -EBADF;
    if (f->kind == FILE_CONSOLE)
        return console_read(buf, len);
    return node_read(f, buf, len, NULL);
}

SYSCALL_HANDLER(read)
{
    struct file *f = file_get(a[0]);
    long n;

    if (!f)
        return -EBADF;
    n = (long)a[2] < 0 ? -EINVAL : file_read(f, (void *)(uintptr_t)a[1], (size_t)a[2]);
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
        long n = file_read(f, iov[i].iov_base, iov[i].iov_len);

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
        base = (long)tree.nodes[f->node].size;
        break;
    default:
        base = -1;
        break;
    }
    if (base < 0 || __builtin_add_overflow(base, off, &ret) || ret < 0)
        ret = -EINVAL;
    else
        f->offset = (uint64_t)ret;
    put_locked(f);
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

/* ---- Paths ---- */

/* The node path names, from dirfd's directory (or the working directory
 * for AT_FDCWD) unless it is absolute; or -errno. */
static long resolve(long dirfd, const char *path)
{
    size_t len;
    uint32_t dir;

    if (!path)
        return -EFAULT;
    len = strnlen(path, PATH_MAX);
    if (len == PATH_MAX)
        return -ENAMETOOLONG;
    if (len == 0)
        return -ENOENT;
    if (path[0] == '/' || dirfd == AT_FDCWD) {
        dir = __atomic_load_n(&cwd, __ATOMIC_RELAXED);
    } else {
        struct file *f = file_get(dirfd);

        if (!f)
            return -EBADF;
        dir = f->node;
        if (f->kind != FILE_NODE || tree.nodes[dir].type != TAR_DIR)
            dir = TAR_NONE;
        file_put(f);
        if (dir == TAR_NONE)
            return -ENOTDIR;
    }
    return tar_lookup(&tree, dir, path, len);
}

/* Why a missing path cannot be created: -EROFS if its parent directory
 * exists (the tree is read-only), else why the parent cannot be found. */
static long why_not_created(long dirfd, const char *path)
{
    size_t len = strnlen(path, PATH_MAX);
    char parent[PATH_MAX];
    long node;

    while (len > 1 && path[len - 1] == '/')
        len--;
    while (len > 0 && path[len - 1] != '/')
        len--;
    if (len == 0)
        return resolve(dirfd, ".") >= 0 ? -EROFS : resolve(dirfd, ".");
    memcpy(parent, path, len);
    parent[len] = '\0';
    node = resolve(dirfd, parent);
    return node < 0 ? node : -EROFS;
}

static long open_at(long dirfd, const char *path, long flags)
{
    long node = resolve(dirfd, path);
    int write = (flags & O_ACCMODE) != O_RDONLY;

    if (node == -ENOENT && (flags & O_CREAT))
        return why_not_created(dirfd, path);
    if (node < 0)
        return node;
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return -EEXIST;
    if (tree.nodes[node].type == TAR_DIR && write)
        return -EISDIR;
    if (tree.nodes[node].type != TAR_DIR && (flags & O_DIRECTORY))
        return -ENOTDIR;
    if (write || (flags & O_TRUNC))
        return -EROFS;
    return open_node((uint32_t)node, (int)flags);
}

SYSCALL_HANDLER(open)
{
    return open_at(AT_FDCWD, (const char *)(uintptr_t)a[0], a[1]);
}

SYSCALL_HANDLER(openat)
{
    return open_at(a[0], (const char *)(uintptr_t)a[1], a[2]);
}

static void node_stat(uint32_t node, struct stat *st)
{
    const struct tar_node *n = &tree.nodes[node];

    *st = (struct stat){
        .st_dev = TREE_DEVICE,
        .st_ino = node + 1, /* never 0, which some programs read as "deleted" */
        .st_mode = (n->type == TAR_DIR ? S_IFDIR : S_IFREG) | n->mode,
        .st_nlink = n->type == TAR_DIR ? 2 + n->dirs : 1,
        .st_size = (off_t)n->size,
        .st_blksize = BLOCK_SIZE,
        .st_blocks = (blkcnt_t)((n->size + 511) / 512),
        .st_atim = {.tv_sec = n->mtime},
        .st_mtim = {.tv_sec = n->mtime},
        .st_ctim = {.tv_sec = n->mtime},
    };
}

static long fd_stat(long fd, struct stat *st)
{
    struct file *f;

    if (fd == AT_FDCWD) {
        node_stat(__atomic_load_n(&cwd, __ATOMIC_RELAXED), st);
        return 0;
    }
    f = file_get(fd);
    if (!f)
        return -EBADF;
    if (f->kind == FILE_NODE)
        node_stat(f->node, st);
    else
        *st = (struct stat){.st_dev = CONSOLE_DEVICE, .st_ino = 1, .st_mode = S_IFCHR | 0620,
                            .st_nlink = 1, .st_rdev = CONSOLE_DEVICE, .st_blksize = 1024};
    file_put(f);
    return 0;
}

static long path_stat(long dirfd, const char *path, struct stat *st, long flags)
{
    long node;

    if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    if ((flags & AT_EMPTY_PATH) && path && !path[0])
        return fd_stat(dirfd, st);
    node = resolve(dirfd, path);
    if (node >= 0)
        node_stat((uint32_t)node, st);
    return node < 0 ? node : 0;
}

SYSCALL_HANDLER(fstat)
{
    return fd_stat(a[0] < 0 ? -1 : a[0], (struct stat *)(uintptr_t)a[1]);
}

SYSCALL_HANDLER(stat)
{
    return path_stat(AT_FDCWD, (const char *)(uintptr_t)a[0], (struct stat *)(uintptr_t)a[1], 0);
}

SYSCALL_HANDLER(lstat)
{
    return path_stat(AT_FDCWD, (const char *)(uintptr_t)a[0], (struct stat *)(uintptr_t)a[1], 0);
}

SYSCALL_HANDLER(newfstatat)
{
    return path_stat(a[0], (const char *)(uintptr_t)a[1], (struct stat *)(uintptr_t)a[2], a[3]);
}

/* Everything may be read (the application is the only user, uid 0), a
 * file executed only if some x bit is set, and nothing written. */
static long check_access(long dirfd, const char *path, long mode)
{
    long node;

    if (mode & ~(long)(R_OK | W_OK | X_OK))
        return -EINVAL;
    node = resolve(dirfd, path);
    if (node < 0)
        return node;
    if (mode & W_OK)
        return -EROFS;
    if ((mode & X_OK) && tree.nodes[node].type != TAR_DIR && !(tree.nodes[node].mode & 0111))
        return -EACCES;
    return 0;
}

SYSCALL_HANDLER(access)
{
    return check_access(AT_FDCWD, (const char *)(uintptr_t)a[0], a[1]);
}

SYSCALL_HANDLER(faccessat)
{
    return check_access(a[0], (const char *)(uintptr_t)a[1], a[2]);
}

/* ---- Directories ---- */

SYSCALL_HANDLER(getcwd)
{
    char *buf = (char *)(uintptr_t)a[0];
    size_t size = (size_t)a[1], len = 1;
    uint32_t dir = __atomic_load_n(&cwd, __ATOMIC_RELAXED);

    /* The length first ("/a/b" has one '/' per component), then the
     * components from the end. */
    for (uint32_t n = dir; n != TAR_ROOT; n = tree.nodes[n].parent)
        len += 1 + tree.nodes[n].name_len;
    if (dir == TAR_ROOT)
        len++;
    if (len > size)
        return -ERANGE;
    buf[--len] = '\0';
    if (dir == TAR_ROOT)
        buf[0] = '/';
    for (uint32_t n = dir; n != TAR_ROOT; n = tree.nodes[n].parent) {
        len -= tree.nodes[n].name_len;
        memcpy(buf + len, tree.nodes[n].name, tree.nodes[n].name_len);
        buf[--len] = '/';
    }
    return (long)strlen(buf) + 1;
}

static long change_dir(long node)
{
    if (node < 0)
        return node;
    if (tree.nodes[node].type != TAR_DIR)
        return -ENOTDIR;
    __atomic_store_n(&cwd, (uint32_t)node, __ATOMIC_RELAXED);
    return 0;
}

SYSCALL_HANDLER(chdir)
{
    return change_dir(resolve(AT_FDCWD, (const char *)(uintptr_t)a[0]));
}

SYSCALL_HANDLER(fchdir)
{
    struct file *f = file_get(a[0]);
    long node;

    if (!f)
        return -EBADF;
    node = f->kind == FILE_NODE ? (long)f->node : -ENOTDIR;
    file_put(f);
    return change_dir(node);
}

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

/* A directory's entries are ".", ".." and then its children in name
 * order; the description's offset counts entries. */
SYSCALL_HANDLER(getdents64)
{
    char *buf = (char *)(uintptr_t)a[1];
    size_t size = (size_t)a[2], used = 0;
    struct file *f = file_get(a[0]);
    const struct tar_node *dir;
    uint32_t child;
    uint64_t pos;
    int full = 0;

    if (!f)
        return -EBADF;
    if (f->kind != FILE_NODE || tree.nodes[f->node].type != TAR_DIR) {
        file_put(f);
        return -ENOTDIR;
    }
    dir = &tree.nodes[f->node];
    files_lock();
    pos = f->offset;
    child = dir->first_child;
    for (uint64_t i = 2; i < pos && child != TAR_NONE; i++)
        child = tree.nodes[child].next_sibling;
    for (;; pos++) {
        uint32_t node = pos == 0 ? f->node : pos == 1 ? dir->parent : child;
        const char *name = pos == 0 ? "." : pos == 1 ? ".." : NULL;
        size_t name_len = name ? strlen(name) : 0, reclen;
        struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + used);

        if (node == TAR_NONE)
            break;
        if (!name) {
            name = tree.nodes[node].name;
            name_len = tree.nodes[node].name_len;
        }
        reclen = (offsetof(struct linux_dirent64, d_name) + name_len + 1 + 7) & ~(size_t)7;
        if (used + reclen > size) {
            full = 1;
            break;
        }
        d->d_ino = node + 1;
        d->d_off = (int64_t)pos + 1;
        d->d_reclen = (uint16_t)reclen;
        d->d_type = tree.nodes[node].type == TAR_DIR ? DT_DIR : DT_REG;
        memcpy(d->d_name, name, name_len);
        memset(d->d_name + name_len, 0, reclen - offsetof(struct linux_dirent64, d_name) - name_len);
        used += reclen;
        if (pos >= 2)
            child = tree.nodes[child].next_sibling;
    }
    f->offset = pos;
    put_locked(f);
    files_unlock();
    /* A buffer too small for the next entry is an error, as in Linux. */
    return !used && full ? -EINVAL : (long)used;
}
