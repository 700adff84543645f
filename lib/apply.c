/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply.c: make the state an apply file describes (apply-parse.c reads it)
 * true.  The plan asks the clusters and libvirt what exists and gives
 * each object one step: create, modify or nothing (delete only for an
 * object the file says is absent), in dependency order: clusters, pools,
 * users, host connections, images and their snapshots, VMs; deletions
 * last, in the reverse order.  Everything the run would refuse that can
 * be known beforehand (a PG count over the monitors' limit, a golden
 * image that is neither there nor made by the file) fails the plan, before
 * anything is changed.  Each step is the library call the single command
 * makes (vrbd_pool_create for 'pool create', ...), so a run again after a
 * failure finds what was done and goes on from there.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply-internal.h"
#include "host-internal.h"
#include "internal.h"

typedef struct ap_step ap_step;
typedef struct run_ctx run_ctx;

struct ap_step {
    vrbd_apply_step pub;
    char *name, *detail;
    int (*run)(run_ctx *r, ap_step *s);
    void *obj;
    char *arg; /* a snapshot's name, a disk's spec */
};

/* a cluster connected while planning, and what the plan adds to it */
struct ap_link {
    char *name;
    vrbd_cluster *cl;
    uint64_t planned_pgs; /* PGs x size of the pools the plan creates */
};

struct run_ctx {
    vrbd_apply *a;
    vrbd_registry *reg;
    vrbd_host *host;
    unsigned timeout_sec;
};

/* ---------------------------------------------------------------- helpers */

static int aerr(const vrbd_apply *a, ap_where at, const char *hint,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
aerr(const vrbd_apply *a, ap_where at, const char *hint, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = vrbd_apply_verror(a->path, at, hint, fmt, ap);
    va_end(ap);
    return r;
}

/* The thread's error, prefixed with where in the file its object is. */
static int
at_file(const vrbd_apply *a, ap_where at)
{
    const vrbd_error *e = vrbd_error_last();
    CLEANUP_FREE char *msg = xstrdup(e->message);
    CLEANUP_FREE char *hint = e->hint ? xstrdup(e->hint) : NULL;
    vrbd_error_code code = e->code;
    int errnum = e->errnum;

    return vrbd_error_set(code, errnum, hint, "%s:%u:%u: %s", a->path, at.line,
                          at.column, msg);
}

static ap_step *
add_step(vrbd_apply *a, vrbd_apply_action action, const char *kind, char *name,
         char *detail, int (*run)(run_ctx *, ap_step *), void *obj)
{
    ap_step *s;

    a->steps = xreallocarray(a->steps, a->n_steps + 1, sizeof(*a->steps));
    s = &a->steps[a->n_steps++];
    *s = (ap_step){.name = name, .detail = detail, .run = run, .obj = obj};
    s->pub = (vrbd_apply_step){action, kind, name, detail};
    return s;
}

static const ap_cluster *
file_cluster(const vrbd_apply *a, const char *name)
{
    for (size_t i = 0; i < a->n_clusters; i++)
        if (strcmp(a->clusters[i].name, name) == 0 && !a->clusters[i].absent)
            return &a->clusters[i];
    return NULL;
}

/* The connection to cluster @name: with the file's settings when it
 * describes it, else the registry's. */
static vrbd_cluster *
link_of(vrbd_apply *a, vrbd_registry *reg, const char *name, unsigned timeout,
        ap_where at)
{
    const ap_cluster *fc = file_cluster(a, name);
    struct ap_link *l;
    vrbd_cluster *cl = NULL;
    int r;

    for (size_t i = 0; i < a->n_links; i++)
        if (strcmp(a->links[i].name, name) == 0)
            return a->links[i].cl;
    if (fc) {
        vrbd_cluster_opts o = {.version = VRBD_CLUSTER_OPTS_VERSION,
                               .name = fc->name,
                               .conf_path = fc->conf,
                               .mon_host = fc->mon_host,
                               .user = fc->user,
                               .keyring = fc->keyring,
                               .timeout_sec = timeout};

        r = vrbd_cluster_connect(&o, &cl);
    } else {
        r = vrbd_registry_connect(reg, name, timeout, &cl);
    }
    if (r < 0 && fc) {
        CLEANUP_FREE char *msg = xstrdup(vrbd_error_last()->message);

        aerr(
            a, fc->at,
            "check conf, mon_host, user and keyring of this cluster in the file",
            "cluster '%s': %s", name, msg);
        return NULL;
    }
    if (r < 0) {
        at_file(a, at);
        return NULL;
    }
    a->links = xreallocarray(a->links, a->n_links + 1, sizeof(*a->links));
    l = &a->links[a->n_links++];
    *l = (struct ap_link){.name = xstrdup(name), .cl = cl};
    return cl;
}

static struct ap_link *
link_named(vrbd_apply *a, const char *name)
{
    for (size_t i = 0; i < a->n_links; i++)
        if (strcmp(a->links[i].name, name) == 0)
            return &a->links[i];
    return NULL;
}

/* Whether the file makes (present) pool @cluster:@pool. */
static bool
file_pool(const vrbd_apply *a, const char *cluster, const char *pool)
{
    for (size_t i = 0; i < a->n_pools; i++)
        if (!a->pools[i].absent && strcmp(a->pools[i].cluster, cluster) == 0 &&
            strcmp(a->pools[i].name, pool) == 0)
            return true;
    return false;
}

/* Whether pool @pool exists on @cl or the file makes it; 0, or -1 with
 * the error set at @at. */
static int
need_pool(vrbd_apply *a, vrbd_cluster *cl, const char *cluster,
          const char *pool, const char *who, ap_where at)
{
    vrbd_pool_info *pools = NULL;
    size_t n = 0;
    bool found = file_pool(a, cluster, pool);

    if (!found && vrbd_pool_list(cl, &pools, &n) < 0)
        return at_file(a, at);
    for (size_t i = 0; i < n && !found; i++)
        found = strcmp(pools[i].name, pool) == 0;
    vrbd_pool_info_list_free(pools, n);
    if (!found) {
        CLEANUP_FREE char *hint =
            xasprintf("add it under 'pools:' as %s:%s", cluster, pool);

        return aerr(
            a, at, hint,
            "%s: pool '%s:%s' does not exist and the file does not make it",
            who, cluster, pool);
    }
    return 0;
}

static char *
spec_text(const char *cluster, const char *pool, const char *image)
{
    return image ? xasprintf("%s:%s/%s", cluster, pool, image)
                 : xasprintf("%s:%s", cluster, pool);
}

/* ---------------------------------------------------------------- clusters */

static int
run_cluster(run_ctx *r, ap_step *s)
{
    const ap_cluster *c = s->obj;
    vrbd_cluster_entry e = {.name = c->name,
                            .conf_path = c->conf,
                            .mon_host = c->mon_host,
                            .user = c->user,
                            .keyring = c->keyring};

    if (s->pub.action == VRBD_APPLY_DELETE)
        return vrbd_registry_remove(r->reg, c->name, NULL);
    if (c->only_default)
        return vrbd_registry_set_default(r->reg, c->name);
    /* a modify writes the entry anew: what the file does not set (the
     * trash's keep time, being the default) is kept */
    e.trash_keep_sec = c->trash_keep_sec;
    if (s->pub.action == VRBD_APPLY_MODIFY &&
        vrbd_registry_remove(r->reg, c->name, NULL) < 0)
        return -1;
    if (vrbd_registry_add(r->reg, &e, r->timeout_sec, NULL) < 0)
        return -1;
    return c->is_default || c->was_default
               ? vrbd_registry_set_default(r->reg, c->name)
               : 0;
}

static bool
differs(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") != 0;
}

/* What differs between the file's @c and the registry's @e; NULL: none. */
static char *
cluster_changes(const ap_cluster *c, const vrbd_cluster_entry *e)
{
    char *out = NULL;
    const char *user = c->user ? c->user : "admin";
    struct {
        const char *what, *had, *wants;
    } f[] = {{"conf", e->conf_path, c->conf},
             {"mon_host", e->mon_host, c->mon_host},
             {"keyring", e->keyring, c->keyring},
             {"user", e->user ? e->user : "admin", user}};

    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        char *more;

        if (!differs(f[i].had, f[i].wants))
            continue;
        more = xasprintf("%s%s%s %s -> %s", out ? out : "", out ? ", " : "",
                         f[i].what, f[i].had ? f[i].had : "(none)",
                         f[i].wants ? f[i].wants : "(none)");
        free(out);
        out = more;
    }
    return out;
}

