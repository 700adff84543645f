/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-bench.c: the benchmark's percentiles (nearest rank), and its
 * refusals that need no cluster. */
#include "harness.h"
#include "vrbd.h"

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
    vrbd_bench_opts o = {0};
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

int
main(void)
{
    RUN(percentiles_are_nearest_rank);
    RUN(nothing_to_measure_and_odd_sizes_are_refused);
    return harness_done();
}
