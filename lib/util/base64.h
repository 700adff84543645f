/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * base64.h: decoding cephx keys (base64 text, as keyrings and the monitors
 * hold them) into the raw bytes libvirt's ceph secrets hold.  Standard
 * alphabet, '=' padding required; white space is not accepted.
 */
#ifndef VRBD_UTIL_BASE64_H
#define VRBD_UTIL_BASE64_H

#include <stddef.h>

/*
 * Decode @len characters of @in into @out, which has room for
 * @len / 4 * 3 bytes.  Returns the number of bytes written, or -1 if @in
 * is not valid padded base64 (then @out may hold partial output: wipe it
 * when it is secret).
 */
long vrbd_base64_decode(const char *in, size_t len, unsigned char *out);

#endif
