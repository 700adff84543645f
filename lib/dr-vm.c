/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dr-vm.c: a VM, not an image, as the unit of replication.  Protecting a
 * VM turns on snapshot-based mirroring of each of its RBD disks (librbd's
 * rbd_mirror_image_*), adds a mirror snapshot schedule per image to the
 * primary cluster's manager (its rbd_support module, reached through the
 * monitors so that the call is bounded), and keeps the VM's definition
 * and DR settings in each image's metadata, which rbd-mirror copies with
 * the image.  The state of a VM is read from the images themselves: the
 * newest mirror snapshot the other side holds in full is the recovery
 * point.  rbd-mirror does the copying; nothing here loops over data.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "clock.h"
#include "dr-internal.h"
#include "host-internal.h"
#include "internal.h"
#include "json-util.h"
#include "virt.h"
#include "volume-internal.h"

VRBD_DEFINE_CLEANUP(vrbd_dr_vm, vrbd_dr_vm_free)
VRBD_DEFINE_CLEANUP(vrbd_cluster, vrbd_cluster_free)

static void
dd_close(struct vrbd_dr_dd *d)
{
    if (d->open) {
        rbd_close(d->img);
        rados_ioctx_destroy(d->io);
        d->open = false;
    }
}

void
vrbd_dr_vm_clear(struct vrbd_dr_ctx *v)
{
    for (size_t i = 0; i < v->n_dd; i++) {
        dd_close(&v->dd[i]);
        vrbd_spec_clear(&v->dd[i].spec);
        free(v->dd[i].peer_fsid);
    }
    free(v->dd);
    for (size_t i = 0; i < v->n_conns; i++)
        vrbd_cluster_free(v->conns[i]);
    free(v->conns);
    vrbd_vm_disk_list_free(v->disks, v->n_disks);
    if (v->dom)
        virDomainFree(v->dom);
}

static void
disk_clear(vrbd_dr_disk *d)
{
    free(d->target);
    free(d->cluster);
    free(d->peer);
    free(d->pool);
    free(d->image);
    free(d->state);
    free(d->peer_state);
    free(d->peer_description);
    free(d->error);
}

void
vrbd_dr_vm_free(vrbd_dr_vm *vm)
{
    if (!vm)
        return;
    for (size_t i = 0; i < vm->n_disks; i++)
        disk_clear(&vm->disks[i]);
    free(vm->disks);
    free(vm->domain);
    free(vm->cluster);
    free(vm->peer);
    free(vm->error);
    free(vm);
}

/* The connection to the registered cluster @fsid, made once. */
vrbd_cluster *
vrbd_dr_conn(struct vrbd_dr_ctx *v, const char *fsid)
{
    vrbd_cluster *cl;

    for (size_t i = 0; i < v->n_conns; i++)
        if (strcmp(vrbd_cluster_fsid(v->conns[i]), fsid) == 0)
            return v->conns[i];
    if (!(cl = vrbd_cluster_by_fsid(v->o->reg, fsid, v->timeout)))
        return NULL;
    v->conns = xreallocarray(v->conns, v->n_conns + 1, sizeof(*v->conns));
    v->conns[v->n_conns++] = cl;
    return cl;
}

/* "peer=FSID interval=SEC", the DR settings of a disk */
void
vrbd_dr_settings_parse(const char *text, struct vrbd_dr_dd *d)
{
    const char *p = strstr(text, "peer=");
    const char *i = strstr(text, "interval=");

    free(d->peer_fsid);
    d->peer_fsid = p ? xstrndup(p + 5, strcspn(p + 5, " ")) : NULL;
    d->interval = i ? (unsigned)strtoul(i + 9, NULL, 10) : 0;
    d->split = strstr(text, " split=1") != NULL;
    if (!d->interval)
        d->interval = VRBD_DR_INTERVAL_SEC;
}

static void
settings_read(struct vrbd_dr_dd *d)
{
    char buf[256];
    size_t len = sizeof(buf);

    if (rbd_metadata_get(d->img, VRBD_DR_KEY, buf, &len) == 0)
        vrbd_dr_settings_parse(buf, d);
}

/* Open disk @d's image on its cluster, read-write, and its settings. */
static int
dd_open(struct vrbd_dr_ctx *v, struct vrbd_dr_dd *d)
{
    if (!d->d->fsid)
        return vrbd_error_set(
            VRBD_ERR_CONFIG, 0,
            "attach it with {prog}{vrbd_vm_disk_attach}, which uses a "
            "virt-rbd secret",
            "disk %s (%s) of domain '%s' does not use a virt-rbd secret: its "
            "cluster is unknown",
            d->d->target, d->d->source, v->domain);
    if (!(d->cl = vrbd_dr_conn(v, d->d->fsid)) ||
        vrbd_spec_parse(d->d->source, VRBD_SPEC_IMAGE, &d->spec) < 0 ||
        vrbd_volume_open(d->cl, &d->spec, false, &d->io, &d->img) < 0)
        return -1;
    d->open = true;
    settings_read(d);
    return 0;
}

