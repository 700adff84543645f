/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * failover.c: a protected VM (dr-vm.c) moved, whole, to the other cluster
 * of its pair, and back.  A planned failover stops the guest, demotes
 * each image (librbd takes a last mirror snapshot), waits until the other
 * side holds it in full, promotes the copies there, and defines the
 * domain again with its disks on that cluster.  A forced one reads and
 * writes nothing of the old cluster: it promotes what the other side
 * holds.  Failback demotes and resynchronises what a forced failover
 * left split, waits, and fails over home, planned.  A DR test boots a
 * copy of the other side's newest snapshot as a domain of its own.  rbd-mirror
 * copies; this module only drives librbd's mirror calls and libvirt.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "clock.h"
#include "dr-internal.h"
#include "internal.h"
#include "virt.h"
#include "volume-internal.h"
#include "xml-util.h"

VRBD_DEFINE_CLEANUP(vrbd_cluster, vrbd_cluster_free)

/* A disk's copy on the cluster failed over to. */
struct dst {
    rados_ioctx_t io;
    rbd_image_t img;
    bool open;
    bool copied; /* dr test: its IMAGE-drtest made */
};

struct fo {
    struct vrbd_dr_ctx v;
    const vrbd_dr_vm_opts *o;
    vrbd_cluster *to; /* borrowed from v.conns */
    struct dst *dst;  /* per v.dd */
    bool was_running;
    bool demoted;
    double t_down;
    vrbd_failover_result *res;
};

void
vrbd_failover_result_clear(vrbd_failover_result *res)
{
    if (!res)
        return;
    free(res->from);
    free(res->to);
    memset(res, 0, sizeof(*res));
}

static void
fo_clear(struct fo *f)
{
    for (size_t i = 0; f->dst && i < f->v.n_dd; i++)
        if (f->dst[i].open) {
            rbd_close(f->dst[i].img);
            rados_ioctx_destroy(f->dst[i].io);
        }
    free(f->dst);
    vrbd_dr_vm_clear(&f->v);
}

/* The cluster opts->to names, connected (kept among v.conns). */
static int
to_connect(struct fo *f, const char *name)
{
    vrbd_cluster_entry e = {0};

    if (!name)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "name the cluster to fail over to in {to}",
            "no cluster to fail domain '%s' over to", f->v.domain);
    if (vrbd_registry_get(f->o->reg, name, &e) < 0)
        return -1;
    f->to = vrbd_dr_conn(&f->v, e.fsid);
    vrbd_cluster_entry_clear(&e);
    return f->to ? 0 : -1;
}

/* Open disk @i's copy on the cluster failed over to, read-write. */
static int
dst_open(struct fo *f, size_t i)
{
    struct vrbd_dr_dd *d = &f->v.dd[i];

    if (vrbd_volume_open(f->to, &d->spec, false, &f->dst[i].io,
                         &f->dst[i].img) < 0)
        return -1;
    f->dst[i].open = true;
    return 0;
}

/* ---------------------------------------------------------------- guest */

/* Shut a running guest down, within opts->shutdown_sec. */
static int
guest_stop(struct fo *f)
{
    unsigned limit =
        f->o->shutdown_sec ? f->o->shutdown_sec : VRBD_DR_SHUTDOWN_SEC;
    double deadline;

    f->was_running = virDomainIsActive(f->v.dom) == 1;
    if (!f->was_running)
        return 0;
    f->t_down = vrbd_now();
    deadline = f->t_down + limit;
    for (double next = 0; virDomainIsActive(f->v.dom) == 1;) {
        /* again every 5 s: a guest still booting misses the button */
        if (vrbd_now() >= next) {
            if (virDomainShutdown(f->v.dom) < 0 &&
                virDomainIsActive(f->v.dom) == 1)
                return vrbd_error_libvirt(NULL, "cannot shut domain '%s' down",
                                          f->v.domain);
            next = vrbd_now() + 5;
        }
        if (vrbd_now() >= deadline)
            return vrbd_error_set(
                VRBD_ERR_TIMEOUT, ETIMEDOUT,
                "shut it down yourself (or virsh destroy it), then fail "
                "over again; nothing was changed",
                "domain '%s' did not shut down within %u s", f->v.domain,
                limit);
        usleep(200 * 1000);
    }
    return 0;
}

/* Start the domain again if it ran. */
static int
guest_start(struct fo *f)
{
    if (!f->was_running)
        return 0;
    if (virDomainCreate(f->v.dom) < 0)
        return vrbd_error_libvirt(NULL, "cannot start domain '%s'",
                                  f->v.domain);
    f->res->started = true;
    f->res->downtime_sec = vrbd_now() - f->t_down;
    return 0;
}

