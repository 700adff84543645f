/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-fleet.c: the `fleet` commands: the libvirt hosts that share the
 * registered clusters (add, list, rm) and `sync`, which makes every host
 * reach the same pools with the same secrets.
 */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "render.h"
#include "xalloc.h"

static struct {
    const char *address;
} add_opt;
static const cli_opt add_opts[] = {
    CLI_STR("address", 0, "ADDR",
            "where migration streams to this host go (e.g. its address on "
            "the migration network); default: libvirt's choice",
            &add_opt.address),
    {.name = NULL},
};

static int
run_add(cli_ctx *ctx)
{
    vrbd_fleet_host h = {.name = ctx->argv[0],
                         .uri = ctx->argv[1],
                         .address = (char *)add_opt.address};
    vrbd_fleet_host stored = {0};
    vrbd_registry *reg = cli_registry(ctx);
    int r;

    if (!reg)
        return CLI_FAIL;
    r = vrbd_fleet_add(reg, &h, ctx->timeout_sec, &stored);
    vrbd_registry_free(reg);
    if (r < 0)
        return cli_fail();
    cli_show(ctx, &cli_view_fleet_added, &stored);
    vrbd_fleet_host_clear(&stored);
    return CLI_OK;
}

static int
run_rm(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    int r;

    if (!reg)
        return CLI_FAIL;
    r = vrbd_fleet_remove(reg, ctx->argv[0]);
    vrbd_registry_free(reg);
    if (r < 0)
        return cli_fail();
    cli_show(ctx, &cli_view_fleet_removed, ctx->argv[0]);
    return CLI_OK;
}

static int
run_list(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    vrbd_fleet_status *st = NULL;
    size_t n = 0;
    bool bad = false;
    int r;

    if (!reg)
        return CLI_FAIL;
    r = vrbd_fleet_status_get(reg, ctx->timeout_sec, &st, &n);
    if (r < 0) {
        vrbd_registry_free(reg);
        return cli_fail();
    }
    cli_show(ctx, &cli_view_fleet_list,
             &(cli_fleet_list){st, n, vrbd_registry_dir(reg)});
    for (size_t i = 0; i < n; i++)
        bad = bad || !st[i].reachable || st[i].n_drift;
    vrbd_fleet_status_list_free(st, n);
    vrbd_registry_free(reg);
    return bad ? CLI_FAIL : CLI_OK;
}

/* What to sync: the (cluster, pool, libvirt name, user) of one pool. */
typedef struct want {
    char *cluster; /* registry name; NULL: the default */
    char *pool;
    char *name; /* libvirt pool name; NULL: the default */
    char *entity;
} want;

static void
wants_free(want *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(w[i].cluster);
        free(w[i].pool);
        free(w[i].name);
        free(w[i].entity);
    }
    free(w);
}

/* The pools named on the command line, each as some host has it (its
 * libvirt name and user), else with host connect's defaults. */
static int
wants_given(cli_ctx *ctx, vrbd_registry *reg, const want *fleet, size_t n_fleet,
            want **out, size_t *n_out)
{
    want *w = xcalloc((size_t)ctx->argc + 1, sizeof(*w));
    vrbd_cluster_entry def = {0};

    for (int i = 0; i < ctx->argc; i++) {
        vrbd_spec spec = {0};
        const want *f = NULL;

        if (vrbd_spec_parse(ctx->argv[i], VRBD_SPEC_POOL, &spec) < 0 ||
            vrbd_registry_get(reg, spec.cluster, &def) < 0) {
            vrbd_spec_clear(&spec);
            wants_free(w, (size_t)i);
            return cli_fail();
        }
        for (size_t k = 0; k < n_fleet && !f; k++)
            if (strcmp(fleet[k].cluster, def.name) == 0 &&
                strcmp(fleet[k].pool, spec.pool) == 0)
                f = &fleet[k];
        w[i].cluster = xstrdup(def.name);
        w[i].pool = xstrdup(spec.pool);
        w[i].name = f ? xstrdup(f->name) : NULL;
        w[i].entity = f && f->entity ? xstrdup(f->entity) : NULL;
        vrbd_cluster_entry_clear(&def);
        vrbd_spec_clear(&spec);
    }
    *out = w;
    *n_out = (size_t)ctx->argc;
    return CLI_OK;
}

