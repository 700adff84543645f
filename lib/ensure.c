/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ensure.c: keeping RBD pools alive across boots.  libvirt autostarts a
 * pool once, when libvirtd starts; if Ceph is not up yet the pool stays
 * inactive for good.  vrbd_host_ensure() waits for each cluster (bounded,
 * with backoff), then starts what libvirt gave up on, and optionally the
 * autostart domains whose disks live there.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host-internal.h"
#include "clock.h"
#include "internal.h"
#include "virt.h"

static void
nap(double seconds)
{
    if (seconds > 0)
        usleep((useconds_t)(seconds * 1e6));
}

/* The registry entry with @fsid, into @out; false when none. */
static bool
entry_for(vrbd_registry *reg, const char *fsid, vrbd_cluster_entry *out)
{
    vrbd_cluster_entry *all = NULL;
    size_t n = 0;
    bool found = false;

    if (!reg || !fsid || vrbd_registry_list(reg, &all, &n) < 0) {
        vrbd_error_clear();
        return false;
    }
    for (size_t i = 0; i < n && !found; i++)
        if (all[i].fsid && strcmp(all[i].fsid, fsid) == 0) {
            *out = all[i];
            memset(&all[i], 0, sizeof(all[i]));
            found = true;
        }
    vrbd_cluster_entry_list_free(all, n);
    return found;
}

/* Whether the cluster answers within @timeout seconds. */
static bool
probe(const vrbd_cluster_entry *e, unsigned timeout)
{
    vrbd_cluster_opts o = vrbd_cluster_entry_opts(e, timeout ? timeout : 1);
    vrbd_cluster *cl = NULL;

    if (vrbd_cluster_connect(&o, &cl) < 0) {
        vrbd_debug("cluster '%s' not reachable yet: %s", e->name,
                   vrbd_error_last()->message);
        return false;
    }
    vrbd_cluster_free(cl);
    return true;
}

static void
add_item(vrbd_ensure_item **items, size_t *n, const char *name,
         const char *cluster, bool is_domain, vrbd_ensure_state state,
         double seconds, const char *message)
{
    vrbd_ensure_item *it;

    *items = xreallocarray(*items, *n + 1, sizeof(**items));
    it = &(*items)[(*n)++];
    it->name = xstrdup(name);
    it->cluster = cluster ? xstrdup(cluster) : NULL;
    it->is_domain = is_domain;
    it->state = state;
    it->seconds = seconds;
    it->message = message ? xstrdup(message) : NULL;
}

/* Start libvirt pool @name, retrying until @deadline. */
static bool
start_pool(virConnectPtr conn, const char *name, double deadline, char **why)
{
    double backoff = 1;

    for (;;) {
        virStoragePoolPtr p = virStoragePoolLookupByName(conn, name);
        int r = -1;

        if (p) {
            r = virStoragePoolIsActive(p) == 1 ? 0 : virStoragePoolCreate(p, 0);
            if (r == 0)
                virStoragePoolRefresh(p, 0);
            virStoragePoolFree(p);
        }
        if (r == 0) {
            virResetLastError();
            return true;
        }
        if (vrbd_now() + backoff > deadline) {
            virErrorPtr e = virGetLastError();

            free(*why);
            *why = xstrdup(e && e->message ? e->message
                                           : "the pool did not start");
            virResetLastError();
            return false;
        }
        nap(backoff);
        backoff = backoff < 8 ? backoff * 2 : 10;
    }
}

/* Start inactive autostart domains whose RBD disks are all in pools that
 * are now active. */
