/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * error.c: the thread-local last error.  Each thread has one vrbd_error
 * whose strings it owns; setting it replaces them.  Nothing here prints.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "virt.h"

/* libvrbd's tokens and their plain words: words.h */
static const struct {
    const char *token;
    const char *plain;
} tokens[] = {
#define VRBD_WORD(token, plain) {token, plain},
#include "words.h"
#undef VRBD_WORD
};

static vrbd_words_fn words_fn;
static void *words_opaque;

void
vrbd_words_set(vrbd_words_fn fn, void *opaque)
{
    words_fn = fn;
    words_opaque = opaque;
}

/* The words for the token of @len bytes at @p, or NULL if it is none. */
static const char *
word_of(const char *p, size_t len)
{
    for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
        const char *w;

        if (strlen(tokens[i].token) != len ||
            memcmp(tokens[i].token, p, len) != 0)
            continue;
        w = words_fn ? words_fn(tokens[i].token, words_opaque) : NULL;
        return w ? w : tokens[i].plain;
    }
    return NULL;
}

char *
vrbd_words(const char *text)
{
    size_t cap = strlen(text) + 1, len = 0;
    char *out = xmalloc(cap);

    for (const char *p = text; *p;) {
        const char *end = *p == '{' ? strchr(p, '}') : NULL;
        const char *w = end ? word_of(p + 1, end - p - 1) : NULL;
        const char *from = w ? w : p;
        size_t n = w ? strlen(w) : 1;

        if (len + n + 1 > cap) {
            cap = 2 * (len + n + 1);
            out = xrealloc(out, cap);
        }
        memcpy(out + len, from, n);
        len += n;
        p = w ? end + 1 : p + 1;
    }
    out[len] = '\0';
    return out;
}

static __thread vrbd_error last = {VRBD_ERR_OK, 0, "", NULL};
static __thread char *last_message;
static __thread char *last_hint;

const vrbd_error *
vrbd_error_last(void)
{
    return &last;
}

void
vrbd_error_clear(void)
{
    free(last_message);
    free(last_hint);
    last_message = NULL;
    last_hint = NULL;
    last = (vrbd_error){VRBD_ERR_OK, 0, "", NULL};
}

static int __attribute__((format(printf, 4, 0)))
set_va(vrbd_error_code code, int errnum, const char *hint, const char *fmt,
       va_list ap)
{
    char *msg;

    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    vrbd_error_clear();
    last_message = vrbd_words(msg);
    free(msg);
    msg = last_message;
    last_hint = hint ? vrbd_words(hint) : NULL;
    last.code = code;
    last.errnum = errnum;
    last.message = last_message;
    last.hint = last_hint;
    vrbd_debug("error (%s): %s", vrbd_error_code_name(code), msg);
    return -1;
}

int
vrbd_error_set(vrbd_error_code code, int errnum, const char *hint,
               const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_va(code, errnum, hint, fmt, ap);
    va_end(ap);
    return -1;
}

int
vrbd_opts_check(const void *opts, unsigned known, const char *type)
{
    /* C guarantees a pointer to a struct converts to one to its first
     * member, which every vrbd_*_opts has as its version */
    unsigned version = opts ? *(const unsigned *)opts : 0;
    char macro[64];
    size_t i;

    if (version >= 1 && version <= known)
        return 0;
    for (i = 0; type[i] && i < sizeof(macro) - 1; i++)
        macro[i] = (char)toupper((unsigned char)type[i]);
    macro[i] = '\0';
    if (!opts)
        return vrbd_error_set(VRBD_ERR_INVALID, EINVAL, NULL,
                              "no %s given: the options are required", type);
    if (version == 0) {
        CLEANUP_FREE char *hint = xasprintf(
            "set its version to %s_VERSION of the vrbd.h built against", macro);

        return vrbd_error_set(
            VRBD_ERR_INVALID, EINVAL, hint,
            "%s without a version (0): the caller did not set it", type);
    }
    return vrbd_error_set(
        VRBD_ERR_INVALID, EINVAL,
        "run the program with the libvrbd it was built against, or a newer one",
        "%s of version %u is newer than this libvrbd %s knows (%u)", type,
        version, vrbd_version(), known);
}

void
vrbd_error_save(vrbd_error_saved *s)
{
    s->code = last.code;
    s->errnum = last.errnum;
    s->message = xstrdup(last.message);
    s->hint = last.hint ? xstrdup(last.hint) : NULL;
}

int
vrbd_error_restore(vrbd_error_saved *s, const char *hint)
{
    vrbd_error_clear();
    if (hint) {
        free(s->hint);
        s->hint = vrbd_words(hint);
    }
    last_message = s->message;
    last_hint = s->hint;
    last = (vrbd_error){s->code, s->errnum, last_message, last_hint};
    s->message = s->hint = NULL;
    return -1;
}

void
vrbd_error_saved_free(vrbd_error_saved *s)
{
    free(s->message);
    free(s->hint);
    s->message = s->hint = NULL;
}

