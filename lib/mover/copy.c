/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * copy.c: the data mover's commands: import (a file, block device, pipe
 * or any format QEMU reads into a new RBD image), export (an image to a
 * sparse raw or qcow2 file, or a pipe) and copy (RBD to RBD, on the same or
 * another cluster, in full or from snapshot to snapshot).  Each opens two
 * endpoints (endpoint.h) and hands them to the one transfer loop (engine.c);
 * what is here is the safety around it: a temporary name renamed only when
 * complete (and verified when asked), the refusals, the cleanup.
 *
 * An import, and a full copy, mark their temporary image with how far they
 * got, so that an interrupted or killed one can be continued (--resume).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "clock.h"
#include "endpoint.h"
#include "engine.h"
#include "header.h"
#include "internal.h"
#include "size.h"
#include "volume-internal.h"

static int
remove_image(rados_ioctx_t io, const char *name)
{
    return rbd_remove(io, name);
}

/*
 * Whether an image @name is in @io, asked without waiting, so that the
 * answer comes while the temporary image is made: behind a 1 ms round
 * trip, opening an image that is not there took 17 ms and creating one
 * 26 ms.  probe_end() says 1 (there), 0 (not there) or -1 (the error set),
 * and is called once after probe_start(), whatever happens between
 * (or probe_wait(), on the way out of a failure).
 */
struct probe {
    rbd_completion_t c;
    rbd_image_t img;
    int ret;     /* when it could not start */
    char id[64]; /* the image's id, when there */
};

static void
probe_start(struct probe *p, rados_ioctx_t io, const char *name)
{
    p->img = NULL;
    p->id[0] = '\0';
    p->ret = rbd_aio_create_completion(NULL, NULL, &p->c);
    if (p->ret < 0)
        return;
    p->ret = rbd_aio_open_read_only(io, name, &p->img, NULL, p->c);
    if (p->ret < 0)
        rbd_aio_release(p->c);
}

static int
probe_wait(struct probe *p)
{
    int r = p->ret;

    if (r == 0) {
        rbd_aio_wait_for_complete(p->c);
        r = (int)rbd_aio_get_return_value(p->c);
        rbd_aio_release(p->c);
        if (r == 0 && rbd_get_id(p->img, p->id, sizeof(p->id)) < 0)
            p->id[0] = '\0';
        if (r == 0)
            rbd_close(p->img);
    }
    return r;
}

static int
probe_end(struct probe *p, const char *final)
{
    int r = probe_wait(p);

    if (r == 0 || r == -ENOENT)
        return r == 0;
    return vrbd_error_ceph(r, NULL, "cannot check whether '%s' exists", final);
}

/* the engine's settings from the command's options */
static struct vrbd_xfer
xfer_opts(const vrbd_copy_opts *opts, size_t obj_size, bool fresh,
          uint64_t total)
{
    return (struct vrbd_xfer){
        .queue_depth = opts->queue_depth,
        .chunk = vrbd_xfer_chunk(obj_size),
        .fresh = fresh,
        .total = total,
        .cancel = opts->cancel,
        .progress = opts->progress,
        .opaque = opts->opaque,
    };
}

/*
 * An import or full copy in progress is marked in its temporary image's
 * metadata: "done=N" (everything below byte N is written) and what
 * identifies the source: for a file its size, format, path, inode and
 * modification time; for an RBD snapshot its cluster, pool, image and
 * snapshot ids.  A later run with --resume of the same source to the same
 * image continues from N; the mark goes before the rename.
 */
#define INCOMPLETE_KEY "virt-rbd.incomplete"
/* on the target of an incremental copy while it runs: the base snapshot */
#define UNDERWAY_KEY "virt-rbd.incremental-from"
/* a format 2 image's objects, librbd's names (rbd_types.h, not installed):
 * the id object names the image, the header object holds its metadata,
 * the directory lists a pool's (or namespace's) images */
#define ID_PREFIX "rbd_id."
#define HEADER_PREFIX "rbd_header."
#define DIRECTORY "rbd_directory"
/* where an image from a pipe of unknown length starts */
#define GROW_FROM ((uint64_t)256 << 20)
#define IMPORT_PREFIX ".virt-rbd-import."
#define COPY_PREFIX ".virt-rbd-copy."

/* The bytes of @src (the file @path) that hold data, at most: what the
 * file takes on its file system (a device: its size) */
static uint64_t
data_bytes(const char *path, const struct vrbd_endpoint *src)
{
    struct stat st;
    uint64_t used;

    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return src->size;
    used = (uint64_t)st.st_blocks * 512;
    return used < src->size ? used : src->size;
}

/* An import of @src (the file @path) whose data the quota of @dst's pool
 * cannot take is refused before anything is written: 0, or -1 with the
 * error set */
static int
refuse_if_short(vrbd_cluster *cl, const vrbd_spec *dst, const char *path,
                const struct vrbd_endpoint *src)
{
    CLEANUP_FREE char *why =
        vrbd_pool_quota_short(cl, dst->pool, data_bytes(path, src));

    if (!why)
        return 0;
    return vrbd_error_set(
        VRBD_ERR_IO, EDQUOT, VRBD_FULL_POOL_HINT,
        "pool '%s' has no room for '%s': %s: nothing was imported", dst->pool,
        path, why);
}

