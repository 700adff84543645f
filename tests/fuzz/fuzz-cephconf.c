/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-cephconf.c: libFuzzer target for the ceph.conf option-name scan.
 * Beyond not crashing: every name handed out is not empty, has no edge
 * space and holds none of '=', '#', ';', a line break or a NUL; lines
 * never go backwards.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cephconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check_name(const char *name, int line, void *opaque)
{
    int *last = opaque;
    size_t len = strlen(name);

    if (len == 0 || strpbrk(name, "=#;\n\\") || name[0] == ' ' ||
        name[0] == '\t' || name[len - 1] == ' ' || name[len - 1] == '\t' ||
        name[len - 1] == '\r' || line < 1 || line <= *last)
        abort();
    *last = line;
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int last = 0;

    if (vrbd_cephconf_names((const char *)data, size, check_name, &last) < 0)
        abort();
    return 0;
}
