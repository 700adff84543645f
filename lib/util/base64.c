/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* base64.c: strict base64 decoding for keys (see base64.h).  Fuzzed. */
#include "base64.h"

static int
value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long
vrbd_base64_decode(const char *in, size_t len, unsigned char *out)
{
    long n = 0;

    if (len % 4 != 0)
        return -1;
    for (size_t i = 0; i < len; i += 4) {
        int v[4], pad = 0;
        unsigned long group = 0;

        for (int k = 0; k < 4; k++) {
            char c = in[i + k];

            if (c == '=' && i + 4 == len && k >= 2) {
                v[k] = 0;
                pad++;
                continue;
            }
            if (pad) /* data after padding */
                return -1;
            v[k] = value(c);
            if (v[k] < 0)
                return -1;
        }
        group = ((unsigned long)v[0] << 18) | ((unsigned long)v[1] << 12) |
                ((unsigned long)v[2] << 6) | (unsigned long)v[3];
        out[n++] = (unsigned char)(group >> 16);
        if (pad < 2)
            out[n++] = (unsigned char)(group >> 8);
        if (pad < 1)
            out[n++] = (unsigned char)group;
    }
    return n;
}
