/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backup-file.h: the files of a directory backup target: one image's data
 * between two snapshots (a full backup: from nothing), as records of data
 * and of zeroed ranges, each with its CRC-32C, between a header and a
 * trailer that counts them.  The format is docs/backup-format.md; this
 * writes and reads it, and refuses what does not check.
 */
#ifndef VRBD_BACKUP_FILE_H
#define VRBD_BACKUP_FILE_H

#include <stdbool.h>
#include <stdint.h>

#define VRBD_BFILE_VERSION 1
/* the largest data record: a writer splits longer runs */
#define VRBD_BFILE_MAX_RECORD ((uint64_t)4 << 20)
#define VRBD_BFILE_MAX_NAME 255

typedef struct vrbd_bfile_header {
    uint64_t image_size; /* the image's size at to_snap */
    int64_t created;     /* Unix time the snapshot was taken */
    char from_snap[VRBD_BFILE_MAX_NAME + 1]; /* "" for a full backup */
    char to_snap[VRBD_BFILE_MAX_NAME + 1];
} vrbd_bfile_header;

typedef struct vrbd_bfile_writer vrbd_bfile_writer;

/* Start writing @h to @fd (at its current offset, usually a new file
 * named @path for messages).  0, or -1 with the error set. */
int vrbd_bfile_write_begin(int fd, const char *path, const vrbd_bfile_header *h,
                           vrbd_bfile_writer **out);
/* @len bytes of data at image offset @off (split into records of at most
 * VRBD_BFILE_MAX_RECORD); offsets must grow, without overlap, inside the
 * image.  0, or -1 with the error set. */
int vrbd_bfile_write_data(vrbd_bfile_writer *w, uint64_t off, const void *buf,
                          uint64_t len);
/* The range [@off, @off + @len) reads as zeroes. */
int vrbd_bfile_write_zero(vrbd_bfile_writer *w, uint64_t off, uint64_t len);
/* The trailer, then fsync: only now is the file complete.  Frees @w
 * whatever the outcome; 0, or -1 with the error set. */
int vrbd_bfile_write_end(vrbd_bfile_writer *w);
/* Give up on @w (the file is left incomplete: a reader refuses it). */
void vrbd_bfile_writer_free(vrbd_bfile_writer *w);

typedef struct vrbd_bfile_reader vrbd_bfile_reader;

typedef struct vrbd_bfile_rec {
    char kind;       /* 'D' data, 'Z' zeroes */
    uint64_t offset; /* in the image */
    uint64_t length;
    const void *data; /* 'D': @length bytes, valid until the next call */
} vrbd_bfile_rec;

/* Open what @fd holds (from its current offset) and check its header.
 * 0, or -1 with the error naming @path and what is wrong. */
int vrbd_bfile_open(int fd, const char *path, vrbd_bfile_reader **out);
const vrbd_bfile_header *vrbd_bfile_header_of(const vrbd_bfile_reader *r);
/* The next record, checked: 1; 0 at the trailer, checked too (the counts
 * agree, nothing follows); -1 with the error naming the file and the byte
 * offset where it stops checking. */
int vrbd_bfile_next(vrbd_bfile_reader *r, vrbd_bfile_rec *rec);
void vrbd_bfile_close(vrbd_bfile_reader *r);

#endif
