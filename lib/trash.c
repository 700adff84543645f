/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * trash.c: the RBD trash of a pool.  'vol rm' moves an image there with a
 * keep time (remove.c), and from here it is listed, brought back by name,
 * or purged for good: expired entries only, or all of them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include <rbd/librbd.h>

#include "host-internal.h"
#include "internal.h"
#include "volume-internal.h"
#include "watchers.h"

void
vrbd_trash_entry_list_free(vrbd_trash_entry *e, size_t n)
{
    if (!e)
        return;
    for (size_t i = 0; i < n; i++) {
        free(e[i].id);
        free(e[i].name);
        free(e[i].source);
        free(e[i].by);
        free(e[i].domain);
    }
    free(e);
}

void
vrbd_trash_purge_result_clear(vrbd_trash_purge_result *r)
{
    if (!r)
        return;
    vrbd_strv_free(r->skipped);
    memset(r, 0, sizeof(*r));
}

static const char *
source_name(rbd_trash_image_source_t s)
{
    switch (s) {
    case RBD_TRASH_IMAGE_SOURCE_USER:
        return "user";
    case RBD_TRASH_IMAGE_SOURCE_MIRRORING:
        return "mirroring";
    case RBD_TRASH_IMAGE_SOURCE_MIGRATION:
        return "migration";
    case RBD_TRASH_IMAGE_SOURCE_REMOVING:
        return "removing";
    case RBD_TRASH_IMAGE_SOURCE_USER_PARENT:
        return "user_parent";
    }
    return "unknown";
}

/* Size, snapshots and what removed it, from the image itself (opened by
 * id, read-only: a trashed image still opens that way) */
static void
fill_entry(rados_ioctx_t io, vrbd_trash_entry *e)
{
    rbd_image_t img;
    int max = 0;

    e->size = VRBD_UNKNOWN;
    if (rbd_open_by_id_read_only(io, e->id, &img, NULL) < 0)
        return;
    if (rbd_get_size(img, &e->size) < 0)
        e->size = VRBD_UNKNOWN;
    if (rbd_snap_list(img, NULL, &max) == -ERANGE && max > 0) {
        rbd_snap_info_t *snaps = xcalloc((size_t)max + 1, sizeof(*snaps));
        int n = rbd_snap_list(img, snaps, &max);

        if (n >= 0) {
            e->n_snaps = (size_t)n;
            rbd_snap_list_end(snaps);
        }
        free(snaps);
    }
    e->by = vrbd_image_meta(img, VRBD_REMOVED_KEY);
    if (e->by) {
        CLEANUP_FREE char *owner = vrbd_image_meta(img, VRBD_OWNER_KEY);

        if (strncmp(e->by, "vm rm", 5) == 0)
            e->domain = vrbd_owner_field(owner, "domain=");
    }
    rbd_close(img);
}