static int
plan_cluster(vrbd_apply *a, run_ctx *r, ap_cluster *c)
{
    vrbd_cluster_entry e = {0};
    int got = vrbd_registry_get(r->reg, c->name, &e);
    char *changes;

    if (got < 0 && vrbd_error_last()->code != VRBD_ERR_NOT_FOUND)
        return at_file(a, c->at);
    if (c->absent) {
        add_step(a, got == 0 ? VRBD_APPLY_DELETE : VRBD_APPLY_NOTHING,
                 "cluster", xstrdup(c->name),
                 xstrdup(got == 0 ? "forget it (the cluster is untouched)"
                                  : "not registered"),
                 got == 0 ? run_cluster : NULL, c);
        vrbd_cluster_entry_clear(&e);
        return 0;
    }
    /* the file's settings must reach it: known before anything changes */
    if (!link_of(a, r->reg, c->name, r->timeout_sec, c->at)) {
        vrbd_cluster_entry_clear(&e);
        return -1;
    }
    if (got < 0) {
        add_step(a, VRBD_APPLY_CREATE, "cluster", xstrdup(c->name),
                 xasprintf("register: %s %s, keyring %s",
                           c->conf ? "conf" : "mon_host",
                           c->conf ? c->conf : c->mon_host, c->keyring),
                 run_cluster, c);
        return 0;
    }
    changes = cluster_changes(c, &e);
    c->was_default = e.is_default;
    c->trash_keep_sec = e.trash_keep_sec;
    c->only_default = !changes && c->is_default && !e.is_default;
    if (c->only_default)
        changes = xstrdup("make it the default");
    add_step(a, changes ? VRBD_APPLY_MODIFY : VRBD_APPLY_NOTHING, "cluster",
             xstrdup(c->name), changes ? changes : xstrdup("registered"),
             changes ? run_cluster : NULL, c);
    vrbd_cluster_entry_clear(&e);
    return 0;
}

/* ---------------------------------------------------------------- pools */

static int
run_pool(run_ctx *r, ap_step *s)
{
    ap_pool *p = s->obj;
    vrbd_cluster *cl = link_named(r->a, p->cluster)->cl;
    vrbd_pool_create_opts o = {.version = VRBD_POOL_CREATE_OPTS_VERSION,
                               .pg_num = p->pg,
                               .size = p->size};
    bool created;

    if (s->pub.action == VRBD_APPLY_DELETE)
        return vrbd_pool_remove(cl, p->name);
    return vrbd_pool_create(cl, p->name, &o, &created, NULL);
}

/* The PG count for new pool @p: the file's, or the plan's with the pools
 * this apply creates before it counted; the monitors' limit checked. */
static int
plan_pg(vrbd_apply *a, struct ap_link *l, ap_pool *p)
{
    vrbd_pool_plan plan;
    unsigned pg;

    if (vrbd_pool_plan_get(l->cl, p->size, 0, &plan) < 0)
        return at_file(a, p->at);
    plan.used_pgs += l->planned_pgs;
    plan.largest_fit = 0;
    for (uint64_t f = 1; f <= 65536; f *= 2)
        if (plan.used_pgs + f * plan.size <= plan.max_pgs)
            plan.largest_fit = (unsigned)f;
    pg = p->pg;
    if (!pg)
        pg = plan.recommended < plan.largest_fit ? plan.recommended
                                                 : plan.largest_fit;
    if (vrbd_pool_plan_check(&plan, p->name, pg ? pg : plan.recommended) < 0) {
        CLEANUP_FREE char *msg = xstrdup(vrbd_error_last()->message);
        CLEANUP_FREE char *hint =
            plan.largest_fit ? xasprintf("the largest power of two that fits "
                                         "is %u (pg: %u, or pg: auto)",
                                         plan.largest_fit, plan.largest_fit)
                             : xstrdup(vrbd_error_last()->hint);

        return aerr(a, p->at, hint, "%s", msg);
    }
    p->pg = pg;
    p->size = plan.size;
    l->planned_pgs += (uint64_t)pg * plan.size;
    return 0;
}

