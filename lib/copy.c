/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * copy.c: the data mover's engine, between local raw files (or block
 * devices) and RBD images.  The main thread reads and submits; librbd's
 * completion callbacks only record the result and wake it (as QEMU's
 * block/rbd.c does), so all buffer handling stays on one thread.  Work
 * goes in chunks cut at the image's object boundaries, queue_depth at a
 * time; holes are never read and zero runs never written.
 *
 * Not here yet: qcow2 and other formats through qemu-nbd + libnbd,
 * RBD-to-RBD copy, --resume.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "clock.h"
#include "endpoint.h"
#include "internal.h"
#include "volume-internal.h"

struct slot {
    char *buf;
    uint64_t off;
    size_t len;
    rbd_completion_t comp;
    bool busy; /* submitted, not yet processed */
    bool done; /* completion seen */
    ssize_t ret;
    int phase; /* rbd -> rbd: PH_READ, PH_WRITE or PH_DISCARD */
};

struct engine {
    struct slot *slots;
    unsigned n;
    unsigned inflight;
    size_t chunk;
};

/* librbd thread: record and wake, nothing else */
static void
on_complete(rbd_completion_t c, void *arg)
{
    struct slot *s = arg;

    s->ret = rbd_aio_get_return_value(s->comp);
    __atomic_store_n(&s->done, true, __ATOMIC_RELEASE);
}

static int
engine_init(struct engine *e, unsigned n, size_t chunk)
{
    e->n = n;
    e->chunk = chunk;
    e->inflight = 0;
    e->slots = xcalloc(n, sizeof(*e->slots));
    for (unsigned i = 0; i < n; i++)
        e->slots[i].buf = xmalloc(chunk);
    return 0;
}

static void
engine_fini(struct engine *e)
{
    for (unsigned i = 0; i < e->n; i++)
        free(e->slots[i].buf);
    free(e->slots);
}

/* A free slot, or NULL when all are busy. */
static struct slot *
free_slot(struct engine *e)
{
    for (unsigned i = 0; i < e->n; i++)
        if (!e->slots[i].busy)
            return &e->slots[i];
    return NULL;
}

/* Wait for a completed slot (at least one must be busy). */
static struct slot *
wait_done(struct engine *e)
{
    for (;;) {
        for (unsigned i = 0; i < e->n; i++)
            if (e->slots[i].busy &&
                __atomic_load_n(&e->slots[i].done, __ATOMIC_ACQUIRE))
                return &e->slots[i];
        /* completions are quick; a short sleep beats a lost wake-up */
        usleep(200);
    }
}

/* Let what is in flight finish before the buffers go. */
static void
engine_drain(struct engine *e)
{
    while (e->inflight > 0) {
        struct slot *sl = wait_done(e);

        e->inflight--;
        sl->busy = false;
        rbd_aio_release(sl->comp);
    }
}

static bool
all_zero(const char *buf, size_t len)
{
    static const char zero[4096];

    while (len >= sizeof(zero)) {
        if (memcmp(buf, zero, sizeof(zero)) != 0)
            return false;
        buf += sizeof(zero);
        len -= sizeof(zero);
    }
    return memcmp(buf, zero, len) == 0;
}

/* A failed write: a full pool blocks writes until the OSD op timeout, so
 * a timeout (or EDQUOT/ENOSPC) is checked against the pool's flags and
 * named as what it is. */
static void
write_error(vrbd_cluster *cl, const char *pool, int ret, const char *image,
            uint64_t off)
{
    CLEANUP_FREE char *why = NULL;

    if (ret == -ETIMEDOUT || ret == -EDQUOT || ret == -ENOSPC)
        why = vrbd_pool_full_reason(cl, pool);
    if (why) {
        vrbd_error_set(VRBD_ERR_IO, ret == -ETIMEDOUT ? EDQUOT : -ret,
                       "raise the quota (ceph osd pool set-quota) or free "
                       "space in the pool, then run the import again",
                       "pool '%s' is full, %s: the write at byte %llu "
                       "did not go through",
                       pool, why, (unsigned long long)off);
        return;
    }
    vrbd_error_ceph(ret, NULL, "cannot write to '%s' at byte %llu", image,
                    (unsigned long long)off);
}