static int
by_deletion(const void *a, const void *b)
{
    const vrbd_trash_entry *x = a, *y = b;

    if (x->deleted != y->deleted)
        return x->deleted < y->deleted ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The raw entries of @io's trash; 0 or a negative errno */
static int
raw_list(rados_ioctx_t io, rbd_trash_image_info_t **out, size_t *n)
{
    rbd_trash_image_info_t *t = NULL;
    size_t max = 64;
    int r;

    for (;;) {
        t = xreallocarray(t, max, sizeof(*t));
        r = rbd_trash_list(io, t, &max);
        if (r != -ERANGE)
            break;
    }
    if (r < 0) {
        free(t);
        return r;
    }
    *out = t;
    *n = (size_t)r;
    return 0;
}

static void
raw_free(rbd_trash_image_info_t *t, size_t n)
{
    if (!t)
        return;
    rbd_trash_list_cleanup(t, n);
    free(t);
}

static int
list_io(rados_ioctx_t io, vrbd_trash_entry **out, size_t *n)
{
    rbd_trash_image_info_t *t = NULL;
    vrbd_trash_entry *e;
    size_t nt = 0;
    int r;

    if ((r = raw_list(io, &t, &nt)) < 0)
        return r;
    e = xcalloc(nt + 1, sizeof(*e));
    for (size_t i = 0; i < nt; i++) {
        e[i].id = xstrdup(t[i].id);
        e[i].name = xstrdup(t[i].name);
        e[i].source = xstrdup(source_name(t[i].source));
        e[i].deleted = (int64_t)t[i].deletion_time;
        e[i].expires = (int64_t)t[i].deferment_end_time;
        fill_entry(io, &e[i]);
    }
    raw_free(t, nt);
    qsort(e, nt, sizeof(*e), by_deletion);
    *out = e;
    *n = nt;
    return 0;
}

int
vrbd_trash_list(vrbd_cluster *cl, const char *pool, const char *nspace,
                vrbd_trash_entry **out, size_t *n)
{
    rados_ioctx_t io;
    int r;

    *out = NULL;
    *n = 0;
    if (vrbd_volume_ioctx(cl, pool, nspace, &io) < 0)
        return -1;
    r = list_io(io, out, n);
    rados_ioctx_destroy(io);
    if (r < 0)
        return vrbd_cluster_error(cl, r, "cannot list the trash of pool '%s'",
                                  pool);
    return 0;
}

/* The entry of @io's trash to restore: @id, or the one named @name.
 * Its index in @e, or -1 with the error set. */
static ssize_t
pick(const vrbd_trash_entry *e, size_t n, const char *name, const char *id,
     const char *where)
{
    ssize_t found = -1;
    CLEANUP_FREE char *ids = xstrdup("");

    for (size_t i = 0; i < n; i++) {
        char *next;

        if (id ? strcmp(e[i].id, id) != 0 : strcmp(e[i].name, name) != 0)
            continue;
        next = xasprintf("%s%s%s", ids, *ids ? ", " : "", e[i].id);
        free(ids);
        ids = next;
        if (found >= 0 && !id) {
            CLEANUP_FREE char *hint = xasprintf(
                "pick one with {id} ID, as {prog}{vrbd_trash_list} %s shows",
                where);

            for (size_t j = i + 1; j < n; j++) {
                if (strcmp(e[j].name, name) != 0)
                    continue;
                next = xasprintf("%s, %s", ids, e[j].id);
                free(ids);
                ids = next;
            }
            vrbd_error_set(VRBD_ERR_INVALID, EEXIST, hint,
                           "the trash of %s holds several images named '%s' "
                           "(ids %s)",
                           where, name, ids);
            return -1;
        }
        found = (ssize_t)i;
    }
    if (found < 0) {
        CLEANUP_FREE char *hint =
            xasprintf("see what it holds: {prog}{vrbd_trash_list} %s", where);

        if (id)
            vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, hint,
                           "no image of id '%s' in the trash of %s", id, where);
        else
            vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, hint,
                           "no image named '%s' in the trash of %s", name,
                           where);
    }
    return found;
}

/* Whether image @name exists in @io (opened read-only, so a watcher or
 * the exclusive lock do not matter) */
static bool
exists(rados_ioctx_t io, const char *name)
{
    rbd_image_t img;

    if (rbd_open_read_only(io, name, &img, NULL) < 0)
        return false;
    rbd_close(img);
    return true;
}

