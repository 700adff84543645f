/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* table.c: aligned columns (table.h). */
#include "table.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define GAP 2 /* spaces between columns */

struct vrbd_table {
    size_t ncols, nrows;
    char **cells; /* row-major, the headers first */
    bool *right;
};

vrbd_table *
vrbd_table_new(const char *const *headers)
{
    vrbd_table *t = xcalloc(1, sizeof(*t));

    while (headers[t->ncols])
        t->ncols++;
    t->right = xcalloc(t->ncols ? t->ncols : 1, sizeof(*t->right));
    vrbd_table_row_n(t, headers, t->ncols);
    return t;
}

void
vrbd_table_free(vrbd_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->right);
    free(t);
}

void
vrbd_table_right(vrbd_table *t, size_t col)
{
    if (col < t->ncols)
        t->right[col] = true;
}

int
vrbd_table_row_n(vrbd_table *t, const char *const *cells, size_t n)
{
    char **row;
    size_t room = (t->nrows + 1) * t->ncols;

    t->cells = xreallocarray(t->cells, room ? room : 1, sizeof(*t->cells));
    row = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++)
        row[i] = xstrdup(i < n && cells[i] && *cells[i] ? cells[i] : "-");
    t->nrows++;
    return n == t->ncols ? 0 : -1;
}

char *
vrbd_table_text(const vrbd_table *t)
{
    size_t *w = xcalloc(t->ncols ? t->ncols : 1, sizeof(*w));
    size_t len = 1;
    char *out, *p;

    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t l = strlen(t->cells[r * t->ncols + c]);

            w[c] = l > w[c] ? l : w[c];
        }
    for (size_t c = 0; c < t->ncols; c++)
        len += w[c] + GAP;
    len *= t->nrows ? t->nrows : 1;
    p = out = xmalloc(len + 1);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * t->ncols + c];
            size_t l = strlen(s), pad = w[c] - l;
            bool last = c + 1 == t->ncols;

            if (t->right[c]) {
                memset(p, ' ', pad);
                p += pad;
            }
            memcpy(p, s, l);
            p += l;
            if (!t->right[c] && !last) {
                memset(p, ' ', pad);
                p += pad;
            }
            if (!last) {
                memset(p, ' ', GAP);
                p += GAP;
            }
        }
        *p++ = '\n';
    }
    *p = '\0';
    free(w);
    return out;
}