/* ---------------------------------------------------------------- the
 * definition */

/* Point <disk> @d (an RBD disk of image @name) at cluster @cl: its
 * monitors, this host's user and secret for the pool. */
static int
disk_rewrite(struct fo *f, xmlNodePtr d, const struct vrbd_dr_dd *dd,
             char *const *hosts)
{
    xmlNodePtr src = vrbd_xml_child(d, "source");
    xmlNodePtr auth = vrbd_xml_child(src, "auth");
    xmlNodePtr sec;
    CLEANUP_FREE char *user = NULL;
    char uuid[37];

    if (vrbd_host_connection_for(f->v.host, f->to, dd->spec.pool, NULL, &user,
                                 uuid) < 0)
        return -1;
    vrbd_xml_replace_hosts(src, hosts);
    if (!auth)
        auth = vrbd_xml_child(d, "auth");
    if (!auth)
        auth = xmlNewChild(d, NULL, BAD_CAST "auth", NULL);
    xmlSetProp(auth, BAD_CAST "username", BAD_CAST user);
    sec = vrbd_xml_child(auth, "secret");
    if (!sec)
        sec = xmlNewChild(auth, NULL, BAD_CAST "secret", NULL);
    xmlUnsetProp(sec, BAD_CAST "usage");
    xmlSetProp(sec, BAD_CAST "type", BAD_CAST "ceph");
    xmlSetProp(sec, BAD_CAST "uuid", BAD_CAST uuid);
    return 0;
}

/* The protected disk whose image is @name ("pool/image"), or NULL. */
static const struct vrbd_dr_dd *
dd_of(struct fo *f, const char *name)
{
    for (size_t i = 0; name && i < f->v.n_dd; i++)
        if (f->v.dd[i].d->source && strcmp(f->v.dd[i].d->source, name) == 0 &&
            f->v.dd[i].spec.image)
            return &f->v.dd[i];
    return NULL;
}

/* Define the domain again with its disks on the new cluster. */
static int
redefine(struct fo *f)
{
    CLEANUP_FREE char *xml =
        virDomainGetXMLDesc(f->v.dom, VIR_DOMAIN_XML_INACTIVE);
    size_t n_hosts = 0;
    char **hosts = vrbd_cluster_mon_hosts(f->to, &n_hosts);
    xmlDocPtr doc = xml ? vrbd_xml_parse(xml) : NULL;
    xmlNodePtr devs =
        vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");
    CLEANUP_FREE char *out = NULL;
    virDomainPtr nd;
    int rc = -1;

    if (!hosts || !doc) {
        if (!hosts)
            goto cleanup;
        vrbd_error_libvirt(NULL, "cannot read domain '%s'", f->v.domain);
        goto cleanup;
    }
    for (xmlNodePtr d = devs ? devs->children : NULL; d; d = d->next) {
        xmlNodePtr src = vrbd_xml_child(d, "source");
        CLEANUP_FREE char *name = vrbd_xml_prop(src, "name");
        const struct vrbd_dr_dd *dd;

        if (d->type != XML_ELEMENT_NODE ||
            strcmp((const char *)d->name, "disk") != 0 ||
            !vrbd_xml_prop_is(src, "protocol", "rbd") || !(dd = dd_of(f, name)))
            continue;
        if (disk_rewrite(f, d, dd, hosts) < 0)
            goto cleanup;
    }
    out = vrbd_xml_dump(doc);
    doc = NULL; /* vrbd_xml_dump freed it */
    nd = out ? virDomainDefineXML(vrbd_host_conn(f->v.host), out) : NULL;
    if (!nd) {
        vrbd_error_libvirt(NULL, "cannot define domain '%s' again",
                           f->v.domain);
        goto cleanup;
    }
    virDomainFree(f->v.dom);
    f->v.dom = nd;
    rc = 0;

cleanup:
    if (doc)
        xmlFreeDoc(doc);
    vrbd_strv_free(hosts);
    return rc;
}

/* ---------------------------------------------------------------- images */

/* The new primaries' DR settings (the old cluster as peer) and
 * schedules; best effort on the old cluster's schedule. */
