/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-vol.c: the `vol` commands: RBD images through librbd, and the
 * libvirt side of them (pool refresh after create and remove, telling a
 * running guest that its disk grew, naming who holds an image).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "cli.h"
#include "render.h"
#include "size.h"
#include "xalloc.h"

static struct {
    const char *size;
    const char *object_size;
    const char *features;
    const char *data_pool;
} create_opt;
static const cli_opt create_opts[] = {
    CLI_STR("size", 's', "SIZE",
            "size: 2G and 2GiB are powers of 1024, 2GB of 1000 (required)",
            &create_opt.size),
    CLI_STR("object-size", 0, "SIZE",
            "RADOS object size, 4K to 32M (default: 4M)",
            &create_opt.object_size),
    CLI_STR("features", 0, "LIST",
            "image features (default: " VRBD_FEATURES_DEFAULT_NAMES ")",
            &create_opt.features),
    CLI_STR("data-pool", 0, "POOL", "erasure-coded pool for the data",
            &create_opt.data_pool),
    {.name = NULL},
};

static struct {
    bool details;
    unsigned jobs;
} list_opt;
static const cli_opt list_opts[] = {
    CLI_FLAG("long", 'l',
             "NAME SIZE USED PARENT FMT PROT LOCK WATCHERS OWNER per image",
             &list_opt.details),
    CLI_COUNT("jobs", 'j', "N",
              "with -l: images opened at a time (default: 16)", 256,
              &list_opt.jobs),
    {.name = NULL},
};

static struct {
    const char *size;
    bool allow_shrink;
} resize_opt;
static const cli_opt resize_opts[] = {
    CLI_STR("size", 's', "SIZE", "the new size (required)", &resize_opt.size),
    CLI_FLAG("allow-shrink", 0, "allow a smaller size (loses the data past it)",
             &resize_opt.allow_shrink),
    {.name = NULL},
};

static struct {
    bool snap_if_missing;
    bool flatten;
    unsigned max_depth;
} clone_opt;
static const cli_opt clone_opts[] = {
    CLI_FLAG("snap-if-missing", 0, "create and protect the source snapshot",
             &clone_opt.snap_if_missing),
    CLI_FLAG("flatten", 0, "copy the parent's data: the clone stands alone",
             &clone_opt.flatten),
    CLI_COUNT("max-depth", 0, "N",
              "flatten when the chain of parents gets deeper (default: 5)", 64,
              &clone_opt.max_depth),
    {.name = NULL},
};

static struct {
    bool force;
    bool now;
    const char *keep;
} rm_opt;
static const cli_opt rm_opts[] = {
    CLI_FLAG("force", 0, "with --now: also its (unprotected) snapshots",
             &rm_opt.force),
    CLI_FLAG("now", 0, "delete it at once instead of moving it to the trash",
             &rm_opt.now),
    CLI_STR("keep", 0, "DURATION",
            "how long the trash keeps it: 12h, 2d (default: the cluster's, 7d)",
            &rm_opt.keep),
    {.name = NULL},
};

static struct {
    const char *expire;
    const char *reason;
} fence_opt;
static const cli_opt fence_opts[] = {
    CLI_STR("expire", 0, "DURATION",
            "how long the blocklist holds: 90s, 30m, 1h, 2d (default: 1h)",
            &fence_opt.expire),
    CLI_STR("reason", 0, "TEXT", "why, recorded with the fence",
            &fence_opt.reason),
    {.name = NULL},
};

static int
parse_spec(cli_ctx *ctx, const char *text, unsigned flags, vrbd_spec *s)
{
    if (vrbd_spec_parse(text, flags, s) < 0)
        return cli_fail();
    return CLI_OK;
}

static int
parse_size(cli_ctx *ctx, const char *opt, const char *v, uint64_t *bytes)
{
    const char *why = NULL;

    if (!v)
        return cli_usage(ctx, "give --%s SIZE, e.g. 10G", opt);
    if (vrbd_size_parse(v, bytes, &why) < 0)
        return cli_usage(ctx, "invalid --%s '%s': %s", opt, v, why);
    return CLI_OK;
}

/* Connect to the spec's cluster, and libvirt when it answers. */
static int
connect_both(cli_ctx *ctx, const vrbd_spec *s, vrbd_cluster **cl,
             vrbd_host **host)
{
    if (cli_connect(ctx, s->cluster, cl) < 0)
        return -1;
    if (host && vrbd_host_open(ctx->connect_uri, host) < 0) {
        /* images need no libvirt: only the extras are lost */
        vrbd_error_clear();
        *host = NULL;
    }
    return 0;
}

