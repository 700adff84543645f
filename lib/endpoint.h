/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint.h: the sources the copy engine reads, behind one table of
 * operations: a local raw file or block device (endpoint-file.c), and any
 * format QEMU reads, through qemu-nbd and libnbd (endpoint-nbd.c).
 */
#ifndef VRBD_ENDPOINT_H
#define VRBD_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vrbd_source;

struct vrbd_source_ops {
    /* The next extent at or after @off that may hold data: [*start,
     * *end); false when only holes or zeros are left (or on error, with
     * *err set to a negative errno). */
    bool (*next_data)(struct vrbd_source *s, uint64_t off, uint64_t *start,
                      uint64_t *end, int *err);
    /* Read exactly @len bytes at @off: 0 or a negative errno. */
    int (*read)(struct vrbd_source *s, void *buf, size_t len, uint64_t off);
    void (*close)(struct vrbd_source *s);
};

struct vrbd_source {
    const struct vrbd_source_ops *ops;
    char *path;
    char *format; /* "raw", "qcow2", ... */
    uint64_t size;
    bool is_block;
    /* file */
    int fd;
    bool seekable;
    /* nbd */
    struct nbd_handle *nbd;
    bool has_status; /* the server maps allocation (base:allocation) */
};

/*
 * Open @path read-only as @format: NULL or "auto" probes the image's
 * magic (qcow2, vmdk, vdi, vhdx, or raw), "raw" reads the file or device
 * directly, anything else goes through qemu-nbd.  Errors name the file.
 */
int vrbd_source_open(const char *path, const char *format,
                     struct vrbd_source **out);
void vrbd_source_close(struct vrbd_source *s);

/* the two kinds, for vrbd_source_open */
int vrbd_source_open_file(const char *path, struct vrbd_source *s);
int vrbd_source_open_nbd(const char *path, const char *format,
                         struct vrbd_source *s);

/* The format the first bytes of @path announce ("raw" when none); NULL
 * with an error when it cannot be read. */
char *vrbd_source_probe(const char *path);

#endif
