/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * doctor.c: one report on everything between a VM and its RBD disks.
 * Each check ends ok, warn or fail, and every warn or fail names the fix.
 * Checks never change anything; a check that cannot run (a cluster down)
 * is itself a failing check, not an error.
 */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include <rbd/librbd.h>

#include "host-internal.h"
#include "internal.h"
#include "virt.h"
#include "xml-util.h"

struct report {
    vrbd_check *checks;
    size_t n;
};

static void __attribute__((format(printf, 5, 6)))
add(struct report *r, vrbd_check_status st, const char *name, const char *fix,
    const char *fmt, ...)
{
    vrbd_check *c;
    CLEANUP_FREE char *msg = NULL;
    va_list ap;

    r->checks = xreallocarray(r->checks, r->n + 1, sizeof(*r->checks));
    c = &r->checks[r->n++];
    c->name = xstrdup(name);
    c->status = st;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    c->message = vrbd_words(msg);
    c->fix = fix && st != VRBD_CHECK_OK ? vrbd_words(fix) : NULL;
}

void
vrbd_check_list_free(vrbd_check *checks, size_t n)
{
    if (!checks)
        return;
    for (size_t i = 0; i < n; i++) {
        free(checks[i].name);
        free(checks[i].message);
        free(checks[i].fix);
    }
    free(checks);
}

/* ---- host */

static void
check_backend(struct report *r, virConnectPtr conn)
{
    CLEANUP_FREE char *caps = virConnectGetStoragePoolCapabilities(conn, 0);
    xmlDocPtr doc = caps ? vrbd_xml_parse(caps) : NULL;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    bool rbd = false;

    for (xmlNodePtr p = root ? root->children : NULL; p; p = p->next)
        if (p->type == XML_ELEMENT_NODE && vrbd_xml_prop_is(p, "type", "rbd") &&
            vrbd_xml_prop_is(p, "supported", "yes"))
            rbd = true;
    xmlFreeDoc(doc);
    virResetLastError();
    if (rbd)
        add(r, VRBD_CHECK_OK, "libvirt-rbd-backend", NULL,
            "libvirt's rbd storage backend is loaded");
    else
        add(r, VRBD_CHECK_FAIL, "libvirt-rbd-backend",
            "install libvirt-daemon-driver-storage-rbd (Debian/Ubuntu) and restart libvirtd",
            "libvirt has no rbd storage backend: RBD pools stay in state 'unknown' or fail to define");
}

static void
check_qemu_rbd(struct report *r)
{
    glob_t g;
    bool found = glob("/usr/lib/*/qemu/block-rbd.so", 0, NULL, &g) == 0 ||
                 glob("/usr/lib64/qemu/block-rbd.so", 0, NULL, &g) == 0 ||
                 glob("/usr/lib/qemu/block-rbd.so", 0, NULL, &g) == 0;

    if (found) {
        add(r, VRBD_CHECK_OK, "qemu-rbd", NULL, "QEMU's rbd block driver: %s",
            g.gl_pathv[0]);
        globfree(&g);
    } else {
        add(r, VRBD_CHECK_FAIL, "qemu-rbd",
            "install qemu-block-extra (Debian/Ubuntu)",
            "QEMU's rbd block driver (block-rbd.so) is not installed: guests cannot open RBD disks");
    }
}

/* ---- clusters */

struct cluster_ref {
    vrbd_cluster_entry e;
    vrbd_cluster *cl; /* NULL when unreachable */
    char **mons;      /* current monitors, "ip:port" (both v1 and v2) */
};

static void
check_keyring_mode(struct report *r, const char *name, const char *path)
{
    CLEANUP_FREE char *check = xasprintf("keyring:%s", name);
    CLEANUP_FREE char *fix = NULL;
    struct stat st;

    if (!path)
        return;
    if (stat(path, &st) < 0) {
        add(r, VRBD_CHECK_FAIL, check,
            "fix the keyring path in the registry ({prog}{vrbd_registry_get})",
            "keyring '%s' of cluster '%s': %s", path, name, strerror(errno));
        return;
    }
    fix = xasprintf("chmod 600 '%s'", path);
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        add(r, VRBD_CHECK_FAIL, check, fix,
            "keyring '%s' of cluster '%s' is readable by group or others (mode %03o)",
            path, name, (unsigned)(st.st_mode & 0777));
    else
        add(r, VRBD_CHECK_OK, check, NULL, "keyring '%s' has mode %03o", path,
            (unsigned)(st.st_mode & 0777));
}

