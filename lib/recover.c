/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * recover.c: starting a dead host's VM on another host, safely.  A host
 * that looks dead may only hang: its QEMU still holds the images and
 * would write again once it runs.  So every Ceph client of the VM's disks
 * is fenced first (OSD blocklist, locks broken: see fence.c), on every
 * cluster they live on; only then is the VM defined from its last known
 * definition (its host's, when that answers, else the one kept in the
 * disks' metadata) and started.  The fence is recorded under the
 * registry's hosts/NAME.fence until `fleet unfence NAME`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "host-internal.h"
#include "internal.h"
#include "virt.h"
#include "volume-internal.h"
#include "xml-util.h"

void
vrbd_recover_result_clear(vrbd_recover_result *res)
{
    free(res->definition);
    vrbd_strv_free(res->fenced);
    memset(res, 0, sizeof(*res));
}

/* ---------------------------------------------------------------- records */

void
vrbd_fence_record_list_free(vrbd_fence_record *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        free(r[i].fsid);
        free(r[i].addr);
        free(r[i].domain);
    }
    free(r);
}

static char *
fence_path(vrbd_registry *reg, const char *host)
{
    return xasprintf("%s/hosts/%s.fence", vrbd_registry_dir(reg), host);
}

struct rec_parse {
    const char *path;
    vrbd_fence_record *r;
    size_t n;
};

/* "fence = FSID ADDR UNTIL DOMAIN", once per client */
static int
rec_kv(const char *key, const char *value, int line, void *opaque)
{
    struct rec_parse *p = opaque;
    char fsid[64], addr[128], dom[256];
    long long until;

    if (strcmp(key, "fence") != 0 ||
        sscanf(value, "%63s %127s %lld %255s", fsid, addr, &until, dom) != 4)
        return vrbd_error_set(VRBD_ERR_CONFIG, 0,
                              "lines read 'fence = FSID ADDR UNTIL DOMAIN'",
                              "%s:%d: not a fence record", p->path, line);
    p->r = xreallocarray(p->r, p->n + 1, sizeof(*p->r));
    p->r[p->n].fsid = xstrdup(fsid);
    p->r[p->n].addr = xstrdup(addr);
    p->r[p->n].until = until;
    p->r[p->n++].domain = xstrdup(dom);
    return 0;
}

int
vrbd_fleet_fence_records(vrbd_registry *reg, const char *host,
                         vrbd_fence_record **out, size_t *n)
{
    CLEANUP_FREE char *path = fence_path(reg, host);
    struct rec_parse p = {.path = path};

    if (vrbd_kv_file_read(path, rec_kv, &p, true) < 0) {
        vrbd_fence_record_list_free(p.r, p.n);
        return -1;
    }
    *out = p.r;
    *n = p.n;
    return 0;
}

/* Append the clients fenced for @domain to @host's record. */
static int
add_records(vrbd_registry *reg, const char *host, const char *domain,
            const char *fsid, const vrbd_fence_result *f)
{
    CLEANUP_FREE char *path = fence_path(reg, host);
    vrbd_fence_record *old = NULL;
    size_t n = 0;
    char *text;
    int r;

    if (vrbd_fleet_fence_records(reg, host, &old, &n) < 0)
        return -1;
    text = xstrdup("# clients of this host fenced by 'vm recover'; "
                   "'fleet unfence' lifts them\n");
    for (size_t i = 0; i < n + f->n_fenced; i++) {
        bool mine = i >= n;
        char *next = xasprintf(
            "%sfence = %s %s %lld %s\n", text, mine ? fsid : old[i].fsid,
            mine ? f->fenced[i - n].addr : old[i].addr,
            mine ? (long long)f->until : (long long)old[i].until,
            mine ? domain : old[i].domain);

        free(text);
        text = next;
    }
    r = vrbd_registry_mkdir(reg, "hosts") < 0
            ? -1
            : vrbd_file_write_atomic(path, text);
    free(text);
    vrbd_fence_record_list_free(old, n);
    return r;
}

/* ---------------------------------------------------------------- definition
 */

