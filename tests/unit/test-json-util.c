/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-json-util.c: forgiving lookups in Ceph's JSON answers. */
#include "harness.h"
#include "internal.h"
#include "json-util.h"

static const char doc[] =
    "{\"fsid\": \"abc\", \"health\": {\"status\": \"HEALTH_OK\", "
    "\"checks\": {}}, \"osdmap\": {\"num_osds\": 3, \"big\": "
    "18446744073709551615, \"neg\": -1}, \"n\": 2.0}";

TEST(paths_follow_nested_members)
{
    CLEANUP(vrbd_json_put)
    struct json_object *o = vrbd_json_parse(doc, sizeof(doc) - 1);

    REQUIRE(o != NULL);
    CHECK_STR(vrbd_json_str(vrbd_json_path(o, "health"), "status", NULL),
              "HEALTH_OK");
    CHECK(vrbd_json_path(o, "health.checks") != NULL);
    CHECK(vrbd_json_path(o, "health.nope") == NULL);
    CHECK(vrbd_json_path(o, "fsid.deeper") == NULL);
}

TEST(missing_or_mistyped_members_give_defaults)
{
    CLEANUP(vrbd_json_put)
    struct json_object *o = vrbd_json_parse(doc, sizeof(doc) - 1);

    REQUIRE(o != NULL);
    CHECK_STR(vrbd_json_str(o, "nope", "dflt"), "dflt");
    CHECK_STR(vrbd_json_str(o, "osdmap", "dflt"), "dflt");
    CHECK_U64(vrbd_json_u64(o, "fsid"), 0);
    CHECK_U64(vrbd_json_u64(NULL, "x"), 0);
    CHECK_STR(vrbd_json_str(NULL, "x", "d"), "d");
}

TEST(integers_read_in_full_range)
{
    CLEANUP(vrbd_json_put)
    struct json_object *o = vrbd_json_parse(doc, sizeof(doc) - 1);

    REQUIRE(o != NULL);
    CHECK_U64(vrbd_json_u64(vrbd_json_path(o, "osdmap"), "num_osds"), 3);
    CHECK_U64(vrbd_json_u64(vrbd_json_path(o, "osdmap"), "big"), UINT64_MAX);
    CHECK_U64(vrbd_json_u64(o, "n"), 2);
}

TEST(invalid_json_is_refused)
{
    CHECK(vrbd_json_parse("{\"a\":", 5) == NULL);
    CHECK(vrbd_json_parse("", 0) == NULL);
    CHECK(vrbd_json_parse("{} trailing", 11) == NULL);
}

int
main(void)
{
    RUN(paths_follow_nested_members);
    RUN(missing_or_mistyped_members_give_defaults);
    RUN(integers_read_in_full_range);
    RUN(invalid_json_is_refused);
    return harness_done();
}
