/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint-file.c: a local raw file or block device as a copy source,
 * and a new sparse file as a destination.  Holes are found without
 * reading them (SEEK_DATA/SEEK_HOLE); a block device is all data.  A plain
 * qcow2 file (qcow2.h) is read the same way, at the host offsets its
 * tables give, its unallocated and zero clusters skipped.  Also: opening
 * any source, by format.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "endpoint.h"
#include "engine.h"
#include "internal.h"
#include "qcow2.h"

struct ep_file {
    struct vrbd_endpoint ep;
    int fd;
    bool is_block;
    /* a block device: also open with O_DIRECT on @dfd, which reads what
     * starts and ends on a multiple of @dalign (its logical block) into a
     * buffer aligned so; 0: no @dfd */
    int dfd;
    size_t dalign;
    bool seekable;
    /* a file written: its writes are behind [written_to - WRITE_BEHIND,
     * written_to), what lies below dropped_to dropped from the cache */
    bool written;
    uint64_t written_to, dropped_to;
    struct readers *readers; /* threads reading for the engine */
    /* a plain qcow2 file, read directly: its map, and the run of data
     * next_extent found last (guest [run_start, run_end) at run_host) */
    struct vrbd_qcow2 *qcow2;
    uint64_t run_start, run_end, run_host;
};

static struct ep_file *
to_file(const struct vrbd_endpoint *ep)
{
    return VRBD_ENDPOINT_OF(ep, struct ep_file, ep);
}

/* The data of @fd (@size bytes; @seekable: its holes found with
 * SEEK_HOLE, else all data) from @off: [*start, *end) and 1, 0 when none
 * is left, or -errno. */
static int
next_data(int fd, uint64_t size, bool seekable, uint64_t off, uint64_t *start,
          uint64_t *end)
{
    off_t d, h;

    if (off >= size)
        return 0;
    *start = off;
    *end = size;
    if (!seekable)
        return 1;
    d = lseek(fd, (off_t)off, SEEK_DATA);
    if (d < 0)
        return errno == ENXIO ? 0 : -errno; /* ENXIO: only a hole is left */
    h = lseek(fd, d, SEEK_HOLE);
    *start = (uint64_t)d;
    if (h >= 0 && (uint64_t)h < size)
        *end = (uint64_t)h;
    return 1;
}

static bool
file_next_extent(struct vrbd_endpoint *ep, uint64_t off, uint64_t *start,
                 uint64_t *end, bool *data, int *err)
{
    struct ep_file *s = to_file(ep);
    int r;

    *err = 0;
    *data = true;
    if (off >= s->ep.size)
        return false;
    if (s->qcow2) {
        r = vrbd_qcow2_next(s->qcow2, off, start, end, &s->run_host);
        if (r < 0) {
            *err = r;
            vrbd_error_set(VRBD_ERR_IO, -r,
                           "check the image with qemu-img check",
                           "cannot read the tables of '%s' (qcow2): %s",
                           s->ep.name, strerror(-r));
        }
        if (r != 1)
            return false;
        s->run_start = *start;
        s->run_end = *end;
        return true;
    }
    r = next_data(s->fd, s->ep.size, s->seekable, off, start, end);
    if (r < 0) {
        *err = r;
        vrbd_error_set(VRBD_ERR_IO, -r, NULL, "cannot map the data of '%s': %s",
                       s->ep.name, strerror(-r));
    }
    return r == 1;
}

static ssize_t
pread_all(int fd, void *buf, size_t len, uint64_t off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n =
            pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO; /* the file shrank under us */
        done += (size_t)n;
    }
    return 0;
}

/*
 * Reads of a source run on READERS threads, so that several are in flight
 * (a block device read cold goes to the disk, or for a loop device to its
 * file, one request at a time otherwise) and the engine's thread is free
 * meanwhile.
 */
#define READERS 4

/* a request, and where in the file it reads */
struct queued {
    struct vrbd_request *r;
    uint64_t at;
};

struct readers {
    pthread_t t[READERS];
    unsigned n;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct queued *q; /* a ring of queued requests */
    size_t cap, head, len;
    bool stop;
    const struct ep_file *s; /* its fd, dfd and dalign */
};

