/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-cluster.c: the `cluster` commands: the registry of Ceph clusters
 * (add, list, show, rm, default) and `check`, which connects.
 */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "render.h"
#include "size.h"
#include "xalloc.h"

static struct {
    const char *conf;
    const char *mon_host;
    const char *id;
    const char *keyring;
    const char *trash_keep;
} add_opt;
static const cli_opt add_opts[] = {
    CLI_STR("conf", 0, "FILE", "the cluster's ceph.conf (monitors, options)",
            &add_opt.conf),
    CLI_STR("mon-host", 0, "ADDRS",
            "monitor addresses, e.g. '[v2:10.0.0.1:3300,v1:10.0.0.1:6789]'",
            &add_opt.mon_host),
    CLI_STR("id", 0, "USER",
            "cephx user, e.g. 'admin' or 'client.libvirt' (default: admin)",
            &add_opt.id),
    CLI_STR("keyring", 0, "FILE", "keyring holding the user's key (mode 600)",
            &add_opt.keyring),
    CLI_STR("trash-keep", 0, "DURATION",
            "how long 'vol rm' keeps images in the trash (default: 7d)",
            &add_opt.trash_keep),
    {.name = NULL},
};

static struct {
    const char *conf;
    const char *mon_host;
    const char *id;
    const char *keyring;
} check_opt;
static const cli_opt check_opts[] = {
    CLI_STR("conf", 0, "FILE", "check an unregistered cluster: its ceph.conf",
            &check_opt.conf),
    CLI_STR("mon-host", 0, "ADDRS",
            "check an unregistered cluster: its monitors", &check_opt.mon_host),
    CLI_STR("id", 0, "USER", "with --conf/--mon-host: the cephx user",
            &check_opt.id),
    CLI_STR("keyring", 0, "FILE", "with --conf/--mon-host: the user's keyring",
            &check_opt.keyring),
    {.name = NULL},
};

static int
run_add(cli_ctx *ctx)
{
    CLEANUP_FREE char *name = xstrdup(ctx->argv[0]);
    vrbd_cluster_entry e = {
        .name = name,
        .conf_path = (char *)add_opt.conf,
        .mon_host = (char *)add_opt.mon_host,
        .user = (char *)add_opt.id,
        .keyring = (char *)add_opt.keyring,
    };
    vrbd_cluster_entry stored = {0};
    vrbd_registry *reg;
    int ret;

    if (vrbd_cluster_name_check(name) < 0)
        return cli_fail();
    if (add_opt.trash_keep &&
        (ret = cli_parse_duration(ctx, "trash-keep", add_opt.trash_keep,
                                  &e.trash_keep_sec)) != CLI_OK)
        return ret;
    if (!e.conf_path && !e.mon_host)
        return cli_usage(
            ctx,
            "cluster '%s' needs monitors: give --conf FILE or --mon-host ADDRS",
            name);
    if (!e.conf_path && !e.keyring)
        return cli_usage(
            ctx,
            "cluster '%s' needs a key: give --keyring FILE (or --conf naming a keyring)",
            name);
    reg = cli_registry(ctx);
    if (!reg)
        return CLI_FAIL;
    ret = vrbd_registry_add(reg, &e, ctx->timeout_sec, &stored);
    if (ret < 0) {
        vrbd_registry_free(reg);
        return cli_fail();
    }
    cli_show(ctx, &cli_view_cluster_added, &stored);
    vrbd_cluster_entry_clear(&stored);
    vrbd_registry_free(reg);
    return CLI_OK;
}

static int
run_list(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    vrbd_cluster_entry *all = NULL;
    size_t n = 0;

    if (!reg)
        return CLI_FAIL;
    if (vrbd_registry_list(reg, &all, &n) < 0) {
        vrbd_registry_free(reg);
        return cli_fail();
    }
    cli_show(ctx, &cli_view_cluster_list,
             &(cli_cluster_list){all, n, vrbd_registry_dir(reg)});
    vrbd_cluster_entry_list_free(all, n);
    vrbd_registry_free(reg);
    return CLI_OK;
}

static int
run_show(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    vrbd_cluster_entry e = {0};

    if (!reg)
        return CLI_FAIL;
    if (vrbd_registry_get(reg, ctx->argc ? ctx->argv[0] : NULL, &e) < 0) {
        vrbd_registry_free(reg);
        return cli_fail();
    }
    cli_show(ctx, &cli_view_cluster_entry, &e);
    vrbd_cluster_entry_clear(&e);
    vrbd_registry_free(reg);
    return CLI_OK;
}

static int
run_remove(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    CLEANUP_FREE char *new_default = NULL;

    if (!reg)
        return CLI_FAIL;
    if (vrbd_registry_remove(reg, ctx->argv[0], &new_default) < 0) {
        vrbd_registry_free(reg);
        return cli_fail();
    }
    cli_show(ctx, &cli_view_cluster_removed,
             &(cli_cluster_removed){ctx->argv[0], new_default});
    vrbd_registry_free(reg);
    return CLI_OK;
}

static int
run_default(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    vrbd_cluster_entry e = {0};

    if (!reg)
        return CLI_FAIL;
    if ((ctx->argc && vrbd_registry_set_default(reg, ctx->argv[0]) < 0) ||
        vrbd_registry_get(reg, ctx->argc ? ctx->argv[0] : NULL, &e) < 0) {
        vrbd_registry_free(reg);
        return cli_fail();
    }
    cli_show(ctx, &cli_view_cluster_default, e.name);
    vrbd_cluster_entry_clear(&e);
    vrbd_registry_free(reg);
    return CLI_OK;
}

