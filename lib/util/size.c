/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * size.c: parse and print byte sizes.  Pure functions, no allocation; the
 * parser is fuzzed (tests/fuzz/fuzz-size.c).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "size.h"

struct unit {
    const char *name;
    uint64_t mult;
};

#define KI 1024ULL
#define K1 1000ULL

static const struct unit units[] = {
    {"", 1},
    {"b", 1},
    {"k", KI},
    {"kib", KI},
    {"kb", K1},
    {"m", KI *KI},
    {"mib", KI *KI},
    {"mb", K1 *K1},
    {"g", KI *KI *KI},
    {"gib", KI *KI *KI},
    {"gb", K1 *K1 *K1},
    {"t", KI *KI *KI *KI},
    {"tib", KI *KI *KI *KI},
    {"tb", K1 *K1 *K1 *K1},
    {"p", KI *KI *KI *KI *KI},
    {"pib", KI *KI *KI *KI *KI},
    {"pb", K1 *K1 *K1 *K1 *K1},
    {"e", KI *KI *KI *KI *KI *KI},
    {"eib", KI *KI *KI *KI *KI *KI},
    {"eb", K1 *K1 *K1 *K1 *K1 *K1},
};

int
vrbd_size_parse(const char *text, uint64_t *bytes, const char **why)
{
    const char *p = text;
    uint64_t whole = 0, frac = 0, frac_div = 1, mult = 0, total;
    bool digits = false;
    size_t i;

    if (!text || !*text) {
        *why = "empty size";
        return -1;
    }
    for (; isdigit((unsigned char)*p); p++) {
        digits = true;
        if (__builtin_mul_overflow(whole, 10, &whole) ||
            __builtin_add_overflow(whole, (uint64_t)(*p - '0'), &whole))
            goto too_big;
    }
    if (*p == '.') {
        p++;
        for (; isdigit((unsigned char)*p); p++) {
            digits = true;
            /* 19 decimals is more precision than any unit can use */
            if (frac_div >= 10000000000000000000ULL) {
                *why = "too many decimals in size";
                return -1;
            }
            frac = frac * 10 + (uint64_t)(*p - '0');
            frac_div *= 10;
        }
    }
    if (!digits) {
        *why = "size must start with a number";
        return -1;
    }
    if (*p == ' ')
        p++;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcasecmp(p, units[i].name) == 0) {
            mult = units[i].mult;
            break;
        }
    }
    if (!mult) {
        *why = "unknown size unit (use B, K, M, G, T, P, E, KiB ... EiB or "
               "KB ... EB)";
        return -1;
    }
    if (__builtin_mul_overflow(whole, mult, &total))
        goto too_big;
    if (frac) {
        /* frac/frac_div * mult must be whole: mult and frac_div share only
         * factors of 2 and 5, so test divisibility without overflow. */
        unsigned __int128 part = (unsigned __int128)frac * mult;

        if (part % frac_div != 0) {
            *why = "size is not a whole number of bytes";
            return -1;
        }
        if (__builtin_add_overflow(total, (uint64_t)(part / frac_div), &total))
            goto too_big;
    }
    *bytes = total;
    return 0;

too_big:
    *why = "size is too large (the limit is 16 EiB - 1)";
    return -1;
}

char *
vrbd_size_format(uint64_t bytes, char *buf, size_t len)
{
    static const char *const names[] = {"B",   "KiB", "MiB", "GiB",
                                        "TiB", "PiB", "EiB"};
    unsigned u = 0;
    uint64_t scale = 1;
    unsigned __int128 hundredths;
    char *dot;

    while (u + 1 < sizeof(names) / sizeof(names[0]) && bytes / scale >= 1024) {
        scale *= 1024;
        u++;
    }
    /* round to two decimals, half up */
    hundredths = ((unsigned __int128)bytes * 100 + scale / 2) / scale;
    snprintf(buf, len, "%llu.%02u", (unsigned long long)(hundredths / 100),
             (unsigned)(hundredths % 100));
    dot = strchr(buf, '.');
    if (dot) {
        char *end = dot + strlen(dot) - 1;

        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *dot = '\0';
    }
    snprintf(buf + strlen(buf), len - strlen(buf), " %s", names[u]);
    return buf;
}
