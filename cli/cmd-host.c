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
    {NULL},
};

static struct {
    const char *name;
} disconnect_opt;
static const cli_opt disconnect_opts[] = {
    CLI_STR("name", 0, "LIBVIRT_POOL",
            "libvirt pool name (default: CLUSTER-POOL)", &disconnect_opt.name),
    {NULL},
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
    {NULL},
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
    vrbd_host_connect_opts opts = {0};
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
    if (ctx->json) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "cluster",
                               json_object_new_string(vrbd_cluster_name(cl)));
        json_object_object_add(o, "pool", json_object_new_string(spec.pool));
        json_object_object_add(o, "libvirt_pool",
                               json_object_new_string(res.name));
        json_object_object_add(
            o, "user", json_object_new_string(user ? user : "client.libvirt"));
        json_object_object_add(o, "secret",
                               json_object_new_string(res.secret_uuid));
        json_object_object_add(o, "user_created",
                               json_object_new_boolean(res.user_created));
        json_object_object_add(o, "user_updated",
                               json_object_new_boolean(res.user_updated));
        json_object_object_add(o, "secret_created",
                               json_object_new_boolean(res.secret_created));
        json_object_object_add(o, "pool_defined",
                               json_object_new_boolean(res.pool_defined));
        json_object_object_add(o, "pool_started",
                               json_object_new_boolean(res.pool_started));
        cli_print_json(o);
    } else {
        printf("host connected to %s:%s as libvirt pool '%s'\n",
               vrbd_cluster_name(cl), spec.pool, res.name);
        cli_print_kv(9, "  user:", "%s (%s)", user ? user : "client.libvirt",
                     res.user_created   ? "created"
                     : res.user_updated ? "pool added to its caps"
                                        : "unchanged");
        cli_print_kv(9, "  secret:", "%s (private, %s)", res.secret_uuid,
                     res.secret_created ? "created" : "key refreshed");
        cli_print_kv(9, "  pool:", "%s, active, autostart",
                     res.pool_defined ? "defined" : "existed");
    }
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
    if (ctx->json) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "libvirt_pool", json_object_new_string(name));
        json_object_object_add(o, "secret_removed",
                               json_object_new_boolean(secret_removed));
        cli_print_json(o);
    } else {
        printf("libvirt pool '%s' removed%s\n", name,
               secret_removed ? ", and its secret (no longer used)" : "");
    }
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

/* What host list shows: the RBD pools and the secrets of this host, and
 * the registered clusters to name them by */
struct host_lists {
    cli_ctx *ctx;
    vrbd_cluster_entry *clusters;
    vrbd_host_rbd_pool *pools;
    vrbd_host_secret *secrets;
    size_t nc, np, ns;
    int *cache; /* reachable(): one answer per cluster */
};

static struct json_object *
pool_json(struct host_lists *l, const vrbd_host_rbd_pool *pl)
{
    struct json_object *p = json_object_new_object();
    struct json_object *h = json_object_new_array();

    json_object_object_add(p, "name", json_object_new_string(pl->name));
    json_object_object_add(
        p, "cluster",
        json_object_new_string(cli_cluster_name(l->clusters, l->nc, pl->fsid)));
    json_object_object_add(p, "fsid",
                           pl->fsid ? json_object_new_string(pl->fsid) : NULL);
    json_object_object_add(p, "pool",
                           json_object_new_string(pl->pool ? pl->pool : ""));
    json_object_object_add(p, "user",
                           json_object_new_string(pl->user ? pl->user : ""));
    json_object_object_add(
        p, "secret",
        json_object_new_string(pl->secret_uuid ? pl->secret_uuid : ""));
    for (size_t k = 0; pl->hosts && pl->hosts[k]; k++)
        json_object_array_add(h, json_object_new_string(pl->hosts[k]));
    json_object_object_add(p, "monitors", h);
    json_object_object_add(p, "active", json_object_new_boolean(pl->active));
    json_object_object_add(
        p, "reachable",
        json_object_new_string(
            reachable(l->ctx, l->clusters, l->nc, pl->fsid, l->cache)));
    json_object_object_add(p, "autostart",
                           json_object_new_boolean(pl->autostart));
    json_object_object_add(p, "volumes", json_object_new_int64(pl->volumes));
    return p;
}