static char *
source_ident(const char *path, const struct vrbd_endpoint *src)
{
    CLEANUP_FREE char *abs = realpath(path, NULL);
    struct stat st = {0};

    stat(path, &st);
    return xasprintf("size=%llu format=%s ino=%llu mtime=%lld.%09ld path=%s",
                     (unsigned long long)src->size, src->format,
                     (unsigned long long)st.st_ino,
                     (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                     abs ? abs : path);
}

/*
 * The mark is written as rbd_metadata_set() writes it, by the rbd class's
 * metadata_set on the image's header object, but without waiting and
 * without what librbd adds: rbd_metadata_set() takes the image's owner
 * lock, notifies its watchers (this client too, which then refreshes the
 * image) and holds the writes meanwhile.  Behind a 1 ms round trip the
 * first mark took 14 ms and the refresh after it 7, and a mark in the
 * middle stalled the writes.  Nobody caches the mark: rbd_metadata_get()
 * and `rbd image-meta get` read the header object.  One update is in
 * flight at a time, so they land in order; mark_wait() before the image
 * is left, kept or renamed.
 */
struct mark {
    vrbd_cluster *cl;
    rados_ioctx_t io;
    char *oid; /* the header object */
    const char *ident;
    rados_completion_t c; /* the update in flight, or NULL */
};

/* the update in flight's answer (0 when none) */
static int
mark_wait(struct mark *m)
{
    int r;

    if (!m->c)
        return 0;
    rados_aio_wait_for_complete(m->c);
    r = rados_aio_get_return_value(m->c);
    rados_aio_release(m->c);
    m->c = NULL;
    return r;
}

/* the rbd class's @method with @in on the header object, once the update
 * before it has landed; an image no longer there is not made again */
static int
mark_send(struct mark *m, const char *method, const char *in, size_t len)
{
    rados_write_op_t op;
    int r;

    mark_wait(m);
    /* it would only wait out its timeout too */
    if (!vrbd_cluster_answers(m->cl))
        return -ETIMEDOUT;
    r = rados_aio_create_completion(NULL, NULL, NULL, &m->c);
    if (r < 0) {
        m->c = NULL;
        return r;
    }
    op = rados_create_write_op();
    rados_write_op_assert_exists(op);
    rados_write_op_exec(op, "rbd", method, in, len, NULL);
    r = rados_aio_write_op_operate(op, m->io, m->c, m->oid, NULL, 0);
    rados_release_write_op(op);
    if (r < 0) {
        rados_aio_release(m->c);
        m->c = NULL;
    }
    return r;
}

/* @m marks the image @id in @io (of @cl) for @ident, from now on */
static void
mark_begin(struct mark *m, vrbd_cluster *cl, rados_ioctx_t io, const char *id,
           const char *ident)
{
    m->cl = cl;
    m->io = io;
    m->oid = xasprintf(HEADER_PREFIX "%s", id);
    m->ident = ident;
    m->c = NULL;
}

/* the engine's checkpoint: a failed update only makes a resume start
 * earlier.  Its input is a map of one key to one value. */
static void
mark_done(uint64_t safe, void *opaque)
{
    struct mark *m = opaque;
    CLEANUP_FREE char *v =
        xasprintf("done=%llu %s", (unsigned long long)safe, m->ident);
    size_t klen = strlen(INCOMPLETE_KEY), vlen = strlen(v);
    CLEANUP_FREE char *in = xmalloc(12 + klen + vlen);
    char *p = in;

    p = vrbd_header_put_u32(p, 1);
    p = vrbd_header_put_string(p, INCOMPLETE_KEY, klen);
    p = vrbd_header_put_string(p, v, vlen);
    mark_send(m, "metadata_set", in, (size_t)(p - in));
}

/* The mark goes, while @img closes (*@img NULL after); 0, or -1 with the
 * error set */
static int
mark_remove(struct mark *m, rbd_image_t *img, const char *tmp)
{
    size_t klen = strlen(INCOMPLETE_KEY);
    char in[4 + sizeof(INCOMPLETE_KEY)];
    int r;

    vrbd_header_put_string(in, INCOMPLETE_KEY, klen);
    r = mark_send(m, "metadata_remove", in, 4 + klen);
    rbd_close(*img);
    *img = NULL;
    if (r == 0)
        r = mark_wait(m);
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot mark '%s' complete", tmp);
    return 0;
}

static void
mark_end(struct mark *m)
{
    mark_wait(m);
    free(m->oid);
    m->oid = NULL;
}

/* The mark moves on every 64 MiB of the transfer @x: the first time at
 * once, then at most once a second.  When marks went through
 * rbd_metadata_set(), behind a 5 ms round trip an import of 512 MiB took
 * 0.67 s longer with a mark every 64 MiB than with none, and 0.27 s with
 * at most one a second; a mark no longer holds the writes (mark_send()),
 * but one a second is enough: a resume after a crash redoes about a
 * second more. */
static void
mark_as_it_goes(struct vrbd_xfer *x, struct mark *m)
{
    x->checkpoint = mark_done;
    x->checkpoint_opaque = m;
    x->checkpoint_every = 64 << 20;
    x->checkpoint_gap = 1.0;
}

/* seconds to wait for a killed import's watch to go: the OSDs' default
 * osd_client_watch_timeout is 30 */
#define WATCH_WAIT 35

/* whether a client other than this read-only one has @img open */
static bool
watched(rbd_image_t img)
{
    rbd_image_watcher_t w[8];
    size_t nw = 8;
    int r = rbd_watchers_list(img, w, &nw);

    if (r == -ERANGE)
        return true;
    if (r < 0)
        return false;
    rbd_watchers_list_cleanup(w, nw);
    return nw > 0;
}

/*
 * The temporary image of an earlier @what ("import" or "copy", named
 * @tprefix@image.PID) of @ident to @image in @io, to continue: its name in
 * *@name and where it stopped in *@done (*@name NULL: none).  Partial ones
 * of the same image from another source, or from this one before it
 * changed, are removed.  One still open elsewhere is a run that goes on:
 * refused.
 */
static int
find_partial(rados_ioctx_t io, const char *what, const char *tprefix,
             const char *image, const char *ident, char **name, uint64_t *done)
{
    CLEANUP_FREE char *prefix = xasprintf("%s%s.", tprefix, image);
    rbd_image_spec_t *imgs = NULL;
    size_t n = 64;
    int r;

    *name = NULL;
    for (;;) {
        imgs = xreallocarray(imgs, n, sizeof(*imgs));
        r = rbd_list2(io, imgs, &n);
        if (r != -ERANGE)
            break;
    }
    if (r < 0) {
        free(imgs);
        return vrbd_error_ceph(r, NULL, "cannot list the images of the pool");
    }
    for (size_t i = 0; i < n && r >= 0; i++) {
        const char *nm = imgs[i].name;
        rbd_image_t img;
        char val[4096];
        size_t vlen = sizeof(val);
        unsigned long long d = 0;
        int pos = 0;
        bool mine, busy = false;

        if (strncmp(nm, prefix, strlen(prefix)) != 0 ||
            strspn(nm + strlen(prefix), "0123456789") !=
                strlen(nm + strlen(prefix)))
            continue;
        if (rbd_open_read_only(io, nm, &img, NULL) < 0)
            continue;
        if (rbd_metadata_get(img, INCOMPLETE_KEY, val, &vlen) < 0) {
            rbd_close(img);
            continue;
        }
        mine = sscanf(val, "done=%llu %n", &d, &pos) == 1 && pos > 0 &&
               strcmp(val + pos, ident) == 0;
        /* open elsewhere: a run that goes on (its mark moves on, or goes
         * when it completes), or one that was killed, whose watch the
         * OSDs drop within osd_client_watch_timeout.  Looked at every
         * 100 ms, so that a fast run is seen moving before it ends, and
         * once more when the watch has gone: a run that ended meanwhile
         * moved or removed its mark */
        for (int t = 0;; t++) {
            char now[sizeof(val)];
            size_t nlen = sizeof(now);
            bool open = watched(img);

            if (t > 0 || open)
                busy = rbd_metadata_get(img, INCOMPLETE_KEY, now, &nlen) < 0 ||
                       strcmp(now, val) != 0;
            if (!open || busy)
                break;
            if (!mine || t == WATCH_WAIT * 10) {
                busy = true;
                break;
            }
            if (t == 0)
                vrbd_warn(
                    "'%s' is open elsewhere: waiting up to %d s for the watch of a stopped %s to expire",
                    nm, WATCH_WAIT, what);
            usleep(100 * 1000);
        }
        rbd_close(img);
        if (busy && mine) {
            r = vrbd_error_set(
                VRBD_ERR_BUSY, EBUSY, "wait for it, or stop it first",
                "%s %s to '%s' is running: its temporary image '%s' is open",
                what[0] == 'i' ? "an" : "a", what, image, nm);
            break;
        }
        if (busy) /* another source's, running: not ours to touch */
            continue;
        if (mine && !*name) {
            *name = xstrdup(nm);
            *done = d;
            continue;
        }
        vrbd_warn(
            "removing '%s', a partial %s from another source or an older state of this one",
            nm, what);
        if (rbd_remove(io, nm) < 0)
            vrbd_warn(
                "cannot remove '%s': remove it with {prog}{vrbd_volume_remove}",
                nm);
    }
    rbd_image_spec_list_cleanup(imgs, n);
    free(imgs);
    if (r < 0) {
        free(*name);
        *name = NULL;
        return -1;
    }
    return 0;
}

/* Whether @name is a temporary image: its kind (*@what) and the image it
 * was to become (*@image, free()) */
static bool
partial_name(const char *name, const char **what, char **image)
{
    static const struct {
        const char *prefix, *what;
    } kinds[] = {{IMPORT_PREFIX, "import"}, {COPY_PREFIX, "copy"}};

    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        size_t pl = strlen(kinds[k].prefix);
        const char *dot = strrchr(name, '.');

        if (strncmp(name, kinds[k].prefix, pl) != 0 || !dot ||
            dot <= name + pl || !dot[1] ||
            strspn(dot + 1, "0123456789") != strlen(dot + 1))
            continue;
        *what = kinds[k].what;
        *image = xstrndup(name + pl, (size_t)(dot - name - pl));
        return true;
    }
    return false;
}

/* Whether the temporary image @name (".....PID") is a run of this host
 * that goes on: between creating its image and opening it, a run holds no
 * watch yet */
static bool
local_run(const char *name)
{
    CLEANUP_FREE char *path =
        xasprintf("/proc/%s/comm", strrchr(name, '.') + 1);
    char comm[32] = "";
    FILE *f = fopen(path, "re");

    if (!f)
        return false;
    if (!fgets(comm, sizeof(comm), f))
        comm[0] = '\0';
    fclose(f);
    return strncmp(comm, "virt-rbd", 8) == 0;
}

