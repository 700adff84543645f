/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xalloc.h: allocation that cannot fail.  Out of memory aborts, as in
 * libvirt and git: no caller is asked to handle it.
 */
#ifndef VRBD_UTIL_XALLOC_H
#define VRBD_UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size) __attribute__((malloc, returns_nonnull));
void *xcalloc(size_t nmemb, size_t size)
    __attribute__((malloc, returns_nonnull));
void *xrealloc(void *ptr, size_t size) __attribute__((returns_nonnull));
/* @size bytes at a multiple of @align (a power of two, at least
 * sizeof(void *)); freed with free() */
void *xmemalign(size_t align, size_t size)
    __attribute__((malloc, returns_nonnull));
/* Grow an array of @size-byte elements to hold @nmemb; overflow aborts. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size)
    __attribute__((returns_nonnull));
char *xstrdup(const char *s) __attribute__((malloc, returns_nonnull));
char *xstrndup(const char *s, size_t n)
    __attribute__((malloc, returns_nonnull));
char *xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), malloc, returns_nonnull));

#endif
