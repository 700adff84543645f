/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-host.c: the `host` commands: this KVM host's libvirt side of Ceph:
 * connecting pools (user, private secret, RBD storage pool), listing and
 * undoing that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "render.h"
#include "table.h"
#include "xalloc.h"

static struct {
    const char *user;
    const char *name;
} connect_opt;
static const cli_opt connect_opts[] = {
    CLI_STR("user", 0, "client.NAME",
            "the cephx user libvirt uses (default: client.libvirt)",
            &connect_opt.user),
    CLI_STR("name", 0, "LIBVIRT_POOL",
            "libvirt pool name (default: CLUSTER-POOL)", &connect_opt.name),
    {.name = NULL},
};

static struct {
    const char *name;
} disconnect_opt;
static const cli_opt disconnect_opts[] = {
    CLI_STR("name", 0, "LIBVIRT_POOL",
            "libvirt pool name (default: CLUSTER-POOL)", &disconnect_opt.name),
    {.name = NULL},
};

static struct {
    const char *wait;
    bool start_domains;
} ensure_opt;
static const cli_opt ensure_opts[] = {
    CLI_STR(
        "wait", 0, "SECONDS",
        "wait up to this long for clusters to answer (default: 0, try once)",
        &ensure_opt.wait),
    CLI_FLAG("start-domains", 0,
             "then start inactive autostart domains whose RBD disks are all "
             "reachable",
             &ensure_opt.start_domains),
    {.name = NULL},
};

/* A pool spec without image, namespace or snapshot. */
static int
parse_pool_spec(cli_ctx *ctx, vrbd_spec *spec)
{
    if (vrbd_spec_parse(ctx->argv[0], VRBD_SPEC_POOL, spec) < 0)
        return cli_fail();
    if (spec->nspace) {
        vrbd_spec_clear(spec);
        return cli_usage(
            ctx,
            "libvirt RBD pools cover a whole Ceph pool: write [CLUSTER:]POOL");
    }
    return CLI_OK;
}