static void
print_status(const cli_ctx *ctx, vrbd_cluster *cl,
             const vrbd_cluster_status *st)
{
    CLEANUP_FREE char *entity = xasprintf("client.%s", vrbd_cluster_user(cl));
    vrbd_user caps = {0};
    bool have_caps = vrbd_user_get(cl, entity, &caps) == 0;

    /* a restricted user may not read its own caps: that is no failure */
    vrbd_error_clear();

    cli_show(ctx, &cli_view_cluster_status,
             &(cli_cluster_status){vrbd_cluster_name(cl), entity, st,
                                   have_caps ? &caps : NULL});
    vrbd_user_clear(&caps);
}

static int
run_check(cli_ctx *ctx)
{
    const char *name = ctx->argc > 0 ? ctx->argv[0] : NULL;
    vrbd_cluster_opts opts = {
        .version = VRBD_CLUSTER_OPTS_VERSION,
        .name = name,
        .conf_path = check_opt.conf,
        .mon_host = check_opt.mon_host,
        .user = check_opt.id,
        .keyring = check_opt.keyring,
        .timeout_sec = ctx->timeout_sec,
    };
    vrbd_registry *reg = NULL;
    vrbd_cluster *cl = NULL;
    vrbd_cluster_status *st = NULL;
    int ret = CLI_FAIL, r;

    if (opts.conf_path || opts.mon_host) {
        r = vrbd_cluster_connect(&opts, &cl);
    } else if (opts.user || opts.keyring) {
        return cli_usage(
            ctx,
            "--id and --keyring need --conf or --mon-host; a registered cluster uses its own");
    } else {
        reg = cli_registry(ctx);
        if (!reg)
            return CLI_FAIL;
        r = vrbd_registry_connect(reg, name, ctx->timeout_sec, &cl);
    }
    if (r < 0 || vrbd_cluster_status_get(cl, &st) < 0) {
        ret = cli_fail();
        goto cleanup;
    }
    print_status(ctx, cl, st);
    ret = CLI_OK;

cleanup:
    vrbd_cluster_status_free(st);
    vrbd_cluster_free(cl);
    vrbd_registry_free(reg);
    return ret;
}

static struct {
    const char *rm;
} blocklist_opt;
static const cli_opt blocklist_opts[] = {
    CLI_STR("rm", 0, "ADDRESS", "lift this address's entry instead",
            &blocklist_opt.rm),
    {.name = NULL},
};

static int
run_blocklist(cli_ctx *ctx)
{
    const char *name = ctx->argc > 0 ? ctx->argv[0] : NULL;
    vrbd_cluster *cl = NULL;
    vrbd_blocklist_entry *list = NULL;
    size_t n = 0, removed = 0;
    int r = CLI_FAIL;

    if (cli_connect(ctx, name, &cl) < 0)
        return CLI_FAIL;
    if (blocklist_opt.rm) {
        const char *addr = blocklist_opt.rm;

        if (vrbd_unfence(cl, &addr, 1, &removed) < 0) {
            cli_fail();
            goto cleanup;
        }
        cli_show(ctx, &cli_view_unfenced,
                 &(cli_unfenced){vrbd_cluster_name(cl), addr, removed > 0});
    } else {
        if (vrbd_blocklist_list(cl, &list, &n) < 0) {
            cli_fail();
            goto cleanup;
        }
        cli_show(ctx, &cli_view_blocklist,
                 &(cli_blocklist){vrbd_cluster_name(cl), list, n});
    }
    r = CLI_OK;

cleanup:
    vrbd_blocklist_entry_list_free(list, n);
    vrbd_cluster_free(cl);
    return r;
}

const cli_cmd cli_cmds_cluster[] = {
    {"cluster add", "NAME", 1, 1, "Register a Ceph cluster under a short name",
     "Connects once (proving monitors and key), records the fsid and\n"
     "writes clusters/NAME.conf in the registry.  Give the monitors with\n"
     "--mon-host, or a ceph.conf with --conf; give the key with --keyring\n"
     "unless the conf names one.  The first cluster added is the default.\n"
     "A name or fsid that is already registered is refused.  --trash-keep\n"
     "sets how long 'vol rm' and 'vm rm --disks' keep images in this\n"
     "cluster's trash (the key trash_keep, in seconds, of that file).",
     add_opts, run_add},
    {"cluster list", "", 0, 0, "List the registered clusters", NULL, NULL,
     run_list},
    {"cluster show", "[NAME]", 0, 1,
     "Show how a registered cluster is reached (never its key)", NULL, NULL,
     run_show},
    {"cluster rm", "NAME", 1, 1,
     "Forget a registered cluster (the cluster itself is untouched)", NULL,
     NULL, run_remove},
    {"cluster default", "[NAME]", 0, 1, "Show or set the default cluster", NULL,
     NULL, run_default},
    {"cluster check", "[NAME]", 0, 1,
     "Connect to a cluster and report its health",
     "Connects to the registered cluster NAME (default: the default\n"
     "cluster) with timeouts set, and prints its fsid, health (each failing\n"
     "check, clock skew included), monitors, OSDs and placement groups.\n"
     "With --conf or --mon-host it checks an unregistered cluster instead,\n"
     "NAME labelling it.  virt-rbd never looks monitors up in DNS.",
     check_opts, run_check},
    {"cluster blocklist", "[NAME]", 0, 1,
     "List the cluster's OSD blocklist, or lift an entry",
     "Lists the client addresses the OSDs refuse (fenced with 'vol fence',\n"
     "or by librbd when it broke a dead client's lock) and until when.\n"
     "--rm ADDRESS lifts one entry (needs mon 'allow command \"osd\n"
     "blocklist\"'); the client instance it named stays unusable, a new\n"
     "one works.",
     blocklist_opts, run_blocklist},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