static void
check_cluster(struct report *r, struct cluster_ref *c, unsigned timeout)
{
    CLEANUP_FREE char *check = xasprintf("cluster:%s", c->e.name);
    CLEANUP_FREE char *clock = xasprintf("clock:%s", c->e.name);
    vrbd_cluster_opts o = vrbd_cluster_entry_opts(&c->e, timeout);
    vrbd_cluster_status *st = NULL;
    bool skew = false;

    check_keyring_mode(r, c->e.name, c->e.keyring);
    if (vrbd_cluster_connect(&o, &c->cl) < 0 ||
        vrbd_cluster_status_get(c->cl, &st) < 0) {
        const vrbd_error *e = vrbd_error_last();

        add(r, VRBD_CHECK_FAIL, check, e->hint ? e->hint : NULL, "%s",
            e->message);
        vrbd_cluster_free(c->cl);
        c->cl = NULL;
        return;
    }
    if (c->e.fsid && strcmp(c->e.fsid, st->fsid) != 0)
        add(r, VRBD_CHECK_FAIL, check,
            "the registry points at another cluster: fix it ({prog}{vrbd_registry_remove}, {vrbd_registry_add})",
            "cluster '%s' answers with fsid %s, registered as %s", c->e.name,
            st->fsid, c->e.fsid);
    else if (strcmp(st->health, "HEALTH_OK") == 0)
        add(r, VRBD_CHECK_OK, check, NULL,
            "cluster '%s' reachable, HEALTH_OK, %u/%u OSDs up, %u/%u PGs active+clean",
            c->e.name, st->osds_up, st->osds, st->pgs_active_clean, st->pgs);
    else
        add(r,
            strcmp(st->health, "HEALTH_ERR") == 0 ? VRBD_CHECK_FAIL
                                                  : VRBD_CHECK_WARN,
            check, "see the health checks: ceph health detail",
            "cluster '%s' reachable, %s: %s", c->e.name, st->health,
            st->n_health_checks ? st->health_checks[0] : "no detail");
    for (size_t i = 0; i < st->n_health_checks; i++)
        if (strncmp(st->health_checks[i], "MON_CLOCK_SKEW", 14) == 0) {
            add(r, VRBD_CHECK_WARN, clock,
                "synchronise the monitors' clocks (chrony or ntpd)", "%s",
                st->health_checks[i]);
            skew = true;
        }
    if (!skew)
        add(r, VRBD_CHECK_OK, clock, NULL, "no clock skew between monitors");
    c->mons = vrbd_mon_addrs_all(st->mon_addrs, st->n_mon_addrs);
    vrbd_cluster_status_free(st);
}

static struct cluster_ref *
cluster_by_fsid(struct cluster_ref *refs, size_t n, const char *fsid)
{
    for (size_t i = 0; fsid && i < n; i++)
        if (refs[i].e.fsid && strcmp(refs[i].e.fsid, fsid) == 0)
            return &refs[i];
    return NULL;
}

static bool
in_list(char *const *list, const char *s)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* ---- pools */

/* the temporary images of imports and copies that did not finish */
static void
check_partials(struct report *r, struct cluster_ref *c, const char *pool)
{
    vrbd_partial *parts = NULL;
    size_t n = 0;

    if (vrbd_partial_list(c->cl, pool, NULL, &parts, &n) < 0) {
        vrbd_error_clear();
        return;
    }
    for (size_t i = 0; i < n; i++) {
        CLEANUP_FREE char *check = NULL;
        CLEANUP_FREE char *d = NULL;

        if (parts[i].running)
            continue;
        check = xasprintf("leftover:%s/%s", pool, parts[i].name);
        d = vrbd_partial_describe(&parts[i], c->e.name, pool, NULL);
        add(r, VRBD_CHECK_WARN, check, NULL, "%s", d);
    }
    vrbd_partial_list_free(parts, n);
}