static void
settings_swap(struct fo *f, bool split)
{
    for (size_t i = 0; i < f->v.n_dd; i++) {
        struct vrbd_dr_dd *d = &f->v.dd[i];
        struct vrbd_dr_dd nd = {.d = d->d, .spec = d->spec, .cl = f->to};
        unsigned interval = d->interval ? d->interval : VRBD_DR_INTERVAL_SEC;
        CLEANUP_FREE char *settings =
            xasprintf("peer=%s interval=%u%s", d->d->fsid, interval,
                      split ? " split=1" : "");

        if (!f->dst[i].open)
            continue;
        if (rbd_metadata_set(f->dst[i].img, VRBD_DR_KEY, settings) < 0)
            vrbd_warn("cannot write the DR settings of disk %s on cluster "
                      "'%s'",
                      d->d->target, vrbd_cluster_name(f->to));
        if (vrbd_dr_schedule(&nd, true, interval) < 0)
            vrbd_warn("%s", vrbd_error_last()->message);
        if (d->cl && !split && vrbd_dr_schedule(d, false, 0) < 0)
            vrbd_warn("%s", vrbd_error_last()->message);
        vrbd_error_clear();
    }
}

/* Promote every copy on the cluster failed over to; the daemon there may
 * hold an image's lock a moment longer: that is tried again until
 * opts->wait_sec. */
static int
promote_all(struct fo *f, bool force)
{
    double deadline = vrbd_now() + (f->o->wait_sec ? f->o->wait_sec : 60);

    for (size_t i = 0; i < f->v.n_dd; i++) {
        struct vrbd_dr_dd *d = &f->v.dd[i];
        rbd_mirror_image_info_t info;
        bool primary = false;
        int r;

        if (!f->dst[i].open)
            continue;
        if (rbd_mirror_image_get_info(f->dst[i].img, &info, sizeof(info)) ==
            0) {
            primary = info.primary;
            rbd_mirror_image_get_info_cleanup(&info);
        }
        while (!primary &&
               (r = rbd_mirror_image_promote(f->dst[i].img, force)) < 0) {
            CLEANUP_FREE char *name = NULL;

            /* EROFS: the daemon holds the copy's lock until it has
             * seen the demotion */
            if ((r == -EBUSY || r == -EAGAIN || r == -EROFS) &&
                vrbd_now() < deadline) {
                usleep(500 * 1000);
                continue;
            }
            name = vrbd_dr_disk_name(d);
            return vrbd_cluster_error(f->to, r,
                                      "cannot promote disk %s (%s) on "
                                      "cluster '%s'",
                                      d->d->target, name,
                                      vrbd_cluster_name(f->to));
        }
    }
    return 0;
}

/* Demote every image on the old cluster: librbd takes a last mirror
 * snapshot, which d->want names. */
static int
demote_all(struct fo *f)
{
    for (size_t i = 0; i < f->v.n_dd; i++) {
        struct vrbd_dr_dd *d = &f->v.dd[i];
        struct vrbd_msnap s = {0};
        int r = rbd_mirror_image_demote(d->img);

        if (r < 0) {
            CLEANUP_FREE char *name = vrbd_dr_disk_name(d);

            return vrbd_cluster_error(d->cl, r, "cannot demote disk %s (%s)",
                                      d->d->target, name);
        }
        f->demoted = true;
        if (vrbd_dr_newest_msnap(d->img, true, false, &s) > 0) {
            d->want = s.id;
            if (!f->res->recovery_point || s.when < f->res->recovery_point)
                f->res->recovery_point = s.when;
        }
    }
    return 0;
}

/* After a failure once demoted: the old images primary again, the guest
 * started again; the first error kept. */
static void
demote_undo(struct fo *f)
{
    vrbd_error_saved e;

    vrbd_error_save(&e);
    for (size_t i = 0; f->demoted && i < f->v.n_dd; i++)
        if (rbd_mirror_image_promote(f->v.dd[i].img, false) < 0)
            vrbd_warn("cannot promote disk %s again on cluster '%s'",
                      f->v.dd[i].d->target, vrbd_cluster_name(f->v.dd[i].cl));
    if (f->was_running && virDomainCreate(f->v.dom) < 0)
        vrbd_warn("cannot start domain '%s' again", f->v.domain);
    vrbd_error_restore(&e, NULL);
}

/* Record the domain as the owner of its new disks (best effort). */
static void
owners_record(struct fo *f)
{
    vrbd_owner_record rec = {0};

    vrbd_owner_record_init(&rec, f->v.host, f->v.dom);
    for (size_t i = 0; i < f->v.n_dd; i++)
        if (f->dst[i].open)
            vrbd_owner_record_write(&rec, f->to, &f->v.dd[i].spec);
    vrbd_owner_record_clear(&rec);
}

