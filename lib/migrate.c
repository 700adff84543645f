/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migrate.c: moving a domain to another host of the fleet with libvirt's
 * own migration (peer to peer: the source daemon drives it, so a client
 * that dies midway does not strand the guest).  The disks are on Ceph:
 * nothing is copied but memory.  What would fail halfway is checked
 * first; disks of registered clusters get their current monitors on the
 * way (VIR_MIGRATE_PARAM_DEST_XML and PERSIST_XML).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "host-internal.h"
#include "internal.h"
#include "virt.h"
#include "volume-internal.h"
#include "xml-util.h"

struct mig {
    vrbd_host *src, *dst;
    const char *domain;
    const char *dest; /* for messages: the fleet name or the URI */
    const vrbd_migrate_opts *o;
    virDomainPtr dom;
    vrbd_vm_disk *disks;
    size_t n_disks;
    vrbd_disk_clusters dc;
};

static void
mig_clear(struct mig *m)
{
    if (m->dom)
        virDomainFree(m->dom);
    vrbd_vm_disk_list_free(m->disks, m->n_disks);
    vrbd_disk_clusters_clear(&m->dc);
}

/* ---------------------------------------------------------------- checks */

static int
check_state(struct mig *m)
{
    virConnectPtr sc = vrbd_host_conn(m->src);
    virTypedParameterPtr p = NULL;
    int active, n = 0, job = VIR_DOMAIN_JOB_NONE;

    m->dom = virDomainLookupByName(sc, m->domain);
    if (!m->dom)
        return vrbd_error_libvirt("see 'virsh list --all' on the source host",
                                  "no domain '%s' on %s", m->domain,
                                  vrbd_host_label(m->src));
    active = virDomainIsActive(m->dom);
    if (active == 1 && m->o->offline)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "drop {offline}: a running domain moves live",
                              "domain '%s' is running", m->domain);
    if (active == 0 && !m->o->offline)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "move its definition with {offline}, or start "
                              "it first",
                              "domain '%s' is not running", m->domain);
    if (virDomainIsPersistent(m->dom) != 1)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "define it first (virsh dumpxml, virsh define)",
                              "domain '%s' is transient: only a defined "
                              "domain is moved with its definition",
                              m->domain);
    /* one job at a time: libvirt would make a second one wait 30 s */
    if (active == 1 && virDomainGetJobStats(m->dom, &job, &p, &n, 0) == 0)
        virTypedParamsFree(p, n);
    virResetLastError();
    if (job != VIR_DOMAIN_JOB_NONE)
        return vrbd_error_set(VRBD_ERR_BUSY, EBUSY,
                              "wait for it to end (virsh domjobinfo)",
                              "domain '%s' has a job running already (a "
                              "migration or a copy)",
                              m->domain);
    return 0;
}

/* The Ceph pool of an RBD disk source "pool[/ns]/image"; free(). */
static char *
source_pool(const char *source)
{
    const char *slash = source ? strchr(source, '/') : NULL;

    return slash ? xstrndup(source, (size_t)(slash - source)) : NULL;
}

