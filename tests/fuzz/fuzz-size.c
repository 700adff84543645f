/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-size.c: libFuzzer target for vrbd_size_parse.  Beyond not crashing:
 * a refusal leaves the output untouched and says why; an accepted size
 * printed as plain bytes parses back to itself; formatting never
 * overflows its buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[64], again[32], fmt[32];
    uint64_t v = 7, w = 0;
    const char *why = NULL;

    if (size >= sizeof(text))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (vrbd_size_parse(text, &v, &why) < 0) {
        if (v != 7 || !why || !*why)
            abort();
        return 0;
    }
    snprintf(again, sizeof(again), "%llu", (unsigned long long)v);
    if (vrbd_size_parse(again, &w, &why) < 0 || w != v)
        abort();
    vrbd_size_format(v, fmt, sizeof(fmt));
    if (strlen(fmt) >= sizeof(fmt) - 1)
        abort();
    return 0;
}