/* The domain, its disks, each RBD disk's image open. */
int
vrbd_dr_vm_open(struct vrbd_dr_ctx *v, vrbd_host *host, const char *domain,
                const vrbd_dr_vm_opts *o)
{
    CLEANUP_FREE char *xml = NULL;

    if (vrbd_opts_check(o, VRBD_DR_VM_OPTS_VERSION, "vrbd_dr_vm_opts") < 0)
        return -1;
    if (!o->reg)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "no registry given (vrbd_dr_vm_opts.reg)");
    v->host = host;
    v->domain = domain;
    v->o = o;
    v->timeout = o->timeout_sec ? o->timeout_sec : VRBD_DEFAULT_TIMEOUT_SEC;
    v->dom = virDomainLookupByName(vrbd_host_conn(host), domain);
    if (!v->dom)
        return vrbd_error_libvirt("see 'virsh list --all'", "no domain '%s'",
                                  domain);
    xml = virDomainGetXMLDesc(v->dom, 0);
    if (!xml)
        return vrbd_error_libvirt(NULL, "cannot read domain '%s'", domain);
    vrbd_vm_disks_read(vrbd_host_conn(host), xml, &v->disks, &v->n_disks);
    v->dd = xcalloc(v->n_disks + 1, sizeof(*v->dd));
    for (size_t i = 0; i < v->n_disks; i++)
        if (v->disks[i].rbd)
            v->dd[v->n_dd++].d = &v->disks[i];
    return 0;
}

int
vrbd_dr_vm_open_images(struct vrbd_dr_ctx *v)
{
    for (size_t i = 0; i < v->n_dd; i++)
        if (dd_open(v, &v->dd[i]) < 0)
            return -1;
    return 0;
}

/* "ceph:rbd/img" of disk @d, for messages; free(). */
char *
vrbd_dr_disk_name(const struct vrbd_dr_dd *d)
{
    CLEANUP_FREE char *img = vrbd_volume_name(&d->spec);

    return xasprintf("%s:%s", vrbd_cluster_name(d->cl), img);
}

/* ---------------------------------------------------------------- mirror
 * snapshots */

/*
 * The newest mirror snapshot of @img whose state is @want (primary or
 * non-primary; with @complete, only one copied in full) into @out: 1, or
 * 0 when there is none, or a negative errno.
 */
int
vrbd_dr_newest_msnap(rbd_image_t img, bool primary, bool complete,
                     struct vrbd_msnap *out)
{
    rbd_snap_info_t *snaps = NULL;
    int n = vrbd_volume_snap_list(img, &snaps), found = 0;

    if (n < 0)
        return n;
    for (int i = 0; i < n; i++) {
        rbd_snap_namespace_type_t t;
        rbd_snap_mirror_namespace_t m;
        struct timespec ts = {0};
        bool is_primary;

        if (rbd_snap_get_namespace_type(img, snaps[i].id, &t) < 0 ||
            t != RBD_SNAP_NAMESPACE_TYPE_MIRROR ||
            rbd_snap_get_mirror_namespace(img, snaps[i].id, &m, sizeof(m)) < 0)
            continue;
        is_primary = m.state == RBD_SNAP_MIRROR_STATE_PRIMARY ||
                     m.state == RBD_SNAP_MIRROR_STATE_PRIMARY_DEMOTED;
        if (is_primary == primary && (!complete || m.complete) &&
            (!found || snaps[i].id > out->id)) {
            rbd_snap_get_timestamp(img, snaps[i].id, &ts);
            *out = (struct vrbd_msnap){.id = snaps[i].id,
                                       .when = (int64_t)ts.tv_sec,
                                       .complete = m.complete,
                                       .primary_id = m.primary_snap_id};
            found = 1;
        }
        rbd_snap_mirror_namespace_cleanup(&m, sizeof(m));
    }
    vrbd_volume_snap_list_free(snaps, n);
    return found;
}

/*
 * The newest mirror snapshot of disk @d that its copy on @peer holds in
 * full (the copy's snapshot names the primary's): 1, 0 when there is none
 * yet (or no copy yet), -1 with the error set.
 */
int
vrbd_dr_peer_synced(struct vrbd_dr_dd *d, vrbd_cluster *peer,
                    struct vrbd_msnap *out)
{
    rados_ioctx_t io;
    rbd_image_t img;
    int r;

    if (vrbd_volume_ioctx(peer, d->spec.pool, d->spec.nspace, &io) < 0)
        return -1;
    r = rbd_open_read_only(io, d->spec.image, &img, NULL);
    if (r == -ENOENT) {
        rados_ioctx_destroy(io);
        return 0;
    }
    if (r == 0) {
        rbd_mirror_image_info_t info;
        bool primary = false;

        if (rbd_mirror_image_get_info(img, &info, sizeof(info)) == 0) {
            primary = info.primary;
            rbd_mirror_image_get_info_cleanup(&info);
        }
        r = vrbd_dr_newest_msnap(img, false, true, out);
        out->primary = primary;
        rbd_close(img);
    }
    rados_ioctx_destroy(io);
    if (r < 0)
        return vrbd_cluster_error(peer, r,
                                  "cannot read the copy of %s/%s on cluster "
                                  "'%s'",
                                  d->spec.pool, d->spec.image,
                                  vrbd_cluster_name(peer));
    return r;
}