int
vrbd_host_check_disk(vrbd_host *dst, const char *dest, const vrbd_vm_disk *d,
                     const vrbd_host_rbd_pool *pools, size_t np)
{
    virConnectPtr dc = vrbd_host_conn(dst);
    CLEANUP_FREE char *pool = source_pool(d->source);
    const vrbd_host_rbd_pool *found = NULL;
    virSecretPtr sec;

    if (d->secret_uuid) {
        sec = virSecretLookupByUUIDString(dc, d->secret_uuid);
        virResetLastError();
        if (!sec)
            return vrbd_error_set(
                VRBD_ERR_CONFIG, 0,
                "run '{prog}{vrbd_fleet_sync}' (or 'host connect' on it)",
                "host '%s' has no secret %s, which disk %s (%s) needs", dest,
                d->secret_uuid, d->target, d->source);
        virSecretFree(sec);
    }
    for (size_t j = 0; j < np && !found; j++)
        if (pools[j].pool && pool && strcmp(pools[j].pool, pool) == 0 &&
            (!d->fsid || !pools[j].fsid || strcmp(pools[j].fsid, d->fsid) == 0))
            found = &pools[j];
    if (!found)
        return vrbd_error_set(
            VRBD_ERR_CONFIG, 0,
            "run '{prog}{vrbd_fleet_sync}' (or 'host connect' on it)",
            "host '%s' has no RBD pool for Ceph pool '%s' of disk %s (%s)",
            dest, pool ? pool : "?", d->target, d->source);
    if (!found->active)
        return vrbd_error_set(
            VRBD_ERR_UNREACHABLE, 0,
            "check that the host reaches the cluster's monitors, then run "
            "'{prog}{vrbd_host_ensure}' there",
            "pool '%s' on host '%s' is not active: its libvirtd could not "
            "reach the cluster of disk %s",
            found->name, dest, d->target);
    return 0;
}

static int
check_disks(struct mig *m)
{
    vrbd_host_rbd_pool *pools = NULL;
    size_t np = 0;
    int ret = 0;

    if (vrbd_vm_disk_list(m->src, m->domain, &m->disks, &m->n_disks) < 0)
        return -1;
    for (size_t i = 0; i < m->n_disks; i++) {
        const vrbd_vm_disk *d = &m->disks[i];

        if (!d->rbd && d->source)
            return vrbd_error_set(VRBD_ERR_UNSUPPORTED, 0,
                                  "move its disks to Ceph first with "
                                  "'{prog}{vrbd_vm_move}'",
                                  "disk %s of '%s' is not on RBD (%s): it "
                                  "would have to be copied",
                                  d->target, m->domain, d->source);
    }
    if (vrbd_host_rbd_pool_list(m->dst, &pools, &np) < 0)
        return -1;
    for (size_t i = 0; i < m->n_disks && ret == 0; i++)
        if (m->disks[i].rbd)
            ret =
                vrbd_host_check_disk(m->dst, m->dest, &m->disks[i], pools, np);
    vrbd_host_rbd_pool_list_free(pools, np);
    return ret;
}

static int
check_dst_free(struct mig *m)
{
    virConnectPtr dc = vrbd_host_conn(m->dst);
    char uuid[VIR_UUID_STRING_BUFLEN] = "";
    virDomainPtr other;

    other = virDomainLookupByName(dc, m->domain);
    if (!other) {
        virDomainGetUUIDString(m->dom, uuid);
        other = virDomainLookupByUUIDString(dc, uuid);
    }
    virResetLastError();
    if (!other)
        return 0;
    virDomainFree(other);
    return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                          "remove or rename that one first, if it is stale",
                          "host '%s' has a domain named '%s' or with its "
                          "UUID already",
                          m->dest, m->domain);
}

/* ---------------------------------------------------------------- monitors */

void
vrbd_disk_clusters_clear(vrbd_disk_clusters *dc)
{
    for (size_t i = 0; i < dc->n; i++) {
        free(dc->c[i].fsid);
        vrbd_cluster_free(dc->c[i].cl);
        vrbd_strv_free(dc->c[i].hosts);
    }
    free(dc->c);
    memset(dc, 0, sizeof(*dc));
}

/* One cluster's connection, on a thread of its own: the registry's
 * entries with its fsid are tried in turn. */
struct connecting {
    vrbd_disk_cluster *c;
    const vrbd_cluster_entry *all;
    size_t n;
    unsigned timeout_sec;
    pthread_t tid;
    bool started;
    char *warning; /* why its monitors stay unknown, or NULL */
};

