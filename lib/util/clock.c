/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* clock.c: monotonic seconds (see clock.h). */
#include <time.h>

#include "clock.h"

double
vrbd_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