vrbd_error_code
vrbd_error_from_ceph(int ret)
{
    switch (-ret) {
    case ENOENT:
        return VRBD_ERR_NOT_FOUND;
    case EEXIST:
        return VRBD_ERR_EXISTS;
    case EBUSY:
    case ENOTEMPTY:
        return VRBD_ERR_BUSY;
    case EACCES:
    case EPERM:
        return VRBD_ERR_PERMISSION;
    case ETIMEDOUT:
        return VRBD_ERR_TIMEOUT;
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH:
        return VRBD_ERR_UNREACHABLE;
    case EINVAL:
    case ERANGE:
        return VRBD_ERR_INVALID;
    case EIO:
        return VRBD_ERR_IO;
    case EOPNOTSUPP:
    case ENOSYS:
        return VRBD_ERR_UNSUPPORTED;
    default:
        return VRBD_ERR_CEPH;
    }
}

int
vrbd_error_ceph(int ret, const char *hint, const char *fmt, ...)
{
    CLEANUP_FREE char *what = NULL;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&what, fmt, ap) < 0)
        abort();
    va_end(ap);
    /* the OSDs and monitors say only "not permitted": name what it takes */
    if (!hint && (ret == -EPERM || ret == -EACCES))
        hint = "the user's caps do not allow it: images need mon 'profile "
               "rbd' and osd 'profile rbd pool=POOL' ({prog}{cluster_check} "
               "shows the caps; {prog}{vrbd_user_create} makes such a user)";
    /* librados's word for a client the OSDs were told to refuse:
     * "Cannot send after transport endpoint shutdown" */
    if (ret == -ESHUTDOWN)
        return vrbd_error_set(
            VRBD_ERR_PERMISSION, ESHUTDOWN,
            hint
                ? hint
                : "another client took over or an admin fenced this one (ceph osd blocklist ls); a new run is a new client",
            "%s: this client was blocklisted by the cluster: its writes are refused from now on",
            what);
    return vrbd_error_set(vrbd_error_from_ceph(ret), -ret, hint, "%s: %s", what,
                          strerror(-ret));
}

static void
libvirt_quiet(void *opaque, virErrorPtr err)
{
    /* libvirt would print every error to stderr; we report our own. */
}

int
vrbd_libvirt_init(void)
{
    /* idempotent and cheap: every entry point into libvirt calls it */
    if (vrbd_virt_load() < 0)
        return -1;
    virSetErrorFunc(NULL, libvirt_quiet);
    return 0;
}

int
vrbd_error_libvirt(const char *hint, const char *fmt, ...)
{
    CLEANUP_FREE char *what = NULL;
    virErrorPtr err = vrbd_virt_loaded() ? virGetLastError() : NULL;
    vrbd_error_code code = VRBD_ERR_LIBVIRT;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&what, fmt, ap) < 0)
        abort();
    va_end(ap);
    if (!err)
        return vrbd_error_set(code, 0, hint, "%s", what);
    switch (err->code) {
    case VIR_ERR_NO_DOMAIN:
    case VIR_ERR_NO_STORAGE_POOL:
    case VIR_ERR_NO_STORAGE_VOL:
    case VIR_ERR_NO_SECRET:
        code = VRBD_ERR_NOT_FOUND;
        break;
    case VIR_ERR_OPERATION_TIMEOUT:
        code = VRBD_ERR_TIMEOUT;
        break;
    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_SYSTEM_ERROR:
        if (err->domain == VIR_FROM_RPC || err->domain == VIR_FROM_REMOTE)
            code = VRBD_ERR_UNREACHABLE;
        break;
    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_OPERATION_DENIED:
    case VIR_ERR_AUTH_UNAVAILABLE:
        code = VRBD_ERR_PERMISSION;
        break;
    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_OPERATION_UNSUPPORTED:
        code = VRBD_ERR_UNSUPPORTED;
        break;
    case VIR_ERR_OPERATION_INVALID:
        code = VRBD_ERR_BUSY;
        break;
    case VIR_ERR_INVALID_ARG:
    case VIR_ERR_XML_ERROR:
        code = VRBD_ERR_INVALID;
        break;
    default:
        break;
    }
    vrbd_error_set(code, 0, hint, "%s: %s", what,
                   err->message ? err->message : "unknown libvirt error");
    virResetLastError();
    return -1;
}

const char *
vrbd_error_code_name(vrbd_error_code code)
{
    switch (code) {
    case VRBD_ERR_OK:
        return "ok";
    case VRBD_ERR_INTERNAL:
        return "internal";
    case VRBD_ERR_INVALID:
        return "invalid";
    case VRBD_ERR_CONFIG:
        return "config";
    case VRBD_ERR_NOT_FOUND:
        return "not-found";
    case VRBD_ERR_EXISTS:
        return "exists";
    case VRBD_ERR_BUSY:
        return "busy";
    case VRBD_ERR_PERMISSION:
        return "permission";
    case VRBD_ERR_TIMEOUT:
        return "timeout";
    case VRBD_ERR_UNREACHABLE:
        return "unreachable";
    case VRBD_ERR_IO:
        return "io";
    case VRBD_ERR_UNSUPPORTED:
        return "unsupported";
    case VRBD_ERR_LIBVIRT:
        return "libvirt";
    case VRBD_ERR_CEPH:
        return "ceph";
    }
    return "unknown";
}
