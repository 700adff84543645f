/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-cluster.c: the `cluster` commands: the registry of Ceph clusters
 * (add, list, show, rm, default) and `check`, which connects.
 */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "size.h"
#include "xalloc.h"

static struct {
    const char *conf;
    const char *mon_host;
    const char *id;
    const char *keyring;
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
    {NULL},
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
    {NULL},
};

static struct json_object *
str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static struct json_object *
entry_json(const vrbd_cluster_entry *e)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "name", json_object_new_string(e->name));
    json_object_object_add(o, "default",
                           json_object_new_boolean(e->is_default));
    json_object_object_add(o, "fsid", str_or_null(e->fsid));
    json_object_object_add(o, "conf", str_or_null(e->conf_path));
    json_object_object_add(o, "mon_host", str_or_null(e->mon_host));
    json_object_object_add(o, "user", str_or_null(e->user));
    json_object_object_add(o, "keyring", str_or_null(e->keyring));
    return o;
}

static void
entry_text(const vrbd_cluster_entry *e)
{
    cli_print_kv(9, "name:", "%s%s", e->name,
                 e->is_default ? " (default)" : "");
    cli_print_kv(9, "fsid:", "%s", e->fsid ? e->fsid : "-");
    cli_print_kv(9, "conf:", "%s", e->conf_path ? e->conf_path : "-");
    cli_print_kv(9, "mon_host:", "%s",
                 e->mon_host ? e->mon_host : "(from conf)");
    cli_print_kv(9, "user:", "client.%s", e->user);
    cli_print_kv(9, "keyring:", "%s", e->keyring ? e->keyring : "(from conf)");
}

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
    if (ctx->json) {
        cli_print_json(entry_json(&stored));
    } else {
        printf("cluster '%s' added: fsid %s, client.%s%s\n", stored.name,
               stored.fsid, stored.user,
               stored.is_default ? " (the default cluster)" : "");
    }
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
    if (ctx->json) {
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; i < n; i++)
            json_object_array_add(a, entry_json(&all[i]));
        cli_print_json(a);
    } else if (n == 0) {
        printf("no cluster registered in %s (add one: virt-rbd cluster "
               "add NAME ...)\n",
               vrbd_registry_dir(reg));
    } else {
        printf("%-12s %-7s %-36s %-16s %s\n", "NAME", "DEFAULT", "FSID", "USER",
               "MONITORS");
        for (size_t i = 0; i < n; i++)
            printf("%-12s %-7s %-36s %-16s %s\n", all[i].name,
                   all[i].is_default ? "*" : "",
                   all[i].fsid ? all[i].fsid : "-", all[i].user,
                   all[i].mon_host ? all[i].mon_host : "(from conf)");
    }
    vrbd_cluster_entries_free(all, n);
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
    if (ctx->json)
        cli_print_json(entry_json(&e));
    else
        entry_text(&e);
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
    if (!ctx->json) {
        printf("cluster '%s' removed from the registry\n", ctx->argv[0]);
        if (new_default)
            printf("the default cluster is now '%s'\n", new_default);
    } else {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "removed",
                               json_object_new_string(ctx->argv[0]));
        json_object_object_add(o, "default", str_or_null(new_default));
        cli_print_json(o);
    }
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
    if (ctx->json) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "default", json_object_new_string(e.name));
        cli_print_json(o);
    } else {
        printf("%s\n", e.name);
    }
    vrbd_cluster_entry_clear(&e);
    vrbd_registry_free(reg);
    return CLI_OK;
}

