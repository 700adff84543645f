/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * evacuate.c: every running domain of one fleet host moved to the others
 * with vrbd_vm_migrate(), spread by free memory.  The plan (which domain
 * goes where) is made once, up front, from each destination's free memory
 * less what the plan gave it already; workers then run it, each with its
 * own libvirt connections (a vrbd_host is used by one thread at a time).
 * A domain that cannot move stays where it is; the rest still go.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "host-internal.h"
#include "internal.h"
#include "virt.h"

struct dest {
    const vrbd_fleet_host *h;
    unsigned long long free_bytes, assigned;
};

struct job {
    char *domain;
    unsigned long long memory; /* bytes */
    struct dest *to;           /* NULL: no destination */
};

struct evac {
    vrbd_registry *reg;
    const vrbd_fleet_host *src;
    const vrbd_evacuate_opts *o;
    vrbd_evacuate_result *res;
    struct job *jobs;
    size_t n_jobs;
    size_t next; /* the next job a worker takes, under @lock */
    pthread_mutex_t lock;
};

static bool
cancelled(const struct evac *e)
{
    return e->o->cancel && *e->o->cancel;
}

/* Report @it, one call at a time, and count it. */
static void
report(struct evac *e, const vrbd_evacuate_item *it)
{
    pthread_mutex_lock(&e->lock);
    if (it->ok)
        e->res->moved++;
    else
        e->res->failed++;
    if (e->o->done)
        e->o->done(it, e->o->opaque);
    pthread_mutex_unlock(&e->lock);
}

static int
open_host(const vrbd_fleet_host *h, unsigned timeout_sec, vrbd_host **out)
{
    if (vrbd_host_open_within(h->uri, timeout_sec, out) < 0)
        return -1;
    vrbd_host_set_label(*out, h->name);
    return 0;
}

static void
migrate_one(struct evac *e, struct job *j, vrbd_host **src, vrbd_host **dst)
{
    vrbd_migrate_opts mo = {.version = VRBD_MIGRATE_OPTS_VERSION,
                            .dest_uri = j->to->h->uri,
                            .dest_name = j->to->h->name,
                            .dest_address = j->to->h->address,
                            .bandwidth_mib = e->o->bandwidth_mib,
                            .timeout_sec = e->o->timeout_sec,
                            .reg = e->reg,
                            .cancel = e->o->cancel};
    vrbd_migrate_result mr = {0};
    vrbd_evacuate_item it = {.domain = j->domain, .to = j->to->h->name};

    if ((*src || open_host(e->src, e->o->timeout_sec, src) == 0) &&
        (*dst || open_host(j->to->h, e->o->timeout_sec, dst) == 0) &&
        vrbd_vm_migrate(*src, *dst, j->domain, &mo, &mr) == 0)
        it.ok = true;
    it.seconds = mr.seconds;
    if (!it.ok) {
        it.error = vrbd_error_last()->message;
        it.hint = vrbd_error_last()->hint;
    }
    report(e, &it);
    vrbd_error_clear();
}

static void *
worker_main(void *arg)
{
    struct evac *e = arg;
    vrbd_host *src = NULL;
    size_t n_dst = e->n_jobs;
    vrbd_host **dst = xcalloc(n_dst + 1, sizeof(*dst));

    for (;;) {
        struct job *j = NULL;
        size_t k;

        pthread_mutex_lock(&e->lock);
        if (e->next < e->n_jobs)
            j = &e->jobs[e->next++];
        pthread_mutex_unlock(&e->lock);
        if (!j)
            break;
        if (cancelled(e)) {
            vrbd_evacuate_item it = {.domain = j->domain,
                                     .to = j->to->h->name,
                                     .error = "cancelled before it started"};
            report(e, &it);
            continue;
        }
        /* one connection per destination host for this worker: jobs
         * with the same destination share the slot of the first one */
        for (k = 0; k < n_dst; k++)
            if (e->jobs[k].to == j->to)
                break;
        migrate_one(e, j, &src, &dst[k]);
    }
    for (size_t k = 0; k < n_dst; k++)
        vrbd_host_free(dst[k]);
    free(dst);
    vrbd_host_free(src);
    vrbd_error_clear(); /* a thread's error dies with it unfreed */
    return NULL;
}

/* The destinations that answer, with their free memory. */
static int
pick_dests(struct evac *e, vrbd_fleet_host *all, size_t n, const char *src_uuid,
           struct dest **out, size_t *n_out)
{
    struct dest *d = xcalloc(n + 1, sizeof(*d));
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        vrbd_evacuate_skip skip = {.host = all[i].name};
        CLEANUP_FREE char *why = NULL;
        bool wanted = !e->o->to;
        vrbd_host *h = NULL;

        for (size_t t = 0; e->o->to && t < e->o->n_to; t++)
            wanted = wanted || strcmp(e->o->to[t], all[i].name) == 0;
        if (!wanted || strcmp(all[i].name, e->src->name) == 0)
            continue;
        if (open_host(&all[i], e->o->timeout_sec, &h) == 0) {
            CLEANUP_FREE char *uuid = NULL;

            if (vrbd_host_uuid(h, &uuid) < 0)
                why = xstrdup(vrbd_error_last()->message);
            else if (src_uuid && strcmp(uuid, src_uuid) == 0)
                why =
                    xasprintf("it is host '%s' (same host UUID)", e->src->name);
            else {
                d[k].h = &all[i];
                d[k].free_bytes = virNodeGetFreeMemory(vrbd_host_conn(h));
                virResetLastError();
                k++;
            }
        } else
            why = xstrdup(vrbd_error_last()->message);
        vrbd_error_clear();
        vrbd_host_free(h);
        if (why && e->o->skipped) {
            skip.why = why;
            e->o->skipped(&skip, e->o->opaque);
        }
    }
    if (k == 0) {
        free(d);
        return vrbd_error_set(VRBD_ERR_UNREACHABLE, 0,
                              "register another host with "
                              "'{prog}{vrbd_fleet_add}', or check that "
                              "those named answer",
                              "no host to move the domains of '%s' to",
                              e->src->name);
    }
    *out = d;
    *n_out = k;
    return 0;
}

