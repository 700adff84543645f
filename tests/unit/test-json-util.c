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

TEST(numbers_beyond_the_range_are_clamped)
{
    static const char big[] =
        "{\"inf\": 1e400, \"huge\": 1e30, \"neg\": -2.5, \"nan\": NaN, "
        "\"half\": 0.5, \"ok\": 1.5e3}";
    CLEANUP(vrbd_json_put)
    struct json_object *o = vrbd_json_parse(big, sizeof(big) - 1);

    REQUIRE(o != NULL);
    CHECK_U64(vrbd_json_u64(o, "inf"), UINT64_MAX);
    CHECK_U64(vrbd_json_u64(o, "huge"), UINT64_MAX);
    CHECK_U64(vrbd_json_u64(o, "neg"), 0);
    CHECK_U64(vrbd_json_u64(o, "nan"), 0);
    CHECK_U64(vrbd_json_u64(o, "half"), 0);
    CHECK_U64(vrbd_json_u64(o, "ok"), 1500);
}

TEST(invalid_json_is_refused)
{
    CHECK(vrbd_json_parse("{\"a\":", 5) == NULL);
    CHECK(vrbd_json_parse("", 0) == NULL);
    CHECK(vrbd_json_parse("{} trailing", 11) == NULL);
}

/* @text parsed; the test fails on invalid JSON */
static struct json_object *
parse(const char *text)
{
    struct json_object *o = vrbd_json_parse(text, strlen(text));

    CHECK(o != NULL);
    return o;
}

TEST(lists_of_the_wrong_type_in_a_status_read_as_empty)
{
    CLEANUP(vrbd_json_put)
    struct json_object *status =
        parse("{\"pgmap\": {\"pgs_by_state\": {\"state_name\": "
              "\"active+clean\", \"count\": 3}}}");
    CLEANUP(vrbd_json_put)
    struct json_object *mons = parse("{\"mons\": {\"a\": {}}}");
    CLEANUP(vrbd_json_put)
    struct json_object *addrvec =
        parse("{\"mons\": [{\"public_addrs\": {\"addrvec\": "
              "\"v2:10.0.0.1:3300/0\"}, \"addr\": \"10.0.0.1:6789/0\"}]}");
    vrbd_cluster_status *st;

    st = vrbd_cluster_status_read(status, mons, "f");
    CHECK_U64(st->pgs_active_clean, 0);
    CHECK_U64(st->n_mon_addrs, 0);
    vrbd_cluster_status_free(st);
    /* an addrvec that is no list: the legacy address */
    st = vrbd_cluster_status_read(status, addrvec, "f");
    REQUIRE(st->n_mon_addrs == 1);
    CHECK_STR(st->mon_addrs[0], "10.0.0.1:6789/0");
    vrbd_cluster_status_free(st);
}

TEST(applications_of_the_wrong_type_belong_to_no_other)
{
    CLEANUP(vrbd_json_put)
    struct json_object *pools = parse(
        "[{\"pool_name\": \"vms\", \"application_metadata\": [\"rbd\"]}]");
    bool rbd = true;

    CHECK(!vrbd_pool_app_other(vrbd_pool_find(pools, "vms"), &rbd));
    CHECK(!rbd);
}

/* osd pool ls detail, as the monitors answer it (the members read) */
static const char pools[] =
    "[{\"pool_name\": \"q\", \"flags_names\": \"hashpspool,full_quota\", "
    "\"quota_max_bytes\": 67108864, \"quota_max_objects\": 0}, "
    "{\"pool_name\": \"gone\", \"flags_names\": \"hashpspool,full_quota\", "
    "\"quota_max_bytes\": 0, \"quota_max_objects\": 0}, "
    "{\"pool_name\": \"c\", \"flags_names\": \"hashpspool,full\"}, "
    "{\"pool_name\": \"near\", \"flags_names\": \"hashpspool,nearfull\"}, "
    "{\"pool_name\": \"bf\", \"flags_names\": \"backfillfull,hashpspool\"}, "
    "{\"pool_name\": \"f1\", \"flags_names\": \"full\"}, "
    "{\"pool_name\": \"ok\", \"flags_names\": \"hashpspool\"}]";