struct recover {
    vrbd_host *on;
    const char *domain;
    const vrbd_recover_opts *o;
    const char *on_name;
    vrbd_fleet_host from;
    vrbd_host *from_host; /* NULL: it did not answer */
    char *xml;            /* the definition, with secrets when from a host */
    bool from_disks;      /* @xml came from the disks' metadata */
    vrbd_vm_disk *disks;
    size_t n_disks;
    vrbd_disk_clusters dc;
};

static void
recover_clear(struct recover *r)
{
    vrbd_host_free(r->from_host);
    vrbd_fleet_host_clear(&r->from);
    free(r->xml);
    vrbd_vm_disk_list_free(r->disks, r->n_disks);
    vrbd_disk_clusters_clear(&r->dc);
}

/* Ask the old host, within the timeout: refused while it runs the VM. */
static int
ask_from(struct recover *r, vrbd_recover_result *res)
{
    virDomainPtr dom;

    if (vrbd_host_open_within(r->from.uri, r->o->timeout_sec, &r->from_host) <
        0) {
        vrbd_info("host '%s' does not answer (%s): the definition comes from "
                  "the disks",
                  r->from.name, vrbd_error_last()->message);
        vrbd_error_clear();
        return 0;
    }
    res->from_answered = true;
    dom = virDomainLookupByName(vrbd_host_conn(r->from_host), r->domain);
    virResetLastError();
    if (!dom)
        return 0;
    if (virDomainIsActive(dom) == 1 && !r->o->force) {
        CLEANUP_FREE char *hint = xasprintf(
            "move it with '{prog}{vrbd_vm_migrate}'; if that host is sick "
            "but answers, {force} fences it all the same");

        virDomainFree(dom);
        return vrbd_error_set(VRBD_ERR_BUSY, EBUSY, hint,
                              "host '%s' answers and runs '%s'", r->from.name,
                              r->domain);
    }
    r->xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE |
                                          VIR_DOMAIN_XML_SECURE |
                                          VIR_DOMAIN_XML_MIGRATABLE);
    virDomainFree(dom);
    virResetLastError();
    if (r->xml)
        res->definition = xasprintf("host '%s'", r->from.name);
    return 0;
}

/* Called for each image whose owner is a domain of the old host, with
 * the domain's name and the open image. */
typedef void (*owned_fn)(void *opaque, vrbd_cluster *cl, const char *pool,
                         const char *image, const char *domain,
                         rbd_image_t img);

/* "host=HOST domain=DOM uuid=..." of @host: DOM, else NULL; free(). */
static char *
owner_domain(const char *owner, const char *host)
{
    CLEANUP_FREE char *want = xasprintf("host=%s domain=", host);
    const char *d, *end;

    if (strncmp(owner, want, strlen(want)) != 0)
        return NULL;
    d = owner + strlen(want);
    end = strchr(d, ' ');
    return end ? xstrndup(d, (size_t)(end - d)) : xstrdup(d);
}

/* The images of Ceph pool @pool of @cl owned by a domain of @host. */
static void
scan_pool(vrbd_cluster *cl, const char *pool, const char *host, owned_fn fn,
          void *opaque)
{
    rbd_image_spec_t *images = NULL;
    rados_ioctx_t io;
    size_t max = 64;
    int rc;

    if (vrbd_volume_ioctx(cl, pool, NULL, &io) < 0) {
        vrbd_error_clear();
        return;
    }
    for (;;) {
        images = xreallocarray(images, max, sizeof(*images));
        rc = rbd_list2(io, images, &max);
        if (rc != -ERANGE)
            break;
    }
    for (size_t i = 0; rc >= 0 && i < max; i++) {
        CLEANUP_FREE char *dom = NULL;
        char owner[512];
        size_t len = sizeof(owner) - 1;
        rbd_image_t img;

        if (rbd_open_read_only(io, images[i].name, &img, NULL) < 0)
            continue;
        memset(owner, 0, sizeof(owner));
        if (rbd_metadata_get(img, VRBD_OWNER_KEY, owner, &len) == 0 &&
            (dom = owner_domain(owner, host)))
            fn(opaque, cl, pool, images[i].name, dom, img);
        rbd_close(img);
    }
    if (rc >= 0)
        rbd_image_spec_list_cleanup(images, max);
    free(images);
    rados_ioctx_destroy(io);
}