/* Whether cluster @name is gone: the file says it is absent, or it is
 * neither described nor registered.  Objects to be absent there are. */
static bool
cluster_gone(const vrbd_apply *a, vrbd_registry *reg, const char *name)
{
    vrbd_cluster_entry e = {0};

    if (file_cluster(a, name))
        return false;
    for (size_t i = 0; i < a->n_clusters; i++)
        if (strcmp(a->clusters[i].name, name) == 0)
            return true;
    if (vrbd_registry_get(reg, name, &e) < 0)
        return true;
    vrbd_cluster_entry_clear(&e);
    return false;
}

/* An object to be absent on a cluster that is gone: nothing to do. */
static bool
gone_with_cluster(vrbd_apply *a, run_ctx *r, bool absent, const char *cluster,
                  const char *kind, char *name)
{
    if (!absent || !cluster_gone(a, r->reg, cluster)) {
        free(name);
        return false;
    }
    add_step(a, VRBD_APPLY_NOTHING, kind, name,
             xstrdup("absent (its cluster is not registered)"), NULL, NULL);
    return true;
}

static int
plan_pool(vrbd_apply *a, run_ctx *r, ap_pool *p)
{
    vrbd_cluster *cl;
    vrbd_pool_info *pools = NULL, *found = NULL;
    size_t n = 0;
    char *name;

    if (gone_with_cluster(a, r, p->absent, p->cluster, "pool",
                          spec_text(p->cluster, p->name, NULL)))
        return 0;
    cl = link_of(a, r->reg, p->cluster, r->timeout_sec, p->at);
    name = spec_text(p->cluster, p->name, NULL);

    if (!cl || vrbd_pool_list(cl, &pools, &n) < 0) {
        free(name);
        return cl ? at_file(a, p->at) : -1;
    }
    for (size_t i = 0; i < n && !found; i++)
        if (strcmp(pools[i].name, p->name) == 0)
            found = &pools[i];
    if (p->absent && found && (found->images > 0 || found->trashed > 0)) {
        vrbd_pool_info_list_free(pools, n);
        free(name);
        return aerr(
            a, p->at, "remove its images first, or leave it present",
            "pool '%s:%s' is to be absent but holds images: apply removes only an empty pool",
            p->cluster, p->name);
    }
    if (p->absent)
        add_step(a, found ? VRBD_APPLY_DELETE : VRBD_APPLY_NOTHING, "pool",
                 name, xstrdup(found ? "delete it (it is empty)" : "absent"),
                 found ? run_pool : NULL, p);
    else if (found)
        add_step(a, VRBD_APPLY_NOTHING, "pool", name,
                 p->pg && p->pg != found->pg_num
                     ? xasprintf("exists with pg_num %u (the file's %u is "
                                 "not applied to an existing pool)",
                                 found->pg_num, p->pg)
                     : xasprintf("exists, pg_num %u, size %u", found->pg_num,
                                 found->size),
                 NULL, p);
    vrbd_pool_info_list_free(pools, n);
    if (p->absent || found)
        return 0;
    if (plan_pg(a, link_named(a, p->cluster), p) < 0) {
        free(name);
        return -1;
    }
    add_step(a, VRBD_APPLY_CREATE, "pool", name,
             xasprintf("pg_num %u, size %u, rbd application", p->pg, p->size),
             run_pool, p);
    return 0;
}

/* ---------------------------------------------------------------- users */

/* Whether @caps (osd caps) name pool @pool. */
static bool
caps_name_pool(const char *caps, const char *pool)
{
    CLEANUP_FREE char *want = xasprintf("pool=%s", pool);
    size_t len = strlen(want);

    for (const char *p = caps ? strstr(caps, want) : NULL; p;
         p = strstr(p + 1, want))
        if (p[len] == '\0' || p[len] == ',' || p[len] == ' ')
            return true;
    return false;
}

/* The pools osd caps @caps name ("pool=P"), with @more not among them:
 * NULL-terminated, to free. */
static char **
caps_pools(const char *caps, char *const *more)
{
    char **v = xcalloc(1, sizeof(*v));
    size_t n = 0;

    for (const char *p = caps ? strstr(caps, "pool=") : NULL; p;
         p = strstr(p + 1, "pool=")) {
        v = xreallocarray(v, n + 2, sizeof(*v));
        v[n++] = xstrndup(p + 5, strcspn(p + 5, ", "));
        v[n] = NULL;
    }
    for (size_t i = 0; more[i]; i++) {
        bool have = false;

        for (size_t j = 0; j < n && !have; j++)
            have = strcmp(v[j], more[i]) == 0;
        if (have)
            continue;
        v = xreallocarray(v, n + 2, sizeof(*v));
        v[n++] = xstrdup(more[i]);
        v[n] = NULL;
    }
    return v;
}

static int
run_user(run_ctx *r, ap_step *s)
{
    ap_user *u = s->obj;
    vrbd_cluster *cl = link_named(r->a, u->cluster)->cl;
    size_t n = 0;
    bool created, updated;

    if (s->pub.action == VRBD_APPLY_DELETE)
        return vrbd_user_remove(cl, u->entity);
    while (u->pools[n])
        n++;
    if (s->pub.action == VRBD_APPLY_CREATE || u->rewrite) {
        char **pools = u->rewrite ? u->rewrite : u->pools;
        vrbd_user_create_opts o = {.version = VRBD_USER_CREATE_OPTS_VERSION,
                                   .pools = (const char *const *)pools,
                                   .read_only = u->read_only,
                                   .update_caps = u->rewrite != NULL};

        for (o.n_pools = 0; pools[o.n_pools];)
            o.n_pools++;

        return vrbd_user_create(cl, u->entity, &o, &created, &updated);
    }
    for (size_t i = 0; i < n; i++)
        if (vrbd_user_grant_pool(cl, u->entity, u->pools[i], &created,
                                 &updated) < 0)
            return -1;
    return 0;
}