static int
remove_image(rados_ioctx_t io, const char *name)
{
    return rbd_remove(io, name);
}

/* Compare the data extents of @src with the image. */
static int
verify_import(struct vrbd_source *src, rbd_image_t img, size_t chunk)
{
    CLEANUP_FREE char *a = xmalloc(chunk);
    CLEANUP_FREE char *b = xmalloc(chunk);
    uint64_t off = 0, s, e;
    int err = 0;

    while (src->ops->next_data(src, off, &s, &e, &err)) {
        for (uint64_t o = s; o < e;) {
            size_t len = (size_t)(e - o < chunk ? e - o : chunk);
            int r1 = src->ops->read(src, a, len, o);
            ssize_t r2 = rbd_read(img, o, len, b);

            if (r1 < 0)
                return -1;
            if (r2 != (ssize_t)len || memcmp(a, b, len) != 0)
                return vrbd_error_set(VRBD_ERR_IO, EIO, NULL,
                                      "verification failed: the image "
                                      "differs from '%s' at byte %llu",
                                      src->path, (unsigned long long)o);
            o += len;
        }
        off = e;
    }
    return err < 0 ? -1 : 0;
}

int
vrbd_import_file(vrbd_cluster *cl, const char *path, const vrbd_spec *dst,
                 const vrbd_copy_opts *opts, vrbd_copy_stats *stats)
{
    CLEANUP_FREE char *final = NULL;
    CLEANUP_FREE char *tmp = NULL;
    CLEANUP_FREE char *old = NULL;
    struct vrbd_source *src = NULL;
    vrbd_spec tspec = *dst;
    struct engine e = {0};
    rados_ioctx_t io = NULL;
    rbd_image_t img = NULL;
    rbd_image_info_t info;
    uint64_t size = 0, off = 0, s = 0, end = 0, done = 0;
    bool exists = false, created = false;
    double t0 = vrbd_now();
    int ret = -1, r, err = 0;

    memset(stats, 0, sizeof(*stats));
    if (!dst->image || dst->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "import goes to POOL[/NS]/IMAGE without @SNAP");
    final = vrbd_volume_name(dst);
    if (vrbd_source_open(path, opts->format, &src) < 0)
        return -1;
    size = src->size;
    if (vrbd_volume_ioctx(cl, dst->pool, dst->nspace, &io) < 0)
        goto cleanup;
    r = rbd_open_read_only(io, dst->image, &img, NULL);
    if (r < 0 && r != -ENOENT) {
        vrbd_error_ceph(r, NULL, "cannot check whether '%s' exists", final);
        img = NULL;
        goto cleanup;
    }
    if (r == 0) {
        rbd_close(img);
        img = NULL;
        exists = true;
        if (!opts->force) {
            vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                           "give --force to replace it",
                           "image '%s' exists already", final);
            goto cleanup;
        }
        /* what would stop its removal at the end stops the import now */
        {
            vrbd_volume_info *cur = NULL;
            bool busy;

            if (vrbd_volume_info_get(cl, dst, &cur) < 0)
                goto cleanup;
            busy = cur->n_watchers > 0 || cur->n_children > 0 ||
                   cur->any_protected;
            vrbd_volume_info_free(cur);
            if (busy) {
                vrbd_error_set(VRBD_ERR_BUSY, EBUSY,
                               "see virt-rbd vol who and vol info",
                               "image '%s' is in use or has clones or "
                               "protected snapshots: not replacing it",
                               final);
                goto cleanup;
            }
        }
    }
    {
        /* a full pool would hold the first write until the timeout */
        CLEANUP_FREE char *why = vrbd_pool_full_reason(cl, dst->pool);

        if (why) {
            vrbd_error_set(VRBD_ERR_IO, EDQUOT,
                           "raise the quota (ceph osd pool set-quota) or free "
                           "space in the pool, then run the import again",
                           "pool '%s' is full, %s: nothing was imported",
                           dst->pool, why);
            goto cleanup;
        }
    }
    tmp = xasprintf(".virt-rbd-import.%s.%d", dst->image, (int)getpid());
    tspec.image = tmp;
    {
        vrbd_volume_create_opts co = {.size = size};

        if (vrbd_volume_create(cl, &tspec, &co) < 0)
            goto cleanup;
    }
    created = true;
    r = rbd_open(io, tmp, &img, NULL);
    if (r < 0 || rbd_stat(img, &info, sizeof(info)) < 0) {
        vrbd_error_ceph(r < 0 ? r : -EIO, NULL, "cannot open '%s'", tmp);
        goto cleanup;
    }
    engine_init(&e, opts->queue_depth ? opts->queue_depth : 32,
                (size_t)info.obj_size);
    stats->size = size;

    /* read data extents, object by object; write what is not zero */
    for (;;) {
        struct slot *sl;

        if (opts->cancel && *opts->cancel)
            break;
        while ((sl = free_slot(&e)) &&
               (off < end || src->ops->next_data(src, off, &s, &end, &err))) {
            uint64_t obj_end;

            if (off < s)
                off = s;
            obj_end = (off / e.chunk + 1) * e.chunk;
            sl->off = off;
            sl->len = (size_t)((end < obj_end ? end : obj_end) - off);
            r = src->ops->read(src, sl->buf, sl->len, off);
            if (r < 0) {
                if (vrbd_error_last()->code == VRBD_ERR_OK)
                    vrbd_error_set(VRBD_ERR_IO, -r, NULL,
                                   "cannot read '%s' at byte %llu: %s", path,
                                   (unsigned long long)off, strerror(-r));
                goto drain;
            }
            off += sl->len;
            stats->data += sl->len;
            if (all_zero(sl->buf, sl->len)) {
                /* a new image reads zero already */
                stats->zeroes += sl->len;
                done += sl->len;
                continue;
            }
            sl->busy = true;
            sl->done = false;
            rbd_aio_create_completion(sl, on_complete, &sl->comp);
            r = rbd_aio_write(img, sl->off, sl->len, sl->buf, sl->comp);
            if (r < 0) {
                rbd_aio_release(sl->comp);
                sl->busy = false;
                vrbd_error_ceph(r, NULL, "cannot write to '%s'", tmp);
                goto drain;
            }
            e.inflight++;
            if (opts->cancel && *opts->cancel)
                break;
        }
        if (err < 0) {
            if (vrbd_error_last()->code == VRBD_ERR_OK)
                vrbd_error_set(VRBD_ERR_IO, -err, NULL,
                               "cannot map the data of '%s': %s", path,
                               strerror(-err));
            goto drain;
        }
        if (e.inflight == 0)
            break;
        sl = wait_done(&e);
        e.inflight--;
        sl->busy = false;
        rbd_aio_release(sl->comp);
        if (sl->ret < 0) {
            write_error(cl, dst->pool, (int)sl->ret, tmp, sl->off);
            goto drain;
        }
        stats->written += sl->len;
        done += sl->len;
        if (opts->progress)
            opts->progress(done, size, opts->opaque);
    }
    if (opts->cancel && *opts->cancel) {
        vrbd_error_set(VRBD_ERR_IO, EINTR, "run it again",
                       "import of '%s' interrupted: nothing was imported",
                       path);
        goto drain;
    }
    r = rbd_flush(img);
    if (r < 0) {
        vrbd_error_ceph(r, NULL, "cannot flush '%s'", tmp);
        goto cleanup;
    }
    if (opts->verify) {
        if (verify_import(src, img, e.chunk) < 0)
            goto cleanup;
        stats->verified = true;
    }
    rbd_close(img);
    img = NULL;
    /* the old image steps aside before the new one takes its name, and
     * comes back if that fails: one of them always holds the name */
    if (exists) {
        old = xasprintf(".virt-rbd-old.%s.%d", dst->image, (int)getpid());
        r = rbd_rename(io, dst->image, old);
        if (r < 0) {
            vrbd_error_ceph(r, NULL, "cannot move '%s' aside", final);
            goto cleanup;
        }
    }
    r = rbd_rename(io, tmp, dst->image);
    if (r < 0) {
        if (old && rbd_rename(io, old, dst->image) == 0) {
            free(old);
            old = NULL;
        }
        vrbd_error_ceph(r, NULL, "cannot rename '%s' to '%s'", tmp, final);
        goto cleanup;
    }
    created = false;
    if (old) {
        vrbd_spec os = *dst;
        vrbd_remove_opts ro = {.force = true};

        os.image = old;
        if (vrbd_volume_remove(NULL, cl, &os, &ro) < 0) {
            vrbd_warn("the replaced image is left as '%s': %s", old,
                      vrbd_error_last()->message);
            vrbd_error_clear();
        }
    }
    stats->seconds = vrbd_now() - t0;
    ret = 0;
    goto cleanup;

