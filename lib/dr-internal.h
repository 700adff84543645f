/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dr-internal.h: what dr.c (pools) shares with dr-vm.c (VMs). */
#ifndef VRBD_DR_INTERNAL_H
#define VRBD_DR_INTERNAL_H

#include <rados/librados.h>

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

/* Whether @s lists @site as a peer it replicates from and to. */
bool vrbd_dr_side_has_peer(const vrbd_dr_side *s, const char *site);

#endif