static void
print_status(const cli_ctx *ctx, vrbd_cluster *cl,
             const vrbd_cluster_status *st)
{
    char used[32], total[32];
    CLEANUP_FREE char *entity = xasprintf("client.%s", vrbd_cluster_user(cl));
    vrbd_user caps = {0};
    bool have_caps = vrbd_user_get(cl, entity, &caps) == 0;

    /* a restricted user may not read its own caps: that is no failure */
    vrbd_error_clear();

    if (ctx->json) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "cluster",
                               json_object_new_string(vrbd_cluster_name(cl)));
        json_object_object_add(o, "fsid", json_object_new_string(st->fsid));
        json_object_object_add(o, "health", json_object_new_string(st->health));
        json_object_object_add(
            o, "health_checks",
            cli_json_strv(st->health_checks, st->n_health_checks));
        json_object_object_add(o, "mons",
                               cli_json_strv(st->mon_addrs, st->n_mon_addrs));
        json_object_object_add(o, "osds", json_object_new_int64(st->osds));
        json_object_object_add(o, "osds_up",
                               json_object_new_int64(st->osds_up));
        json_object_object_add(o, "osds_in",
                               json_object_new_int64(st->osds_in));
        json_object_object_add(o, "pools", json_object_new_int64(st->pools));
        json_object_object_add(o, "pgs", json_object_new_int64(st->pgs));
        json_object_object_add(o, "pgs_active_clean",
                               json_object_new_int64(st->pgs_active_clean));
        json_object_object_add(o, "bytes_used",
                               json_object_new_uint64(st->bytes_used));
        json_object_object_add(o, "bytes_total",
                               json_object_new_uint64(st->bytes_total));
        json_object_object_add(o, "user", json_object_new_string(entity));
        if (have_caps) {
            struct json_object *c = json_object_new_object();

            json_object_object_add(c, "mon", str_or_null(caps.caps_mon));
            json_object_object_add(c, "osd", str_or_null(caps.caps_osd));
            json_object_object_add(c, "mgr", str_or_null(caps.caps_mgr));
            json_object_object_add(c, "unrestricted",
                                   json_object_new_boolean(caps.unrestricted));
            json_object_object_add(o, "caps", c);
        } else {
            json_object_object_add(o, "caps", NULL);
        }
        cli_print_json(o);
        vrbd_user_clear(&caps);
        return;
    }
    cli_print_kv(9, "cluster:", "%s", vrbd_cluster_name(cl));
    cli_print_kv(9, "fsid:", "%s", st->fsid);
    cli_print_kv(9, "health:", "%s", st->health);
    for (size_t i = 0; i < st->n_health_checks; i++)
        cli_print_kv(9, "", "%s", st->health_checks[i]);
    for (size_t i = 0; i < st->n_mon_addrs; i++)
        cli_print_kv(9, i ? "" : "mons:", "%s", st->mon_addrs[i]);
    cli_print_kv(9, "osds:", "%u (%u up, %u in)", st->osds, st->osds_up,
                 st->osds_in);
    cli_print_kv(9, "pools:", "%u (%u pgs, %u active+clean)", st->pools,
                 st->pgs, st->pgs_active_clean);
    cli_print_kv(9, "usage:", "%s used of %s",
                 vrbd_size_format(st->bytes_used, used, sizeof(used)),
                 vrbd_size_format(st->bytes_total, total, sizeof(total)));
    if (have_caps)
        cli_print_kv(9, "user:", "%s: mon '%s' osd '%s'%s", entity,
                     caps.caps_mon ? caps.caps_mon : "",
                     caps.caps_osd ? caps.caps_osd : "",
                     caps.unrestricted ? " (unrestricted)" : "");
    else
        cli_print_kv(9, "user:", "%s (its caps do not allow reading them)",
                     entity);
    vrbd_user_clear(&caps);
}

static int
run_check(cli_ctx *ctx)
{
    const char *name = ctx->argc > 0 ? ctx->argv[0] : NULL;
    vrbd_cluster_opts opts = {
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

const cli_cmd cli_cmds_cluster[] = {
    {"cluster add", "NAME", 1, 1, "Register a Ceph cluster under a short name",
     "Connects once (proving monitors and key), records the fsid and\n"
     "writes clusters/NAME.conf in the registry.  Give the monitors with\n"
     "--mon-host, or a ceph.conf with --conf; give the key with --keyring\n"
     "unless the conf names one.  The first cluster added is the default.\n"
     "A name or fsid that is already registered is refused.",
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
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