static int
run_connect(cli_ctx *ctx)
{
    vrbd_spec spec = {0};
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    vrbd_host_connect_opts opts = {.version = VRBD_HOST_CONNECT_OPTS_VERSION};
    vrbd_host_connect_result res;
    const char *user = connect_opt.user;
    int r;

    if (user && vrbd_user_name_check(user) < 0)
        return cli_fail();
    if ((r = parse_pool_spec(ctx, &spec)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    host = cli_host(ctx);
    if (!host || cli_connect(ctx, spec.cluster, &cl) < 0)
        goto cleanup;
    opts.pool = spec.pool;
    opts.entity = user;
    opts.name = connect_opt.name;
    if (vrbd_host_connect(host, cl, &opts, &res) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_host_connected,
             &(cli_host_connected){vrbd_cluster_name(cl), spec.pool,
                                   user ? user : "client.libvirt", &res});
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(cl);
    vrbd_host_free(host);
    vrbd_spec_clear(&spec);
    return r;
}

static int
run_disconnect(cli_ctx *ctx)
{
    vrbd_spec spec = {0};
    vrbd_host *host = NULL;
    CLEANUP_FREE char *name = NULL;
    const char *given = disconnect_opt.name;
    bool secret_removed = false;
    int r;

    if ((r = parse_pool_spec(ctx, &spec)) != CLI_OK)
        return r;
    r = CLI_FAIL;
    if (given) {
        name = xstrdup(given);
    } else {
        /* the default cluster's name when none is written */
        vrbd_registry *reg = cli_registry(ctx);
        vrbd_cluster_entry e = {0};

        if (!reg)
            goto cleanup;
        if (vrbd_registry_get(reg, spec.cluster, &e) < 0) {
            vrbd_registry_free(reg);
            cli_fail();
            goto cleanup;
        }
        name = xasprintf("%s-%s", e.name, spec.pool);
        vrbd_cluster_entry_clear(&e);
        vrbd_registry_free(reg);
    }
    host = cli_host(ctx);
    if (!host)
        goto cleanup;
    if (vrbd_host_disconnect(host, name, &secret_removed) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_host_disconnected,
             &(cli_host_disconnected){name, secret_removed});
    r = CLI_OK;

cleanup:
    vrbd_host_free(host);
    vrbd_spec_clear(&spec);
    return r;
}

/* Whether registered cluster @fsid answers: "yes", "no", or "?" when it
 * is not registered.  Probed once per cluster, with a short timeout. */
static const char *
reachable(const cli_ctx *ctx, const vrbd_cluster_entry *all, size_t n,
          const char *fsid, int *cache)
{
    for (size_t i = 0; fsid && i < n; i++) {
        if (!all[i].fsid || strcmp(all[i].fsid, fsid) != 0)
            continue;
        if (cache[i] == 0) {
            vrbd_cluster_opts o = vrbd_cluster_entry_opts(
                &all[i], ctx->timeout_sec < 5 ? ctx->timeout_sec : 5);
            vrbd_cluster *cl = NULL;

            cache[i] = vrbd_cluster_connect(&o, &cl) == 0 ? 1 : 2;
            vrbd_cluster_free(cl);
            vrbd_error_clear();
        }
        return cache[i] == 1 ? "yes" : "no";
    }
    return "?";
}

static int
run_list(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    cli_host_lists l = {0};
    vrbd_cluster_entry *clusters = NULL;
    vrbd_host_rbd_pool *pools = NULL;
    vrbd_host_secret *secrets = NULL;
    CLEANUP_FREE int *cache = NULL;
    CLEANUP_FREE const char **reach = NULL;
    vrbd_host *host = NULL;
    int r = CLI_FAIL;

    if (!reg)
        return CLI_FAIL;
    /* an unreadable registry only costs the cluster names */
    if (vrbd_registry_list(reg, &clusters, &l.nc) < 0)
        l.nc = 0;
    l.clusters = clusters;
    host = cli_host(ctx);
    if (!host)
        goto cleanup;
    if (vrbd_host_rbd_pool_list(host, &pools, &l.np) < 0 ||
        vrbd_host_secret_list(host, &secrets, &l.ns) < 0) {
        cli_fail();
        goto cleanup;
    }
    l.pools = pools;
    l.secrets = secrets;
    cache = xcalloc(l.nc + 1, sizeof(int));
    reach = xcalloc(l.np + 1, sizeof(*reach));
    for (size_t i = 0; i < l.np; i++)
        reach[i] = reachable(ctx, l.clusters, l.nc, pools[i].fsid, cache);
    l.reachable = reach;
    cli_show(ctx, &cli_view_host_lists, &l);
    r = CLI_OK;

cleanup:
    vrbd_host_rbd_pool_list_free(pools, l.np);
    vrbd_host_secret_list_free(secrets, l.ns);
    vrbd_cluster_entry_list_free(clusters, l.nc);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

static int
run_ensure(cli_ctx *ctx)
{
    const char *w = ensure_opt.wait;
    vrbd_ensure_opts opts = {.version = VRBD_ENSURE_OPTS_VERSION,
                             .start_domains = ensure_opt.start_domains};
    vrbd_ensure_item *items = NULL;
    vrbd_host *host = NULL;
    size_t n = 0;
    int r = CLI_FAIL;
    bool failed = false;

    if (w) {
        char *end;
        unsigned long v = strtoul(w, &end, 10);

        if (*end || end == w || w[0] == '-' || v > 86400)
            return cli_usage(
                ctx, "invalid --wait '%s': give whole seconds from 0 to 86400",
                w);
        opts.wait_sec = (unsigned)v;
    }
    opts.reg = cli_registry(ctx);
    if (!opts.reg)
        return CLI_FAIL;
    host = cli_host(ctx);
    if (!host)
        goto cleanup;
    if (vrbd_host_ensure(host, &opts, &items, &n) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_host_ensured, &(cli_host_ensured){items, n});
    for (size_t i = 0; i < n; i++) {
        const vrbd_ensure_item *it = &items[i];

        failed |= it->state == VRBD_ENSURE_FAILED;
        if (it->state == VRBD_ENSURE_FAILED)
            fprintf(stderr, "virt-rbd: error: %s '%s' not started: %s\n",
                    it->is_domain ? "domain" : "pool", it->name,
                    it->message ? it->message : "unknown reason");
    }
    if (failed)
        fprintf(stderr, "virt-rbd: hint: check the clusters with 'virt-rbd "
                        "doctor', or wait longer (--wait)\n");
    r = failed ? CLI_FAIL : CLI_OK;

cleanup:
    vrbd_ensure_item_list_free(items, n);
    vrbd_host_free(host);
    vrbd_registry_free(opts.reg);
    return r;
}

static int
refresh_one(cli_ctx *ctx, vrbd_host *host, const char *name, cli_list *out)
{
    vrbd_cluster *cl = NULL;
    vrbd_refresh_result res = {0};

    if (cli_connect(ctx, name, &cl) < 0)
        return CLI_FAIL;
    if (vrbd_host_refresh_mons(host, cl, &res) < 0) {
        vrbd_cluster_free(cl);
        return cli_fail();
    }
    cli_list_add(out, &(cli_host_refreshed){vrbd_cluster_name(cl), &res});
    vrbd_refresh_result_clear(&res);
    vrbd_cluster_free(cl);
    return CLI_OK;
}

static int
run_refresh_mons(cli_ctx *ctx)
{
    cli_list *out;
    vrbd_registry *reg = NULL;
    vrbd_cluster_entry *all = NULL;
    vrbd_host *host = NULL;
    size_t n = 0;
    int r = CLI_OK;

    if (ctx->argc && vrbd_cluster_name_check(ctx->argv[0]) < 0)
        return cli_fail();
    host = cli_host(ctx);
    if (!host)
        return CLI_FAIL;
    out = cli_list_begin(ctx, &cli_view_host_refreshed);
    if (ctx->argc) {
        r = refresh_one(ctx, host, ctx->argv[0], out);
    } else {
        /* every registered cluster */
        reg = cli_registry(ctx);
        if (!reg || vrbd_registry_list(reg, &all, &n) < 0) {
            r = reg ? cli_fail() : CLI_FAIL;
        } else {
            for (size_t i = 0; i < n; i++)
                if (refresh_one(ctx, host, all[i].name, out) != CLI_OK)
                    r = CLI_FAIL;
        }
    }
    cli_list_end(out, r == CLI_OK);
    vrbd_cluster_entry_list_free(all, n);
    vrbd_registry_free(reg);
    vrbd_host_free(host);
    return r;
}

const cli_cmd cli_cmds_host[] = {
    {"host connect", "[CLUSTER:]POOL", 1, 1,
     "Connect this host to a Ceph pool through libvirt",
     "Creates (or reuses) a least-privilege user for the pool, keeps its key\n"
     "in a private libvirt secret named after the cluster's fsid and the\n"
     "user (one per cluster and user, on every host), and defines an RBD\n"
     "storage pool listing every current monitor, started and autostarted.\n"
     "Running it again changes nothing, and finishes a run that was cut\n"
     "short.  When libvirtd restarts meanwhile, it reconnects (for up to\n"
     "--timeout) and finishes.  When it fails, it removes what it made\n"
     "(what it cannot remove, it names).",
     connect_opts, run_connect},
    {"host disconnect", "[CLUSTER:]POOL", 1, 1,
     "Undo 'host connect' (refused while a domain uses the pool)",
     "Stops and undefines the libvirt pool, and undefines its secret when\n"
     "no other pool or domain uses it.  Refused, naming them, while a\n"
     "defined domain has a disk in the pool.  The cephx user is kept.",
     disconnect_opts, run_disconnect},
    {"host ensure", "", 0, 0,
     "Start the RBD pools libvirt's autostart gave up on, once Ceph answers",
     "For every RBD pool virt-rbd manages that is not active, waits (with\n"
     "backoff, within --wait) until its cluster answers, then starts and\n"
     "refreshes it; with --start-domains, then starts the inactive\n"
     "autostart domains whose RBD disks are all in active pools, by name.\n"
     "libvirt autostarts pools once, when libvirtd starts: a cluster that\n"
     "comes up later leaves them inactive.  Run this after libvirtd at boot\n"
     "(docs/virt-rbd-ensure.service).  Exit status 1 if something could not\n"
     "be started in time.",
     ensure_opts, run_ensure},
    {"host refresh-mons", "[CLUSTER]", 0, 1,
     "Rewrite monitor lists in RBD pools and domain disks from the monmap",
     "When a cluster's monitors change, rewrites the <host> list of every\n"
     "RBD pool of that cluster (restarting the active ones) and of every\n"
     "domain disk that uses it (recognised by the cluster's secret) in the\n"
     "persistent definitions.  A running domain keeps its old list until\n"
     "its next start; that is said.  Without CLUSTER: every registered\n"
     "cluster.",
     NULL, run_refresh_mons},
    {"host list", "", 0, 0,
     "List this host's RBD pools and ceph secrets, per cluster", NULL, NULL,
     run_list},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