static void
refresh_libvirt(vrbd_host *host, vrbd_cluster *cl, const char *pool)
{
    if (host &&
        vrbd_host_refresh_pools_of(host, vrbd_cluster_fsid(cl), pool) < 0)
        vrbd_error_clear();
}

static char *
canonical(vrbd_cluster *cl, const vrbd_spec *s)
{
    vrbd_spec c = *s;
    char *res;

    c.cluster = (char *)vrbd_cluster_name(cl);
    res = vrbd_spec_format(&c);
    return res;
}

static int
run_create(cli_ctx *ctx)
{
    vrbd_volume_create_opts o = {.version = VRBD_VOLUME_CREATE_OPTS_VERSION};
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    const char *f = create_opt.features;
    int r;

    if ((r = parse_size(ctx, "size", create_opt.size, &o.size)) != CLI_OK)
        return r;
    if (create_opt.object_size &&
        (r = parse_size(ctx, "object-size", create_opt.object_size,
                        &o.object_size)) != CLI_OK)
        return r;
    if (f && vrbd_features_parse(f, &o.features) < 0)
        return cli_fail();
    if (o.size == 0)
        return cli_usage(ctx, "invalid --size 0: an image needs a size");
    o.data_pool = create_opt.data_pool;
    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_IMAGE, &s)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (connect_both(ctx, &s, &cl, &host) < 0)
        goto cleanup;
    if (vrbd_volume_create(cl, &s, &o) < 0) {
        cli_fail();
        goto cleanup;
    }
    refresh_libvirt(host, cl, s.pool);
    {
        CLEANUP_FREE char *name = canonical(cl, &s);

        cli_show(ctx, &cli_view_vol_created, &(cli_vol_created){name, o.size});
    }
    r = CLI_OK;

cleanup:
    vrbd_host_free(host);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

/* Name the temporary images of imports and copies that did not finish
 * (listed by vol list like any image), with how to continue or remove
 * them */
static void
warn_partials(vrbd_cluster *cl, const vrbd_spec *s,
              const vrbd_volume_info *list, size_t n)
{
    vrbd_partial *parts = NULL;
    size_t np = 0, i;

    for (i = 0; i < n && strncmp(list[i].name, ".virt-rbd-", 10) != 0; i++)
        ;
    if (i == n)
        return;
    if (vrbd_partial_list(cl, s->pool, s->nspace, &parts, &np) < 0)
        return;
    for (i = 0; i < np; i++) {
        CLEANUP_FREE char *d = NULL;

        if (parts[i].running)
            continue;
        d = vrbd_partial_describe(&parts[i], vrbd_cluster_name(cl), s->pool,
                                  s->nspace);
        fprintf(stderr, "virt-rbd: warning: %s\n", d);
    }
    vrbd_partial_list_free(parts, np);
}

static int
run_list(cli_ctx *ctx)
{
    bool details = list_opt.details;
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_volume_info *list = NULL;
    unsigned jobs = 0;
    size_t n = 0;
    int r;

    jobs = list_opt.jobs;
    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_POOL, &s)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_volume_list(cl, s.pool, s.nspace, details, jobs, &list, &n) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_vol_list, &(cli_vol_list){list, n, details});
    warn_partials(cl, &s, list, n);
    for (size_t i = 0; i < n; i++) {
        CLEANUP_FREE char *spec = NULL;
        vrbd_spec one = s;

        if (!list[i].removing)
            continue;
        one.image = list[i].name;
        spec = canonical(cl, &one);
        fprintf(stderr,
                "virt-rbd: warning: image '%s' is half-removed (a removal of "
                "it was interrupted): finish it with 'virt-rbd vol rm %s'\n",
                list[i].name, spec);
    }
    r = CLI_OK;

cleanup:
    vrbd_volume_info_list_free(list, n);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_info(cli_ctx *ctx)
{
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_volume_info *v = NULL;
    int r;

    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_OK,
                        &s)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_volume_info_get(cl, &s, &v) < 0) {
        cli_fail();
        goto cleanup;
    }
    {
        CLEANUP_FREE char *name = canonical(cl, &s);

        cli_show(ctx, &cli_view_vol_info, &(cli_vol_info){name, v});
    }
    r = CLI_OK;

