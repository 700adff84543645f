/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * keybuf.h: the one buffer type for secrets (cephx keys).  Its free erases
 * it; nothing that logs or formats messages takes one.  Keep the bytes in
 * a vrbd_keybuf from the moment they arrive until they leave through an
 * API (a keyring file of mode 0600, a libvirt secret), never in argv,
 * environment, logs or error messages.
 */
#ifndef VRBD_UTIL_KEYBUF_H
#define VRBD_UTIL_KEYBUF_H

#include <stddef.h>

typedef struct vrbd_keybuf {
    char *data; /* NUL-terminated for APIs that want text */
    size_t len;
} vrbd_keybuf;

/* A copy of @len bytes of @src, trailing white space dropped. */
vrbd_keybuf *vrbd_keybuf_new(const char *src, size_t len);

/* Erase and free; NULL is fine. */
void vrbd_keybuf_free(vrbd_keybuf *s);

/* Erase @len bytes at @p (not optimised away). */
void vrbd_keybuf_wipe(void *p, size_t len);

/*
 * Overwrite in place, with '*', every JSON string value of a member named
 * "key" in @len bytes of @json, so parsed copies never hold a key.
 * Returns the number of values scrubbed.
 */
size_t vrbd_keybuf_scrub_json_keys(char *json, size_t len);

#endif
