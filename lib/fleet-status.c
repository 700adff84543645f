/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fleet-status.c: every registered host probed at once, each bounded by
 * the timeout, and compared with the others: the pools one host has and
 * another lacks, pools without their secret, monitor lists that are not
 * the cluster's current ones.  A pool is the same on two hosts when it
 * names the same cluster (the fsid in its secret's usage) and Ceph pool.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "host-internal.h"
#include "internal.h"

struct probe {
    const vrbd_fleet_host *h;
    unsigned timeout_sec;
    pthread_t tid;
    /* results */
    vrbd_host *host;
    char *error;
    char *uuid;
    int running, defined;
    vrbd_host_rbd_pool *pools;
    size_t n_pools;
    vrbd_host_secret *secrets;
    size_t n_secrets;
};

static void
count_domains(vrbd_host *host, int *running, int *defined)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(vrbd_host_conn(host), &doms, 0);

    *running = *defined = n < 0 ? -1 : 0;
    for (int i = 0; i < n; i++) {
        if (virDomainIsActive(doms[i]) == 1)
            (*running)++;
        if (virDomainIsPersistent(doms[i]) == 1)
            (*defined)++;
        virDomainFree(doms[i]);
    }
    free(doms);
    virResetLastError();
}

static void *
probe_main(void *arg)
{
    struct probe *p = arg;

    if (vrbd_host_open_within(p->h->uri, p->timeout_sec, &p->host) < 0 ||
        vrbd_host_uuid(p->host, &p->uuid) < 0 ||
        vrbd_host_rbd_pool_list(p->host, &p->pools, &p->n_pools) < 0 ||
        vrbd_host_secret_list(p->host, &p->secrets, &p->n_secrets) < 0) {
        p->error = xstrdup(vrbd_error_last()->message);
        vrbd_error_clear(); /* a thread's error dies with it unfreed */
        return NULL;
    }
    count_domains(p->host, &p->running, &p->defined);
    return NULL;
}

static void
probe_clear(struct probe *p)
{
    vrbd_host_free(p->host);
    free(p->error);
    free(p->uuid);
    vrbd_host_rbd_pool_list_free(p->pools, p->n_pools);
    vrbd_host_secret_list_free(p->secrets, p->n_secrets);
}

static void
add_drift(vrbd_fleet_status *st, const char *kind, const char *pool,
          const char *cluster, char *detail)
{
    vrbd_fleet_drift *d;

    st->drift = xreallocarray(st->drift, st->n_drift + 1, sizeof(*st->drift));
    d = &st->drift[st->n_drift++];
    d->kind = xstrdup(kind);
    d->pool = pool ? xstrdup(pool) : NULL;
    d->cluster = cluster ? xstrdup(cluster) : NULL;
    d->detail = detail;
}

/* Whether two RBD pools are the same (cluster, Ceph pool, namespace). */
static bool
same_pool(const vrbd_host_rbd_pool *a, const vrbd_host_rbd_pool *b)
{
    if (a->fsid && b->fsid)
        return strcmp(a->fsid, b->fsid) == 0 && a->pool && b->pool &&
               strcmp(a->pool, b->pool) == 0 && !!a->nspace == !!b->nspace &&
               (!a->nspace || strcmp(a->nspace, b->nspace) == 0);
    return strcmp(a->name, b->name) == 0; /* without a secret: the name */
}

static bool
has_secret(const struct probe *p, const char *uuid)
{
    for (size_t i = 0; uuid && i < p->n_secrets; i++)
        if (strcmp(p->secrets[i].uuid, uuid) == 0)
            return true;
    return false;
}

/* The cluster's registered name for @fsid, borrowed from @cls, or @fsid. */
static const char *
cluster_of(const vrbd_cluster_entry *cls, size_t n, const char *fsid)
{
    for (size_t i = 0; fsid && i < n; i++)
        if (cls[i].fsid && strcmp(cls[i].fsid, fsid) == 0)
            return cls[i].name;
    return fsid;
}

