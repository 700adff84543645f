/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-pool.c: the `pool` commands: plan, create, list and remove pools. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "render.h"
#include "size.h"
#include "xalloc.h"

static struct {
    unsigned size;
    const char *target_ratio;
} plan_opt;
static const cli_opt plan_opts[] = {
    CLI_COUNT("size", 0, "N", "replicas (default: the cluster's default)", 10,
              &plan_opt.size),
    CLI_STR("target-ratio", 0, "R",
            "share of the cluster's data this pool will hold, 0 < R <= 1 "
            "(default: 1)",
            &plan_opt.target_ratio),
    {.name = NULL},
};

static struct {
    const char *pg;
    unsigned size;
    unsigned min_size;
    const char *target_ratio;
} create_opt;
static const cli_opt create_opts[] = {
    CLI_STR("pg", 0, "N|auto", "placement groups (default: auto, as planned)",
            &create_opt.pg),
    CLI_COUNT("size", 0, "N", "replicas (default: the cluster's default)", 10,
              &create_opt.size),
    CLI_COUNT("min-size", 0, "N",
              "replicas needed for I/O (default: size - size/2)", 10,
              &create_opt.min_size),
    CLI_STR("target-ratio", 0, "R",
            "share of the data, for the plan (default: 1)",
            &create_opt.target_ratio),
    {.name = NULL},
};

static struct {
    bool yes_i_really_mean_it;
} rm_opt;
static const cli_opt rm_opts[] = {
    CLI_FLAG("yes-i-really-mean-it", 0, "confirm the deletion",
             &rm_opt.yes_i_really_mean_it),
    {.name = NULL},
};

static int
opt_ratio(cli_ctx *ctx, const char *v, double *out)
{
    char *end;

    *out = 0;
    if (!v)
        return CLI_OK;
    errno = 0;
    *out = strtod(v, &end);
    if (errno || *end || end == v || !(*out > 0 && *out <= 1))
        return cli_usage(
            ctx,
            "invalid --target-ratio '%s': give a number above 0 and at most 1, e.g. 0.5",
            v);
    return CLI_OK;
}

static int
parse_pool(cli_ctx *ctx, const char *text, unsigned flags, vrbd_spec *spec)
{
    if (vrbd_spec_parse(text, flags, spec) < 0)
        return cli_fail();
    return CLI_OK;
}