cleanup:
    vrbd_volume_info_free(v);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_resize(cli_ctx *ctx)
{
    bool shrink = resize_opt.allow_shrink;
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    vrbd_volume_info *v = NULL;
    char **doms = NULL, **targets = NULL;
    uint64_t size;
    int r, nd = 0;

    if ((r = parse_size(ctx, "size", resize_opt.size, &size)) != CLI_OK)
        return r;
    if (size == 0)
        return cli_usage(ctx, "invalid --size 0: an image needs a size");
    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_IMAGE, &s)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (connect_both(ctx, &s, &cl, &host) < 0)
        goto cleanup;
    if (vrbd_volume_info_get(cl, &s, &v) < 0) {
        cli_fail();
        goto cleanup;
    }
    if (host) {
        CLEANUP_FREE char *name =
            xasprintf("%s%s%s/%s", s.pool, s.nspace ? "/" : "",
                      s.nspace ? s.nspace : "", s.image);

        nd = vrbd_host_domains_with_image(host, name, &doms, &targets);
        if (nd < 0)
            nd = 0;
    }
    if (size < v->size && nd > 0) {
        fprintf(stderr,
                "virt-rbd: error: image %s is attached to running domain "
                "'%s': shrinking it under the guest would corrupt it\n"
                "virt-rbd: hint: shut the guest down first (virsh shutdown "
                "%s)\n",
                ctx->argv[0], doms[0], doms[0]);
        goto cleanup;
    }
    if (vrbd_volume_resize(cl, &s, size, shrink) < 0) {
        cli_fail();
        goto cleanup;
    }
    /* a running guest learns the new size from libvirt, not from librbd */
    for (int i = 0; i < nd; i++)
        if (vrbd_host_block_resize(host, doms[i], targets[i], size) < 0)
            fprintf(stderr, "virt-rbd: warning: %s\n",
                    vrbd_error_last()->message);
    refresh_libvirt(host, cl, s.pool);
    cli_show(
        ctx, &cli_view_vol_resized,
        &(cli_vol_resized){ctx->argv[0], v->size, size, nd ? doms[0] : NULL});
    r = CLI_OK;

cleanup:
    vrbd_strv_free(doms);
    vrbd_strv_free(targets);
    vrbd_volume_info_free(v);
    vrbd_host_free(host);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