drain:
    engine_drain(&e);

cleanup:
    if (img)
        rbd_close(img);
    if (created) {
        vrbd_error saved = *vrbd_error_last();
        CLEANUP_FREE char *msg = xstrdup(saved.message);
        CLEANUP_FREE char *hint = saved.hint ? xstrdup(saved.hint) : NULL;

        remove_image(io, tmp);
        vrbd_error_set(saved.code, saved.errnum, hint, "%s", msg);
    }
    if (e.slots)
        engine_fini(&e);
    if (io)
        rados_ioctx_destroy(io);
    vrbd_source_close(src);
    return ret;
}

/* one diff extent: data, or (exists false) a range with none */
struct extent {
    uint64_t off, len;
    bool exists;
};

struct extents {
    struct extent *v;
    size_t n;
};

/* rbd_diff_iterate2 callback: neighbours of the same kind merge */
static int
add_extent(uint64_t off, size_t len, int exists, void *arg)
{
    struct extents *x = arg;
    struct extent *last = x->n ? &x->v[x->n - 1] : NULL;

    if (last && last->exists == !!exists && last->off + last->len == off) {
        last->len += len;
        return 0;
    }
    x->v = xreallocarray(x->v, x->n + 1, sizeof(*x->v));
    x->v[x->n++] = (struct extent){off, len, !!exists};
    return 0;
}