static int
run_plan(cli_ctx *ctx)
{
    vrbd_spec spec = {0};
    vrbd_cluster *cl = NULL;
    vrbd_pool_plan plan;
    double ratio;
    int r;

    if ((r = opt_ratio(ctx, plan_opt.target_ratio, &ratio)) != CLI_OK ||
        (r = parse_pool(ctx, ctx->argv[0], VRBD_SPEC_POOL, &spec)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (cli_connect(ctx, spec.cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_pool_plan_get(cl, plan_opt.size, ratio, &plan) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_pool_plan,
             &(cli_pool_plan){vrbd_cluster_name(cl), spec.pool, &plan});
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&spec);
    return r;
}

static int
run_create(cli_ctx *ctx)
{
    const char *pg = create_opt.pg;
    vrbd_pool_create_opts opts = {.version = VRBD_POOL_CREATE_OPTS_VERSION};
    vrbd_spec spec = {0};
    vrbd_cluster *cl = NULL;
    vrbd_pool_plan plan = {0};
    bool created = false;
    int r;

    opts.size = create_opt.size;
    opts.min_size = create_opt.min_size;
    if ((r = opt_ratio(ctx, create_opt.target_ratio, &opts.target_ratio)) !=
        CLI_OK)
        return r;
    if (pg && strcmp(pg, "auto") != 0) {
        char *end;
        unsigned long n;

        errno = 0;
        n = strtoul(pg, &end, 10);
        if (errno || *end || end == pg || pg[0] == '-' || n > 1U << 20)
            return cli_usage(
                ctx,
                "invalid --pg '%s': give a power of two such as 128, or auto",
                pg);
        if (n == 0)
            return cli_usage(
                ctx,
                "invalid --pg 0: a pool needs at least one placement group");
        opts.pg_num = (unsigned)n;
    }
    if (opts.size && opts.min_size > opts.size)
        return cli_usage(ctx, "--min-size %u is larger than --size %u",
                         opts.min_size, opts.size);
    if ((r = parse_pool(ctx, ctx->argv[0], VRBD_SPEC_POOL, &spec)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (spec.nspace) {
        cli_usage(ctx,
                  "'%s' names a namespace: pool create takes [CLUSTER:]POOL",
                  ctx->argv[0]);
        r = CLI_USAGE;
        goto cleanup;
    }
    if (cli_connect(ctx, spec.cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_pool_create(cl, spec.pool, &opts, &created, &plan) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_pool_created,
             &(cli_pool_created){vrbd_cluster_name(cl), spec.pool, created,
                                 &plan,
                                 opts.pg_num ? opts.pg_num : plan.pg_num});
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&spec);
    return r;
}

static int
run_list(cli_ctx *ctx)
{
    cli_list *out;
    int nargs = ctx->argc ? ctx->argc : 1;
    int r = CLI_OK;

    /* check every argument before connecting anywhere */
    for (int a = 0; a < ctx->argc; a++) {
        vrbd_spec spec = {0};

        if (vrbd_spec_parse(ctx->argv[a],
                            VRBD_SPEC_POOL | VRBD_SPEC_CLUSTER_ONLY, &spec) < 0)
            return cli_fail();
        if (spec.pool) {
            vrbd_spec_clear(&spec);
            return cli_usage(
                ctx,
                "pool list takes clusters: write CLUSTER: (with the colon) or nothing");
        }
        vrbd_spec_clear(&spec);
    }
    out = cli_list_begin(ctx, &cli_view_pool_row);
    for (int a = 0; a < nargs && r == CLI_OK; a++) {
        vrbd_spec spec = {0};
        vrbd_cluster *cl = NULL;
        vrbd_pool_info *pools = NULL;
        size_t n = 0;

        if (ctx->argc)
            vrbd_spec_parse(ctx->argv[a],
                            VRBD_SPEC_POOL | VRBD_SPEC_CLUSTER_ONLY, &spec);
        if (cli_connect(ctx, spec.cluster, &cl) < 0) {
            r = CLI_FAIL;
        } else if (vrbd_pool_list(cl, &pools, &n) < 0) {
            r = cli_fail();
        } else {
            for (size_t i = 0; i < n; i++)
                cli_list_add(out,
                             &(cli_pool_row){vrbd_cluster_name(cl), &pools[i]});
        }
        vrbd_pool_info_list_free(pools, n);
        vrbd_cluster_free(cl);
        vrbd_spec_clear(&spec);
    }
    cli_list_end(out, r == CLI_OK);
    return r;
}

static int
run_rm(cli_ctx *ctx)
{
    vrbd_spec spec = {0};
    vrbd_cluster *cl = NULL;
    int r;

    if ((r = parse_pool(ctx, ctx->argv[0], VRBD_SPEC_POOL, &spec)) != CLI_OK)
        return r;
    if (!rm_opt.yes_i_really_mean_it) {
        cli_usage(ctx,
                  "deleting pool '%s' destroys it: add --yes-i-really-mean-it",
                  ctx->argv[0]);
        vrbd_spec_clear(&spec);
        return CLI_USAGE;
    }
    r = CLI_FAIL;
    if (cli_connect(ctx, spec.cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_pool_remove(cl, spec.pool) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_pool_removed,
             &(cli_pool_removed){vrbd_cluster_name(cl), spec.pool});
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&spec);
    return r;
}

const cli_cmd cli_cmds_pool[] = {
    {"pool plan", "[CLUSTER:]POOL", 1, 1,
     "Plan a pool's placement groups within the monitors' budget",
     "Reads the live cluster (OSDs in, the pools and their PGs,\n"
     "mon_max_pg_per_osd) and prints the PG count to use: about 100 PGs per\n"
     "OSD, times the pool's share of the data, divided by its size, as a\n"
     "power of two, shrunk to what is left of the budget.  It shows the\n"
     "arithmetic, and from which count on the monitors would refuse the\n"
     "pool (Ceph's ERANGE).",
     plan_opts, run_plan},
    {"pool create", "[CLUSTER:]POOL", 1, 1,
     "Create a pool ready for RBD images",
     "Plans (see 'pool plan'), refuses before asking the monitors when the\n"
     "count would not fit, then creates the pool with the PG autoscaler off\n"
     "(the count stays as planned), enables the rbd application and\n"
     "initialises it for RBD.  An existing pool is made ready and is not an\n"
     "error.",
     create_opts, run_create},
    {"pool list", "[CLUSTER:]...", 0, -1,
     "List clusters' pools: PGs, size, application, images, trash, usage", NULL,
     NULL, run_list},
    {"pool rm", "[CLUSTER:]POOL", 1, 1,
     "Delete an empty pool (no RBD image, nothing in the trash)", NULL, rm_opts,
     run_rm},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
