/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-user.c: least-privilege users on the lab: a user made for one pool
 * connects with the keyring virt-rbd wrote, creates an image in its pool,
 * and gets EPERM in another; a read-only user cannot write; keys never
 * show up in what the library returns.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "harness.h"
#include "internal.h"
#include "json-util.h"

#define NO_LAB "no lab: run scripts/lab up and eval \"$(scripts/lab env)\""

static char tmpdir[] = "/tmp/vrbd-test-user-XXXXXX";
static char *pool_a, *pool_b, *user;

static vrbd_cluster *
admin(const char *name)
{
    CLEANUP_FREE char *conf_var = xasprintf("VRBD_LAB_%s_CONF", name);
    CLEANUP_FREE char *kr_var = xasprintf("VRBD_LAB_%s_KEYRING", name);
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .name = "ceph",
                              .timeout_sec = 20};
    vrbd_cluster *cl = NULL;

    opts.conf_path = getenv(conf_var);
    opts.keyring = getenv(kr_var);
    if (!opts.conf_path || vrbd_cluster_connect(&opts, &cl) < 0)
        return NULL;
    return cl;
}

static vrbd_cluster *
as_user(const char *entity, const char *keyring)
{
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .name = "ceph",
                              .mon_host = getenv("VRBD_LAB_CEPH_MON_HOST"),
                              .user = entity,
                              .keyring = keyring,
                              .timeout_sec = 20};
    vrbd_cluster *cl = NULL;

    if (vrbd_cluster_connect(&opts, &cl) < 0) {
        printf("# connect as %s: %s\n", entity, vrbd_error_last()->message);
        return NULL;
    }
    return cl;
}

static int
create_image(vrbd_cluster *cl, const char *pool, const char *name)
{
    rados_ioctx_t io;
    int order = 22, r;

    r = rados_ioctx_create(vrbd_cluster_rados(cl), pool, &io);
    if (r < 0)
        return r;
    r = rbd_create(io, name, 4 << 20, &order);
    if (r == 0)
        rbd_remove(io, name);
    rados_ioctx_destroy(io);
    return r;
}

TEST(a_pool_user_creates_images_in_its_pool_and_gets_eperm_elsewhere)
{
    vrbd_cluster *cl, *u;
    const char *pools[] = {pool_a};
    vrbd_user_create_opts opts = {
        .version = VRBD_USER_CREATE_OPTS_VERSION, .pools = pools, .n_pools = 1};
    CLEANUP_FREE char *kr = xasprintf("%s/user.keyring", tmpdir);
    bool created, updated;
    struct stat st;

    if (!getenv("VRBD_LAB_CLUSTERS"))
        SKIP(NO_LAB);
    cl = admin("CEPH");
    REQUIRE(cl != NULL);
    CHECK(vrbd_user_create(cl, user, &opts, &created, &updated) == 0);
    CHECK(created && !updated);
    CHECK(vrbd_user_write_keyring(cl, user, kr, false) == 0);
    CHECK(stat(kr, &st) == 0 && (st.st_mode & 0777) == 0600);
    u = as_user(user, kr);
    CHECK(u != NULL);
    if (u) {
        CHECK(create_image(u, pool_a, "vrbdt-img") == 0);
        CHECK(create_image(u, pool_b, "vrbdt-img") == -EPERM);
        vrbd_cluster_free(u);
    }
    vrbd_cluster_free(cl);
}

TEST(the_same_caps_reuse_the_user_and_other_caps_are_refused)
{
    vrbd_cluster *cl;
    const char *same[] = {pool_a};
    const char *other[] = {pool_a, pool_b};
    vrbd_user_create_opts o1 = {
        .version = VRBD_USER_CREATE_OPTS_VERSION, .pools = same, .n_pools = 1};
    vrbd_user_create_opts o2 = {
        .version = VRBD_USER_CREATE_OPTS_VERSION, .pools = other, .n_pools = 2};
    vrbd_user u = {0};
    bool created = true, updated = true;

    if (!getenv("VRBD_LAB_CLUSTERS"))
        SKIP(NO_LAB);
    cl = admin("CEPH");
    REQUIRE(cl != NULL);
    CHECK(vrbd_user_create(cl, user, &o1, &created, &updated) == 0);
    CHECK(!created && !updated);
    CHECK(vrbd_user_create(cl, user, &o2, &created, &updated) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_EXISTS);
    o2.update_caps = true;
    CHECK(vrbd_user_create(cl, user, &o2, &created, &updated) == 0);
    CHECK(updated);
    CHECK(vrbd_user_get(cl, user, &u) == 0);
    {
        CLEANUP_FREE char *want = xasprintf(
            "profile rbd pool=%s, profile rbd pool=%s", pool_a, pool_b);

        CHECK_STR(u.caps_osd, want);
    }
    CHECK_STR(u.caps_mon, "profile rbd");
    CHECK(!u.unrestricted);
    vrbd_user_clear(&u);
    vrbd_cluster_free(cl);
}

