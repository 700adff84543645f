/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench.c: the seed's "local disk vs Ceph RBD" comparison as one call.
 * The same workloads run against a local scratch file (or an empty block
 * device) and a scratch RBD image, both behind one table of operations
 * (read, write at an offset).  Queue depth N is N threads, each with one
 * request in flight, timing every request; the percentiles come from all
 * of them.  Local I/O uses O_DIRECT where the file system allows it, so
 * the page cache does not flatter the local side.
 *
 * Order matters: the sequential write fills the working set first, so
 * that every read afterwards reads written data (an unwritten RBD object
 * or file hole reads back without touching a disk).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "clock.h"
#include "internal.h"
#include "volume-internal.h"

#define ALIGN 4096

/* one target behind the table of operations */
struct target {
    const char *name;
    /* 0 or a negative errno */
    int (*rw)(struct target *t, bool write, char *buf, size_t len,
              uint64_t off);
    int fd;
    rbd_image_t img;
    uint64_t size;
    bool direct;
};

static int
file_rw(struct target *t, bool write, char *buf, size_t len, uint64_t off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n =
            write ? pwrite(t->fd, buf + done, len - done, (off_t)(off + done))
                  : pread(t->fd, buf + done, len - done, (off_t)(off + done));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;
        done += (size_t)n;
    }
    return 0;
}

static int
rbd_rw(struct target *t, bool write, char *buf, size_t len, uint64_t off)
{
    ssize_t n = write ? rbd_write(t->img, off, len, buf)
                      : rbd_read(t->img, off, len, buf);

    if (n < 0)
        return (int)n;
    return (size_t)n == len ? 0 : -EIO;
}

static const struct workload {
    const char *name;
    bool write, random;
    size_t bs;
    unsigned qd;
} workloads[] = {
    {"seqwrite-1m-qd16", true, false, 1 << 20, 16},
    {"seqread-1m-qd16", false, false, 1 << 20, 16},
    {"randwrite-4k-qd1", true, true, 4096, 1},
    {"randwrite-4k-qd32", true, true, 4096, 32},
    {"randread-4k-qd1", false, true, 4096, 1},
    {"randread-4k-qd32", false, true, 4096, 32},
};

/* what the threads of one run share */
struct run {
    struct target *t;
    const struct workload *w;
    double deadline;
    uint64_t blocks; /* of w->bs in the working set */
    uint64_t next;   /* sequential: next block, taken atomically */
    int err;         /* first error, taken atomically */
    volatile int *cancel;
};

struct worker {
    pthread_t tid;
    struct run *run;
    unsigned seed;
    double *lat; /* seconds, one per request */
    size_t n, cap;
};