/* Keep only the extents that hold data. */
static void
keep_data(struct extents *x)
{
    size_t k = 0;

    for (size_t i = 0; i < x->n; i++)
        if (x->v[i].exists)
            x->v[k++] = x->v[i];
    x->n = k;
}

/* The next request's range: the rest of extent *@xi from *@xoff, cut at
 * the next object boundary (@chunk); false when every extent is taken. */
static bool
next_chunk(const struct extents *x, size_t *xi, uint64_t *xoff, size_t chunk,
           uint64_t *off, size_t *len, bool *exists)
{
    uint64_t end, obj_end;

    if (*xi >= x->n)
        return false;
    *off = x->v[*xi].off + *xoff;
    *exists = x->v[*xi].exists;
    end = x->v[*xi].off + x->v[*xi].len;
    obj_end = (*off / chunk + 1) * chunk;
    *len = (size_t)((end < obj_end ? end : obj_end) - *off);
    *xoff += *len;
    if (*off + *len >= end) {
        (*xi)++;
        *xoff = 0;
    }
    return true;
}

int
vrbd_export_file(vrbd_cluster *cl, const vrbd_spec *src, const char *path,
                 const vrbd_copy_opts *opts, vrbd_copy_stats *stats)
{
    CLEANUP_FREE char *tmp = NULL;
    CLEANUP_CLOSE int fd = -1;
    struct extents x = {0};
    struct engine e = {0};
    rados_ioctx_t io = NULL;
    rbd_image_t img = NULL;
    rbd_image_info_t info;
    uint64_t flags = 0, done = 0;
    size_t xi = 0;
    uint64_t xoff = 0;
    bool whole;
    double t0 = vrbd_now();
    int ret = -1, r;

    memset(stats, 0, sizeof(*stats));
    if (!opts->force && access(path, F_OK) == 0)
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "give --force to replace it",
                              "'%s' exists already", path);
    if (vrbd_volume_open(cl, src, true, &io, &img) < 0)
        return -1;
    if (rbd_stat(img, &info, sizeof(info)) < 0) {
        vrbd_error_set(VRBD_ERR_IO, EIO, NULL, "cannot read the image");
        goto cleanup;
    }
    stats->size = info.size;
    rbd_get_flags(img, &flags);
    /* with a valid fast-diff map, whole objects come from the map alone */
    whole = !(flags & RBD_FLAG_FAST_DIFF_INVALID);
    r = rbd_diff_iterate2(img, NULL, 0, info.size, 1, whole, add_extent, &x);
    if (r < 0) {
        vrbd_error_ceph(r, NULL, "cannot map the image's extents");
        goto cleanup;
    }
    keep_data(&x);
    tmp = xasprintf("%s.virt-rbd-tmp.%d", path, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot write '%s': %s", tmp,
                       strerror(errno));
        goto cleanup;
    }
    if (ftruncate(fd, (off_t)info.size) < 0) {
        vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot size '%s': %s", tmp,
                       strerror(errno));
        goto unlink;
    }
    engine_init(&e, opts->queue_depth ? opts->queue_depth : 32,
                (size_t)info.obj_size);
    for (;;) {
        struct slot *sl;

        bool data;

        while (!(opts->cancel && *opts->cancel) && (sl = free_slot(&e)) &&
               next_chunk(&x, &xi, &xoff, e.chunk, &sl->off, &sl->len, &data)) {
            sl->busy = true;
            sl->done = false;
            rbd_aio_create_completion(sl, on_complete, &sl->comp);
            r = rbd_aio_read(img, sl->off, sl->len, sl->buf, sl->comp);
            if (r < 0) {
                rbd_aio_release(sl->comp);
                sl->busy = false;
                vrbd_error_ceph(r, NULL, "cannot read the image");
                goto drain;
            }
            e.inflight++;
        }
        if (e.inflight == 0)
            break;
        sl = wait_done(&e);
        e.inflight--;
        sl->busy = false;
        rbd_aio_release(sl->comp);
        if (sl->ret != (ssize_t)sl->len) {
            vrbd_error_ceph(sl->ret < 0 ? (int)sl->ret : -EIO, NULL,
                            "cannot read the image at byte %llu",
                            (unsigned long long)sl->off);
            goto drain;
        }
        stats->data += sl->len;
        if (all_zero(sl->buf, sl->len)) {
            stats->zeroes += sl->len; /* stays a hole */
        } else if (pwrite(fd, sl->buf, sl->len, (off_t)sl->off) !=
                   (ssize_t)sl->len) {
            vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot write '%s': %s",
                           tmp, strerror(errno));
            goto drain;
        } else {
            stats->written += sl->len;
        }
        done += sl->len;
        if (opts->progress)
            opts->progress(done, info.size, opts->opaque);
    }
    if (opts->cancel && *opts->cancel) {
        vrbd_error_set(VRBD_ERR_IO, EINTR, "run it again",
                       "export interrupted: '%s' was not written", path);
        goto unlink;
    }
    if (fsync(fd) < 0 || rename(tmp, path) < 0) {
        vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot write '%s': %s", path,
                       strerror(errno));
        goto unlink;
    }
    stats->seconds = vrbd_now() - t0;
    ret = 0;
    goto cleanup;