static int
plan_user(vrbd_apply *a, run_ctx *r, ap_user *u)
{
    vrbd_cluster *cl;
    vrbd_user got = {0};
    char *name;
    char *missing = NULL;
    int g;

    vrbd_cleanup_strv(&u->rewrite);
    if (gone_with_cluster(a, r, u->absent, u->cluster, "user",
                          xasprintf("%s:%s", u->cluster, u->entity)))
        return 0;
    cl = link_of(a, r->reg, u->cluster, r->timeout_sec, u->at);
    name = xasprintf("%s:%s", u->cluster, u->entity);
    if (!cl) {
        free(name);
        return -1;
    }
    g = vrbd_user_get(cl, u->entity, &got);
    if (g < 0 && vrbd_error_last()->code != VRBD_ERR_NOT_FOUND) {
        free(name);
        return at_file(a, u->at);
    }
    if (u->absent) {
        add_step(a, g == 0 ? VRBD_APPLY_DELETE : VRBD_APPLY_NOTHING, "user",
                 name, xstrdup(g == 0 ? "delete it" : "absent"),
                 g == 0 ? run_user : NULL, u);
        vrbd_user_clear(&got);
        return 0;
    }
    for (size_t i = 0; u->pools[i]; i++) {
        char *more;

        if (need_pool(a, cl, u->cluster, u->pools[i], name, u->at) < 0) {
            free(missing);
            free(name);
            vrbd_user_clear(&got);
            return -1;
        }
        if (g == 0 &&
            (got.unrestricted || caps_name_pool(got.caps_osd, u->pools[i])))
            continue;
        more = xasprintf("%s%s%s", missing ? missing : "", missing ? ", " : "",
                         u->pools[i]);
        free(missing);
        missing = more;
    }
    if (g == 0 && !got.unrestricted &&
        (got.caps_osd && strstr(got.caps_osd, "rbd-read-only")) !=
            u->read_only) {
        /* the other profile: its caps are written anew, every pool they
         * name kept, with the file's */
        u->rewrite = caps_pools(got.caps_osd, u->pools);
        free(missing);
        missing = xasprintf("make its caps %s",
                            u->read_only ? "read-only" : "read-write");
    } else if (g == 0 && missing && u->read_only) {
        /* grant_pool keeps to 'profile rbd': read-only caps are rewritten */
        u->rewrite = caps_pools(got.caps_osd, u->pools);
    }
    vrbd_user_clear(&got);
    if (g < 0)
        add_step(a, VRBD_APPLY_CREATE, "user", name,
                 xasprintf("%scaps for pools %s",
                           u->read_only ? "read-only " : "", missing),
                 run_user, u);
    else
        add_step(a, missing ? VRBD_APPLY_MODIFY : VRBD_APPLY_NOTHING, "user",
                 name,
                 !missing ? xstrdup("its caps name every pool")
                 : strncmp(missing, "make ", 5) == 0
                     ? xstrdup(missing)
                     : xasprintf("add pools %s to its caps", missing),
                 missing ? run_user : NULL, u);
    free(missing);
    return 0;
}

/* ---------------------------------------------------------------- hosts */

/* The libvirt of @k's host: this host's, or a registered fleet host's
 * (opened once, within the timeout). */
static vrbd_host *
host_of(run_ctx *r, const ap_conn *k)
{
    vrbd_apply *a = r->a;
    vrbd_fleet_host fh = {0};
    vrbd_host *h = NULL;

    if (strcmp(k->host, "this") == 0) {
        if (!r->host)
            aerr(a, k->at, NULL, "host 'this': libvirt is not open");
        return r->host;
    }
    for (size_t i = 0; i < a->n_hosts; i++)
        if (strcmp(a->hosts[i].name, k->host) == 0)
            return a->hosts[i].host;
    if (vrbd_fleet_get(r->reg, k->host, &fh) < 0 ||
        vrbd_host_open_within(fh.uri, r->timeout_sec, &h) < 0) {
        vrbd_fleet_host_clear(&fh);
        at_file(a, k->at);
        return NULL;
    }
    vrbd_fleet_host_clear(&fh);
    a->hosts = xreallocarray(a->hosts, a->n_hosts + 1, sizeof(*a->hosts));
    a->hosts[a->n_hosts].name = xstrdup(k->host);
    a->hosts[a->n_hosts++].host = h;
    return h;
}

static int
run_conn(run_ctx *r, ap_step *s)
{
    ap_conn *k = s->obj;
    vrbd_host_connect_opts o = {.version = VRBD_HOST_CONNECT_OPTS_VERSION,
                                .pool = k->pool,
                                .entity = k->user};
    vrbd_host_connect_result res;
    vrbd_host *host = host_of(r, k);

    return host ? vrbd_host_connect(host, link_named(r->a, k->cluster)->cl, &o,
                                    &res)
                : -1;
}

static int
plan_conn(vrbd_apply *a, run_ctx *r, ap_conn *k)
{
    vrbd_host *host = host_of(r, k);
    vrbd_cluster *cl =
        host ? link_of(a, r->reg, k->cluster, r->timeout_sec, k->at) : NULL;
    vrbd_host_rbd_pool *lp = NULL;
    size_t n = 0;
    const vrbd_host_rbd_pool *found = NULL;
    char *name, *who;

    if (!cl)
        return -1;
    who = xasprintf("host '%s'", k->host);
    if (need_pool(a, cl, k->cluster, k->pool, who, k->at) < 0) {
        free(who);
        return -1;
    }
    free(who);
    if (vrbd_host_rbd_pool_list(host, &lp, &n) < 0)
        return at_file(a, k->at);
    for (size_t i = 0; i < n && !found; i++)
        if (lp[i].fsid && strcmp(lp[i].fsid, vrbd_cluster_fsid(cl)) == 0 &&
            strcmp(lp[i].pool, k->pool) == 0 && !lp[i].nspace)
            found = &lp[i];
    name = xasprintf("%s -> %s:%s", k->host, k->cluster, k->pool);
    if (!found)
        add_step(a, VRBD_APPLY_CREATE, "connection", name,
                 xasprintf("user %s, its key in a libvirt secret, an RBD "
                           "pool",
                           k->user ? k->user : "client.libvirt"),
                 run_conn, k);
    else
        add_step(a, found->active ? VRBD_APPLY_NOTHING : VRBD_APPLY_MODIFY,
                 "connection", name,
                 xasprintf("libvirt pool '%s'%s", found->name,
                           found->active ? ", active" : ": start it"),
                 found->active ? NULL : run_conn, k);
    vrbd_host_rbd_pool_list_free(lp, n);
    return 0;
}