/* what @p's image says about itself: size, age, progress, whether open */
static void
partial_read(rados_ioctx_t io, vrbd_partial *p)
{
    rbd_image_t img;
    rbd_image_info_t st;
    struct timespec ts;
    char val[4096];
    size_t vlen = sizeof(val);
    unsigned long long d;

    p->done = VRBD_UNKNOWN;
    if (rbd_open_read_only(io, p->name, &img, NULL) < 0)
        return;
    if (rbd_stat(img, &st, sizeof(st)) == 0)
        p->size = st.size;
    if (rbd_get_create_timestamp(img, &ts) == 0)
        p->created = ts.tv_sec;
    if (rbd_metadata_get(img, INCOMPLETE_KEY, val, &vlen) == 0 &&
        sscanf(val, "done=%llu", &d) == 1)
        p->done = d;
    p->running = watched(img) || local_run(p->name);
    rbd_close(img);
}

int
vrbd_partial_list(vrbd_cluster *cl, const char *pool, const char *nspace,
                  vrbd_partial **out, size_t *n_out)
{
    vrbd_volume_info *all = NULL;
    vrbd_partial *list = NULL;
    rados_ioctx_t io;
    size_t n = 0, k = 0;

    *out = NULL;
    *n_out = 0;
    if (vrbd_volume_list(cl, pool, nspace, false, 0, &all, &n) < 0)
        return -1;
    if (vrbd_volume_ioctx(cl, pool, nspace, &io) < 0) {
        vrbd_volume_info_list_free(all, n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        vrbd_partial p = {0};

        if (!partial_name(all[i].name, &p.what, &p.image))
            continue;
        p.name = xstrdup(all[i].name);
        partial_read(io, &p);
        list = xreallocarray(list, k + 1, sizeof(*list));
        list[k++] = p;
    }
    rados_ioctx_destroy(io);
    vrbd_volume_info_list_free(all, n);
    *out = list;
    *n_out = k;
    return 0;
}

/* "3 min", "2 h", "5 d": how long ago @t was */
static void
age_text(int64_t t, char *buf, size_t size)
{
    int64_t s = (int64_t)time(NULL) - t;

    if (t <= 0)
        snprintf(buf, size, "of unknown age");
    else if (s < 120)
        snprintf(buf, size, "%lld s old", (long long)(s < 0 ? 0 : s));
    else if (s < 7200)
        snprintf(buf, size, "%lld min old", (long long)(s / 60));
    else if (s < 172800)
        snprintf(buf, size, "%lld h old", (long long)(s / 3600));
    else
        snprintf(buf, size, "%lld d old", (long long)(s / 86400));
}

char *
vrbd_partial_describe(const vrbd_partial *p, const char *cluster,
                      const char *pool, const char *nspace)
{
    CLEANUP_FREE char *where = xasprintf(
        "%s:%s/%s%s", cluster, pool, nspace ? nspace : "", nspace ? "/" : "");
    CLEANUP_FREE char *text = NULL;
    char done[32] = "?", size[32], age[32];
    bool import = strcmp(p->what, "import") == 0;

    if (p->running)
        return xasprintf("'%s' is %s %s to '%s' that is running (the image "
                         "is open elsewhere)",
                         p->name, import ? "an" : "a", p->what, p->image);
    if (p->done != VRBD_UNKNOWN)
        vrbd_size_format(p->done, done, sizeof(done));
    vrbd_size_format(p->size, size, sizeof(size));
    age_text(p->created, age, sizeof(age));
    text =
        xasprintf("'%s' is an unfinished %s to '%s' (%s of %s marked done, "
                  "%s): continue it with '{prog}%s {resume} %s "
                  "%s%s', or remove it with '{prog}{vrbd_volume_remove} %s%s'",
                  p->name, p->what, p->image, done, size, age,
                  import ? "{vrbd_import_file}" : "{vrbd_copy_image}",
                  import ? "FILE" : "SOURCE", where, p->image, where, p->name);
    return vrbd_words(text);
}

void
vrbd_partial_list_free(vrbd_partial *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(list[i].name);
        free(list[i].image);
    }
    free(list);
}

/* A run without --resume names what earlier runs of @what to @dst left,
 * instead of leaving it unmentioned */
static void
warn_left(vrbd_cluster *cl, const vrbd_spec *dst, const char *what)
{
    vrbd_partial *parts = NULL;
    size_t n = 0;

    if (vrbd_partial_list(cl, dst->pool, dst->nspace, &parts, &n) < 0) {
        vrbd_error_clear();
        return;
    }
    for (size_t i = 0; i < n; i++) {
        CLEANUP_FREE char *d = NULL;

        if (parts[i].running || strcmp(parts[i].what, what) != 0 ||
            strcmp(parts[i].image, dst->image) != 0)
            continue;
        d = vrbd_partial_describe(&parts[i], vrbd_cluster_name(cl), dst->pool,
                                  dst->nspace);
        vrbd_warn("%s", d);
    }
    vrbd_partial_list_free(parts, n);
}

/* Close @img of @cl, at once, or on a thread of its own when @cl stopped
 * answering (rbd_close() would wait out the timeouts of what is in
 * flight) */
static void
close_image(vrbd_cluster *cl, rbd_image_t img)
{
    if (!img)
        return;
    if (vrbd_cluster_answers(cl))
        rbd_close(img);
    else
        vrbd_cluster_close_later(cl, img);
}

/*
 * After a failed or interrupted run (the error set): with @keep (--resume)
 * the temporary image @tmp (in @dst's pool and namespace on @cl) stays,
 * marked, for the next run, and the error says so; without, it is removed,
 * and nothing is left.  A removal that fails, or that is not tried because
 * the cluster stopped answering, leaves it marked too, and says so.
 */
static void
leave_partial(vrbd_cluster *cl, rados_ioctx_t io, const vrbd_spec *dst,
              char *tmp, bool keep, const char *what, const char *done_word)
{
    vrbd_spec t = *dst;
    CLEANUP_FREE char *tname = NULL;
    vrbd_error_saved saved;
    CLEANUP_FREE char *msg = NULL;
    CLEANUP_FREE char *hint = NULL;

    vrbd_error_save(&saved);
    t.image = tmp;
    t.snap = NULL;
    tname = vrbd_volume_name(&t);
    if (keep) {
        msg =
            xasprintf("%s; the partial image '%s' is kept", saved.message, tmp);
        hint = xasprintf("run the same %s with {resume} to continue", what);
    } else if (!vrbd_cluster_answers(cl) && saved.errnum == EDQUOT) {
        /* removing needs writes too */
        vrbd_warn(
            "the temporary image '%s' is left: once the pool has room, remove it with '{prog}{vrbd_volume_remove} %s:%s' ({vrbd_doctor_run} and {vrbd_volume_list} name it)",
            tmp, vrbd_cluster_name(cl), tname);
    } else if (!vrbd_cluster_answers(cl)) {
        /* removing it would wait out another timeout or two */
        vrbd_warn(
            "the temporary image '%s' is left: once cluster '%s' answers, remove it with '{prog}{vrbd_volume_remove} %s:%s' ({vrbd_doctor_run} and {vrbd_volume_list} name it)",
            tmp, vrbd_cluster_name(cl), vrbd_cluster_name(cl), tname);
    } else if (remove_image(io, tmp) < 0) {
        vrbd_warn(
            "the temporary image '%s' is left: remove it with '{prog}{vrbd_volume_remove} %s:%s'",
            tmp, vrbd_cluster_name(cl), tname);
    } else if (saved.errnum == EINTR) {
        msg = xasprintf("%s: nothing was %s", saved.message, done_word);
        hint = xstrdup("run it again");
    }
    if (msg) {
        vrbd_error_set(saved.code, saved.errnum, hint ? hint : saved.hint, "%s",
                       msg);
        vrbd_error_saved_free(&saved);
    } else {
        vrbd_error_restore(&saved, hint);
    }
}

/* The engine's run, then the read-back when asked: 0, -1 (the error
 * set), or -EINTR when cancelled (the caller says what was left). */
static int
transfer(struct vrbd_endpoint *src, struct vrbd_endpoint *dst,
         const struct vrbd_xfer *x, const vrbd_copy_opts *opts,
         vrbd_copy_stats *stats)
{
    int r = vrbd_xfer_run(src, dst, x, stats);

    if (r < 0)
        return r;
    if (opts->verify) {
        if (vrbd_xfer_verify(src, dst, x->chunk) < 0)
            return -1;
        stats->verified = true;
    }
    return 0;
}