static struct json_object *
secret_json(struct host_lists *l, const vrbd_host_secret *sc)
{
    struct json_object *s = json_object_new_object();

    json_object_object_add(s, "uuid", json_object_new_string(sc->uuid));
    json_object_object_add(
        s, "usage", sc->usage ? json_object_new_string(sc->usage) : NULL);
    json_object_object_add(
        s, "cluster",
        json_object_new_string(cli_cluster_name(l->clusters, l->nc, sc->fsid)));
    json_object_object_add(
        s, "user", sc->entity ? json_object_new_string(sc->entity) : NULL);
    json_object_object_add(s, "private",
                           json_object_new_boolean(sc->is_private));
    return s;
}

static void
print_lists_json(struct host_lists *l)
{
    struct json_object *o = json_object_new_object();
    struct json_object *pa = json_object_new_array();
    struct json_object *sa = json_object_new_array();

    for (size_t i = 0; i < l->np; i++)
        json_object_array_add(pa, pool_json(l, &l->pools[i]));
    for (size_t i = 0; i < l->ns; i++)
        json_object_array_add(sa, secret_json(l, &l->secrets[i]));
    json_object_object_add(o, "pools", pa);
    json_object_object_add(o, "secrets", sa);
    cli_print_json(o);
}

static void
print_lists_text(struct host_lists *l)
{
    vrbd_table *t = vrbd_table_new(
        (const char *[]){"LIBVIRT POOL", "CLUSTER", "CEPH POOL", "USER",
                         "STATE", "AUTOSTART", "REACHABLE", "VOLUMES", NULL});

    vrbd_table_right(t, 7);
    for (size_t i = 0; i < l->np; i++) {
        const vrbd_host_rbd_pool *p = &l->pools[i];
        char vols[24] = "-";

        if (p->volumes >= 0)
            snprintf(vols, sizeof(vols), "%lld", (long long)p->volumes);
        VRBD_TABLE_ROW(
            t, p->name, cli_cluster_name(l->clusters, l->nc, p->fsid),
            p->pool ? p->pool : "?", p->user ? p->user : "?",
            p->active ? "active" : "inactive", p->autostart ? "yes" : "no",
            reachable(l->ctx, l->clusters, l->nc, p->fsid, l->cache), vols);
    }
    cli_print_table(t);
    putchar('\n');
    t = vrbd_table_new(
        (const char *[]){"SECRET", "CLUSTER", "USER", "PRIVATE", NULL});
    for (size_t i = 0; i < l->ns; i++) {
        const vrbd_host_secret *s = &l->secrets[i];

        VRBD_TABLE_ROW(t, s->uuid,
                       cli_cluster_name(l->clusters, l->nc, s->fsid),
                       s->entity ? s->entity : (s->usage ? s->usage : "?"),
                       s->is_private ? "yes" : "NO");
    }
    cli_print_table(t);
}