static int
cmp_job(const void *a, const void *b)
{
    return strcmp(((const struct job *)a)->domain,
                  ((const struct job *)b)->domain);
}

/* The running domains of the source and their memory, by name. */
static int
list_jobs(struct evac *e, vrbd_host *src)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(vrbd_host_conn(src), &doms,
                                     VIR_CONNECT_LIST_DOMAINS_ACTIVE);

    if (n < 0)
        return vrbd_error_libvirt(NULL, "cannot list the domains of host '%s'",
                                  e->src->name);
    e->jobs = xcalloc((size_t)n + 1, sizeof(*e->jobs));
    for (int i = 0; i < n; i++) {
        virDomainInfo info;
        const char *name = virDomainGetName(doms[i]);

        if (name) {
            struct job *j = &e->jobs[e->n_jobs++];

            j->domain = xstrdup(name);
            if (virDomainGetInfo(doms[i], &info) == 0)
                j->memory = (unsigned long long)info.memory * 1024;
        }
        virDomainFree(doms[i]);
    }
    free(doms);
    virResetLastError();
    qsort(e->jobs, e->n_jobs, sizeof(*e->jobs), cmp_job);
    return 0;
}

/* Each job to the destination with the most memory left in the plan. */
static void
plan(struct evac *e, struct dest *d, size_t nd)
{
    for (size_t i = 0; i < e->n_jobs; i++) {
        struct dest *best = NULL;
        long long best_left = 0;

        for (size_t k = 0; k < nd; k++) {
            long long left =
                (long long)d[k].free_bytes - (long long)d[k].assigned;

            if (!best || left > best_left) {
                best = &d[k];
                best_left = left;
            }
        }
        best->assigned += e->jobs[i].memory;
        e->jobs[i].to = best;
    }
}

/* Every --to name must be a registered host other than the source. */
static int
check_to(struct evac *e, const vrbd_fleet_host *all, size_t n)
{
    for (size_t t = 0; e->o->to && t < e->o->n_to; t++) {
        bool found = false;

        if (strcmp(e->o->to[t], e->src->name) == 0)
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0, "name other hosts in {to}",
                "host '%s' is the one being evacuated", e->src->name);
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(all[i].name, e->o->to[t]) == 0;
        if (!found)
            return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                                  "see '{prog}{vrbd_fleet_list}'",
                                  "no host '%s' in the fleet", e->o->to[t]);
    }
    return 0;
}

static int
run_workers(struct evac *e)
{
    unsigned n = e->o->parallel ? e->o->parallel : 1;
    pthread_t *tids;
    size_t started = 0;

    if (n > e->n_jobs)
        n = (unsigned)e->n_jobs;
    tids = xcalloc(n + 1, sizeof(*tids));
    for (unsigned i = 0; i < n; i++)
        if (pthread_create(&tids[started], NULL, worker_main, e) == 0)
            started++;
    if (started == 0 && n > 0)
        worker_main(e);
    for (size_t i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    return 0;
}

int
vrbd_fleet_evacuate(vrbd_registry *reg, const char *host,
                    const vrbd_evacuate_opts *opts, vrbd_evacuate_result *res)
{
    vrbd_fleet_host src = {0}, *all = NULL;
    struct evac e = {.reg = reg, .src = &src, .o = opts, .res = res};
    CLEANUP_FREE char *src_uuid = NULL;
    struct dest *d = NULL;
    vrbd_host *sh = NULL;
    size_t n = 0, nd = 0;
    int ret = -1;

    memset(res, 0, sizeof(*res));
    if (vrbd_opts_check(opts, VRBD_EVACUATE_OPTS_VERSION,
                        "vrbd_evacuate_opts") < 0)
        return -1;
    pthread_mutex_init(&e.lock, NULL);
    if (vrbd_fleet_get(reg, host, &src) < 0 ||
        vrbd_fleet_list(reg, &all, &n) < 0 || check_to(&e, all, n) < 0 ||
        vrbd_fleet_open(reg, host, opts->timeout_sec, &sh) < 0 ||
        vrbd_host_uuid(sh, &src_uuid) < 0 || list_jobs(&e, sh) < 0)
        goto cleanup;
    res->domains = e.n_jobs;
    if (e.n_jobs == 0) {
        ret = 0;
        goto cleanup;
    }
    if (pick_dests(&e, all, n, src_uuid, &d, &nd) < 0)
        goto cleanup;
    plan(&e, d, nd);
    run_workers(&e);
    if (res->failed)
        vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                       "%zu of %zu domains stayed on host '%s'", res->failed,
                       res->domains, host);
    else
        ret = 0;

cleanup:
    vrbd_host_free(sh);
    for (size_t i = 0; i < e.n_jobs; i++)
        free(e.jobs[i].domain);
    free(e.jobs);
    free(d);
    vrbd_fleet_host_list_free(all, n);
    vrbd_fleet_host_clear(&src);
    pthread_mutex_destroy(&e.lock);
    return ret;
}