static void *
worker_main(void *arg)
{
    struct worker *wk = arg;
    struct run *run = wk->run;
    const struct workload *w = run->w;
    char *buf = NULL;

    if (posix_memalign((void **)&buf, ALIGN, w->bs) != 0) {
        int zero = 0;

        __atomic_compare_exchange_n(&run->err, &zero, -ENOMEM, false,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
        return NULL;
    }
    /* data that neither compresses nor reads as zero */
    for (size_t i = 0; i < w->bs; i++)
        buf[i] = (char)(rand_r(&wk->seed) & 0xff);
    for (;;) {
        uint64_t blk;
        double t0;
        int r;

        if (__atomic_load_n(&run->err, __ATOMIC_RELAXED) != 0 ||
            (run->cancel && *run->cancel))
            break;
        if (w->random) {
            blk = (((uint64_t)rand_r(&wk->seed) << 31) ^
                   (uint64_t)rand_r(&wk->seed)) %
                  run->blocks;
        } else {
            blk = __atomic_fetch_add(&run->next, 1, __ATOMIC_RELAXED);
            if (blk >= run->blocks) {
                if (w->write) /* a sequential write fills the set once */
                    break;
                blk %= run->blocks;
            }
        }
        t0 = vrbd_now();
        /* the sequential write fills the set once; the rest run timed */
        if ((w->random || !w->write) && t0 >= run->deadline)
            break;
        r = run->t->rw(run->t, w->write, buf, w->bs, blk * w->bs);
        if (r < 0) {
            int zero = 0;

            __atomic_compare_exchange_n(&run->err, &zero, r, false,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED);
            break;
        }
        if (wk->n == wk->cap) {
            wk->cap = wk->cap ? wk->cap * 2 : 4096;
            wk->lat = xreallocarray(wk->lat, wk->cap, sizeof(*wk->lat));
        }
        wk->lat[wk->n++] = vrbd_now() - t0;
    }
    free(buf);
    return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The p-th percentile (0..100) of @n sorted values: nearest rank. */
double
vrbd_bench_percentile(const double *sorted, size_t n, double p)
{
    size_t rank;

    if (n == 0)
        return 0;
    rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

static int
run_one(struct target *t, const struct workload *w, const vrbd_bench_opts *o,
        vrbd_bench_result *res)
{
    struct run run = {
        .t = t, .w = w, .blocks = t->size / w->bs, .cancel = o->cancel};
    struct worker *wk = xcalloc(w->qd, sizeof(*wk));
    double *all, t0;
    size_t n = 0;
    unsigned started;
    int failed = 0;

    t0 = vrbd_now();
    run.deadline = t0 + (o->seconds > 0 ? o->seconds : 5.0);
    for (started = 0; started < w->qd; started++) {
        wk[started].run = &run;
        wk[started].seed = 0x5eed + started * 7919;
        failed =
            pthread_create(&wk[started].tid, NULL, worker_main, &wk[started]);
        if (failed) {
            __atomic_store_n(&run.err, -failed, __ATOMIC_RELAXED);
            break;
        }
    }
    for (unsigned i = 0; i < started; i++) {
        pthread_join(wk[i].tid, NULL);
        n += wk[i].n;
    }
    memset(res, 0, sizeof(*res));
    res->target = t->name;
    res->workload = w->name;
    res->block_size = w->bs;
    res->queue_depth = w->qd;
    res->write = w->write;
    res->random = w->random;
    res->direct = t->direct;
    res->seconds = vrbd_now() - t0;
    res->ops = n;
    res->bytes = n * w->bs;
    all = xcalloc(n ? n : 1, sizeof(*all));
    n = 0;
    for (unsigned i = 0; i < w->qd; i++) {
        if (wk[i].n > 0)
            memcpy(all + n, wk[i].lat, wk[i].n * sizeof(*all));
        n += wk[i].n;
        free(wk[i].lat);
    }
    free(wk);
    qsort(all, n, sizeof(*all), cmp_double);
    res->lat_p50_us = vrbd_bench_percentile(all, n, 50) * 1e6;
    res->lat_p99_us = vrbd_bench_percentile(all, n, 99) * 1e6;
    free(all);
    if (res->seconds > 0) {
        res->iops = (double)res->ops / res->seconds;
        res->mb_per_s = (double)res->bytes / res->seconds / 1e6;
    }
    if (failed)
        return vrbd_error_set(
            VRBD_ERR_INTERNAL, failed,
            "free memory or raise the thread limit (ulimit -u), then run it again",
            "%s: %s: cannot start thread %u of %u: %s", t->name, w->name,
            started + 1, w->qd, strerror(failed));
    if (run.err != 0)
        return vrbd_error_ceph(run.err, NULL, "%s: %s failed", t->name,
                               w->name);
    if (o->cancel && *o->cancel)
        return vrbd_error_set(VRBD_ERR_IO, EINTR, NULL,
                              "benchmark interrupted: scratch targets removed");
    return 0;
}

/* Whether a block device holds anything: its start, and samples across
 * it, read as zero.  (Reading all of a large disk would take minutes.) */
static int
device_holds_data(int fd, uint64_t size, bool *data)
{
    char *buf = NULL;
    size_t len = 1 << 20;
    int ret = 0;

    *data = false;
    if (posix_memalign((void **)&buf, ALIGN, len) != 0)
        abort();
    for (unsigned i = 0; i <= 64 && !*data; i++) {
        uint64_t off =
            i == 0 ? 0 : (size / 64 * (i - 1)) & ~(uint64_t)(ALIGN - 1);
        size_t want = off + len > size ? (size_t)(size - off) : len;
        ssize_t n = pread(fd, buf, want, (off_t)off);

        if (n < 0) {
            ret = -errno;
            break;
        }
        for (ssize_t j = 0; j < n; j++)
            if (buf[j] != 0) {
                *data = true;
                break;
            }
    }
    free(buf);
    return ret;
}

/* Open (or make) the local scratch target.  @made: a file we created. */
static int
local_open(const char *path, uint64_t size, struct target *t, char **made)
{
    struct stat st;
    CLEANUP_FREE char *file = NULL;
    int fd;

    *made = NULL;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        file = xasprintf("%s/.virt-rbd-bench.%d", path, (int)getpid());
    } else if (stat(path, &st) == 0 && S_ISBLK(st.st_mode)) {
        uint64_t dev_size = 0;
        bool data;
        int r;

        /* O_EXCL: refused while mounted or held by another user */
        fd = open(path, O_RDWR | O_EXCL | O_DIRECT | O_CLOEXEC);
        if (fd < 0)
            return vrbd_error_set(VRBD_ERR_BUSY, errno,
                                  "give an unused device or a directory",
                                  "cannot open '%s' for exclusive use: %s",
                                  path, strerror(errno));
        if (ioctl(fd, BLKGETSIZE64, &dev_size) < 0 || dev_size < size) {
            close(fd);
            return vrbd_error_set(VRBD_ERR_INVALID, 0, "give a smaller {size}",
                                  "device '%s' is smaller than the working set",
                                  path);
        }
        r = device_holds_data(fd, dev_size, &data);
        if (r < 0 || data) {
            close(fd);
            return vrbd_error_set(
                VRBD_ERR_BUSY, r < 0 ? -r : 0,
                "give an empty device or a directory",
                "device '%s' holds data: the benchmark writes only to empty devices",
                path);
        }
        t->fd = fd;
        t->direct = true;
        t->size = size;
        return 0;
    } else if (lstat(path, &st) == 0) {
        return vrbd_error_set(
            VRBD_ERR_EXISTS, EEXIST,
            "give a directory, a new file name or an empty block device",
            "'%s' exists: the benchmark writes only to a file it creates",
            path);
    } else {
        file = xstrdup(path);
    }
    t->direct = true;
    fd = open(file, O_RDWR | O_CREAT | O_EXCL | O_DIRECT | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EINVAL) { /* tmpfs and others: no O_DIRECT */
        t->direct = false;
        fd = open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    }
    if (fd < 0)
        return vrbd_error_set(
            errno == ENOENT ? VRBD_ERR_NOT_FOUND : VRBD_ERR_IO, errno, NULL,
            "cannot create '%s': %s", file, strerror(errno));
    if (ftruncate(fd, (off_t)size) < 0) {
        int e = errno;

        close(fd);
        unlink(file);
        return vrbd_error_set(VRBD_ERR_IO, e, NULL, "cannot size '%s': %s",
                              file, strerror(e));
    }
    t->fd = fd;
    t->size = size;
    *made = file;
    file = NULL;
    return 0;
}

/*
 * POOL/NAME is a namespace to the spec parser, but a user who wrote it for
 * bench may have meant an image.  When namespace NAME does not exist (the
 * error already set) and the pool holds an image NAME, say that bench
 * never runs on an image it did not make, rather than that a namespace is
 * missing.  A read-only open only reads the image's header.
 */
static int
refuse_image(vrbd_cluster *cl, const vrbd_spec *s)
{
    CLEANUP_FREE char *spec = NULL;
    CLEANUP_FREE char *pool = NULL;
    CLEANUP_FREE char *hint = NULL;
    rados_ioctx_t io;
    rbd_image_t img;
    int r;

    if (vrbd_error_last()->code != VRBD_ERR_NOT_FOUND || !s->nspace ||
        rados_ioctx_create(vrbd_cluster_rados(cl), s->pool, &io) < 0)
        return -1;
    r = rbd_open_read_only(io, s->nspace, &img, NULL);
    if (r == 0)
        rbd_close(img);
    rados_ioctx_destroy(io);
    if (r < 0)
        return -1;
    spec = vrbd_spec_format(s);
    pool = xasprintf("%s%s%s", s->cluster ? s->cluster : "",
                     s->cluster ? ":" : "", s->pool);
    hint = xasprintf(
        "give the pool ({prog}{vrbd_bench_run} %s): the benchmark makes "
        "and removes a scratch image of its own there",
        pool);
    return vrbd_error_set(
        VRBD_ERR_INVALID, EINVAL, hint,
        "'%s' names image '%s' of pool '%s': bench takes [CLUSTER:]POOL[/NAMESPACE] and never runs on an image it did not make",
        spec, s->nspace, s->pool);
}

void
vrbd_bench_result_list_free(vrbd_bench_result *list, size_t n)
{
    /* the strings in a result are static: nothing else to free */
    (void)n;
    free(list);
}

int
vrbd_bench_run(vrbd_cluster *cl, const vrbd_bench_opts *o,
               vrbd_bench_result **out, size_t *n_out)
{
    size_t nw = sizeof(workloads) / sizeof(workloads[0]), n = 0;
    uint64_t size = o->size ? o->size : 256ull << 20;
    struct target local = {.name = "local", .rw = file_rw, .fd = -1};
    struct target rbd = {.name = "rbd", .rw = rbd_rw, .fd = -1};
    CLEANUP_FREE char *made_file = NULL;
    CLEANUP_FREE char *image = NULL;
    vrbd_bench_result *res = NULL;
    rados_ioctx_t io = NULL;
    bool made_image = false;
    int ret = -1, r;

    *out = NULL;
    *n_out = 0;
    if (vrbd_opts_check(o, VRBD_BENCH_OPTS_VERSION, "vrbd_bench_opts") < 0)
        return -1;
    if (!o->local_path && !o->rbd)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "give {local_path} PATH, a pool, or both",
                              "nothing to benchmark");
    if (size < (1u << 20) || size % (1u << 20) != 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "give a whole number of MiB, at least 1M",
                              "working set size must be a multiple of 1 MiB");
    if (o->rbd && (!cl || o->rbd->image))
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "give [CLUSTER:]POOL[/NS]: the benchmark makes its own image",
            "the RBD side of a benchmark is a pool");
    if (o->local_path &&
        local_open(o->local_path, size, &local, &made_file) < 0)
        return -1;
    if (o->rbd) {
        vrbd_spec s = *o->rbd;
        vrbd_volume_create_opts co = {
            .version = VRBD_VOLUME_CREATE_OPTS_VERSION, .size = size};

        image = xasprintf(".virt-rbd-bench.%d", (int)getpid());
        s.image = image;
        if (vrbd_volume_ioctx(cl, s.pool, s.nspace, &io) < 0) {
            refuse_image(cl, o->rbd);
            goto cleanup;
        }
        if (vrbd_volume_make(cl, &s, &co) < 0)
            goto cleanup;
        made_image = true;
        r = rbd_open(io, image, &rbd.img, NULL);
        if (r < 0) {
            rbd.img = NULL;
            vrbd_error_ceph(r, NULL, "cannot open '%s'", image);
            goto cleanup;
        }
        rbd.size = size;
        rbd.direct = true;
    }
    res = xcalloc(nw * 2, sizeof(*res));
    /* each workload on both targets before the next, so that they see
     * the same moment of a shared machine */
    for (size_t i = 0; i < nw; i++) {
        if (o->local_path && run_one(&local, &workloads[i], o, &res[n++]) < 0)
            goto cleanup;
        if (o->rbd && run_one(&rbd, &workloads[i], o, &res[n++]) < 0)
            goto cleanup;
        if (o->progress)
            o->progress(i + 1, nw, o->opaque);
    }
    *out = res;
    *n_out = n;
    res = NULL;
    ret = 0;

cleanup:
    free(res);
    if (local.fd >= 0)
        close(local.fd);
    if (made_file)
        unlink(made_file);
    if (rbd.img)
        rbd_close(rbd.img);
    if (made_image) {
        r = rbd_remove(io, image);
        if (r < 0 && ret == 0)
            ret =
                vrbd_error_ceph(r, "remove it with {prog}{vrbd_volume_remove}",
                                "cannot remove the scratch image '%s'", image);
    }
    if (io)
        rados_ioctx_destroy(io);
    return ret;
}
