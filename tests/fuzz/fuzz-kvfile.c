/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-kvfile.c: libFuzzer target for the registry's "key = value" parser.
 * Beyond not crashing: every pair handed out has a key of [a-z0-9_]+ and a
 * value with no line break and no edge space; a refusal says why and where.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kvfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check_pair(const char *key, const char *value, int line, void *opaque)
{
    if (!*key ||
        strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(key))
        abort();
    if (!vrbd_kv_value_ok(value) || line < 1)
        abort();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = NULL;
    int line = 0;

    if (vrbd_kv_parse((const char *)data, size, check_pair, NULL, &why, &line) <
            0 &&
        (!why || line < 1))
        abort();
    return 0;
}
