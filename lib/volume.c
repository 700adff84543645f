/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * volume.c: RBD images through librbd: create, inspect, list, resize.
 * Inspection opens images read-only; listing with details opens many at a
 * time from worker threads, since each image costs a few round trips to
 * the OSDs and a pool may hold thousands.  Snapshots, clones and removal
 * live in snapshot.c and remove.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "internal.h"
#include "volume-internal.h"

static const struct {
    uint64_t bit;
    const char *name;
} feature_names[] = {
    {RBD_FEATURE_LAYERING, "layering"},
    {RBD_FEATURE_STRIPINGV2, "striping"},
    {RBD_FEATURE_EXCLUSIVE_LOCK, "exclusive-lock"},
    {RBD_FEATURE_OBJECT_MAP, "object-map"},
    {RBD_FEATURE_FAST_DIFF, "fast-diff"},
    {RBD_FEATURE_DEEP_FLATTEN, "deep-flatten"},
    {RBD_FEATURE_JOURNALING, "journaling"},
    {RBD_FEATURE_DATA_POOL, "data-pool"},
    {RBD_FEATURE_OPERATIONS, "operations"},
    {RBD_FEATURE_MIGRATING, "migrating"},
    {RBD_FEATURE_NON_PRIMARY, "non-primary"},
};
#define N_FEATURES (sizeof(feature_names) / sizeof(feature_names[0]))

int
vrbd_features_parse(const char *text, uint64_t *bits)
{
    CLEANUP_FREE char *copy = xstrdup(text);
    char *save = NULL, *item;
    uint64_t b = 0;

    for (item = strtok_r(copy, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        size_t i;

        while (*item == ' ')
            item++;
        for (i = 0; i < N_FEATURES; i++)
            if (strcmp(item, feature_names[i].name) == 0)
                break;
        if (i == N_FEATURES || feature_names[i].bit == RBD_FEATURE_DATA_POOL ||
            feature_names[i].bit == RBD_FEATURE_OPERATIONS ||
            feature_names[i].bit == RBD_FEATURE_MIGRATING ||
            feature_names[i].bit == RBD_FEATURE_NON_PRIMARY)
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0,
                "choose from layering, striping, exclusive-lock, object-map, fast-diff, deep-flatten, journaling",
                "unknown image feature '%s'", item);
        b |= feature_names[i].bit;
    }
    if ((b & RBD_FEATURE_OBJECT_MAP) && !(b & RBD_FEATURE_EXCLUSIVE_LOCK))
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "add exclusive-lock",
                              "feature object-map needs exclusive-lock");
    if ((b & RBD_FEATURE_FAST_DIFF) && !(b & RBD_FEATURE_OBJECT_MAP))
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "add object-map",
                              "feature fast-diff needs object-map");
    if ((b & RBD_FEATURE_JOURNALING) && !(b & RBD_FEATURE_EXCLUSIVE_LOCK))
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "add exclusive-lock",
                              "feature journaling needs exclusive-lock");
    *bits = b;
    return 0;
}

char *
vrbd_features_format(uint64_t bits)
{
    char *res = xstrdup("");

    for (size_t i = 0; i < N_FEATURES; i++) {
        if (!(bits & feature_names[i].bit))
            continue;
        char *next =
            xasprintf("%s%s%s", res, *res ? ", " : "", feature_names[i].name);

        free(res);
        res = next;
    }
    return res;
}

char *
vrbd_volume_name(const vrbd_spec *s)
{
    return xasprintf("%s%s%s/%s", s->pool, s->nspace ? "/" : "",
                     s->nspace ? s->nspace : "", s->image);
}

/*
 * librbd answers an operation in a namespace that was never created with
 * a bare -ENOENT (a create, naming the image it could not make) or with
 * nothing at all (a list is empty), so ask first: one read of the
 * namespace's directory object, allowed to any user whose caps reach it.
 */
