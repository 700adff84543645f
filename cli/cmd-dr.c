/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-dr.c: the dr commands: a pool of two registered clusters made a
 * disaster-recovery pair replicated by rbd-mirror, and its state.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "render.h"

static int
parse_pool(const char *text, vrbd_spec *s)
{
    if (vrbd_spec_parse(text, VRBD_SPEC_POOL, s) < 0)
        return cli_fail();
    return CLI_OK;
}

static int
run_pair(cli_ctx *ctx)
{
    vrbd_dr_opts o = {.version = VRBD_DR_OPTS_VERSION,
                      .timeout_sec = ctx->timeout_sec};
    vrbd_dr_pair_result res = {0};
    vrbd_spec a = {0}, b = {0};
    vrbd_registry *reg = NULL;
    int r;

    r = parse_pool(ctx->argv[0], &a);
    if (r == CLI_OK)
        r = parse_pool(ctx->argv[1], &b);
    if (r != CLI_OK)
        goto cleanup;
    r = CLI_FAIL;
    if (!(reg = cli_registry(ctx)))
        goto cleanup;
    if (vrbd_dr_pair(reg, &a, &b, &o, &res) < 0) {
        cli_fail();
        goto cleanup;
    }
    for (size_t i = 0; res.warnings && res.warnings[i]; i++)
        fprintf(stderr, "virt-rbd: warning: %s\n", res.warnings[i]);
    cli_show(ctx, &cli_view_dr_paired, &(cli_dr_paired){&res});
    r = CLI_OK;

cleanup:
    vrbd_dr_pair_result_clear(&res);
    vrbd_registry_free(reg);
    vrbd_spec_clear(&a);
    vrbd_spec_clear(&b);
    return r;
}

static int
run_status(cli_ctx *ctx)
{
    vrbd_dr_opts o = {.version = VRBD_DR_OPTS_VERSION,
                      .timeout_sec = ctx->timeout_sec};
    vrbd_dr_status *st = NULL;
    vrbd_spec s = {0};
    vrbd_registry *reg = NULL;
    int r = parse_pool(ctx->argv[0], &s);

    if (r != CLI_OK)
        goto cleanup;
    r = CLI_FAIL;
    if (!(reg = cli_registry(ctx)))
        goto cleanup;
    if (vrbd_dr_status_get(reg, &s, &o, &st) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_dr_status, st);
    r = CLI_OK;

cleanup:
    vrbd_dr_status_free(st);
    vrbd_registry_free(reg);
    vrbd_spec_clear(&s);
    return r;
}

const cli_cmd cli_cmds_dr[] = {
    {"dr pair", "[CLUSTER:]POOL [CLUSTER:]POOL", 2, 2,
     "Pair a pool of two clusters for replication by rbd-mirror",
     "Makes the pool on each cluster the other's mirror peer, so that\n"
     "rbd-mirror daemons replicate its mirrored images (snapshot-based)\n"
     "both ways.  Both clusters must be registered and differ, and the\n"
     "pools must have the same name (rbd-mirror replicates a pool to the\n"
     "pool of that name).  A cluster without a mirror site name gets its\n"
     "registered name as one; each pool gets mirror mode image; a\n"
     "bootstrap token made on the first cluster is imported rx-tx on the\n"
     "second (its key never leaves the process).  Run again, it changes\n"
     "nothing.  It waits (45 s at most) for the daemon of each side to lead\n"
     "the pool; a side where no rbd-mirror daemon reports for the pool is\n"
     "named in a warning: nothing is replicated to it until one runs.",
     NULL, run_pair},
    {"dr status", "[CLUSTER:]POOL", 1, 1,
     "Show a pool's mirroring: both sides, their daemons, each image",
     "Whether the pool is paired; per side (the pool asked for, then each\n"
     "peer, found among the registered clusters by site name): mirror\n"
     "mode, site name, peers and the rbd-mirror daemons reporting for the\n"
     "pool; per mirrored image and site: its state, the daemon's\n"
     "description, the last update and, on a replaying site, REPLAYED AT:\n"
     "when the last mirror snapshot it holds in full was taken.",
     NULL, run_status},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
