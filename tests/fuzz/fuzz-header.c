/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-header.c: libFuzzer target for the cls reply decoders of
 * lib/header.c, which read what an OSD sent.  The first byte picks the
 * decoder, the rest is the reply.  Beyond not crashing or reading past the
 * reply: a refusal leaves the outputs untouched; what is accepted holds
 * (an order an image can have, used bytes within the size, a parent's
 * strings NUL-terminated, a lock owner only when locked).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *b = (const char *)data + 1;
    size_t len;
    uint64_t v = 7;

    if (size < 1)
        return 0;
    len = size - 1;
    switch (data[0] % 10) {
    case 0: {
        int order = 7;

        if (vrbd_header_size(b, len, &order, &v) == 0) {
            if (order < 12 || order > 25)
                abort();
        } else if (order != 7 || v != 7) {
            abort();
        }
        break;
    }
    case 1:
        if (vrbd_header_u64(b, len, &v) < 0 && v != 7)
            abort();
        break;
    case 2: {
        uint64_t *ids = NULL;
        size_t n = 7;

        if (vrbd_header_snaps(b, len, &ids, &n) == 0) {
            if ((n == 0) != (ids == NULL) || n * 8 + 12 != len)
                abort();
            free(ids);
        } else if (n != 7 || ids) {
            abort();
        }
        break;
    }
    case 3: {
        vrbd_header_parent p = {.pool_id = 7};

        if (vrbd_header_parent_get(b, len, &p) == 0) {
            if (!p.pool_namespace || !p.image_id ||
                strlen(p.pool_namespace) > len || strlen(p.image_id) > len)
                abort();
            vrbd_header_parent_clear(&p);
        } else if (p.pool_id != 7 || p.image_id) {
            abort();
        }
        break;
    }
    case 4: {
        bool has = true;

        if (vrbd_header_overlap(b, len, &has, &v) == 0 && !has && v)
            abort();
        break;
    }
    case 5: {
        char *s = NULL;

        if (vrbd_header_string(b, len, &s) == 0) {
            if (!s || strlen(s) + 4 > len)
                abort();
            free(s);
        } else if (s) {
            abort();
        }
        break;
    }
    case 6: {
        bool locked = false;
        char *owner = NULL;

        if (vrbd_header_lock(b, len, &locked, &owner) == 0) {
            if (locked != (owner != NULL))
                abort();
            free(owner);
        } else if (owner) {
            abort();
        }
        break;
    }
    case 7:
    case 8: {
        /* the size and order from the first bytes of the reply */
        uint64_t isize = 0;
        int order = 12 + (len ? (unsigned char)b[0] % 14 : 0);

        if (len < 9)
            break;
        memcpy(&isize, b + 1, 8);
        isize >>= (unsigned char)b[0] % 64;
        if (vrbd_header_used(b + 9, len - 9, isize, order, &v) == 0 &&
            v > isize)
            abort();
        break;
    }
    case 9: {
        char **ids = NULL;
        bool prot = false;

        if (vrbd_header_trash_ids(b, len, &ids) == 0) {
            if (!ids)
                abort();
            vrbd_strv_free(ids);
        } else if (ids) {
            abort();
        }
        if (vrbd_header_protected(b, len, &prot) == 0 && len != 1)
            abort();
        break;
    }
    }
    return 0;
}