/*
 * A block device is read with O_DIRECT where the request allows it: its
 * page cache would otherwise fill with the whole disk, at the expense of
 * the host's running VMs, and be read twice over for a loop device (its
 * own cache, then its file's).  Measured on a loop device: 1 GiB in 0.09
 * to 0.12 s from 4 threads, against 0.26 to 2.7 s buffered.  So is a
 * regular file not wholly in the cache (see data_cached).  What a request
 * has past its last whole block (a file's end), a request that is not
 * aligned, or one the device refuses (EINVAL), is read through the cache.
 */
static ssize_t
source_pread(const struct ep_file *s, void *buf, size_t len, uint64_t at)
{
    size_t a = s->dalign;
    size_t whole = a ? len / a * a : 0;

    if (whole && (uintptr_t)buf % a == 0 && at % a == 0) {
        ssize_t n = pread_all(s->dfd, buf, whole, at);

        if (n == 0 && whole == len)
            return 0;
        if (n == 0)
            return pread_all(s->fd, (char *)buf + whole, len - whole,
                             at + whole);
        if (n != -EINVAL)
            return n;
    }
    return pread_all(s->fd, buf, len, at);
}

static void *
reader(void *arg)
{
    struct readers *rd = arg;

    for (;;) {
        struct queued w;

        pthread_mutex_lock(&rd->lock);
        while (rd->len == 0 && !rd->stop)
            pthread_cond_wait(&rd->cond, &rd->lock);
        if (rd->len == 0) {
            pthread_mutex_unlock(&rd->lock);
            return NULL;
        }
        w = rd->q[rd->head];
        rd->head = (rd->head + 1) % rd->cap;
        rd->len--;
        pthread_mutex_unlock(&rd->lock);
        vrbd_request_done(w.r, source_pread(rd->s, w.r->buf, w.r->len, w.at));
    }
}

static struct readers *
readers_start(const struct ep_file *s)
{
    struct readers *rd = xcalloc(1, sizeof(*rd));

    rd->s = s;
    pthread_mutex_init(&rd->lock, NULL);
    pthread_cond_init(&rd->cond, NULL);
    for (rd->n = 0; rd->n < READERS; rd->n++)
        if (pthread_create(&rd->t[rd->n], NULL, reader, rd) != 0)
            break;
    return rd;
}

static void
readers_stop(struct readers *rd)
{
    if (!rd)
        return;
    pthread_mutex_lock(&rd->lock);
    rd->stop = true;
    pthread_cond_broadcast(&rd->cond);
    pthread_mutex_unlock(&rd->lock);
    for (unsigned i = 0; i < rd->n; i++)
        pthread_join(rd->t[i], NULL);
    pthread_cond_destroy(&rd->cond);
    pthread_mutex_destroy(&rd->lock);
    free(rd->q);
    free(rd);
}

/* Where in the file guest range [@off, @off + @len) of a qcow2 lies: a
 * request lies inside the run of data next_extent found last (the engine
 * cuts them so); any other is looked up.  0, or -EIO for a range that is
 * not one run of data. */
static int
qcow2_at(struct ep_file *s, uint64_t off, size_t len, uint64_t *at)
{
    uint64_t start, end, host;

    if (off < s->run_start || off + len > s->run_end) {
        if (vrbd_qcow2_next(s->qcow2, off, &start, &end, &host) != 1 ||
            start != off || end < off + len)
            return -EIO;
        s->run_start = start;
        s->run_end = end;
        s->run_host = host;
    }
    *at = s->run_host + (off - s->run_start);
    return 0;
}

static int
file_read(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    struct ep_file *s = to_file(ep);
    struct readers *rd = s->readers;
    uint64_t at = r->off;

    if (s->qcow2 && qcow2_at(s, r->off, r->len, &at) < 0) {
        vrbd_request_done(r, -EIO);
        return 0;
    }
    if (!rd)
        rd = s->readers = readers_start(s);
    if (rd->n == 0) { /* no thread could start: read here */
        vrbd_request_done(r, source_pread(s, r->buf, r->len, at));
        return 0;
    }
    pthread_mutex_lock(&rd->lock);
    if (rd->len == rd->cap) { /* grow the ring, oldest first */
        size_t cap = rd->cap ? rd->cap * 2 : 16;
        struct queued *q = xcalloc(cap, sizeof(*q));

        for (size_t i = 0; i < rd->len; i++)
            q[i] = rd->q[(rd->head + i) % rd->cap];
        free(rd->q);
        rd->q = q;
        rd->cap = cap;
        rd->head = 0;
    }
    rd->q[(rd->head + rd->len) % rd->cap] = (struct queued){r, at};
    rd->len++;
    pthread_cond_signal(&rd->cond);
    pthread_mutex_unlock(&rd->lock);
    return 0;
}