static void *
connect_main(void *arg)
{
    struct connecting *t = arg;
    vrbd_disk_cluster *c = t->c;

    for (size_t k = 0; k < t->n && !c->cl; k++) {
        vrbd_cluster_opts co;
        size_t nh = 0;

        if (!t->all[k].fsid || strcmp(t->all[k].fsid, c->fsid) != 0)
            continue;
        co = vrbd_cluster_entry_opts(&t->all[k], t->timeout_sec);
        if (vrbd_cluster_connect(&co, &c->cl) == 0)
            c->hosts = vrbd_cluster_mon_hosts(c->cl, &nh);
        if (!c->hosts || !c->hosts[0]) {
            free(t->warning);
            t->warning = xasprintf("monitors of cluster '%s' unknown (%s): "
                                   "its disks keep theirs",
                                   t->all[k].name, vrbd_error_last()->message);
        }
    }
    c->name = c->cl ? vrbd_cluster_name(c->cl) : NULL;
    vrbd_error_clear();
    return NULL;
}

/* Every registered cluster of @disks connected, all at once: a migration
 * waits for the slowest, not for their sum. */
void
vrbd_disk_clusters_connect(vrbd_disk_clusters *dc, vrbd_registry *reg,
                           const vrbd_vm_disk *disks, size_t n_disks,
                           unsigned timeout_sec)
{
    vrbd_cluster_entry *all = NULL;
    struct connecting *t;
    size_t n = 0;

    if (!reg || vrbd_registry_list(reg, &all, &n) < 0) {
        vrbd_error_clear();
        return;
    }
    for (size_t i = 0; i < n_disks; i++) {
        const char *fsid = disks[i].fsid;

        if (!fsid || vrbd_disk_clusters_find(dc, fsid))
            continue;
        dc->c = xreallocarray(dc->c, dc->n + 1, sizeof(*dc->c));
        memset(&dc->c[dc->n], 0, sizeof(*dc->c));
        dc->c[dc->n++].fsid = xstrdup(fsid);
    }
    t = xcalloc(dc->n ? dc->n : 1, sizeof(*t));
    for (size_t i = 0; i < dc->n; i++) {
        t[i] = (struct connecting){
            .c = &dc->c[i], .all = all, .n = n, .timeout_sec = timeout_sec};
        t[i].started =
            pthread_create(&t[i].tid, NULL, connect_main, &t[i]) == 0;
        if (!t[i].started)
            connect_main(&t[i]);
    }
    for (size_t i = 0; i < dc->n; i++) {
        if (t[i].started)
            pthread_join(t[i].tid, NULL);
        if (t[i].warning)
            vrbd_warn("%s", t[i].warning);
        free(t[i].warning);
    }
    free(t);
    vrbd_cluster_entry_list_free(all, n);
}

vrbd_disk_cluster *
vrbd_disk_clusters_find(const vrbd_disk_clusters *dc, const char *fsid)
{
    for (size_t k = 0; fsid && k < dc->n; k++)
        if (strcmp(dc->c[k].fsid, fsid) == 0)
            return &dc->c[k];
    return NULL;
}

static char **
mons_of(const vrbd_disk_clusters *dc, const vrbd_vm_disk *disks, size_t n_disks,
        const char *target)
{
    for (size_t i = 0; i < n_disks; i++) {
        vrbd_disk_cluster *c;

        if (strcmp(disks[i].target, target) != 0)
            continue;
        c = vrbd_disk_clusters_find(dc, disks[i].fsid);
        if (c && c->hosts && c->hosts[0])
            return c->hosts;
    }
    return NULL;
}

