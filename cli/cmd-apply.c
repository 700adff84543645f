/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-apply.c: `apply FILE`, a described state made true (lib/apply.c). */
#include <stdio.h>
#include <time.h>

#include "cleanup.h"
#include "cli.h"
#include "clock.h"
#include "render.h"
#include "xalloc.h"

static struct {
    bool plan;
} apply_opt;

static const cli_opt apply_opts[] = {
    CLI_FLAG("plan", 0, "print what would change, and change nothing",
             &apply_opt.plan),
    {.name = NULL},
};

struct watch {
    const cli_ctx *ctx;
    double t0; /* the step's start */
};

/* Each step as it starts and ends (text only: --json prints the result) */
static void
progress(const vrbd_apply_step *step, size_t i, size_t n, bool done,
         void *opaque)
{
    struct watch *w = opaque;
    cli_apply_progress p = {step, i, n, done, 0};

    if (!done)
        w->t0 = vrbd_now();
    p.seconds = vrbd_now() - w->t0;
    if (!w->ctx->json)
        cli_show(w->ctx, &cli_view_apply_progress, &p);
}

static int
run_apply(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    vrbd_apply *a = NULL;
    vrbd_host *host = NULL;
    cli_apply_result res = {.file = ctx->argv[0], .failed_at = (size_t)-1};
    double t0 = vrbd_now();
    struct watch w = {ctx, 0};
    int ret = CLI_FAIL;

    if (!reg)
        return CLI_FAIL;
    if (vrbd_apply_load(ctx->argv[0], reg, &a) < 0) {
        ret = cli_fail();
        goto out;
    }
    if (vrbd_apply_needs_host(a) && !(host = cli_host(ctx)))
        goto out;
    if (vrbd_apply_plan(a, reg, host, ctx->timeout_sec) < 0) {
        ret = cli_fail();
        goto out;
    }
    res.apply = a;
    res.planned = apply_opt.plan;
    if (!apply_opt.plan) {
        if (vrbd_apply_run(a, reg, host, ctx->timeout_sec, progress, &w,
                           &res.failed_at) < 0) {
            CLEANUP_FREE char *why = xstrdup(vrbd_error_last()->message);

            cli_fail();
            res.error = why;
            res.seconds = vrbd_now() - t0;
            cli_show(ctx, &cli_view_apply_result, &res);
            goto out;
        }
    }
    res.seconds = vrbd_now() - t0;
    cli_show(ctx, &cli_view_apply_result, &res);
    ret = CLI_OK;
out:
    vrbd_apply_free(a);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return ret;
}

const cli_cmd cli_cmds_apply[] = {
    {"apply", "FILE", 1, 1,
     "Make clusters, pools, users, connections, images and VMs as a file says",
     "FILE (YAML) describes the wanted state: clusters (conf or mon_host,\n"
     "keyring path), pools, users, this host's connections, images (imported\n"
     "or empty, with snapshots) and VMs (from a golden snapshot, with disks\n"
     "from any cluster, started or not).  The plan shows, per object in\n"
     "dependency order, create, modify or nothing; apply then does the\n"
     "changes, printing each step, through the calls the single commands\n"
     "use.  Run again, it has nothing to do.  Nothing the file does not\n"
     "name is touched, and nothing is deleted unless the file says\n"
     "'state: absent'.  A step that fails stops the run, saying what was\n"
     "done; apply again goes on from there.  Everything that can be known\n"
     "beforehand (syntax, unknown keys, a PG count the monitors would\n"
     "refuse, a missing golden image, an unregistered cluster, a keyring\n"
     "others can read) fails the plan, before any change.  The format is\n"
     "in the manual (APPLY FILES) and docs/examples/.",
     apply_opts, run_apply},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
