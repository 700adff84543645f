/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-base64.c: libFuzzer target for the key decoder.  Beyond not
 * crashing or overrunning: a decode writes at most len/4*3 bytes, and
 * valid input decodes to a length consistent with its padding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *out = malloc(size / 4 * 3 + 1);
    long n = vrbd_base64_decode((const char *)data, size, out);

    if (n >= 0) {
        size_t pad = (size >= 1 && data[size - 1] == '=') +
                     (size >= 2 && data[size - 2] == '=');

        if ((size_t)n != size / 4 * 3 - pad)
            abort();
    }
    free(out);
    return 0;
}
