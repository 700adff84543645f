/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * secret.h: the one buffer type for secrets (cephx keys).  Its free erases
 * it; nothing that logs or formats messages takes one.  Keep the bytes in
 * a vrbd_secret from the moment they arrive until they leave through an
 * API (a keyring file of mode 0600, a libvirt secret), never in argv,
 * environment, logs or error messages.
 */
#ifndef VRBD_UTIL_SECRET_H
#define VRBD_UTIL_SECRET_H

#include <stddef.h>

typedef struct vrbd_secret {
    char *data; /* NUL-terminated for APIs that want text */
    size_t len;
} vrbd_secret;

/* A copy of @len bytes of @src, trailing white space dropped. */
vrbd_secret *vrbd_secret_new(const char *src, size_t len);

/* Erase and free; NULL is fine. */
void vrbd_secret_free(vrbd_secret *s);

/* Erase @len bytes at @p (not optimised away). */
void vrbd_secret_wipe(void *p, size_t len);

/*
 * Overwrite in place, with '*', every JSON string value of a member named
 * "key" in @len bytes of @json, so parsed copies never hold a key.
 * Returns the number of values scrubbed.
 */
size_t vrbd_secret_scrub_json_keys(char *json, size_t len);

#endif