int
vrbd_host_each_ceph_pool(vrbd_host *on, vrbd_registry *reg,
                         unsigned timeout_sec, vrbd_ceph_pool_fn fn,
                         void *opaque)
{
    vrbd_host_rbd_pool *pools = NULL;
    vrbd_cluster_entry *cls = NULL;
    size_t np = 0, nc = 0;

    if (vrbd_host_rbd_pool_list(on, &pools, &np) < 0)
        return -1;
    if (vrbd_registry_list(reg, &cls, &nc) < 0) {
        vrbd_host_rbd_pool_list_free(pools, np);
        return -1;
    }
    for (size_t k = 0; k < nc; k++) {
        vrbd_cluster_opts co = vrbd_cluster_entry_opts(&cls[k], timeout_sec);
        vrbd_cluster *cl = NULL;

        for (size_t j = 0; j < np; j++) {
            if (!pools[j].fsid || !cls[k].fsid || !pools[j].pool ||
                strcmp(pools[j].fsid, cls[k].fsid) != 0)
                continue;
            if (!cl && vrbd_cluster_connect(&co, &cl) < 0) {
                vrbd_warn("cluster '%s' does not answer: its pools are not "
                          "searched (%s)",
                          cls[k].name, vrbd_error_last()->message);
                vrbd_error_clear();
                break;
            }
            fn(opaque, cl, pools[j].pool, pools[j].nspace);
        }
        vrbd_cluster_free(cl);
    }
    vrbd_cluster_entry_list_free(cls, nc);
    vrbd_host_rbd_pool_list_free(pools, np);
    return 0;
}

struct owned_scan {
    const char *host;
    owned_fn fn;
    void *opaque;
};

static void
scan_one(void *opaque, vrbd_cluster *cl, const char *pool, const char *nspace)
{
    (void)nspace; /* owners are looked for in the pool's default namespace */
    struct owned_scan *o = opaque;

    scan_pool(cl, pool, o->host, o->fn, o->opaque);
}

/* Every image owned by a domain of @host in the pools @on reaches. */
static int
scan_owned(vrbd_host *on, vrbd_registry *reg, unsigned timeout_sec,
           const char *host, owned_fn fn, void *opaque)
{
    struct owned_scan o = {host, fn, opaque};

    return vrbd_host_each_ceph_pool(on, reg, timeout_sec, scan_one, &o);
}

static size_t
count_disks(const char *xml)
{
    size_t n = 0;

    for (const char *p = xml; (p = strstr(p, "<disk ")); p++)
        n++;
    return n;
}

struct find {
    struct recover *r;
    vrbd_recover_result *res;
};

/* Each disk keeps the definition of when it was attached: the one with
 * the most disks is the latest. */
static void
found_definition(void *opaque, vrbd_cluster *cl, const char *pool,
                 const char *image, const char *domain, rbd_image_t img)
{
    struct find *f = opaque;
    char *xml;

    if (strcmp(domain, f->r->domain) != 0 ||
        !(xml = vrbd_image_meta(img, VRBD_DOMAIN_KEY)))
        return;
    if (f->r->xml && count_disks(xml) <= count_disks(f->r->xml)) {
        free(xml);
        return;
    }
    free(f->r->xml);
    f->r->xml = xml;
    f->r->from_disks = true;
    free(f->res->definition);
    f->res->definition = xasprintf("the metadata of %s:%s/%s",
                                   vrbd_cluster_name(cl), pool, image);
}

