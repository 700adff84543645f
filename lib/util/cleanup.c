/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cleanup.c: the release functions behind the CLEANUP_* attributes. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "xalloc.h"

void
vrbd_cleanup_free(void *ptr)
{
    free(*(void **)ptr);
}

void
vrbd_cleanup_fclose(FILE **fp)
{
    if (*fp)
        fclose(*fp);
}

void
vrbd_cleanup_close(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
    }
}

void
vrbd_strv_add(char ***v, char *s)
{
    size_t n = 0;

    while (*v && (*v)[n])
        n++;
    *v = xreallocarray(*v, n + 2, sizeof(**v));
    (*v)[n] = s;
    (*v)[n + 1] = NULL;
}

void
vrbd_strv_free(char **strv)
{
    for (char **p = strv; p && *p; p++)
        free(*p);
    free(strv);
}

bool
vrbd_csv_has(const char *list, const char *item)
{
    size_t len = strlen(item);

    for (const char *p = list; p && *p; p += strcspn(p, ","), p += *p == ',')
        if (strncmp(p, item, len) == 0 && (p[len] == ',' || !p[len]))
            return true;
    return false;
}

char *
vrbd_strv_join(char *const *v, const char *sep, size_t max)
{
    char *res = xstrdup("");
    size_t i;

    for (i = 0; v && v[i] && i < max; i++) {
        char *next = xasprintf("%s%s%s", res, i ? sep : "", v[i]);

        free(res);
        res = next;
    }
    if (v && v[i]) {
        char *next = xasprintf("%s and more", res);

        free(res);
        res = next;
    }
    return res;
}

void
vrbd_cleanup_strv(char ***strv)
{
    vrbd_strv_free(*strv);
}
