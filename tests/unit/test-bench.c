/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-bench.c: the benchmark's percentiles (nearest rank), its
 * refusals that need no cluster, and a failure to start its threads. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"

TEST(percentiles_are_nearest_rank)
{
    double v[100];

    for (int i = 0; i < 100; i++)
        v[i] = i + 1; /* 1 .. 100 */
    CHECK(vrbd_bench_percentile(v, 100, 50) == 50);
    CHECK(vrbd_bench_percentile(v, 100, 99) == 99);
    CHECK(vrbd_bench_percentile(v, 100, 100) == 100);
    CHECK(vrbd_bench_percentile(v, 100, 0) == 1);
    CHECK(vrbd_bench_percentile(v, 3, 50) == 2);
    CHECK(vrbd_bench_percentile(v, 1, 99) == 1);
    CHECK(vrbd_bench_percentile(v, 0, 50) == 0);
}

TEST(nothing_to_measure_and_odd_sizes_are_refused)
{
    vrbd_bench_opts o = {.version = VRBD_BENCH_OPTS_VERSION};
    vrbd_bench_result *res = (vrbd_bench_result *)1;
    size_t n = 7;

    CHECK(vrbd_bench_run(NULL, &o, &res, &n) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
    CHECK(res == NULL && n == 0);
    o.local_path = "/nonexistent-dir/x";
    o.size = 1536 * 1024;
    CHECK(vrbd_bench_run(NULL, &o, &res, &n) == -1);
    CHECK(strstr(vrbd_error_last()->message, "multiple of 1 MiB") != NULL);
    o.size = 1 << 20;
    CHECK(vrbd_bench_run(NULL, &o, &res, &n) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_NOT_FOUND);
}

TEST(options_without_a_version_are_refused)
{
    vrbd_bench_opts o = {.local_path = "/tmp", .size = 1 << 20};
    vrbd_bench_result *res = (vrbd_bench_result *)1;
    size_t n = 7;

    CHECK(vrbd_bench_run(NULL, &o, &res, &n) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
    CHECK(strstr(vrbd_error_last()->message, "vrbd_bench_opts without a "
                                             "version") != NULL);
    CHECK(res == NULL && n == 0);
}

/* Threads that cannot start (every new thread asks for a stack of 1 TiB,
 * which this machine cannot give): the benchmark says so and cleans up;
 * the library never aborts. */
TEST(threads_that_cannot_start_are_an_error_not_an_abort)
{
    char dir[] = "/tmp/vrbd-bench-XXXXXX";
    vrbd_bench_opts o = {
        .version = VRBD_BENCH_OPTS_VERSION, .size = 1 << 20, .seconds = 0.05};
    vrbd_bench_result *res = NULL;
    pthread_attr_t a, saved;
    size_t n = 0;
    int r;

    REQUIRE(mkdtemp(dir) != NULL);
    o.local_path = dir;
    REQUIRE(pthread_getattr_default_np(&saved) == 0);
    REQUIRE(pthread_attr_init(&a) == 0);
    REQUIRE(pthread_attr_setstacksize(&a, (size_t)1 << 40) == 0);
    REQUIRE(pthread_setattr_default_np(&a) == 0);
    r = vrbd_bench_run(NULL, &o, &res, &n);
    pthread_setattr_default_np(&saved);
    pthread_attr_destroy(&a);
    pthread_attr_destroy(&saved);
    CHECK(r == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INTERNAL);
    CHECK(strstr(vrbd_error_last()->message, "cannot start thread 1 of") !=
          NULL);
    CHECK(res == NULL && n == 0);
    CHECK(rmdir(dir) == 0); /* the scratch file is gone */
}

int
main(void)
{
    RUN(percentiles_are_nearest_rank);
    RUN(nothing_to_measure_and_odd_sizes_are_refused);
    RUN(options_without_a_version_are_refused);
    RUN(threads_that_cannot_start_are_an_error_not_an_abort);
    return harness_done();
}