/* The definition kept in the metadata of the VM's disks. */
static int
find_definition(struct recover *r, vrbd_recover_result *res)
{
    struct find f = {r, res};

    if (scan_owned(r->on, r->o->reg, r->o->timeout_sec, r->from.name,
                   found_definition, &f) < 0)
        return -1;
    if (!r->xml) {
        CLEANUP_FREE char *hint = xasprintf(
            "only VMs that virt-rbd defined or migrated keep their definition "
            "with their disks; define it here by hand, then start it");

        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, hint,
                              "no definition of '%s' from host '%s': the host "
                              "does not answer and no disk in this host's "
                              "pools names it as its owner",
                              r->domain, r->from.name);
    }
    return 0;
}

static void
found_domain(void *opaque, vrbd_cluster *cl, const char *pool,
             const char *image, const char *domain, rbd_image_t img)
{
    char ***names = opaque;
    size_t n = 0;

    while ((*names)[n]) {
        if (strcmp((*names)[n], domain) == 0)
            return;
        n++;
    }
    *names = xreallocarray(*names, n + 2, sizeof(char *));
    (*names)[n] = xstrdup(domain);
    (*names)[n + 1] = NULL;
}

int
vrbd_fleet_domains_of(vrbd_host *on, vrbd_registry *reg, const char *host,
                      unsigned timeout_sec, char ***domains)
{
    char **names = xcalloc(1, sizeof(char *));

    if (scan_owned(on, reg, timeout_sec, host, found_domain, &names) < 0) {
        vrbd_strv_free(names);
        return -1;
    }
    *domains = names;
    return 0;
}

/* ---------------------------------------------------------------- checks */

static int
check_here(struct recover *r)
{
    virConnectPtr conn = vrbd_host_conn(r->on);
    vrbd_host_rbd_pool *pools = NULL;
    virDomainPtr dom;
    size_t np = 0;
    int ret = 0;

    if (vrbd_vm_disks_read(conn, r->xml, &r->disks, &r->n_disks) < 0)
        return -1;
    for (size_t i = 0; i < r->n_disks; i++)
        if (!r->disks[i].rbd && r->disks[i].source)
            return vrbd_error_set(VRBD_ERR_UNSUPPORTED, 0,
                                  "only VMs whose disks are all on Ceph can "
                                  "be recovered elsewhere",
                                  "disk %s of '%s' is on host '%s' itself "
                                  "(%s)",
                                  r->disks[i].target, r->domain, r->from.name,
                                  r->disks[i].source);
    if (vrbd_host_rbd_pool_list(r->on, &pools, &np) < 0)
        return -1;
    for (size_t i = 0; i < r->n_disks && ret == 0; i++)
        if (r->disks[i].rbd)
            ret = vrbd_host_check_disk(r->on, r->on_name, &r->disks[i], pools,
                                       np);
    vrbd_host_rbd_pool_list_free(pools, np);
    dom = ret == 0 ? virDomainLookupByName(conn, r->domain) : NULL;
    virResetLastError();
    if (dom && virDomainIsActive(dom) == 1)
        ret = vrbd_error_set(VRBD_ERR_EXISTS, EEXIST, NULL,
                             "'%s' runs on this host already", r->domain);
    if (dom)
        virDomainFree(dom);
    return ret;
}

/* ---------------------------------------------------------------- fence */

/* Fence every client of the disks on @c's cluster; recorded. */
static int
fence_cluster(struct recover *r, vrbd_disk_cluster *c, vrbd_recover_result *res)
{
    vrbd_spec *specs = xcalloc(r->n_disks + 1, sizeof(*specs));
    CLEANUP_FREE char *reason =
        xasprintf("vm recover %s from host %s", r->domain, r->from.name);
    vrbd_fence_opts fo = {.version = VRBD_FENCE_OPTS_VERSION,
                          .expire_sec = r->o->expire_sec,
                          .reason = reason};
    vrbd_fence_result f = {0};
    size_t n = 0;
    int ret = -1;

    for (size_t i = 0; i < r->n_disks; i++)
        if (r->disks[i].rbd && r->disks[i].fsid &&
            strcmp(r->disks[i].fsid, c->fsid) == 0 &&
            vrbd_spec_parse(r->disks[i].source, VRBD_SPEC_IMAGE, &specs[n]) ==
                0)
            n++;
    vrbd_error_clear();
    if (vrbd_fence(c->cl, specs, n, &fo, &f) < 0)
        goto cleanup;
    for (size_t i = 0; i < f.n_fenced; i++) {
        size_t k = 0;

        while (res->fenced && res->fenced[k])
            k++;
        res->fenced = xreallocarray(res->fenced, k + 2, sizeof(char *));
        res->fenced[k] = xasprintf("%s %s", c->name, f.fenced[i].addr);
        res->fenced[k + 1] = NULL;
        res->n_fenced++;
    }
    res->fence_until = f.until;
    ret = f.n_fenced
              ? add_records(r->o->reg, r->from.name, r->domain, c->fsid, &f)
              : 0;

cleanup:
    vrbd_fence_result_clear(&f);
    for (size_t i = 0; i < n; i++)
        vrbd_spec_clear(&specs[i]);
    free(specs);
    return ret;
}