/* Every virt-rbd pool some reachable host has, once, named as there. */
static int
wants_fleet(cli_ctx *ctx, vrbd_registry *reg, want **out, size_t *n_out)
{
    vrbd_fleet_host *hosts = NULL;
    vrbd_cluster_entry *cls = NULL;
    size_t n = 0, n_cls = 0, k = 0;
    want *w = NULL;

    if (vrbd_fleet_list(reg, &hosts, &n) < 0 ||
        vrbd_registry_list(reg, &cls, &n_cls) < 0) {
        vrbd_fleet_host_list_free(hosts, n);
        return cli_fail();
    }
    for (size_t i = 0; i < n; i++) {
        vrbd_host *host = NULL;
        vrbd_host_rbd_pool *p = NULL;
        size_t np = 0;

        if (vrbd_host_open_within(hosts[i].uri, ctx->timeout_sec, &host) < 0 ||
            vrbd_host_rbd_pool_list(host, &p, &np) < 0) {
            vrbd_error_clear(); /* said by the sync itself */
            np = 0;
        }
        for (size_t j = 0; j < np; j++) {
            const char *cl = cli_cluster_named(cls, n_cls, p[j].fsid);
            bool seen = false;

            for (size_t e = 0; e < k && !seen; e++)
                seen = strcmp(w[e].name, p[j].name) == 0;
            if (!cl || seen || !p[j].pool)
                continue; /* not a registered cluster's: not ours to copy */
            w = xreallocarray(w, k + 1, sizeof(*w));
            w[k].cluster = xstrdup(cl);
            w[k].pool = xstrdup(p[j].pool);
            w[k].name = xstrdup(p[j].name);
            w[k].entity = p[j].user ? xasprintf("client.%s", p[j].user) : NULL;
            k++;
        }
        vrbd_host_rbd_pool_list_free(p, np);
        vrbd_host_free(host);
    }
    vrbd_cluster_entry_list_free(cls, n_cls);
    vrbd_fleet_host_list_free(hosts, n);
    *out = w;
    *n_out = k;
    return CLI_OK;
}

/* host connect of every wanted pool on one host: a row per pool. */
static void
sync_host(cli_ctx *ctx, cli_list *l, const vrbd_fleet_host *h,
          vrbd_cluster **cls, const want *w, size_t n, bool *bad)
{
    vrbd_registry *reg = cli_registry(ctx);
    vrbd_host *host = NULL;
    CLEANUP_FREE char *why = NULL;

    if (!reg || vrbd_fleet_open(reg, h->name, ctx->timeout_sec, &host) < 0)
        why = xstrdup(vrbd_error_last()->message);
    vrbd_registry_free(reg);
    for (size_t i = 0; i < n; i++) {
        vrbd_host_connect_opts opts = {.version =
                                           VRBD_HOST_CONNECT_OPTS_VERSION,
                                       .pool = w[i].pool,
                                       .entity = w[i].entity,
                                       .name = w[i].name};
        vrbd_host_connect_result res = {0};
        cli_fleet_synced row = {h->name, w[i].cluster, w[i].pool, &res, NULL};
        CLEANUP_FREE char *err = NULL;

        if (!cls[i])
            row.error = "cluster did not answer";
        else if (why)
            row.error = why;
        else if (vrbd_host_connect(host, cls[i], &opts, &res) < 0)
            row.error = err = xstrdup(vrbd_error_last()->message);
        *bad = *bad || row.error;
        cli_list_add(l, &row);
    }
    vrbd_host_free(host);
}