/* After the promotion: settings, definition, owners, the guest. */
static int
finish(struct fo *f, bool split)
{
    settings_swap(f, split);
    if (redefine(f) < 0)
        return -1;
    owners_record(f);
    f->res->to = xstrdup(vrbd_cluster_name(f->to));
    return guest_start(f);
}

/* ---------------------------------------------------------------- planned */

/* Every RBD disk protected towards @to, primary here; @to's daemon up. */
static int
planned_check(struct fo *f)
{
    const char *to_fsid = vrbd_cluster_fsid(f->to);
    const struct vrbd_dr_dd *first = NULL;

    for (size_t i = 0; i < f->v.n_dd; i++) {
        struct vrbd_dr_dd *d = &f->v.dd[i];
        CLEANUP_FREE char *name = vrbd_dr_disk_name(d);

        if (strcmp(vrbd_cluster_fsid(d->cl), to_fsid) == 0) {
            if (!d->peer_fsid)
                continue; /* a disk of that cluster stays as it is */
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0,
                "to bring it back, {prog}{vrbd_vm_failback}",
                "domain '%s' runs on cluster '%s' already (disk %s, %s)",
                f->v.domain, vrbd_cluster_name(f->to), d->d->target, name);
        }
        if (!d->peer_fsid || strcmp(d->peer_fsid, to_fsid) != 0)
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0,
                "protect it first: {prog}{vrbd_dr_enable} ... {to} the "
                "cluster",
                "disk %s (%s) of domain '%s' is not replicated to cluster "
                "'%s': it would be left behind",
                d->d->target, name, f->v.domain, vrbd_cluster_name(f->to));
        first = first ? first : d;
    }
    if (!first)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                              "protect it with {prog}{vrbd_dr_enable}",
                              "domain '%s' is not protected", f->v.domain);
    if (vrbd_dr_check_primary(&f->v, "fail over") < 0)
        return -1;
    if (vrbd_dr_daemons_health(f->to, first->spec.pool) ==
        VRBD_DR_HEALTH_ERROR) {
        CLEANUP_FREE char *hint =
            xasprintf(VRBD_DR_DAEMON_HINT_FMT, vrbd_cluster_name(f->to));

        return vrbd_error_set(VRBD_ERR_CONFIG, 0, hint,
                              "no rbd-mirror daemon reports for pool '%s' "
                              "on cluster '%s': the last snapshot would "
                              "never arrive",
                              first->spec.pool, vrbd_cluster_name(f->to));
    }
    return 0;
}

/* Open every image on the old cluster: one that does not answer is
 * named, with the way out. */
static int
old_open(struct fo *f)
{
    vrbd_error_saved e;

    if (vrbd_dr_vm_open_images(&f->v) == 0)
        return 0;
    if (vrbd_error_last()->code != VRBD_ERR_TIMEOUT &&
        vrbd_error_last()->code != VRBD_ERR_UNREACHABLE)
        return -1;
    vrbd_error_save(&e);
    return vrbd_error_restore(
        &e, "if that cluster is lost, fail over with {force}: the other "
            "cluster's copies are promoted as they are");
}

static int
planned(struct fo *f)
{
    if (old_open(f) < 0 || planned_check(f) < 0)
        return -1;
    for (size_t i = 0; i < f->v.n_dd; i++) {
        if (!f->v.dd[i].peer_fsid)
            continue;
        if (dst_open(f, i) < 0)
            return -1;
        if (!f->res->from)
            f->res->from = xstrdup(vrbd_cluster_name(f->v.dd[i].cl));
    }
    if (guest_stop(f) < 0)
        return -1;
    if (demote_all(f) < 0 || vrbd_dr_wait_synced(&f->v) < 0 ||
        promote_all(f, false) < 0) {
        demote_undo(f);
        return -1;
    }
    return finish(f, false);
}

/* ---------------------------------------------------------------- forced */

/* Each RBD disk's copy on @to opened, and checked to be the DR copy of
 * it; the oldest newest snapshot of theirs into res->recovery_point. */
