/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint-rbd.c: an RBD image as a copy source or destination, with
 * librbd AIO.  Its extents come from rbd_diff_iterate2: the data of the
 * image, or what changed since a snapshot; zeroing uses
 * rbd_aio_write_zeroes, since a partial discard would leave data under
 * rbd_skip_partial_discard.
 */
#include <errno.h>
#include <string.h>

#include <rbd/librbd.h>

#include "endpoint.h"
#include "internal.h"

struct ep_rbd {
    struct vrbd_endpoint ep;
    vrbd_cluster *cl;
    char *pool;
    rbd_image_t img;         /* the caller's */
    bool grow;               /* a destination: writes past the end grow it */
    struct vrbd_extent *ext; /* a source: its extents, sorted */
    size_t n_ext, cur;       /* cur: where next_extent found the last */
};

static struct ep_rbd *
to_rbd(const struct vrbd_endpoint *ep)
{
    return VRBD_ENDPOINT_OF(ep, struct ep_rbd, ep);
}

/* librbd's thread: hand the result over, nothing else */
static void
on_complete(rbd_completion_t c, void *arg)
{
    struct vrbd_request *r = arg;
    ssize_t ret = rbd_aio_get_return_value(c);

    rbd_aio_release(c);
    vrbd_request_done(r, ret < 0 ? ret : 0); /* a read gives its length */
}

static int
submit(struct ep_rbd *rb, struct vrbd_request *r, enum vrbd_op op)
{
    rbd_image_t img = rb->img;
    rbd_completion_t c;
    int ret;

    ret = rbd_aio_create_completion(r, on_complete, &c);
    if (ret < 0)
        return ret;
    ret = op == VRBD_OP_READ ? (int)rbd_aio_read(img, r->off, r->len, r->buf, c)
          : op == VRBD_OP_WRITE
              ? (int)rbd_aio_write(img, r->off, r->len, r->buf, c)
              : rbd_aio_write_zeroes(img, r->off, r->len, c, 0, 0);
    if (ret < 0)
        rbd_aio_release(c);
    return ret;
}

static int
rbd_ep_read(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    struct ep_rbd *rb = to_rbd(ep);

    return submit(rb, r, VRBD_OP_READ);
}

/* A growing destination (an import from a pipe of unknown length) doubles
 * before a write past its end; the caller sets the final size. */
static int
make_room(struct ep_rbd *rb, const struct vrbd_request *r)
{
    uint64_t need = r->off + r->len, size = rb->ep.size ? rb->ep.size : need;
    int ret;

    if (!rb->grow || need <= rb->ep.size)
        return 0;
    while (size < need)
        size *= 2;
    ret = rbd_resize(rb->img, size);
    if (ret == 0)
        rb->ep.size = size;
    return ret;
}

static int
rbd_ep_write(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    struct ep_rbd *rb = to_rbd(ep);
    int ret = make_room(rb, r);

    return ret < 0 ? ret : submit(rb, r, VRBD_OP_WRITE);
}

static int
rbd_ep_zero(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    struct ep_rbd *rb = to_rbd(ep);
    int ret = make_room(rb, r);

    return ret < 0 ? ret : submit(rb, r, VRBD_OP_ZERO);
}

static int
rbd_ep_flush(struct vrbd_endpoint *ep)
{
    struct ep_rbd *rb = to_rbd(ep);

    return rbd_flush(rb->img);
}

static bool
rbd_ep_next_extent(struct vrbd_endpoint *ep, uint64_t off, uint64_t *start,
                   uint64_t *end, bool *data, int *err)
{
    struct ep_rbd *rb = to_rbd(ep);

    *err = 0;
    /* callers go forward: start where the last call stopped */
    if (rb->cur >= rb->n_ext || rb->ext[rb->cur].off > off)
        rb->cur = 0;
    for (size_t i = rb->cur; i < rb->n_ext; i++) {
        const struct vrbd_extent *x = &rb->ext[i];

        if (x->off + x->len <= off)
            continue;
        rb->cur = i;
        *start = x->off < off ? off : x->off;
        *end = x->off + x->len;
        *data = x->data;
        return true;
    }
    return false;
}

/* A request that timed out: the cluster did not answer in time */
static void
timed_out(struct ep_rbd *rb, enum vrbd_op op, uint64_t off)
{
    vrbd_error_set(
        VRBD_ERR_TIMEOUT, ETIMEDOUT,
        "check the cluster's health (ceph -s), or raise {timeout_sec}",
        "cannot %s '%s' at byte %llu: timed out, cluster '%s' did not answer for %u s",
        op == VRBD_OP_READ ? "read" : "write to", rb->ep.name,
        (unsigned long long)off, vrbd_cluster_name(rb->cl),
        vrbd_cluster_timeout(rb->cl));
}

/* A failed write: a full pool blocks writes until the OSD op timeout, so
 * a timeout (or EDQUOT/ENOSPC) is checked against the pool's flags and
 * named as what it is.  After a timeout that check waits less (see
 * vrbd_cluster_set_unanswered()). */
