/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* clock.h: monotonic seconds, for timeouts, backoff and rates. */
#ifndef VRBD_UTIL_CLOCK_H
#define VRBD_UTIL_CLOCK_H

/* Seconds on the monotonic clock (only differences mean anything). */
double vrbd_now(void);

#endif
