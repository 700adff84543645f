/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * snapshot.c: snapshots, clones and flattening.  Every refusal names what
 * is in the way (children, protection, users) so that nothing is half
 * done: librbd's own errors for these cases are bare errnos.
 */
#include <errno.h>
#include <string.h>

#include <rbd/librbd.h>

#include "backup-internal.h"
#include "internal.h"
#include "volume-internal.h"

#define DEFAULT_MAX_DEPTH 5 /* like Nova's rbd_max_clone_depth */

static const vrbd_snap *
find_snap(const vrbd_volume_info *info, const char *name)
{
    for (size_t i = 0; i < info->n_snaps; i++)
        if (strcmp(info->snaps[i].name, name) == 0)
            return &info->snaps[i];
    return NULL;
}

/* The verbs of vrbd_snap_*(), which share their checks. */
enum snap_op {
    SNAP_CREATE,
    SNAP_REMOVE,
    SNAP_ROLLBACK,
    SNAP_PROTECT,
    SNAP_UNPROTECT,
};

/* Whether snapshot @snap of @base (@name) is the base of the next backup
 * to some target: then refused (the error set), as that backup would
 * have to copy everything */
static bool
refuse_base(vrbd_cluster *cl, const vrbd_spec *base, const char *name,
            const char *snap)
{
    CLEANUP_FREE char *target = NULL;
    rados_ioctx_t io;
    rbd_image_t img;

    if (vrbd_volume_open(cl, base, true, &io, &img) < 0) {
        vrbd_error_clear();
        return false;
    }
    target = vrbd_bk_base_target(img, snap);
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (!target)
        return false;
    vrbd_error_set(VRBD_ERR_BUSY, EBUSY,
                   "leave it (the next backup replaces it), or add {force}: "
                   "the next backup to there copies everything",
                   "snapshot '%s@%s' is the base of the next backup to %s",
                   name, snap, target);
    return true;
}

/* What @op on snapshot @snapname of @base (@name, @info) must not do:
 * 0, or -1 with the error set */
static int
check_op(vrbd_cluster *cl, const vrbd_spec *base, const char *name,
         const char *snapname, const vrbd_volume_info *info, enum snap_op op,
         bool force)
{
    const vrbd_snap *snap = find_snap(info, snapname);

    if (op == SNAP_CREATE && snap)
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST, NULL,
                              "snapshot '%s@%s' exists already", name,
                              snapname);
    if (op != SNAP_CREATE && !snap)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                              "see '{prog}{snap_list}'",
                              "snapshot '%s@%s' not found", name, snapname);
    if ((op == SNAP_REMOVE || op == SNAP_UNPROTECT) && snap && snap->children &&
        snap->children[0]) {
        CLEANUP_FREE char *kids = vrbd_strv_join(snap->children, ", ", 5);
        CLEANUP_FREE char *hint = xasprintf(
            "flatten them ({prog}{vrbd_volume_flatten} %s) or remove them first",
            snap->children[0]);

        return vrbd_error_set(VRBD_ERR_BUSY, EBUSY, hint,
                              "snapshot '%s@%s' has clones: %s", name, snapname,
                              kids);
    }
    if (op == SNAP_REMOVE && !force && refuse_base(cl, base, name, snapname))
        return -1;
    if (op == SNAP_REMOVE && snap && snap->is_protected)
        return vrbd_error_set(
            VRBD_ERR_BUSY, EBUSY,
            "unprotect it first ({prog}{vrbd_snap_unprotect})",
            "snapshot '%s@%s' is protected", name, snapname);
    if (op == SNAP_ROLLBACK && info->n_watchers > 0)
        return vrbd_error_set(
            VRBD_ERR_BUSY, EBUSY,
            "stop what uses it first (see {prog}{vrbd_volume_who})",
            "image '%s' is in use: rolling it back under a running client would corrupt it",
            name);
    return 0;
}