/* The pools another host has and @p lacks or has inactive. */
static void
drift_pools(vrbd_fleet_status *st, const struct probe *p,
            const struct probe *all, size_t n, const vrbd_cluster_entry *cls,
            size_t n_cls)
{
    for (size_t o = 0; o < n; o++) {
        for (size_t k = 0; all[o].host && k < all[o].n_pools; k++) {
            const vrbd_host_rbd_pool *want = &all[o].pools[k];
            const vrbd_host_rbd_pool *got = NULL;
            bool seen = false;

            /* each pool once: at the first host that has it */
            for (size_t e = 0; e < o && !seen; e++)
                for (size_t j = 0; all[e].host && j < all[e].n_pools; j++)
                    seen = seen || same_pool(&all[e].pools[j], want);
            for (size_t j = 0; j < p->n_pools && !got; j++)
                if (same_pool(&p->pools[j], want))
                    got = &p->pools[j];
            if (seen || (got && got->active))
                continue;
            add_drift(st, got ? "inactive" : "pool", want->name,
                      cluster_of(cls, n_cls, want->fsid),
                      got ? xasprintf("pool '%s' is defined but not active",
                                      got->name)
                          : xasprintf("host '%s' has pool '%s', this one has "
                                      "not",
                                      all[o].h->name, want->name));
        }
    }
}

static bool
same_hosts(char **a, char **b)
{
    size_t na = 0, nb = 0;

    while (a && a[na])
        na++;
    while (b && b[nb])
        nb++;
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        bool found = false;

        for (size_t j = 0; j < nb && !found; j++)
            found = strcmp(a[i], b[j]) == 0;
        if (!found)
            return false;
    }
    return true;
}

/* The current monitors of the registered cluster @fsid, looked up once
 * per fsid in @cache; NULL when it is not registered or does not answer. */
struct mons {
    char *fsid;
    char **hosts;
};

static char **
current_mons(vrbd_registry *reg, const vrbd_cluster_entry *cls, size_t n_cls,
             const char *fsid, unsigned timeout_sec, struct mons **cache,
             size_t *n_cache)
{
    const char *name = cluster_of(cls, n_cls, fsid);
    vrbd_cluster *cl = NULL;
    size_t n = 0;
    char **hosts = NULL;

    for (size_t i = 0; i < *n_cache; i++)
        if (strcmp((*cache)[i].fsid, fsid) == 0)
            return (*cache)[i].hosts;
    if (name != fsid && vrbd_registry_connect(reg, name, timeout_sec, &cl) == 0)
        hosts = vrbd_cluster_mon_hosts(cl, &n);
    vrbd_cluster_free(cl);
    vrbd_error_clear();
    *cache = xreallocarray(*cache, *n_cache + 1, sizeof(**cache));
    (*cache)[*n_cache].fsid = xstrdup(fsid);
    (*cache)[(*n_cache)++].hosts = hosts;
    return hosts;
}

static void
drift_own(vrbd_fleet_status *st, const struct probe *p, vrbd_registry *reg,
          const vrbd_cluster_entry *cls, size_t n_cls, struct mons **cache,
          size_t *n_cache)
{
    if (p->h->uuid && strcmp(p->h->uuid, p->uuid) != 0)
        add_drift(st, "uuid", NULL, NULL,
                  xasprintf("host UUID is %s, registered as %s", p->uuid,
                            p->h->uuid));
    for (size_t j = 0; j < p->n_pools; j++) {
        const vrbd_host_rbd_pool *pl = &p->pools[j];
        const char *cluster = cluster_of(cls, n_cls, pl->fsid);
        char **mons;

        if (pl->secret_uuid && !has_secret(p, pl->secret_uuid))
            add_drift(st, "secret", pl->name, cluster,
                      xasprintf("secret %s of pool '%s' is missing",
                                pl->secret_uuid, pl->name));
        if (!pl->fsid)
            continue;
        mons = current_mons(reg, cls, n_cls, pl->fsid, p->timeout_sec, cache,
                            n_cache);
        if (mons && !same_hosts(mons, pl->hosts)) {
            CLEANUP_FREE char *want = vrbd_strv_join(mons, ",", SIZE_MAX);
            CLEANUP_FREE char *have = vrbd_strv_join(pl->hosts, ",", SIZE_MAX);

            add_drift(st, "monitors", pl->name, cluster,
                      xasprintf("pool '%s' lists monitors %s; the cluster's "
                                "are %s",
                                pl->name, have, want));
        }
    }
}