static void
rbd_ep_error(struct vrbd_endpoint *ep, enum vrbd_op op, int ret, uint64_t off)
{
    struct ep_rbd *rb = to_rbd(ep);
    CLEANUP_FREE char *why = NULL;

    if (ret == -ETIMEDOUT)
        vrbd_cluster_set_unanswered(rb->cl);
    if (op == VRBD_OP_READ && ret == -ETIMEDOUT) {
        timed_out(rb, op, off);
        return;
    }
    if (op == VRBD_OP_READ) {
        vrbd_error_ceph(ret, NULL, "cannot read '%s' at byte %llu", rb->ep.name,
                        (unsigned long long)off);
        return;
    }
    if (op == VRBD_OP_FLUSH) {
        vrbd_error_ceph(ret, NULL, "cannot flush '%s'", rb->ep.name);
        return;
    }
    if (ret == -ETIMEDOUT || ret == -EDQUOT || ret == -ENOSPC)
        why = vrbd_pool_full_reason(rb->cl, rb->pool);
    if (why) {
        vrbd_error_set(
            VRBD_ERR_IO, ret == -ETIMEDOUT ? EDQUOT : -ret, VRBD_FULL_POOL_HINT,
            "pool '%s' is full, %s: the write at byte %llu did not go through",
            rb->pool, why, (unsigned long long)off);
        return;
    }
    if (ret == -ETIMEDOUT) {
        timed_out(rb, op, off);
        return;
    }
    vrbd_error_ceph(ret, NULL, "cannot write to '%s' at byte %llu", rb->ep.name,
                    (unsigned long long)off);
}

static void
rbd_ep_close(struct vrbd_endpoint *ep)
{
    struct ep_rbd *rb = to_rbd(ep);

    free(rb->ext);
    rb->ext = NULL;
    rb->n_ext = 0;
    free(rb->pool);
    rb->pool = NULL;
}

static const struct vrbd_endpoint_ops rbd_ops = {
    .next_extent = rbd_ep_next_extent,
    .read = rbd_ep_read,
    .write = rbd_ep_write,
    .zero = rbd_ep_zero,
    .flush = rbd_ep_flush,
    .error = rbd_ep_error,
    .close = rbd_ep_close,
};

/* rbd_diff_iterate2 callback: neighbours of the same kind merge */
static int
add_extent(uint64_t off, size_t len, int exists, void *arg)
{
    struct ep_rbd *rb = arg;
    struct vrbd_extent *last = rb->n_ext ? &rb->ext[rb->n_ext - 1] : NULL;

    if (last && last->data == !!exists && last->off + last->len == off) {
        last->len += len;
        return 0;
    }
    rb->ext = xreallocarray(rb->ext, rb->n_ext + 1, sizeof(*rb->ext));
    rb->ext[rb->n_ext++] = (struct vrbd_extent){off, len, !!exists};
    return 0;
}

/*
 * Map the extents of @rb's image (@img, at its snapshot) into rb->ext:
 * what changed since @from_snap, or all data.  With a usable fast-diff
 * map, the map alone says which objects to look at (whole objects); for
 * exact extents, or since @from_snap, those object ranges are then asked
 * again one by one at byte granularity.  Without the map librbd lists the
 * snapshots of every object of the image: 6 s for a 200 GiB image holding
 * 8 MiB, against 0.2 s through the map.
 */
static int
map_extents(struct ep_rbd *rb, rbd_image_t img, const char *from_snap,
            bool exact)
{
    uint64_t features = 0, flags = 0;
    struct vrbd_extent *whole;
    size_t n_whole;
    int r;

    if (rbd_get_features(img, &features) < 0 ||
        !(features & RBD_FEATURE_FAST_DIFF) || rbd_get_flags(img, &flags) < 0 ||
        (flags & RBD_FLAG_FAST_DIFF_INVALID))
        return rbd_diff_iterate2(img, from_snap, 0, rb->ep.size, 1, false,
                                 add_extent, rb);
    r = rbd_diff_iterate2(img, from_snap, 0, rb->ep.size, 1, true, add_extent,
                          rb);
    if (r < 0 || (!exact && !from_snap))
        return r;
    whole = rb->ext;
    n_whole = rb->n_ext;
    rb->ext = NULL;
    rb->n_ext = 0;
    for (size_t i = 0; i < n_whole && r >= 0; i++)
        r = rbd_diff_iterate2(img, from_snap, whole[i].off, whole[i].len, 1,
                              false, add_extent, rb);
    free(whole);
    return r;
}

int
vrbd_rbd_changes(void *img, const char *from_snap, uint64_t size,
                 struct vrbd_extent **ext, size_t *n)
{
    struct ep_rbd t = {.ep.size = size};
    int r = map_extents(&t, img, from_snap, true);

