/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * crc32c.h: CRC-32C (Castagnoli, the checksum iSCSI, ext4 and Ceph use),
 * for the checksums of virt-rbd's backup files: it catches torn and
 * flipped bytes, it is no defence against a forger.
 */
#ifndef VRBD_UTIL_CRC32C_H
#define VRBD_UTIL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* The CRC-32C of @len bytes at @buf, continuing from @crc (0 to start):
 * vrbd_crc32c(0, "123456789", 9) == 0xe3069283. */
uint32_t vrbd_crc32c(uint32_t crc, const void *buf, size_t len);

#endif
