/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-pool.c: the PG plan against the monitors themselves: for a count
 * over the budget, the numbers libvrbd refuses with are the numbers the
 * monitors refuse with (ERANGE); the largest count said to fit is accepted.
 * A long listing whose threads cannot start lists all the same.
 */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"
#include "json-util.h"

#define NO_LAB "no lab: run scripts/lab up and eval \"$(scripts/lab env)\""

static vrbd_cluster *
connect_lab(const char *name)
{
    CLEANUP_FREE char *up = xstrdup(name);
    CLEANUP_FREE char *conf_var = NULL;
    CLEANUP_FREE char *kr_var = NULL;
    vrbd_cluster_opts opts = {
        .version = VRBD_CLUSTER_OPTS_VERSION, .name = name, .timeout_sec = 20};
    vrbd_cluster *cl = NULL;

    for (char *p = up; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    conf_var = xasprintf("VRBD_LAB_%s_CONF", up);
    kr_var = xasprintf("VRBD_LAB_%s_KEYRING", up);
    opts.conf_path = getenv(conf_var);
    opts.keyring = getenv(kr_var);
    if (!opts.conf_path || vrbd_cluster_connect(&opts, &cl) < 0)
        return NULL;
    return cl;
}

static int
raw_create(vrbd_cluster *cl, const char *pool, unsigned pg, unsigned size)
{
    struct json_object *cmd = vrbd_json_cmd("osd pool create");

    vrbd_json_add_str(cmd, "pool", pool);
    vrbd_json_add_int(cmd, "pg_num", pg);
    vrbd_json_add_int(cmd, "pgp_num", pg);
    vrbd_json_add_int(cmd, "size", size);
    vrbd_json_add_str(cmd, "autoscale_mode", "off");
    return vrbd_cluster_mon_json(cl, cmd, NULL);
}

static void
remove_pool(vrbd_cluster *cl, const char *pool)
{
    struct json_object *cmd = vrbd_json_cmd("osd pool rm");

    vrbd_json_add_str(cmd, "pool", pool);
    vrbd_json_add_str(cmd, "pool2", pool);
    json_object_object_add(cmd, "yes_i_really_really_mean_it",
                           json_object_new_boolean(1));
    vrbd_cluster_mon_json(cl, cmd, NULL);
}

static void
plan_matches_monitors(const char *cluster)
{
    vrbd_cluster *cl = connect_lab(cluster);
    CLEANUP_FREE char *pool = xasprintf("vrbdt-plan-%d", (int)getpid());
    CLEANUP_FREE char *mon_said = NULL;
    CLEANUP_FREE char *want = NULL;
    vrbd_pool_plan plan;
    unsigned over;

    REQUIRE(cl != NULL);
    REQUIRE(vrbd_pool_plan_get(cl, 3, 1.0, &plan) == 0);
    over = (unsigned)((plan.max_pgs - plan.used_pgs) / 3 + 1);

    /* our refusal */
    CHECK(vrbd_pool_plan_check(&plan, pool, over) == -1);
    CHECK(vrbd_error_last()->errnum == ERANGE);
    printf("# %s: we say: %s\n", cluster, vrbd_error_last()->message);

    /* theirs, asked directly */
    CHECK(raw_create(cl, pool, over, 3) == -1);
    mon_said = xstrdup(vrbd_error_last()->message);
    printf("# %s: monitors say: %s\n", cluster, mon_said);
    CHECK(vrbd_error_last()->errnum == ERANGE);
    want = xasprintf("pg_num %u size 3 would mean %llu total pgs, which "
                     "exceeds max %llu (mon_max_pg_per_osd %u * num_in_osds "
                     "%u)",
                     over,
                     (unsigned long long)(plan.used_pgs + (uint64_t)over * 3),
                     (unsigned long long)plan.max_pgs, plan.mon_max_pg_per_osd,
                     plan.osds_in);
    CHECK(strstr(mon_said, want) != NULL);

    /* one less is what we call the limit: the monitors accept it */
    CHECK(vrbd_pool_plan_check(&plan, pool, over - 1) == 0 ||
          vrbd_error_last()->errnum != ERANGE);
    CHECK(raw_create(cl, pool, over - 1, 3) == 0);
    remove_pool(cl, pool);
    vrbd_cluster_free(cl);
}

TEST(the_refused_numbers_are_the_monitors_numbers_on_each_cluster)
{
    if (!getenv("VRBD_LAB_CLUSTERS"))
        SKIP(NO_LAB);
    plan_matches_monitors("ceph");
    plan_matches_monitors("zdata");
}

TEST(create_on_an_existing_pool_of_another_application_is_refused)
{
    vrbd_cluster *cl;
    CLEANUP_FREE char *pool = xasprintf("vrbdt-app-%d", (int)getpid());
    vrbd_pool_create_opts opts = {.version = VRBD_POOL_CREATE_OPTS_VERSION};
    struct json_object *cmd;
    bool created = true;

    if (!getenv("VRBD_LAB_CLUSTERS"))
        SKIP(NO_LAB);
    cl = connect_lab("ceph");
    REQUIRE(cl != NULL);
    REQUIRE(raw_create(cl, pool, 8, 3) == 0);
    cmd = vrbd_json_cmd("osd pool application enable");
    vrbd_json_add_str(cmd, "pool", pool);
    vrbd_json_add_str(cmd, "app", "rgw");
    CHECK(vrbd_cluster_mon_json(cl, cmd, NULL) == 0);
    CHECK(vrbd_pool_create(cl, pool, &opts, &created, NULL) == -1);
    CHECK(!created);
    CHECK(vrbd_error_last()->code == VRBD_ERR_EXISTS);
    CHECK(strstr(vrbd_error_last()->message, "another application"));
    remove_pool(cl, pool);
    vrbd_cluster_free(cl);
}

/* Listing threads that cannot start (every new thread asks for a stack of
 * 1 TiB): the listing is done by this thread, complete; librbd's own
 * threads are started by a first listing, before. */
TEST(a_long_listing_without_threads_lists_everything)
{
    vrbd_cluster *cl;
    CLEANUP_FREE char *pool = xasprintf("vrbdt-nothr-%d", (int)getpid());
    vrbd_pool_create_opts opts = {.version = VRBD_POOL_CREATE_OPTS_VERSION,
                                  .pg_num = 8};
    vrbd_volume_info *list = NULL;
    pthread_attr_t a, saved;
    size_t n = 0;
    bool created = false;
    int r;

    if (!getenv("VRBD_LAB_CLUSTERS"))
        SKIP(NO_LAB);
    cl = connect_lab("ceph");
    REQUIRE(cl != NULL);
    REQUIRE(vrbd_pool_create(cl, pool, &opts, &created, NULL) == 0);
    for (int i = 0; i < 3; i++) {
        CLEANUP_FREE char *name = xasprintf("img%d", i);
        vrbd_spec s = {.pool = pool, .image = name};
        vrbd_volume_create_opts co = {.version =
                                          VRBD_VOLUME_CREATE_OPTS_VERSION,
                                      .size = (uint64_t)(i + 1) << 20};

        REQUIRE(vrbd_volume_create(cl, &s, &co) == 0);
    }
    REQUIRE(vrbd_volume_list(cl, pool, NULL, true, 4, &list, &n) == 0);
    vrbd_volume_info_list_free(list, n);
    REQUIRE(pthread_getattr_default_np(&saved) == 0);
    REQUIRE(pthread_attr_init(&a) == 0);
    REQUIRE(pthread_attr_setstacksize(&a, (size_t)1 << 40) == 0);
    REQUIRE(pthread_setattr_default_np(&a) == 0);
    r = vrbd_volume_list(cl, pool, NULL, true, 4, &list, &n);
    pthread_setattr_default_np(&saved);
    pthread_attr_destroy(&a);
    pthread_attr_destroy(&saved);
    CHECK(r == 0);
    CHECK_U64(r == 0 ? n : 0, 3);
    for (size_t i = 0; r == 0 && i < n; i++)
        CHECK_U64(list[i].size, (uint64_t)(list[i].name[3] - '0' + 1) << 20);
    if (r == 0)
        vrbd_volume_info_list_free(list, n);
    remove_pool(cl, pool);
    vrbd_cluster_free(cl);
}

int
main(void)
{
    RUN(the_refused_numbers_are_the_monitors_numbers_on_each_cluster);
    RUN(create_on_an_existing_pool_of_another_application_is_refused);
    RUN(a_long_listing_without_threads_lists_everything);
    return harness_done();
}