static int
run_sync(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    vrbd_fleet_host *hosts = NULL;
    vrbd_cluster **cls = NULL;
    want *w = NULL, *fleet = NULL;
    size_t n = 0, nw = 0, nf = 0;
    bool bad = false;
    cli_list *l;
    int r;

    if (!reg)
        return CLI_FAIL;
    r = wants_fleet(ctx, reg, &fleet, &nf);
    if (r == CLI_OK && ctx->argc)
        r = wants_given(ctx, reg, fleet, nf, &w, &nw);
    else if (r == CLI_OK) {
        w = TAKE(fleet);
        nw = nf;
        nf = 0;
    }
    if (r == CLI_OK && vrbd_fleet_list(reg, &hosts, &n) < 0)
        r = cli_fail();
    vrbd_registry_free(reg);
    if (r != CLI_OK)
        goto cleanup;
    cls = xcalloc(nw + 1, sizeof(*cls));
    for (size_t i = 0; i < nw; i++)
        if (cli_connect(ctx, w[i].cluster, &cls[i]) < 0)
            bad = true; /* said; each host's row says it again */
    l = cli_list_begin(ctx, &cli_view_fleet_synced);
    for (size_t i = 0; i < n; i++)
        sync_host(ctx, l, &hosts[i], cls, w, nw, &bad);
    cli_list_end(l, true);
    r = bad ? CLI_FAIL : CLI_OK;

cleanup:
    for (size_t i = 0; cls && i < nw; i++)
        vrbd_cluster_free(cls[i]);
    free(cls);
    wants_free(w, nw);
    wants_free(fleet, nf);
    vrbd_fleet_host_list_free(hosts, n);
    return r;
}

static int
run_unfence(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    size_t lifted = 0;
    int r;

    if (!reg)
        return CLI_FAIL;
    r = vrbd_fleet_unfence(reg, ctx->argv[0], ctx->timeout_sec, &lifted);
    vrbd_registry_free(reg);
    if (r < 0)
        return cli_fail();
    cli_show(ctx, &cli_view_fleet_unfenced,
             &(cli_fleet_unfenced){ctx->argv[0], lifted});
    return CLI_OK;
}

static struct {
    const char *on;
    bool force;
    const char *expire;
} recover_opt;
static const cli_opt recover_opts[] = {
    CLI_STR("on", 0, "HOST,...",
            "start them on these hosts (default: every other registered one)",
            &recover_opt.on),
    CLI_FLAG("force", 0, "even those the host answers for and runs",
             &recover_opt.force),
    CLI_STR("expire", 0, "DURATION", "how long the fences hold (default 1h)",
            &recover_opt.expire),
    {.name = NULL},
};

/* The hosts to start the VMs on: --on, else every other registered one. */
static char **
recover_targets(vrbd_registry *reg, const char *dead)
{
    vrbd_fleet_host *all = NULL;
    char **res = xcalloc(1, sizeof(char *));
    size_t n = 0, k = 0;

    if (recover_opt.on) {
        CLEANUP_FREE char *copy = xstrdup(recover_opt.on);
        char *save = NULL;

        for (char *t = strtok_r(copy, ",", &save); t;
             t = strtok_r(NULL, ",", &save)) {
            res = xreallocarray(res, k + 2, sizeof(char *));
            res[k++] = xstrdup(t);
            res[k] = NULL;
        }
        return res;
    }
    if (vrbd_fleet_list(reg, &all, &n) < 0)
        vrbd_error_clear();
    for (size_t i = 0; i < n; i++) {
        if (strcmp(all[i].name, dead) == 0)
            continue;
        res = xreallocarray(res, k + 2, sizeof(char *));
        res[k++] = xstrdup(all[i].name);
        res[k] = NULL;
    }
    vrbd_fleet_host_list_free(all, n);
    return res;
}

/* One VM onto one of @targets, the next that opens, from *@next on. */
static bool
recover_one(cli_ctx *ctx, vrbd_registry *reg, char **targets, size_t *next,
            const char *dom, vrbd_recover_opts *o, cli_list *l)
{
    size_t nt = 0;
    vrbd_host *on = NULL;
    vrbd_recover_result res = {0};
    cli_fleet_recovered row = {dom, NULL, NULL, &res};
    CLEANUP_FREE char *err = NULL;

    while (targets[nt])
        nt++;
    for (size_t t = 0; t < nt && !on; t++) {
        row.on = targets[(*next + t) % nt];
        if (vrbd_fleet_open(reg, row.on, ctx->timeout_sec, &on) < 0)
            vrbd_error_clear();
        else
            *next = (*next + t + 1) % nt;
    }
    if (!on)
        row.error = "no other host answers";
    else if (vrbd_vm_recover(on, dom, o, &res) < 0)
        row.error = err = xstrdup(vrbd_error_last()->message);
    cli_list_add(l, &row);
    vrbd_recover_result_clear(&res);
    vrbd_host_free(on);
    return row.error == NULL;
}