snap_op(cli_ctx *ctx, int (*op)(vrbd_cluster *, const vrbd_spec *),
        const char *verb)
{
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    int r;

    if ((r = parse_spec(ctx, ctx->argv[0],
                        VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_NEED, &s)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    if (op(cl, &s) < 0) {
        cli_fail();
        goto cleanup;
    }
    {
        CLEANUP_FREE char *name = canonical(cl, &s);

        vrbd_spec image = s;
        CLEANUP_FREE char *img = NULL;

        image.snap = NULL;
        img = canonical(cl, &image);
        cli_show(ctx, &cli_view_snap_done,
                 &(cli_snap_done){name, verb, img, s.snap,
                                  op == vrbd_snap_rollback});
    }
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_snap_create(cli_ctx *ctx)
{
    return snap_op(ctx, vrbd_snap_create, "created");
}

static struct {
    bool force;
} snap_rm_opt;
static const cli_opt snap_rm_opts[] = {
    CLI_FLAG("force", 'f',
             "also the base of the next backup (which then copies "
             "everything)",
             &snap_rm_opt.force),
    {.name = NULL},
};

static int
run_snap_rm(cli_ctx *ctx)
{
    return snap_op(
        ctx, snap_rm_opt.force ? vrbd_snap_remove_forced : vrbd_snap_remove,
        "removed");
}

static int
run_snap_rollback(cli_ctx *ctx)
{
    return snap_op(ctx, vrbd_snap_rollback, "rolled back to");
}

static int
run_snap_protect(cli_ctx *ctx)
{
    return snap_op(ctx, vrbd_snap_protect, "protected");
}

static int
run_snap_unprotect(cli_ctx *ctx)
{
    return snap_op(ctx, vrbd_snap_unprotect, "unprotected");
}

static int
run_snap_list(cli_ctx *ctx)
{
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_volume_info *v = NULL;
    int r;

    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_IMAGE, &s)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_volume_info_get(cl, &s, &v) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_snap_list, v);
    r = CLI_OK;

cleanup:
    vrbd_volume_info_free(v);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_clone(cli_ctx *ctx)
{
    vrbd_clone_opts o = {.version = VRBD_CLONE_OPTS_VERSION,
                         .snap_if_missing = clone_opt.snap_if_missing,
                         .flatten = clone_opt.flatten};
    vrbd_clone_result res;
    vrbd_spec src = {0}, dst = {0};
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    int r;

    o.max_depth = clone_opt.max_depth;
    if ((r = parse_spec(ctx, ctx->argv[0],
                        VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_NEED, &src)) !=
            CLI_OK ||
        (r = parse_spec(ctx, ctx->argv[1], VRBD_SPEC_IMAGE, &dst)) != CLI_OK) {
        vrbd_spec_clear(&src);
        return r;
    }
    r = CLI_FAIL;
    if ((src.cluster || dst.cluster) &&
        (!src.cluster || !dst.cluster || strcmp(src.cluster, dst.cluster))) {
        vrbd_spec_clear(&src);
        vrbd_spec_clear(&dst);
        return cli_usage(
            ctx,
            "a clone lives on its parent's cluster: give both on the same cluster (copy across clusters with 'virt-rbd copy')");
    }
    if (connect_both(ctx, &src, &cl, &host) < 0)
        goto cleanup;
    if (vrbd_volume_clone(cl, &src, &dst, &o, &res) < 0) {
        cli_fail();
        goto cleanup;
    }
    refresh_libvirt(host, cl, dst.pool);
    {
        CLEANUP_FREE char *sn = canonical(cl, &src);
        CLEANUP_FREE char *dn = canonical(cl, &dst);

        cli_show(ctx, &cli_view_vol_cloned, &(cli_vol_cloned){sn, dn, &res});
    }
    r = CLI_OK;

cleanup:
    vrbd_host_free(host);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&src);
    vrbd_spec_clear(&dst);
    return r;
}

static int
run_flatten(cli_ctx *ctx)
{
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    int r;

    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_IMAGE, &s)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_volume_flatten(cl, &s) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_vol_flattened, ctx->argv[0]);
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_children(cli_ctx *ctx)
{
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_volume_info *v = NULL;
    int r;

    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_OK,
                        &s)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    {
        char *snap = s.snap;

        s.snap = NULL;
        if (cli_connect(ctx, s.cluster, &cl) < 0 ||
            vrbd_volume_info_get(cl, &s, &v) < 0) {
            s.snap = snap;
            if (cl)
                cli_fail();
            goto cleanup;
        }
        s.snap = snap;
    }
    cli_show(ctx, &cli_view_vol_children, &(cli_vol_children){v, s.snap});
    r = CLI_OK;

cleanup:
    vrbd_volume_info_free(v);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_who(cli_ctx *ctx)
{
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    vrbd_holder *h = NULL;
    CLEANUP_FREE char *owner = NULL;
    size_t n = 0;
    int r;

    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_IMAGE, &s)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (connect_both(ctx, &s, &cl, &host) < 0)
        goto cleanup;
    if (vrbd_volume_who(host, cl, &s, &h, &n, &owner) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_vol_who, &(cli_vol_who){ctx->argv[0], h, n, owner});
    r = CLI_OK;

cleanup:
    vrbd_holder_list_free(h, n);
    vrbd_host_free(host);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_rm(cli_ctx *ctx)
{
    vrbd_remove_opts o = {.version = VRBD_REMOVE_OPTS_VERSION,
                          .force = rm_opt.force,
                          .trash = !rm_opt.now,
                          .by = "vol rm"};
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    int r;

    if ((r = cli_parse_keep(ctx, rm_opt.now, rm_opt.keep, &o.keep_sec)) !=
        CLI_OK)
        return r;
    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_IMAGE, &s)) != CLI_OK)
        return r;
    /* virt-rbd's own temporary images (.virt-rbd-import.*): nothing in
     * them is worth keeping */
    if (s.image && strncmp(s.image, ".virt-rbd-", 10) == 0)
        o.trash = false;
    r = CLI_FAIL;
    if (connect_both(ctx, &s, &cl, &host) < 0)
        goto cleanup;
    if (vrbd_volume_remove(host, cl, &s, &o) < 0) {
        cli_fail();
        goto cleanup;
    }
    refresh_libvirt(host, cl, s.pool);
    {
        CLEANUP_FREE char *name = canonical(cl, &s);

        cli_show(ctx, &cli_view_vol_removed,
                 &(cli_vol_removed){
                     name, o.trash,
                     (int64_t)time(NULL) +
                         (int64_t)(o.keep_sec ? o.keep_sec
                                              : vrbd_cluster_trash_keep(cl))});
    }
    r = CLI_OK;