/* The libvirt secret of pool @p: there, and private */
static void
check_pool_secret(struct report *r, virConnectPtr conn,
                  const vrbd_host_rbd_pool *p, const struct cluster_ref *c)
{
    CLEANUP_FREE char *sec = xasprintf("secret:%s", p->name);
    CLEANUP_FREE char *xml = NULL;
    virSecretPtr s = p->secret_uuid
                         ? virSecretLookupByUUIDString(conn, p->secret_uuid)
                         : NULL;

    if (!s) {
        CLEANUP_FREE char *fix =
            xasprintf("run: {prog}{vrbd_host_connect} %s:%s",
                      c ? c->e.name : "CLUSTER", p->pool ? p->pool : "POOL");

        add(r, VRBD_CHECK_FAIL, sec, fix,
            "pool '%s' refers to secret %s, which does not exist", p->name,
            p->secret_uuid ? p->secret_uuid : "(none)");
        virResetLastError();
        return;
    }
    xml = virSecretGetXMLDesc(s, 0);
    if (xml && vrbd_secret_xml_private(xml))
        add(r, VRBD_CHECK_OK, sec, NULL, "secret %s is private",
            p->secret_uuid);
    else
        add(r, VRBD_CHECK_WARN, sec,
            "redefine it private: {prog}{vrbd_host_disconnect}, then {vrbd_host_connect}",
            "secret %s is not private: anyone with libvirt access can read the key (virsh secret-get-value)",
            p->secret_uuid);
    virSecretFree(s);
}

/* The Ceph user of pool @p on its answering cluster @c: least privilege */
static void
check_pool_caps(struct report *r, const vrbd_host_rbd_pool *p,
                const struct cluster_ref *c)
{
    CLEANUP_FREE char *caps = xasprintf("caps:%s", p->name);
    CLEANUP_FREE char *entity = xasprintf("client.%s", p->user ? p->user : "?");
    vrbd_user u = {0};

    if (vrbd_user_get(c->cl, entity, &u) < 0) {
        add(r, VRBD_CHECK_WARN, caps, vrbd_error_last()->hint, "%s",
            vrbd_error_last()->message);
        return;
    }
    if (u.unrestricted)
        add(r, VRBD_CHECK_FAIL, caps,
            "give libvirt a least-privilege user: {prog}{vrbd_host_disconnect}, then {vrbd_host_connect} {entity} client.libvirt",
            "libvirt pool '%s' uses %s, which has 'allow *' caps", p->name,
            entity);
    else
        add(r, VRBD_CHECK_OK, caps, NULL, "%s: mon '%s' osd '%s'", entity,
            u.caps_mon ? u.caps_mon : "", u.caps_osd ? u.caps_osd : "");
    vrbd_user_clear(&u);
}

/* The Ceph side of pool @p on its answering cluster @c: the pool there,
 * the user's caps, the monitors current */
static void
check_pool_ceph(struct report *r, const vrbd_host_rbd_pool *p,
                const struct cluster_ref *c)
{
    CLEANUP_FREE char *check = xasprintf("pool:%s", p->name);
    CLEANUP_FREE char *mons = xasprintf("monitors:%s", p->name);
    CLEANUP_FREE char *fix = NULL;
    bool stale = false;

    if (rados_pool_lookup(vrbd_cluster_rados(c->cl), p->pool ? p->pool : "") <
        0) {
        CLEANUP_FREE char *recreate = xasprintf(
            "recreate it ({prog}{vrbd_pool_create} %s:%s) or remove the libvirt "
            "pool ({prog}{vrbd_host_disconnect} %s:%s {name} %s)",
            c->e.name, p->pool, c->e.name, p->pool, p->name);

        add(r, VRBD_CHECK_FAIL, check, recreate,
            "Ceph pool '%s' of libvirt pool '%s' does not exist on cluster '%s'",
            p->pool ? p->pool : "?", p->name, c->e.name);
    }
    check_pool_caps(r, p, c);
    for (size_t i = 0; p->hosts && p->hosts[i]; i++)
        if (!in_list(c->mons, p->hosts[i]))
            stale = true;
    fix = xasprintf("run: {prog}{vrbd_host_refresh_mons} %s", c->e.name);
    if (stale)
        add(r, VRBD_CHECK_WARN, mons, fix,
            "pool '%s' lists monitors that are not in cluster '%s''s monmap",
            p->name, c->e.name);
    else
        add(r, VRBD_CHECK_OK, mons, NULL, "pool '%s' lists current monitors",
            p->name);
}