static int
forced_open(struct fo *f)
{
    const char *to_fsid = vrbd_cluster_fsid(f->to);
    size_t n = 0;

    for (size_t i = 0; i < f->v.n_dd; i++) {
        struct vrbd_dr_dd *d = &f->v.dd[i];
        struct vrbd_msnap s = {0};
        char buf[256];
        size_t len = sizeof(buf);

        if (vrbd_spec_parse(d->d->source, VRBD_SPEC_IMAGE, &d->spec) < 0)
            return -1;
        if (d->d->fsid && strcmp(d->d->fsid, to_fsid) == 0)
            continue;
        if (dst_open(f, i) < 0)
            return -1;
        if (rbd_metadata_get(f->dst[i].img, VRBD_DR_KEY, buf, &len) == 0)
            vrbd_dr_settings_parse(buf, d);
        if (!d->peer_fsid || !vrbd_dr_mirrored(f->dst[i].img))
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0, NULL,
                "disk %s (%s) of domain '%s' has no mirrored copy on "
                "cluster '%s'",
                d->d->target, d->d->source, f->v.domain,
                vrbd_cluster_name(f->to));
        if (vrbd_dr_newest_msnap(f->dst[i].img, false, true, &s) > 0 &&
            (!f->res->recovery_point || s.when < f->res->recovery_point))
            f->res->recovery_point = s.when;
        n++;
    }
    if (n == 0)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, NULL,
                              "domain '%s' has no disk to fail over to "
                              "cluster '%s'",
                              f->v.domain, vrbd_cluster_name(f->to));
    return 0;
}

static int
forced(struct fo *f)
{
    f->res->forced = true;
    if (forced_open(f) < 0)
        return -1;
    f->was_running = virDomainIsActive(f->v.dom) == 1;
    if (f->was_running) {
        /* its cluster does not answer: it can write nothing anyway */
        f->t_down = vrbd_now();
        if (virDomainDestroy(f->v.dom) < 0)
            return vrbd_error_libvirt(NULL, "cannot stop domain '%s'",
                                      f->v.domain);
        f->res->destroyed = true;
    }
    for (size_t i = 0; i < f->v.n_dd && !f->res->from; i++)
        if (f->dst[i].open && f->v.dd[i].d->fsid) {
            vrbd_cluster_entry *all = NULL;
            size_t n = 0;

            if (vrbd_registry_list(f->o->reg, &all, &n) == 0)
                for (size_t k = 0; k < n && !f->res->from; k++)
                    if (all[k].fsid &&
                        strcmp(all[k].fsid, f->v.dd[i].d->fsid) == 0)
                        f->res->from = xstrdup(all[k].name);
            vrbd_cluster_entry_list_free(all, n);
            vrbd_error_clear();
        }
    if (promote_all(f, true) < 0)
        return -1;
    return finish(f, true);
}

int
vrbd_vm_failover(vrbd_host *host, const char *domain,
                 const vrbd_dr_vm_opts *opts, vrbd_failover_result *res)
{
    struct fo f = {.o = opts, .res = res};
    int rc = -1;

    memset(res, 0, sizeof(*res));
    if (vrbd_dr_vm_open(&f.v, host, domain, opts) < 0 ||
        to_connect(&f, opts->to) < 0)
        goto cleanup;
    if (virDomainIsPersistent(f.v.dom) != 1) {
        vrbd_error_set(VRBD_ERR_INVALID, 0,
                       "define it first (virsh dumpxml, virsh define)",
                       "domain '%s' is transient: only a defined domain "
                       "fails over",
                       domain);
        goto cleanup;
    }
    f.dst = xcalloc(f.v.n_dd + 1, sizeof(*f.dst));
    rc = opts->force ? forced(&f) : planned(&f);
    res->disks = 0;
    for (size_t i = 0; i < f.v.n_dd; i++)
        res->disks += f.dst[i].open;

cleanup:
    fo_clear(&f);
    return rc;
}

/* ---------------------------------------------------------------- failback */

/* Whether the peer site's status of @img (the primary) says its copy
 * needs a resync: split-brain or an error. */
static bool
copy_broken(rbd_image_t img)
{
    rbd_mirror_image_global_status_t g;
    bool broken = false;

    if (rbd_mirror_image_get_global_status(img, &g, sizeof(g)) < 0)
        return false;
    for (uint32_t i = 0; i < g.site_statuses_count; i++) {
        const rbd_mirror_image_site_status_t *s = &g.site_statuses[i];

        if (s->mirror_uuid && *s->mirror_uuid &&
            (s->state == MIRROR_IMAGE_STATUS_STATE_ERROR ||
             (s->description && strstr(s->description, "split-brain"))))
            broken = true;
    }
    rbd_mirror_image_global_status_cleanup(&g);
    return broken;
}

/* Disk @i's copy at home: demoted if primary still, resynchronised if
 * split or broken. */
