/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-doctor.c: `doctor`: one report, each line ok / warn / fail + fix. */
#include <stdio.h>

#include "cli.h"

static int
run_doctor(cli_ctx *ctx)
{
    static const char *const names[] = {"ok", "warn", "fail"};
    vrbd_doctor_opts opts = {
        .cluster = ctx->argc ? ctx->argv[0] : NULL,
        .uri = ctx->connect_uri,
        .timeout_sec = ctx->timeout_sec < 10 ? ctx->timeout_sec : 10,
    };
    vrbd_check *checks = NULL;
    size_t n = 0, count[3] = {0, 0, 0};

    if (opts.cluster && vrbd_cluster_name_check(opts.cluster) < 0)
        return cli_fail();
    opts.reg = cli_registry(ctx);
    if (!opts.reg)
        return CLI_FAIL;
    if (vrbd_doctor_run(&opts, &checks, &n) < 0) {
        vrbd_registry_free(opts.reg);
        return cli_fail();
    }
    for (size_t i = 0; i < n; i++)
        count[checks[i].status]++;
    if (ctx->json) {
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; i < n; i++) {
            struct json_object *o = json_object_new_object();

            json_object_object_add(o, "check",
                                   json_object_new_string(checks[i].name));
            json_object_object_add(
                o, "status", json_object_new_string(names[checks[i].status]));
            json_object_object_add(o, "message",
                                   json_object_new_string(checks[i].message));
            json_object_object_add(
                o, "fix",
                checks[i].fix ? json_object_new_string(checks[i].fix) : NULL);
            json_object_array_add(a, o);
        }
        cli_print_json(a);
    } else {
        for (size_t i = 0; i < n; i++) {
            printf("%-5s %-28s %s\n", names[checks[i].status], checks[i].name,
                   checks[i].message);
            if (checks[i].fix)
                printf("%-5s %-28s fix: %s\n", "", "", checks[i].fix);
        }
        printf("%zu ok, %zu warning(s), %zu failure(s)\n", count[0], count[1],
               count[2]);
    }
    vrbd_checks_free(checks, n);
    vrbd_registry_free(opts.reg);
    return count[VRBD_CHECK_FAIL] ? CLI_FAIL : CLI_OK;
}

const cli_cmd cli_cmds_doctor[] = {
    {"doctor", "[CLUSTER]", 0, 1,
     "Check libvirt, QEMU, clusters, pools, secrets and VM disks",
     "One report, a line per check, each ok, warn or fail with the fix:\n"
     "libvirt answers and has its rbd storage backend\n"
     "(libvirt-daemon-driver-storage-rbd), QEMU has its rbd block driver\n"
     "(qemu-block-extra), each registered cluster answers and is healthy\n"
     "(clock skew too), keyrings have mode 600, each RBD pool's secret\n"
     "exists and is private, its user is least-privilege (no 'allow *'),\n"
     "its Ceph pool exists, it is active and autostarted with current\n"
     "monitors, and each domain's RBD disks point at images that exist and\n"
     "at current monitors.  Exit status 1 when a check fails.",
     NULL, run_doctor},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