static int
namespace_check(vrbd_cluster *cl, const char *pool, const char *nspace,
                rados_ioctx_t io)
{
    bool exists = false;
    int r = rbd_namespace_exists(io, nspace, &exists);

    if (r < 0)
        return vrbd_error_ceph(r, NULL,
                               "cannot look up namespace '%s' in pool '%s'",
                               nspace, pool);
    if (!exists) {
        CLEANUP_FREE char *hint = xasprintf(
            "create it with 'rbd namespace create %s/%s' (virt-rbd does not "
            "make namespaces), or leave the namespace out",
            pool, nspace);

        return vrbd_error_set(
            VRBD_ERR_NOT_FOUND, ENOENT, hint,
            "namespace '%s' not found in pool '%s' of cluster '%s'", nspace,
            pool, vrbd_cluster_name(cl));
    }
    return 0;
}

int
vrbd_volume_ioctx(vrbd_cluster *cl, const char *pool, const char *nspace,
                  rados_ioctx_t *io)
{
    int r = rados_ioctx_create(vrbd_cluster_rados(cl), pool, io);

    if (r < 0) {
        CLEANUP_FREE char *hint = xasprintf("see '{prog}{vrbd_pool_list} %s:'",
                                            vrbd_cluster_name(cl));

        if (r == -ENOENT)
            return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, hint,
                                  "pool '%s' not found in cluster '%s'", pool,
                                  vrbd_cluster_name(cl));
        return vrbd_error_ceph(r, NULL, "cannot open pool '%s'", pool);
    }
    rados_ioctx_set_namespace(*io, nspace ? nspace : "");
    if (nspace && namespace_check(cl, pool, nspace, *io) < 0) {
        rados_ioctx_destroy(*io);
        *io = NULL;
        return -1;
    }
    return 0;
}

int
vrbd_volume_open(vrbd_cluster *cl, const vrbd_spec *s, bool read_only,
                 rados_ioctx_t *io, rbd_image_t *img)
{
    CLEANUP_FREE char *name = NULL;
    int r;

    if (vrbd_volume_ioctx(cl, s->pool, s->nspace, io) < 0)
        return -1;
    r = read_only ? rbd_open_read_only(*io, s->image, img, s->snap)
                  : rbd_open(*io, s->image, img, s->snap);
    if (r < 0) {
        name = vrbd_volume_name(s);
        rados_ioctx_destroy(*io);
        if (r == -ENOENT && s->snap)
            return vrbd_error_set(
                VRBD_ERR_NOT_FOUND, ENOENT, NULL,
                "image or snapshot '%s@%s' not found in cluster '%s'", name,
                s->snap, vrbd_cluster_name(cl));
        if (r == -ENOENT)
            return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, NULL,
                                  "image '%s' not found in cluster '%s'", name,
                                  vrbd_cluster_name(cl));
        return vrbd_error_ceph(r, NULL, "cannot open image '%s'", name);
    }
    return 0;
}

int
vrbd_volume_new_name_check(const vrbd_spec *s)
{
    if (s->image && s->image[0] == '.')
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "choose a name that does not begin with '.'",
            "image name '%s' begins with '.': such names are kept for virt-rbd's temporary images",
            s->image);
    return 0;
}

int
vrbd_volume_create(vrbd_cluster *cl, const vrbd_spec *spec,
                   const vrbd_volume_create_opts *o)
{
    if (vrbd_opts_check(o, VRBD_VOLUME_CREATE_OPTS_VERSION,
                        "vrbd_volume_create_opts") < 0)
        return -1;
    if (vrbd_volume_new_name_check(spec) < 0)
        return -1;
    return vrbd_volume_make(cl, spec, o);
}

