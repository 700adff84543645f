/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spec.c: the one parser of object names, [CLUSTER:]POOL[/NS][/IMAGE][@SNAP].
 * Pure: no I/O, fuzzed (tests/fuzz/fuzz-spec.c) and golden-tested
 * (tests/unit/test-spec.c).  It checks syntax only; whether the cluster,
 * pool or image exists is for the caller to find out.
 */
#include <string.h>

#include "internal.h"

static bool
cluster_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool
pool_char(char c)
{
    return cluster_char(c) || c == '.';
}

static bool
image_char(char c)
{
    return (unsigned char)c > ' ' && (unsigned char)c < 0x7f && c != '/' &&
           c != '@' && c != ':';
}

static int
check_name(const char *what, const char *text, const char *name, size_t max,
           bool (*ok)(char), const char *allowed)
{
    size_t len = strlen(name);
    CLEANUP_FREE char *hint = NULL;

    if (len == 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "write [CLUSTER:]POOL[/NAMESPACE]/IMAGE[@SNAP]",
                              "empty %s name in '%s'", what, text);
    if (len > max)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "%s name in '%s' is longer than %zu characters",
                              what, text, max);
    for (size_t i = 0; i < len; i++) {
        if (!ok(name[i])) {
            hint = xasprintf("a %s name may contain %s", what, allowed);
            if (name[i] == ' ')
                return vrbd_error_set(VRBD_ERR_INVALID, 0, hint,
                                      "%s name '%s' contains a space", what,
                                      name);
            return vrbd_error_set(VRBD_ERR_INVALID, 0, hint,
                                  "%s name '%s' contains '%c'", what, name,
                                  name[i]);
        }
    }
    if (ok == pool_char && (strcmp(name, ".") == 0 || strcmp(name, "..") == 0))
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "'%s' is not a valid %s name", name, what);
    return 0;
}

int
vrbd_host_name_check(const char *name)
{
    return check_name("host", name, name, 63, pool_char,
                      "letters, digits, '.', '_' and '-'");
}

int
vrbd_cluster_name_check(const char *name)
{
    return check_name("cluster", name, name, 32, cluster_char,
                      "letters, digits, '_' and '-'");
}

void
vrbd_spec_clear(vrbd_spec *spec)
{
    free(spec->cluster);
    free(spec->pool);
    free(spec->nspace);
    free(spec->image);
    free(spec->snap);
    memset(spec, 0, sizeof(*spec));
}

#define POOL_CHARS "letters, digits, '.', '_' and '-'"
#define IMAGE_CHARS "printable characters other than space, '/', '@' and ':'"

/* "CLUSTER:" at the start of *@rest: into @s, *@rest after it.  0, or -1
 * with the error set. */
static int
parse_cluster(const char *text, char **rest, vrbd_spec *s)
{
    char *colon = strchr(*rest, ':');

    if (!colon)
        return 0;
    *colon = '\0';
    if (strpbrk(*rest, "/@"))
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, NULL,
            "misplaced ':' in '%s': only CLUSTER: may come before the pool",
            text);
    if (check_name("cluster", text, *rest, 32, cluster_char,
                   "letters, digits, '_' and '-'") < 0)
        return -1;
    s->cluster = xstrdup(*rest);
    *rest = colon + 1;
    return 0;
}

/* "@SNAP" at the end of @rest: cut off, into @s.  0, or -1 with the error
 * set. */
static int
parse_snap(const char *text, char *rest, unsigned flags, const char *want,
           vrbd_spec *s)
{
    char *at = strchr(rest, '@');

    if (!at)
        return 0;
    *at = '\0';
    if (!(flags & (VRBD_SPEC_SNAP_OK | VRBD_SPEC_SNAP_NEED)))
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "drop the '@SNAP' part",
                              "'%s' names a snapshot where %s is expected",
                              text, want);
    if (check_name("snapshot", text, at + 1, 255, image_char, IMAGE_CHARS) < 0)
        return -1;
    s->snap = xstrdup(at + 1);
    return 0;
}

/* @rest cut at its '/' into @parts (at most 3): their number, or -1 with
 * the error set */
static int
split_path(const char *text, char *rest, const char *want, char *parts[3])
{
    int n = 0;

    for (char *p = rest;; p++) {
        char *slash = strchr(p, '/');

        if (n == 3)
            return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                                  "too many '/' in '%s': write %s", text, want);
        parts[n++] = p;
        if (!slash)
            return n;
        *slash = '\0';
        p = slash;
    }
}

/* POOL, POOL/NS (pool wanted); POOL/IMG, POOL/NS/IMG (image wanted): the
 * @n @parts into @s.  0, or -1 with the error set. */
static int
parse_path(const char *text, char *parts[3], int n, unsigned flags,
           const char *want, vrbd_spec *s)
{
    if (flags & VRBD_SPEC_IMAGE) {
        if (n == 1 && !(flags & VRBD_SPEC_POOL))
            return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                                  "'%s' names no image: write %s", text, want);
        if (n >= 2) {
            if (check_name("image", text, parts[n - 1], 255, image_char,
                           IMAGE_CHARS) < 0)
                return -1;
            s->image = xstrdup(parts[n - 1]);
            n--;
        }
    } else if (n == 3) {
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "'%s' names an image where %s is expected", text,
                              want);
    }
    if (check_name("pool", text, parts[0], 128, pool_char, POOL_CHARS) < 0)
        return -1;
    s->pool = xstrdup(parts[0]);
    if (n == 2) {
        if (check_name("namespace", text, parts[1], 128, pool_char,
                       POOL_CHARS) < 0)
            return -1;
        s->nspace = xstrdup(parts[1]);
    }
    return 0;
}

int
vrbd_spec_parse(const char *text, unsigned flags, vrbd_spec *out)
{
    vrbd_spec s = {0};
    CLEANUP_FREE char *copy = NULL;
    char *rest, *parts[3];
    const char *want = flags & VRBD_SPEC_IMAGE
                           ? "[CLUSTER:]POOL[/NAMESPACE]/IMAGE"
                           : "[CLUSTER:]POOL[/NAMESPACE]";
    int n;

    if (!text || !*text)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL, "empty name: write %s",
                              want);
    copy = xstrdup(text);
    rest = copy;
    if (parse_cluster(text, &rest, &s) < 0)
        goto fail;
    if (s.cluster && !*rest && (flags & VRBD_SPEC_CLUSTER_ONLY)) {
        *out = s;
        return 0;
    }
    if (parse_snap(text, rest, flags, want, &s) < 0 ||
        (n = split_path(text, rest, want, parts)) < 0 ||
        parse_path(text, parts, n, flags, want, &s) < 0)
        goto fail;
    if (s.snap && !s.image) {
        vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                       "a snapshot needs an image: write %s@SNAP", want);
        goto fail;
    }
    if ((flags & VRBD_SPEC_SNAP_NEED) && !s.snap) {
        vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                       "'%s' names no snapshot: write %s@SNAP", text, want);
        goto fail;
    }
    *out = s;
    return 0;

fail:
    vrbd_spec_clear(&s);
    return -1;
}

char *
vrbd_spec_format(const vrbd_spec *s)
{
    return xasprintf("%s%s%s%s%s%s%s%s%s", s->cluster ? s->cluster : "",
                     s->cluster ? ":" : "", s->pool ? s->pool : "",
                     s->nspace ? "/" : "", s->nspace ? s->nspace : "",
                     s->image ? "/" : "", s->image ? s->image : "",
                     s->snap ? "@" : "", s->snap ? s->snap : "");
}