/*
 * A file written (an export) leaves the page cache as it found it, as a
 * file read does (data_cached): the writeback of each write starts at
 * once, and what lies more than WRITE_BEHIND below the furthest write is
 * waited for and dropped; closing drops the rest (and what --verify read
 * back).  Otherwise an export of a disk larger than the host's free
 * memory would fill it with dirty pages, which the kernel then writes back
 * at the expense of the running VMs' writes (its dirty limits are the
 * host's), and then with the image itself.  Requests end about in order,
 * at most a queue depth apart, far inside WRITE_BEHIND.
 */
#define WRITE_BEHIND ((uint64_t)64 << 20)

static void
write_behind(struct ep_file *s, uint64_t off, size_t len)
{
    uint64_t to;

    sync_file_range(s->fd, (off_t)off, (off_t)len, SYNC_FILE_RANGE_WRITE);
    if (off + len > s->written_to)
        s->written_to = off + len;
    if (s->written_to < s->dropped_to + 2 * WRITE_BEHIND)
        return;
    to = s->written_to - WRITE_BEHIND;
    sync_file_range(s->fd, (off_t)s->dropped_to, (off_t)(to - s->dropped_to),
                    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                        SYNC_FILE_RANGE_WAIT_AFTER);
    posix_fadvise(s->fd, (off_t)s->dropped_to, (off_t)(to - s->dropped_to),
                  POSIX_FADV_DONTNEED);
    s->dropped_to = to;
}

static int
file_write(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    struct ep_file *s = to_file(ep);
    size_t done = 0;
    ssize_t ret = 0;

    while (done < r->len) {
        ssize_t n =
            pwrite(s->fd, r->buf + done, r->len - done, (off_t)(r->off + done));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ret = -errno;
            break;
        }
        done += (size_t)n;
    }
    if (ret == 0)
        write_behind(s, r->off, r->len);
    vrbd_request_done(r, ret);
    return 0;
}

/* zeros on a file: a hole */
static int
file_zero(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    struct ep_file *s = to_file(ep);
    int ret = fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                        (off_t)r->off, (off_t)r->len);

    vrbd_request_done(r, ret < 0 ? -errno : 0);
    return 0;
}

static int
file_flush(struct vrbd_endpoint *ep)
{
    struct ep_file *s = to_file(ep);

    return fsync(s->fd) < 0 ? -errno : 0;
}

/* the mount point of the file system holding @path (a file, made or to
 * be made): the highest directory above it on the same device */
static char *
mount_point(const char *path)
{
    CLEANUP_FREE char *copy = xstrdup(path);
    char *slash = strrchr(copy, '/');
    char *dir;
    struct stat st, up;

    if (slash == copy)
        return xstrdup("/");
    if (slash)
        *slash = '\0';
    dir = realpath(slash ? copy : ".", NULL);
    if (!dir || stat(dir, &st) < 0)
        return dir ? dir : xstrdup(copy);
    while (strcmp(dir, "/") != 0) {
        char *cut = strrchr(dir, '/');
        CLEANUP_FREE char *parent =
            xstrndup(dir, cut == dir ? 1 : (size_t)(cut - dir));

        if (stat(parent, &up) < 0 || up.st_dev != st.st_dev)
            break;
        *cut = '\0';
        if (cut == dir)
            strcpy(dir, "/");
    }
    return dir;
}

char *
vrbd_file_full_reason(const char *path, int err)
{
    CLEANUP_FREE char *mnt = NULL;

    if (err != ENOSPC && err != EDQUOT)
        return NULL;
    mnt = mount_point(path);
    if (err == EDQUOT)
        return xasprintf("the disk quota on the file system at '%s' is used "
                         "up (%s)",
                         mnt, strerror(err));
    return xasprintf("the file system at '%s' is full (%s)", mnt,
                     strerror(err));
}