static int
home_prepare(struct fo *f, size_t i)
{
    struct vrbd_dr_dd *d = &f->v.dd[i];
    rbd_mirror_image_info_t info;
    bool primary = false;
    int r;

    if (rbd_mirror_image_get_info(f->dst[i].img, &info, sizeof(info)) == 0) {
        primary = info.primary;
        rbd_mirror_image_get_info_cleanup(&info);
    }
    if (primary && (r = rbd_mirror_image_demote(f->dst[i].img)) < 0)
        return vrbd_cluster_error(f->to, r,
                                  "cannot demote the old copy of disk %s on "
                                  "cluster '%s'",
                                  d->d->target, vrbd_cluster_name(f->to));
    if (!primary && !copy_broken(d->img))
        return 0;
    r = rbd_mirror_image_resync(f->dst[i].img);
    if (r < 0)
        return vrbd_cluster_error(f->to, r,
                                  "cannot resynchronise the old copy of disk "
                                  "%s on cluster '%s'",
                                  d->d->target, vrbd_cluster_name(f->to));
    f->res->resynced++;
    return 0;
}

/* Home's copies repaired and in step with a mirror snapshot taken now. */
static int
home_sync(struct fo *f)
{
    for (size_t i = 0; i < f->v.n_dd; i++) {
        struct vrbd_dr_dd *d = &f->v.dd[i];
        uint64_t id = 0;
        int r;

        if (!d->peer_fsid)
            continue;
        if (strcmp(d->peer_fsid, vrbd_cluster_fsid(f->to)) != 0)
            return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                                  "the disks of domain '%s' are replicated "
                                  "to more than one cluster",
                                  f->v.domain);
        if (dst_open(f, i) < 0 || home_prepare(f, i) < 0)
            return -1;
        r = rbd_mirror_image_create_snapshot(d->img, &id);
        if (r < 0)
            return vrbd_cluster_error(d->cl, r,
                                      "cannot take a mirror snapshot of disk "
                                      "%s",
                                      d->d->target);
        d->want = id;
    }
    return vrbd_dr_wait_synced(&f->v);
}

int
vrbd_vm_failback(vrbd_host *host, const char *domain,
                 const vrbd_dr_vm_opts *opts, vrbd_failover_result *res)
{
    struct fo f = {.o = opts, .res = res};
    vrbd_dr_vm_opts o2 = *opts;
    CLEANUP_FREE char *home = NULL;
    unsigned resynced;
    int rc = -1;

    memset(res, 0, sizeof(*res));
    if (vrbd_dr_vm_open(&f.v, host, domain, opts) < 0 ||
        vrbd_dr_vm_open_images(&f.v) < 0 ||
        vrbd_dr_check_primary(&f.v, "fail back") < 0)
        goto cleanup;
    for (size_t i = 0; i < f.v.n_dd && !f.to; i++)
        if (f.v.dd[i].peer_fsid &&
            !(f.to = vrbd_dr_conn(&f.v, f.v.dd[i].peer_fsid)))
            goto cleanup;
    if (!f.to) {
        vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, NULL,
                       "domain '%s' is not protected", domain);
        goto cleanup;
    }
    f.dst = xcalloc(f.v.n_dd + 1, sizeof(*f.dst));
    if (home_sync(&f) < 0)
        goto cleanup;
    home = xstrdup(vrbd_cluster_name(f.to));
    resynced = res->resynced;
    fo_clear(&f);
    memset(&f, 0, sizeof(f));
    o2.to = home;
    o2.force = false;
    rc = vrbd_vm_failover(host, domain, &o2, res);
    res->resynced = resynced;
    return rc;

cleanup:
    fo_clear(&f);
    return rc;
}

/* ---------------------------------------------------------------- dr test */

#define DRTEST_SUFFIX "-drtest"

void
vrbd_dr_test_result_clear(vrbd_dr_test_result *res)
{
    if (!res)
        return;
    free(res->domain);
    free(res->cluster);
    memset(res, 0, sizeof(*res));
}

/* The peer of the VM's protected disks, into f->to. */
static int
test_peer(struct fo *f)
{
    for (size_t i = 0; i < f->v.n_dd && !f->to; i++)
        if (f->v.dd[i].peer_fsid &&
            !(f->to = vrbd_dr_conn(&f->v, f->v.dd[i].peer_fsid)))
            return -1;
    if (!f->to)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                              "protect it with {prog}{vrbd_dr_enable}",
                              "domain '%s' is not protected", f->v.domain);
    return 0;
}

/* "pool[/ns]/IMAGE-drtest" of disk @d; free(). */
static char *
test_image(const struct vrbd_dr_dd *d)
{
    vrbd_spec t = d->spec;
    CLEANUP_FREE char *image = xasprintf("%s" DRTEST_SUFFIX, d->spec.image);

    t.image = image;
    t.snap = NULL;
    return vrbd_volume_name(&t);
}