char *
vrbd_disk_clusters_refresh_xml(const vrbd_disk_clusters *dc,
                               const vrbd_vm_disk *disks, size_t n_disks,
                               const char *xml, size_t *changed)
{
    xmlDocPtr doc = vrbd_xml_parse(xml);
    xmlNodePtr devices =
        vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");

    *changed = 0;
    if (!doc)
        return NULL;
    for (xmlNodePtr d = devices ? devices->children : NULL; d; d = d->next) {
        xmlNodePtr src = vrbd_xml_child(d, "source");
        CLEANUP_FREE char *target = NULL;
        char **mons;

        if (d->type != XML_ELEMENT_NODE ||
            strcmp((const char *)d->name, "disk") != 0 ||
            !vrbd_xml_prop_is(src, "protocol", "rbd"))
            continue;
        target = vrbd_xml_prop(vrbd_xml_child(d, "target"), "dev");
        mons = target ? mons_of(dc, disks, n_disks, target) : NULL;
        if (mons && vrbd_xml_replace_hosts(src, mons))
            (*changed)++;
    }
    return vrbd_xml_dump(doc);
}

struct recording {
    const vrbd_owner_record *rec;
    vrbd_cluster *cl;
    vrbd_spec s;
    pthread_t tid;
    bool started;
};

static void *
record_main(void *arg)
{
    struct recording *t = arg;

    vrbd_owner_record_write(t->rec, t->cl, &t->s);
    return NULL;
}

/* Each disk's owner and definition written at once, one thread per disk:
 * a librbd metadata write to an image QEMU holds goes through its lock
 * owner, and the disks of a VM should not wait for each other. */
void
vrbd_disk_clusters_record_owner(const vrbd_disk_clusters *dc,
                                const vrbd_vm_disk *disks, size_t n_disks,
                                vrbd_host *host, virDomainPtr dom)
{
    struct recording *t = xcalloc(n_disks ? n_disks : 1, sizeof(*t));
    vrbd_owner_record rec;

    vrbd_owner_record_init(&rec, host, dom);
    for (size_t i = 0; i < n_disks; i++) {
        vrbd_disk_cluster *c = vrbd_disk_clusters_find(dc, disks[i].fsid);

        t[i] = (struct recording){.rec = &rec};
        if (!disks[i].rbd || !c || !c->cl ||
            vrbd_spec_parse(disks[i].source, VRBD_SPEC_IMAGE, &t[i].s) < 0)
            continue;
        t[i].cl = c->cl;
        t[i].started = pthread_create(&t[i].tid, NULL, record_main, &t[i]) == 0;
        if (!t[i].started)
            record_main(&t[i]);
    }
    for (size_t i = 0; i < n_disks; i++) {
        if (t[i].started)
            pthread_join(t[i].tid, NULL);
        vrbd_spec_clear(&t[i].s);
    }
    free(t);
    vrbd_owner_record_clear(&rec);
    vrbd_error_clear();
}

/* ---------------------------------------------------------------- migration */

struct call {
    virDomainPtr dom;
    const char *uri;
    virTypedParameterPtr params;
    int n_params;
    unsigned flags;
    int r;
    vrbd_error_saved err;
    volatile int done;
};

static void *
call_main(void *arg)
{
    struct call *c = arg;

    c->r = virDomainMigrateToURI3(c->dom, c->uri, c->params,
                                  (unsigned)c->n_params, c->flags);
    if (c->r < 0) {
        vrbd_error_libvirt(NULL, "migration failed");
        vrbd_error_save(&c->err);
        vrbd_error_clear(); /* a thread's error dies with it unfreed */
    }
    __atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static unsigned long long
param_ull(virTypedParameterPtr p, int n, const char *name)
{
    unsigned long long v = 0;

    if (virTypedParamsGetULLong(p, n, name, &v) != 1)
        v = 0;
    return v;
}

/* Report progress until the call returns; abort once on cancel. */
static void
watch(struct mig *m, struct call *c, double t0)
{
    bool aborted = false;
    unsigned tick = 0;

    while (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE)) {
        virTypedParameterPtr p = NULL;
        int n = 0, type = 0;

        /* the end is seen within 20 ms (bench/fleet: a 200 ms sleep cost
         * 100 ms a migration), progress asked for every 200 ms */
        usleep(20000);
        if (m->o->cancel && *m->o->cancel && !aborted) {
            aborted = true;
            if (virDomainAbortJob(m->dom) < 0)
                virResetLastError();
        }
        if (++tick % 10 != 0 || !m->o->progress || m->o->offline ||
            virDomainGetJobStats(m->dom, &type, &p, &n, 0) < 0) {
            virResetLastError();
            continue;
        }
        if (type != VIR_DOMAIN_JOB_NONE) {
            vrbd_migrate_progress pr = {
                .elapsed = vrbd_now() - t0,
                .memory_total = param_ull(p, n, VIR_DOMAIN_JOB_MEMORY_TOTAL),
                .memory_remaining =
                    param_ull(p, n, VIR_DOMAIN_JOB_MEMORY_REMAINING),
                .data_processed =
                    param_ull(p, n, VIR_DOMAIN_JOB_DATA_PROCESSED),
                .memory_iteration =
                    param_ull(p, n, VIR_DOMAIN_JOB_MEMORY_ITERATION)};

            m->o->progress(&pr, m->o->opaque);
        }
        virTypedParamsFree(p, n);
    }
}