static int
snap_run(vrbd_cluster *cl, const vrbd_spec *spec, enum snap_op op, bool force)
{
    CLEANUP_FREE char *name = NULL;
    vrbd_spec base = *spec;
    vrbd_volume_info *info = NULL;
    rados_ioctx_t io;
    rbd_image_t img;
    int r = 0;

    if (!spec->image || !spec->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "a snapshot operation needs POOL/IMAGE@SNAP");
    name = vrbd_volume_name(spec);
    base.snap = NULL;
    if (vrbd_volume_info_get(cl, &base, &info) < 0)
        return -1;
    r = check_op(cl, &base, name, spec->snap, info, op, force);
    vrbd_volume_info_free(info);
    if (r < 0 || vrbd_volume_open(cl, &base, false, &io, &img) < 0)
        return -1;
    switch (op) {
    case SNAP_CREATE:
        r = rbd_snap_create(img, spec->snap);
        break;
    case SNAP_REMOVE:
        r = rbd_snap_remove(img, spec->snap);
        break;
    case SNAP_ROLLBACK:
        r = rbd_snap_rollback(img, spec->snap);
        break;
    case SNAP_PROTECT: {
        int prot = 0;

        rbd_snap_is_protected(img, spec->snap, &prot);
        r = prot ? 0 : rbd_snap_protect(img, spec->snap);
        break;
    }
    case SNAP_UNPROTECT: {
        int prot = 1;

        rbd_snap_is_protected(img, spec->snap, &prot);
        r = prot ? rbd_snap_unprotect(img, spec->snap) : 0;
        break;
    }
    }
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot %s snapshot '%s@%s'",
                               op == SNAP_CREATE     ? "create"
                               : op == SNAP_REMOVE   ? "remove"
                               : op == SNAP_ROLLBACK ? "roll back to"
                               : op == SNAP_PROTECT  ? "protect"
                                                     : "unprotect",
                               name, spec->snap);
    return 0;
}

int
vrbd_snap_create(vrbd_cluster *cl, const vrbd_spec *spec)
{
    return snap_run(cl, spec, SNAP_CREATE, false);
}

int
vrbd_snap_remove(vrbd_cluster *cl, const vrbd_spec *spec)
{
    return snap_run(cl, spec, SNAP_REMOVE, false);
}

int
vrbd_snap_remove_forced(vrbd_cluster *cl, const vrbd_spec *spec)
{
    return snap_run(cl, spec, SNAP_REMOVE, true);
}

int
vrbd_snap_rollback(vrbd_cluster *cl, const vrbd_spec *spec)
{
    return snap_run(cl, spec, SNAP_ROLLBACK, false);
}

int
vrbd_snap_protect(vrbd_cluster *cl, const vrbd_spec *spec)
{
    return snap_run(cl, spec, SNAP_PROTECT, false);
}

int
vrbd_snap_unprotect(vrbd_cluster *cl, const vrbd_spec *spec)
{
    return snap_run(cl, spec, SNAP_UNPROTECT, false);
}

/* How many parents stand above @spec. */
static unsigned
chain_depth(vrbd_cluster *cl, const vrbd_spec *spec)
{
    vrbd_spec cur = {0};
    unsigned depth = 0;

    cur.pool = xstrdup(spec->pool);
    cur.nspace = spec->nspace ? xstrdup(spec->nspace) : NULL;
    cur.image = xstrdup(spec->image);
    while (depth < 64) {
        vrbd_volume_info *info = NULL;
        vrbd_spec next;

        if (vrbd_volume_info_get(cl, &cur, &info) < 0) {
            vrbd_error_clear();
            break;
        }
        if (!info->parent ||
            vrbd_spec_parse(info->parent, VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_OK,
                            &next) < 0) {
            vrbd_error_clear();
            vrbd_volume_info_free(info);
            break;
        }
        vrbd_volume_info_free(info);
        vrbd_spec_clear(&cur);
        free(next.snap);
        next.snap = NULL;
        cur = next;
        depth++;
    }
    vrbd_spec_clear(&cur);
    return depth;
}

int
vrbd_volume_flatten(vrbd_cluster *cl, const vrbd_spec *spec)
{
    CLEANUP_FREE char *name = vrbd_volume_name(spec);
    rados_ioctx_t io;
    rbd_image_t img;
    int r;

    if (vrbd_volume_open(cl, spec, false, &io, &img) < 0)
        return -1;
    r = rbd_flatten(img);
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (r == -EINVAL)
        return vrbd_error_set(VRBD_ERR_INVALID, EINVAL, NULL,
                              "image '%s' has no parent: nothing to flatten",
                              name);
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot flatten image '%s'", name);
    return 0;
}

/* Whether @src (its image, named @sname) can be cloned: its snapshot is
 * there (*@have), or may be made, and the image has layering.  0, or -1
 * with the error set. */
static int
check_clone_source(vrbd_cluster *cl, const vrbd_spec *src, const char *sname,
                   const vrbd_clone_opts *opts, bool *have)
{
    vrbd_spec base = *src;
    vrbd_volume_info *info = NULL;
    bool layering;

    base.snap = NULL;
    if (vrbd_volume_info_get(cl, &base, &info) < 0)
        return -1;
    *have = find_snap(info, src->snap) != NULL;
    layering = (info->features & RBD_FEATURE_LAYERING) != 0;
    vrbd_volume_info_free(info);
    if (!*have && !opts->snap_if_missing)
        return vrbd_error_set(
            VRBD_ERR_NOT_FOUND, ENOENT,
            "create it ({vrbd_snap_create}), or add {snap_if_missing}",
            "snapshot '%s@%s' not found", sname, src->snap);
    if (!layering)
        return vrbd_error_set(VRBD_ERR_UNSUPPORTED, 0,
                              "copy it instead, or enable layering",
                              "image '%s' lacks the layering feature", sname);
    return 0;
}

