/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * volume-scan.c: what `vol list -l` shows of an image, read straight from
 * its header object instead of opening it with librbd.  rbd_open costs a
 * few milliseconds of client CPU per image (an ImageCtx, its caches and
 * threads, a dozen requests); the listing needs a handful of values that
 * the header's class methods answer in one compound read.  Per image:
 *
 *   1. one read op on rbd_header.ID: get_size, get_features, get_flags,
 *      get_snapcontext, get_object_prefix, parent_get, parent_overlap_get,
 *      lock.get_info, metadata_get(owner key); sent asynchronously, with
 *      the header's watchers asked at the same time (watchers.cc);
 *   2. with snapshots: one read op of get_protection_status per snapshot;
 *   3. with a valid fast-diff map: one read of rbd_object_map.ID;
 *   4. for a clone: the parent's pool, image and snapshot names, once per
 *      parent for the whole listing.
 *
 * Anything not as expected (a format-1 image, a reply that does not
 * decode, a method the OSDs lack, migration, fancy striping, a parent in
 * the trash) makes vrbd_scan_image() answer VRBD_SCAN_FALLBACK, and the
 * caller opens that image the old way.  Every request is bounded by the
 * cluster's rados_osd_op_timeout, like every other one of libvrbd.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "header.h"
#include "internal.h"
#include "volume-internal.h"
#include "watchers.h"

typedef struct parent_entry {
    char *key;
    char *text; /* NULL: not resolvable here, fall back */
    struct parent_entry *next;
} parent_entry;

struct vrbd_scan {
    rados_ioctx_t io;
    char **trash; /* ids in the pool's trash, sorted */
    size_t n_trash;
    pthread_mutex_t lock; /* guards parents */
    parent_entry *parents;
};

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids in the trash of @io's pool and namespace: rbd_list2() names
 * images whose removal is under way from there, and those are left to
 * the librbd path, which tells them apart */
static int
read_trash(vrbd_scan *s)
{
    char in[300], out[65536];
    CLEANUP_FREE char *after = xstrdup("");

    for (;;) {
        char **ids = NULL;
        size_t n = vrbd_header_enc_trash_list(in, sizeof(in), after, 256), k;
        int r = rados_exec(s->io, "rbd_trash", "rbd", "trash_list", in, n, out,
                           sizeof(out));

        if (r == -ENOENT)
            break;
        if (r < 0)
            return r;
        if (vrbd_header_trash_ids(out, (size_t)r, &ids) < 0)
            return -EINVAL;
        for (k = 0; ids[k]; k++)
            ;
        s->trash = xreallocarray(s->trash, s->n_trash + k + 1, sizeof(char *));
        memcpy(s->trash + s->n_trash, ids, k * sizeof(char *));
        s->n_trash += k;
        free(after);
        after = xstrdup(k ? ids[k - 1] : "");
        free(ids);
        if (k < 256)
            break;
    }
    if (s->trash)
        qsort(s->trash, s->n_trash, sizeof(char *), cmp_str);
    return 0;
}

vrbd_scan *
vrbd_scan_new(rados_ioctx_t io)
{
    vrbd_scan *s = xcalloc(1, sizeof(*s));

    s->io = io;
    pthread_mutex_init(&s->lock, NULL);
    /* the trash unreadable (caps, an old OSD): every image the old way */
    if (read_trash(s) < 0) {
        vrbd_scan_free(s);
        return NULL;
    }
    return s;
}

