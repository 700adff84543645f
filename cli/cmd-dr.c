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

static volatile int dr_cancelled;

static struct {
    const char *to;
    const char *every;
    bool no_wait;
    bool wait;
    const char *max_wait;
    bool pool;
} dr_opt;

static const cli_opt enable_opts[] = {
    CLI_STR("to", 0, "CLUSTER",
            "the registered cluster to replicate to "
            "(required)",
            &dr_opt.to),
    CLI_STR("every", 0, "DURATION",
            "a mirror snapshot this often (whole minutes; default 5m)",
            &dr_opt.every),
    CLI_FLAG("no-wait", 0, "do not wait for the first sync", &dr_opt.no_wait),
    CLI_STR("max-wait", 0, "DURATION",
            "wait this long at most for the sync (default 1h)",
            &dr_opt.max_wait),
    {.name = NULL},
};

static const cli_opt sync_opts[] = {
    CLI_FLAG("wait", 0, "until the other cluster holds it in full",
             &dr_opt.wait),
    CLI_STR("max-wait", 0, "DURATION",
            "with --wait: this long at most (default 1h)", &dr_opt.max_wait),
    {.name = NULL},
};

static const cli_opt status_opts[] = {
    CLI_FLAG("pool", 0, "the argument is a pool, not a domain", &dr_opt.pool),
    {.name = NULL},
};

/* The options of a VM's dr command; CLI_OK or a usage error. */
static int
vm_opts(cli_ctx *ctx, vrbd_dr_vm_opts *o, bool wait)
{
    int r;

    *o = (vrbd_dr_vm_opts){.version = VRBD_DR_VM_OPTS_VERSION,
                           .timeout_sec = ctx->timeout_sec,
                           .to = dr_opt.to,
                           .cancel = &dr_cancelled};
    if (dr_opt.every && (r = cli_parse_duration(ctx, "every", dr_opt.every,
                                                &o->interval_sec)) != CLI_OK)
        return r;
    if (dr_opt.every && o->interval_sec % 60)
        return cli_usage(ctx, "--every takes whole minutes (5m, 1h): the "
                              "manager schedules mirror snapshots so");
    if (!wait)
        return CLI_OK;
    o->wait_sec = 3600;
    if (dr_opt.max_wait &&
        (r = cli_parse_duration(ctx, "max-wait", dr_opt.max_wait,
                                &o->wait_sec)) != CLI_OK)
        return r;
    cli_catch_signals(&dr_cancelled);
    return CLI_OK;
}

