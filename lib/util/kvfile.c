/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kvfile.c: parse "key = value" files (see kvfile.h).  Fuzzed. */
#include <stdlib.h>
#include <string.h>

#include "kvfile.h"
#include "xalloc.h"

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

int
vrbd_kv_parse(const char *text, size_t len, vrbd_kv_fn fn, void *opaque,
              const char **why, int *line)
{
    size_t pos = 0;
    int lineno = 0;

    *why = NULL;
    while (pos < len) {
        size_t end = pos, ks, ke, vs, ve;
        char *key, *value;
        int r;

        while (end < len && text[end] != '\n')
            end++;
        lineno++;
        *line = lineno;
        ks = pos;
        while (ks < end && is_space(text[ks]))
            ks++;
        if (ks == end || text[ks] == '#' || text[ks] == ';') {
            pos = end + 1;
            continue;
        }
        for (ke = ks; ke < end; ke++) {
            char c = text[ke];

            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
                break;
        }
        if (ke == ks) {
            *why = "expected a key (lower-case letters, digits, '_')";
            return -1;
        }
        vs = ke;
        while (vs < end && is_space(text[vs]))
            vs++;
        if (vs == end || text[vs] != '=') {
            *why = "expected 'key = value'";
            return -1;
        }
        vs++;
        while (vs < end && is_space(text[vs]))
            vs++;
        ve = end;
        while (ve > vs && is_space(text[ve - 1]))
            ve--;
        if (memchr(text + vs, '\0', ve - vs) ||
            memchr(text + vs, '\r', ve - vs)) {
            *why = "control character in value";
            return -1;
        }
        key = xstrndup(text + ks, ke - ks);
        value = xstrndup(text + vs, ve - vs);
        r = fn(key, value, lineno, opaque);
        free(key);
        free(value);
        if (r < 0)
            return -1;
        pos = end + 1;
    }
    return 0;
}

int
vrbd_kv_value_ok(const char *value)
{
    size_t n = strlen(value);

    if (strchr(value, '\n') || strchr(value, '\r'))
        return 0;
    if (n && (is_space(value[0]) || is_space(value[n - 1])))
        return 0;
    return 1;
}