/* ---------------------------------------------------------------- state */

static vrbd_cluster *
peer_of(struct vrbd_dr_ctx *v, const struct vrbd_dr_dd *d)
{
    vrbd_cluster *cl;

    if (!d->peer_fsid)
        return NULL;
    cl = vrbd_dr_conn(v, d->peer_fsid);
    if (!cl)
        vrbd_error_clear();
    return cl;
}

/* What a replaying daemon's description ("replaying, {JSON}") says of
 * the bytes it copies. */
static void
description_read(const char *desc, vrbd_dr_disk *out)
{
    const char *brace = desc ? strchr(desc, '{') : NULL;
    CLEANUP(vrbd_json_put) struct json_object *o = NULL;
    struct json_object *v;

    if (!brace || !(o = vrbd_json_parse(brace, strlen(brace))))
        return;
    if (json_object_object_get_ex(o, "last_snapshot_bytes", &v))
        out->last_sync_bytes = (uint64_t)json_object_get_int64(v);
    if (json_object_object_get_ex(o, "syncing_percent", &v))
        out->syncing_percent = json_object_get_int(v);
}

/* The peer site's view of the image, from its global status. */
static void
peer_status_read(struct vrbd_dr_dd *d, vrbd_dr_disk *out)
{
    rbd_mirror_image_global_status_t g;

    if (rbd_mirror_image_get_global_status(d->img, &g, sizeof(g)) < 0)
        return;
    for (uint32_t i = 0; i < g.site_statuses_count; i++) {
        const rbd_mirror_image_site_status_t *s = &g.site_statuses[i];
        /* "" is the local site's own status */
        if (!s->mirror_uuid || !*s->mirror_uuid)
            continue;
        out->peer_state = xstrdup(vrbd_dr_image_state_name(s->state));
        out->peer_description = xstrdup(s->description ? s->description : "");
        description_read(s->description, out);
    }
    rbd_mirror_image_global_status_cleanup(&g);
}

/* How many primary mirror snapshots of @img are newer than @id. */
static unsigned
count_newer(rbd_image_t img, uint64_t id)
{
    rbd_snap_info_t *snaps = NULL;
    int n = vrbd_volume_snap_list(img, &snaps);
    unsigned count = 0;

    for (int i = 0; i < n; i++) {
        rbd_snap_namespace_type_t t;
        rbd_snap_mirror_namespace_t m;

        if (snaps[i].id <= id ||
            rbd_snap_get_namespace_type(img, snaps[i].id, &t) < 0 ||
            t != RBD_SNAP_NAMESPACE_TYPE_MIRROR ||
            rbd_snap_get_mirror_namespace(img, snaps[i].id, &m, sizeof(m)) < 0)
            continue;
        count += m.state == RBD_SNAP_MIRROR_STATE_PRIMARY;
        rbd_snap_mirror_namespace_cleanup(&m, sizeof(m));
    }
    if (n >= 0)
        vrbd_volume_snap_list_free(snaps, n);
    return count;
}

/* The primary's snapshot @id's time, 0 when it is gone. */
static int64_t
snap_time(rbd_image_t img, uint64_t id)
{
    struct timespec ts = {0};

    return rbd_snap_get_timestamp(img, id, &ts) == 0 ? (int64_t)ts.tv_sec : 0;
}

/* Disk @d's state into @out; a part that cannot be read goes to
 * out->error. */
static void
dd_state(struct vrbd_dr_ctx *v, struct vrbd_dr_dd *d, vrbd_dr_disk *out)
{
    rbd_mirror_image_info_t info;
    struct vrbd_msnap latest = {0}, synced = {0};
    vrbd_cluster *peer = peer_of(v, d);

    out->target = xstrdup(d->d->target);
    out->cluster = xstrdup(vrbd_cluster_name(d->cl));
    out->peer = peer ? xstrdup(vrbd_cluster_name(peer)) : NULL;
    out->pool = xstrdup(d->spec.pool);
    out->image = xstrdup(d->spec.image);
    out->interval_sec = d->interval;
    out->last_sync_bytes = UINT64_MAX;
    out->syncing_percent = -1;
    if (rbd_mirror_image_get_info(d->img, &info, sizeof(info)) == 0) {
        out->state = xstrdup(vrbd_dr_mirror_state_name(info.state));
        out->primary = info.primary;
        rbd_mirror_image_get_info_cleanup(&info);
    } else {
        out->state = xstrdup("unknown");
    }
    peer_status_read(d, out);
    if (vrbd_dr_newest_msnap(d->img, true, false, &latest) > 0)
        out->latest_snapshot = latest.when;
    if (!peer) {
        out->error = xstrdup("its peer cluster is not registered here");
        return;
    }
    if (peer == d->cl) {
        /* settings copied from the other side, which a failover done
         * without virt-rbd left as they were */
        free(out->peer);
        out->peer = NULL;
        out->error = xstrdup("its DR settings name its own cluster as the "
                             "peer: failed over by hand?");
        return;
    }
    if (vrbd_dr_peer_synced(d, peer, &synced) < 0) {
        out->error = xstrdup(vrbd_error_last()->message);
        vrbd_error_clear();
    } else if (synced.primary) {
        out->peer_primary = true;
    } else if (synced.id) {
        out->recovery_point = snap_time(d->img, synced.primary_id);
        if (!out->recovery_point)
            out->recovery_point = synced.when;
    }
    out->pending_snapshots = count_newer(d->img, synced.primary_id);
    /* a forced failover's old copy: split until it is in step again */
    out->split = d->split && (out->peer_primary || !out->recovery_point);
}

