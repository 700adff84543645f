/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * log.c: messages go to the handler a program installs, or nowhere.
 * Callers never pass secrets; there is no API here that would take one.
 * Also the tests' pause points (vrbd_test_pause), which stop the process
 * where a fault is to strike.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static vrbd_log_fn log_fn;
static vrbd_log_level log_max = VRBD_LOG_ERROR;
static void *log_opaque;

void
vrbd_log_set_handler(vrbd_log_fn fn, vrbd_log_level max_level, void *opaque)
{
    log_fn = fn;
    log_max = max_level;
    log_opaque = opaque;
}

void
vrbd_log(vrbd_log_level level, const char *fmt, ...)
{
    char buf[1024];
    CLEANUP_FREE char *text = NULL;
    va_list ap;

    if (!log_fn || level > log_max)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    text = vrbd_words(buf);
    log_fn(level, text, log_opaque);
}

void
vrbd_test_pause(const char *point)
{
    if (vrbd_csv_has(getenv("VRBD_TEST_PAUSE_AT"), point)) {
        vrbd_debug("test: pausing at '%s'", point);
        raise(SIGSTOP);
    }
}
