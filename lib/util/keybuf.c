/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* keybuf.c: buffers for keys that erase themselves (see keybuf.h). */
#include <stdlib.h>
#include <string.h>

#include "keybuf.h"
#include "xalloc.h"

void
vrbd_keybuf_wipe(void *p, size_t len)
{
    if (p && len)
        explicit_bzero(p, len);
}

vrbd_keybuf *
vrbd_keybuf_new(const char *src, size_t len)
{
    vrbd_keybuf *s = xcalloc(1, sizeof(*s));

    while (len > 0 && (src[len - 1] == '\n' || src[len - 1] == ' ' ||
                       src[len - 1] == '\r' || src[len - 1] == '\t'))
        len--;
    s->data = xmalloc(len + 1);
    memcpy(s->data, src, len);
    s->data[len] = '\0';
    s->len = len;
    return s;
}

void
vrbd_keybuf_free(vrbd_keybuf *s)
{
    if (!s)
        return;
    vrbd_keybuf_wipe(s->data, s->len + 1);
    free(s->data);
    free(s);
}

size_t
vrbd_keybuf_scrub_json_keys(char *json, size_t len)
{
    static const char name[] = "\"key\"";
    size_t i = 0, n = 0;

    while (i + sizeof(name) - 1 <= len) {
        size_t j;

        if (memcmp(json + i, name, sizeof(name) - 1) != 0) {
            i++;
            continue;
        }
        j = i + sizeof(name) - 1;
        while (j < len && (json[j] == ' ' || json[j] == '\t' ||
                           json[j] == '\n' || json[j] == '\r'))
            j++;
        if (j >= len || json[j] != ':') {
            i = j;
            continue;
        }
        j++;
        while (j < len && (json[j] == ' ' || json[j] == '\t' ||
                           json[j] == '\n' || json[j] == '\r'))
            j++;
        if (j >= len || json[j] != '"') {
            i = j;
            continue;
        }
        /* a string value: blank it to its closing quote; escaped quotes
         * do not occur in base64 but are honoured all the same */
        for (j++; j < len && json[j] != '"'; j++) {
            if (json[j] == '\\' && j + 1 < len) {
                json[j] = '*';
                j++;
            }
            json[j] = '*';
        }
        n++;
        i = j;
    }
    return n;
}