int
vrbd_volume_make(vrbd_cluster *cl, const vrbd_spec *spec,
                 const vrbd_volume_create_opts *o)
{
    CLEANUP_FREE char *name = NULL;
    rbd_image_options_t opts;
    rados_ioctx_t io;
    uint64_t features =
        o->features ? o->features
                    : RBD_FEATURE_LAYERING | RBD_FEATURE_EXCLUSIVE_LOCK |
                          RBD_FEATURE_OBJECT_MAP | RBD_FEATURE_FAST_DIFF |
                          RBD_FEATURE_DEEP_FLATTEN;
    uint64_t object_size = o->object_size ? o->object_size : 4ULL << 20;
    int order = 0, r;

    if (!spec->image || spec->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "create needs POOL/IMAGE without @SNAP");
    name = vrbd_volume_name(spec);
    if (o->size == 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "give a size such as 10G ({size})",
                              "image '%s' cannot have size 0", name);
    if (object_size & (object_size - 1) || object_size < 4096 ||
        object_size > (32ULL << 20))
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "give a power of two from 4K to 32M",
            "invalid object size %llu", (unsigned long long)object_size);
    while ((1ULL << order) < object_size)
        order++;
    if (vrbd_volume_ioctx(cl, spec->pool, spec->nspace, &io) < 0)
        return -1;
    opts = NULL;
    rbd_image_options_create(&opts);
    rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_FORMAT, 2);
    rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_FEATURES, features);
    rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_ORDER, (uint64_t)order);
    if (o->data_pool)
        rbd_image_options_set_string(opts, RBD_IMAGE_OPTION_DATA_POOL,
                                     o->data_pool);
    r = rbd_create4(io, spec->image, o->size, opts);
    rbd_image_options_destroy(opts);
    rados_ioctx_destroy(io);
    if (r == -EEXIST)
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "pick another name, or remove it first",
                              "image '%s' exists already in cluster '%s'", name,
                              vrbd_cluster_name(cl));
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot create image '%s'", name);
    vrbd_info("created image '%s' (%llu bytes)", name,
              (unsigned long long)o->size);
    return 0;
}

static int
add_used(uint64_t off, size_t len, int exists, void *arg)
{
    if (exists)
        *(uint64_t *)arg += len;
    return 0;
}

static char **
linked_names(rbd_linked_image_spec_t *v, size_t n)
{
    char **res = xcalloc(n + 1, sizeof(char *));
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (v[i].trash)
            continue;
        res[k++] = xasprintf(
            "%s%s%s/%s", v[i].pool_name,
            v[i].pool_namespace && *v[i].pool_namespace ? "/" : "",
            v[i].pool_namespace ? v[i].pool_namespace : "", v[i].image_name);
    }
    return res;
}

/* Children of the snapshot the image is set to. */
static char **
children_of(rbd_image_t img)
{
    rbd_linked_image_spec_t *v = NULL;
    size_t max = 16;
    char **res;
    int r;

    for (;;) {
        v = xreallocarray(v, max, sizeof(*v));
        r = rbd_list_children3(img, v, &max);
        if (r != -ERANGE)
            break;
    }
    if (r < 0) {
        free(v);
        return xcalloc(1, sizeof(char *));
    }
    res = linked_names(v, max);
    rbd_linked_image_spec_list_cleanup(v, max);
    free(v);
    return res;
}

/*
 * Fill @info from the open image.  @deep: also snapshots with children and
 * used bytes even when fast-diff must be rebuilt (a full scan).
 */
/* The image's parent, "POOL[/NS]/IMAGE@SNAP", or NULL */
static char *
parent_text(rbd_image_t img)
{
    rbd_linked_image_spec_t parent;
    rbd_snap_spec_t psnap;
    char *text;

    if (rbd_get_parent(img, &parent, &psnap) < 0)
        return NULL;
    text = xasprintf("%s%s%s/%s@%s", parent.pool_name,
                     parent.pool_namespace && *parent.pool_namespace ? "/" : "",
                     parent.pool_namespace ? parent.pool_namespace : "",
                     parent.image_name, psnap.name);
    rbd_linked_image_spec_cleanup(&parent);
    rbd_snap_spec_cleanup(&psnap);
    return text;
}

/* What rbd_stat and the image's header say: size, layout, id, features,
 * times, data pool, parent */