static void
file_error(struct vrbd_endpoint *ep, enum vrbd_op op, int ret, uint64_t off)
{
    CLEANUP_FREE char *full =
        op == VRBD_OP_READ ? NULL : vrbd_file_full_reason(ep->name, -ret);

    if (op == VRBD_OP_READ)
        vrbd_error_set(
            VRBD_ERR_IO, -ret,
            ret == -EIO
                ? "it cannot be read there (a bad block?): the kernel's log (dmesg) may say why"
                : NULL,
            "cannot read '%s' at byte %llu: %s", ep->name,
            (unsigned long long)off, strerror(-ret));
    else if (full)
        vrbd_error_set(VRBD_ERR_IO, -ret, VRBD_FULL_FS_HINT,
                       "cannot write '%s' at byte %llu: %s", ep->name,
                       (unsigned long long)off, full);
    else if (op == VRBD_OP_FLUSH)
        vrbd_error_set(VRBD_ERR_IO, -ret, NULL, "cannot flush '%s': %s",
                       ep->name, strerror(-ret));
    else
        vrbd_error_set(VRBD_ERR_IO, -ret, NULL,
                       "cannot write '%s' at byte %llu: %s", ep->name,
                       (unsigned long long)off, strerror(-ret));
}

static void
file_close(struct vrbd_endpoint *ep)
{
    struct ep_file *s = to_file(ep);

    readers_stop(s->readers); /* nothing is queued: the engine drained */
    s->readers = NULL;
    vrbd_qcow2_free(s->qcow2);
    s->qcow2 = NULL;
    if (s->fd >= 0 && s->written)
        posix_fadvise(s->fd, 0, 0, POSIX_FADV_DONTNEED); /* see write_behind */
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    if (s->dalign)
        close(s->dfd);
    s->dalign = 0;
}

static const struct vrbd_endpoint_ops file_ops = {
    .next_extent = file_next_extent,
    .read = file_read,
    .write = file_write,
    .zero = file_zero,
    .flush = file_flush,
    .error = file_error,
    .close = file_close,
};

/* a new endpoint @name of @format, on no file yet */
static struct ep_file *
file_new(const char *name, const char *format)
{
    struct ep_file *s = xcalloc(1, sizeof(*s));

    s->ep.ops = &file_ops;
    s->ep.name = xstrdup(name);
    s->ep.format = xstrdup(format);
    s->fd = -1;
    return s;
}

int
vrbd_dest_open_file(const char *path, const char *display, uint64_t size,
                    struct vrbd_endpoint **out)
{
    struct ep_file *s = file_new(display, "raw");

    *out = NULL;
    s->ep.size = size;
    s->ep.gap = VRBD_XFER_GRAIN;
    s->written = true;
    s->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (s->fd < 0) {
        vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot write '%s': %s", path,
                       strerror(errno));
        vrbd_endpoint_close(&s->ep);
        return -1;
    }
    if (ftruncate(s->fd, (off_t)size) < 0) {
        vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot size '%s': %s", path,
                       strerror(errno));
        vrbd_endpoint_close(&s->ep);
        unlink(path);
        return -1;
    }
    *out = &s->ep;
    return 0;
}

/*
 * Whether a QEMU has @fd's file open for writing: QEMU's image locking
 * (file-posix.c) holds a shared OFD lock on byte 100 + the index of each
 * permission it has, and BLK_PERM_WRITE is bit 1.  qemu-nbd refuses such a
 * file ("Failed to get shared "write" lock"); a source read directly
 * must be refused as well, or the image would be a mix of two moments.
 */
static bool
written_by_qemu(int fd)
{
    struct flock fl = {
        .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 101, .l_len = 1};

    return fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
}

/* Linux 6.5's cachestat(2), which glibc 2.36 does not wrap: the number is
 * the same on every architecture */
#ifndef SYS_cachestat
#define SYS_cachestat 451
#endif
struct cache_range {
    uint64_t off, len;
};
struct cache_stat {
    uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
};

