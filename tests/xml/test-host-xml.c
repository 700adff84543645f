/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-host-xml.c: RBD pool and secret XML against golden files in
 * tests/xml/data (VRBD_REGENERATE=1 rewrites them), and the monitor
 * address conversion they are built from.
 */
#include "golden.h"
#include "harness.h"
#include "internal.h"

TEST(rbd_pool_lists_every_monitor_the_secret_and_capacity_refresh)
{
    const char *hosts[] = {"10.0.0.1:6789", "10.0.0.2:6789", "[fd00::3]:6789"};
    vrbd_rbd_pool_spec spec = {
        .name = "ceph-libvirt-pool",
        .pool = "libvirt-pool",
        .hosts = hosts,
        .n_hosts = 3,
        .user = "libvirt",
        .secret_uuid = "5f31eb65-6377-855b-bdc9-80015334f8e2",
    };
    CLEANUP_FREE char *xml = vrbd_rbd_pool_build_xml(&spec);

    REQUIRE(xml != NULL);
    golden("rbd-pool.xml", xml);
}

TEST(rbd_pool_values_are_escaped)
{
    const char *hosts[] = {"mon<1>:6789"};
    vrbd_rbd_pool_spec spec = {.name = "a&b",
                               .pool = "p'q",
                               .hosts = hosts,
                               .n_hosts = 1,
                               .user = "u\"v",
                               .secret_uuid = "x"};
    CLEANUP_FREE char *xml = vrbd_rbd_pool_build_xml(&spec);

    REQUIRE(xml != NULL);
    golden("rbd-pool-escaping.xml", xml);
}

TEST(rbd_pool_without_monitors_or_with_a_namespace_is_refused)
{
    const char *bad[] = {"no-port"};
    vrbd_rbd_pool_spec spec = {
        .name = "n", .pool = "p", .user = "u", .secret_uuid = "s"};

    CHECK(vrbd_rbd_pool_build_xml(&spec) == NULL);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
    spec.hosts = bad;
    spec.n_hosts = 1;
    CHECK(vrbd_rbd_pool_build_xml(&spec) == NULL);
    CHECK_STR(vrbd_error_last()->message,
              "monitor address 'no-port' is not HOST:PORT");
    spec.nspace = "ns";
    CHECK(vrbd_rbd_pool_build_xml(&spec) == NULL);
    CHECK(vrbd_error_last()->code == VRBD_ERR_UNSUPPORTED);
}

TEST(secret_is_private_with_a_ceph_usage)
{
    CLEANUP_FREE char *xml = vrbd_secret_build_xml(
        "5f31eb65-6377-855b-bdc9-80015334f8e2",
        "virt-rbd/73d6e0ce-3231-4a4d-9f7d-14c36eebffa9/client.libvirt",
        "virt-rbd: cephx key of client.libvirt on cluster 'ceph'");

    REQUIRE(xml != NULL);
    golden("secret.xml", xml);
}

TEST(monitor_addresses_prefer_msgr1_and_keep_ipv6_brackets)
{
    char *in[] = {(char *)"[v2:127.0.0.1:3300/0,v1:127.0.0.1:6789/0]",
                  (char *)"[v2:10.1.1.1:3300]",
                  (char *)"[v2:[fd00::1]:3300,v1:[fd00::1]:6789]",
                  (char *)"10.2.2.2:6789/0"};
    char **out = vrbd_mon_addrs_to_hosts(in, 4);

    REQUIRE(out != NULL);
    CHECK_STR(out[0], "127.0.0.1:6789");
    CHECK_STR(out[1], "10.1.1.1:3300");
    CHECK_STR(out[2], "[fd00::1]:6789");
    CHECK_STR(out[3], "10.2.2.2:6789");
    CHECK(out[4] == NULL);
    for (int i = 0; out[i]; i++)
        free(out[i]);
    free(out);
}

TEST(every_monitor_address_v1_and_v2_ipv6_in_brackets)
{
    char *in[] = {(char *)"[v2:127.0.0.1:3300/0,v1:127.0.0.1:6789/0]",
                  (char *)"[v2:[fd00::1]:3300/0,v1:[fd00::1]:6789/0]",
                  (char *)"10.2.2.2:6789/0"};
    char *bad[] = {(char *)"[nonsense]"};
    char **out = vrbd_mon_addrs_all(in, 3);

    REQUIRE(out != NULL);
    CHECK_STR(out[0], "127.0.0.1:3300");
    CHECK_STR(out[1], "127.0.0.1:6789");
    CHECK_STR(out[2], "[fd00::1]:3300");
    CHECK_STR(out[3], "[fd00::1]:6789");
    CHECK_STR(out[4], "10.2.2.2:6789");
    CHECK(out[5] == NULL);
    for (int i = 0; out[i]; i++)
        free(out[i]);
    free(out);
    CHECK(vrbd_mon_addrs_all(bad, 1) == NULL);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
}

int
main(int argc, char **argv)
{
    golden_dir = argc > 1 ? argv[1] : TEST_SRCDIR "/xml/data";
    RUN(rbd_pool_lists_every_monitor_the_secret_and_capacity_refresh);
    RUN(rbd_pool_values_are_escaped);
    RUN(rbd_pool_without_monitors_or_with_a_namespace_is_refused);
    RUN(secret_is_private_with_a_ceph_usage);
    RUN(monitor_addresses_prefer_msgr1_and_keep_ipv6_brackets);
    RUN(every_monitor_address_v1_and_v2_ipv6_in_brackets);
    return harness_done();
}