TEST(a_full_pool_says_why_and_a_quota_removed_is_no_longer_full)
{
    CLEANUP(vrbd_json_put)
    struct json_object *o = vrbd_json_parse(pools, sizeof(pools) - 1);
    char *why;

    REQUIRE(o != NULL);
    why = vrbd_pool_full_reason_read(o, "q");
    CHECK_STR(why, "its quota of 67108864 bytes is reached");
    free(why);
    why = vrbd_pool_full_reason_read(o, "c");
    CHECK_STR(why, "the cluster is full");
    free(why);
    /* the flag lags a quota set back to 0 until the next stats */
    CHECK(vrbd_pool_full_reason_read(o, "gone") == NULL);
    CHECK(vrbd_pool_full_reason_read(o, "ok") == NULL);
    /* nearly full is not full: writes still go through */
    CHECK(vrbd_pool_full_reason_read(o, "near") == NULL);
    CHECK(vrbd_pool_full_reason_read(o, "bf") == NULL);
    why = vrbd_pool_full_reason_read(o, "f1");
    CHECK_STR(why, "the cluster is full");
    free(why);
    CHECK(vrbd_pool_full_reason_read(o, "nosuch") == NULL);
}

/* Pacific 16.2.15's "osd blocklist ls": the addresses, then the ranges,
 * two JSON values one after the other */
static const char blocklist[] =
    "[{\"addr\":\"127.0.0.1:0/724261904\",\"until\":"
    "\"2026-12-06T18:07:21.656618+0000\"},{\"addr\":\"10.0.0.2:0/7\","
    "\"until\":\"2026-12-06T20:07:21.5+0200\"},{\"until\":\"x\"}]"
    "[{\"range\":\"10.1.0.0/16\",\"until\":\"nonsense\"}]";

TEST(a_blocklist_of_two_values_reads_addresses_and_ranges)
{
    size_t n = 0;
    vrbd_blocklist_entry *l =
        vrbd_blocklist_read(blocklist, sizeof(blocklist) - 1, &n);

    REQUIRE(n == 3);
    CHECK_STR(l[0].addr, "127.0.0.1:0/724261904");
    CHECK(l[0].until == 1796580441); /* 2026-12-06T18:07:21Z */
    CHECK_STR(l[1].addr, "10.0.0.2:0/7");
    CHECK(l[1].until == 1796580441); /* its +0200 taken off */
    CHECK_STR(l[2].addr, "10.1.0.0/16");
    CHECK(l[2].until == 0);
    vrbd_blocklist_entry_list_free(l, n);
}

TEST(a_blocklist_answer_cut_short_keeps_what_parsed)
{
    size_t n = 7;
    vrbd_blocklist_entry *l = vrbd_blocklist_read(blocklist, 60, &n);

    CHECK(n == 0);
    vrbd_blocklist_entry_list_free(l, n);
    l = vrbd_blocklist_read("", 0, &n);
    CHECK(n == 0);
    vrbd_blocklist_entry_list_free(l, n);
    l = vrbd_blocklist_read("{\"addr\":1} [] junk", 19, &n);
    CHECK(n == 0);
    vrbd_blocklist_entry_list_free(l, n);
}

int
main(void)
{
    RUN(paths_follow_nested_members);
    RUN(missing_or_mistyped_members_give_defaults);
    RUN(integers_read_in_full_range);
    RUN(numbers_beyond_the_range_are_clamped);
    RUN(invalid_json_is_refused);
    RUN(lists_of_the_wrong_type_in_a_status_read_as_empty);
    RUN(applications_of_the_wrong_type_belong_to_no_other);
    RUN(a_full_pool_says_why_and_a_quota_removed_is_no_longer_full);
    RUN(a_blocklist_of_two_values_reads_addresses_and_ranges);
    RUN(a_blocklist_answer_cut_short_keeps_what_parsed);
    return harness_done();
}