static int
add_params(struct mig *m, virTypedParameterPtr *p, int *n, size_t *refreshed)
{
    CLEANUP_FREE char *live = NULL, *persist = NULL;
    CLEANUP_FREE char *live2 = NULL, *persist2 = NULL;
    CLEANUP_FREE char *stream = NULL;
    size_t c1 = 0, c2 = 0;
    int max = 0;

    persist = virDomainGetXMLDesc(m->dom, VIR_DOMAIN_XML_INACTIVE |
                                              VIR_DOMAIN_XML_SECURE |
                                              VIR_DOMAIN_XML_MIGRATABLE);
    if (!m->o->offline)
        live = virDomainGetXMLDesc(m->dom, VIR_DOMAIN_XML_SECURE |
                                               VIR_DOMAIN_XML_MIGRATABLE);
    if (!persist || (!m->o->offline && !live))
        return vrbd_error_libvirt(NULL, "cannot read the definition of '%s'",
                                  m->domain);
    persist2 = vrbd_disk_clusters_refresh_xml(&m->dc, m->disks, m->n_disks,
                                              persist, &c2);
    live2 = live ? vrbd_disk_clusters_refresh_xml(&m->dc, m->disks, m->n_disks,
                                                  live, &c1)
                 : NULL;
    if (!persist2 || (live && !live2))
        return vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                              "cannot parse the definition of '%s'", m->domain);
    *refreshed = c1 > c2 ? c1 : c2;
    if ((live2 && virTypedParamsAddString(
                      p, n, &max, VIR_MIGRATE_PARAM_DEST_XML, live2) < 0) ||
        virTypedParamsAddString(p, n, &max, VIR_MIGRATE_PARAM_PERSIST_XML,
                                persist2) < 0)
        return vrbd_error_libvirt(NULL, "cannot build migration parameters");
    if (m->o->dest_address && !m->o->offline) {
        stream = xasprintf("tcp://%s", m->o->dest_address);
        if (virTypedParamsAddString(p, n, &max, VIR_MIGRATE_PARAM_URI, stream) <
            0)
            return vrbd_error_libvirt(NULL, "cannot build migration "
                                            "parameters");
    }
    if (m->o->bandwidth_mib &&
        virTypedParamsAddULLong(p, n, &max, VIR_MIGRATE_PARAM_BANDWIDTH,
                                m->o->bandwidth_mib) < 0)
        return vrbd_error_libvirt(NULL, "cannot build migration parameters");
    return 0;
}

/* The downtime and bytes of the finished job, as the destination keeps
 * them (the source's domain is gone with its definition). */