static void
start_domains(vrbd_host *host, vrbd_ensure_item **items, size_t *n)
{
    virConnectPtr conn = vrbd_host_conn(host);
    virDomainPtr *doms = NULL;
    vrbd_host_rbd_pool *pools = NULL;
    size_t np = 0;
    int nd;

    if (vrbd_host_rbd_pool_list(host, &pools, &np) < 0) {
        vrbd_error_clear();
        return;
    }
    nd = virConnectListAllDomains(conn, &doms,
                                  VIR_CONNECT_LIST_DOMAINS_INACTIVE |
                                      VIR_CONNECT_LIST_DOMAINS_AUTOSTART);
    for (int i = 0; i < nd; i++) {
        const char *name = virDomainGetName(doms[i]);
        bool ready = true, uses_rbd = false;
        double t0 = vrbd_now();

        for (size_t k = 0; k < np; k++) {
            char **users = NULL;
            int u = vrbd_host_domains_using(host, pools[k].pool,
                                            pools[k].secret_uuid, &users);

            for (int j = 0; j < u; j++) {
                if (strcmp(users[j], name) == 0) {
                    uses_rbd = true;
                    if (!pools[k].active)
                        ready = false;
                }
                free(users[j]);
            }
            free(users);
        }
        if (uses_rbd && ready) {
            if (virDomainCreate(doms[i]) == 0) {
                add_item(items, n, name, NULL, true, VRBD_ENSURE_STARTED,
                         vrbd_now() - t0, NULL);
            } else {
                virErrorPtr e = virGetLastError();

                add_item(items, n, name, NULL, true, VRBD_ENSURE_FAILED,
                         vrbd_now() - t0,
                         e && e->message ? e->message : "did not start");
                virResetLastError();
            }
        }
        virDomainFree(doms[i]);
    }
    free(doms);
    vrbd_host_rbd_pool_list_free(pools, np);
    vrbd_error_clear();
}

int
vrbd_host_ensure(vrbd_host *host, const vrbd_ensure_opts *opts,
                 vrbd_ensure_item **items, size_t *n_items)
{
    vrbd_host_rbd_pool *pools = NULL;
    vrbd_ensure_item *res = NULL;
    size_t np = 0, n = 0;
    double t0 = vrbd_now(), deadline = t0 + opts->wait_sec;

    if (vrbd_opts_check(opts, VRBD_ENSURE_OPTS_VERSION, "vrbd_ensure_opts") < 0)
        return -1;
    if (vrbd_host_rbd_pool_list(host, &pools, &np) < 0)
        return -1;
    for (size_t i = 0; i < np; i++) {
        vrbd_cluster_entry e = {0};
        bool known, reachable = false;
        char *why = NULL;
        double backoff = 1, started;

        if (!pools[i].fsid) /* not ours: leave it to whoever made it */
            continue;
        known = entry_for(opts->reg, pools[i].fsid, &e);
        if (pools[i].active) {
            add_item(&res, &n, pools[i].name, known ? e.name : pools[i].fsid,
                     false, VRBD_ENSURE_ACTIVE, 0, NULL);
            vrbd_cluster_entry_clear(&e);
            continue;
        }
        started = vrbd_now();
        if (known) {
            /* probe cheaply until the cluster answers: a pool start
             * against a dead cluster would block on libvirt's own
             * librados timeouts */
            for (;;) {
                double left = deadline - vrbd_now();

                reachable =
                    probe(&e, left > 5 ? 5 : (left > 1 ? (unsigned)left : 1));
                if (reachable || vrbd_now() + backoff > deadline)
                    break;
                nap(backoff);
                backoff = backoff < 8 ? backoff * 2 : 10;
            }
            if (!reachable)
                why = xasprintf("cluster '%s' did not answer within %u s",
                                e.name, opts->wait_sec);
        }
        if ((reachable || !known) &&
            start_pool(vrbd_host_conn(host), pools[i].name, deadline, &why)) {
            add_item(&res, &n, pools[i].name, known ? e.name : pools[i].fsid,
                     false, VRBD_ENSURE_STARTED, vrbd_now() - started, NULL);
        } else {
            add_item(&res, &n, pools[i].name, known ? e.name : pools[i].fsid,
                     false, VRBD_ENSURE_FAILED, vrbd_now() - started, why);
        }
        free(why);
        vrbd_cluster_entry_clear(&e);
    }
    vrbd_host_rbd_pool_list_free(pools, np);
    vrbd_error_clear();
    if (opts->start_domains)
        start_domains(host, &res, &n);
    *items = res;
    *n_items = n;
    return 0;
}

void
vrbd_ensure_item_list_free(vrbd_ensure_item *items, size_t n)
{
    if (!items)
        return;
    for (size_t i = 0; i < n; i++) {
        free(items[i].name);
        free(items[i].cluster);
        free(items[i].message);
    }
    free(items);
}
