/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dr-internal.h: what dr.c (pools) shares with dr-vm.c and failover.c (VMs). */
#ifndef VRBD_DR_INTERNAL_H
#define VRBD_DR_INTERNAL_H

#include <rados/librados.h>
#include <rbd/librbd.h>

#include "vrbd.h"

/* A hint: how to start a daemon for cluster %s. */
#define VRBD_DR_DAEMON_HINT_FMT                                                \
    "start an rbd-mirror daemon for cluster '%s' (a cephx user with mon "      \
    "'profile rbd-mirror' osd 'profile rbd', and CEPH_CONF naming the "        \
    "cluster's ceph.conf in its environment)"

/* The cluster's mirror site name (its fsid when none was set); free(). */
int vrbd_dr_site_name(vrbd_cluster *cl, char **out);

/* Everything about pool @pool of @cl (@io open on it) into @s: mode,
 * site name, peers, daemons.  Clear @s with vrbd_dr_side_clear(). */
int vrbd_dr_side_read(vrbd_cluster *cl, rados_ioctx_t io, const char *pool,
                      vrbd_dr_side *s);

/* "disabling", "enabled", "disabled" (an image's mirroring), and
 * "unknown", "error", "syncing", ... "stopped" (a site's status of it);
 * static storage. */
const char *vrbd_dr_mirror_state_name(rbd_mirror_image_state_t s);
const char *vrbd_dr_image_state_name(rbd_mirror_image_status_state_t s);

/* Whether @s lists @site as a peer it replicates from and to. */
bool vrbd_dr_side_has_peer(const vrbd_dr_side *s, const char *site);

#include "host-internal.h"

/* One RBD disk of the VM. */
struct vrbd_dr_dd {
    const vrbd_vm_disk *d;
    vrbd_spec spec;
    vrbd_cluster *cl; /* its cluster, borrowed from vm.conns */
    rados_ioctx_t io;
    rbd_image_t img;
    bool open;
    char *peer_fsid;   /* from its DR settings, NULL: not protected */
    unsigned interval; /* idem */
    bool split;        /* idem: forced over, the old copy not demoted */
    /* what vrbd_dr_enable() did, to undo */
    bool meta_set, enabled, scheduled;
    uint64_t want; /* sync: the primary mirror snapshot to wait for */
};

struct vrbd_dr_ctx {
    vrbd_host *host;
    const char *domain;
    const vrbd_dr_vm_opts *o;
    unsigned timeout;
    virDomainPtr dom;
    vrbd_vm_disk *disks;
    size_t n_disks;
    vrbd_cluster **conns; /* by fsid, owned */
    size_t n_conns;
    struct vrbd_dr_dd *dd;
    size_t n_dd;
};

struct vrbd_msnap {
    uint64_t id;
    int64_t when;
    bool complete;
    uint64_t primary_id; /* a non-primary one: the primary's snapshot */
    bool primary;        /* vrbd_dr_peer_synced(): the copy is primary */
};

/* dr-vm.c: the domain, its disks (vm.c), each RBD disk's image open
 * with vrbd_dr_vm_open_images(); clear with vrbd_dr_vm_clear(). */
int vrbd_dr_vm_open(struct vrbd_dr_ctx *v, vrbd_host *host, const char *domain,
                    const vrbd_dr_vm_opts *o);
int vrbd_dr_vm_open_images(struct vrbd_dr_ctx *v);
void vrbd_dr_vm_clear(struct vrbd_dr_ctx *v);
/* The connection to the registered cluster @fsid, made once per @v. */
vrbd_cluster *vrbd_dr_conn(struct vrbd_dr_ctx *v, const char *fsid);
/* "ceph:rbd/img" of disk @d, for messages; free(). */
char *vrbd_dr_disk_name(const struct vrbd_dr_dd *d);
/* Parse "peer=FSID interval=SEC" into @d. */
void vrbd_dr_settings_parse(const char *text, struct vrbd_dr_dd *d);
/* The newest (primary or non-primary, with @complete: copied in full)
 * mirror snapshot of @img: 1, 0 none, or a negative errno. */
int vrbd_dr_newest_msnap(rbd_image_t img, bool primary, bool complete,
                         struct vrbd_msnap *out);
/* The newest snapshot of @d that its copy on @peer holds in full: 1, 0
 * none (or no copy yet), -1 with the error set. */
int vrbd_dr_peer_synced(struct vrbd_dr_dd *d, vrbd_cluster *peer,
                        struct vrbd_msnap *out);
/* Wait (v->o->wait_sec) until the peer of every disk with d->want holds
 * that snapshot in full. */
int vrbd_dr_wait_synced(struct vrbd_dr_ctx *v);
/* Add (@interval seconds) or remove the schedule of @d's image. */
int vrbd_dr_schedule(struct vrbd_dr_dd *d, bool add, unsigned interval);
vrbd_dr_health vrbd_dr_daemons_health(vrbd_cluster *cl, const char *pool);
int vrbd_dr_check_primary(struct vrbd_dr_ctx *v, const char *what);
bool vrbd_dr_mirrored(rbd_image_t img);
int vrbd_dr_vm_state(struct vrbd_dr_ctx *v, vrbd_dr_vm **out);

#endif
