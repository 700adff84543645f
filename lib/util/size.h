/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * size.h: sizes as an admin writes them, and back.
 *
 * A bare number, "B", a single letter (K M G T P E) and the IEC forms (KiB
 * ... EiB) are powers of 1024, like rbd and qemu-img; the SI forms (KB MB
 * GB TB PB EB) are powers of 1000.  Case is ignored, one space may sit
 * between number and unit, and a fraction ("1.5G") must come to a whole
 * number of bytes.
 */
#ifndef VRBD_UTIL_SIZE_H
#define VRBD_UTIL_SIZE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse @text into *@bytes.  Returns 0, or -1 with *@why (static storage)
 * saying what is wrong; *@bytes is untouched on failure.
 */
int vrbd_size_parse(const char *text, uint64_t *bytes, const char **why);

/* "2 GiB", "1.5 MiB", "512 B": at most two decimals, trailing zeros cut.
 * Writes into @buf (32 bytes always suffice) and returns it. */
char *vrbd_size_format(uint64_t bytes, char *buf, size_t len);

#endif