static int
fill_header(rbd_image_t img, vrbd_volume_info *info)
{
    rbd_image_info_t st;
    char buf[256];
    struct timespec ts;
    int64_t dp;
    int r = rbd_stat(img, &st, sizeof(st));

    if (r < 0)
        return r;
    info->size = st.size;
    info->order = st.order;
    info->object_size = 1ULL << st.order;
    info->objects = st.num_objs;
    info->block_name_prefix = xstrdup(st.block_name_prefix);
    info->format = 2;
    if (rbd_get_id(img, buf, sizeof(buf)) == 0)
        info->id = xstrdup(buf);
    rbd_get_features(img, &info->features);
    rbd_get_op_features(img, &info->op_features);
    rbd_get_flags(img, &info->flags);
    if (rbd_get_create_timestamp(img, &ts) == 0)
        info->created = ts.tv_sec;
    if (rbd_get_modify_timestamp(img, &ts) == 0)
        info->modified = ts.tv_sec;
    if (rbd_get_access_timestamp(img, &ts) == 0)
        info->accessed = ts.tv_sec;
    dp = rbd_get_data_pool_id(img);
    if (dp >= 0 && (info->features & RBD_FEATURE_DATA_POOL))
        info->data_pool = xasprintf("%lld", (long long)dp);
    info->parent = parent_text(img);
    return 0;
}

/* The snapshots, and with @deep the clones of each */
static void
fill_snaps(rbd_image_t img, bool deep, vrbd_volume_info *info)
{
    rbd_snap_info_t *snaps = NULL;
    struct timespec ts;
    int n = vrbd_volume_snap_list(img, &snaps);

    if (n > 0) {
        info->snaps = xcalloc((size_t)n, sizeof(*info->snaps));
        info->n_snaps = (size_t)n;
    }
    for (int i = 0; i < n; i++) {
        vrbd_snap *sp = &info->snaps[i];
        int prot = 0;

        sp->id = snaps[i].id;
        sp->name = xstrdup(snaps[i].name);
        sp->size = snaps[i].size;
        if (rbd_snap_is_protected(img, snaps[i].name, &prot) == 0)
            sp->is_protected = prot != 0;
        if (sp->is_protected)
            info->any_protected = true;
        if (rbd_snap_get_timestamp(img, snaps[i].id, &ts) == 0)
            sp->timestamp = ts.tv_sec;
    }
    vrbd_volume_snap_list_free(snaps, n);
    /* children hang off protected snapshots (clone v1) or any (v2) */
    for (size_t i = 0; deep && i < info->n_snaps; i++) {
        if (rbd_snap_set_by_id(img, info->snaps[i].id) < 0)
            continue;
        info->snaps[i].children = children_of(img);
        for (size_t k = 0; info->snaps[i].children[k]; k++)
            info->n_children++;
    }
    if (deep && info->n_snaps)
        rbd_snap_set(img, NULL);
}

/* Who has the image open, and who holds its lock */
static void
fill_holders(rbd_image_t img, vrbd_volume_info *info)
{
    rbd_image_watcher_t *w = NULL;
    size_t max = 8, n = 8;
    rbd_lock_mode_t mode;
    char *owners[8];
    int r;

    for (;;) {
        w = xreallocarray(w, max, sizeof(*w));
        r = rbd_watchers_list(img, w, &max);
        if (r != -ERANGE)
            break;
    }
    if (r == 0 && max > 0) {
        info->watchers = xcalloc(max, sizeof(*info->watchers));
        for (size_t i = 0; i < max; i++) {
            info->watchers[i].addr = xstrdup(w[i].addr);
            info->watchers[i].client_id = w[i].id;
            info->watchers[i].cookie = w[i].cookie;
        }
        info->n_watchers = max;
        rbd_watchers_list_cleanup(w, max);
    }
    free(w);
    info->lock_owners = xcalloc(9, sizeof(char *));
    if (rbd_lock_get_owners(img, &mode, owners, &n) == 0) {
        for (size_t i = 0; i < n; i++)
            info->lock_owners[i] = xstrdup(owners[i]);
        rbd_lock_get_owners_cleanup(owners, n);
    }
}

