/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-error.c: the thread-local last error and the Ceph errno mapping. */
#include <errno.h>
#include <pthread.h>

#include "harness.h"
#include "internal.h"

TEST(a_fresh_thread_has_no_error)
{
    const vrbd_error *e = vrbd_error_last();

    CHECK(e->code == VRBD_ERR_OK);
    CHECK_STR(e->message, "");
    CHECK(e->hint == NULL);
}

TEST(set_records_code_errnum_message_and_hint)
{
    CHECK(vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, "create it first",
                         "pool '%s' not found", "rbd") == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_NOT_FOUND);
    CHECK(vrbd_error_last()->errnum == ENOENT);
    CHECK_STR(vrbd_error_last()->message, "pool 'rbd' not found");
    CHECK_STR(vrbd_error_last()->hint, "create it first");
    vrbd_error_clear();
    CHECK(vrbd_error_last()->code == VRBD_ERR_OK);
    CHECK(vrbd_error_last()->hint == NULL);
}

static void *
other_thread(void *arg)
{
    *(int *)arg = vrbd_error_last()->code;
    return NULL;
}

TEST(errors_are_per_thread)
{
    pthread_t t;
    int seen = -1;

    vrbd_error_set(VRBD_ERR_BUSY, 0, NULL, "busy here");
    pthread_create(&t, NULL, other_thread, &seen);
    pthread_join(t, NULL);
    CHECK(seen == VRBD_ERR_OK);
    CHECK(vrbd_error_last()->code == VRBD_ERR_BUSY);
    vrbd_error_clear();
}

TEST(ceph_results_map_from_negative_errno)
{
    CHECK(vrbd_error_from_ceph(-ENOENT) == VRBD_ERR_NOT_FOUND);
    CHECK(vrbd_error_from_ceph(-EBUSY) == VRBD_ERR_BUSY);
    CHECK(vrbd_error_from_ceph(-ETIMEDOUT) == VRBD_ERR_TIMEOUT);
    CHECK(vrbd_error_from_ceph(-EACCES) == VRBD_ERR_PERMISSION);
    CHECK(vrbd_error_from_ceph(-EEXIST) == VRBD_ERR_EXISTS);
    CHECK(vrbd_error_from_ceph(-ERANGE) == VRBD_ERR_INVALID);
    CHECK(vrbd_error_from_ceph(-EXDEV) == VRBD_ERR_CEPH);
}

TEST(ceph_error_message_names_the_action_and_cause)
{
    vrbd_error_ceph(-ENOENT, NULL, "cannot open image '%s'", "p/i");
    CHECK_STR(vrbd_error_last()->message,
              "cannot open image 'p/i': No such file or directory");
    CHECK(vrbd_error_last()->errnum == ENOENT);
    vrbd_error_clear();
}

TEST(options_are_checked_for_their_version)
{
    struct {
        unsigned version;
        int other;
    } o = {0, 1};
    vrbd_spec spec = {.pool = (char *)"rbd", .image = (char *)"x"};

    CHECK(vrbd_opts_check(&o, 1, "vrbd_x_opts") == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
    CHECK_STR(vrbd_error_last()->hint,
              "set its version to VRBD_X_OPTS_VERSION of the vrbd.h built "
              "against");
    o.version = 1;
    CHECK(vrbd_opts_check(&o, 1, "vrbd_x_opts") == 0);
    o.version = 3;
    CHECK(vrbd_opts_check(&o, 3, "vrbd_x_opts") == 0);
    CHECK(vrbd_opts_check(&o, 2, "vrbd_x_opts") == -1);
    CHECK(strstr(vrbd_error_last()->message, "version 3 is newer") != NULL);
    CHECK(vrbd_opts_check(NULL, 1, "vrbd_x_opts") == -1);
    CHECK_STR(vrbd_error_last()->message,
              "no vrbd_x_opts given: the options are required");
    /* an entry point refuses them before it looks at anything else */
    CHECK(vrbd_volume_create(NULL, &spec, NULL) == -1);
    CHECK_STR(vrbd_error_last()->message,
              "no vrbd_volume_create_opts given: the options are required");
}

TEST(every_code_has_a_distinct_name)
{
    for (int a = VRBD_ERR_OK; a <= VRBD_ERR_CEPH; a++) {
        CHECK(strcmp(vrbd_error_code_name(a), "unknown") != 0);
        for (int b = a + 1; b <= VRBD_ERR_CEPH; b++)
            CHECK(strcmp(vrbd_error_code_name(a), vrbd_error_code_name(b)));
    }
}

TEST(a_saved_error_comes_back_after_cleanup_set_another)
{
    vrbd_error_saved saved;

    vrbd_error_set(VRBD_ERR_TIMEOUT, ETIMEDOUT, "wait longer", "slow '%s'",
                   "x");
    vrbd_error_save(&saved);
    vrbd_error_set(VRBD_ERR_IO, EIO, NULL, "the cleanup failed too");
    CHECK(vrbd_error_restore(&saved, NULL) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_TIMEOUT);
    CHECK(vrbd_error_last()->errnum == ETIMEDOUT);
    CHECK_STR(vrbd_error_last()->message, "slow 'x'");
    CHECK_STR(vrbd_error_last()->hint, "wait longer");
    CHECK(saved.message == NULL && saved.hint == NULL);
    vrbd_error_clear();
}

TEST(a_restored_error_may_get_a_new_hint)
{
    vrbd_error_saved saved;

    vrbd_error_set(VRBD_ERR_BUSY, EBUSY, NULL, "in use");
    vrbd_error_save(&saved);
    vrbd_error_clear();
    vrbd_error_restore(&saved, "try again");
    CHECK(vrbd_error_last()->code == VRBD_ERR_BUSY);
    CHECK_STR(vrbd_error_last()->message, "in use");
    CHECK_STR(vrbd_error_last()->hint, "try again");
    vrbd_error_clear();
}

TEST(a_saved_error_may_be_dropped)
{
    vrbd_error_saved saved;

    vrbd_error_set(VRBD_ERR_BUSY, EBUSY, "hint", "in use");
    vrbd_error_save(&saved);
    vrbd_error_set(VRBD_ERR_IO, EIO, NULL, "this one stands");
    vrbd_error_saved_free(&saved);
    CHECK_STR(vrbd_error_last()->message, "this one stands");
    CHECK(saved.message == NULL && saved.hint == NULL);
    vrbd_error_clear();
}

int
main(void)
{
    RUN(a_fresh_thread_has_no_error);
    RUN(set_records_code_errnum_message_and_hint);
    RUN(errors_are_per_thread);
    RUN(ceph_results_map_from_negative_errno);
    RUN(ceph_error_message_names_the_action_and_cause);
    RUN(options_are_checked_for_their_version);
    RUN(every_code_has_a_distinct_name);
    RUN(a_saved_error_comes_back_after_cleanup_set_another);
    RUN(a_restored_error_may_get_a_new_hint);
    RUN(a_saved_error_may_be_dropped);
    return harness_done();
}