drain:
    engine_drain(&e);
unlink:
    unlink(tmp);

cleanup:
    free(x.v);
    if (e.slots)
        engine_fini(&e);
    if (img)
        rbd_close(img);
    if (io)
        rados_ioctx_destroy(io);
    return ret;
}

/* ---------------------------------------------------------------- rbd -> rbd
 */

enum { PH_READ, PH_WRITE, PH_DISCARD };

/* The newest snapshot of @img by id, into @name (empty: none). */
static int
newest_snap(rbd_image_t img, char *name, size_t size, uint64_t *id)
{
    rbd_snap_info_t *snaps = NULL;
    int n = vrbd_volume_snap_list(img, &snaps);

    *name = '\0';
    if (n < 0)
        return n;
    for (int i = 0; i < n; i++)
        if (!*name || snaps[i].id > *id) {
            snprintf(name, size, "%s", snaps[i].name);
            *id = snaps[i].id;
        }
    vrbd_volume_snap_list_free(snaps, n);
    return 0;
}

/* Move the extents of @x from @s to @d, many requests in flight. */
static int
copy_extents(rbd_image_t s, rbd_image_t d, const struct extents *x,
             size_t chunk, bool fresh, const vrbd_copy_opts *opts,
             vrbd_copy_stats *stats, const char *dname)
{
    struct engine e = {0};
    size_t xi = 0;
    uint64_t xoff = 0, total = 0, done = 0;
    int ret = -1, r;

    for (size_t i = 0; i < x->n; i++)
        total += x->v[i].len;
    engine_init(&e, opts->queue_depth ? opts->queue_depth : 32, chunk);
    for (;;) {
        struct slot *sl;

        bool data;

        while (!(opts->cancel && *opts->cancel) && (sl = free_slot(&e)) &&
               next_chunk(x, &xi, &xoff, e.chunk, &sl->off, &sl->len, &data)) {
            sl->busy = true;
            sl->done = false;
            sl->phase = data ? PH_READ : PH_DISCARD;
            rbd_aio_create_completion(sl, on_complete, &sl->comp);
            r = data
                    ? rbd_aio_read(s, sl->off, sl->len, sl->buf, sl->comp)
                    : rbd_aio_write_zeroes(d, sl->off, sl->len, sl->comp, 0, 0);
            if (r < 0) {
                rbd_aio_release(sl->comp);
                sl->busy = false;
                vrbd_error_ceph(r, NULL, "cannot start a copy request");
                goto drain;
            }
            e.inflight++;
        }
        if (e.inflight == 0)
            break;
        sl = wait_done(&e);
        rbd_aio_release(sl->comp);
        if (sl->ret < 0) {
            e.inflight--;
            sl->busy = false;
            if (sl->phase == PH_READ)
                vrbd_error_ceph((int)sl->ret, NULL,
                                "cannot read the source at byte %llu",
                                (unsigned long long)sl->off);
            else
                vrbd_error_ceph((int)sl->ret, NULL,
                                "cannot write to '%s' at byte %llu", dname,
                                (unsigned long long)sl->off);
            goto drain;
        }
        if (sl->phase == PH_READ) {
            stats->data += sl->len;
            if (!all_zero(sl->buf, sl->len) || !fresh) {
                /* zeros over old data must be written; a new image
                 * reads zero already */
                sl->phase = all_zero(sl->buf, sl->len) ? PH_DISCARD : PH_WRITE;
                sl->done = false;
                rbd_aio_create_completion(sl, on_complete, &sl->comp);
                r = sl->phase == PH_WRITE
                        ? rbd_aio_write(d, sl->off, sl->len, sl->buf, sl->comp)
                        : rbd_aio_write_zeroes(d, sl->off, sl->len, sl->comp, 0,
                                               0);
                if (r < 0) {
                    rbd_aio_release(sl->comp);
                    e.inflight--;
                    sl->busy = false;
                    vrbd_error_ceph(r, NULL, "cannot write to '%s'", dname);
                    goto drain;
                }
                continue;
            }
            stats->zeroes += sl->len;
        } else if (sl->phase == PH_WRITE) {
            stats->written += sl->len;
        } else {
            stats->discarded += sl->len;
        }
        e.inflight--;
        sl->busy = false;
        done += sl->len;
        if (opts->progress)
            opts->progress(done, total, opts->opaque);
    }
    if (opts->cancel && *opts->cancel) {
        vrbd_error_set(VRBD_ERR_IO, EINTR, "run it again",
                       "copy to '%s' interrupted", dname);
        goto drain;
    }
    r = rbd_flush(d);
    if (r < 0) {
        vrbd_error_ceph(r, NULL, "cannot flush '%s'", dname);
        goto drain;
    }
    ret = 0;
drain:
    engine_drain(&e);
    engine_fini(&e);
    return ret;
}