/* The worst daemon health of @cl for pool @pool. */
vrbd_dr_health
vrbd_dr_daemons_health(vrbd_cluster *cl, const char *pool)
{
    vrbd_dr_side s = {0};
    rados_ioctx_t io;
    vrbd_dr_health h = VRBD_DR_HEALTH_ERROR;

    if (!cl || vrbd_volume_ioctx(cl, pool, NULL, &io) < 0) {
        vrbd_error_clear();
        return h;
    }
    if (vrbd_dr_side_read(cl, io, pool, &s) == 0)
        h = s.daemon_health;
    vrbd_error_clear();
    vrbd_dr_side_clear(&s);
    rados_ioctx_destroy(io);
    return h;
}

/* The state of every protected disk of @v: NOT_FOUND when none is. */
int
vrbd_dr_vm_state(struct vrbd_dr_ctx *v, vrbd_dr_vm **out)
{
    CLEANUP(vrbd_dr_vm_free) vrbd_dr_vm *r = xcalloc(1, sizeof(*r));
    const struct vrbd_dr_dd *first = NULL;
    int64_t now = (int64_t)time(NULL);

    r->domain = xstrdup(v->domain);
    r->disks = xcalloc(v->n_dd + 1, sizeof(*r->disks));
    for (size_t i = 0; i < v->n_dd; i++) {
        vrbd_dr_disk *d = &r->disks[r->n_disks];

        if (!v->dd[i].peer_fsid)
            continue;
        dd_state(v, &v->dd[i], d);
        r->n_disks++;
        if (!first) {
            first = &v->dd[i];
            r->cluster = xstrdup(d->cluster);
            r->peer = d->peer ? xstrdup(d->peer) : NULL;
            r->recovery_point = d->recovery_point;
            r->interval_sec = d->interval_sec;
        }
        r->split |= d->split || d->peer_primary;
        if (d->recovery_point < r->recovery_point)
            r->recovery_point = d->recovery_point;
        if (d->interval_sec < r->interval_sec)
            r->interval_sec = d->interval_sec;
    }
    if (!first)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                              "protect it with {prog}{vrbd_dr_enable}",
                              "domain '%s' is not protected: none of its "
                              "disks is mirrored by virt-rbd",
                              v->domain);
    r->late = !r->recovery_point ||
              now - r->recovery_point > 2 * (int64_t)r->interval_sec;
    r->daemons[0] = vrbd_dr_daemons_health(first->cl, first->spec.pool);
    r->daemons[1] = vrbd_dr_daemons_health(peer_of(v, first), first->spec.pool);
    *out = TAKE(r);
    return 0;
}

/* ---------------------------------------------------------------- sync */

/* Wait until the peer of every disk with d->want holds that snapshot. */
int
vrbd_dr_wait_synced(struct vrbd_dr_ctx *v)
{
    double deadline = vrbd_now() + v->o->wait_sec;

    for (;;) {
        struct vrbd_dr_dd *behind = NULL;

        for (size_t i = 0; i < v->n_dd && !behind; i++) {
            struct vrbd_dr_dd *d = &v->dd[i];
            vrbd_cluster *peer;
            struct vrbd_msnap s = {0};
            int r;

            if (!d->want)
                continue;
            if (!(peer = vrbd_dr_conn(v, d->peer_fsid)))
                return -1;
            if ((r = vrbd_dr_peer_synced(d, peer, &s)) < 0)
                return -1;
            if (r > 0 && s.primary_id >= d->want)
                d->want = 0;
            else
                behind = d;
        }
        if (!behind)
            return 0;
        if (v->o->cancel && *v->o->cancel)
            return vrbd_error_set(VRBD_ERR_IO, EINTR, NULL,
                                  "stopped waiting for the sync of domain "
                                  "'%s'",
                                  v->domain);
        if (vrbd_now() >= deadline) {
            CLEANUP_FREE char *name = vrbd_dr_disk_name(behind);

            return vrbd_error_set(
                VRBD_ERR_TIMEOUT, ETIMEDOUT,
                "see {prog}{vrbd_dr_status} (is the rbd-mirror daemon of the "
                "other cluster running?)",
                "disk %s (%s) was not copied in full to the other cluster "
                "within %u s",
                behind->d->target, name, v->o->wait_sec);
        }
        usleep(500 * 1000);
    }
}

