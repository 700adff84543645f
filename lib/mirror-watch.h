/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mirror-watch.h: which clients of an image are rbd-mirror daemons (see
 * mirror-watch.c for how they are told apart, and why).
 */
#ifndef VRBD_MIRROR_WATCH_H
#define VRBD_MIRROR_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "vrbd.h"

typedef struct vrbd_mirror_watch vrbd_mirror_watch;

/*
 * rbd-mirror's clients in @pool (@nspace or NULL) of @cl: never NULL.  A
 * pool that was never mirrored, or one whose objects cannot be read,
 * gives an empty set (every client then counts as a user, the safe side:
 * nothing is spared a fence, nothing removed under a watcher).
 */
vrbd_mirror_watch *vrbd_mirror_watch_get(vrbd_cluster *cl, const char *pool,
                                         const char *nspace);

/* The same from what was read: @cluster's name; the addresses watching
 * the pool's rbd_mirroring object (@mirroring) and its rbd_mirror_leader
 * object (@leader); the site name of its peer when it has one (@peer_site,
 * @n_peers peers).  For vrbd_mirror_watch_get() and the unit tests. */
vrbd_mirror_watch *
vrbd_mirror_watch_new(const char *cluster, const char *const *mirroring,
                      size_t n_mirroring, const char *const *leader,
                      size_t n_leader, const char *peer_site, size_t n_peers);

/* Who the client at @addr is when it is an rbd-mirror daemon ("rbd-mirror
 * daemon of cluster 'zdata'", "rbd-mirror daemon of peer site 'X'"), to
 * free(); NULL when it is none (@mw NULL: none). */
char *vrbd_mirror_watch_describe(const vrbd_mirror_watch *mw, const char *addr);

void vrbd_mirror_watch_free(vrbd_mirror_watch *mw);

/*
 * Refuse (-1, VRBD_ERR_BUSY) removing image @spec (@name) while it is
 * mirrored: removing a primary removes its copy on the peer site too, and
 * a non-primary copy belongs to rbd-mirror.  0 when it is not mirrored (or
 * mirroring cannot be read: librbd's own removal then decides); -1 with
 * the error set when @spec cannot be opened.
 */
int vrbd_mirror_refuse_remove(vrbd_cluster *cl, const vrbd_spec *spec,
                              const char *name);

#endif