int
vrbd_volume_fill(rbd_image_t img, bool deep, vrbd_volume_info *info)
{
    char buf[256];
    size_t len = sizeof(buf);
    int r = fill_header(img, info);

    if (r < 0)
        return r;
    /* used bytes: cheap with a valid fast-diff map, a scan otherwise */
    info->used = VRBD_UNKNOWN;
    if (deep || ((info->features & RBD_FEATURE_FAST_DIFF) &&
                 !(info->flags & RBD_FLAG_FAST_DIFF_INVALID))) {
        uint64_t used = 0;

        if (rbd_diff_iterate2(img, NULL, 0, info->size, 0, 1, add_used,
                              &used) == 0)
            info->used = used < info->size ? used : info->size;
    }
    fill_snaps(img, deep, info);
    fill_holders(img, info);
    if (rbd_metadata_get(img, VRBD_OWNER_KEY, buf, &len) == 0)
        info->owner = xstrndup(buf, len);
    return 0;
}

char *
vrbd_image_meta(rbd_image_t img, const char *key)
{
    size_t len = 0;
    char *v;

    if (rbd_metadata_get(img, key, NULL, &len) != -ERANGE)
        return NULL;
    v = xcalloc(1, len + 1);
    if (rbd_metadata_get(img, key, v, &len) < 0) {
        free(v);
        return NULL;
    }
    return v;
}

char *
vrbd_owner_field(const char *owner, const char *key)
{
    const char *p = owner ? strstr(owner, key) : NULL;

    if (!p)
        return NULL;
    p += strlen(key);
    return xstrndup(p, strcspn(p, " "));
}

int
vrbd_volume_info_get(vrbd_cluster *cl, const vrbd_spec *spec,
                     vrbd_volume_info **out)
{
    vrbd_volume_info *info;
    rados_ioctx_t io;
    rbd_image_t img;
    int r;

    if (vrbd_volume_open(cl, spec, true, &io, &img) < 0)
        return -1;
    info = xcalloc(1, sizeof(*info));
    info->name = xstrdup(spec->image);
    info->pool = xstrdup(spec->pool);
    info->nspace = spec->nspace ? xstrdup(spec->nspace) : NULL;
    r = vrbd_volume_fill(img, true, info);
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (r < 0) {
        vrbd_volume_info_free(info);
        return vrbd_error_ceph(r, NULL, "cannot read image '%s'", spec->image);
    }
    *out = info;
    return 0;
}

void
vrbd_volume_info_clear(vrbd_volume_info *i)
{
    free(i->name);
    free(i->pool);
    free(i->nspace);
    free(i->id);
    free(i->block_name_prefix);
    free(i->data_pool);
    free(i->parent);
    for (size_t k = 0; k < i->n_snaps; k++) {
        free(i->snaps[k].name);
        for (size_t c = 0; i->snaps[k].children && i->snaps[k].children[c]; c++)
            free(i->snaps[k].children[c]);
        free(i->snaps[k].children);
    }
    free(i->snaps);
    for (size_t k = 0; k < i->n_watchers; k++)
        free(i->watchers[k].addr);
    free(i->watchers);
    for (size_t k = 0; i->lock_owners && i->lock_owners[k]; k++)
        free(i->lock_owners[k]);
    free(i->lock_owners);
    free(i->owner);
}

void
vrbd_volume_info_free(vrbd_volume_info *info)
{
    if (!info)
        return;
    vrbd_volume_info_clear(info);
    free(info);
}

void
vrbd_volume_info_list_free(vrbd_volume_info *list, size_t n)
{
    if (!list)
        return;
    for (size_t i = 0; i < n; i++)
        vrbd_volume_info_clear(&list[i]);
    free(list);
}

static int
cmp_info(const void *a, const void *b)
{
    return strcmp(((const vrbd_volume_info *)a)->name,
                  ((const vrbd_volume_info *)b)->name);
}

struct list_job {
    rados_ioctx_t io;
    vrbd_scan *scan; /* NULL: open every image with librbd */
    vrbd_volume_info *items;
    char **ids; /* the images' ids, from rbd_list2() */
    size_t n;
    atomic_size_t next;
    atomic_size_t done;     /* images read, for the tests' pause point */
    atomic_int first_error; /* -errno of the first real failure, or 0 */
    atomic_size_t error_item;
};