/* ---------------------------------------------------------------- images */

static int
run_image(run_ctx *r, ap_step *s)
{
    ap_image *im = s->obj;
    vrbd_cluster *cl = link_named(r->a, im->cluster)->cl;
    vrbd_spec spec = {.pool = im->pool, .image = im->name, .snap = s->arg};

    if (s->arg)
        return vrbd_snap_create(cl, &spec);
    if (s->pub.action == VRBD_APPLY_DELETE) {
        vrbd_remove_opts o = {
            .version = VRBD_REMOVE_OPTS_VERSION, .trash = true, .by = "apply"};

        return vrbd_volume_remove(r->host, cl, &spec, &o);
    }
    if (im->import) {
        vrbd_copy_opts o = {.version = VRBD_COPY_OPTS_VERSION,
                            .timeout_sec = r->timeout_sec};
        vrbd_copy_stats st;

        return vrbd_import_file(cl, im->import, &spec, &o, &st);
    }
    {
        vrbd_volume_create_opts o = {.version = VRBD_VOLUME_CREATE_OPTS_VERSION,
                                     .size = im->size};

        return vrbd_volume_create(cl, &spec, &o);
    }
}

static int
plan_image(vrbd_apply *a, run_ctx *r, ap_image *im)
{
    vrbd_cluster *cl;
    vrbd_spec spec = {.pool = im->pool, .image = im->name};
    vrbd_volume_info *info = NULL;
    char *name;
    int g;

    if (gone_with_cluster(a, r, im->absent, im->cluster, "image",
                          spec_text(im->cluster, im->pool, im->name)))
        return 0;
    cl = link_of(a, r->reg, im->cluster, r->timeout_sec, im->at);
    name = spec_text(im->cluster, im->pool, im->name);

    if (!cl || (!im->absent &&
                need_pool(a, cl, im->cluster, im->pool, name, im->at) < 0)) {
        free(name);
        return -1;
    }
    g = vrbd_volume_info_get(cl, &spec, &info);
    if (g < 0 && vrbd_error_last()->code != VRBD_ERR_NOT_FOUND) {
        free(name);
        return at_file(a, im->at);
    }
    if (im->absent)
        add_step(a, g == 0 ? VRBD_APPLY_DELETE : VRBD_APPLY_NOTHING, "image",
                 name, xstrdup(g == 0 ? "to the trash" : "absent"),
                 g == 0 ? run_image : NULL, im);
    else if (g == 0)
        add_step(
            a, VRBD_APPLY_NOTHING, "image", name,
            xasprintf("exists, %llu bytes", (unsigned long long)info->size),
            NULL, im);
    else
        add_step(a, VRBD_APPLY_CREATE, "image", name,
                 im->import ? xasprintf("import %s", im->import)
                            : xasprintf("empty, %llu bytes",
                                        (unsigned long long)im->size),
                 run_image, im);
    for (size_t i = 0; !im->absent && im->snapshots && im->snapshots[i]; i++) {
        bool has = false;
        ap_step *s;

        for (size_t j = 0; g == 0 && j < info->n_snaps && !has; j++)
            has = strcmp(info->snaps[j].name, im->snapshots[i]) == 0;
        s = add_step(a, has ? VRBD_APPLY_NOTHING : VRBD_APPLY_CREATE,
                     "snapshot", xasprintf("%s@%s", name, im->snapshots[i]),
                     xstrdup(has ? "exists" : "snapshot the image"),
                     has ? NULL : run_image, im);
        s->arg = xstrdup(im->snapshots[i]);
    }
    vrbd_volume_info_free(info);
    return 0;
}

/* Whether image @text (CLUSTER:POOL/IMAGE[@SNAP]) exists or the file
 * makes it (with that snapshot). */
static int
need_image(vrbd_apply *a, run_ctx *r, const char *text, const char *who,
           ap_where at)
{
    vrbd_spec s = {0};
    vrbd_volume_info *info = NULL;
    vrbd_cluster *cl;
    int g;

    if (vrbd_spec_parse(text, VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_OK, &s) < 0)
        return at_file(a, at);
    for (size_t i = 0; i < a->n_images; i++) {
        const ap_image *im = &a->images[i];
        bool snap = !s.snap;

        for (size_t j = 0; !snap && im->snapshots && im->snapshots[j]; j++)
            snap = strcmp(im->snapshots[j], s.snap) == 0;
        if (!im->absent && snap && strcmp(im->cluster, s.cluster) == 0 &&
            strcmp(im->pool, s.pool) == 0 && strcmp(im->name, s.image) == 0) {
            vrbd_spec_clear(&s);
            return 0;
        }
    }
    cl = link_of(a, r->reg, s.cluster, r->timeout_sec, at);
    g = cl ? vrbd_volume_info_get(cl, &s, &info) : -1;
    vrbd_volume_info_free(info);
    vrbd_spec_clear(&s);
    if (!cl)
        return -1;
    if (g < 0 && vrbd_error_last()->code == VRBD_ERR_NOT_FOUND)
        return aerr(a, at, "add it under 'images:' (with its snapshot)",
                    "%s: '%s' does not exist and the file does not make it",
                    who, text);
    return g < 0 ? at_file(a, at) : 0;
}

/* ---------------------------------------------------------------- vms */

/* The domain @name: NULL when there is none (error cleared). */
static virDomainPtr
domain(vrbd_host *host, const char *name)
{
    virDomainPtr d = virDomainLookupByName(vrbd_host_conn(host), name);

    if (!d)
        virResetLastError();
    return d;
}

static int
start_vm(run_ctx *r, const char *name)
{
    virDomainPtr d = domain(r->host, name);
    int ret = 0;

    if (!d)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, 0, NULL,
                              "domain '%s' vanished", name);
    if (virDomainIsActive(d) != 1 && virDomainCreate(d) < 0)
        ret = vrbd_error_libvirt(NULL, "cannot start domain '%s'", name);
    virDomainFree(d);
    return ret;
}