/* Run @fn on the domain argv[0] with the options; show *res. */
static int
run_vm(cli_ctx *ctx, bool wait,
       int (*fn)(vrbd_host *, const char *, const vrbd_dr_vm_opts *,
                 vrbd_dr_vm **))
{
    vrbd_dr_vm_opts o;
    vrbd_dr_vm *res = NULL;
    vrbd_registry *reg = NULL;
    vrbd_host *host = NULL;
    int r = vm_opts(ctx, &o, wait);

    if (r != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (!(reg = cli_registry(ctx)) || !(host = cli_host(ctx)))
        goto cleanup;
    o.reg = reg;
    if (fn(host, ctx->argv[0], &o, &res) < 0) {
        cli_fail();
        goto cleanup;
    }
    if (res)
        cli_show(ctx, &cli_view_dr_vm, res);
    r = CLI_OK;

cleanup:
    vrbd_dr_vm_free(res);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

static int
run_enable(cli_ctx *ctx)
{
    if (!dr_opt.to)
        return cli_usage(ctx, "say where to replicate to: --to CLUSTER");
    return run_vm(ctx, !dr_opt.no_wait, vrbd_dr_enable);
}

static int
run_sync(cli_ctx *ctx)
{
    return run_vm(ctx, dr_opt.wait, vrbd_dr_sync);
}

static int
disable_fn(vrbd_host *host, const char *domain, const vrbd_dr_vm_opts *o,
           vrbd_dr_vm **out)
{
    (void)out;
    return vrbd_dr_disable(host, domain, o);
}

static int
run_disable(cli_ctx *ctx)
{
    int r = run_vm(ctx, false, disable_fn);

    if (r == CLI_OK)
        cli_show(ctx, &cli_view_dr_disabled, ctx->argv[0]);
    return r;
}

/* dr status DOM: exit 1 when its recovery point is late. */
static int
status_vm(cli_ctx *ctx, vrbd_host *host, vrbd_registry *reg)
{
    vrbd_dr_vm_opts o;
    vrbd_dr_vm *res = NULL;
    int r = vm_opts(ctx, &o, false);

    if (r != CLI_OK)
        return r;
    o.reg = reg;
    if (vrbd_dr_vm_status(host, ctx->argv[0], &o, &res) < 0)
        return cli_fail();
    cli_show(ctx, &cli_view_dr_vm, res);
    r = res->late ? CLI_FAIL : CLI_OK;
    fflush(stdout);
    if (res->late)
        fprintf(stderr,
                "virt-rbd: error: the recovery point of domain '%s' is older "
                "than twice its schedule\n",
                ctx->argv[0]);
    vrbd_dr_vm_free(res);
    return r;
}

/* Whether the argument of dr status names a domain of this host. */
static bool
names_domain(cli_ctx *ctx, vrbd_host **host)
{
    vrbd_vm_disk *disks = NULL;
    size_t n = 0;

    if (dr_opt.pool || strchr(ctx->argv[0], ':') || strchr(ctx->argv[0], '/'))
        return false;
    /* libvirt out of reach: no domain is meant */
    if (!(*host = cli_host_open(ctx, false)))
        return false;
    if (vrbd_vm_disk_list(*host, ctx->argv[0], &disks, &n) < 0) {
        vrbd_error_clear();
        return false;
    }
    vrbd_vm_disk_list_free(disks, n);
    return true;
}

/* dr status alone: every protected VM of the host; exit 1 when one is
 * late. */
static int
status_all(cli_ctx *ctx, vrbd_registry *reg)
{
    vrbd_dr_vm_opts o;
    vrbd_dr_vm **vms = NULL;
    vrbd_host *host = cli_host(ctx);
    size_t n = 0, late = 0;
    int r = vm_opts(ctx, &o, false);

    if (r != CLI_OK || !host) {
        vrbd_host_free(host);
        return r != CLI_OK ? r : CLI_FAIL;
    }
    o.reg = reg;
    r = CLI_FAIL;
    if (vrbd_dr_vm_list(host, &o, &vms, &n) < 0) {
        cli_fail();
    } else {
        cli_list *l = cli_list_begin(ctx, &cli_list_dr_vms);

        for (size_t i = 0; i < n; i++) {
            cli_list_add(l, vms[i]);
            late += vms[i]->late;
        }
        cli_list_end(l, true);
        fflush(stdout);
        if (late)
            fprintf(stderr,
                    "virt-rbd: error: %zu of %zu protected domain(s) late "
                    "(recovery point older than twice the schedule), split "
                    "or unreadable\n",
                    late, n);
        r = late ? CLI_FAIL : CLI_OK;
    }
    for (size_t i = 0; i < n; i++)
        vrbd_dr_vm_free(vms[i]);
    free(vms);
    vrbd_host_free(host);
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
    vrbd_host *host = NULL;
    int r;
    if (!(reg = cli_registry(ctx)))
        return CLI_FAIL;
    if (ctx->argc == 0) {
        r = status_all(ctx, reg);
        goto cleanup;
    }
    if (names_domain(ctx, &host)) {
        r = status_vm(ctx, host, reg);
        goto cleanup;
    }
    if ((r = parse_pool(ctx->argv[0], &s)) != CLI_OK)
        goto cleanup;
    r = CLI_FAIL;
    if (vrbd_dr_status_get(reg, &s, &o, &st) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_dr_status, st);
    r = CLI_OK;

cleanup:
    vrbd_dr_status_free(st);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    vrbd_spec_clear(&s);
    return r;
}

static struct {
    const char *to;
    bool force;
    const char *shutdown_timeout;
    const char *max_wait;
} fo_opt;

static const cli_opt failover_opts[] = {
    CLI_STR("to", 0, "CLUSTER", "the cluster to run on (required)", &fo_opt.to),
    CLI_FLAG("force", 0,
             "the old cluster is lost: promote what the other one holds",
             &fo_opt.force),
    CLI_STR("shutdown-timeout", 0, "DURATION",
            "how long the guest has to shut down (default 2m)",
            &fo_opt.shutdown_timeout),
    CLI_STR("max-wait", 0, "DURATION",
            "how long the last snapshot may take to arrive (default 10m)",
            &fo_opt.max_wait),
    {.name = NULL},
};

static const cli_opt failback_opts[] = {
    CLI_STR("shutdown-timeout", 0, "DURATION",
            "how long the guest has to shut down (default 2m)",
            &fo_opt.shutdown_timeout),
    CLI_STR("max-wait", 0, "DURATION",
            "how long the resync and the last snapshot may take (default 1h)",
            &fo_opt.max_wait),
    {.name = NULL},
};

static int
run_failover_fn(cli_ctx *ctx, bool back)
{
    vrbd_dr_vm_opts o = {.version = VRBD_DR_VM_OPTS_VERSION,
                         .timeout_sec = ctx->timeout_sec,
                         .to = fo_opt.to,
                         .force = fo_opt.force,
                         .wait_sec = back ? 3600 : 600,
                         .cancel = &dr_cancelled};
    vrbd_failover_result res = {0};
    vrbd_registry *reg = NULL;
    vrbd_host *host = NULL;
    int r;

    if (!back && !fo_opt.to)
        return cli_usage(ctx, "say where to fail over to: --to CLUSTER");
    if ((fo_opt.shutdown_timeout &&
         (r = cli_parse_duration(ctx, "shutdown-timeout",
                                 fo_opt.shutdown_timeout, &o.shutdown_sec)) !=
             CLI_OK) ||
        (fo_opt.max_wait &&
         (r = cli_parse_duration(ctx, "max-wait", fo_opt.max_wait,
                                 &o.wait_sec)) != CLI_OK))
        return r;
    cli_catch_signals(&dr_cancelled);
    r = CLI_FAIL;
    if (!(reg = cli_registry(ctx)) || !(host = cli_host(ctx)))
        goto cleanup;
    o.reg = reg;
    if ((back ? vrbd_vm_failback : vrbd_vm_failover)(host, ctx->argv[0], &o,
                                                     &res) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_failover, &(cli_failover){ctx->argv[0], &res});
    r = CLI_OK;

cleanup:
    vrbd_failover_result_clear(&res);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

static bool test_clean;
static const cli_opt test_opts[] = {
    CLI_FLAG("clean", 0, "remove the test domain and its images", &test_clean),
    {.name = NULL},
};

static int
run_test(cli_ctx *ctx)
{
    vrbd_dr_vm_opts o = {.version = VRBD_DR_VM_OPTS_VERSION,
                         .timeout_sec = ctx->timeout_sec};
    vrbd_dr_test_result res = {0};
    vrbd_registry *reg = NULL;
    vrbd_host *host = NULL;
    int r = CLI_FAIL;

    if (!(reg = cli_registry(ctx)) || !(host = cli_host(ctx)))
        goto cleanup;
    o.reg = reg;
    if (vrbd_dr_test(host, ctx->argv[0], &o, test_clean, &res) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_dr_test, &(cli_dr_test){test_clean, &res});
    r = CLI_OK;

cleanup:
    vrbd_dr_test_result_clear(&res);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

static int
run_failover(cli_ctx *ctx)
{
    return run_failover_fn(ctx, false);
}

static int
run_failback(cli_ctx *ctx)
{
    return run_failover_fn(ctx, true);
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
    {"dr enable", "DOMAIN", 1, 1,
     "Protect a VM: replicate its RBD disks to the other cluster",
     "Every disk of the domain must be on RBD, on a registered cluster,\n"
     "in a pool paired with the pool of the same name on --to (dr pair),\n"
     "and an rbd-mirror daemon must report for that pool on --to: else it\n"
     "is refused before anything changes (so is a domain protected\n"
     "already, and a clone whose parent is not mirrored).  Per disk: the\n"
     "DR settings and the domain's definition go into the image's\n"
     "metadata (rbd-mirror copies them), snapshot-based mirroring is\n"
     "enabled (the first mirror snapshot) and a mirror snapshot schedule\n"
     "(--every) is added to the cluster's manager.  A failure midway undoes\n"
     "it all.  Then it waits until the other cluster holds every disk in\n"
     "full (--no-wait: not; Ctrl-C stops the wait, not the protection) and\n"
     "shows the state as dr status DOMAIN does.",
     enable_opts, run_enable},
    {"dr disable", "DOMAIN", 1, 1, "Stop protecting a VM",
     "Per protected disk: its schedule removed, mirroring disabled on the\n"
     "primary (the other cluster's rbd-mirror daemon then deletes its\n"
     "copy), its DR settings removed.  Run it where the disks are primary.",
     NULL, run_disable},
    {"dr sync", "DOMAIN", 1, 1,
     "A mirror snapshot of a protected VM's disks now",
     "Takes a mirror snapshot of every protected disk; with --wait, waits\n"
     "until the other cluster holds each one in full, so that the recovery\n"
     "point is now.  The snapshots of the disks are taken one after another,\n"
     "not at one instant: stop the VM (or freeze its filesystems) first\n"
     "when the disks must agree.",
     sync_opts, run_sync},
    {"dr status", "[DOMAIN|[CLUSTER:]POOL]", 0, 1,
     "Show a VM's replication, or a pool's mirroring",
     "Alone: every protected domain of this host, a line each (exit 1\n"
     "when one is late, split or cannot be read).\n"
     "\n"
     "With a domain of this host (--pool: the argument is a pool): where\n"
     "its disks are primary and replicated to, the schedule, the recovery\n"
     "point (when the newest mirror snapshot that the other cluster holds\n"
     "in full was taken; the oldest of the disks'), each cluster's\n"
     "rbd-mirror health, and per disk the mirror state, the peer's replay\n"
     "state, its recovery point and the newest mirror snapshot.  The exit\n"
     "status is 1 when the recovery point is older than twice the\n"
     "schedule, or there is none yet.\n"
     "\n"
     "With a pool: whether the pool is paired; per side (the pool asked for, then each\n"
     "peer, found among the registered clusters by site name): mirror\n"
     "mode, site name, peers and the rbd-mirror daemons reporting for the\n"
     "pool; per mirrored image and site: its state, the daemon's\n"
     "description, the last update and, on a replaying site, REPLAYED AT:\n"
     "when the last mirror snapshot it holds in full was taken.",
     status_opts, run_status},
    {"dr test", "DOMAIN", 1, 1,
     "Boot a copy of a protected VM on the other cluster, isolated",
     "Proves that the copy boots without failing over: each protected\n"
     "disk's copy on the other cluster, at its newest mirror snapshot held\n"
     "in full, is copied (librbd, sparse) to IMAGE-drtest beside it, and\n"
     "domain DOMAIN-drtest is defined with those disks, without network\n"
     "interfaces or other disks (its file consoles renamed FILE.drtest),\n"
     "and started.  Replication is untouched.  --clean stops and removes\n"
     "the test domain and its images.",
     test_opts, run_test},
    {"vm failover", "DOMAIN", 1, 1,
     "Run a protected VM on the other cluster of its pair",
     "Planned (the old cluster answers): the guest is shut down (refused,\n"
     "and left running, when it does not stop within --shutdown-timeout),\n"
     "each disk demoted (librbd takes a last mirror snapshot), and once\n"
     "--to holds that snapshot in full (--max-wait; else the disks are\n"
     "promoted again and the guest restarted) promoted there: nothing is\n"
     "lost.  With --force, for an old cluster that is lost: nothing of it\n"
     "is read or written, a running domain is destroyed, and the copies on\n"
     "--to are promoted as they are; the recovery point (the time of their\n"
     "newest complete mirror snapshot) is printed, and their DR settings\n"
     "say split until 'vm failback'.  Then the new primaries get the DR\n"
     "settings and schedule, the domain is defined again with its disks on\n"
     "--to (its monitors, this host's user and secret for the pool) and\n"
     "started if it ran.",
     failover_opts, run_failover},
    {"vm failback", "DOMAIN", 1, 1,
     "Bring a failed-over VM home once its cluster is back",
     "Copies at home that are still primary (a forced failover) are\n"
     "demoted, and those split or in error are resynchronised in full from\n"
     "the current primaries; it waits (the guest running) until home holds\n"
     "a new mirror snapshot of every disk, then fails over home, planned.",
     failback_opts, run_failback},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