static int
run_recover(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    vrbd_host *here = NULL;
    CLEANUP_STRV char **doms = NULL;
    CLEANUP_STRV char **targets = NULL;
    vrbd_recover_opts o = {.version = VRBD_RECOVER_OPTS_VERSION,
                           .from = ctx->argv[0],
                           .force = recover_opt.force,
                           .timeout_sec = ctx->timeout_sec};
    size_t next = 0;
    bool ok = true;
    cli_list *l;
    int r = CLI_FAIL;

    if (!reg)
        return CLI_FAIL;
    o.reg = reg;
    if (recover_opt.expire &&
        (r = cli_parse_duration(ctx, "expire", recover_opt.expire,
                                &o.expire_sec)) != CLI_OK)
        goto cleanup;
    r = CLI_FAIL;
    here = cli_host(ctx);
    if (!here)
        goto cleanup;
    if (vrbd_fleet_domains_of(here, reg, o.from, ctx->timeout_sec, &doms) < 0) {
        cli_fail();
        goto cleanup;
    }
    targets = recover_targets(reg, o.from);
    l = cli_list_begin(ctx, &cli_view_fleet_recovered);
    for (size_t i = 0; doms[i]; i++)
        ok = recover_one(ctx, reg, targets, &next, doms[i], &o, l) && ok;
    cli_list_end(l, true);
    r = ok ? CLI_OK : CLI_FAIL;

cleanup:
    vrbd_host_free(here);
    vrbd_registry_free(reg);
    return r;
}

static volatile int evac_cancelled;

static struct {
    const char *to;
    unsigned parallel;
    unsigned bandwidth;
} evac_opt;
static const cli_opt evac_opts[] = {
    CLI_STR("to", 0, "HOST[,HOST...]",
            "spread the VMs over these registered hosts only (default: "
            "every other one)",
            &evac_opt.to),
    CLI_COUNT("parallel", 0, "N", "migrate at most N VMs at once (default 1)",
              64, &evac_opt.parallel),
    CLI_COUNT("bandwidth", 0, "MIB",
              "send at most MIB MiB per second per migration", 1000000,
              &evac_opt.bandwidth),
    {.name = NULL},
};

/* The rows, begun with the first one: a refusal before any domain
 * prints no header. */
typedef struct evac_rows {
    const cli_ctx *ctx;
    cli_list *l;
} evac_rows;

static void
evac_done(const vrbd_evacuate_item *it, void *opaque)
{
    evac_rows *rows = opaque;

    if (!rows->l)
        rows->l = cli_list_begin(rows->ctx, &cli_view_fleet_evacuated);
    cli_list_add(rows->l, it);
}

static void
evac_skipped(const vrbd_evacuate_skip *s, void *opaque)
{
    (void)opaque;
    fprintf(stderr, "virt-rbd: warning: host '%s' skipped: %s\n", s->host,
            s->why);
}

static int
run_evacuate(cli_ctx *ctx)
{
    CLEANUP_FREE char *to_copy = NULL;
    CLEANUP_FREE const char **to = NULL;
    vrbd_evacuate_opts o = {.version = VRBD_EVACUATE_OPTS_VERSION,
                            .parallel = evac_opt.parallel,
                            .bandwidth_mib = evac_opt.bandwidth,
                            .timeout_sec = ctx->timeout_sec,
                            .cancel = &evac_cancelled,
                            .done = evac_done,
                            .skipped = evac_skipped};
    vrbd_evacuate_result res = {0};
    evac_rows rows = {ctx, NULL};
    vrbd_registry *reg;
    int r;

    if (evac_opt.to) {
        char *save = NULL;

        to_copy = xstrdup(evac_opt.to);
        to = xcalloc(strlen(to_copy) + 1, sizeof(*to));
        for (char *t = strtok_r(to_copy, ",", &save); t;
             t = strtok_r(NULL, ",", &save))
            to[o.n_to++] = t;
        if (o.n_to == 0)
            return cli_usage(ctx, "--to names no host");
        o.to = to;
    }
    reg = cli_registry(ctx);
    if (!reg)
        return CLI_FAIL;
    /* Ctrl-C aborts the running migrations: their VMs stay here */
    cli_catch_signals(&evac_cancelled);
    o.opaque = &rows;
    r = vrbd_fleet_evacuate(reg, ctx->argv[0], &o, &res);
    if (!rows.l && r == 0) /* nothing ran there: an empty list */
        rows.l = cli_list_begin(ctx, &cli_view_fleet_evacuated);
    if (rows.l)
        cli_list_end(rows.l, true);
    vrbd_registry_free(reg);
    if (r < 0)
        return cli_fail();
    return CLI_OK;
}