/* The clients of this host that vm recover fenced, and for which VMs. */
static void
drift_fenced(vrbd_fleet_status *st, vrbd_registry *reg)
{
    vrbd_fence_record *rec = NULL;
    CLEANUP_FREE char *doms = NULL;
    CLEANUP_FREE char *text = NULL;
    size_t n = 0;

    if (vrbd_fleet_fence_records(reg, st->name, &rec, &n) < 0 || n == 0) {
        vrbd_error_clear();
        vrbd_fence_record_list_free(rec, n);
        return;
    }
    doms = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *next;

        if (strstr(doms, rec[i].domain))
            continue;
        next = xasprintf("%s%s%s", doms, *doms ? ", " : "", rec[i].domain);
        free(doms);
        doms = next;
    }
    st->fenced = xstrdup(doms);
    text = xasprintf("%zu client(s) blocklisted when %s was recovered "
                     "elsewhere; once the host is rebooted: "
                     "'{prog}{vrbd_fleet_unfence} %s'",
                     n, doms, st->name);
    add_drift(st, "fenced", NULL, NULL, vrbd_words(text));
    vrbd_fence_record_list_free(rec, n);
}

static void
status_fill(vrbd_fleet_status *st, const struct probe *p)
{
    st->name = xstrdup(p->h->name);
    st->uri = xstrdup(p->h->uri);
    st->uuid = p->h->uuid ? xstrdup(p->h->uuid) : NULL;
    st->reachable = p->host != NULL;
    st->error = p->error ? xstrdup(p->error) : NULL;
    st->running = p->host ? p->running : -1;
    st->defined = p->host ? p->defined : -1;
}

int
vrbd_fleet_status_get(vrbd_registry *reg, unsigned timeout_sec,
                      vrbd_fleet_status **out, size_t *n_out)
{
    vrbd_fleet_host *hosts = NULL;
    vrbd_cluster_entry *cls = NULL;
    struct mons *cache = NULL;
    size_t n = 0, n_cls = 0, n_cache = 0;
    struct probe *probes;
    vrbd_fleet_status *res;

    if (vrbd_fleet_list(reg, &hosts, &n) < 0)
        return -1;
    if (vrbd_registry_list(reg, &cls, &n_cls) < 0)
        vrbd_error_clear(); /* no cluster names: fsids instead */
    probes = xcalloc(n + 1, sizeof(*probes));
    res = xcalloc(n + 1, sizeof(*res));
    for (size_t i = 0; i < n; i++) {
        probes[i].h = &hosts[i];
        probes[i].timeout_sec = timeout_sec;
        if (pthread_create(&probes[i].tid, NULL, probe_main, &probes[i]) != 0)
            probe_main(&probes[i]);
    }
    for (size_t i = 0; i < n; i++)
        if (probes[i].tid)
            pthread_join(probes[i].tid, NULL);
    for (size_t i = 0; i < n; i++) {
        status_fill(&res[i], &probes[i]);
        drift_fenced(&res[i], reg);
        if (!probes[i].host)
            continue;
        drift_own(&res[i], &probes[i], reg, cls, n_cls, &cache, &n_cache);
        drift_pools(&res[i], &probes[i], probes, n, cls, n_cls);
    }
    for (size_t i = 0; i < n_cache; i++) {
        free(cache[i].fsid);
        vrbd_strv_free(cache[i].hosts);
    }
    free(cache);
    for (size_t i = 0; i < n; i++)
        probe_clear(&probes[i]);
    free(probes);
    vrbd_cluster_entry_list_free(cls, n_cls);
    vrbd_fleet_host_list_free(hosts, n);
    *out = res;
    *n_out = n;
    return 0;
}

void
vrbd_fleet_status_list_free(vrbd_fleet_status *s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++) {
        free(s[i].name);
        free(s[i].uri);
        free(s[i].uuid);
        free(s[i].error);
        free(s[i].fenced);
        for (size_t k = 0; k < s[i].n_drift; k++) {
            free(s[i].drift[k].kind);
            free(s[i].drift[k].pool);
            free(s[i].drift[k].cluster);
            free(s[i].drift[k].detail);
        }
        free(s[i].drift);
    }
    free(s);
}
