/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-mirror-watch.c: telling rbd-mirror's clients of an image from its
 * users, on the watcher lists measured on the lab (cli-mirror-watchers.t
 * checks the same on live clusters).  On 'ceph' (the primary's cluster)
 * rbd_mirroring is watched by zdata's daemon through its peer connection
 * (...945981399) and by ceph's own daemon (...4194636972), which alone
 * also watches rbd_mirror_leader.
 */
#include "harness.h"
#include "internal.h"
#include "mirror-watch.h"

#define PEER "127.0.0.1:0/945981399"
#define OWN "127.0.0.1:0/4194636972"
#define QEMU "127.0.0.1:0/2425040214"

static const char *const mirroring[] = {PEER, PEER, OWN, OWN};
static const char *const leader[] = {OWN};

TEST(a_watcher_of_the_leader_object_is_this_clusters_daemon)
{
    vrbd_mirror_watch *mw =
        vrbd_mirror_watch_new("ceph", mirroring, 4, leader, 1, "zsite", 1);
    CLEANUP_FREE char *d = vrbd_mirror_watch_describe(mw, OWN);

    CHECK_STR(d, "rbd-mirror daemon of cluster 'ceph'");
    vrbd_mirror_watch_free(mw);
}

TEST(a_watcher_of_rbd_mirroring_alone_is_the_peer_sites_daemon)
{
    vrbd_mirror_watch *mw =
        vrbd_mirror_watch_new("ceph", mirroring, 4, leader, 1, "zsite", 1);
    CLEANUP_FREE char *d = vrbd_mirror_watch_describe(mw, PEER);

    CHECK_STR(d, "rbd-mirror daemon of peer site 'zsite'");
    vrbd_mirror_watch_free(mw);
}

TEST(with_several_peers_no_site_is_guessed)
{
    vrbd_mirror_watch *mw =
        vrbd_mirror_watch_new("ceph", mirroring, 4, leader, 1, NULL, 2);
    CLEANUP_FREE char *d = vrbd_mirror_watch_describe(mw, PEER);

    CHECK_STR(d, "rbd-mirror daemon of a peer site");
    vrbd_mirror_watch_free(mw);
}

TEST(any_other_client_is_no_daemon)
{
    vrbd_mirror_watch *mw =
        vrbd_mirror_watch_new("ceph", mirroring, 4, leader, 1, "zsite", 1);

    CHECK(vrbd_mirror_watch_describe(mw, QEMU) == NULL);
    /* an address is one client instance: a prefix of one is another */
    CHECK(vrbd_mirror_watch_describe(mw, "127.0.0.1:0/94598139") == NULL);
    CHECK(vrbd_mirror_watch_describe(mw, NULL) == NULL);
    vrbd_mirror_watch_free(mw);
}

TEST(a_leader_watcher_that_does_not_watch_rbd_mirroring_is_no_daemon)
{
    /* a pool never mirrored: no rbd_mirroring watcher at all */
    vrbd_mirror_watch *mw =
        vrbd_mirror_watch_new("ceph", NULL, 0, leader, 1, NULL, 0);

    CHECK(vrbd_mirror_watch_describe(mw, OWN) == NULL);
    CHECK(vrbd_mirror_watch_describe(NULL, OWN) == NULL);
    vrbd_mirror_watch_free(mw);
    vrbd_mirror_watch_free(NULL);
}

int
main(void)
{
    RUN(a_watcher_of_the_leader_object_is_this_clusters_daemon);
    RUN(a_watcher_of_rbd_mirroring_alone_is_the_peer_sites_daemon);
    RUN(with_several_peers_no_site_is_guessed);
    RUN(any_other_client_is_no_daemon);
    RUN(a_leader_watcher_that_does_not_watch_rbd_mirroring_is_no_daemon);
    return harness_done();
}