/* d->want: the newest primary mirror snapshot of each protected disk. */
static int
want_newest(struct vrbd_dr_ctx *v)
{
    for (size_t i = 0; i < v->n_dd; i++) {
        struct vrbd_dr_dd *d = &v->dd[i];
        struct vrbd_msnap s = {0};
        int r;

        if (!d->peer_fsid)
            continue;
        r = vrbd_dr_newest_msnap(d->img, true, false, &s);
        if (r < 0)
            return vrbd_cluster_error(
                d->cl, r, "cannot list the snapshots of disk %s", d->d->target);
        d->want = r > 0 ? s.id : 0;
    }
    return 0;
}

/* Every protected disk must be primary here. */
int
vrbd_dr_check_primary(struct vrbd_dr_ctx *v, const char *what)
{
    for (size_t i = 0; i < v->n_dd; i++) {
        struct vrbd_dr_dd *d = &v->dd[i];
        rbd_mirror_image_info_t info;
        bool primary;

        if (!d->peer_fsid ||
            rbd_mirror_image_get_info(d->img, &info, sizeof(info)) < 0)
            continue;
        primary = info.primary;
        rbd_mirror_image_get_info_cleanup(&info);
        if (!primary) {
            CLEANUP_FREE char *name = vrbd_dr_disk_name(d);

            return vrbd_error_set(VRBD_ERR_INVALID, 0,
                                  "run it where the VM's disks are primary",
                                  "cannot %s domain '%s': disk %s (%s) is "
                                  "not primary on its cluster",
                                  what, v->domain, d->d->target, name);
        }
    }
    return 0;
}

int
vrbd_dr_sync(vrbd_host *host, const char *domain, const vrbd_dr_vm_opts *opts,
             vrbd_dr_vm **out)
{
    struct vrbd_dr_ctx v = {0};
    bool any = false;
    int rc = -1;

    if (vrbd_dr_vm_open(&v, host, domain, opts) < 0 ||
        vrbd_dr_vm_open_images(&v) < 0 || vrbd_dr_check_primary(&v, "sync") < 0)
        goto cleanup;
    for (size_t i = 0; i < v.n_dd; i++) {
        struct vrbd_dr_dd *d = &v.dd[i];
        uint64_t id = 0;
        int r;

        if (!d->peer_fsid)
            continue;
        any = true;
        r = rbd_mirror_image_create_snapshot(d->img, &id);
        if (r < 0) {
            CLEANUP_FREE char *name = vrbd_dr_disk_name(d);

            vrbd_cluster_error(d->cl, r,
                               "cannot take a mirror snapshot of disk %s (%s)",
                               d->d->target, name);
            goto cleanup;
        }
        d->want = id;
    }
    if (!any) {
        vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                       "protect it with {prog}{vrbd_dr_enable}",
                       "domain '%s' is not protected", domain);
        goto cleanup;
    }
    if (opts->wait_sec && vrbd_dr_wait_synced(&v) < 0)
        goto cleanup;
    rc = out ? vrbd_dr_vm_state(&v, out) : 0;

cleanup:
    vrbd_dr_vm_clear(&v);
    return rc;
}

int
vrbd_dr_vm_status(vrbd_host *host, const char *domain,
                  const vrbd_dr_vm_opts *opts, vrbd_dr_vm **out)
{
    struct vrbd_dr_ctx v = {0};
    int rc = -1;

    if (vrbd_dr_vm_open(&v, host, domain, opts) == 0 &&
        vrbd_dr_vm_open_images(&v) == 0)
        rc = vrbd_dr_vm_state(&v, out);
    vrbd_dr_vm_clear(&v);
    return rc;
}

/* ---------------------------------------------------------------- enable */

/* "pool[/ns]/image" as the manager's level spec, and a whole number of
 * minutes as its interval. */
int
vrbd_dr_schedule(struct vrbd_dr_dd *d, bool add, unsigned interval)
{
    struct json_object *cmd =
        vrbd_json_cmd(add ? "rbd mirror snapshot schedule add"
                          : "rbd mirror snapshot schedule remove");
    CLEANUP_FREE char *spec = vrbd_volume_name(&d->spec);
    char iv[32];

    vrbd_json_add_str(cmd, "level_spec", spec);
    if (add) {
        if (interval % 86400 == 0)
            snprintf(iv, sizeof(iv), "%ud", interval / 86400);
        else if (interval % 3600 == 0)
            snprintf(iv, sizeof(iv), "%uh", interval / 3600);
        else
            snprintf(iv, sizeof(iv), "%um", interval / 60);
        vrbd_json_add_str(cmd, "interval", iv);
    }
    return vrbd_cluster_mon_json(d->cl, cmd, NULL);
}

