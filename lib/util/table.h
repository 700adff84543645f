/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * table.h: the CLI's lists as aligned columns.  Every row has one cell per
 * header; an empty or missing cell shows as "-", so a later value never
 * slides under the wrong header.  Columns are as wide as their widest
 * cell, two spaces apart; the last is not padded.
 */
#ifndef VRBD_UTIL_TABLE_H
#define VRBD_UTIL_TABLE_H

#include <stddef.h>

typedef struct vrbd_table vrbd_table;

/* A table of the headers @headers, NULL-terminated (copied). */
vrbd_table *vrbd_table_new(const char *const *headers);
void vrbd_table_free(vrbd_table *t);

/* Column @col (from 0) aligned to the right, as numbers are. */
void vrbd_table_right(vrbd_table *t, size_t col);

/* A row of @n cells (copied; NULL or "" shows as "-").  Returns 0, or -1
 * when @n is not the number of headers (the row is kept, cut or filled
 * with "-"). */
int vrbd_table_row_n(vrbd_table *t, const char *const *cells, size_t n);

#define VRBD_TABLE_ROW(t, ...)                                                 \
    vrbd_table_row_n((t), (const char *const[]){__VA_ARGS__},                  \
                     sizeof((const char *const[]){__VA_ARGS__}) /              \
                         sizeof(const char *))

/* The table as text, one line per row after the headers, each ending in
 * "\n" (caller frees). */
char *vrbd_table_text(const vrbd_table *t);

#endif