/* Whether @d, a disk of a definition kept in the disks' metadata, is
 * owned by the domain still (its owner names it, on the old host). */
static bool
still_owned(struct recover *r, const vrbd_vm_disk *d)
{
    vrbd_disk_cluster *c = vrbd_disk_clusters_find(&r->dc, d->fsid);
    CLEANUP_FREE char *dom = NULL;
    vrbd_spec s = {0};
    char owner[512] = "";
    size_t len = sizeof(owner) - 1;
    rados_ioctx_t io;
    rbd_image_t img;
    int rc = -1;

    if (!c || !c->cl) /* unknown: kept, and its fence refuses */
        return true;
    if (vrbd_spec_parse(d->source, VRBD_SPEC_IMAGE, &s) == 0 &&
        vrbd_volume_open(c->cl, &s, true, &io, &img) == 0) {
        rc = rbd_metadata_get(img, VRBD_OWNER_KEY, owner, &len);
        rbd_close(img);
        rados_ioctx_destroy(io);
    }
    vrbd_spec_clear(&s);
    vrbd_error_clear();
    if (rc < 0 && rc != -ENOENT)
        return true; /* not read: kept */
    dom = rc == 0 ? owner_domain(owner, r->from.name) : NULL;
    return dom && strcmp(dom, r->domain) == 0;
}

/* A definition from the disks' metadata may be older than a detach: an
 * RBD disk (not shared) whose image the domain no longer owns is left
 * out, neither fenced (another VM may use it now) nor attached. */
static int
drop_detached(struct recover *r)
{
    xmlDocPtr doc = vrbd_xml_parse(r->xml);
    xmlNodePtr devices =
        vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");
    xmlNodePtr next;
    size_t kept = 0;

    if (!doc)
        return vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                              "cannot parse the definition of '%s'", r->domain);
    for (xmlNodePtr x = devices ? devices->children : NULL; x; x = next) {
        CLEANUP_FREE char *target =
            vrbd_xml_prop(vrbd_xml_child(x, "target"), "dev");

        next = x->next;
        for (size_t i = 0; target && i < r->n_disks; i++) {
            vrbd_vm_disk *d = &r->disks[i];

            if (strcmp((const char *)x->name, "disk") != 0 ||
                strcmp(d->target, target) != 0 || !d->rbd || d->shared ||
                still_owned(r, d))
                continue;
            vrbd_warn("disk %s (%s) left out: it was detached from '%s' "
                      "after its definition was kept",
                      d->target, d->source, r->domain);
            d->rbd = false; /* neither fenced nor counted */
            xmlUnlinkNode(x);
            xmlFreeNode(x);
            break;
        }
    }
    for (size_t i = 0; i < r->n_disks; i++)
        kept += r->disks[i].rbd;
    free(r->xml);
    r->xml = vrbd_xml_dump(doc); /* frees @doc */
    if (kept == 0)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, NULL,
                              "no disk of '%s' is its own any more: nothing "
                              "to recover",
                              r->domain);
    return 0;
}