/* Undo what enable_one() did to @d; the first error is kept. */
static void
enable_undo(struct vrbd_dr_dd *d)
{
    vrbd_error_saved e;

    vrbd_error_save(&e);
    if (d->scheduled && vrbd_dr_schedule(d, false, 0) < 0)
        vrbd_warn("%s", vrbd_error_last()->message);
    if (d->enabled && rbd_mirror_image_disable(d->img, false) < 0)
        vrbd_warn("cannot disable mirroring of disk %s again", d->d->target);
    if (d->meta_set)
        rbd_metadata_remove(d->img, VRBD_DR_KEY);
    d->scheduled = d->enabled = d->meta_set = false;
    vrbd_error_restore(&e, NULL);
}

static int
enable_one(struct vrbd_dr_ctx *v, struct vrbd_dr_dd *d, const char *peer_fsid,
           const char *definition)
{
    unsigned interval =
        v->o->interval_sec ? v->o->interval_sec : VRBD_DR_INTERVAL_SEC;
    CLEANUP_FREE char *settings =
        xasprintf("peer=%s interval=%u", peer_fsid, interval);
    CLEANUP_FREE char *name = vrbd_dr_disk_name(d);
    int r;

    /* checked before anything changed; another client may have been
     * quicker (librbd's enable of an enabled image succeeds) */
    if (vrbd_dr_mirrored(d->img))
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "see who mirrors it ({prog}{vrbd_dr_status} "
                              "{pool}), then try again",
                              "disk %s (%s) was mirrored meanwhile, by "
                              "another client",
                              d->d->target, name);
    if ((r = rbd_metadata_set(d->img, VRBD_DR_KEY, settings)) < 0 ||
        (definition &&
         (r = rbd_metadata_set(d->img, VRBD_DOMAIN_KEY, definition)) < 0))
        return vrbd_cluster_error(d->cl, r,
                                  "cannot write the DR settings of disk %s "
                                  "(%s)",
                                  d->d->target, name);
    d->meta_set = true;
    r = rbd_mirror_image_enable2(d->img, RBD_MIRROR_IMAGE_MODE_SNAPSHOT);
    if (r < 0)
        return vrbd_cluster_error(d->cl, r,
                                  "cannot enable mirroring of disk %s (%s)",
                                  d->d->target, name);
    d->enabled = true;
    if (vrbd_dr_schedule(d, true, interval) < 0)
        return -1;
    d->scheduled = true;
    vrbd_dr_settings_parse(settings, d);
    return 0;
}

/* Whether @img is mirrored (any state but disabled). */
bool
vrbd_dr_mirrored(rbd_image_t img)
{
    rbd_mirror_image_info_t info;
    bool on;

    if (rbd_mirror_image_get_info(img, &info, sizeof(info)) < 0)
        return false;
    on = info.state != RBD_MIRROR_IMAGE_DISABLED;
    rbd_mirror_image_get_info_cleanup(&info);
    return on;
}

/* A clone replicates only when its parent is mirrored too. */
static int
check_parent(struct vrbd_dr_dd *d)
{
    rbd_linked_image_spec_t p = {0};
    rbd_snap_spec_t ps = {0};
    rados_ioctx_t io;
    rbd_image_t img;
    bool ok = false;
    int r = rbd_get_parent(d->img, &p, &ps);

    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return vrbd_cluster_error(d->cl, r, "cannot read the parent of %s",
                                  d->d->source);
    if (rados_ioctx_create(vrbd_cluster_rados(d->cl), p.pool_name, &io) == 0) {
        rados_ioctx_set_namespace(io, p.pool_namespace);
        if (rbd_open_read_only(io, p.image_name, &img, NULL) == 0) {
            ok = vrbd_dr_mirrored(img);
            rbd_close(img);
        }
        rados_ioctx_destroy(io);
    }
    if (!ok) {
        CLEANUP_FREE char *name = vrbd_dr_disk_name(d);

        r = vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "flatten it first ({prog}{vrbd_volume_flatten}), or mirror the "
            "parent",
            "disk %s (%s) is a clone of %s/%s@%s, which is not mirrored: "
            "rbd-mirror cannot replicate the clone without it",
            d->d->target, name, p.pool_name, p.image_name, ps.name);
    }
    rbd_linked_image_spec_cleanup(&p);
    rbd_snap_spec_cleanup(&ps);
    return ok ? 0 : r;
}

/* Pool @pool of @cl mirrors to @peer (site @site), whose daemon reports
 * for it. */
