/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cleanup.h: scope-based cleanup, as nbdkit's CLEANUP_FREE and GLib's
 * g_autoptr.  A variable declared with one of these is released when it
 * goes out of scope; steal it with TAKE() to keep it.
 */
#ifndef VRBD_UTIL_CLEANUP_H
#define VRBD_UTIL_CLEANUP_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

void vrbd_cleanup_free(void *ptr);
void vrbd_cleanup_fclose(FILE **fp);
void vrbd_cleanup_close(int *fd);
void vrbd_cleanup_strv(char ***strv);

/* Free a NULL-terminated array of strings and the array; NULL is fine. */
void vrbd_strv_free(char **strv);
/* Append @s (taken over) to the NULL-terminated *@v (NULL: empty). */
void vrbd_strv_add(char ***v, char *s);

/* "a, b, c" (@sep between) of the first @max strings of NULL-terminated
 * @v, with " and more" when there are more; caller frees. */
char *vrbd_strv_join(char *const *v, const char *sep, size_t max);
/* Whether comma-separated @list (NULL: empty) holds @item itself
 * ("nearfull" is not "full") */
bool vrbd_csv_has(const char *list, const char *item);

#define CLEANUP_FREE __attribute__((cleanup(vrbd_cleanup_free)))
#define CLEANUP_FCLOSE __attribute__((cleanup(vrbd_cleanup_fclose)))
#define CLEANUP_CLOSE __attribute__((cleanup(vrbd_cleanup_close)))
#define CLEANUP_STRV __attribute__((cleanup(vrbd_cleanup_strv)))

/* Declare a cleanup for a type whose free function takes the pointer. */
#define VRBD_DEFINE_CLEANUP(type, fn)                                          \
    static inline __attribute__((unused)) void fn##_cleanup_(type **p)         \
    {                                                                          \
        fn(*p);                                                                \
    }
#define CLEANUP(fn) __attribute__((cleanup(fn##_cleanup_)))

/* Return @var's value and set it to NULL, so cleanup does not free it. */
#define TAKE(var)                                                              \
    ({                                                                         \
        __typeof__(var) take_tmp_ = (var);                                     \
        (var) = NULL;                                                          \
        take_tmp_;                                                             \
    })

#endif