static int
attach(run_ctx *r, const char *vm, const char *text)
{
    vrbd_spec s = {0};
    vrbd_attach_opts o = {.version = VRBD_ATTACH_OPTS_VERSION};
    CLEANUP_FREE char *target = NULL;
    int ret;

    if (vrbd_spec_parse(text, VRBD_SPEC_IMAGE, &s) < 0)
        return -1;
    ret = vrbd_vm_disk_attach(r->host, link_named(r->a, s.cluster)->cl, vm, &s,
                              &o, &target);
    vrbd_spec_clear(&s);
    return ret;
}

static int
create_vm(run_ctx *r, const ap_vm *v)
{
    vrbd_spec from = {0}, pool = {0};
    vrbd_vm_create_opts o = {.version = VRBD_VM_CREATE_OPTS_VERSION,
                             .size = v->size,
                             .memory_mib = v->memory_mib,
                             .vcpus = v->vcpus,
                             .network = v->network,
                             .kernel = v->kernel,
                             .initrd = v->initrd,
                             .cmdline = v->cmdline,
                             .console_log = v->console_log};
    const char *cluster;
    int ret;

    if (v->from) {
        if (vrbd_spec_parse(v->from, VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_NEED,
                            &from) < 0)
            return -1;
        o.from = &from;
        cluster = from.cluster;
    } else {
        if (vrbd_spec_parse(v->pool, VRBD_SPEC_POOL, &pool) < 0)
            return -1;
        o.pool = pool.pool;
        cluster = pool.cluster;
    }
    ret = vrbd_vm_create(r->host, link_named(r->a, cluster)->cl, v->name, &o);
    vrbd_spec_clear(&from);
    vrbd_spec_clear(&pool);
    return ret;
}

/* Whether @disk is image @text (CLUSTER:POOL/IMAGE): the same pool and
 * image on a cluster of the same fsid. */
static bool
disk_is(run_ctx *r, const vrbd_vm_disk *disk, const char *text, ap_where at)
{
    vrbd_spec s = {0};
    vrbd_cluster *cl;
    CLEANUP_FREE char *source = NULL;
    bool same;

    if (!disk->rbd || !disk->fsid ||
        vrbd_spec_parse(text, VRBD_SPEC_IMAGE, &s) < 0)
        return false;
    cl = link_of(r->a, r->reg, s.cluster, r->timeout_sec, at);
    source = s.nspace ? xasprintf("%s/%s/%s", s.pool, s.nspace, s.image)
                      : xasprintf("%s/%s", s.pool, s.image);
    same = cl && strcmp(vrbd_cluster_fsid(cl), disk->fsid) == 0 &&
           strcmp(disk->source, source) == 0;
    vrbd_spec_clear(&s);
    return same;
}

static int
run_vm(run_ctx *r, ap_step *s)
{
    ap_vm *v = s->obj;

    if (s->pub.action == VRBD_APPLY_DELETE) {
        vrbd_vm_remove_opts o = {.version = VRBD_VM_REMOVE_OPTS_VERSION,
                                 .timeout_sec = r->timeout_sec};

        return vrbd_vm_remove(r->host, r->reg, v->name, &o);
    }
    if (s->pub.action == VRBD_APPLY_CREATE && create_vm(r, v) < 0)
        return -1;
    for (size_t i = 0; v->disks && v->disks[i]; i++) {
        bool attached = false;
        vrbd_vm_disk *disks = NULL;
        size_t n = 0;

        if (vrbd_vm_disk_list(r->host, v->name, &disks, &n) < 0)
            return -1;
        for (size_t j = 0; j < n && !attached; j++)
            attached = disk_is(r, &disks[j], v->disks[i], v->at);
        vrbd_vm_disk_list_free(disks, n);
        if (!attached && attach(r, v->name, v->disks[i]) < 0)
            return -1;
    }
    return v->started ? start_vm(r, v->name) : 0;
}

/* The disks of @v not attached to its domain, comma-separated; NULL: none */
static char *
missing_disks(run_ctx *r, const ap_vm *v, int *err)
{
    vrbd_vm_disk *disks = NULL;
    size_t n = 0;
    char *out = NULL;

    *err = 0;
    if (vrbd_vm_disk_list(r->host, v->name, &disks, &n) < 0) {
        *err = -1;
        return NULL;
    }
    for (size_t i = 0; v->disks && v->disks[i]; i++) {
        bool attached = false;
        char *more;

        for (size_t j = 0; j < n && !attached; j++)
            attached = disk_is(r, &disks[j], v->disks[i], v->at);
        if (attached)
            continue;
        more =
            xasprintf("%s%s%s", out ? out : "", out ? ", " : "", v->disks[i]);
        free(out);
        out = more;
    }
    vrbd_vm_disk_list_free(disks, n);
    return out;
}

static int
plan_existing_vm(vrbd_apply *a, run_ctx *r, ap_vm *v, virDomainPtr d)
{
    bool active = virDomainIsActive(d) == 1;
    int err;
    CLEANUP_FREE char *missing = NULL;
    CLEANUP_FREE char *who = xasprintf("vm '%s'", v->name);
    char *detail;

    for (size_t i = 0; v->disks && v->disks[i]; i++)
        if (need_image(a, r, v->disks[i], who, v->at) < 0)
            return -1;
    missing = missing_disks(r, v, &err);
    if (err < 0)
        return at_file(a, v->at);
    if (missing && v->started && !active)
        detail = xasprintf("attach %s, then start it", missing);
    else if (missing)
        detail = xasprintf("attach %s", missing);
    else if (v->started && !active)
        detail = xstrdup("start it");
    else
        detail = xstrdup(active ? "defined, running" : "defined, not running");
    add_step(a,
             missing || (v->started && !active) ? VRBD_APPLY_MODIFY
                                                : VRBD_APPLY_NOTHING,
             "vm", xstrdup(v->name), detail,
             missing || (v->started && !active) ? run_vm : NULL, v);
    return 0;
}

/* An empty-disk VM's pool: it exists or the file makes it. */
static int
need_vm_pool(vrbd_apply *a, run_ctx *r, const ap_vm *v, const char *who)
{
    vrbd_spec s = {0};
    vrbd_cluster *cl;
    int ret;

    if (vrbd_spec_parse(v->pool, VRBD_SPEC_POOL, &s) < 0)
        return at_file(a, v->at);
    cl = link_of(a, r->reg, s.cluster, r->timeout_sec, v->at);
    ret = cl ? need_pool(a, cl, s.cluster, s.pool, who, v->at) : -1;
    vrbd_spec_clear(&s);
    return ret;
}

