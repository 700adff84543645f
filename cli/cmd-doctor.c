/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-doctor.c: `doctor`: one report, each line ok / warn / fail + fix. */
#include <stdio.h>

#include "cli.h"
#include "render.h"

static int
run_doctor(cli_ctx *ctx)
{
    vrbd_doctor_opts opts = {
        .version = VRBD_DOCTOR_OPTS_VERSION,
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
    cli_show(ctx, &cli_view_checks, &(cli_checks){checks, n});
    vrbd_check_list_free(checks, n);
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