/* Image @i of @job the librbd way: open it read-only and fill it in */
static int
open_and_fill(struct list_job *job, size_t i)
{
    vrbd_volume_info *info = &job->items[i];
    rbd_image_t img;
    int r = rbd_open_read_only(job->io, info->name, &img, NULL);

    /* listed, but it no longer opens by name: a removal of it was
     * interrupted, or it is gone by now */
    if (r == -ENOENT) {
        CLEANUP_FREE char *id = vrbd_volume_removing_id(job->io, info->name);

        if (id && strcmp(id, job->ids[i]) == 0 &&
            rbd_open_by_id_read_only(job->io, id, &img, NULL) == 0) {
            info->removing = true;
            r = 0;
        }
    }
    if (r == 0) {
        r = vrbd_volume_fill(img, false, info);
        rbd_close(img);
    }
    return r;
}

/* Worker: read images one after the other from their headers (or, where
 * that cannot answer, by opening them) and fill them in. */
static void *
list_worker(void *arg)
{
    struct list_job *job = arg;
    size_t i;

    /* after a real failure the listing fails: opening the rest would make
     * a cluster that does not answer cost a timeout per image */
    while (atomic_load(&job->first_error) == 0 &&
           (i = atomic_fetch_add(&job->next, 1)) < job->n) {
        vrbd_volume_info *info = &job->items[i];
        int r = VRBD_SCAN_FALLBACK, expected = 0;

        if (job->scan) {
            vrbd_volume_info got = {0};

            r = vrbd_scan_image(job->scan, job->ids[i], &got);
            if (r == 0) {
                /* the listing's own fields stay: name, pool, namespace */
                got.name = info->name;
                got.pool = info->pool;
                got.nspace = info->nspace;
                *info = got;
            } else {
                vrbd_volume_info_clear(&got);
            }
        }
        if (r == VRBD_SCAN_FALLBACK) {
            if (job->scan)
                vrbd_debug(
                    "image '%s' read by opening it: its header alone could not answer",
                    info->name);
            r = open_and_fill(job, i);
        }
        if (r == 0 && atomic_fetch_add(&job->done, 1) == 0)
            vrbd_test_pause("list-after-first");
        if (r < 0) {
            info->error = true;
            /* an image removed while we list is skipped; anything else
             * (caps, timeouts) fails the listing */
            if (r != -ENOENT &&
                atomic_compare_exchange_strong(&job->first_error, &expected, r))
                atomic_store(&job->error_item, i);
        }
    }
    return NULL;
}