static int
check_pool(vrbd_cluster *cl, vrbd_cluster *peer, const char *site,
           const char *pool)
{
    vrbd_dr_side s[2] = {{0}, {0}};
    vrbd_cluster *cls[2] = {cl, peer};
    int rc = -1;

    for (int i = 0; i < 2; i++) {
        rados_ioctx_t io;
        int r;

        if (vrbd_volume_ioctx(cls[i], pool, NULL, &io) < 0)
            goto cleanup;
        r = vrbd_dr_side_read(cls[i], io, pool, &s[i]);
        rados_ioctx_destroy(io);
        if (r < 0)
            goto cleanup;
        /* this side first: a pool not paired has no peer pool to read */
        if (i == 0 && (strcmp(s[0].mode, "image") != 0 ||
                       !vrbd_dr_side_has_peer(&s[0], site))) {
            CLEANUP_FREE char *hint = xasprintf(
                "pair them first: {prog}{vrbd_dr_pair} %s:%s %s:%s",
                vrbd_cluster_name(cl), pool, vrbd_cluster_name(peer), pool);

            vrbd_error_set(VRBD_ERR_CONFIG, 0, hint,
                           "pool '%s' of cluster '%s' is not paired with "
                           "cluster '%s'",
                           pool, vrbd_cluster_name(cl),
                           vrbd_cluster_name(peer));
            goto cleanup;
        }
    }
    if (s[1].daemon_health == VRBD_DR_HEALTH_ERROR) {
        CLEANUP_FREE char *hint =
            xasprintf(VRBD_DR_DAEMON_HINT_FMT, vrbd_cluster_name(peer));

        vrbd_error_set(VRBD_ERR_CONFIG, 0, hint,
                       "no rbd-mirror daemon reports for pool '%s' on "
                       "cluster '%s': nothing would be replicated to it",
                       pool, vrbd_cluster_name(peer));
        goto cleanup;
    }
    rc = 0;

cleanup:
    vrbd_dr_side_clear(&s[0]);
    vrbd_dr_side_clear(&s[1]);
    return rc;
}

/* Everything vrbd_dr_enable() refuses, before it changes anything. */
static int
enable_check(struct vrbd_dr_ctx *v, vrbd_cluster *peer, const char *site)
{
    for (size_t i = 0; i < v->n_disks; i++)
        if (!v->disks[i].rbd)
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0,
                "move it to RBD first ({prog}{vrbd_vm_move})",
                "disk %s (%s) of domain '%s' is not on RBD: only RBD disks "
                "replicate",
                v->disks[i].target,
                v->disks[i].source ? v->disks[i].source : "no source",
                v->domain);
    if (v->n_dd == 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "domain '%s' has no disk to protect", v->domain);
    if (vrbd_dr_vm_open_images(v) < 0)
        return -1;
    for (size_t i = 0; i < v->n_dd; i++) {
        struct vrbd_dr_dd *d = &v->dd[i];
        CLEANUP_FREE char *name = vrbd_dr_disk_name(d);
        bool seen = false;

        if (d->cl == peer ||
            strcmp(vrbd_cluster_fsid(d->cl), vrbd_cluster_fsid(peer)) == 0) {
            vrbd_error_set(VRBD_ERR_INVALID, 0,
                           "give the other cluster of the pair",
                           "disk %s (%s) is on cluster '%s' already",
                           d->d->target, name, vrbd_cluster_name(peer));
            return -1;
        }
        if (vrbd_dr_mirrored(d->img) || d->peer_fsid) {
            vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                           "see {prog}{vrbd_dr_status}; to change it, "
                           "{prog}{vrbd_dr_disable} first",
                           "domain '%s' is protected already: disk %s (%s) "
                           "is mirrored",
                           v->domain, d->d->target, name);
            return -1;
        }
        if (check_parent(d) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            seen |= v->dd[j].cl == d->cl &&
                    strcmp(v->dd[j].spec.pool, d->spec.pool) == 0;
        if (!seen && check_pool(d->cl, peer, site, d->spec.pool) < 0)
            return -1;
    }
    return 0;
}

static int
check_interval(const vrbd_dr_vm_opts *o)
{
    if (o->interval_sec % 60 == 0)
        return 0;
    return vrbd_error_set(VRBD_ERR_INVALID, 0,
                          "give a whole number of minutes in {interval_sec}",
                          "a schedule of %u s: the manager schedules mirror "
                          "snapshots in whole minutes",
                          o->interval_sec);
}

