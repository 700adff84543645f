/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mirror-watch.c: telling rbd-mirror's own clients of an image from the
 * VMs and tools that use it.  An image mirrored in snapshot mode has a
 * client that is no VM on each side (measured on the lab, Ceph 16.2.15):
 *
 * - on its own cluster, the non-primary copy is watched AND its exclusive
 *   lock held by the local rbd-mirror daemon, through the connection the
 *   daemon keeps for that pool (its "instance", client.<instance id>; not
 *   the connection the manager's service map lists, whose gid differs);
 * - on the peer cluster, the primary image is watched (no lock) by the
 *   other site's daemon, through its peer connection (cephx user
 *   client.rbd-mirror-peer of that cluster).
 * Idle or syncing, these were the only ones.
 *
 * Both connections also watch the pool's `rbd_mirroring` object (the
 * daemon's pool watchers), which no librbd client of an image (QEMU, rbd,
 * qemu-img) ever watches; only the local daemon's also watches the pool's
 * `rbd_mirror_leader` object (leader election among a cluster's daemons).
 * So an image's client whose address watches rbd_mirroring is an
 * rbd-mirror daemon, this cluster's when it also watches rbd_mirror_leader,
 * else a peer's.  Reading both lists takes two object reads per pool and
 * only the caps every image user has (osd 'profile rbd'); the manager's
 * service map would need mgr caps that 'profile rbd' users lack (EACCES),
 * and the monitors' session list (which names client.rbd-mirror-peer)
 * needs more still.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "internal.h"
#include "mirror-watch.h"
#include "volume-internal.h"
#include "watchers.h"

#define MIRRORING_OID "rbd_mirroring"
#define LEADER_OID "rbd_mirror_leader"

struct vrbd_mirror_watch {
    char *cluster;
    char **mirroring; /* addresses watching rbd_mirroring */
    size_t n_mirroring;
    char **leader; /* ... and rbd_mirror_leader: this cluster's daemons */
    size_t n_leader;
    char *peer_site; /* the one peer's site name, or NULL */
    size_t n_peers;
};

static char **
strv_copy(const char *const *v, size_t n)
{
    char **res = xcalloc(n + 1, sizeof(char *));

    for (size_t i = 0; i < n; i++)
        res[i] = xstrdup(v[i]);
    return res;
}

vrbd_mirror_watch *
vrbd_mirror_watch_new(const char *cluster, const char *const *mirroring,
                      size_t n_mirroring, const char *const *leader,
                      size_t n_leader, const char *peer_site, size_t n_peers)
{
    vrbd_mirror_watch *mw = xcalloc(1, sizeof(*mw));

    mw->cluster = xstrdup(cluster ? cluster : "?");
    mw->mirroring = strv_copy(mirroring, n_mirroring);
    mw->n_mirroring = n_mirroring;
    mw->leader = strv_copy(leader, n_leader);
    mw->n_leader = n_leader;
    mw->peer_site = peer_site ? xstrdup(peer_site) : NULL;
    mw->n_peers = n_peers;
    return mw;
}

void
vrbd_mirror_watch_free(vrbd_mirror_watch *mw)
{
    if (!mw)
        return;
    vrbd_strv_free(mw->mirroring);
    vrbd_strv_free(mw->leader);
    free(mw->cluster);
    free(mw->peer_site);
    free(mw);
}

static bool
listed(char *const *v, size_t n, const char *addr)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], addr) == 0)
            return true;
    return false;
}

char *
vrbd_mirror_watch_describe(const vrbd_mirror_watch *mw, const char *addr)
{
    if (!mw || !addr || !listed(mw->mirroring, mw->n_mirroring, addr))
        return NULL;
    if (listed(mw->leader, mw->n_leader, addr))
        return xasprintf("rbd-mirror daemon of cluster '%s'", mw->cluster);
    if (mw->peer_site && mw->n_peers == 1)
        return xasprintf("rbd-mirror daemon of peer site '%s'", mw->peer_site);
    return xstrdup("rbd-mirror daemon of a peer site");
}

/* The addresses of @req's watchers (a NULL-terminated vector, possibly
 * empty); @n their number */
static char **
finish_addrs(vrbd_watch_req *req, size_t *n)
{
    char **addrs = NULL;
    int64_t *ids = NULL;
    uint64_t *cookies = NULL;
    int r = vrbd_watchers_finish(req, &addrs, &ids, &cookies);
    char **res;

    free(ids);
    free(cookies);
    *n = r > 0 ? (size_t)r : 0;
    res = xcalloc(*n + 1, sizeof(char *));
    for (size_t i = 0; i < *n; i++)
        res[i] = addrs[i];
    free(addrs);
    return res;
}

/* The site name of @io's only peer (NULL when none or several) and the
 * number of peers */