cleanup:
    vrbd_host_free(host);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_clients(cli_ctx *ctx)
{
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_image_client *c = NULL;
    size_t n = 0;
    int r;

    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_IMAGE, &s)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_image_clients(cl, &s, &c, &n) < 0) {
        cli_fail();
        goto cleanup;
    }
    {
        CLEANUP_FREE char *name = canonical(cl, &s);

        cli_show(ctx, &cli_view_vol_clients, &(cli_vol_clients){name, c, n});
    }
    r = CLI_OK;

cleanup:
    vrbd_image_client_list_free(c, n);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_fence(cli_ctx *ctx)
{
    vrbd_fence_opts o = {.version = VRBD_FENCE_OPTS_VERSION,
                         .reason = fence_opt.reason};
    vrbd_fence_result res = {0};
    vrbd_spec *specs = xcalloc((size_t)ctx->argc, sizeof(*specs));
    char **names = xcalloc((size_t)ctx->argc + 1, sizeof(*names));
    vrbd_cluster *cl = NULL;
    int r = CLI_OK;

    o.expire_sec = VRBD_FENCE_DEFAULT_EXPIRE_SEC;
    if (fence_opt.expire)
        r = cli_parse_duration(ctx, "expire", fence_opt.expire, &o.expire_sec);
    for (int i = 0; i < ctx->argc && r == CLI_OK; i++) {
        r = parse_spec(ctx, ctx->argv[i], VRBD_SPEC_IMAGE, &specs[i]);
        if (r == CLI_OK && i > 0 &&
            !(specs[i].cluster == NULL && specs[0].cluster == NULL) &&
            (!specs[i].cluster || !specs[0].cluster ||
             strcmp(specs[i].cluster, specs[0].cluster) != 0))
            r = cli_usage(ctx,
                          "give images of one cluster: fence each cluster's "
                          "images with a command of its own");
    }
    if (r != CLI_OK)
        goto cleanup;
    r = CLI_FAIL;
    if (cli_connect(ctx, specs[0].cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_fence(cl, specs, (size_t)ctx->argc, &o, &res) < 0) {
        cli_fail();
        goto cleanup;
    }
    for (int i = 0; i < ctx->argc; i++)
        names[i] = canonical(cl, &specs[i]);
    cli_show(ctx, &cli_view_vol_fenced,
             &(cli_vol_fenced){vrbd_cluster_name(cl),
                               (const char *const *)names, (size_t)ctx->argc,
                               &res, o.expire_sec, o.reason});
    r = CLI_OK;

cleanup:
    vrbd_fence_result_clear(&res);
    vrbd_cluster_free(cl);
    for (int i = 0; i < ctx->argc; i++)
        vrbd_spec_clear(&specs[i]);
    free(specs);
    vrbd_strv_free(names);
    return r;
}

#define SPEC "[CLUSTER:]POOL[/NS]/IMAGE"

const cli_cmd cli_cmds_vol[] = {
    {"vol create", SPEC, 1, 1, "Create an RBD image (format 2)",
     "Creates a format 2 image with the default features\n"
     "(" VRBD_FEATURES_DEFAULT_NAMES ") unless --features says\n"
     "otherwise.  Sizes: a bare number is bytes; K M G T P E and KiB ... EiB\n"
     "are powers of 1024 (2G = 2GiB = 2147483648); KB ... EB are powers of\n"
     "1000 (7GB = 7000000000).  The exact byte count is printed.  The\n"
     "host's libvirt pools for that Ceph pool are refreshed, so vol-list\n"
     "shows the image at once.",
     create_opts, run_create},
    {"vol list", "[CLUSTER:]POOL[/NS]", 1, 1, "List the images of a pool",
     "Plain: names only, one rbd_list2 call.  With -l: NAME SIZE USED\n"
     "PARENT FMT PROT LOCK WATCHERS OWNER, read from the images' headers\n"
     "--jobs at a time (opening with librbd the few they cannot answer\n"
     "for); USED shows '?' where the fast-diff map is not valid.",
     list_opts, run_list},
    {"vol info", SPEC "[@SNAP]", 1, 1,
     "Everything about an image: rbd info, used bytes, snapshots, watchers",
     NULL, NULL, run_info},
    {"vol resize", SPEC, 1, 1,
     "Grow (or, with --allow-shrink, shrink) an image",
     "Growing an image attached to a running domain also tells the guest\n"
     "(libvirt block resize).  Shrinking needs --allow-shrink and is\n"
     "refused while a running domain has the disk.",
     resize_opts, run_resize},
    {"vol snap create", SPEC "@SNAP", 1, 1, "Create a snapshot", NULL, NULL,
     run_snap_create},
    {"vol snap list", SPEC, 1, 1, "List an image's snapshots", NULL, NULL,
     run_snap_list},
    {"vol snap rm", SPEC "@SNAP", 1, 1,
     "Remove a snapshot (refused while protected or cloned)",
     "Refused while the snapshot is protected or has clones, and when it\n"
     "is the base of the next backup to a target (a bk-... snapshot that\n"
     "'backup' keeps on the source): --force removes that one all the\n"
     "same, and the next backup there copies everything.",
     snap_rm_opts, run_snap_rm},
    {"vol snap rollback", SPEC "@SNAP", 1, 1,
     "Roll an image back to a snapshot (refused while in use)", NULL, NULL,
     run_snap_rollback},
    {"vol snap protect", SPEC "@SNAP", 1, 1, "Protect a snapshot", NULL, NULL,
     run_snap_protect},
    {"vol snap unprotect", SPEC "@SNAP", 1, 1,
     "Unprotect a snapshot (refused while cloned)", NULL, NULL,
     run_snap_unprotect},
    {"vol clone", SPEC "@SNAP " SPEC, 2, 2,
     "Clone a snapshot into a new layered image",
     "A copy-on-write clone on the same cluster, instant whatever the size.\n"
     "Past --max-depth parents (default 5, like Nova's rbd_max_clone_depth)\n"
     "the clone is flattened at once, so chains stay short.",
     clone_opts, run_clone},
    {"vol flatten", SPEC, 1, 1, "Copy a clone's parent data into it", NULL,
     NULL, run_flatten},
    {"vol children", SPEC "[@SNAP]", 1, 1, "List the clones of an image", NULL,
     NULL, run_children},
    {"vol who", SPEC, 1, 1, "Who holds an image: watchers mapped to owners",
     "Maps each watcher to the running libvirt domain on this host whose\n"
     "disk is the image, a local process that is no domain, or a remote\n"
     "host, and says what to do about it.  The watch of an rbd-mirror\n"
     "daemon on a mirrored image is named as such: it is no VM.",
     NULL, run_who},
    {"vol clients", SPEC, 1, 1,
     "List an image's clients: watchers and lock holders",
     "Every Ceph client of the image, one line per address: its client id,\n"
     "whether it watches the image, and the cookie of the lock it holds\n"
     "(the exclusive lock librbd manages, or an advisory one).  These are\n"
     "the clients 'vol fence' would fence.",
     NULL, run_clients},
    {"vol fence", SPEC " [" SPEC "...]", 1, -1,
     "Fence an image's clients: blocklist them, break their locks",
     "For a client that lost the image, such as the QEMU of a hung host:\n"
     "every client of the images (see 'vol clients') is put on the\n"
     "cluster's OSD blocklist for --expire (the OSDs then refuse all its\n"
     "requests, writes in flight included), then the image's locks are\n"
     "broken so a new client can take them, and the fence is recorded in\n"
     "the image's metadata (virt-rbd.fence: addresses, time, expiry,\n"
     "--reason).  An image without clients is left alone.  This process's\n"
     "own client is never fenced, nor an rbd-mirror daemon (that would\n"
     "stop replication: it is shown as left alone).  The registered user\n"
     "needs mon 'profile rbd' or 'allow command \"osd blocklist\"';\n"
     "'cluster blocklist --rm' lifts an entry (a fenced client stays\n"
     "unusable: start a new one).",
     fence_opts, run_fence},
    {"vol rm", SPEC, 1, 1, "Remove an image, safely: to the trash",
     "The image goes to its pool's RBD trash, with its snapshots, for\n"
     "--keep (by default the cluster's trash keep, from 'cluster add\n"
     "--trash-keep', else 7 days): 'vol restore' brings it back until then,\n"
     "'vol trash purge --expired' deletes it after.  --now deletes it at\n"
     "once (and virt-rbd's own temporary images, named .virt-rbd-*, always\n"
     "go at once); its snapshots then go only with --force.  Refused while the\n"
     "image has watchers (naming who: see 'vol who'; an rbd-mirror\n"
     "daemon's watch does not count), protected snapshots, clone v1\n"
     "children (and, with --now, any clone), or mirroring enabled (removing\n"
     "a primary removes the peer site's copy too).",
     rm_opts, run_rm},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