/* Read the extents of @x back from both images and compare. */
static int
verify_extents(rbd_image_t s, rbd_image_t d, const struct extents *x,
               size_t chunk, const char *dname)
{
    CLEANUP_FREE char *a = xmalloc(chunk);
    CLEANUP_FREE char *b = xmalloc(chunk);

    for (size_t i = 0; i < x->n; i++)
        for (uint64_t off = x->v[i].off; off < x->v[i].off + x->v[i].len;) {
            uint64_t left = x->v[i].off + x->v[i].len - off;
            size_t len = left < chunk ? (size_t)left : chunk;
            ssize_t ra = rbd_read(s, off, len, a);
            ssize_t rb = rbd_read(d, off, len, b);

            if (ra < 0 || rb < 0)
                return vrbd_error_ceph(ra < 0 ? (int)ra : (int)rb, NULL,
                                       "cannot read back byte %llu",
                                       (unsigned long long)off);
            if (ra != (ssize_t)len || rb != (ssize_t)len ||
                memcmp(a, b, len) != 0)
                return vrbd_error_set(VRBD_ERR_IO, EIO, "run the copy again",
                                      "'%s' differs from the source at byte "
                                      "%llu: verification failed",
                                      dname, (unsigned long long)off);
            off += len;
        }
    return 0;
}

