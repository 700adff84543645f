/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xalloc.c: allocation wrappers that abort on out-of-memory. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static void __attribute__((noreturn)) oom(void)
{
    fputs("virt-rbd: out of memory\n", stderr);
    abort();
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (!p)
        oom();
    return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

    if (!p)
        oom();
    return p;
}

void *
xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);

    if (!p)
        oom();
    return p;
}

void *
xmemalign(size_t align, size_t size)
{
    void *p;

    if (posix_memalign(&p, align, size ? size : 1) != 0)
        oom();
    return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
    size_t bytes;

    if (__builtin_mul_overflow(nmemb, size, &bytes))
        oom();
    return xrealloc(ptr, bytes);
}

char *
xstrdup(const char *s)
{
    char *p = strdup(s);

    if (!p)
        oom();
    return p;
}

char *
xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);

    if (!p)
        oom();
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;
    int r;

    va_start(ap, fmt);
    r = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (r < 0)
        oom();
    return p;
}