/* Disk @i's copy on f->to at its newest complete mirror snapshot,
 * copied to IMAGE-drtest beside it. */
static int
test_copy_one(struct fo *f, size_t i, int64_t *when)
{
    struct vrbd_dr_dd *d = &f->v.dd[i];
    CLEANUP_FREE char *name = xasprintf("%s" DRTEST_SUFFIX, d->spec.image);
    struct vrbd_msnap s = {0};
    rbd_image_options_t o;
    rados_ioctx_t io;
    rbd_image_t img;
    int r;

    if (vrbd_volume_open(f->to, &d->spec, true, &io, &img) < 0)
        return -1;
    r = vrbd_dr_newest_msnap(img, false, true, &s);
    if (r > 0 && (r = rbd_snap_set_by_id(img, s.id)) == 0) {
        rbd_image_options_create(&o);
        /* a plain copy of the data at that snapshot, sparse (4 KiB
         * zero runs skipped): librbd 16's deep copy of an image opened
         * at a mirror snapshot aborts in its object map rollback */
        r = rbd_copy4(img, io, name, o, 4096);
        rbd_image_options_destroy(o);
    } else if (r == 0) {
        r = -ENOENT;
    }
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (r == -ENOENT && !s.id)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                              "wait for the first sync (see "
                              "{prog}{vrbd_dr_status})",
                              "disk %s has no complete copy on cluster '%s' "
                              "yet",
                              d->d->target, vrbd_cluster_name(f->to));
    if (r == -EEXIST)
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "remove the last test first ({prog}"
                              "{vrbd_dr_test} {clean})",
                              "image %s/%s exists on cluster '%s'",
                              d->spec.pool, name, vrbd_cluster_name(f->to));
    if (r < 0)
        return vrbd_cluster_error(f->to, r,
                                  "cannot copy disk %s's mirror snapshot on "
                                  "cluster '%s' to %s",
                                  d->d->target, vrbd_cluster_name(f->to), name);
    f->dst[i].copied = true;
    if (!*when || s.when < *when)
        *when = s.when;
    return 0;
}

/* Remove the IMAGE-drtest images (those this call made, or with @all
 * every protected disk's); a missing one is no failure. */
static void
test_remove(struct fo *f, bool all)
{
    for (size_t i = 0; i < f->v.n_dd; i++) {
        struct vrbd_dr_dd *d = &f->v.dd[i];
        CLEANUP_FREE char *name = NULL;
        rados_ioctx_t io;
        int r;

        if (!d->peer_fsid || (!all && !f->dst[i].copied) ||
            vrbd_volume_ioctx(f->to, d->spec.pool, d->spec.nspace, &io) < 0)
            continue;
        name = xasprintf("%s" DRTEST_SUFFIX, d->spec.image);
        r = rbd_remove(io, name);
        if (r < 0 && r != -ENOENT)
            vrbd_warn("cannot remove %s/%s on cluster '%s': %s", d->spec.pool,
                      name, vrbd_cluster_name(f->to), strerror(-r));
        rados_ioctx_destroy(io);
    }
    vrbd_error_clear();
}

/* One device of the test domain: RBD disks on the copies, other disks
 * and network interfaces gone, file consoles renamed.  Whether @n
 * stays. */
static int
test_device(struct fo *f, xmlNodePtr n, char *const *hosts, bool *keep)
{
    const char *kind = (const char *)n->name;
    xmlNodePtr src = vrbd_xml_child(n, "source");
    CLEANUP_FREE char *name = vrbd_xml_prop(src, "name");
    CLEANUP_FREE char *path = vrbd_xml_prop(src, "path");
    const struct vrbd_dr_dd *dd;
    CLEANUP_FREE char *image = NULL;

    *keep = true;
    if (strcmp(kind, "interface") == 0) {
        *keep = false;
    } else if (strcmp(kind, "disk") == 0) {
        dd = vrbd_xml_prop_is(src, "protocol", "rbd") ? dd_of(f, name) : NULL;
        if (!dd || !dd->peer_fsid) {
            *keep = false;
            return 0;
        }
        image = test_image(dd);
        xmlSetProp(src, BAD_CAST "name", BAD_CAST image);
        return disk_rewrite(f, n, dd, hosts);
    } else if ((strcmp(kind, "serial") == 0 || strcmp(kind, "console") == 0) &&
               path) {
        CLEANUP_FREE char *p2 = xasprintf("%s.drtest", path);

        xmlSetProp(src, BAD_CAST "path", BAD_CAST p2);
    }
    return 0;
}