int
vrbd_dr_enable(vrbd_host *host, const char *domain, const vrbd_dr_vm_opts *opts,
               vrbd_dr_vm **out)
{
    struct vrbd_dr_ctx v = {0};
    CLEANUP(vrbd_cluster_free) vrbd_cluster *peer = NULL;
    CLEANUP_FREE char *site = NULL;
    vrbd_owner_record rec = {0};
    size_t done = 0;
    int rc = -1;

    if (vrbd_dr_vm_open(&v, host, domain, opts) < 0)
        goto cleanup;
    if (!opts->to) {
        vrbd_error_set(VRBD_ERR_INVALID, 0,
                       "name the cluster to replicate to in {to}",
                       "no cluster to replicate domain '%s' to", domain);
        goto cleanup;
    }
    if (check_interval(opts) < 0 ||
        vrbd_registry_connect(opts->reg, opts->to, v.timeout, &peer) < 0 ||
        vrbd_dr_site_name(peer, &site) < 0 || enable_check(&v, peer, site) < 0)
        goto cleanup;
    vrbd_owner_record_init(&rec, host, v.dom);
    for (done = 0; done < v.n_dd; done++) {
        if (enable_one(&v, &v.dd[done], vrbd_cluster_fsid(peer),
                       rec.definition) < 0)
            break;
        if (done == 0)
            vrbd_test_pause("dr-enable-first");
    }
    if (done < v.n_dd) {
        for (size_t i = 0; i <= done && i < v.n_dd; i++)
            enable_undo(&v.dd[i]);
        goto cleanup;
    }
    vrbd_info("domain '%s': %zu disk(s) mirrored to cluster '%s'", domain,
              v.n_dd, opts->to);
    if (opts->wait_sec && (want_newest(&v) < 0 || vrbd_dr_wait_synced(&v) < 0))
        goto cleanup;
    rc = out ? vrbd_dr_vm_state(&v, out) : 0;

cleanup:
    vrbd_owner_record_clear(&rec);
    vrbd_dr_vm_clear(&v);
    return rc;
}

/* ---------------------------------------------------------------- disable */

static int
disable_one(struct vrbd_dr_dd *d)
{
    CLEANUP_FREE char *name = vrbd_dr_disk_name(d);
    int r;

    /* a schedule that is gone already is no failure */
    if (vrbd_dr_schedule(d, false, 0) < 0) {
        if (vrbd_error_last()->errnum != ENOENT)
            return -1;
        vrbd_error_clear();
    }
    r = rbd_mirror_image_disable(d->img, false);
    if (r < 0 && r != -EINVAL)
        return vrbd_cluster_error(d->cl, r,
                                  "cannot disable mirroring of disk %s (%s)",
                                  d->d->target, name);
    r = rbd_metadata_remove(d->img, VRBD_DR_KEY);
    if (r < 0 && r != -ENOENT)
        return vrbd_cluster_error(d->cl, r,
                                  "cannot remove the DR settings of disk %s "
                                  "(%s)",
                                  d->d->target, name);
    return 0;
}

int
vrbd_dr_disable(vrbd_host *host, const char *domain,
                const vrbd_dr_vm_opts *opts)
{
    struct vrbd_dr_ctx v = {0};
    size_t n = 0;
    int rc = -1;

    if (vrbd_dr_vm_open(&v, host, domain, opts) < 0 ||
        vrbd_dr_vm_open_images(&v) < 0 ||
        vrbd_dr_check_primary(&v, "disable the protection of") < 0)
        goto cleanup;
    for (size_t i = 0; i < v.n_dd; i++) {
        if (!v.dd[i].peer_fsid)
            continue;
        if (disable_one(&v.dd[i]) < 0)
            goto cleanup;
        n++;
    }
    if (n == 0) {
        vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, NULL,
                       "domain '%s' is not protected", domain);
        goto cleanup;
    }
    rc = 0;

cleanup:
    vrbd_dr_vm_clear(&v);
    return rc;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp((*(vrbd_dr_vm *const *)a)->domain,
                  (*(vrbd_dr_vm *const *)b)->domain);
}

int
vrbd_dr_vm_list(vrbd_host *host, const vrbd_dr_vm_opts *opts, vrbd_dr_vm ***out,
                size_t *n_out)
{
    virDomainPtr *doms = NULL;
    vrbd_dr_vm **list = NULL;
    size_t n = 0;
    int nd;

    *out = NULL;
    *n_out = 0;
    if (vrbd_opts_check(opts, VRBD_DR_VM_OPTS_VERSION, "vrbd_dr_vm_opts") < 0)
        return -1;
    nd = virConnectListAllDomains(vrbd_host_conn(host), &doms, 0);
    if (nd < 0)
        return vrbd_error_libvirt(NULL, "cannot list the domains of %s",
                                  vrbd_host_label(host));
    list = xcalloc((size_t)nd + 1, sizeof(*list));
    for (int i = 0; i < nd; i++) {
        const char *name = virDomainGetName(doms[i]);
        vrbd_dr_vm *vm = NULL;

        if (name && vrbd_dr_vm_status(host, name, opts, &vm) < 0) {
            vrbd_error_code c = vrbd_error_last()->code;

            /* not protected, or disks virt-rbd does not know: not its */
            if (c != VRBD_ERR_NOT_FOUND && c != VRBD_ERR_CONFIG &&
                c != VRBD_ERR_INVALID) {
                vm = xcalloc(1, sizeof(*vm));
                vm->domain = xstrdup(name);
                vm->error = xstrdup(vrbd_error_last()->message);
                vm->late = true;
            }
            vrbd_error_clear();
        }
        if (vm)
            list[n++] = vm;
        virDomainFree(doms[i]);
    }
    free(doms);
    qsort(list, n, sizeof(*list), by_name);
    *out = list;
    *n_out = n;
    return 0;
}
