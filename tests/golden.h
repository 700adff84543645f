/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * golden.h: compare text with a golden file; VRBD_REGENERATE=1 rewrites
 * the file instead (review the diff before committing it).  For tests
 * that include harness.h.
 */
#ifndef VRBD_TEST_GOLDEN_H
#define VRBD_TEST_GOLDEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *golden_dir;

static inline void
golden(const char *name, const char *got)
{
    char path[4096];
    char *want = NULL;
    size_t len = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", golden_dir, name);
    if (getenv("VRBD_REGENERATE")) {
        f = fopen(path, "w");
        if (f) {
            fputs(got, f);
            fclose(f);
        }
        return;
    }
    f = fopen(path, "r");
    if (!f) {
        printf("# missing golden file %s (VRBD_REGENERATE=1 writes it)\n",
               path);
        harness_cur_failed = true;
        return;
    }
    if (getdelim(&want, &len, '\0', f) < 0) {
        free(want);
        want = strdup("");
    }
    fclose(f);
    if (strcmp(want, got) != 0) {
        printf("# %s differs; got:\n%s", path, got);
        harness_cur_failed = true;
    }
    free(want);
}

#endif