/* The libvirt side of pool @p: active, autostarted */
static void
check_pool_state(struct report *r, const vrbd_host_rbd_pool *p)
{
    CLEANUP_FREE char *check = xasprintf("pool:%s", p->name);

    if (!p->active)
        add(r, VRBD_CHECK_FAIL, check,
            "run: {prog}{vrbd_host_ensure} {wait_sec} 60 (and enable virt-rbd-ensure.service for boot)",
            "libvirt pool '%s' is inactive", p->name);
    else if (!p->autostart)
        add(r, VRBD_CHECK_WARN, check,
            "run: virsh pool-autostart (or {prog}{vrbd_host_connect} again)",
            "libvirt pool '%s' is active but not autostarted", p->name);
    else
        add(r, VRBD_CHECK_OK, check, NULL,
            "libvirt pool '%s' is active and autostarted, %lld volume(s)",
            p->name, (long long)p->volumes);
}

static void
check_pool(struct report *r, virConnectPtr conn, const vrbd_host_rbd_pool *p,
           struct cluster_ref *c)
{
    check_pool_secret(r, conn, p, c);
    if (!c) {
        CLEANUP_FREE char *check = xasprintf("pool:%s", p->name);

        add(r, VRBD_CHECK_WARN, check,
            "register its cluster: {prog}{vrbd_registry_add} NAME ...",
            "pool '%s' belongs to a cluster that is not registered (fsid %s): its Ceph side cannot be checked",
            p->name, p->fsid ? p->fsid : "unknown");
    } else if (c->cl) {
        check_pool_ceph(r, p, c);
    }
    check_pool_state(r, p);
    if (c && c->cl && p->pool)
        check_partials(r, c, p->pool);
}

/* ---- domains */

/* The registered cluster an RBD disk @d (its <source> @src) is on: by its
 * secret's virt-rbd usage name, else by the libvirt pool using its secret;
 * NULL when unknown. */
static struct cluster_ref *
disk_cluster(xmlNodePtr d, xmlNodePtr src, const vrbd_host_rbd_pool *pools,
             size_t np, struct cluster_ref *refs, size_t nrefs)
{
    xmlNodePtr sec = vrbd_xml_child(vrbd_xml_child(src, "auth"), "secret");
    CLEANUP_FREE char *uuid = NULL;
    CLEANUP_FREE char *usage = NULL;
    CLEANUP_FREE char *fsid = NULL;
    struct cluster_ref *c = NULL;

    if (!sec)
        sec = vrbd_xml_child(vrbd_xml_child(d, "auth"), "secret");
    uuid = vrbd_xml_prop(sec, "uuid");
    usage = vrbd_xml_prop(sec, "usage");
    fsid = vrbd_secret_usage_fsid(usage);
    if (fsid)
        c = cluster_by_fsid(refs, nrefs, fsid);
    for (size_t k = 0; !c && uuid && k < np; k++)
        if (pools[k].secret_uuid && strcmp(pools[k].secret_uuid, uuid) == 0)
            c = cluster_by_fsid(refs, nrefs, pools[k].fsid);
    return c;
}

/* Whether image @name ("pool/image" or "pool/namespace/image") opens on
 * @cl: 0, or a negative errno */
static int
image_opens(vrbd_cluster *cl, const char *name)
{
    vrbd_spec s;
    rados_ioctx_t io;
    rbd_image_t img;
    int ret = vrbd_spec_parse(name, VRBD_SPEC_IMAGE, &s) == 0 ? 0 : -EINVAL;

    vrbd_error_clear();
    if (ret < 0)
        return ret;
    ret = rados_ioctx_create(vrbd_cluster_rados(cl), s.pool, &io);
    if (ret == 0) {
        rados_ioctx_set_namespace(io, s.nspace ? s.nspace : "");
        ret = rbd_open_read_only(io, s.image, &img, NULL);
        if (ret == 0)
            rbd_close(img);
        rados_ioctx_destroy(io);
    }
    vrbd_spec_clear(&s);
    return ret;
}

