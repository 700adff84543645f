/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qcow2.h: a qcow2 file's metadata, checked against the file and, for a
 * plain image, read as a map from guest offsets to the host offsets of its
 * data clusters, so that an import reads the data straight from the file
 * (endpoint-file.c) instead of through qemu-nbd.  Plain means what qemu
 * itself reads cluster by cluster from this one file: version 2 or 3, no
 * backing file, no encryption, no compressed clusters, no incompatible
 * feature bits (dirty, corrupt, external data file, compression type,
 * extended L2 entries), nothing in the reserved bits of a table entry.
 * Any other qcow2 goes through qemu-nbd (endpoint-nbd.c).
 */
#ifndef VRBD_QCOW2_H
#define VRBD_QCOW2_H

#include <stdint.h>

struct vrbd_qcow2;

/*
 * Check the qcow2 file open as @fd (@name names it in messages): every
 * table and data cluster its L1 and L2 tables point to must lie inside
 * the file, since QEMU reads what lies past the end as zeros and a
 * cut-short image would import as silently wrong data.  As in QEMU, an
 * L1 table of more than 4 Mi entries (32 MiB) or an L2 table not aligned
 * to a cluster is corrupt; each L2 table is read once, so the check reads
 * at most the file and allocates at most 32 + 2 MiB.  Returns 0 with
 * *@out (freed with vrbd_qcow2_free) for a plain image, 1 with *@out NULL
 * for one that needs qemu (or is no qcow2 at all), or -1 with the error set
 * for a corrupt one.
 * The caller keeps @fd open while *@out lives.
 */
int vrbd_qcow2_open(int fd, const char *name, struct vrbd_qcow2 **out);

/* The image's virtual size in bytes. */
uint64_t vrbd_qcow2_size(const struct vrbd_qcow2 *q);

/*
 * The first run of data at or after guest offset @off: guest bytes
 * [*@start, *@end), stored in the file from byte *@host on.  Returns 1,
 * 0 when only zeros follow (unallocated or zero clusters), or a negative
 * errno when a table cannot be read.
 */
int vrbd_qcow2_next(struct vrbd_qcow2 *q, uint64_t off, uint64_t *start,
                    uint64_t *end, uint64_t *host);

void vrbd_qcow2_free(struct vrbd_qcow2 *q);

/*
 * The other files the header of the qcow2 open as @fd names, which qemu
 * would open and read: *@backing, its backing file, and *@data_file, its
 * external data file ("" when the header says there is one but names
 * none); each NULL when there is none, else for the caller to free.  The
 * names are as the header has them: relative to the image's directory, or
 * a protocol (json:, nbd:...).  0, or -1 with the error set when the
 * header is cut short or a name is longer than qemu allows.
 */
int vrbd_qcow2_refs(int fd, const char *name, char **backing, char **data_file);

#endif