/* Whether @dst (existing) may be replaced: nothing holds it, it has no
 * clones and no protected snapshots. */
static int
check_replaceable(vrbd_cluster *cl, const vrbd_spec *dst, const char *final)
{
    vrbd_volume_info *cur = NULL;
    bool busy;

    if (vrbd_volume_info_get(cl, dst, &cur) < 0)
        return -1;
    busy = cur->n_watchers > 0 || cur->n_children > 0 || cur->any_protected;
    vrbd_volume_info_free(cur);
    if (busy)
        return vrbd_error_set(
            VRBD_ERR_BUSY, EBUSY,
            "see {prog}{vrbd_volume_who} and {vrbd_volume_info_get}",
            "image '%s' is in use or has clones or protected snapshots: not replacing it",
            final);
    return 0;
}

/* Whether the import may go to @dst, given @there (probe_end()'s answer):
 * it is not there, or with @force it is and may be replaced (*@exists);
 * 0, or -1 with the error set. */
static int
may_take(vrbd_cluster *cl, const vrbd_spec *dst, const char *final, int there,
         bool force, bool *exists)
{
    if (there <= 0)
        return there;
    *exists = true;
    if (!force)
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "give {force} to replace it",
                              "image '%s' exists already", final);
    /* what would stop its removal at the end stops the import now */
    return check_replaceable(cl, dst, final);
}

/*
 * This run's temporary image @tmp (id @id), closed, takes the name @name
 * in @io the way rbd_rename() renames a format 2 image: the id object
 * under the new name (made as rbd_create() makes it, so a name taken
 * meanwhile refuses it), the directory entry moved (refused if either
 * changed), the old id object removed.  What rbd_rename() adds is for an
 * image in use: it opens the image, takes its owner lock, notifies its
 * watchers and closes it again, about 30 round trips, 70 ms behind the
 * 1 ms link; this is three.  0, or a negative errno with @tmp as it was.
 */
static int
rename_fresh(rados_ioctx_t io, const char *tmp, const char *id,
             const char *name)
{
    CLEANUP_FREE char *from = xasprintf(ID_PREFIX "%s", tmp);
    CLEANUP_FREE char *to = xasprintf(ID_PREFIX "%s", name);
    size_t tl = strlen(tmp), nl = strlen(name), il = strlen(id);
    CLEANUP_FREE char *in = xmalloc(12 + tl + nl + il);
    char *p = vrbd_header_put_string(in, id, il);
    rados_write_op_t op = rados_create_write_op();
    int r;

    rados_write_op_create(op, LIBRADOS_CREATE_EXCLUSIVE, NULL);
    rados_write_op_exec(op, "rbd", "set_id", in, (size_t)(p - in), NULL);
    r = rados_write_op_operate(op, io, to, NULL, 0);
    rados_release_write_op(op);
    if (r < 0)
        return r;
    p = vrbd_header_put_string(in, tmp, tl);
    p = vrbd_header_put_string(p, name, nl);
    p = vrbd_header_put_string(p, id, il);
    op = rados_create_write_op();
    rados_write_op_exec(op, "rbd", "dir_rename_image", in, (size_t)(p - in),
                        NULL);
    r = rados_write_op_operate(op, io, DIRECTORY, NULL, 0);
    rados_release_write_op(op);
    if (r < 0) {
        if (rados_remove(io, to) < 0)
            vrbd_warn("the object '%s' is left: remove it with rados rm", to);
        return r;
    }
    /* as rbd_rename(): the image is renamed already */
    r = rados_remove(io, from);
    if (r < 0 && r != -ENOENT)
        vrbd_warn("the object '%s' is left: remove it with rados rm", from);
    return 0;
}

/*
 * The complete temporary image @tmp (id @id) takes @dst's name.  An image
 * there (@old_id, the one found there and checked at the start; NULL: the
 * name was free) steps aside first, only if it is still that one, and
 * comes back if the rename fails: one of them always holds the name; then
 * it is removed.  So of two runs to one name at once exactly one wins,
 * with --force too: the other finds the name taken, or held by an image
 * it never checked, and fails with nothing replaced.
 */
static int
take_name(vrbd_cluster *cl, rados_ioctx_t io, const vrbd_spec *dst,
          const char *tmp, const char *id, const char *old_id)
{
    CLEANUP_FREE char *final = vrbd_volume_name(dst);
    CLEANUP_FREE char *old = NULL;
    int r;

    if (old_id) {
        old = xasprintf(".virt-rbd-old.%s.%d", dst->image, (int)getpid());
        r = *old_id ? rename_fresh(io, dst->image, old_id, old) : -ESTALE;
        if (r == -ESTALE || r == -ENOENT)
            return vrbd_error_set(
                VRBD_ERR_EXISTS, EEXIST,
                "run it again to replace the image there now",
                "image '%s' was replaced or removed by another client meanwhile: not replacing an image this run did not check",
                final);
        if (r < 0)
            return vrbd_error_ceph(r, NULL, "cannot move '%s' aside", final);
    }
    r = rename_fresh(io, tmp, id, dst->image);
    if (r < 0) {
        if (old && rename_fresh(io, old, old_id, dst->image) < 0)
            vrbd_warn("the old image is left as '%s'", old);
        if (r == -EEXIST)
            return vrbd_error_set(
                VRBD_ERR_EXISTS, EEXIST,
                "run it again with {force} to replace it",
                "image '%s' was made by another client meanwhile", final);
        return vrbd_error_ceph(r, NULL, "cannot rename '%s' to '%s'", tmp,
                               final);
    }
    if (old) {
        vrbd_spec os = *dst;
        vrbd_remove_opts ro = {.version = VRBD_REMOVE_OPTS_VERSION,
                               .force = true};

        os.image = old;
        if (vrbd_volume_remove(NULL, cl, &os, &ro) < 0) {
            vrbd_warn("the replaced image is left as '%s': %s", old,
                      vrbd_error_last()->message);
            vrbd_error_clear();
        }
    }
    return 0;
}

/* @path, or for "-" standard input: a file or device redirected there is
 * read as such, a pipe as a stream of opts->size bytes */
static int
open_import_source(const char *path, const vrbd_copy_opts *opts,
                   struct vrbd_endpoint **src)
{
    struct stat st;

    if (strcmp(path, "-") != 0 ||
        (fstat(0, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))) {
        if (opts->size)
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0,
                "leave {size} out: the file's own size is used",
                "{size} is for a pipe on standard input");
        return vrbd_source_open(strcmp(path, "-") == 0 ? "/dev/stdin" : path,
                                opts, src);
    }
    if (opts->format && strcmp(opts->format, "auto") != 0 &&
        strcmp(opts->format, "raw") != 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "convert it to a file first, or pipe raw data",
                              "a pipe is read as raw, not as %s", opts->format);
    if (opts->resume)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "import from a file to resume",
            "a pipe cannot be resumed: {resume} needs a file");
    if (opts->verify)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "import from a file to verify",
                              "a pipe cannot be read back: no {verify} with -");
    return vrbd_stream_open(0, opts->size, src);
}

/* One import of a file into a new image, from its start to its cleanup */
struct rbd_import {
    vrbd_cluster *cl;
    const char *path;
    const vrbd_spec *dst;
    const vrbd_copy_opts *opts;
    vrbd_copy_stats *stats;
    char *final; /* the target's name, for messages */
    struct vrbd_endpoint *src, *dep;
    bool unsized;  /* a pipe of unknown length */
    uint64_t size; /* the image's first size */
    rados_ioctx_t io;
    /* whether the target's name is taken, asked while the rest goes on */
    struct probe probe;
    bool probing, exists;
    /* the temporary image, its id and mark */
    char *tmp, *ident;
    char id[64];
    bool created;
    rbd_image_t img;
    struct mark mark;
    uint64_t start;
};

/* The pool must have room: not full (a full pool would hold the first
 * write until the timeout), nor short of the source's data by its quota.
 * 0, or -1 with the error set. */