int
vrbd_trash_restore(vrbd_host *host, vrbd_cluster *cl, const vrbd_spec *spec,
                   const char *id, const char *as, char **restored)
{
    CLEANUP_FREE char *where = NULL;
    vrbd_trash_entry *e = NULL;
    vrbd_spec target = *spec;
    CLEANUP_FREE char *name = NULL;
    rados_ioctx_t io;
    rbd_image_t img;
    size_t n = 0;
    ssize_t k;
    int r;

    if (restored)
        *restored = NULL;
    if (!spec->image && !id)
        return vrbd_error_set(VRBD_ERR_INVALID, EINVAL, NULL,
                              "which image to restore: give its name or "
                              "{id}");
    where = spec->nspace
                ? xasprintf("%s:%s/%s", vrbd_cluster_name(cl), spec->pool,
                            spec->nspace)
                : xasprintf("%s:%s", vrbd_cluster_name(cl), spec->pool);
    if (as) {
        target.image = (char *)as;
        if (vrbd_volume_new_name_check(&target) < 0)
            return -1;
    }
    if (vrbd_volume_ioctx(cl, spec->pool, spec->nspace, &io) < 0)
        return -1;
    r = list_io(io, &e, &n);
    if (r < 0) {
        rados_ioctx_destroy(io);
        return vrbd_cluster_error(cl, r, "cannot list the trash of %s", where);
    }
    k = pick(e, n, spec->image, id, where);
    if (k < 0)
        goto fail;
    name = xstrdup(as ? as : e[k].name);
    if (strcmp(e[k].source, "user") != 0 &&
        strcmp(e[k].source, "user_parent") != 0) {
        vrbd_error_set(VRBD_ERR_BUSY, EBUSY,
                       "it is rbd-mirror's or a migration's own: leave it",
                       "image '%s' (id %s) in the trash of %s is not one a "
                       "user removed (%s)",
                       e[k].name, e[k].id, where, e[k].source);
        goto fail;
    }
    if (exists(io, name)) {
        vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                       "restore it under another name: {as} NEWNAME",
                       "an image named '%s' exists in %s already", name, where);
        goto fail;
    }
    r = rbd_trash_restore(io, e[k].id, name);
    if (r < 0) {
        vrbd_cluster_error(cl, r, "cannot restore image '%s' from the trash",
                           e[k].name);
        goto fail;
    }
    /* it is no longer removed: the record goes (best effort) */
    if (rbd_open(io, name, &img, NULL) == 0) {
        rbd_metadata_remove(img, VRBD_REMOVED_KEY);
        rbd_close(img);
    }
    rados_ioctx_destroy(io);
    vrbd_trash_entry_list_free(e, n);
    if (restored) {
        *restored = name;
        name = NULL;
    }
    if (host &&
        vrbd_host_refresh_pools_of(host, vrbd_cluster_fsid(cl), spec->pool) < 0)
        vrbd_error_clear();
    return 0;

fail:
    rados_ioctx_destroy(io);
    vrbd_trash_entry_list_free(e, n);
    return -1;
}

/* Whether @oid of @io has watchers: 1, 0, or a negative errno */
static int
watched(rados_ioctx_t io, const char *oid)
{
    char **addrs = NULL;
    int64_t *ids = NULL;
    uint64_t *cookies = NULL;
    int n = vrbd_watchers_finish(vrbd_watchers_start(io, oid), &addrs, &ids,
                                 &cookies);

    for (int i = 0; i < n; i++)
        free(addrs[i]);
    free(addrs);
    free(ids);
    free(cookies);
    return n == -ENOENT ? 0 : n < 0 ? n : n > 0;
}

/* Whether snapshot @snap of @img has clones: 1, 0, or a negative errno */
static int
has_children(rbd_image_t img, const char *snap)
{
    rbd_linked_image_spec_t one[1];
    size_t n = 1;
    int r;

    if ((r = rbd_snap_set(img, snap)) < 0)
        return r;
    r = rbd_list_children3(img, one, &n);
    if (r >= 0)
        rbd_linked_image_spec_list_cleanup(one, n);
    rbd_snap_set(img, NULL);
    return r == -ERANGE || (r >= 0 && n > 0) ? 1 : r < 0 ? r : 0;
}

/* The snapshots of trashed image @id go, unprotected first, once nothing
 * stands in the way: 0; 1 with *@why when something does (then nothing
 * was touched); or a negative errno */