/* data_cached() by cachestat: 1 cached, 0 not, -1 when the kernel has no
 * cachestat or the file will not say */
static int
data_cached_by_count(int fd, uint64_t size, bool seekable)
{
    const uint64_t win = 64 << 20;
    uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
    uint64_t start, end, pages = 0, missing = 0;

    for (uint64_t off = 0;
         next_data(fd, size, seekable, off, &start, &end) == 1; off = end) {
        for (uint64_t p = start / pg * pg; p < end;) {
            uint64_t to = end - p > win ? p + win : end;
            struct cache_range cr = {p, to - p};
            struct cache_stat cs;
            uint64_t n = (to - p + pg - 1) / pg;

            if (syscall(SYS_cachestat, fd, &cr, &cs, 0) < 0)
                return -1;
            pages += n;
            missing += cs.nr_cache < n ? n - cs.nr_cache : 0;
            if (missing > size / pg / 100) /* past any file's 1 in 100 */
                return 0;
            p = to;
        }
    }
    return missing <= pages / 100;
}

/* data_cached() by mincore */
static bool
data_cached_by_map(int fd, uint64_t size, bool seekable)
{
    const uint64_t win = 64 << 20;
    uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
    CLEANUP_FREE unsigned char *vec = xmalloc(win / pg);
    uint64_t wstart = 0, wend = 0, start, end, pages = 0, missing = 0;

    for (uint64_t off = 0;
         next_data(fd, size, seekable, off, &start, &end) == 1; off = end) {
        for (uint64_t p = start / pg * pg; p < end; p += pg) {
            if (p >= wend) { /* the next window's pages, at one go */
                void *m;
                int r;

                if (missing > size / pg / 100) /* past any file's 1 in 100 */
                    return false;
                wstart = p / win * win;
                wend = wstart + win < size ? wstart + win : size;
                wend = (wend + pg - 1) / pg * pg;
                m = mmap(NULL, wend - wstart, PROT_READ, MAP_SHARED, fd,
                         (off_t)wstart);
                if (m == MAP_FAILED)
                    return true;
                r = mincore(m, wend - wstart, vec);
                munmap(m, wend - wstart);
                if (r < 0)
                    return true;
            }
            pages++;
            missing += !(vec[(p - wstart) / pg] & 1);
        }
    }
    return missing <= pages / 100;
}

/*
 * Whether the data of regular file @fd (see next_data) is in the page
 * cache, as a file just written is: all its pages but 1 in 100, which
 * leaves room for the few that reclaim takes.  Such a file is read from
 * the cache; any other around it (O_DIRECT), as a block device is, so that
 * an import of a disk larger than the host's free memory does not push
 * the running VMs' cache out.  Reading through the cache and dropping
 * after what came in would not do: readahead (8 MiB windows on a virtio
 * disk) brings in more than is asked, and goes on from pages an earlier
 * reader marked.  Counted 64 MiB at a time, until the pages missing are
 * past 1 in 100 of the whole file's (a cold file is settled at its start):
 * by cachestat(2) on the data alone, else by mincore(2) on a mapping that
 * is never touched; where neither can be had, the file counts as cached
 * (read as before).  On a cached 1 GiB file with 10 % data in 4 MiB runs,
 * mincore took 22 ms and cachestat 0.9; with all of it data, 17 and 5.
 */
static bool
data_cached(int fd, uint64_t size, bool seekable)
{
    int r = data_cached_by_count(fd, size, seekable);

    return r >= 0 ? r == 1 : data_cached_by_map(fd, size, seekable);
}

/* the offset and buffer alignment O_DIRECT needs on regular file @fd (0:
 * it has none) */
static size_t
file_dio_align(int fd)
{
    struct statx stx;

    if (statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) < 0 ||
        !(stx.stx_mask & STATX_DIOALIGN))
        return VRBD_XFER_ALIGN; /* before Linux 6.1: tried, EINVAL falls back */
    if (stx.stx_dio_offset_align == 0)
        return 0;
    return stx.stx_dio_offset_align > stx.stx_dio_mem_align
               ? stx.stx_dio_offset_align
               : stx.stx_dio_mem_align;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
    if (S_ISBLK(a->st_mode))
        return S_ISBLK(b->st_mode) && a->st_rdev == b->st_rdev;
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* @s's block device or regular file @path (@st) on s->dfd too, with
 * O_DIRECT, when it takes that and its alignment (a device's logical
 * block) fits VRBD_XFER_ALIGN; else nothing */