static int
check_room(struct rbd_import *c)
{
    CLEANUP_FREE char *why = vrbd_pool_full_reason(c->cl, c->dst->pool);

    if (why) {
        c->probing = false;
        if (may_take(c->cl, c->dst, c->final, probe_end(&c->probe, c->final),
                     c->opts->force, &c->exists) == 0)
            vrbd_error_set(VRBD_ERR_IO, EDQUOT, VRBD_FULL_POOL_HINT,
                           "pool '%s' is full, %s: nothing was imported",
                           c->dst->pool, why);
        return -1;
    }
    if (!c->unsized && !c->opts->resume &&
        refuse_if_short(c->cl, c->dst, c->path, c->src) < 0)
        return -1;
    return 0;
}

/*
 * The import goes into a temporary image: made now, or with --resume the
 * one an earlier run of the same file left; the target's name must be
 * free (or, with --force, replaceable).  Open as c->img and marked: 0, or
 * -1 with the error set.
 */
static int
begin_import(struct rbd_import *c)
{
    vrbd_spec tspec = *c->dst;
    bool fresh = false;
    int r;

    c->ident = source_ident(c->path, c->src);
    if (!c->opts->resume)
        warn_left(c->cl, c->dst, "import");
    if (c->opts->resume &&
        find_partial(c->io, "import", IMPORT_PREFIX, c->dst->image, c->ident,
                     &c->tmp, &c->start) < 0)
        return -1;
    if (!c->tmp) {
        vrbd_volume_create_opts co = {
            .version = VRBD_VOLUME_CREATE_OPTS_VERSION, .size = c->size};

        c->tmp = xasprintf(IMPORT_PREFIX "%s.%d", c->dst->image, (int)getpid());
        tspec.image = c->tmp;
        if (vrbd_volume_make(c->cl, &tspec, &co) < 0)
            return -1;
        fresh = true;
    }
    c->probing = false;
    if (may_take(c->cl, c->dst, c->final, probe_end(&c->probe, c->final),
                 c->opts->force, &c->exists) < 0) {
        /* made meanwhile, it goes; a partial one found stays as it was */
        if (fresh)
            leave_partial(c->cl, c->io, c->dst, c->tmp, false, "import",
                          "imported");
        return -1;
    }
    c->created = true;
    r = rbd_open(c->io, c->tmp, &c->img, NULL);
    if (r < 0) {
        c->img = NULL;
        return vrbd_error_ceph(r, NULL, "cannot open '%s'", c->tmp);
    }
    r = rbd_get_id(c->img, c->id, sizeof(c->id));
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot read the id of '%s'", c->tmp);
    mark_begin(&c->mark, c->cl, c->io, c->id, c->ident);
    mark_done(c->start, &c->mark);
    c->stats->resumed_from = c->start;
    return 0;
}

/* Move the data, and give an unsized import its size: 0, or -1 with the
 * error set */
static int
import_data(struct rbd_import *c)
{
    struct vrbd_xfer x;
    int r;

    if (vrbd_rbd_endpoint(c->cl, c->dst->pool, c->img, c->final, false, NULL,
                          false, &c->dep) < 0)
        return -1;
    vrbd_rbd_endpoint_grow(c->dep, c->unsized);
    c->stats->size = c->size;
    x = xfer_opts(c->opts, c->dep->obj_size, true, c->unsized ? 0 : c->size);
    x.stall = vrbd_cluster_timeout(c->cl);
    x.start = c->start;
    mark_as_it_goes(&x, &c->mark);
    r = transfer(c->src, c->dep, &x, c->opts, c->stats);
    if (r == -EINTR)
        vrbd_error_set(VRBD_ERR_IO, EINTR, NULL, "import of '%s' interrupted",
                       c->path);
    if (r < 0)
        return -1;
    if (!c->unsized)
        return 0;
    c->stats->size = (vrbd_stream_got(c->src) + 511) / 512 * 512;
    if (c->stats->size == 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "standard input is empty: nothing to import");
    r = rbd_resize(c->img, c->stats->size);
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot size '%s'", c->tmp);
    return 0;
}

/* The temporary image, unmarked, under the final name: 0, or -1 */
static int
finish_import(struct rbd_import *c)
{
    vrbd_endpoint_close(c->dep);
    c->dep = NULL;
    if (mark_remove(&c->mark, &c->img, c->tmp) < 0 ||
        take_name(c->cl, c->io, c->dst, c->tmp, c->id,
                  c->exists ? c->probe.id : NULL) < 0)
        return -1;
    c->created = false;
    return 0;
}

/* Close what @c opened; a temporary image left is removed or, with
 * --resume or a silent cluster, named */
static void
import_end(struct rbd_import *c)
{
    if (c->probing)
        probe_wait(&c->probe);
    vrbd_endpoint_close(c->dep);
    mark_end(&c->mark);
    close_image(c->cl, c->img);
    if (c->created)
        leave_partial(c->cl, c->io, c->dst, c->tmp, c->opts->resume, "import",
                      "imported");
    if (c->io)
        rados_ioctx_destroy(c->io);
    vrbd_cluster_bulk(c->cl, false);
    vrbd_endpoint_close(c->src);
    free(c->tmp);
    free(c->ident);
    free(c->final);
}

int
vrbd_import_file(vrbd_cluster *cl, const char *path, const vrbd_spec *dst,
                 const vrbd_copy_opts *opts, vrbd_copy_stats *stats)
{
    struct rbd_import c = {
        .cl = cl, .path = path, .dst = dst, .opts = opts, .stats = stats};
    double t0 = vrbd_now();
    int ret = -1;

    if (vrbd_opts_check(opts, VRBD_COPY_OPTS_VERSION, "vrbd_copy_opts") < 0)
        return -1;
    memset(stats, 0, sizeof(*stats));
    if (!dst->image || dst->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "import goes to POOL[/NS]/IMAGE without @SNAP");
    if (vrbd_volume_new_name_check(dst) < 0 ||
        open_import_source(path, opts, &c.src) < 0)
        return -1;
    c.final = vrbd_volume_name(dst);
    /* a pipe of unknown length: the image starts at GROW_FROM, doubles as
     * data comes, and gets the input's size at the end */
    c.unsized = c.src->stream && !vrbd_stream_sized(c.src);
    c.size = c.unsized ? GROW_FROM : c.src->size;
    vrbd_cluster_bulk(cl, true);
    if (vrbd_volume_ioctx(cl, dst->pool, dst->nspace, &c.io) < 0)
        goto done;
    probe_start(&c.probe, c.io, dst->image);
    c.probing = true;
    if (check_room(&c) < 0 || begin_import(&c) < 0 || import_data(&c) < 0 ||
        finish_import(&c) < 0)
        goto done;
    stats->seconds = vrbd_now() - t0;
    ret = 0;
done:
    import_end(&c);
    return ret;
}

int
vrbd_export_file(vrbd_cluster *cl, const vrbd_spec *src, const char *path,
                 const vrbd_copy_opts *opts, vrbd_copy_stats *stats)
{
    CLEANUP_FREE char *tmp = NULL;
    CLEANUP_FREE char *name = NULL;
    struct vrbd_endpoint *sep = NULL, *dep = NULL;
    struct vrbd_xfer x;
    rados_ioctx_t io = NULL;
    rbd_image_t img = NULL;
    double t0 = vrbd_now();
    bool made = false, stream = strcmp(path, "-") == 0;
    bool raw = !opts->format || strcmp(opts->format, "raw") == 0;
    int ret = -1, r;

    if (vrbd_opts_check(opts, VRBD_COPY_OPTS_VERSION, "vrbd_copy_opts") < 0)
        return -1;
    memset(stats, 0, sizeof(*stats));
    if (stream && !raw)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "export to a file, or leave {format} out",
                              "standard output takes raw data only");
    if (stream && opts->verify)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "export to a file to verify it",
            "standard output cannot be read back: no {verify} with -");
    if (!stream && !opts->force && access(path, F_OK) == 0)
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "give {force} to replace it",
                              "'%s' exists already", path);
    vrbd_cluster_bulk(cl, true);
    if (vrbd_volume_open(cl, src, true, &io, &img) < 0) {
        io = NULL;
        img = NULL;
        goto cleanup;
    }
    name = vrbd_volume_name(src);
    if (vrbd_rbd_endpoint(cl, src->pool, img, name, true, NULL, false, &sep) <
        0)
        goto cleanup;
    stats->size = sep->size;
    if (stream) {
        if (vrbd_stream_open(1, sep->size, &dep) < 0)
            goto cleanup;
    } else {
        tmp = xasprintf("%s.virt-rbd-tmp.%d", path, (int)getpid());
        if ((raw ? vrbd_dest_open_file(tmp, path, sep->size, &dep)
                 : vrbd_dest_open_nbd(tmp, path, opts, sep->size, &dep)) < 0)
            goto cleanup;
        made = true;
    }
    x = xfer_opts(opts, sep->obj_size, true, sep->size);
    x.stall = vrbd_cluster_timeout(cl);
    r = transfer(sep, dep, &x, opts, stats);
    if (r == -EINTR)
        vrbd_error_set(
            VRBD_ERR_IO, EINTR, "run it again",
            stream
                ? "export interrupted: standard output got only part of the image"
                : "export interrupted: '%s' was not written",
            path);
    if (r < 0)
        goto cleanup;
    if (!stream && rename(tmp, path) < 0) {
        vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot write '%s': %s", path,
                       strerror(errno));
        goto cleanup;
    }
    made = false;
    stats->seconds = vrbd_now() - t0;
    ret = 0;