static int
remove_snaps(rados_ioctx_t io, const char *id, const char **why)
{
    CLEANUP_FREE char *header = xasprintf("rbd_header.%s", id);
    rbd_snap_info_t *snaps = NULL;
    rbd_image_t img;
    int max = 0, n, r;

    if ((r = watched(io, header)) != 0) {
        *why = "a client has it open";
        return r < 0 ? r : 1;
    }
    if ((r = rbd_open_by_id(io, id, &img, NULL)) < 0)
        return r;
    n = rbd_snap_list(img, NULL, &max);
    if (n == -ERANGE && max > 0) {
        snaps = xcalloc((size_t)max + 1, sizeof(*snaps));
        n = rbd_snap_list(img, snaps, &max);
    }
    r = n < 0 ? n : 0;
    /* first look, touching nothing */
    for (int i = 0; r == 0 && i < n; i++)
        if ((r = has_children(img, snaps[i].name)) == 1)
            *why = "a clone still reads from it (flatten or remove the clone)";
    for (int i = 0; r == 0 && i < n; i++) {
        int prot = 0;

        if (rbd_snap_is_protected(img, snaps[i].name, &prot) == 0 && prot)
            r = rbd_snap_unprotect(img, snaps[i].name);
        if (r == 0)
            r = rbd_snap_remove(img, snaps[i].name);
    }
    if (n > 0)
        rbd_snap_list_end(snaps);
    free(snaps);
    rbd_close(img);
    return r;
}

static void
skip(vrbd_trash_purge_result *res, size_t *ns, const rbd_trash_image_info_t *t,
     const char *why)
{
    res->skipped = xreallocarray(res->skipped, *ns + 2, sizeof(char *));
    res->skipped[(*ns)++] = xasprintf("%s (%s): %s", t->name, t->id, why);
    res->skipped[*ns] = NULL;
}

int
vrbd_trash_purge(vrbd_host *host, vrbd_cluster *cl, const char *pool,
                 const char *nspace, bool expired_only,
                 vrbd_trash_purge_result *res)
{
    rbd_trash_image_info_t *t = NULL;
    time_t now = time(NULL);
    size_t nt = 0, ns = 0;
    rados_ioctx_t io;
    int r;

    memset(res, 0, sizeof(*res));
    if (vrbd_volume_ioctx(cl, pool, nspace, &io) < 0)
        return -1;
    r = raw_list(io, &t, &nt);
    if (r < 0) {
        rados_ioctx_destroy(io);
        return vrbd_cluster_error(cl, r, "cannot list the trash of pool '%s'",
                                  pool);
    }
    for (size_t i = 0; i < nt; i++) {
        rbd_trash_image_info_t *e = &t[i];
        const char *why = NULL;
        rados_ioctx_t one;

        if (e->source == RBD_TRASH_IMAGE_SOURCE_MIRRORING ||
            e->source == RBD_TRASH_IMAGE_SOURCE_MIGRATION) {
            skip(res, &ns, e, "rbd-mirror's or a migration's own");
            continue;
        }
        /* a cut-short removal is finished whatever its time */
        if (expired_only && e->source != RBD_TRASH_IMAGE_SOURCE_REMOVING &&
            e->deferment_end_time > now) {
            res->kept++;
            continue;
        }
        r = remove_snaps(io, e->id, &why);
        if (r == 1) {
            skip(res, &ns, e, why);
            continue;
        }
        if (r < 0 && r != -ENOENT)
            break;
        if ((r = rados_ioctx_create2(rados_ioctx_get_cluster(io),
                                     rados_ioctx_get_id(io), &one)) < 0)
            break;
        rados_ioctx_set_namespace(one, nspace ? nspace : "");
        r = vrbd_remove_bounded(cl, one, NULL, e->id); /* takes @one */
        if (r == -ENOTEMPTY || r == -EMLINK) {
            skip(res, &ns, e,
                 "a clone still reads from it (flatten or remove the clone)");
            continue;
        }
        if (r == -EBUSY) {
            skip(res, &ns, e, "a client has it open");
            continue;
        }
        if (r < 0)
            break;
        res->removed++;
    }
    if (r < 0 && r != -EBUSY && r != -ENOTEMPTY && r != -EMLINK) {
        size_t done = res->removed;

        raw_free(t, nt);
        rados_ioctx_destroy(io);
        return vrbd_cluster_error(
            cl, r, "cannot purge the trash of pool '%s' (%zu image(s) removed)",
            pool, done);
    }
    raw_free(t, nt);
    rados_ioctx_destroy(io);
    if (host && res->removed > 0 &&
        vrbd_host_refresh_pools_of(host, vrbd_cluster_fsid(cl), pool) < 0)
        vrbd_error_clear();
    return 0;
}