    if (r < 0) {
        free(t.ext);
        t.ext = NULL;
        t.n_ext = 0;
    }
    *ext = t.ext;
    *n = t.n_ext;
    return r < 0 ? r : 0;
}

/* @e's end */
static uint64_t
ext_end(const struct vrbd_extent *e)
{
    return e->off + e->len;
}

/* Append [@s, @e) of kind @data to @out (@n long), merging with the last
 * extent when it is of the same kind and ends at @s. */
static void
put_extent(struct vrbd_extent **out, size_t *n, uint64_t s, uint64_t e,
           bool data)
{
    struct vrbd_extent *last = *n ? &(*out)[*n - 1] : NULL;

    if (last && last->data == data && ext_end(last) == s) {
        last->len += e - s;
        return;
    }
    *out = xreallocarray(*out, *n + 1, sizeof(**out));
    (*out)[(*n)++] = (struct vrbd_extent){s, e - s, data};
}

/* A sweep over both lists: each step is the longest range from @pos on
 * whose cover (by @ext, by @add) does not change. */
size_t
vrbd_extents_overlay(const struct vrbd_extent *ext, size_t n,
                     const struct vrbd_extent *add, size_t n_add, uint64_t size,
                     struct vrbd_extent **out, uint64_t *outside)
{
    size_t i = 0, j = 0, k = 0;
    uint64_t pos = 0;

    *out = NULL;
    *outside = 0;
    for (;;) {
        uint64_t a, b, s, e = UINT64_MAX;
        bool in_a, in_b;

        while (i < n && ext_end(&ext[i]) <= pos)
            i++;
        while (j < n_add &&
               (ext_end(&add[j]) <= pos || add[j].off >= size || pos >= size))
            j++;
        if (i == n && j == n_add)
            break;
        a = i < n ? ext[i].off : UINT64_MAX;
        b = j < n_add ? add[j].off : UINT64_MAX;
        s = a < b ? a : b;
        s = s > pos ? s : pos;
        in_a = i < n && a <= s;
        in_b = j < n_add && b <= s;
        if (i < n)
            e = in_a ? ext_end(&ext[i]) : a;
        if (j < n_add) {
            uint64_t eb = in_b ? ext_end(&add[j]) : b;

            eb = eb < size ? eb : size;
            e = eb < e ? eb : e;
        }
        put_extent(out, &k, s, e, in_b || ext[i].data);
        if (in_b && !in_a)
            *outside += e - s;
        pos = e;
    }
    return k;
}

int
vrbd_rbd_endpoint(vrbd_cluster *cl, const char *pool, void *img,
                  const char *display, bool map, const char *from_snap,
                  bool exact, struct vrbd_endpoint **out)
{
    struct ep_rbd *rb = xcalloc(1, sizeof(*rb));
    rbd_image_info_t info;
    int r;

    *out = NULL;
    rb->ep.ops = &rbd_ops;
    rb->cl = cl;
    rb->pool = xstrdup(pool);
    rb->img = img;
    rb->ep.name = xstrdup(display);
    rb->ep.format = xstrdup("raw");
    r = rbd_stat(img, &info, sizeof(info));
    if (r < 0) {
        vrbd_error_ceph(r, NULL, "cannot read '%s'", display);
        goto fail;
    }
    rb->ep.size = info.size;
    rb->ep.obj_size = (size_t)info.obj_size;
    if (map) {
        /* exact extents keep a partly written object partly written */
        r = map_extents(rb, img, from_snap, exact);
        if (r < 0) {
            vrbd_error_ceph(r, NULL, "cannot map the extents of '%s'", display);
            goto fail;
        }
        if (!from_snap) { /* only data: nothing to take away */
            size_t k = 0;

            for (size_t i = 0; i < rb->n_ext; i++)
                if (rb->ext[i].data)
                    rb->ext[k++] = rb->ext[i];
            rb->n_ext = k;
        }
    }
    *out = &rb->ep;
    return 0;
fail:
    vrbd_endpoint_close(&rb->ep);
    return -1;
}

void
vrbd_rbd_endpoint_grow(struct vrbd_endpoint *ep, bool grow)
{
    to_rbd(ep)->grow = grow;
}

const struct vrbd_extent *
vrbd_rbd_endpoint_extents(const struct vrbd_endpoint *ep, size_t *n)
{
    const struct ep_rbd *rb = to_rbd(ep);

    *n = rb->n_ext;
    return rb->ext;
}

void
vrbd_rbd_endpoint_overlay(struct vrbd_endpoint *ep,
                          const struct vrbd_extent *add, size_t n)
{
    struct ep_rbd *rb = to_rbd(ep);
    struct vrbd_extent *all;
    uint64_t outside;

    rb->n_ext = vrbd_extents_overlay(rb->ext, rb->n_ext, add, n, rb->ep.size,
                                     &all, &outside);
    free(rb->ext);
    rb->ext = all;
    rb->cur = 0;
}