static int
plan_vm(vrbd_apply *a, run_ctx *r, ap_vm *v)
{
    virDomainPtr d;
    CLEANUP_FREE char *who = xasprintf("vm '%s'", v->name);
    int ret = 0;

    if (!r->host)
        return aerr(a, v->at, NULL, "%s: libvirt is not open", who);
    d = domain(r->host, v->name);
    if (v->absent) {
        if (d && virDomainIsActive(d) == 1)
            ret = aerr(a, v->at, "shut it down first, or leave it present",
                       "%s is to be absent but is running", who);
        else
            add_step(a, d ? VRBD_APPLY_DELETE : VRBD_APPLY_NOTHING, "vm",
                     xstrdup(v->name),
                     xstrdup(d ? "undefine it (its disks are left)" : "absent"),
                     d ? run_vm : NULL, v);
    } else if (d) {
        ret = plan_existing_vm(a, r, v, d);
    }
    if (d)
        virDomainFree(d);
    if (v->absent || d || ret < 0)
        return ret;
    if (v->from ? need_image(a, r, v->from, who, v->at) < 0
                : need_vm_pool(a, r, v, who) < 0)
        return -1;
    for (size_t i = 0; v->disks && v->disks[i]; i++)
        if (need_image(a, r, v->disks[i], who, v->at) < 0)
            return -1;
    add_step(a, VRBD_APPLY_CREATE, "vm", xstrdup(v->name),
             xasprintf("%s %s, %u MiB, %u vCPU%s%s%s%s",
                       v->from ? "clone of" : "empty disk in",
                       v->from ? v->from : v->pool,
                       v->memory_mib ? v->memory_mib : 1024,
                       v->vcpus ? v->vcpus : 1, v->disks ? ", disks " : "",
                       v->disks ? v->disks[0] : "",
                       v->disks && v->disks[1] ? ", ..." : "",
                       v->started ? ", started" : ""),
             run_vm, v);
    return 0;
}

/* ---------------------------------------------------------------- API */

void
vrbd_apply_model_clear(vrbd_apply *a)
{
    for (size_t i = 0; i < a->n_clusters; i++) {
        ap_cluster *c = &a->clusters[i];

        free(c->name), free(c->conf), free(c->mon_host), free(c->keyring);
        free(c->user);
    }
    for (size_t i = 0; i < a->n_pools; i++)
        free(a->pools[i].cluster), free(a->pools[i].name);
    for (size_t i = 0; i < a->n_users; i++) {
        free(a->users[i].cluster), free(a->users[i].entity);
        vrbd_cleanup_strv(&a->users[i].pools);
        vrbd_cleanup_strv(&a->users[i].rewrite);
    }
    for (size_t i = 0; i < a->n_conns; i++) {
        free(a->conns[i].host), free(a->conns[i].cluster);
        free(a->conns[i].pool), free(a->conns[i].user);
    }
    for (size_t i = 0; i < a->n_images; i++) {
        ap_image *im = &a->images[i];

        free(im->cluster), free(im->pool), free(im->name), free(im->import);
        vrbd_cleanup_strv(&im->snapshots);
    }
    for (size_t i = 0; i < a->n_vms; i++) {
        ap_vm *v = &a->vms[i];

        free(v->name), free(v->from), free(v->pool), free(v->network);
        free(v->kernel), free(v->initrd), free(v->cmdline);
        free(v->console_log);
        vrbd_cleanup_strv(&v->disks);
    }
    free(a->clusters), free(a->pools), free(a->users), free(a->conns);
    free(a->images), free(a->vms), free(a->path);
}

static void
plan_clear(vrbd_apply *a)
{
    for (size_t i = 0; i < a->n_steps; i++)
        free(a->steps[i].name), free(a->steps[i].detail), free(a->steps[i].arg);
    free(a->steps);
    a->steps = NULL;
    a->n_steps = 0;
}

void
vrbd_apply_free(vrbd_apply *a)
{
    if (!a)
        return;
    plan_clear(a);
    for (size_t i = 0; i < a->n_links; i++) {
        vrbd_cluster_free(a->links[i].cl);
        free(a->links[i].name);
    }
    free(a->links);
    for (size_t i = 0; i < a->n_hosts; i++) {
        vrbd_host_free(a->hosts[i].host);
        free(a->hosts[i].name);
    }
    free(a->hosts);
    vrbd_apply_model_clear(a);
    free(a);
}

/* Cluster @cluster (of a present object at @at, or of one to be absent)
 * is in the file, present, or in @reg. */
static int
check_ref(vrbd_apply *a, vrbd_registry *reg, const char *cluster, ap_where at,
          bool absent)
{
    vrbd_cluster_entry e = {0};
    CLEANUP_FREE char *hint = NULL;

    if (absent || file_cluster(a, cluster))
        return 0;
    for (size_t i = 0; i < a->n_clusters; i++)
        if (strcmp(a->clusters[i].name, cluster) == 0)
            return aerr(a, at,
                        "leave the cluster present, or make this absent too",
                        "this uses cluster '%s', which the file says is absent",
                        cluster);
    if (vrbd_registry_get(reg, cluster, &e) == 0) {
        vrbd_cluster_entry_clear(&e);
        return 0;
    }
    if (vrbd_error_last()->code != VRBD_ERR_NOT_FOUND)
        return at_file(a, at);
    hint = xasprintf("describe it under 'clusters:' (conf or mon_host, and "
                     "keyring), or register it: {prog}{vrbd_registry_add} "
                     "%s ...",
                     cluster);
    return aerr(a, at, hint,
                "cluster '%s' is neither in the file nor registered", cluster);
}

/* A present object using pool @cluster:@pool that the file says is
 * absent is refused. */
static int
check_pool_ref(vrbd_apply *a, const char *cluster, const char *pool,
               ap_where at)
{
    for (size_t i = 0; i < a->n_pools; i++)
        if (a->pools[i].absent && strcmp(a->pools[i].cluster, cluster) == 0 &&
            strcmp(a->pools[i].name, pool) == 0)
            return aerr(a, at,
                        "leave the pool present, or make this absent too",
                        "this uses pool '%s:%s', which the file says is absent",
                        cluster, pool);
    return 0;
}