static void
open_direct(const char *path, const struct stat *st, struct ep_file *s)
{
    struct stat dst;
    size_t align;
    int bs, fd;

    if (S_ISBLK(st->st_mode))
        align = ioctl(s->fd, BLKSSZGET, &bs) < 0 || bs <= 0 ? 0 : (size_t)bs;
    else
        align = file_dio_align(s->fd);
    if (align == 0 || align > VRBD_XFER_ALIGN || VRBD_XFER_ALIGN % align != 0)
        return;
    fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
    if (fd < 0)
        return;
    /* the same device or file, not one put at that path since */
    if (fstat(fd, &dst) < 0 || !same_file(st, &dst)) {
        close(fd);
        return;
    }
    s->dfd = fd;
    s->dalign = align;
}

/* @path, a raw file or block device, on @s: 0, or -1 with the error set
 * (the caller closes @s) */
static int
open_file(struct ep_file *s, const char *path)
{
    struct stat st;

    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0)
        return vrbd_error_set(
            errno == ENOENT ? VRBD_ERR_NOT_FOUND : VRBD_ERR_IO, errno, NULL,
            "cannot read '%s': %s", path, strerror(errno));
    if (fstat(s->fd, &st) < 0)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot stat '%s': %s",
                              path, strerror(errno));
    s->is_block = S_ISBLK(st.st_mode);
    if (S_ISREG(st.st_mode)) {
        s->ep.size = (uint64_t)st.st_size;
    } else if (S_ISBLK(st.st_mode)) {
        if (ioctl(s->fd, BLKGETSIZE64, &s->ep.size) < 0)
            return vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                                  "cannot read the size of '%s': %s", path,
                                  strerror(errno));
    } else {
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "give a raw file or a block device",
            "'%s' is neither a file nor a block device", path);
    }
    if (written_by_qemu(s->fd))
        return vrbd_error_set(
            VRBD_ERR_BUSY, EBUSY,
            "shut the VM down first, or copy a snapshot of the disk",
            "'%s' is in use: a QEMU process has it open for writing", path);
    s->seekable = !s->is_block && lseek(s->fd, 0, SEEK_DATA) >= 0;
    if (s->is_block || !data_cached(s->fd, s->ep.size, s->seekable))
        open_direct(path, &st, s);
    return 0;
}

/* The first @len bytes (or fewer) of @path, open on @fd, into @head: with
 * O_DIRECT where it takes that, so that a probe leaves nothing in the
 * page cache either (see data_cached). */
static ssize_t
read_head(const char *path, int fd, unsigned char *head, size_t len)
{
    int dfd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);

    if (dfd >= 0) {
        CLEANUP_FREE char *buf = xmemalign(VRBD_XFER_ALIGN, VRBD_XFER_ALIGN);
        ssize_t n = pread(dfd, buf, VRBD_XFER_ALIGN, 0);

        close(dfd);
        if (n >= 0) {
            n = (size_t)n < len ? n : (ssize_t)len;
            memcpy(head, buf, (size_t)n);
            return n;
        }
    }
    return pread(fd, head, len, 0);
}

char *
vrbd_source_probe(const char *path)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *format;
    } magics[] = {
        {"QFI\xfb", 4, "qcow2"},
        {"KDMV", 4, "vmdk"},
        {"vhdxfile", 8, "vhdx"},
        {"conectix", 8, "vpc"},
    };
    unsigned char head[72] = {0};
    struct stat st;
    ssize_t n;
    int fd;

    /* what is neither a file nor a device is refused by the raw opener */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return xstrdup("raw");
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        vrbd_error_set(errno == ENOENT ? VRBD_ERR_NOT_FOUND : VRBD_ERR_IO,
                       errno, NULL, "cannot read '%s': %s", path,
                       strerror(errno));
        return NULL;
    }
    n = read_head(path, fd, head, sizeof(head));
    close(fd);
    if (n < 0) {
        vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot read '%s': %s", path,
                       strerror(errno));
        return NULL;
    }
    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
        if ((size_t)n >= magics[i].len &&
            memcmp(head, magics[i].magic, magics[i].len) == 0)
            return xstrdup(magics[i].format);
    /* VDI: its signature sits at byte 64 */
    if (n >= 68 && head[64] == 0x7f && head[65] == 0x10 && head[66] == 0xda &&
        head[67] == 0xbe)
        return xstrdup("vdi");
    return xstrdup("raw");
}