static void
completed_stats(struct mig *m, vrbd_migrate_result *res)
{
    virDomainPtr nd = virDomainLookupByName(vrbd_host_conn(m->dst), m->domain);
    virTypedParameterPtr p = NULL;
    unsigned long long v;
    int n = 0, type = 0;

    res->downtime_ms = -1;
    if (nd && virDomainGetJobStats(nd, &type, &p, &n,
                                   VIR_DOMAIN_JOB_STATS_COMPLETED) == 0) {
        if (virTypedParamsGetULLong(p, n, VIR_DOMAIN_JOB_DOWNTIME, &v) == 1)
            res->downtime_ms = (int64_t)v;
        res->data_bytes = param_ull(p, n, VIR_DOMAIN_JOB_DATA_PROCESSED);
        virTypedParamsFree(p, n);
    }
    virResetLastError();
    /* the owner of each disk is the destination now, with its definition */
    if (nd) {
        vrbd_disk_clusters_record_owner(&m->dc, m->disks, m->n_disks, m->dst,
                                        nd);
        virDomainFree(nd);
    }
}

static int
run(struct mig *m, vrbd_migrate_result *res)
{
    struct call c = {.dom = m->dom, .uri = m->o->dest_uri};
    double t0;
    pthread_t tid;

    c.flags = VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_PERSIST_DEST |
              VIR_MIGRATE_UNDEFINE_SOURCE |
              (m->o->offline ? VIR_MIGRATE_OFFLINE : VIR_MIGRATE_LIVE);
    if (add_params(m, &c.params, &c.n_params, &res->mons_refreshed) < 0) {
        virTypedParamsFree(c.params, c.n_params);
        return -1;
    }
    vrbd_test_pause("migrate-start");
    t0 = vrbd_now();
    if (pthread_create(&tid, NULL, call_main, &c) != 0) {
        virTypedParamsFree(c.params, c.n_params);
        return vrbd_error_set(VRBD_ERR_INTERNAL, errno, NULL,
                              "cannot start a thread");
    }
    watch(m, &c, t0);
    pthread_join(tid, NULL);
    res->seconds = vrbd_now() - t0;
    virTypedParamsFree(c.params, c.n_params);
    if (c.r < 0) {
        CLEANUP_FREE char *hint = NULL;
        int still = virDomainIsActive(m->dom);

        virResetLastError();
        res->cancelled = m->o->cancel && *m->o->cancel;
        hint = xasprintf("%s still %s on host '%s'", m->domain,
                         still == 1   ? "runs"
                         : still == 0 ? "is defined (not running)"
                                      : "should be",
                         vrbd_host_label(m->src));
        if (res->cancelled) {
            vrbd_error_saved_free(&c.err);
            return vrbd_error_set(VRBD_ERR_INTERNAL, ECANCELED, hint,
                                  "migration of '%s' to '%s' cancelled",
                                  m->domain, m->dest);
        }
        return vrbd_error_restore(&c.err, hint);
    }
    completed_stats(m, res);
    return 0;
}

int
vrbd_vm_migrate(vrbd_host *src, vrbd_host *dst, const char *domain,
                const vrbd_migrate_opts *opts, vrbd_migrate_result *res)
{
    struct mig m = {.src = src, .dst = dst, .domain = domain, .o = opts};
    int ret = -1;

    memset(res, 0, sizeof(*res));
    res->downtime_ms = -1;
    if (vrbd_opts_check(opts, VRBD_MIGRATE_OPTS_VERSION, "vrbd_migrate_opts") <
        0)
        return -1;
    if (!opts->dest_uri)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "a migration needs the destination's URI");
    m.dest = opts->dest_name ? opts->dest_name : opts->dest_uri;
    if (check_state(&m) < 0 || check_disks(&m) < 0 || check_dst_free(&m) < 0)
        goto cleanup;
    for (size_t i = 0; i < m.n_disks; i++)
        res->disks += m.disks[i].rbd;
    vrbd_disk_clusters_connect(&m.dc, opts->reg, m.disks, m.n_disks,
                               opts->timeout_sec);
    ret = run(&m, res);

cleanup:
    mig_clear(&m);
    return ret;
}