cleanup:
    if (made)
        unlink(tmp);
    vrbd_endpoint_close(dep);
    vrbd_endpoint_close(sep);
    close_image(cl, img);
    if (io)
        rados_ioctx_destroy(io);
    vrbd_cluster_bulk(cl, false);
    return ret;
}

/* ---------------------------------------------------------------- rbd -> rbd
 */

/* The newest snapshot of @img by id, into @name (empty: none), and its
 * size into *@bytes. */
static int
newest_snap(rbd_image_t img, char *name, size_t size, uint64_t *bytes)
{
    rbd_snap_info_t *snaps = NULL;
    int n = vrbd_volume_snap_list(img, &snaps);
    uint64_t id = 0;

    *name = '\0';
    *bytes = 0;
    if (n < 0)
        return n;
    for (int i = 0; i < n; i++)
        if (!*name || snaps[i].id > id) {
            snprintf(name, size, "%s", snaps[i].name);
            id = snaps[i].id;
            *bytes = snaps[i].size;
        }
    vrbd_volume_snap_list_free(snaps, n);
    return 0;
}

/* What identifies snapshot @src (open as @img in @io) of @cl, for the
 * mark of a copy's temporary image: ids, which a re-created image or
 * snapshot of the same name does not keep. */
static char *
snap_ident(vrbd_cluster *cl, rados_ioctx_t io, rbd_image_t img,
           const vrbd_spec *src, const rbd_image_info_t *info)
{
    char id[64] = "";
    uint64_t snap_id = 0;

    rbd_get_id(img, id, sizeof(id));
    if (src->snap)
        rbd_snap_get_id(img, src->snap, &snap_id);
    return xasprintf("size=%llu order=%d src=%s:%lld/%s/%s@%llu",
                     (unsigned long long)info->size, info->order,
                     vrbd_cluster_fsid(cl), (long long)rados_ioctx_get_id(io),
                     src->nspace ? src->nspace : "", id,
                     (unsigned long long)snap_id);
}

/* where an open image lives: cluster, pool, namespace, image id */
struct place {
    const char *fsid;
    int64_t pool;
    char ns[256];
    char id[64];
};

static void
place_of(vrbd_cluster *cl, rados_ioctx_t io, rbd_image_t img, struct place *p)
{
    memset(p, 0, sizeof(*p));
    p->fsid = vrbd_cluster_fsid(cl);
    p->pool = rados_ioctx_get_id(io);
    if (rados_ioctx_get_namespace(io, p->ns, sizeof(p->ns)) < 0)
        p->ns[0] = '\0';
    if (rbd_get_id(img, p->id, sizeof(p->id)) < 0)
        p->id[0] = '\0';
}

/* @img's parent (a clone's) is the image at @p */
static bool
parent_is(rbd_image_t img, const struct place *self, const struct place *p)
{
    rbd_linked_image_spec_t parent;
    rbd_snap_spec_t snap;
    bool is;

    if (rbd_get_parent(img, &parent, &snap) < 0)
        return false;
    is = strcmp(self->fsid, p->fsid) == 0 && parent.pool_id == p->pool &&
         strcmp(parent.pool_namespace ? parent.pool_namespace : "", p->ns) ==
             0 &&
         *p->id && strcmp(parent.image_id, p->id) == 0;
    rbd_linked_image_spec_cleanup(&parent);
    rbd_snap_spec_cleanup(&snap);
    return is;
}

/*
 * Refuse a copy from @simg to the existing @dimg when they are one image,
 * or one is the other's clone: replacing the target would destroy the
 * source it reads (or its parent's data under it), and --force does not
 * change that.  0, or -1 with the error set.
 */
static int
check_related(vrbd_cluster *scl, rados_ioctx_t sio, rbd_image_t simg,
              vrbd_cluster *dcl, rados_ioctx_t dio, rbd_image_t dimg,
              const char *sname, const char *final)
{
    struct place s, d;

    place_of(scl, sio, simg, &s);
    place_of(dcl, dio, dimg, &d);
    if (strcmp(s.fsid, d.fsid) == 0 && s.pool == d.pool &&
        strcmp(s.ns, d.ns) == 0 && *s.id && strcmp(s.id, d.id) == 0)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "copy to another name; to go back to a snapshot, use vol snap rollback",
            "'%s' is the image the copy reads from: copying it onto itself would destroy it",
            final);
    if (parent_is(simg, &s, &d))
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "copy to another name, or flatten the source first (vol flatten)",
            "'%s' is the parent of '%s' (a clone of it): replacing it would destroy the source's data",
            final, sname);
    if (parent_is(dimg, &d, &s))
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "copy to another name, or remove the clone first",
            "'%s' is a clone of '%s', the image the copy reads from: not replacing it",
            final, sname);
    return 0;
}

/*
 * Refuse an incremental copy that goes back: @base, the target's newest
 * snapshot, is newer in the source than src->snap.  librbd lists no
 * changes backwards (EINVAL), and it said so only after the target was
 * resized to the older snapshot's size, which cut off its data past that
 * (the test-fsx model found it).  0, or -1 with the error set.
 */
static int
check_forward(rbd_image_t simg, const vrbd_spec *src, const char *base,
              const char *final)
{
    uint64_t base_id = 0, snap_id = 0;

    if (rbd_snap_get_id(simg, base, &base_id) < 0 ||
        rbd_snap_get_id(simg, src->snap, &snap_id) < 0 || base_id < snap_id)
        return 0;
    return vrbd_error_set(
        VRBD_ERR_INVALID, 0,
        "copy a newer snapshot of the source, or copy this one in full with {force}",
        "'%s' is at snapshot '%s', which is newer than '%s': an incremental copy only goes forward",
        final, base, src->snap);
}

/* whether a client other than this connection @cl has @img open */
static bool
open_elsewhere(vrbd_cluster *cl, rbd_image_t img)
{
    rbd_image_watcher_t w[16];
    size_t nw = 16;
    uint64_t me = rados_get_instance_id(vrbd_cluster_rados(cl));
    bool other = false;
    int r = rbd_watchers_list(img, w, &nw);

    if (r == -ERANGE)
        return true;
    if (r < 0)
        return false;
    for (size_t i = 0; i < nw; i++)
        if ((uint64_t)w[i].id != me)
            other = true;
    rbd_watchers_list_cleanup(w, nw);
    return other;
}

/*
 * Whether the target @dimg may take the change: written since its base
 * snapshot @base, it may only be by an earlier run of this copy that
 * stopped, which left UNDERWAY_KEY naming @base; else the copy would
 * overwrite those writes.  The ranges it changed are *@changes (the
 * caller copies them again from the source).  0, or -1 with the error.
 */
static int
check_unwritten(vrbd_cluster *dcl, rbd_image_t dimg, const char *final,
                const char *base, uint64_t base_size,
                struct vrbd_extent **changes, size_t *n)
{
    CLEANUP_FREE char *hint = NULL;
    char val[256] = "", human[32];
    size_t vlen = sizeof(val) - 1;
    uint64_t size = 0, bytes = 0;
    int r = rbd_get_size(dimg, &size);