static int
fence_all(struct recover *r, vrbd_recover_result *res)
{
    vrbd_disk_clusters_connect(&r->dc, r->o->reg, r->disks, r->n_disks,
                               r->o->timeout_sec);
    if (r->from_disks && drop_detached(r) < 0)
        return -1;
    for (size_t i = 0; i < r->n_disks; i++) {
        vrbd_disk_cluster *c =
            vrbd_disk_clusters_find(&r->dc, r->disks[i].fsid);

        if (r->disks[i].rbd && (!c || !c->cl))
            return vrbd_error_set(
                VRBD_ERR_UNREACHABLE, 0,
                "register the cluster ('{prog}{vrbd_registry_add}') or wait "
                "until it answers: starting the VM without a fence risks two "
                "writers",
                "cannot fence the clients of disk %s (%s): its cluster is not "
                "registered or does not answer",
                r->disks[i].target, r->disks[i].source);
    }
    for (size_t k = 0; k < r->dc.n; k++)
        if (fence_cluster(r, &r->dc.c[k], res) < 0)
            return -1;
    return 0;
}

/* ---------------------------------------------------------------- start */

static int
start_here(struct recover *r)
{
    CLEANUP_FREE char *xml = NULL;
    virDomainPtr dom;
    size_t changed = 0;

    xml = vrbd_disk_clusters_refresh_xml(&r->dc, r->disks, r->n_disks, r->xml,
                                         &changed);
    if (!xml)
        return vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                              "cannot parse the definition of '%s'", r->domain);
    dom = virDomainDefineXML(vrbd_host_conn(r->on), xml);
    if (!dom)
        return vrbd_error_libvirt("the clients stay fenced: fix the "
                                  "definition and run the same command again",
                                  "cannot define '%s' here", r->domain);
    if (virDomainCreate(dom) < 0) {
        vrbd_error_libvirt("the clients stay fenced: see the domain's log, "
                           "then start it",
                           "'%s' is defined here but did not start", r->domain);
        virDomainFree(dom);
        return -1;
    }
    vrbd_disk_clusters_record_owner(&r->dc, r->disks, r->n_disks, r->on, dom);
    virDomainFree(dom);
    return 0;
}

/* The old host, when it answers, keeps no copy that could run on: one
 * it still runs (--force: a host sick but answering) is fenced already
 * and is stopped now, and no definition stays that could start a second
 * one. */
static void
forget_there(struct recover *r)
{
    virDomainPtr dom;

    if (!r->from_host)
        return;
    dom = virDomainLookupByName(vrbd_host_conn(r->from_host), r->domain);
    if (dom && virDomainIsActive(dom) == 1) {
        if (virDomainDestroy(dom) == 0)
            vrbd_info("the fenced copy of '%s' on host '%s' stopped", r->domain,
                      r->from.name);
        else
            vrbd_warn("'%s' still runs on host '%s', fenced: stop it there",
                      r->domain, r->from.name);
    }
    if (dom && virDomainIsActive(dom) == 0 &&
        virDomainUndefineFlags(dom, 0) < 0)
        vrbd_warn("'%s' stays defined on host '%s': undefine it there",
                  r->domain, r->from.name);
    if (dom)
        virDomainFree(dom);
    virResetLastError();
}

int
vrbd_vm_recover(vrbd_host *on, const char *domain,
                const vrbd_recover_opts *opts, vrbd_recover_result *res)
{
    struct recover r = {.on = on, .domain = domain, .o = opts};
    CLEANUP_FREE char *u1 = NULL;
    double t0 = vrbd_now();
    int ret = -1;

    memset(res, 0, sizeof(*res));
    if (vrbd_opts_check(opts, VRBD_RECOVER_OPTS_VERSION, "vrbd_recover_opts") <
        0)
        return -1;
    if (!opts->reg || !opts->from)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "a recovery needs the registry and the host "
                              "the domain ran on");
    r.on_name = vrbd_host_label(on);
    if (vrbd_fleet_get(opts->reg, opts->from, &r.from) < 0 ||
        vrbd_host_uuid(on, &u1) < 0)
        goto cleanup;
    if (r.from.uuid && strcmp(r.from.uuid, u1) == 0) {
        vrbd_error_set(VRBD_ERR_INVALID, 0,
                       "run it on another host of the fleet",
                       "this is host '%s' itself", r.from.name);
        goto cleanup;
    }
    if (ask_from(&r, res) < 0 || (!r.xml && find_definition(&r, res) < 0) ||
        check_here(&r) < 0)
        goto cleanup;
    vrbd_test_pause("recover-before-fence");
    if (fence_all(&r, res) < 0)
        goto cleanup;
    for (size_t i = 0; i < r.n_disks; i++)
        res->disks += r.disks[i].rbd;
    if (start_here(&r) < 0)
        goto cleanup;
    forget_there(&r);
    ret = 0;