const cli_cmd cli_cmds_fleet[] = {
    {"fleet add", "NAME URI", 2, 2,
     "Register a libvirt host of the fleet under NAME",
     "Connects to libvirt at URI (within --timeout) and records its host\n"
     "UUID: hosts are told apart by it, not by hostname.  URI must work from\n"
     "every host of the fleet, as migration makes the source host dial it.\n"
     "A second name for the same host UUID is refused.",
     add_opts, run_add},
    {"fleet evacuate", "HOST", 1, 1,
     "Migrate every running VM off HOST to the other hosts, live",
     "Each running domain of HOST is moved with 'vm migrate' (its checks\n"
     "and refusals included) to another registered host, or to one of\n"
     "--to: each to the host with the most free memory less what this run\n"
     "sent there already.  One at a time, or --parallel N at once.  A host\n"
     "that does not answer within --timeout is skipped and said.  A VM that\n"
     "cannot move is named with the reason and left running on HOST; the\n"
     "others still go, and the exit status is 1.  A row per VM: where to,\n"
     "the result, the seconds or the error.  Ctrl-C aborts the running\n"
     "migrations (their VMs stay on HOST) and starts no more.",
     evac_opts, run_evacuate},
    {"fleet list", "", 0, 0,
     "Every host: reachable, UUID, domains, and how it differs from the rest",
     "Probes every registered host at once, each within --timeout.  Drift:\n"
     "a pool (same cluster and Ceph pool) that another host has and this\n"
     "one lacks or has inactive, a pool whose secret is missing, a pool\n"
     "whose monitor list is not the cluster's current one, a host UUID that\n"
     "changed.  'fleet sync' repairs pools and secrets, 'host refresh-mons'\n"
     "monitor lists.  Exit status 1 when a host does not answer or drifts.",
     NULL, run_list},
    {"fleet rm", "NAME", 1, 1, "Forget a registered host",
     "Removes the host from the registry; nothing on the host changes.", NULL,
     run_rm},
    {"fleet sync", "[[CLUSTER:]POOL...]", 0, -1,
     "Give every host the same pools, secrets and keys ('host connect')",
     "Runs 'host connect' for each pool on every registered host: the same\n"
     "secret UUID (derived from the cluster's fsid and the user) holding\n"
     "the current key, and the same pool definition with every current\n"
     "monitor.  Without POOL: every pool of a registered cluster that some\n"
     "host has, under the name and user it has there.  Idempotent.  A host\n"
     "that does not answer within --timeout is reported, not waited on;\n"
     "exit status 1 then.",
     NULL, run_sync},
    {"fleet unfence", "HOST", 1, 1,
     "Lift the fences 'vm recover' put on a host, once it is back",
     "HOST must answer (within --timeout) and run none of the VMs recovered\n"
     "elsewhere: a stale copy still running there is named and refused.\n"
     "Their stale definitions on HOST are undefined, the OSD blocklist\n"
     "entries of its old clients removed, and the record dropped.",
     NULL, run_unfence},
    {"fleet recover", "HOST", 1, 1,
     "Start every VM of a dead or hung host elsewhere ('vm recover' each)",
     "The VMs are those whose disks name HOST as their owner, in the pools\n"
     "this host (-c or --host) reaches.  Each is recovered as by 'vm\n"
     "recover' (fenced first) on the next of the --on hosts, else of the\n"
     "other registered hosts, in turn; a host that does not answer is\n"
     "passed over.  A VM that cannot be recovered is named with the reason;\n"
     "the exit status is 1 then.",
     recover_opts, run_recover},
    {.name = NULL},
};