/* Whether a disk's <source> @src lists a monitor not in @c's monmap */
static bool
stale_monitors(xmlNodePtr src, const struct cluster_ref *c)
{
    for (xmlNodePtr h = src->children; h; h = h->next) {
        CLEANUP_FREE char *hn = NULL;
        CLEANUP_FREE char *hp = NULL;
        CLEANUP_FREE char *addr = NULL;

        if (h->type != XML_ELEMENT_NODE ||
            strcmp((const char *)h->name, "host") != 0)
            continue;
        hn = vrbd_xml_prop(h, "name");
        hp = vrbd_xml_prop(h, "port");
        /* an IPv6 name goes in brackets, as in the monmap */
        addr = xasprintf(hn && strchr(hn, ':') ? "[%s]:%s" : "%s:%s",
                         hn ? hn : "", hp ? hp : "6789");
        if (!in_list(c->mons, addr))
            return true;
    }
    return false;
}

/* One RBD disk @d of domain @dname: its cluster known and answering, its
 * image there, its monitors those of the cluster */
static void
check_disk(struct report *r, const char *dname, xmlNodePtr d, xmlNodePtr src,
           const vrbd_host_rbd_pool *pools, size_t np, struct cluster_ref *refs,
           size_t nrefs)
{
    CLEANUP_FREE char *name = vrbd_xml_prop(src, "name");
    CLEANUP_FREE char *target =
        vrbd_xml_prop(vrbd_xml_child(d, "target"), "dev");
    const char *tgt = target ? target : "?";
    CLEANUP_FREE char *check = xasprintf("disk:%s/%s", dname, tgt);
    struct cluster_ref *c = disk_cluster(d, src, pools, np, refs, nrefs);
    int ret;

    if (!c || !c->cl) {
        add(r, VRBD_CHECK_WARN, check,
            c ? "bring the cluster back (see its cluster: check)"
              : "attach it with virt-rbd so its cluster is known",
            "%s's disk %s (%s): %s", dname, tgt, name ? name : "?",
            c ? "its cluster does not answer"
              : "its cluster is not known to virt-rbd");
        return;
    }
    if (name && strchr(name, '/') && (ret = image_opens(c->cl, name)) < 0) {
        add(r, VRBD_CHECK_FAIL, check,
            "restore the image, or detach the disk (virsh detach-disk)",
            "%s's disk %s points at %s on cluster '%s', which does not exist (%s)",
            dname, tgt, name, c->e.name, strerror(-ret));
        return;
    }
    if (stale_monitors(src, c)) {
        CLEANUP_FREE char *fix =
            xasprintf("run: {prog}{vrbd_host_refresh_mons} %s", c->e.name);

        add(r, VRBD_CHECK_WARN, check, fix,
            "%s's disk %s lists monitors that are not in cluster '%s''s monmap",
            dname, tgt, c->e.name);
        return;
    }
    add(r, VRBD_CHECK_OK, check, NULL,
        "%s's disk %s: %s exists on cluster '%s'", dname, tgt, name, c->e.name);
}

static void
check_domain_disks(struct report *r, virDomainPtr dom,
                   const vrbd_host_rbd_pool *pools, size_t np,
                   struct cluster_ref *refs, size_t nrefs)
{
    CLEANUP_FREE char *xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    xmlDocPtr doc = xml ? vrbd_xml_parse(xml) : NULL;
    xmlNodePtr devices =
        vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");
    const char *dname = virDomainGetName(dom);

    for (xmlNodePtr d = devices ? devices->children : NULL; d; d = d->next) {
        xmlNodePtr src;

        if (d->type != XML_ELEMENT_NODE ||
            strcmp((const char *)d->name, "disk") != 0 ||
            !vrbd_xml_prop_is(d, "type", "network"))
            continue;
        src = vrbd_xml_child(d, "source");
        if (vrbd_xml_prop_is(src, "protocol", "rbd"))
            check_disk(r, dname, d, src, pools, np, refs, nrefs);
    }
    xmlFreeDoc(doc);
}

/* The host's RBD pools, and the RBD disks of its domains (only those of
 * @cluster when not NULL). */
