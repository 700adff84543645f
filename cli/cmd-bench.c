/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-bench.c: `bench`: local disk vs Ceph RBD, the same workloads side
 * by side in one table (or --json).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "render.h"
#include "size.h"

static struct {
    const char *local;
    const char *size;
    unsigned time;
} bench_opt;
static const cli_opt bench_opts[] = {
    CLI_STR("local", 0, "PATH",
            "a directory, a new file name or an empty block device",
            &bench_opt.local),
    CLI_STR("size", 0, "SIZE", "working set on each side (default: 256M)",
            &bench_opt.size),
    CLI_COUNT("time", 0, "SECONDS", "per timed workload (default: 5)", 3600,
              &bench_opt.time),
    {.name = NULL},
};

static volatile int cancelled;

static void
show_step(size_t done, size_t total, void *opaque)
{
    if (*(bool *)opaque)
        fprintf(stderr, "\rworkload %zu of %zu done ", done, total);
}

static int
run_bench(cli_ctx *ctx)
{
    const char *local = bench_opt.local;
    const char *size = bench_opt.size;
    bool tty = isatty(STDERR_FILENO) && !ctx->json;
    vrbd_bench_opts o = {.version = VRBD_BENCH_OPTS_VERSION,
                         .local_path = local,
                         .cancel = &cancelled,
                         .progress = show_step,
                         .opaque = &tty};
    vrbd_bench_result *res = NULL;
    vrbd_cluster *cl = NULL;
    vrbd_spec s = {0};
    size_t n = 0;
    int r;

    if (!local && ctx->argc == 0)
        return cli_usage(ctx, "give --local PATH, a pool, or both");
    if (size) {
        const char *why = NULL;

        if (vrbd_size_parse(size, &o.size, &why) < 0 || o.size < (1u << 20) ||
            o.size % (1u << 20) != 0)
            return cli_usage(ctx, "invalid --size '%s': %s", size,
                             why ? why
                                 : "give a whole number of MiB, 1M or more");
    }
    o.seconds = bench_opt.time;
    if (ctx->argc == 1) {
        if (vrbd_spec_parse(ctx->argv[0], VRBD_SPEC_POOL, &s) < 0)
            return cli_fail();
        o.rbd = &s;
    }
    r = CLI_FAIL;
    if (o.rbd && cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    cli_catch_signals(&cancelled);
    if (vrbd_bench_run(cl, &o, &res, &n) < 0) {
        if (tty)
            fputc('\n', stderr);
        cli_fail();
        goto cleanup;
    }
    if (tty)
        fputs("\r                        \r", stderr);
    cli_show(ctx, &cli_view_bench,
             &(cli_bench){res, n, o.size ? o.size : 256ull << 20,
                          o.seconds ? o.seconds : 5, local != NULL});
    r = CLI_OK;

cleanup:
    vrbd_bench_result_list_free(res, n);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

const cli_cmd cli_cmds_bench[] = {
    {"bench", "[[CLUSTER:]POOL[/NS]]", 0, 1,
     "Compare a local disk and Ceph RBD on the same workloads",
     "Runs, on each side, a 1 MiB sequential write that fills the working\n"
     "set, then (each for --time seconds) a 1 MiB sequential read at queue\n"
     "depth 16, 4 KiB random writes and reads at queue depth 1 and 32, and\n"
     "prints IOPS, MB/s and p50/p99 latency side by side.  The local side is\n"
     "a scratch file made in --local PATH (a directory), a new file PATH, or\n"
     "an empty block device PATH (refused when mounted, in use or holding\n"
     "data); it is written with O_DIRECT where the file system allows it.\n"
     "The RBD side is a scratch image made in POOL (or its namespace NS);\n"
     "bench never runs on an image it did not make, so POOL/NAME where NAME\n"
     "is an image is refused.  Everything the benchmark made is removed\n"
     "again; Ctrl-C stops it the same way.",
     bench_opts, run_bench},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