    if (r >= 0)
        r = vrbd_rbd_changes(dimg, base, size, changes, n);
    if (r < 0)
        return vrbd_error_ceph(r, NULL,
                               "cannot list what changed in '%s' since '%s'",
                               final, base);
    if (size != base_size) {
        /* resized: what the base had past a shrink is gone, what it did
         * not have past a growth is new; either is a change */
        uint64_t lo = size < base_size ? size : base_size;
        uint64_t hi = size > base_size ? size : base_size;
        struct vrbd_extent *last;

        while (*n && (*changes)[*n - 1].off >= lo)
            (*n)--;
        last = *n ? &(*changes)[*n - 1] : NULL;
        if (last && last->off + last->len >= lo) {
            last->len = hi - last->off;
        } else {
            *changes = xreallocarray(*changes, *n + 1, sizeof(**changes));
            (*changes)[(*n)++] = (struct vrbd_extent){lo, hi - lo, true};
        }
    }
    if (!*n || (rbd_metadata_get(dimg, UNDERWAY_KEY, val, &vlen) == 0 &&
                strcmp(val, base) == 0))
        return 0;
    for (size_t i = 0; i < *n; i++)
        bytes += (*changes)[i].len;
    vrbd_size_format(bytes, human, sizeof(human));
    hint = xasprintf("roll it back ({prog}{vrbd_snap_rollback} %s:%s@%s) "
                     "and run again, or replace it with a full copy "
                     "({force} instead of {incremental})",
                     vrbd_cluster_name(dcl), final, base);
    return vrbd_error_set(
        VRBD_ERR_EXISTS, 0, hint,
        "'%s' was written or resized since its snapshot '%s' (%s changed): an incremental copy would overwrite that",
        final, base, human);
}

/* One copy of an RBD image onto a new or an existing one, from its start
 * to its cleanup. */
struct rbd_copy {
    vrbd_cluster *scl, *dcl;
    const vrbd_spec *src, *dst;
    const vrbd_copy_opts *opts;
    vrbd_copy_stats *stats;
    char *final; /* the target's name, for messages */
    rados_ioctx_t sio, dio;
    rbd_image_t simg, dimg; /* dimg: the target, or the temporary image */
    rbd_image_info_t info;  /* the source's */
    struct vrbd_endpoint *sep, *dep;
    /* onto an existing image, with --incremental */
    bool incremental;
    char base[256];
    struct vrbd_extent *changes; /* what the target changed since base */
    size_t n_changes;
    /* to a new image: the temporary one, its id and mark */
    bool created, resumed, complete;
    char *tmp, *ident;
    char id[64];
    struct mark mark;
    uint64_t start;
    /* --force: the image replaced */
    bool exists;
    char old_id[64];
};

/* Whether the target may take an incremental copy: it has no snapshot
 * @SNAP yet, nobody else has it open, nobody wrote to it since the base
 * (check_unwritten()).  0, or -1 with the error set. */
static int
check_target(struct rbd_copy *c, uint64_t base_bytes)
{
    bool there = false;

    if (rbd_snap_exists(c->dimg, c->src->snap, &there) == 0 && there)
        return vrbd_error_set(
            VRBD_ERR_EXISTS, EEXIST,
            "remove that snapshot of the target, or copy in full with {force}",
            "'%s' has a snapshot '%s' already, older than its newest, '%s'",
            c->final, c->src->snap, c->base);
    if (open_elsewhere(c->dcl, c->dimg)) {
        CLEANUP_FREE char *hint =
            xasprintf("see who has it ({prog}{vrbd_volume_who} %s:%s) and stop "
                      "that first",
                      vrbd_cluster_name(c->dcl), c->final);

        return vrbd_error_set(
            VRBD_ERR_BUSY, EBUSY, hint,
            "'%s' is open elsewhere (a VM, or another copy): an incremental copy would write under it",
            c->final);
    }
    return check_unwritten(c->dcl, c->dimg, c->final, c->base, base_bytes,
                           &c->changes, &c->n_changes);
}

/*
 * The start of an incremental copy onto the existing target c->dimg: its
 * newest snapshot, the base, in c->base; the target checked (not in use,
 * not written since the base but by this copy, see check_unwritten()),
 * marked as underway and resized.  1: the target is at the source's @SNAP
 * already; 0: go on; -1 with the error set.
 */
static int
begin_incremental(struct rbd_copy *c)
{
    const char *final = c->final, *base = c->base;
    uint64_t base_bytes = 0;
    bool there = false;
    int r = newest_snap(c->dimg, c->base, sizeof(c->base), &base_bytes);

    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot list the snapshots of '%s'",
                               final);
    if (!*base)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "copy to a new image without {incremental}",
            "'%s' has no snapshot: nothing to copy incrementally from", final);
    /* the target's newest snapshot must exist in the source too */
    r = rbd_snap_exists(c->simg, base, &there);
    if (r < 0 || !there)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "copy to a new image without {incremental}",
            "the newest snapshot of '%s', '%s', is not in the source", final,
            base);
    snprintf(c->stats->from_snap, sizeof(c->stats->from_snap), "%s", base);
    if (strcmp(base, c->src->snap) == 0)
        return 1;
    if (check_forward(c->simg, c->src, base, final) < 0 ||
        check_target(c, base_bytes) < 0)
        return -1;
    r = rbd_metadata_set(c->dimg, UNDERWAY_KEY, base);
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot mark '%s' as being copied to",
                               final);
    r = rbd_resize(c->dimg, c->info.size);
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot resize '%s'", final);
    c->incremental = true;
    return 0;
}

/* What the options and names of a copy must be: 0, or -1 with the error */
static int
check_copy_args(const vrbd_spec *src, const vrbd_spec *dst,
                const vrbd_copy_opts *opts)
{
    if (!dst->image || dst->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "a copy goes to POOL[/NS]/IMAGE without @SNAP");
    if (vrbd_volume_new_name_check(dst) < 0)
        return -1;
    if (opts->incremental && opts->force)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "give one: {force} replaces the target, {incremental} brings it up to date",
            "{force} and {incremental} do not go together");
    if (opts->incremental && !src->snap)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "snapshot the source ({prog}{vrbd_snap_create}) and copy SRC@SNAP",
            "an incremental copy goes from snapshot to snapshot: the source needs @SNAP");
    if (opts->resume && !src->snap)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "snapshot the source ({prog}{vrbd_snap_create}) and copy SRC@SNAP",
            "a copy resumes only from a snapshot: the image itself may change between runs");
    return 0;
}

/*
 * Open the source, and the target if it exists (c->dimg, else NULL),
 * and check that this copy may go there: not related to the source, and
 * an existing target only with --incremental or, closed again, with
 * --force when it may be replaced.  0, or -1 with the error set.
 */
static int
open_images(struct rbd_copy *c)
{
    int r;

    if (vrbd_volume_open(c->scl, c->src, true, &c->sio, &c->simg) < 0) {
        c->sio = NULL;
        c->simg = NULL;
        return -1;
    }
    if (rbd_stat(c->simg, &c->info, sizeof(c->info)) < 0)
        return vrbd_error_set(VRBD_ERR_IO, EIO, NULL, "cannot read the source");
    c->stats->size = c->info.size;
    if (vrbd_volume_ioctx(c->dcl, c->dst->pool, c->dst->nspace, &c->dio) < 0)
        return -1;
    r = rbd_open(c->dio, c->dst->image, &c->dimg, NULL);
    c->dimg = r < 0 ? NULL : c->dimg;
    if (r < 0 && r != -ENOENT)
        return vrbd_cluster_error(c->dcl, r, "cannot check whether '%s' exists",
                                  c->final);
    if (!c->dimg)
        return 0;
    {
        CLEANUP_FREE char *shown = vrbd_volume_name(c->src);

        if (check_related(c->scl, c->sio, c->simg, c->dcl, c->dio, c->dimg,
                          shown, c->final) < 0)
            return -1;
    }
    if (!c->opts->incremental && !c->opts->force)
        return vrbd_error_set(
            VRBD_ERR_EXISTS, EEXIST,
            "give {force} to replace it, or {incremental} to bring it up to a newer snapshot",
            "image '%s' exists already", c->final);
    if (!c->opts->force)
        return 0;
    if (rbd_get_id(c->dimg, c->old_id, sizeof(c->old_id)) < 0)
        c->old_id[0] = '\0';
    rbd_close(c->dimg);
    c->dimg = NULL;
    c->exists = true;
    return check_replaceable(c->dcl, c->dst, c->final);
}

