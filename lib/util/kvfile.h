/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kvfile.h: the "key = value" files of the virt-rbd registry.  One pair a
 * line; '#' or ';' start a comment line; blank lines are ignored; spaces
 * around key and value are trimmed.  Keys are [a-z0-9_]+.  Values are
 * taken as written up to the end of the line (no quoting, no escapes).
 */
#ifndef VRBD_UTIL_KVFILE_H
#define VRBD_UTIL_KVFILE_H

#include <stddef.h>

/* Called per pair; return 0 to go on, -1 to stop (the parse returns -1). */
typedef int (*vrbd_kv_fn)(const char *key, const char *value, int line,
                          void *opaque);

/*
 * Parse @len bytes of @text.  Returns 0, or -1 with *@why (static) and
 * *@line (1-based) set when the text is malformed, or -1 with *@why NULL
 * when @fn stopped it.
 */
int vrbd_kv_parse(const char *text, size_t len, vrbd_kv_fn fn, void *opaque,
                  const char **why, int *line);

/* Whether @value can be written as a value (no newline, no NUL, no
 * leading or trailing space that trimming would lose). */
int vrbd_kv_value_ok(const char *value);

#endif
