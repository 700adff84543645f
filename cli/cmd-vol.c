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
    {NULL},
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
    {NULL},
};

static struct {
    const char *size;
    bool allow_shrink;
} resize_opt;
static const cli_opt resize_opts[] = {
    CLI_STR("size", 's', "SIZE", "the new size (required)", &resize_opt.size),
    CLI_FLAG("allow-shrink", 0, "allow a smaller size (loses the data past it)",
             &resize_opt.allow_shrink),
    {NULL},
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
    {NULL},
};

static struct {
    bool force;
    bool trash;
} rm_opt;
static const cli_opt rm_opts[] = {
    CLI_FLAG("force", 0, "also remove the image's (unprotected) snapshots",
             &rm_opt.force),
    CLI_FLAG("trash", 0, "move it to the RBD trash instead", &rm_opt.trash),
    {NULL},
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
    vrbd_volume_create_opts o = {0};
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    const char *f = create_opt.features;
    char human[32];
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

        if (ctx->json) {
            struct json_object *j = json_object_new_object();

            json_object_object_add(j, "image", json_object_new_string(name));
            json_object_object_add(j, "size", json_object_new_uint64(o.size));
            cli_print_json(j);
        } else {
            printf("image %s created: %s (%llu bytes)\n", name,
                   vrbd_size_format(o.size, human, sizeof(human)),
                   (unsigned long long)o.size);
        }
    }
    r = CLI_OK;

cleanup:
    vrbd_host_free(host);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static const char *
lock_text(const vrbd_volume_info *v)
{
    return v->lock_owners && v->lock_owners[0] ? "excl" : "";
}

static char *
owner_domain(const char *owner)
{
    const char *p = owner ? strstr(owner, "domain=") : NULL;

    if (!p)
        return xstrdup(owner ? owner : "");
    p += 7;
    return xstrndup(p, strcspn(p, " "));
}

