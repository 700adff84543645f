/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * replay.c: run a fuzz target over its corpus as an ordinary TAP test, one
 * test per file, so the corpus guards against regressions on every build
 * (with the sanitizers when the build has them).
 *
 *     replay-size tests/fuzz/corpus/size
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int
main(int argc, char **argv)
{
    struct dirent **names;
    int n, i, t = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS-DIR\n", argv[0]);
        return 2;
    }
    n = scandir(argv[1], &names, NULL, by_name);
    if (n < 0) {
        printf("not ok 1 - corpus %s unreadable\n1..1\n", argv[1]);
        return 1;
    }
    for (i = 0; i < n; i++) {
        CLEANUP_FREE char *path = NULL;
        CLEANUP_FREE char *buf = NULL;
        size_t len = 0, cap = 0;
        FILE *f;

        if (names[i]->d_name[0] == '.') {
            free(names[i]);
            continue;
        }
        path = xasprintf("%s/%s", argv[1], names[i]->d_name);
        f = fopen(path, "rb");
        if (f) {
            int c;

            while ((c = fgetc(f)) != EOF) {
                if (len == cap)
                    buf = xrealloc(buf, cap = cap ? cap * 2 : 256);
                buf[len++] = (char)c;
            }
            fclose(f);
        }
        /* a crash aborts the run: the runner counts that as a failure */
        LLVMFuzzerTestOneInput((const uint8_t *)(buf ? buf : ""), len);
        printf("ok %d - %s\n", ++t, names[i]->d_name);
        free(names[i]);
    }
    free(names);
    printf("1..%d\n", t);
    return 0;
}