int
vrbd_volume_list(vrbd_cluster *cl, const char *pool, const char *nspace,
                 bool details, unsigned jobs, vrbd_volume_info **out,
                 size_t *n_out)
{
    rbd_image_spec_t *specs = NULL;
    vrbd_volume_info *items;
    char **ids;
    rados_ioctx_t io;
    size_t max = 8192, k = 0; /* one call for most pools */
    int r;

    if (vrbd_volume_ioctx(cl, pool, nspace, &io) < 0)
        return -1;
    /* grow and retry, as librbd asks */
    for (;;) {
        specs = xreallocarray(specs, max, sizeof(*specs));
        r = rbd_list2(io, specs, &max);
        if (r != -ERANGE)
            break;
    }
    if (r < 0) {
        free(specs);
        rados_ioctx_destroy(io);
        return vrbd_cluster_error(cl, r, "cannot list images of pool '%s'",
                                  pool);
    }
    items = xcalloc(max + 1, sizeof(*items));
    ids = xcalloc(max + 1, sizeof(*ids));
    for (size_t i = 0; i < max; i++) {
        ids[i] = xstrdup(specs[i].id);
        items[i].name = xstrdup(specs[i].name);
        items[i].pool = xstrdup(pool);
        items[i].nspace = nspace ? xstrdup(nspace) : NULL;
        items[i].used = VRBD_UNKNOWN;
    }
    rbd_image_spec_list_cleanup(specs, max);
    free(specs);
    if (details && max > 0) {
        /* VRBD_TEST_LIST_OPEN: the tests' way to the librbd path, the
         * oracle the header reads are compared with */
        vrbd_scan *scan =
            getenv("VRBD_TEST_LIST_OPEN") ? NULL : vrbd_scan_new(io);
        struct list_job job = {
            .io = io, .scan = scan, .items = items, .ids = ids, .n = max};
        unsigned nt = jobs ? jobs : 16, started;
        pthread_t *threads;

        if (nt > max)
            nt = (unsigned)max;
        atomic_init(&job.next, 0);
        atomic_init(&job.done, 0);
        atomic_init(&job.first_error, 0);
        atomic_init(&job.error_item, 0);
        threads = xcalloc(nt, sizeof(*threads));
        for (started = 0; started < nt; started++)
            if (pthread_create(&threads[started], NULL, list_worker, &job) != 0)
                break;
        /* no thread to spare: the threads there are (or this one) do the
         * work, more slowly */
        if (!started)
            list_worker(&job);
        for (unsigned t = 0; t < started; t++)
            pthread_join(threads[t], NULL);
        free(threads);
        vrbd_scan_free(scan);
        if (atomic_load(&job.first_error) < 0) {
            int err = atomic_load(&job.first_error);

            vrbd_cluster_error(cl, err, "cannot read image '%s' of pool '%s'",
                               items[atomic_load(&job.error_item)].name, pool);
            vrbd_volume_info_list_free(items, max);
            vrbd_strv_free(ids);
            rados_ioctx_destroy(io);
            return -1;
        }
        /* images that vanished while we looked are not in the pool */
        for (size_t i = 0; i < max; i++) {
            if (items[i].error) {
                vrbd_volume_info_clear(&items[i]);
                continue;
            }
            if (k != i)
                items[k] = items[i];
            k++;
        }
    } else {
        k = max;
    }
    vrbd_strv_free(ids);
    rados_ioctx_destroy(io);
    qsort(items, k, sizeof(*items), cmp_info);
    *out = items;
    *n_out = k;
    return 0;
}

/* librbd calls the progress callback unconditionally */
static int
no_progress(uint64_t done, uint64_t total, void *arg)
{
    return 0;
}

int
vrbd_volume_resize(vrbd_cluster *cl, const vrbd_spec *spec, uint64_t size,
                   bool allow_shrink)
{
    CLEANUP_FREE char *name = vrbd_volume_name(spec);
    rados_ioctx_t io;
    rbd_image_t img;
    uint64_t cur = 0;
    int r;

    if (size == 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "image '%s' cannot be resized to 0", name);
    if (spec->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "a snapshot cannot be resized");
    if (vrbd_volume_open(cl, spec, false, &io, &img) < 0)
        return -1;
    rbd_get_size(img, &cur);
    if (size < cur && !allow_shrink) {
        rbd_close(img);
        rados_ioctx_destroy(io);
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "shrinking loses the data past the new end: add {allow_shrink} if that is meant",
            "image '%s' would shrink from %llu to %llu bytes", name,
            (unsigned long long)cur, (unsigned long long)size);
    }
    r = rbd_resize2(img, size, allow_shrink, no_progress, NULL);
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot resize image '%s'", name);
    return 0;
}

int
vrbd_volume_snap_list(rbd_image_t img, rbd_snap_info_t **out)
{
    rbd_snap_info_t *snaps = NULL;
    int max = 16, n;

    for (;;) {
        snaps = xreallocarray(snaps, (size_t)max, sizeof(*snaps));
        n = rbd_snap_list(img, snaps, &max);
        if (n != -ERANGE)
            break;
    }
    if (n < 0) {
        free(snaps);
        snaps = NULL;
    }
    *out = snaps;
    return n;
}

void
vrbd_volume_snap_list_free(rbd_snap_info_t *snaps, int n)
{
    if (snaps && n > 0)
        rbd_snap_list_end(snaps);
    free(snaps);
}
