/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-spec.c: libFuzzer target for vrbd_spec_parse.  Beyond not crashing:
 * every accepted name formats to a canonical text that parses back to the
 * same canonical text, under every combination of flags.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[600];

    if (size >= sizeof(text))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    for (unsigned flags = 0; flags < 32; flags++) {
        vrbd_spec a, b;
        char *canon, *again;

        if (vrbd_spec_parse(text, flags, &a) < 0) {
            if (vrbd_error_last()->code != VRBD_ERR_INVALID)
                abort();
            continue;
        }
        canon = vrbd_spec_format(&a);
        if (vrbd_spec_parse(canon, flags, &b) < 0)
            abort();
        again = vrbd_spec_format(&b);
        if (strcmp(canon, again) != 0)
            abort();
        free(canon);
        free(again);
        vrbd_spec_clear(&a);
        vrbd_spec_clear(&b);
    }
    return 0;
}
