/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-secret-uuid.c: the name and UUID of the secret for (fsid, user)
 * are the same on every host and run, and differ between users and
 * clusters.
 */
#include "harness.h"
#include "cleanup.h"
#include "internal.h"

#define FSID1 "73d6e0ce-3231-4a4d-9f7d-14c36eebffa9"
#define FSID2 "afa7c978-5954-4f2f-abe1-5008e9806789"

TEST(the_uuid_is_a_pure_function_of_fsid_and_user)
{
    CLEANUP_FREE char *a = vrbd_secret_uuid_for(FSID1, "client.libvirt");
    CLEANUP_FREE char *b = vrbd_secret_uuid_for(FSID1, "client.libvirt");

    REQUIRE(a != NULL && b != NULL);
    CHECK_STR(a, b);
    /* pinned: hosts running different versions must agree */
    CHECK_STR(a, "ab0c5ceb-928e-804f-bca9-f5cd939366e4");
}

TEST(users_and_clusters_get_different_uuids)
{
    CLEANUP_FREE char *a = vrbd_secret_uuid_for(FSID1, "client.libvirt");
    CLEANUP_FREE char *b = vrbd_secret_uuid_for(FSID1, "client.libvirt2");
    CLEANUP_FREE char *c = vrbd_secret_uuid_for(FSID2, "client.libvirt");

    REQUIRE(a != NULL && b != NULL && c != NULL);
    CHECK(strcmp(a, b) != 0);
    CHECK(strcmp(a, c) != 0);
}

TEST(the_uuid_is_rfc9562_version_8)
{
    CLEANUP_FREE char *a = vrbd_secret_uuid_for(FSID2, "client.x");

    REQUIRE(a != NULL);
    CHECK(strlen(a) == 36 && a[8] == '-' && a[13] == '-');
    CHECK(a[14] == '8');
    CHECK(strchr("89ab", a[19]) != NULL);
}

TEST(a_malformed_fsid_is_refused)
{
    CHECK(vrbd_secret_uuid_for("not-a-uuid", "client.x") == NULL);
    CHECK(vrbd_secret_uuid_for(FSID1 "00", "client.x") == NULL);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
}

TEST(the_usage_name_carries_fsid_and_user)
{
    CLEANUP_FREE char *u = vrbd_secret_usage_name(FSID1, "client.libvirt");

    CHECK_STR(u, "virt-rbd/" FSID1 "/client.libvirt");
}

TEST(the_fsid_comes_back_out_of_the_usage_name)
{
    CLEANUP_FREE char *name = vrbd_secret_usage_name(FSID1, "client.libvirt");
    CLEANUP_FREE char *fsid = vrbd_secret_usage_fsid(name);
    CLEANUP_FREE char *none1 = vrbd_secret_usage_fsid("client.admin secret");
    CLEANUP_FREE char *none2 = vrbd_secret_usage_fsid("virt-rbd/" FSID1);
    CLEANUP_FREE char *none3 = vrbd_secret_usage_fsid("virt-rbd//client.x");
    CLEANUP_FREE char *none4 =
        vrbd_secret_usage_fsid("virt-rbd/" FSID1 "/osd.0");

    CHECK_STR(fsid, FSID1);
    CHECK(vrbd_secret_usage_fsid(NULL) == NULL);
    CHECK(none1 == NULL && none2 == NULL && none3 == NULL && none4 == NULL);
}

int
main(void)
{
    RUN(the_uuid_is_a_pure_function_of_fsid_and_user);
    RUN(users_and_clusters_get_different_uuids);
    RUN(the_uuid_is_rfc9562_version_8);
    RUN(a_malformed_fsid_is_refused);
    RUN(the_usage_name_carries_fsid_and_user);
    RUN(the_fsid_comes_back_out_of_the_usage_name);
    return harness_done();
}
