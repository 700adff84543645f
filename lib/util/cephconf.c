/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cephconf.c: option names of a ceph.conf (see cephconf.h).  Fuzzed. */
#include <stdlib.h>
#include <string.h>

#include "cephconf.h"
#include "xalloc.h"

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

int
vrbd_cephconf_names(const char *text, size_t len, vrbd_cephconf_fn fn,
                    void *opaque)
{
    size_t pos = 0;
    int lineno = 0;

    while (pos < len) {
        size_t end = pos, ks, ke;
        int first = lineno + 1;

        /* one logical line: a '\' before the newline joins the next */
        for (;;) {
            while (end < len && text[end] != '\n')
                end++;
            lineno++;
            if (end < len && end > pos && text[end - 1] == '\\') {
                end++;
                continue;
            }
            break;
        }
        ks = pos;
        pos = end + 1;
        while (ks < end && is_space(text[ks]))
            ks++;
        if (ks == end || text[ks] == '#' || text[ks] == ';' || text[ks] == '[')
            continue;
        /* the name ends at '='; a comment or a NUL before it leaves
         * no option on the line */
        for (ke = ks; ke < end; ke++)
            if (text[ke] == '=' || text[ke] == '#' || text[ke] == ';' ||
                text[ke] == '\0' || text[ke] == '\n' || text[ke] == '\\')
                break;
        if (ke == end || text[ke] != '=')
            continue;
        while (ke > ks && is_space(text[ke - 1]))
            ke--;
        if (ke == ks)
            continue;
        {
            char *name = xstrndup(text + ks, ke - ks);
            int r = fn(name, first, opaque);

            free(name);
            if (r < 0)
                return -1;
        }
    }
    return 0;
}
