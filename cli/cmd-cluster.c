/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-cluster.c: the `cluster` commands: connections to Ceph clusters. */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "size.h"
#include "xalloc.h"

static const cli_opt check_opts[] = {
    {"conf", 0, "FILE",
     "read monitor addresses and options from this "
     "ceph.conf"},
    {"mon-host", 0, "ADDRS",
     "monitor addresses, e.g. "
     "'[v2:10.0.0.1:3300,v1:10.0.0.1:6789]'"},
    {"id", 0, "USER",
     "cephx user, e.g. 'admin' or 'client.libvirt' "
     "(default: admin)"},
    {"keyring", 0, "FILE", "keyring holding the user's key (mode 600)"},
    {NULL, 0, NULL, NULL},
};

static struct json_object *
strv_json(char *const *v, size_t n)
{
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

static int
run_check(cli_ctx *ctx)
{
    vrbd_cluster_opts opts = {
        .name = ctx->argc > 0 ? ctx->argv[0] : NULL,
        .conf_path = cli_opt_value(ctx, "conf"),
        .mon_host = cli_opt_value(ctx, "mon-host"),
        .user = cli_opt_value(ctx, "id"),
        .keyring = cli_opt_value(ctx, "keyring"),
        .timeout_sec = ctx->timeout_sec,
    };
    vrbd_cluster *cl = NULL;
    vrbd_cluster_status *st = NULL;
    char used[32], total[32];
    int ret = CLI_FAIL;

    if (!opts.conf_path && !opts.mon_host)
        return cli_usage(ctx, "no monitor address: give --conf FILE or "
                              "--mon-host ADDRS");
    if (vrbd_cluster_connect(&opts, &cl) < 0 ||
        vrbd_cluster_status_get(cl, &st) < 0) {
        ret = cli_fail();
        goto cleanup;
    }
    if (ctx->json) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "cluster",
                               json_object_new_string(vrbd_cluster_name(cl)));
        json_object_object_add(o, "fsid", json_object_new_string(st->fsid));
        json_object_object_add(o, "health", json_object_new_string(st->health));
        json_object_object_add(
            o, "health_checks",
            strv_json(st->health_checks, st->n_health_checks));
        json_object_object_add(o, "mons",
                               strv_json(st->mon_addrs, st->n_mon_addrs));
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
        cli_print_json(o);
    } else {
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
    }
    ret = CLI_OK;

cleanup:
    vrbd_cluster_status_free(st);
    vrbd_cluster_free(cl);
    return ret;
}

const cli_cmd cli_cmds_cluster[] = {
    {"cluster check", "[NAME]", 0, 1,
     "Connect to a Ceph cluster and report its health",
     "Connects as the given cephx user with timeouts set, and prints the\n"
     "cluster's fsid, health, monitors, OSDs and placement groups.  A\n"
     "monitor address is required (--conf or --mon-host): virt-rbd never\n"
     "looks monitors up in DNS.  NAME labels the cluster in the output.",
     check_opts, run_check},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