int
vrbd_copy_image(vrbd_cluster *scl, const vrbd_spec *src, vrbd_cluster *dcl,
                const vrbd_spec *dst, const vrbd_copy_opts *opts,
                vrbd_copy_stats *stats)
{
    CLEANUP_FREE char *final = NULL;
    CLEANUP_FREE char *tmp = NULL;
    struct extents x = {0};
    vrbd_spec tspec = *dst;
    rados_ioctx_t sio = NULL, dio = NULL;
    rbd_image_t simg = NULL, dimg = NULL;
    rbd_image_info_t info;
    char base[256] = "";
    uint64_t base_id = 0;
    bool incremental = false, created = false;
    double t0 = vrbd_now();
    int ret = -1, r;

    memset(stats, 0, sizeof(*stats));
    if (!dst->image || dst->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "a copy goes to POOL[/NS]/IMAGE without @SNAP");
    if (opts->incremental && !src->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "snapshot the source (virt-rbd vol snap "
                              "create) and copy SRC@SNAP",
                              "an incremental copy goes from snapshot to "
                              "snapshot: the source needs @SNAP");
    final = vrbd_volume_name(dst);
    if (vrbd_volume_open(scl, src, true, &sio, &simg) < 0)
        return -1;
    if (rbd_stat(simg, &info, sizeof(info)) < 0) {
        vrbd_error_set(VRBD_ERR_IO, EIO, NULL, "cannot read the source");
        goto cleanup;
    }
    stats->size = info.size;
    if (vrbd_volume_ioctx(dcl, dst->pool, dst->nspace, &dio) < 0)
        goto cleanup;
    r = rbd_open(dio, dst->image, &dimg, NULL);
    if (r < 0 && r != -ENOENT) {
        dimg = NULL;
        vrbd_error_ceph(r, NULL, "cannot check whether '%s' exists", final);
        goto cleanup;
    }
    if (r == -ENOENT)
        dimg = NULL;
    if (dimg && !opts->incremental) {
        vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                       "remove it first, or give --incremental to bring it "
                       "up to a newer snapshot",
                       "image '%s' exists already", final);
        goto cleanup;
    }
    if (dimg) {
        /* the target's newest snapshot must exist in the source too */
        r = newest_snap(dimg, base, sizeof(base), &base_id);
        if (r < 0) {
            vrbd_error_ceph(r, NULL, "cannot list the snapshots of '%s'",
                            final);
            goto cleanup;
        }
        if (!*base) {
            vrbd_error_set(VRBD_ERR_INVALID, 0,
                           "copy to a new image without --incremental",
                           "'%s' has no snapshot: nothing to copy "
                           "incrementally from",
                           final);
            goto cleanup;
        }
        {
            bool exists = false;

            r = rbd_snap_exists(simg, base, &exists);
            if (r < 0 || !exists) {
                vrbd_error_set(VRBD_ERR_INVALID, 0,
                               "copy to a new image without --incremental",
                               "the newest snapshot of '%s', '%s', is not "
                               "in the source",
                               final, base);
                goto cleanup;
            }
        }
        snprintf(stats->from_snap, sizeof(stats->from_snap), "%s", base);
        if (strcmp(base, src->snap) == 0) {
            ret = 0; /* up to date */
            goto cleanup;
        }
        incremental = true;
        r = rbd_resize(dimg, info.size);
        if (r < 0) {
            vrbd_error_ceph(r, NULL, "cannot resize '%s'", final);
            goto cleanup;
        }
    } else {
        vrbd_volume_create_opts co = {.size = info.size,
                                      .object_size = info.obj_size};

        tmp = xasprintf(".virt-rbd-copy.%s.%d", dst->image, (int)getpid());
        tspec.image = tmp;
        if (vrbd_volume_create(dcl, &tspec, &co) < 0)
            goto cleanup;
        created = true;
        r = rbd_open(dio, tmp, &dimg, NULL);
        if (r < 0) {
            dimg = NULL;
            vrbd_error_ceph(r, NULL, "cannot open '%s'", tmp);
            goto cleanup;
        }
    }
    /* exact extents, not whole objects: a partly written object is
     * copied as partly written, so the target stays as thin as the
     * source (the object map still skips the objects that do not exist) */
    r = rbd_diff_iterate2(simg, incremental ? base : NULL, 0, info.size, 1, 0,
                          add_extent, &x);
    if (r < 0) {
        vrbd_error_ceph(r, NULL, "cannot map the source's extents");
        goto cleanup;
    }
    if (!incremental) /* a new image has no data to take away */
        keep_data(&x);
    if (copy_extents(simg, dimg, &x, (size_t)info.obj_size, !incremental, opts,
                     stats, incremental ? final : tmp) < 0)
        goto cleanup;
    if (opts->verify) {
        if (verify_extents(simg, dimg, &x, (size_t)info.obj_size,
                           incremental ? final : tmp) < 0)
            goto cleanup;
        stats->verified = true;
    }
    if (src->snap) {
        r = rbd_snap_create(dimg, src->snap);
        if (r < 0) {
            vrbd_error_ceph(r, NULL, "cannot create snapshot '%s' on '%s'",
                            src->snap, final);
            goto cleanup;
        }
    }
    if (created) {
        rbd_close(dimg);
        dimg = NULL;
        r = rbd_rename(dio, tmp, dst->image);
        if (r < 0) {
            vrbd_error_ceph(r, NULL, "cannot rename '%s' to '%s'", tmp, final);
            goto cleanup;
        }
        created = false;
    }
    ret = 0;

cleanup:
    free(x.v);
    if (dimg)
        rbd_close(dimg);
    if (created && remove_image(dio, tmp) < 0)
        vrbd_warn("the temporary image '%s' is left: remove it with "
                  "virt-rbd vol rm",
                  tmp);
    if (simg)
        rbd_close(simg);
    if (dio)
        rados_ioctx_destroy(dio);
    if (sio)
        rados_ioctx_destroy(sio);
    stats->seconds = vrbd_now() - t0;
    return ret;
}