static struct json_object *
volume_json(const vrbd_volume_info *v, bool deep)
{
    struct json_object *o = json_object_new_object();
    struct json_object *w = json_object_new_array();

    json_object_object_add(o, "name", json_object_new_string(v->name));
    json_object_object_add(o, "pool", json_object_new_string(v->pool));
    if (v->nspace)
        json_object_object_add(o, "namespace",
                               json_object_new_string(v->nspace));
    json_object_object_add(o, "size", json_object_new_uint64(v->size));
    json_object_object_add(
        o, "used",
        v->used == VRBD_UNKNOWN ? NULL : json_object_new_uint64(v->used));
    json_object_object_add(
        o, "parent", v->parent ? json_object_new_string(v->parent) : NULL);
    json_object_object_add(o, "format", json_object_new_int(v->format));
    json_object_object_add(o, "protected",
                           json_object_new_boolean(v->any_protected));
    json_object_object_add(o, "locked",
                           json_object_new_boolean(*lock_text(v) != 0));
    for (size_t i = 0; i < v->n_watchers; i++)
        json_object_array_add(w, json_object_new_string(v->watchers[i].addr));
    json_object_object_add(o, "watchers", w);
    json_object_object_add(o, "owner",
                           v->owner ? json_object_new_string(v->owner) : NULL);
    if (v->removing)
        json_object_object_add(o, "removing", json_object_new_boolean(true));
    if (deep) {
        CLEANUP_FREE char *feat = vrbd_features_format(v->features);
        struct json_object *snaps = json_object_new_array();

        json_object_object_add(o, "id",
                               json_object_new_string(v->id ? v->id : ""));
        json_object_object_add(o, "block_name_prefix",
                               json_object_new_string(v->block_name_prefix
                                                          ? v->block_name_prefix
                                                          : ""));
        json_object_object_add(o, "order", json_object_new_int(v->order));
        json_object_object_add(o, "object_size",
                               json_object_new_uint64(v->object_size));
        json_object_object_add(o, "objects",
                               json_object_new_uint64(v->objects));
        json_object_object_add(o, "features", json_object_new_string(feat));
        json_object_object_add(o, "flags", json_object_new_uint64(v->flags));
        json_object_object_add(o, "created", json_object_new_int64(v->created));
        json_object_object_add(o, "modified",
                               json_object_new_int64(v->modified));
        for (size_t i = 0; i < v->n_snaps; i++) {
            struct json_object *s = json_object_new_object();
            struct json_object *kids = json_object_new_array();

            json_object_object_add(s, "name",
                                   json_object_new_string(v->snaps[i].name));
            json_object_object_add(s, "id",
                                   json_object_new_uint64(v->snaps[i].id));
            json_object_object_add(s, "size",
                                   json_object_new_uint64(v->snaps[i].size));
            json_object_object_add(
                s, "protected",
                json_object_new_boolean(v->snaps[i].is_protected));
            for (size_t k = 0; v->snaps[i].children && v->snaps[i].children[k];
                 k++)
                json_object_array_add(
                    kids, json_object_new_string(v->snaps[i].children[k]));
            json_object_object_add(s, "children", kids);
            json_object_array_add(snaps, s);
        }
        json_object_object_add(o, "snapshots", snaps);
    }
    return o;
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

/* vol list -l as a table */
static void
print_volumes(const vrbd_volume_info *list, size_t n)
{
    vrbd_table *t = vrbd_table_new(
        (const char *[]){"NAME", "SIZE", "USED", "PARENT", "FMT", "PROT",
                         "LOCK", "WATCHERS", "OWNER", NULL});

    vrbd_table_right(t, 1);
    vrbd_table_right(t, 2);
    vrbd_table_right(t, 7);
    for (size_t i = 0; i < n; i++) {
        const vrbd_volume_info *v = &list[i];
        CLEANUP_FREE char *own = owner_domain(v->owner);
        char size[32], used[32] = "?", fmt[16], watchers[24];

        vrbd_size_format(v->size, size, sizeof(size));
        if (v->used != VRBD_UNKNOWN)
            vrbd_size_format(v->used, used, sizeof(used));
        snprintf(fmt, sizeof(fmt), "%d", v->format);
        snprintf(watchers, sizeof(watchers), "%zu", v->n_watchers);
        VRBD_TABLE_ROW(t, v->name, size, used, v->parent, fmt,
                       v->any_protected ? "yes" : "", lock_text(v), watchers,
                       own);
    }
    cli_print_table(t);
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
    if (ctx->json) {
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; i < n; i++)
            json_object_array_add(
                a, details ? volume_json(&list[i], false)
                           : json_object_new_string(list[i].name));
        cli_print_json(a);
    } else if (!details) {
        for (size_t i = 0; i < n; i++)
            puts(list[i].name);
    } else {
        print_volumes(list, n);
    }
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
    vrbd_volume_list_free(list, n);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static void
print_time(const char *key, int64_t t)
{
    char buf[64] = "-";
    time_t tt = (time_t)t;
    struct tm tm;

    if (t > 0 && gmtime_r(&tt, &tm))
        strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
    cli_print_kv(18, key, "%s", buf);
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
    if (ctx->json) {
        cli_print_json(volume_json(v, true));
    } else {
        CLEANUP_FREE char *name = canonical(cl, &s);
        CLEANUP_FREE char *feat = vrbd_features_format(v->features);
        char a[32], b[32];

        printf("rbd image %s:\n", name);
        cli_print_kv(18, "  size:", "%s (%llu bytes) in %llu objects",
                     vrbd_size_format(v->size, a, sizeof(a)),
                     (unsigned long long)v->size,
                     (unsigned long long)v->objects);
        if (v->used != VRBD_UNKNOWN)
            cli_print_kv(18, "  used:", "%s (%llu bytes)",
                         vrbd_size_format(v->used, b, sizeof(b)),
                         (unsigned long long)v->used);
        cli_print_kv(18, "  order:", "%d (%s objects)", v->order,
                     vrbd_size_format(v->object_size, a, sizeof(a)));
        cli_print_kv(18, "  id:", "%s", v->id ? v->id : "");
        cli_print_kv(18, "  block_name_prefix:", "%s",
                     v->block_name_prefix ? v->block_name_prefix : "");
        cli_print_kv(18, "  format:", "%d", v->format);
        cli_print_kv(18, "  features:", "%s", feat);
        cli_print_kv(18, "  flags:", "%s",
                     v->flags ? "object map or fast-diff invalid" : "");
        if (v->parent)
            cli_print_kv(18, "  parent:", "%s", v->parent);
        print_time("  created:", v->created);
        print_time("  modified:", v->modified);
        cli_print_kv(18, "  snapshots:", "%zu", v->n_snaps);
        for (size_t i = 0; i < v->n_snaps; i++) {
            cli_print_kv(18, "", "@%s  %s%s", v->snaps[i].name,
                         vrbd_size_format(v->snaps[i].size, a, sizeof(a)),
                         v->snaps[i].is_protected ? "  protected" : "");
            for (size_t k = 0; v->snaps[i].children && v->snaps[i].children[k];
                 k++)
                cli_print_kv(18, "", "    child %s", v->snaps[i].children[k]);
        }
        cli_print_kv(18, "  watchers:", "%zu", v->n_watchers);
        for (size_t i = 0; i < v->n_watchers; i++)
            cli_print_kv(18, "", "watcher=%s client.%lld cookie=%llu",
                         v->watchers[i].addr,
                         (long long)v->watchers[i].client_id,
                         (unsigned long long)v->watchers[i].cookie);
        if (v->lock_owners && v->lock_owners[0])
            cli_print_kv(18, "  lock owner:", "%s", v->lock_owners[0]);
        cli_print_kv(18, "  owner:", "%s", v->owner ? v->owner : "-");
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
    {
        char a[32], b[32];

        if (ctx->json) {
            struct json_object *j = json_object_new_object();

            json_object_object_add(j, "old_size",
                                   json_object_new_uint64(v->size));
            json_object_object_add(j, "size", json_object_new_uint64(size));
            cli_print_json(j);
        } else {
            printf("image %s resized from %s to %s (%llu bytes)%s%s\n",
                   ctx->argv[0], vrbd_size_format(v->size, a, sizeof(a)),
                   vrbd_size_format(size, b, sizeof(b)),
                   (unsigned long long)size, nd ? "; running guest told: " : "",
                   nd ? doms[0] : "");
        }
    }
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
snap_op(cli_ctx *ctx, vrbd_snap_op op, const char *verb)
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
    if (vrbd_snap_run(cl, &s, op) < 0) {
        cli_fail();
        goto cleanup;
    }
    {
        CLEANUP_FREE char *name = canonical(cl, &s);

        if (ctx->json) {
            struct json_object *j = json_object_new_object();

            json_object_object_add(j, "snapshot", json_object_new_string(name));
            json_object_object_add(j, "done", json_object_new_string(verb));
            cli_print_json(j);
        } else if (op == VRBD_SNAP_ROLLBACK) {
            vrbd_spec image = s;
            CLEANUP_FREE char *img = NULL;

            image.snap = NULL;
            img = canonical(cl, &image);
            printf("image %s rolled back to snapshot %s\n", img, s.snap);
        } else {
            printf("snapshot %s %s\n", name, verb);
        }
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
    return snap_op(ctx, VRBD_SNAP_CREATE, "created");
}

static int
run_snap_rm(cli_ctx *ctx)
{
    return snap_op(ctx, VRBD_SNAP_REMOVE, "removed");
}

static int
run_snap_rollback(cli_ctx *ctx)
{
    return snap_op(ctx, VRBD_SNAP_ROLLBACK, "rolled back to");
}

static int
run_snap_protect(cli_ctx *ctx)
{
    return snap_op(ctx, VRBD_SNAP_PROTECT, "protected");
}

static int
run_snap_unprotect(cli_ctx *ctx)
{
    return snap_op(ctx, VRBD_SNAP_UNPROTECT, "unprotected");
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
    if (ctx->json) {
        struct json_object *o = volume_json(v, true);
        struct json_object *snaps = NULL;

        json_object_object_get_ex(o, "snapshots", &snaps);
        cli_print_json(json_object_get(snaps));
        json_object_put(o);
    } else {
        vrbd_table *t = vrbd_table_new((const char *[]){
            "SNAPID", "NAME", "SIZE", "PROTECTED", "CHILDREN", NULL});

        vrbd_table_right(t, 0);
        vrbd_table_right(t, 2);
        vrbd_table_right(t, 4);
        for (size_t i = 0; i < v->n_snaps; i++) {
            size_t kids = 0;
            char a[32], id[24], nk[24];

            while (v->snaps[i].children && v->snaps[i].children[kids])
                kids++;
            snprintf(id, sizeof(id), "%llu",
                     (unsigned long long)v->snaps[i].id);
            snprintf(nk, sizeof(nk), "%zu", kids);
            VRBD_TABLE_ROW(t, id, v->snaps[i].name,
                           vrbd_size_format(v->snaps[i].size, a, sizeof(a)),
                           v->snaps[i].is_protected ? "yes" : "no", nk);
        }
        cli_print_table(t);
    }
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
    vrbd_clone_opts o = {.snap_if_missing = clone_opt.snap_if_missing,
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

        if (ctx->json) {
            struct json_object *j = json_object_new_object();

            json_object_object_add(j, "source", json_object_new_string(sn));
            json_object_object_add(j, "image", json_object_new_string(dn));
            json_object_object_add(j, "depth", json_object_new_int(res.depth));
            json_object_object_add(j, "flattened",
                                   json_object_new_boolean(res.flattened));
            json_object_object_add(j, "snapshot_created",
                                   json_object_new_boolean(res.snap_created));
            cli_print_json(j);
        } else {
            printf("image %s cloned from %s%s%s\n", dn, sn,
                   res.snap_created ? " (snapshot created and protected)" : "",
                   res.flattened ? ", flattened" : "");
        }
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
    printf("image %s flattened: it has no parent now\n", ctx->argv[0]);
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
    struct json_object *a = ctx->json ? json_object_new_array() : NULL;
    int r;

    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_OK,
                        &s)) != CLI_OK) {
        json_object_put(a);
        return r;
    }
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
    for (size_t i = 0; i < v->n_snaps; i++) {
        if (s.snap && strcmp(s.snap, v->snaps[i].name) != 0)
            continue;
        for (size_t k = 0; v->snaps[i].children && v->snaps[i].children[k];
             k++) {
            if (a)
                json_object_array_add(
                    a, json_object_new_string(v->snaps[i].children[k]));
            else
                printf("%s  (of @%s)\n", v->snaps[i].children[k],
                       v->snaps[i].name);
        }
    }
    if (a) {
        cli_print_json(a);
        a = NULL;
    }
    r = CLI_OK;

cleanup:
    json_object_put(a);
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
    if (ctx->json) {
        struct json_object *o = json_object_new_object();
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; i < n; i++) {
            struct json_object *w = json_object_new_object();

            json_object_object_add(w, "addr",
                                   json_object_new_string(h[i].addr));
            json_object_object_add(w, "client",
                                   json_object_new_int64(h[i].client_id));
            json_object_object_add(w, "local",
                                   json_object_new_boolean(h[i].local));
            json_object_object_add(
                w, "domain",
                h[i].domain ? json_object_new_string(h[i].domain) : NULL);
            json_object_object_add(w, "advice",
                                   json_object_new_string(h[i].advice));
            json_object_array_add(a, w);
        }
        json_object_object_add(o, "watchers", a);
        json_object_object_add(o, "owner",
                               owner ? json_object_new_string(owner) : NULL);
        cli_print_json(o);
    } else if (n == 0) {
        printf("nobody: image %s has no watcher%s%s\n", ctx->argv[0],
               owner ? "; recorded owner: " : "", owner ? owner : "");
    } else {
        for (size_t i = 0; i < n; i++) {
            printf("client.%lld at %s: %s\n", (long long)h[i].client_id,
                   h[i].addr,
                   h[i].domain  ? h[i].domain
                   : h[i].local ? "a local process (no libvirt domain)"
                                : "a remote client");
            printf("  %s\n", h[i].advice);
        }
        if (owner)
            printf("recorded owner: %s\n", owner);
    }
    r = CLI_OK;

cleanup:
    vrbd_holders_free(h, n);
    vrbd_host_free(host);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_rm(cli_ctx *ctx)
{
    vrbd_remove_opts o = {.force = rm_opt.force, .trash = rm_opt.trash};
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    int r;

    if ((r = parse_spec(ctx, ctx->argv[0], VRBD_SPEC_IMAGE, &s)) != CLI_OK)
        return r;
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

        if (ctx->json) {
            struct json_object *j = json_object_new_object();

            json_object_object_add(j, "removed", json_object_new_string(name));
            json_object_object_add(j, "trash",
                                   json_object_new_boolean(o.trash));
            cli_print_json(j);
        } else {
            printf("image %s %s\n", name,
                   o.trash ? "moved to the trash" : "removed");
        }
    }
    r = CLI_OK;

cleanup:
    vrbd_host_free(host);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
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
     "PARENT FMT PROT LOCK WATCHERS OWNER, opening images read-only --jobs\n"
     "at a time; USED shows '?' where the fast-diff map is not valid.",
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
     "Remove a snapshot (refused while protected or cloned)", NULL, NULL,
     run_snap_rm},
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
     "host, and says what to do about it.",
     NULL, run_who},
    {"vol rm", SPEC, 1, 1, "Remove an image, safely",
     "Refused while the image has watchers (naming who: see 'vol who'),\n"
     "clones or protected snapshots; its other snapshots go only with\n"
     "--force.  --trash moves it to the RBD trash instead.",
     rm_opts, run_rm},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