void
vrbd_scan_free(vrbd_scan *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_trash; i++)
        free(s->trash[i]);
    free(s->trash);
    while (s->parents) {
        parent_entry *e = s->parents;

        s->parents = e->next;
        free(e->key);
        free(e->text);
        free(e);
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* One string-valued class method on @oid, synchronously */
static int
exec_string(rados_ioctx_t io, const char *oid, const char *method,
            const char *in, size_t in_len, char **s)
{
    char out[4096];
    int r = rados_exec(io, oid, "rbd", method, in, in_len, out, sizeof(out));

    if (r < 0)
        return r;
    return vrbd_header_string(out, (size_t)r, s) < 0 ? -EINVAL : 0;
}

/* "POOL[/NS]/IMAGE@SNAP" of @p, as rbd_get_parent() names it; NULL when
 * it cannot be named here (its image in the trash, an old OSD) */
static char *
resolve_parent(vrbd_scan *s, const vrbd_header_parent *p)
{
    rados_t cluster = rados_ioctx_get_cluster(s->io);
    CLEANUP_FREE char *image = NULL, *snap = NULL, *hdr = NULL;
    char pool[512], in[300];
    rados_ioctx_t pio;
    size_t n;
    int r;

    if (rados_pool_reverse_lookup(cluster, p->pool_id, pool, sizeof(pool)) < 0)
        return NULL;
    if (rados_ioctx_create2(cluster, p->pool_id, &pio) < 0)
        return NULL;
    rados_ioctx_set_namespace(pio, p->pool_namespace);
    n = vrbd_header_enc_string(in, sizeof(in), p->image_id);
    r = n ? exec_string(pio, "rbd_directory", "dir_get_name", in, n, &image)
          : -EINVAL;
    if (r == 0) {
        hdr = xasprintf("rbd_header.%s", p->image_id);
        n = vrbd_header_enc_u64(in, sizeof(in), p->snap_id);
        r = exec_string(pio, hdr, "get_snapshot_name", in, n, &snap);
    }
    rados_ioctx_destroy(pio);
    if (r < 0)
        return NULL;
    return xasprintf("%s%s%s/%s@%s", pool, *p->pool_namespace ? "/" : "",
                     p->pool_namespace, image, snap);
}

/* The parent's name, resolved once per listing: clones of one golden
 * image are the common case.  0 with *text set, or -1: fall back */
static int
parent_text(vrbd_scan *s, const vrbd_header_parent *p, char **text)
{
    CLEANUP_FREE char *key =
        xasprintf("%lld/%s/%s/%llu", (long long)p->pool_id, p->pool_namespace,
                  p->image_id, (unsigned long long)p->snap_id);
    parent_entry *e;
    char *t;

    pthread_mutex_lock(&s->lock);
    for (e = s->parents; e && strcmp(e->key, key) != 0; e = e->next)
        ;
    t = e && e->text ? xstrdup(e->text) : NULL;
    pthread_mutex_unlock(&s->lock);
    if (e) {
        *text = t;
        return t ? 0 : -1;
    }
    /* unlocked: two workers may both resolve one parent, which costs a
     * request, not a wrong answer */
    t = resolve_parent(s, p);
    e = xcalloc(1, sizeof(*e));
    e->key = TAKE(key);
    e->text = t ? xstrdup(t) : NULL;
    pthread_mutex_lock(&s->lock);
    e->next = s->parents;
    s->parents = e;
    pthread_mutex_unlock(&s->lock);
    *text = t;
    return t ? 0 : -1;
}

/* the replies of step 1, in the order they are added */
enum {
    M_SIZE,
    M_FEATURES,
    M_FLAGS,
    M_SNAPS,
    M_PREFIX,
    M_PARENT,
    M_OVERLAP,
    M_LOCK,
    M_OWNER,
    M_COUNT
};

typedef struct {
    char *buf;
    size_t len;
    int rval;
} reply;

static bool
in_trash(const vrbd_scan *s, const char *id)
{
    return s->n_trash &&
           bsearch(&id, s->trash, s->n_trash, sizeof(char *), cmp_str);
}

/* step 2: whether any snapshot is protected; 0, -1 to fall back, or a
 * negative errno */
static int
any_protected(rados_ioctx_t io, const char *hdr, const uint64_t *ids, size_t n,
              bool *any)
{
    rados_read_op_t op = rados_create_read_op();
    char(*in)[8] = xcalloc(n, sizeof(*in));
    reply *rep = xcalloc(n, sizeof(*rep));
    int r;

    for (size_t i = 0; i < n; i++) {
        vrbd_header_enc_u64(in[i], 8, ids[i]);
        rep[i].rval = -EIO;
        rados_read_op_exec(op, "rbd", "get_protection_status", in[i], 8,
                           &rep[i].buf, &rep[i].len, &rep[i].rval);
        rados_read_op_set_flags(op, LIBRADOS_OP_FLAG_FAILOK);
    }
    r = rados_read_op_operate(op, io, hdr, 0);
    *any = false;
    for (size_t i = 0; i < n && r == 0; i++) {
        bool prot = false;

        /* a snapshot removed since the snap context was read */
        if (rep[i].rval == -ENOENT)
            continue;
        if (rep[i].rval < 0 ||
            vrbd_header_protected(rep[i].buf, rep[i].len, &prot) < 0)
            r = 1;
        else if (prot)
            *any = true;
    }
    for (size_t i = 0; i < n; i++)
        if (rep[i].buf)
            rados_buffer_free(rep[i].buf);
    rados_release_read_op(op);
    free(rep);
    free(in);
    return r == 1 ? -1 : r;
}

/* step 3: the bytes the objects in the head's object map hold; 0, -1 to
 * fall back, or a negative errno */
static int
used_bytes(rados_ioctx_t io, const char *id, uint64_t size, int order,
           uint64_t *used)
{
    CLEANUP_FREE char *oid = xasprintf("rbd_object_map.%s", id);
    uint64_t len = vrbd_header_objmap_len(size, order);
    CLEANUP_FREE char *buf = NULL;
    int r;

    /* maps past 64 MiB (256 M objects) are left to librbd */
    if (len > (64ULL << 20))
        return -1;
    buf = xmalloc(len);
    r = rados_read(io, oid, buf, len, 0);
    if (r == -ENOENT)
        return -1;
    if (r < 0)
        return r;
    return vrbd_header_used(buf, (size_t)r, size, order, used);
}

/* Fill @out from the replies of step 1 and steps 2-4; VRBD_SCAN_FALLBACK
 * or a negative errno otherwise */
static int
decode_image(vrbd_scan *s, const char *id, const char *hdr, reply *m,
             vrbd_volume_info *out)
{
    CLEANUP_FREE uint64_t *snaps = NULL;
    vrbd_header_parent parent = {0};
    uint64_t features = 0, flags = 0, overlap = 0;
    size_t n_snaps = 0;
    bool has_overlap = false, locked = false;
    CLEANUP_FREE char *owner_addr = NULL;
    int r;

    for (int i = M_FEATURES; i < M_COUNT; i++)
        if (m[i].rval < 0 && !(i == M_OWNER && m[i].rval == -ENOENT))
            return VRBD_SCAN_FALLBACK;
    if (vrbd_header_size(m[M_SIZE].buf, m[M_SIZE].len, &out->order,
                         &out->size) < 0 ||
        vrbd_header_u64(m[M_FEATURES].buf, m[M_FEATURES].len, &features) < 0 ||
        vrbd_header_u64(m[M_FLAGS].buf, m[M_FLAGS].len, &flags) < 0 ||
        vrbd_header_snaps(m[M_SNAPS].buf, m[M_SNAPS].len, &snaps, &n_snaps) <
            0 ||
        vrbd_header_string(m[M_PREFIX].buf, m[M_PREFIX].len,
                           &out->block_name_prefix) < 0 ||
        vrbd_header_overlap(m[M_OVERLAP].buf, m[M_OVERLAP].len, &has_overlap,
                            &overlap) < 0 ||
        vrbd_header_lock(m[M_LOCK].buf, m[M_LOCK].len, &locked, &owner_addr) <
            0 ||
        (m[M_OWNER].rval == 0 &&
         vrbd_header_string(m[M_OWNER].buf, m[M_OWNER].len, &out->owner) < 0))
        return VRBD_SCAN_FALLBACK;
    /* a migration's parent is its source, and striping v2 lays the
     * objects out otherwise than the used bytes below count them */
    if (features & (RBD_FEATURE_MIGRATING | RBD_FEATURE_STRIPINGV2))
        return VRBD_SCAN_FALLBACK;
    if (vrbd_header_parent_get(m[M_PARENT].buf, m[M_PARENT].len, &parent) < 0)
        return VRBD_SCAN_FALLBACK;
    /* librbd opens (and names) a parent only while the head overlaps it */
    if (parent.pool_id >= 0 && has_overlap && overlap > 0)
        r = parent_text(s, &parent, &out->parent);
    else
        r = 0;
    vrbd_header_parent_clear(&parent);
    if (r < 0)
        return VRBD_SCAN_FALLBACK;
    out->features = features;
    out->flags = flags;
    out->format = 2;
    out->object_size = 1ULL << out->order;
    out->objects =
        out->size / out->object_size + (out->size % out->object_size != 0);
    out->id = xstrdup(id);
    /* rbd_lock_get_owners() answers only for exclusive-lock images */
    out->lock_owners = xcalloc(9, sizeof(char *));
    if (locked && (features & RBD_FEATURE_EXCLUSIVE_LOCK))
        out->lock_owners[0] = TAKE(owner_addr);
    if (n_snaps) {
        r = any_protected(s->io, hdr, snaps, n_snaps, &out->any_protected);
        if (r == -1)
            return VRBD_SCAN_FALLBACK;
        if (r < 0)
            return r;
    }
    out->used = VRBD_UNKNOWN;
    if ((features & RBD_FEATURE_FAST_DIFF) &&
        !(flags & RBD_FLAG_FAST_DIFF_INVALID)) {
        r = used_bytes(s->io, id, out->size, out->order, &out->used);
        if (r == -1)
            return VRBD_SCAN_FALLBACK;
        if (r < 0)
            return r;
    }
    return 0;
}

int
vrbd_scan_image(vrbd_scan *s, const char *id, vrbd_volume_info *out)
{
    static const char *const methods[M_COUNT] = {
        "get_size",           "get_features",      "get_flags",
        "get_snapcontext",    "get_object_prefix", "parent_get",
        "parent_overlap_get", "get_info",          "metadata_get"};
    CLEANUP_FREE char *hdr = NULL;
    char nosnap[8], feat_in[9], lock_in[64], owner_in[64];
    const char *in[M_COUNT] = {0};
    size_t in_len[M_COUNT] = {0};
    reply m[M_COUNT] = {{0}};
    rados_read_op_t op;
    rados_completion_t c;
    vrbd_watch_req *wreq;
    char **addrs = NULL;
    int64_t *client_ids = NULL;
    uint64_t *cookies = NULL;
    int r, nw = 0;

    /* format 1 (no id) and images on their way out of the trash */
    if (!*id || in_trash(s, id))
        return VRBD_SCAN_FALLBACK;
    hdr = xasprintf("rbd_header.%s", id);
    vrbd_header_enc_u64(nosnap, sizeof(nosnap), VRBD_HEADER_NOSNAP);
    memcpy(feat_in, nosnap, 8);
    feat_in[8] = 1; /* read-only: the incompatible features that matter */
    in[M_SIZE] = in[M_FLAGS] = in[M_OVERLAP] = nosnap;
    in_len[M_SIZE] = in_len[M_FLAGS] = in_len[M_OVERLAP] = 8;
    in[M_FEATURES] = feat_in;
    in_len[M_FEATURES] = 9;
    in[M_LOCK] = lock_in;
    in_len[M_LOCK] =
        vrbd_header_enc_lock_info(lock_in, sizeof(lock_in), "rbd_lock");
    in[M_OWNER] = owner_in;
    in_len[M_OWNER] =
        vrbd_header_enc_string(owner_in, sizeof(owner_in), VRBD_OWNER_KEY);

    op = rados_create_read_op();
    for (int i = 0; i < M_COUNT; i++) {
        m[i].rval = -EIO;
        rados_read_op_exec(op, i == M_LOCK ? "lock" : "rbd", methods[i], in[i],
                           in_len[i], &m[i].buf, &m[i].len, &m[i].rval);
        /* only the size is a must: it fails when the header is gone */
        if (i != M_SIZE)
            rados_read_op_set_flags(op, LIBRADOS_OP_FLAG_FAILOK);
    }
    r = rados_aio_create_completion2(NULL, NULL, &c);
    if (r == 0) {
        r = rados_aio_read_op_operate(op, s->io, c, hdr, 0);
        /* the watchers' request travels while the header's does */
        wreq = vrbd_watchers_start(s->io, hdr);
        if (r == 0) {
            rados_aio_wait_for_complete(c);
            r = rados_aio_get_return_value(c);
        }
        rados_aio_release(c);
        nw = vrbd_watchers_finish(wreq, &addrs, &client_ids, &cookies);
        if (r == 0 && nw < 0)
            r = nw;
    }
    if (r == 0)
        r = decode_image(s, id, hdr, m, out);
    if (r == 0 && nw > 0) {
        out->watchers = xcalloc((size_t)nw, sizeof(*out->watchers));
        for (int i = 0; i < nw; i++) {
            out->watchers[i].addr = TAKE(addrs[i]);
            out->watchers[i].client_id = client_ids[i];
            out->watchers[i].cookie = cookies[i];
        }
        out->n_watchers = (size_t)nw;
    }
    for (int i = 0; addrs && i < nw; i++)
        free(addrs[i]);
    free(addrs);
    free(client_ids);
    free(cookies);
    for (int i = 0; i < M_COUNT; i++)
        if (m[i].buf)
            rados_buffer_free(m[i].buf);
    rados_release_read_op(op);
    return r;
}
