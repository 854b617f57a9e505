/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names in the read-only file tree: path resolution from the working
 * directory, the root or a directory descriptor, and the calls that take a
 * path or read a directory: open and openat, the stat family, access,
 * getcwd, chdir and fchdir, getdents64. The tree cannot be written: asking
 * to write, create or truncate is -EROFS, once the path has been found (or
 * its parent, for O_CREAT). Only regular files and directories exist: no
 * symbolic links, so O_NOFOLLOW and AT_SYMLINK_NOFOLLOW change nothing and
 * lstat is stat. The application is the tree's only user and may read
 * everything (it runs as uid 0).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "private.h"

#define TREE_DEVICE 1    /* st_dev of the tree's files */
#define CONSOLE_DEVICE 2 /* st_dev and st_rdev of the console */
#define BLOCK_SIZE 4096  /* st_blksize: what stdio sizes its buffers by */

/* The node the first len bytes of path name, from dirfd's directory (or
 * the working directory for AT_FDCWD) unless it is absolute; or -errno. */
static long lookup(long dirfd, const char *path, size_t len)
{
    uint32_t dir;

    if (path[0] == '/' || dirfd == AT_FDCWD) {
        dir = __atomic_load_n(&files_cwd, __ATOMIC_RELAXED);
    } else {
        struct file *f = file_get(dirfd);

        if (!f)
            return -EBADF;
        dir = f->node;
        if (f->kind != FILE_NODE || files_tree.nodes[dir].type != TAR_DIR)
            dir = TAR_NONE;
        file_put(f);
        if (dir == TAR_NONE)
            return -ENOTDIR;
    }
    return tar_lookup(&files_tree, dir, path, len);
}

/* The node an application's path names, as lookup() finds it. */
static long resolve(long dirfd, const char *path)
{
    size_t len;

    if (!path)
        return -EFAULT;
    len = strnlen(path, PATH_MAX);
    if (len == PATH_MAX)
        return -ENAMETOOLONG;
    if (len == 0)
        return -ENOENT;
    return lookup(dirfd, path, len);
}

/* Why a missing path cannot be created: -EROFS if its parent directory
 * exists (the tree is read-only), else why the parent cannot be found. */
static long why_not_created(long dirfd, const char *path)
{
    size_t len = strlen(path); /* resolve() found it shorter than PATH_MAX */
    long node;

    while (len > 1 && path[len - 1] == '/')
        len--;
    while (len > 0 && path[len - 1] != '/')
        len--;
    node = len ? lookup(dirfd, path, len) : lookup(dirfd, ".", 1);
    if (node >= 0 && files_tree.nodes[node].type != TAR_DIR)
        node = -ENOTDIR;
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
    if (files_tree.nodes[node].type == TAR_DIR && write)
        return -EISDIR;
    if (files_tree.nodes[node].type != TAR_DIR && (flags & O_DIRECTORY))
        return -ENOTDIR;
    if (write || (flags & O_TRUNC))
        return -EROFS;
    return file_open_node((uint32_t)node, (int)flags);
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
    const struct tar_node *n = &files_tree.nodes[node];

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
        node_stat(__atomic_load_n(&files_cwd, __ATOMIC_RELAXED), st);
        return 0;
    }
    f = file_get(fd);
    if (!f)
        return -EBADF;
    if (f->kind == FILE_NODE)
        node_stat(f->node, st);
    else
        *st = (struct stat){
            .st_dev = CONSOLE_DEVICE,
            .st_ino = 1,
            .st_mode = S_IFCHR | 0620,
            .st_nlink = 1,
            .st_rdev = CONSOLE_DEVICE,
            .st_blksize = 1024,
        };
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
    if ((mode & X_OK) && files_tree.nodes[node].type != TAR_DIR &&
        !(files_tree.nodes[node].mode & 0111))
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
    uint32_t dir = __atomic_load_n(&files_cwd, __ATOMIC_RELAXED);

    /* The length first ("/a/b" has one '/' per component), then the
     * components from the end. */
    for (uint32_t n = dir; n != TAR_ROOT; n = files_tree.nodes[n].parent)
        len += 1 + files_tree.nodes[n].name_len;
    if (dir == TAR_ROOT)
        len++;
    if (len > size)
        return -ERANGE;
    buf[--len] = '\0';
    if (dir == TAR_ROOT)
        buf[0] = '/';
    for (uint32_t n = dir; n != TAR_ROOT; n = files_tree.nodes[n].parent) {
        len -= files_tree.nodes[n].name_len;
        memcpy(buf + len, files_tree.nodes[n].name, files_tree.nodes[n].name_len);
        buf[--len] = '/';
    }
    return (long)strlen(buf) + 1;
}

static long change_dir(long node)
{
    if (node < 0)
        return node;
    if (files_tree.nodes[node].type != TAR_DIR)
        return -ENOTDIR;
    __atomic_store_n(&files_cwd, (uint32_t)node, __ATOMIC_RELAXED);
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
    if (f->kind != FILE_NODE || files_tree.nodes[f->node].type != TAR_DIR) {
        file_put(f);
        return -ENOTDIR;
    }
    dir = &files_tree.nodes[f->node];
    files_lock();
    pos = f->offset;
    child = dir->first_child;
    for (uint64_t i = 2; i < pos && child != TAR_NONE; i++)
        child = files_tree.nodes[child].next_sibling;
    for (;; pos++) {
        uint32_t node = pos == 0 ? f->node : pos == 1 ? dir->parent : child;
        const char *name = pos == 0 ? "." : pos == 1 ? ".." : NULL;
        size_t name_len = name ? strlen(name) : 0, reclen;
        struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + used);

        if (node == TAR_NONE)
            break;
        if (!name) {
            name = files_tree.nodes[node].name;
            name_len = files_tree.nodes[node].name_len;
        }
        reclen = (offsetof(struct linux_dirent64, d_name) + name_len + 1 + 7) & ~(size_t)7;
        if (used + reclen > size) {
            full = 1;
            break;
        }
        d->d_ino = node + 1;
        d->d_off = (int64_t)pos + 1;
        d->d_reclen = (uint16_t)reclen;
        d->d_type = files_tree.nodes[node].type == TAR_DIR ? DT_DIR : DT_REG;
        memcpy(d->d_name, name, name_len);
        memset(d->d_name + name_len, 0,
               reclen - offsetof(struct linux_dirent64, d_name) - name_len);
        used += reclen;
        if (pos >= 2)
            child = files_tree.nodes[child].next_sibling;
    }
    f->offset = pos;
    file_put_locked(f);
    files_unlock();
    /* A buffer too small for the next entry is an error, as in Linux. */
    return !used && full ? -EINVAL : (long)used;
}
