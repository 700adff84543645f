/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * harness.h: a minimal TAP producer for virt-rbd's C tests.  One TEST per
 * behaviour; CHECK* record a failure with file and line and let the test
 * go on; SKIP() ends a test as skipped with a reason.  main() is:
 *
 *     int main(void) { RUN(test_a); RUN(test_b); return harness_done(); }
 */
#ifndef VRBD_TEST_HARNESS_H
#define VRBD_TEST_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_n, harness_failed;
static bool harness_cur_failed;
static const char *harness_skip_reason;

#define TEST(name) static void name(void)

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            printf("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
            harness_cur_failed = true;                                         \
        }                                                                      \
    } while (0)

#define CHECK_STR(got, want)                                                   \
    do {                                                                       \
        const char *g_ = (got), *w_ = (want);                                  \
        if (!g_ || !w_ || strcmp(g_, w_) != 0) {                               \
            printf("# %s:%d: %s is '%s', want '%s'\n", __FILE__, __LINE__,     \
                   #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");              \
            harness_cur_failed = true;                                         \
        }                                                                      \
    } while (0)

#define CHECK_U64(got, want)                                                   \
    do {                                                                       \
        uint64_t g_ = (got), w_ = (want);                                      \
        if (g_ != w_) {                                                        \
            printf("# %s:%d: %s is %" PRIu64 ", want %" PRIu64 "\n", __FILE__, \
                   __LINE__, #got, g_, w_);                                    \
            harness_cur_failed = true;                                         \
        }                                                                      \
    } while (0)

/* Stop the current test when a CHECK before it failed. */
#define REQUIRE(cond)                                                          \
    do {                                                                       \
        CHECK(cond);                                                           \
        if (harness_cur_failed)                                                \
            return;                                                            \
    } while (0)

#define SKIP(reason)                                                           \
    do {                                                                       \
        harness_skip_reason = (reason);                                        \
        return;                                                                \
    } while (0)

static inline void
harness_run(const char *name, void (*fn)(void))
{
    harness_cur_failed = false;
    harness_skip_reason = NULL;
    fflush(stdout);
    fn();
    harness_n++;
    if (harness_skip_reason && !harness_cur_failed) {
        printf("ok %d - %s # SKIP %s\n", harness_n, name, harness_skip_reason);
    } else if (harness_cur_failed) {
        printf("not ok %d - %s\n", harness_n, name);
        harness_failed++;
    } else {
        printf("ok %d - %s\n", harness_n, name);
    }
    fflush(stdout);
}

#define RUN(fn) harness_run(#fn, fn)

static inline int
harness_done(void)
{
    printf("1..%d\n", harness_n);
    return harness_failed ? 1 : 0;
}

#endif