/* The test domain's definition; NULL with the error set. */
static char *
test_xml(struct fo *f, const char *name)
{
    CLEANUP_FREE char *xml =
        virDomainGetXMLDesc(f->v.dom, VIR_DOMAIN_XML_INACTIVE);
    size_t n_hosts = 0;
    char **hosts = vrbd_cluster_mon_hosts(f->to, &n_hosts);
    xmlDocPtr doc = xml ? vrbd_xml_parse(xml) : NULL;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr devs = vrbd_xml_child(root, "devices"), next;
    char *out = NULL;

    if (!hosts || !root) {
        if (hosts)
            vrbd_error_libvirt(NULL, "cannot read domain '%s'", f->v.domain);
        goto cleanup;
    }
    xmlNodeSetContent(vrbd_xml_child(root, "name"), BAD_CAST name);
    for (xmlNodePtr u = vrbd_xml_child(root, "uuid"); u; u = NULL) {
        xmlUnlinkNode(u);
        xmlFreeNode(u);
    }
    for (xmlNodePtr d = devs ? devs->children : NULL; d; d = next) {
        bool keep;

        next = d->next;
        if (d->type != XML_ELEMENT_NODE)
            continue;
        if (test_device(f, d, hosts, &keep) < 0)
            goto cleanup;
        if (!keep) {
            xmlUnlinkNode(d);
            xmlFreeNode(d);
        }
    }
    out = vrbd_xml_dump(doc);
    doc = NULL; /* vrbd_xml_dump freed it */

cleanup:
    if (doc)
        xmlFreeDoc(doc);
    vrbd_strv_free(hosts);
    return out;
}

/* Stop and undefine the test domain @name if there is one. */
static void
test_domain_remove(struct fo *f, const char *name)
{
    virDomainPtr d = virDomainLookupByName(vrbd_host_conn(f->v.host), name);

    if (d) {
        if (virDomainIsActive(d) == 1)
            virDomainDestroy(d);
        virDomainUndefineFlags(d, 0);
        virDomainFree(d);
    }
    virResetLastError();
}

static int
test_make(struct fo *f, const char *name, vrbd_dr_test_result *res)
{
    virDomainPtr d = virDomainLookupByName(vrbd_host_conn(f->v.host), name);
    CLEANUP_FREE char *xml = NULL;

    virResetLastError();
    if (d) {
        virDomainFree(d);
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "remove it first ({prog}{vrbd_dr_test} {clean})",
                              "domain '%s' exists", name);
    }
    for (size_t i = 0; i < f->v.n_dd; i++)
        if (f->v.dd[i].peer_fsid &&
            test_copy_one(f, i, &res->snapshot_time) < 0)
            return -1;
    if (!(xml = test_xml(f, name)))
        return -1;
    d = virDomainDefineXML(vrbd_host_conn(f->v.host), xml);
    if (!d)
        return vrbd_error_libvirt(NULL, "cannot define domain '%s'", name);
    if (virDomainCreate(d) < 0) {
        vrbd_error_libvirt(NULL, "cannot start domain '%s'", name);
        virDomainFree(d);
        return -1;
    }
    virDomainFree(d);
    for (size_t i = 0; i < f->v.n_dd; i++)
        res->disks += f->dst[i].copied;
    return 0;
}

int
vrbd_dr_test(vrbd_host *host, const char *domain, const vrbd_dr_vm_opts *opts,
             bool clean, vrbd_dr_test_result *res)
{
    struct fo f = {.o = opts};
    CLEANUP_FREE char *name = xasprintf("%s" DRTEST_SUFFIX, domain);
    int rc = -1;

    memset(res, 0, sizeof(*res));
    if (vrbd_dr_vm_open(&f.v, host, domain, opts) < 0 ||
        vrbd_dr_vm_open_images(&f.v) < 0 || test_peer(&f) < 0)
        goto cleanup;
    f.dst = xcalloc(f.v.n_dd + 1, sizeof(*f.dst));
    res->domain = xstrdup(name);
    res->cluster = xstrdup(vrbd_cluster_name(f.to));
    if (clean) {
        test_domain_remove(&f, name);
        test_remove(&f, true);
        rc = 0;
    } else if ((rc = test_make(&f, name, res)) < 0) {
        vrbd_error_saved e;

        vrbd_error_save(&e);
        test_domain_remove(&f, name);
        test_remove(&f, false);
        vrbd_error_restore(&e, NULL);
    }

cleanup:
    fo_clear(&f);
    return rc;
}