/* A spec's cluster and pool, as check_ref and check_pool_ref want them. */
static int
check_spec_ref(vrbd_apply *a, vrbd_registry *reg, const char *text, ap_where at)
{
    vrbd_spec s = {0};
    int r;

    if (vrbd_spec_parse(
            text, VRBD_SPEC_POOL | VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_OK, &s) < 0)
        return at_file(a, at);
    r = s.cluster ? check_ref(a, reg, s.cluster, at, false) : 0;
    if (r == 0 && s.cluster)
        r = check_pool_ref(a, s.cluster, s.pool, at);
    vrbd_spec_clear(&s);
    return r;
}

/* Every cluster an object names is in the file or in @reg; no present
 * object uses a cluster or pool the file says is absent. */
static int
check_clusters(vrbd_apply *a, vrbd_registry *reg)
{
    for (size_t i = 0; i < a->n_pools; i++)
        if (check_ref(a, reg, a->pools[i].cluster, a->pools[i].at,
                      a->pools[i].absent) < 0)
            return -1;
    for (size_t i = 0; i < a->n_users; i++) {
        ap_user *u = &a->users[i];

        if (check_ref(a, reg, u->cluster, u->at, u->absent) < 0)
            return -1;
        for (size_t j = 0; !u->absent && u->pools && u->pools[j]; j++)
            if (check_pool_ref(a, u->cluster, u->pools[j], u->at) < 0)
                return -1;
    }
    for (size_t i = 0; i < a->n_conns; i++)
        if (check_ref(a, reg, a->conns[i].cluster, a->conns[i].at, false) < 0 ||
            check_pool_ref(a, a->conns[i].cluster, a->conns[i].pool,
                           a->conns[i].at) < 0)
            return -1;
    for (size_t i = 0; i < a->n_images; i++) {
        ap_image *im = &a->images[i];

        if (check_ref(a, reg, im->cluster, im->at, im->absent) < 0 ||
            (!im->absent &&
             check_pool_ref(a, im->cluster, im->pool, im->at) < 0))
            return -1;
    }
    for (size_t i = 0; i < a->n_vms; i++) {
        ap_vm *v = &a->vms[i];

        if (v->absent)
            continue;
        if ((v->from && check_spec_ref(a, reg, v->from, v->at) < 0) ||
            (v->pool && check_spec_ref(a, reg, v->pool, v->at) < 0))
            return -1;
        for (size_t j = 0; v->disks && v->disks[j]; j++)
            if (check_spec_ref(a, reg, v->disks[j], v->at) < 0)
                return -1;
    }
    return 0;
}

int
vrbd_apply_load(const char *path, vrbd_registry *reg, vrbd_apply **out)
{
    vrbd_apply *a = xcalloc(1, sizeof(*a));

    if (vrbd_apply_parse(path, a) < 0 || check_clusters(a, reg) < 0) {
        vrbd_apply_free(a);
        return -1;
    }
    *out = a;
    return 0;
}

bool
vrbd_apply_needs_host(const vrbd_apply *a)
{
    for (size_t i = 0; i < a->n_conns; i++)
        if (strcmp(a->conns[i].host, "this") == 0)
            return true;
    /* an image removed is checked for domains using it first */
    for (size_t i = 0; i < a->n_images; i++)
        if (a->images[i].absent)
            return true;
    return a->n_vms > 0;
}

/* Deletions go last, in the reverse order of creation. */
static void
order_steps(vrbd_apply *a)
{
    ap_step *sorted = xcalloc(a->n_steps ? a->n_steps : 1, sizeof(*sorted));
    size_t k = 0;

    for (size_t i = 0; i < a->n_steps; i++)
        if (a->steps[i].pub.action != VRBD_APPLY_DELETE)
            sorted[k++] = a->steps[i];
    for (size_t i = a->n_steps; i-- > 0;)
        if (a->steps[i].pub.action == VRBD_APPLY_DELETE)
            sorted[k++] = a->steps[i];
    free(a->steps);
    a->steps = sorted;
}

int
vrbd_apply_plan(vrbd_apply *a, vrbd_registry *reg, vrbd_host *host,
                unsigned timeout_sec)
{
    run_ctx r = {a, reg, host, timeout_sec};

    plan_clear(a);
    for (size_t i = 0; i < a->n_links; i++)
        a->links[i].planned_pgs = 0;
    for (size_t i = 0; i < a->n_clusters; i++)
        if (plan_cluster(a, &r, &a->clusters[i]) < 0)
            return -1;
    for (size_t i = 0; i < a->n_pools; i++)
        if (plan_pool(a, &r, &a->pools[i]) < 0)
            return -1;
    for (size_t i = 0; i < a->n_users; i++)
        if (plan_user(a, &r, &a->users[i]) < 0)
            return -1;
    for (size_t i = 0; i < a->n_conns; i++)
        if (plan_conn(a, &r, &a->conns[i]) < 0)
            return -1;
    for (size_t i = 0; i < a->n_images; i++)
        if (plan_image(a, &r, &a->images[i]) < 0)
            return -1;
    for (size_t i = 0; i < a->n_vms; i++)
        if (plan_vm(a, &r, &a->vms[i]) < 0)
            return -1;
    order_steps(a);
    return 0;
}

size_t
vrbd_apply_step_count(const vrbd_apply *a)
{
    return a->n_steps;
}

const vrbd_apply_step *
vrbd_apply_step_at(const vrbd_apply *a, size_t i)
{
    return i < a->n_steps ? &a->steps[i].pub : NULL;
}

int
vrbd_apply_run(vrbd_apply *a, vrbd_registry *reg, vrbd_host *host,
               unsigned timeout_sec, vrbd_apply_progress_fn fn, void *opaque,
               size_t *failed_at)
{
    run_ctx r = {a, reg, host, timeout_sec};

    for (size_t i = 0; i < a->n_steps; i++) {
        ap_step *s = &a->steps[i];
        int ret;

        if (!s->run)
            continue;
        if (fn)
            fn(&s->pub, i, a->n_steps, false, opaque);
        ret = s->run(&r, s);
        if (ret < 0) {
            if (failed_at)
                *failed_at = i;
            return -1;
        }
        if (fn)
            fn(&s->pub, i, a->n_steps, true, opaque);
    }
    return 0;
}