static char *
peer_site(rados_ioctx_t io, size_t *n_peers)
{
    rbd_mirror_peer_site_t peers[8];
    int max = 8;
    char *site = NULL;

    *n_peers = 0;
    if (rbd_mirror_peer_site_list(io, peers, &max) < 0)
        return NULL;
    *n_peers = (size_t)max;
    if (max == 1 && peers[0].site_name && *peers[0].site_name)
        site = xstrdup(peers[0].site_name);
    rbd_mirror_peer_site_list_cleanup(peers, max);
    return site;
}

vrbd_mirror_watch *
vrbd_mirror_watch_get(vrbd_cluster *cl, const char *pool, const char *nspace)
{
    CLEANUP_FREE char *site = NULL;
    rados_ioctx_t io = NULL, root = NULL;
    char **mirroring = NULL, **leader = NULL;
    size_t nm = 0, nl = 0, np = 0;
    vrbd_watch_req *rm, *rl;
    vrbd_mirror_watch *mw;
    vrbd_error_saved sv;

    vrbd_error_save(&sv);
    /* mirroring is set per namespace (its rbd_mirroring object there);
     * the daemons' leader object is the pool's */
    if (vrbd_volume_ioctx(cl, pool, nspace, &io) < 0 ||
        vrbd_volume_ioctx(cl, pool, NULL, &root) < 0) {
        if (io)
            rados_ioctx_destroy(io);
        vrbd_error_restore(&sv, NULL);
        return vrbd_mirror_watch_new(vrbd_cluster_name(cl), NULL, 0, NULL, 0,
                                     NULL, 0);
    }
    vrbd_error_restore(&sv, NULL);
    /* both requests travel at once, each bounded by rados_osd_op_timeout */
    rm = vrbd_watchers_start(io, MIRRORING_OID);
    rl = vrbd_watchers_start(root, LEADER_OID);
    mirroring = finish_addrs(rm, &nm);
    leader = finish_addrs(rl, &nl);
    /* no rbd-mirror watches this pool: no peer to name */
    if (nm > 0)
        site = peer_site(io, &np);
    mw = vrbd_mirror_watch_new(vrbd_cluster_name(cl),
                               (const char *const *)mirroring, nm,
                               (const char *const *)leader, nl, site, np);
    vrbd_strv_free(mirroring);
    vrbd_strv_free(leader);
    rados_ioctx_destroy(io);
    rados_ioctx_destroy(root);
    return mw;
}

/* The domain a disk protected by 'dr enable' belongs to: the owner's
 * "domain=" when the image has DR settings; NULL otherwise; free(). */
static char *
protected_domain(rbd_image_t img)
{
    CLEANUP_FREE char *dr = vrbd_image_meta(img, VRBD_DR_KEY);
    CLEANUP_FREE char *owner = dr ? vrbd_image_meta(img, VRBD_OWNER_KEY) : NULL;

    return vrbd_owner_field(owner, "domain=");
}

int
vrbd_mirror_refuse_remove(vrbd_cluster *cl, const vrbd_spec *spec,
                          const char *name)
{
    CLEANUP_FREE char *dom = NULL;
    rbd_mirror_image_info_t mi;
    rados_ioctx_t io;
    rbd_image_t img;
    bool primary;
    int r;

    if (vrbd_volume_open(cl, spec, true, &io, &img) < 0)
        return -1;
    r = rbd_mirror_image_get_info(img, &mi, sizeof(mi));
    if (r == 0 && mi.state != RBD_MIRROR_IMAGE_DISABLED)
        dom = protected_domain(img);
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (r < 0)
        return 0;
    primary = mi.primary;
    r = mi.state == RBD_MIRROR_IMAGE_DISABLED ? 0 : 1;
    rbd_mirror_image_get_info_cleanup(&mi);
    if (r == 0)
        return 0;
    /* removing a mirrored primary disables its mirroring, and rbd-mirror
     * then deletes the copy on the peer site: the disaster-recovery copy
     * would go with it, which nobody asks for by removing one image */
    if (primary && dom) {
        CLEANUP_FREE char *hint =
            xasprintf("it is a disk of VM '%s', protected by rbd-mirror: "
                      "{prog}{vrbd_dr_disable} %s first, knowing that the peer "
                      "site's copy goes with it",
                      dom, dom);

        return vrbd_error_set(VRBD_ERR_BUSY, EBUSY, hint,
                              "image '%s' is mirrored to a peer site: removing "
                              "it would remove the copy there too",
                              name);
    }
    if (primary)
        return vrbd_error_set(
            VRBD_ERR_BUSY, EBUSY,
            "disable its mirroring first (rbd mirror image disable POOL/IMAGE), knowing that the peer site's copy goes with it",
            "image '%s' is mirrored to a peer site: removing it would remove the copy there too",
            name);
    return vrbd_error_set(
        VRBD_ERR_BUSY, EBUSY,
        "rbd-mirror keeps it in step with the primary: disable mirroring on the primary's cluster (it removes this copy), or promote this one first",
        "image '%s' is a non-primary mirror copy", name);
}