static void
check_host_objects(struct report *r, vrbd_host *host, const char *cluster,
                   struct cluster_ref *refs, size_t n_refs)
{
    vrbd_host_rbd_pool *pools = NULL;
    size_t np = 0;
    virDomainPtr *doms = NULL;
    int nd;

    if (vrbd_host_rbd_pool_list(host, &pools, &np) == 0) {
        for (size_t i = 0; i < np; i++) {
            struct cluster_ref *c =
                cluster_by_fsid(refs, n_refs, pools[i].fsid);

            if (cluster && !c)
                continue;
            check_pool(r, vrbd_host_conn(host), &pools[i], c);
        }
    }
    nd = virConnectListAllDomains(vrbd_host_conn(host), &doms, 0);
    for (int i = 0; i < nd; i++) {
        check_domain_disks(r, doms[i], pools, np, refs, n_refs);
        virDomainFree(doms[i]);
    }
    free(doms);
    vrbd_host_rbd_pool_list_free(pools, np);
    virResetLastError();
}

int
vrbd_doctor_run(const vrbd_doctor_opts *opts, vrbd_check **checks,
                size_t *n_checks)
{
    struct report r = {0};
    vrbd_cluster_entry *all = NULL;
    struct cluster_ref *refs = NULL;
    size_t n_all = 0, n_refs = 0;
    vrbd_host *host = NULL;
    unsigned timeout = opts->timeout_sec ? opts->timeout_sec : 10;

    if (vrbd_opts_check(opts, VRBD_DOCTOR_OPTS_VERSION, "vrbd_doctor_opts") < 0)
        return -1;
    if (vrbd_registry_list(opts->reg, &all, &n_all) < 0) {
        add(&r, VRBD_CHECK_FAIL, "registry", vrbd_error_last()->hint, "%s",
            vrbd_error_last()->message);
    }
    if (opts->cluster) {
        bool found = false;

        for (size_t i = 0; i < n_all; i++)
            if (strcmp(all[i].name, opts->cluster) == 0)
                found = true;
        if (!found) {
            vrbd_cluster_entry_list_free(all, n_all);
            return vrbd_error_set(
                VRBD_ERR_NOT_FOUND, ENOENT, "see '{prog}{vrbd_registry_list}'",
                "cluster '%s' is not registered", opts->cluster);
        }
    }

    /* host */
    if (vrbd_host_open(opts->uri, &host) < 0) {
        add(&r, VRBD_CHECK_FAIL, "libvirt",
            "start libvirtd (systemctl start libvirtd), or pass {uri}", "%s",
            vrbd_error_last()->message);
    } else {
        unsigned long lv = 0;

        virConnectGetLibVersion(vrbd_host_conn(host), &lv);
        add(&r, VRBD_CHECK_OK, "libvirt", NULL,
            "libvirt %lu.%lu.%lu answers at %s", lv / 1000000, lv / 1000 % 1000,
            lv % 1000, vrbd_host_uri(host));
        check_backend(&r, vrbd_host_conn(host));
    }
    check_qemu_rbd(&r);

    /* clusters */
    refs = xcalloc(n_all + 1, sizeof(*refs));
    for (size_t i = 0; i < n_all; i++) {
        if (opts->cluster && strcmp(all[i].name, opts->cluster) != 0)
            continue;
        refs[n_refs].e = all[i];
        memset(&all[i], 0, sizeof(all[i]));
        check_cluster(&r, &refs[n_refs], timeout);
        n_refs++;
    }
    if (n_refs == 0 && !opts->cluster)
        add(&r, VRBD_CHECK_WARN, "registry",
            "register a cluster: {prog}{vrbd_registry_add} NAME ...",
            "no cluster is registered");

    if (host)
        check_host_objects(&r, host, opts->cluster, refs, n_refs);

    for (size_t i = 0; i < n_refs; i++) {
        vrbd_cluster_free(refs[i].cl);
        vrbd_cluster_entry_clear(&refs[i].e);
        vrbd_strv_free(refs[i].mons);
    }
    free(refs);
    vrbd_cluster_entry_list_free(all, n_all);
    vrbd_host_free(host);
    vrbd_error_clear();
    *checks = r.checks;
    *n_checks = r.n;
    return 0;
}