/* rbd_clone3 in clone @format (1 or 2): 0 or a negative errno */
static int
clone_as(rados_ioctx_t pio, const vrbd_spec *src, rados_ioctx_t cio,
         const vrbd_spec *dst, uint64_t format)
{
    rbd_image_options_t o = NULL;
    int r;

    rbd_image_options_create(&o);
    rbd_image_options_set_uint64(o, RBD_IMAGE_OPTION_CLONE_FORMAT, format);
    r = rbd_clone3(pio, src->image, src->snap, cio, dst->image, o);
    rbd_image_options_destroy(o);
    return r;
}

/*
 * The clone itself, rbd_clone3's answer in *@ret.  Clone v2 needs no
 * protection of the snapshot; it needs clients of mimic or later (the
 * cluster's require_min_compat_client).  Where the cluster refuses it,
 * protect the snapshot and make a v1 clone.  0, or -1 with the error set
 * when the pools could not be opened or the snapshot protected.
 */
static int
make_clone(vrbd_cluster *cl, const vrbd_spec *src, const vrbd_spec *dst,
           vrbd_clone_result *res, int *ret)
{
    rados_ioctx_t pio, cio;
    vrbd_spec s = *src;
    int r = 0;

    if (vrbd_volume_ioctx(cl, src->pool, src->nspace, &pio) < 0)
        return -1;
    if (vrbd_volume_ioctx(cl, dst->pool, dst->nspace, &cio) < 0) {
        rados_ioctx_destroy(pio);
        return -1;
    }
    *ret = clone_as(pio, src, cio, dst, 2);
    if (*ret == -EINVAL || *ret == -EOPNOTSUPP || *ret == -ENOSYS) {
        vrbd_debug("clone v2 refused (%s): protecting and using v1",
                   strerror(-*ret));
        r = vrbd_snap_protect(cl, &s);
        if (r == 0) {
            *ret = clone_as(pio, src, cio, dst, 1);
            res->clone_v1 = true;
        }
    }
    rados_ioctx_destroy(pio);
    rados_ioctx_destroy(cio);
    return r < 0 ? -1 : 0;
}

/* A clone that was to be flat (or was too deep) made flat; one that
 * cannot be does not stay layered */
static int
flatten_clone(vrbd_cluster *cl, const vrbd_spec *dst, const char *dname)
{
    vrbd_error_saved saved;
    vrbd_remove_opts ro = {.version = VRBD_REMOVE_OPTS_VERSION, .force = true};

    if (vrbd_volume_flatten(cl, dst) == 0)
        return 0;
    vrbd_error_save(&saved);
    if (vrbd_volume_remove(NULL, cl, dst, &ro) < 0)
        vrbd_warn("could not remove the clone '%s' again", dname);
    return vrbd_error_restore(&saved, "nothing was left behind; try again");
}

int
vrbd_volume_clone(vrbd_cluster *cl, const vrbd_spec *src, const vrbd_spec *dst,
                  const vrbd_clone_opts *opts, vrbd_clone_result *res)
{
    CLEANUP_FREE char *sname = NULL;
    CLEANUP_FREE char *dname = NULL;
    unsigned max_depth = opts->max_depth ? opts->max_depth : DEFAULT_MAX_DEPTH;
    bool have = false;
    int r;

    if (vrbd_opts_check(opts, VRBD_CLONE_OPTS_VERSION, "vrbd_clone_opts") < 0)
        return -1;
    memset(res, 0, sizeof(*res));
    if (!src->image || !src->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "write SOURCE as POOL/IMAGE@SNAP",
                              "a clone needs a source snapshot");
    if (!dst->image || dst->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "a clone's name is POOL/IMAGE without @SNAP");
    if (vrbd_volume_new_name_check(dst) < 0)
        return -1;
    sname = vrbd_volume_name(src);
    dname = vrbd_volume_name(dst);
    if (check_clone_source(cl, src, sname, opts, &have) < 0)
        return -1;
    if (!have) {
        vrbd_spec s = *src;

        if (vrbd_snap_create(cl, &s) < 0 || vrbd_snap_protect(cl, &s) < 0)
            return -1;
        res->snap_created = true;
    }
    if (make_clone(cl, src, dst, res, &r) < 0)
        return -1;
    if (r == -EEXIST)
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST, NULL,
                              "image '%s' exists already", dname);
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot clone '%s@%s' to '%s'", sname,
                               src->snap, dname);
    res->depth = chain_depth(cl, dst);
    if (opts->flatten || res->depth > max_depth) {
        if (flatten_clone(cl, dst, dname) < 0)
            return -1;
        res->flattened = true;
        res->depth = 0;
    }
    return 0;
}