/* A raw file or block device */
static int
open_raw(const char *path, struct vrbd_endpoint **out)
{
    struct ep_file *s = file_new(path, "raw");

    if (open_file(s, path) < 0) {
        vrbd_endpoint_close(&s->ep);
        return -1;
    }
    *out = &s->ep;
    return 0;
}

/* A qcow2 file: checked (qcow2.h), then read directly when plain, else
 * through qemu-nbd. */
static int
open_qcow2(const char *path, bool follow, const vrbd_copy_opts *opts,
           struct vrbd_endpoint **out)
{
    struct ep_file *s = file_new(path, "qcow2");
    int r = open_file(s, path);

    if (r == 0)
        r = vrbd_qcow2_open(s->fd, path, &s->qcow2);
    if (r < 0) {
        vrbd_endpoint_close(&s->ep);
        return -1;
    }
    if (r == 0) {
        vrbd_info("'%s': a plain qcow2, read directly", path);
        s->ep.size = vrbd_qcow2_size(s->qcow2);
        *out = &s->ep;
        return 0;
    }
    vrbd_info(
        "'%s': a qcow2 with a backing file, compression, encryption or other features: read through qemu-nbd",
        path);
    vrbd_endpoint_close(&s->ep);
    return vrbd_source_open_nbd(path, "qcow2", follow, opts, out);
}

/* the formats an import reads: qemu has many more, some of which read
 * other files or directories (vvfat, quorum...) */
static bool
known_format(const char *f)
{
    static const char *const known[] = {"raw", "qcow2", "vmdk",
                                        "vdi", "vhdx",  "vpc"};

    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(f, known[i]) == 0)
            return true;
    return false;
}

int
vrbd_source_open(const char *path, const vrbd_copy_opts *opts,
                 struct vrbd_endpoint **out)
{
    CLEANUP_FREE char *format = NULL;
    bool follow = false;
    struct stat st;
    int r;

    *out = NULL;
    /* opening a FIFO would wait for a writer; a directory reads nothing */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "give a file or a block device; pipe data in as - (standard input)",
            "'%s' is neither a file nor a block device", path);
    if (!opts->format || strcmp(opts->format, "auto") == 0)
        format = vrbd_source_probe(path);
    else
        format = xstrdup(opts->format);
    if (!format)
        return -1;
    if (!known_format(format))
        r = vrbd_error_set(VRBD_ERR_INVALID, 0,
                           "give auto, raw, qcow2, vmdk, vdi, vhdx or vpc",
                           "unknown image format '%s'", format);
    else if (strcmp(format, "raw") == 0 && opts->backing)
        r = vrbd_error_set(
            VRBD_ERR_INVALID, 0, "leave {backing} out",
            "'%s' is read as raw: it has no backing file, but {backing} names '%s'",
            path, opts->backing);
    else if (strcmp(format, "raw") == 0)
        r = open_raw(path, out);
    else if (vrbd_source_check_refs(path, format, opts, &follow) < 0)
        r = -1;
    else if (strcmp(format, "qcow2") == 0)
        r = open_qcow2(path, follow, opts, out);
    else
        r = vrbd_source_open_nbd(path, format, follow, opts, out);
    if (r == 0 && (*out)->size == 0) {
        r = vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                           "'%s' is empty: nothing to import", path);
        vrbd_endpoint_close(*out);
        *out = NULL;
    }
    return r < 0 ? -1 : 0;
}

void
vrbd_endpoint_close(struct vrbd_endpoint *ep)
{
    if (!ep)
        return;
    if (ep->ops && ep->ops->close)
        ep->ops->close(ep);
    free(ep->name);
    free(ep->format);
    free(ep); /* the backend's struct, which starts with it */
}