cleanup:
    res->seconds = vrbd_now() - t0;
    recover_clear(&r);
    return ret;
}

/* ---------------------------------------------------------------- unfence */

int
vrbd_fleet_unfence(vrbd_registry *reg, const char *host, unsigned timeout_sec,
                   size_t *lifted)
{
    CLEANUP_FREE char *path = NULL;
    vrbd_fence_record *rec = NULL;
    vrbd_host *h = NULL;
    vrbd_fleet_host fh = {0};
    size_t n = 0;
    int ret = -1;

    *lifted = 0;
    if (vrbd_fleet_get(reg, host, &fh) < 0 ||
        vrbd_fleet_fence_records(reg, host, &rec, &n) < 0)
        goto cleanup;
    if (n == 0) {
        ret = 0;
        goto cleanup;
    }
    /* it must answer: else nobody knows whether its QEMUs still run */
    if (vrbd_host_open_within(fh.uri, timeout_sec, &h) < 0)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        virDomainPtr dom =
            virDomainLookupByName(vrbd_host_conn(h), rec[i].domain);
        int active = dom ? virDomainIsActive(dom) : 0;

        if (dom && active == 0 && virDomainUndefineFlags(dom, 0) < 0)
            vrbd_warn("'%s' stays defined on host '%s'", rec[i].domain, host);
        if (dom)
            virDomainFree(dom);
        virResetLastError();
        if (active == 1) {
            CLEANUP_FREE char *hint = xasprintf(
                "it runs elsewhere since 'vm recover': stop this stale copy "
                "(virsh destroy) or reboot the host, then run this again");

            vrbd_error_set(VRBD_ERR_BUSY, EBUSY, hint,
                           "host '%s' still runs '%s'", host, rec[i].domain);
            goto cleanup;
        }
    }
    for (size_t i = 0; i < n; i++) {
        vrbd_cluster_entry *cls = NULL;
        vrbd_cluster *cl = NULL;
        size_t nc = 0, removed = 0;
        const char *addr = rec[i].addr;

        if (vrbd_registry_list(reg, &cls, &nc) < 0)
            goto cleanup;
        for (size_t k = 0; k < nc && !cl; k++)
            if (cls[k].fsid && strcmp(cls[k].fsid, rec[i].fsid) == 0) {
                vrbd_cluster_opts co =
                    vrbd_cluster_entry_opts(&cls[k], timeout_sec);

                if (vrbd_cluster_connect(&co, &cl) < 0)
                    break;
            }
        vrbd_cluster_entry_list_free(cls, nc);
        if (!cl) {
            if (!vrbd_error_last()->code)
                vrbd_error_set(VRBD_ERR_NOT_FOUND, 0, NULL,
                               "cluster %s of a fence is not registered",
                               rec[i].fsid);
            goto cleanup;
        }
        ret = vrbd_unfence(cl, &addr, 1, &removed);
        vrbd_cluster_free(cl);
        if (ret < 0)
            goto cleanup;
        *lifted += removed;
    }
    path = fence_path(reg, host);
    ret = unlink(path) < 0 && errno != ENOENT
              ? vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                               "cannot remove '%s': %s", path, strerror(errno))
              : 0;

cleanup:
    vrbd_host_free(h);
    vrbd_fleet_host_clear(&fh);
    vrbd_fence_record_list_free(rec, n);
    return ret;
}