static int
run_list(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    struct host_lists l = {.ctx = ctx};
    vrbd_host *host = NULL;
    int r = CLI_FAIL;

    if (!reg)
        return CLI_FAIL;
    /* an unreadable registry only costs the cluster names */
    if (vrbd_registry_list(reg, &l.clusters, &l.nc) < 0)
        l.nc = 0;
    host = cli_host(ctx);
    if (!host)
        goto cleanup;
    if (vrbd_host_rbd_pool_list(host, &l.pools, &l.np) < 0 ||
        vrbd_host_secret_list(host, &l.secrets, &l.ns) < 0) {
        cli_fail();
        goto cleanup;
    }
    l.cache = xcalloc(l.nc + 1, sizeof(int));
    if (ctx->json)
        print_lists_json(&l);
    else
        print_lists_text(&l);
    r = CLI_OK;

cleanup:
    free(l.cache);
    vrbd_host_rbd_pool_list_free(l.pools, l.np);
    vrbd_host_secret_list_free(l.secrets, l.ns);
    vrbd_cluster_entries_free(l.clusters, l.nc);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

static int
run_ensure(cli_ctx *ctx)
{
    const char *w = ensure_opt.wait;
    vrbd_ensure_opts opts = {.start_domains = ensure_opt.start_domains};
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
    if (ctx->json) {
        static const char *const states[] = {"active", "started", "failed"};
        struct json_object *a = json_object_new_array();

        for (size_t i = 0; i < n; i++) {
            struct json_object *o = json_object_new_object();

            json_object_object_add(o, items[i].is_domain ? "domain" : "pool",
                                   json_object_new_string(items[i].name));
            json_object_object_add(
                o, "cluster",
                items[i].cluster ? json_object_new_string(items[i].cluster)
                                 : NULL);
            json_object_object_add(
                o, "state", json_object_new_string(states[items[i].state]));
            json_object_object_add(o, "seconds",
                                   json_object_new_double(items[i].seconds));
            json_object_object_add(
                o, "message",
                items[i].message ? json_object_new_string(items[i].message)
                                 : NULL);
            json_object_array_add(a, o);
        }
        cli_print_json(a);
    }
    for (size_t i = 0; i < n; i++) {
        const vrbd_ensure_item *it = &items[i];

        if (it->state == VRBD_ENSURE_FAILED) {
            failed = true;
            fprintf(stderr, "virt-rbd: error: %s '%s' not started: %s\n",
                    it->is_domain ? "domain" : "pool", it->name,
                    it->message ? it->message : "unknown reason");
        }
        if (ctx->json)
            continue;
        if (it->state == VRBD_ENSURE_ACTIVE)
            printf("pool '%s' (cluster '%s'): active\n", it->name, it->cluster);
        else if (it->state == VRBD_ENSURE_STARTED && !it->is_domain)
            printf("pool '%s' (cluster '%s'): started after %.1f s\n", it->name,
                   it->cluster, it->seconds);
        else if (it->state == VRBD_ENSURE_STARTED)
            printf("domain '%s': started\n", it->name);
    }
    if (n == 0 && !ctx->json)
        printf("no RBD pool managed by virt-rbd on this host\n");
    if (failed)
        fprintf(stderr, "virt-rbd: hint: check the clusters with 'virt-rbd "
                        "doctor', or wait longer (--wait)\n");
    r = failed ? CLI_FAIL : CLI_OK;

cleanup:
    vrbd_ensure_items_free(items, n);
    vrbd_host_free(host);
    vrbd_registry_free(opts.reg);
    return r;
}

static int
refresh_one(cli_ctx *ctx, vrbd_host *host, const char *name,
            struct json_object *out)
{
    vrbd_cluster *cl = NULL;
    vrbd_refresh_result res = {0};

    if (cli_connect(ctx, name, &cl) < 0)
        return CLI_FAIL;
    if (vrbd_host_refresh_mons(host, cl, &res) < 0) {
        vrbd_cluster_free(cl);
        return cli_fail();
    }
    if (out) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "cluster",
                               json_object_new_string(vrbd_cluster_name(cl)));
        json_object_object_add(o, "pools", cli_json_strv(res.pools, SIZE_MAX));
        json_object_object_add(o, "domains",
                               cli_json_strv(res.domains, SIZE_MAX));
        json_object_object_add(o, "running",
                               cli_json_strv(res.running, SIZE_MAX));
        json_object_array_add(out, o);
    } else {
        size_t np = 0, nd = 0;

        while (res.pools && res.pools[np])
            np++;
        while (res.domains && res.domains[nd])
            nd++;
        printf("cluster '%s': %zu pool(s) and %zu domain(s) updated\n",
               vrbd_cluster_name(cl), np, nd);
        for (size_t i = 0; i < np; i++)
            printf("  pool %s\n", res.pools[i]);
        for (size_t i = 0; i < nd; i++)
            printf("  domain %s\n", res.domains[i]);
        for (size_t i = 0; res.running && res.running[i]; i++)
            printf("  note: domain '%s' is running: its disks use the new "
                   "monitors from its next start\n",
                   res.running[i]);
    }
    vrbd_refresh_result_clear(&res);
    vrbd_cluster_free(cl);
    return CLI_OK;
}

static int
run_refresh_mons(cli_ctx *ctx)
{
    struct json_object *out = ctx->json ? json_object_new_array() : NULL;
    vrbd_registry *reg = NULL;
    vrbd_cluster_entry *all = NULL;
    vrbd_host *host = NULL;
    size_t n = 0;
    int r = CLI_OK;

    if (ctx->argc && vrbd_cluster_name_check(ctx->argv[0]) < 0)
        return cli_fail();
    host = cli_host(ctx);
    if (!host) {
        json_object_put(out);
        return CLI_FAIL;
    }
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
    if (out && r == CLI_OK)
        cli_print_json(out);
    else
        json_object_put(out);
    vrbd_cluster_entries_free(all, n);
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