TEST(a_read_only_user_cannot_create_images)
{
    vrbd_cluster *cl, *u;
    const char *pools[] = {pool_a};
    vrbd_user_create_opts opts = {.version = VRBD_USER_CREATE_OPTS_VERSION,
                                  .pools = pools,
                                  .n_pools = 1,
                                  .read_only = true};
    CLEANUP_FREE char *ro = xasprintf("%s-ro", user);
    CLEANUP_FREE char *kr = xasprintf("%s/ro.keyring", tmpdir);
    bool created, updated;

    if (!getenv("VRBD_LAB_CLUSTERS"))
        SKIP(NO_LAB);
    cl = admin("CEPH");
    REQUIRE(cl != NULL);
    CHECK(vrbd_user_create(cl, ro, &opts, &created, &updated) == 0);
    CHECK(vrbd_user_write_keyring(cl, ro, kr, false) == 0);
    u = as_user(ro, kr);
    CHECK(u != NULL);
    if (u) {
        CHECK(create_image(u, pool_a, "vrbdt-ro") == -EPERM);
        vrbd_cluster_free(u);
    }
    CHECK(vrbd_user_remove(cl, ro) == 0);
    vrbd_cluster_free(cl);
}

TEST(an_existing_keyring_is_not_replaced_unless_asked)
{
    vrbd_cluster *cl;
    CLEANUP_FREE char *kr = xasprintf("%s/user.keyring", tmpdir);

    if (!getenv("VRBD_LAB_CLUSTERS"))
        SKIP(NO_LAB);
    cl = admin("CEPH");
    REQUIRE(cl != NULL);
    CHECK(vrbd_user_write_keyring(cl, user, kr, false) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_EXISTS);
    CHECK(vrbd_user_write_keyring(cl, user, kr, true) == 0);
    vrbd_cluster_free(cl);
}

TEST(listing_users_returns_caps_and_no_key)
{
    vrbd_cluster *cl;
    vrbd_user *users = NULL;
    size_t n = 0;
    bool found = false, admin_unrestricted = false;

    if (!getenv("VRBD_LAB_CLUSTERS"))
        SKIP(NO_LAB);
    cl = admin("CEPH");
    REQUIRE(cl != NULL);
    CHECK(vrbd_user_list(cl, &users, &n) == 0);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(users[i].entity, user) == 0)
            found = true;
        if (strcmp(users[i].entity, "client.admin") == 0)
            admin_unrestricted = users[i].unrestricted;
        CHECK(!users[i].caps_osd || !strstr(users[i].caps_osd, "AQ"));
    }
    CHECK(found);
    CHECK(admin_unrestricted);
    vrbd_user_list_free(users, n);
    vrbd_cluster_free(cl);
}

TEST(removing_the_user_and_refusing_admin)
{
    vrbd_cluster *cl;
    vrbd_user u = {0};

    if (!getenv("VRBD_LAB_CLUSTERS"))
        SKIP(NO_LAB);
    cl = admin("CEPH");
    REQUIRE(cl != NULL);
    CHECK(vrbd_user_remove(cl, "client.admin") == -1);
    CHECK(vrbd_user_remove(cl, user) == 0);
    CHECK(vrbd_user_get(cl, user, &u) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_NOT_FOUND);
    vrbd_cluster_free(cl);
}

static void
make_pool(vrbd_cluster *cl, const char *name)
{
    vrbd_pool_create_opts o = {.version = VRBD_POOL_CREATE_OPTS_VERSION,
                               .pg_num = 8};
    bool created;

    if (vrbd_pool_create(cl, name, &o, &created, NULL) < 0)
        printf("# pool %s: %s\n", name, vrbd_error_last()->message);
}

int
main(void)
{
    vrbd_cluster *cl = NULL;
    int r;

    pool_a = xasprintf("vrbdt-ua-%d", (int)getpid());
    pool_b = xasprintf("vrbdt-ub-%d", (int)getpid());
    user = xasprintf("client.vrbdt-%d", (int)getpid());
    if (!mkdtemp(tmpdir))
        return 99;
    if (getenv("VRBD_LAB_CLUSTERS") && (cl = admin("CEPH"))) {
        make_pool(cl, pool_a);
        make_pool(cl, pool_b);
    }
    RUN(a_pool_user_creates_images_in_its_pool_and_gets_eperm_elsewhere);
    RUN(the_same_caps_reuse_the_user_and_other_caps_are_refused);
    RUN(a_read_only_user_cannot_create_images);
    RUN(an_existing_keyring_is_not_replaced_unless_asked);
    RUN(listing_users_returns_caps_and_no_key);
    RUN(removing_the_user_and_refusing_admin);
    r = harness_done();
    if (cl) {
        vrbd_pool_remove(cl, pool_a);
        vrbd_pool_remove(cl, pool_b);
        vrbd_cluster_free(cl);
    }
    {
        CLEANUP_FREE char *cmd = xasprintf("rm -rf '%s'", tmpdir);

        if (system(cmd) != 0)
            r = 1;
    }
    free(pool_a);
    free(pool_b);
    free(user);
    return r;
}