/*
 * A copy to a new image starts in a temporary one: made now, or with
 * --resume the one an earlier run of the same snapshot left (from where
 * its mark says it stopped), open as c->dimg and marked.  0, or -1 with
 * the error set.
 */
static int
begin_full(struct rbd_copy *c)
{
    vrbd_volume_create_opts co = {.version = VRBD_VOLUME_CREATE_OPTS_VERSION,
                                  .size = c->info.size,
                                  .object_size = c->info.obj_size};
    vrbd_spec tspec = *c->dst;
    int r;

    c->ident = snap_ident(c->scl, c->sio, c->simg, c->src, &c->info);
    if (!c->opts->resume)
        warn_left(c->dcl, c->dst, "copy");
    if (c->opts->resume &&
        find_partial(c->dio, "copy", COPY_PREFIX, c->dst->image, c->ident,
                     &c->tmp, &c->start) < 0)
        return -1;
    c->resumed = c->tmp != NULL;
    if (!c->tmp) {
        c->tmp = xasprintf(COPY_PREFIX "%s.%d", c->dst->image, (int)getpid());
        tspec.image = c->tmp;
        if (vrbd_volume_make(c->dcl, &tspec, &co) < 0)
            return -1;
    }
    c->created = true;
    r = rbd_open(c->dio, c->tmp, &c->dimg, NULL);
    if (r < 0) {
        c->dimg = NULL;
        return vrbd_error_ceph(r, NULL, "cannot open '%s'", c->tmp);
    }
    /* the snapshot is made after the last byte: a partial image that has
     * it was complete */
    if (c->resumed && rbd_snap_exists(c->dimg, c->src->snap, &c->complete) < 0)
        c->complete = false;
    if (c->complete) /* nothing left to write: only --verify reads */
        c->start = c->info.size;
    r = rbd_get_id(c->dimg, c->id, sizeof(c->id));
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot read the id of '%s'", c->tmp);
    mark_begin(&c->mark, c->dcl, c->dio, c->id, c->ident);
    mark_done(c->start, &c->mark);
    c->stats->resumed_from = c->start;
    return 0;
}

/* The bytes a transfer from @start on will move, from @ep's extents: a
 * resumed copy's progress starts at its start offset */
static uint64_t
transfer_total(const struct vrbd_endpoint *ep, uint64_t start)
{
    size_t n;
    const struct vrbd_extent *ext = vrbd_rbd_endpoint_extents(ep, &n);
    uint64_t total = start;

    for (size_t i = 0; i < n; i++) {
        uint64_t end = ext[i].off + ext[i].len;

        if (end > start)
            total += end - (ext[i].off > start ? ext[i].off : start);
    }
    return total;
}

/*
 * Move the data: exact extents, not whole objects (a partly written
 * object is copied as partly written, so the target stays as thin as the
 * source); incremental, what changed since the base, removals too.  0, or
 * -1 with the error set.
 */
static int
copy_extents(struct rbd_copy *c)
{
    CLEANUP_FREE char *sname = vrbd_volume_name(c->src);
    unsigned st = vrbd_cluster_timeout(c->scl);
    unsigned dt = vrbd_cluster_timeout(c->dcl);
    struct vrbd_xfer x;
    int r;

    if (vrbd_rbd_endpoint(c->scl, c->src->pool, c->simg, sname, true,
                          c->incremental ? c->base : NULL, true, &c->sep) < 0 ||
        vrbd_rbd_endpoint(c->dcl, c->dst->pool, c->dimg, c->final, false, NULL,
                          false, &c->dep) < 0)
        return -1;
    /* the ranges the target changed since the base read again as the
     * source has them: a re-run of a stopped incremental copy */
    if (c->n_changes)
        vrbd_rbd_endpoint_overlay(c->sep, c->changes, c->n_changes);
    x = xfer_opts(c->opts, c->sep->obj_size, !c->incremental,
                  transfer_total(c->sep, c->start));
    x.start = c->start;
    x.stall = st > dt ? st : dt;
    if (c->created)
        mark_as_it_goes(&x, &c->mark);
    r = transfer(c->sep, c->dep, &x, c->opts, c->stats);
    if (r == -EINTR)
        vrbd_error_set(VRBD_ERR_IO, EINTR, "run it again",
                       "copy to '%s' interrupted", c->final);
    return r < 0 ? -1 : 0;
}

/* The source's @SNAP on the target, the incremental mark gone, or the
 * temporary image under the final name: 0, or -1 with the error set */
static int
finish_copy(struct rbd_copy *c)
{
    int r;

    if (c->src->snap && !c->complete) {
        r = rbd_snap_create(c->dimg, c->src->snap);
        if (r < 0)
            return vrbd_error_ceph(r, NULL,
                                   "cannot create snapshot '%s' on '%s'",
                                   c->src->snap, c->final);
    }
    if (c->incremental)
        rbd_metadata_remove(c->dimg, UNDERWAY_KEY); /* a stale one is ignored */
    if (!c->created)
        return 0;
    vrbd_endpoint_close(c->dep);
    c->dep = NULL;
    if (mark_remove(&c->mark, &c->dimg, c->tmp) < 0 ||
        take_name(c->dcl, c->dio, c->dst, c->tmp, c->id,
                  c->exists ? c->old_id : NULL) < 0)
        return -1;
    c->created = false;
    return 0;
}

/* Close what @c opened; a temporary image left is removed or, with
 * --resume or a silent cluster, named */
static void
copy_end(struct rbd_copy *c)
{
    vrbd_endpoint_close(c->dep);
    vrbd_endpoint_close(c->sep);
    /* two connections to one cluster: what one found silent, the other
     * would wait out too */
    if (strcmp(vrbd_cluster_fsid(c->scl), vrbd_cluster_fsid(c->dcl)) == 0) {
        if (!vrbd_cluster_answers(c->scl))
            vrbd_cluster_set_unanswered(c->dcl);
        if (!vrbd_cluster_answers(c->dcl))
            vrbd_cluster_set_unanswered(c->scl);
    }
    mark_end(&c->mark);
    close_image(c->dcl, c->dimg);
    if (c->created)
        leave_partial(c->dcl, c->dio, c->dst, c->tmp, c->opts->resume, "copy",
                      "copied");
    close_image(c->scl, c->simg);
    if (c->dio)
        rados_ioctx_destroy(c->dio);
    if (c->sio)
        rados_ioctx_destroy(c->sio);
    vrbd_cluster_bulk(c->dcl, false);
    vrbd_cluster_bulk(c->scl, false);
    free(c->changes);
    free(c->tmp);
    free(c->ident);
    free(c->final);
}

int
vrbd_copy_image(vrbd_cluster *scl, const vrbd_spec *src, vrbd_cluster *dcl,
                const vrbd_spec *dst, const vrbd_copy_opts *opts,
                vrbd_copy_stats *stats)
{
    struct rbd_copy c = {.scl = scl,
                         .dcl = dcl,
                         .src = src,
                         .dst = dst,
                         .opts = opts,
                         .stats = stats};
    double t0 = vrbd_now();
    int ret = -1, r;

    if (vrbd_opts_check(opts, VRBD_COPY_OPTS_VERSION, "vrbd_copy_opts") < 0)
        return -1;
    memset(stats, 0, sizeof(*stats));
    if (check_copy_args(src, dst, opts) < 0)
        return -1;
    c.final = vrbd_volume_name(dst);
    vrbd_cluster_bulk(scl, true);
    vrbd_cluster_bulk(dcl, true);
    if (open_images(&c) < 0)
        goto done;
    r = c.dimg ? begin_incremental(&c) : begin_full(&c);
    if (r > 0)
        ret = 0; /* up to date */
    if (r != 0)
        goto done;
    if (copy_extents(&c) < 0 || finish_copy(&c) < 0)
        goto done;
    ret = 0;
done:
    copy_end(&c);
    stats->seconds = vrbd_now() - t0;
    return ret;
}
