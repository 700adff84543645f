/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backup-file.c: writing and reading virt-rbd's backup files
 * (docs/backup-format.md).  Everything is little-endian.  The header:
 *
 *   0  8  magic "VRBDBKUP"
 *   8  4  version (1)
 *  12  4  header length H, this crc included (44 + F + T)
 *  16  8  image size
 *  24  8  created (Unix time, signed)
 *  32  2  F, the length of the from-snapshot's name (0: a full backup)
 *  34  2  T, the length of the to-snapshot's name (1 to 255)
 *  36  4  flags (0; a reader refuses others)
 *  40  F  from name, then T to name
 *  H-4 4  CRC-32C of the H - 4 bytes before it
 *
 * Then records of 25 bytes, a data record followed by its bytes:
 *
 *   0  1  kind: 'D' data, 'Z' zeroes, 'E' the end
 *   1  8  D, Z: image offset; E: how many D and Z records came
 *   9  8  D, Z: length; E: the data bytes of the D records
 *  17  4  D: CRC-32C of the data; 0 otherwise
 *  21  4  CRC-32C of the 21 bytes before it
 *
 * Records go forward without overlap and end inside the image; a data
 * record holds at most VRBD_BFILE_MAX_RECORD bytes; nothing follows 'E'.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup-file.h"
#include "crc32c.h"
#include "internal.h"

#define MAGIC "VRBDBKUP"
#define FIXED 40
#define REC 25

struct vrbd_bfile_writer {
    int fd;
    char *path;
    uint64_t size, end; /* the image's size; where the last record ended */
    uint64_t records, data_bytes;
};

struct vrbd_bfile_reader {
    int fd;
    char *path;
    vrbd_bfile_header h;
    uint64_t pos; /* bytes of the file consumed */
    uint64_t end, records, data_bytes;
    unsigned char *buf; /* one data record */
    bool done;
};

static void
put16(unsigned char *p, uint16_t v)
{
    v = htole16(v);
    memcpy(p, &v, 2);
}

static void
put32(unsigned char *p, uint32_t v)
{
    v = htole32(v);
    memcpy(p, &v, 4);
}

static void
put64(unsigned char *p, uint64_t v)
{
    v = htole64(v);
    memcpy(p, &v, 8);
}

static uint16_t
get16(const unsigned char *p)
{
    uint16_t v;

    memcpy(&v, p, 2);
    return le16toh(v);
}

static uint32_t
get32(const unsigned char *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return le32toh(v);
}

static uint64_t
get64(const unsigned char *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return le64toh(v);
}

/* ---- writing */

static int
write_all(vrbd_bfile_writer *w, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(w->fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return vrbd_error_set(VRBD_ERR_IO, errno ? errno : EIO,
                                  "check the target's free space and health",
                                  "cannot write backup file '%s': %s", w->path,
                                  strerror(errno ? errno : EIO));
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int
write_rec(vrbd_bfile_writer *w, char kind, uint64_t a, uint64_t b,
          uint32_t data_crc)
{
    unsigned char r[REC];

    r[0] = (unsigned char)kind;
    put64(r + 1, a);
    put64(r + 9, b);
    put32(r + 17, data_crc);
    put32(r + 21, vrbd_crc32c(0, r, 21));
    return write_all(w, r, REC);
}

int
vrbd_bfile_write_begin(int fd, const char *path, const vrbd_bfile_header *h,
                       vrbd_bfile_writer **out)
{
    size_t f = strnlen(h->from_snap, VRBD_BFILE_MAX_NAME + 1);
    size_t t = strnlen(h->to_snap, VRBD_BFILE_MAX_NAME + 1);
    unsigned char hdr[FIXED + 2 * VRBD_BFILE_MAX_NAME + 4];
    vrbd_bfile_writer *w;
    size_t len = FIXED + f + t + 4;

    *out = NULL;
    if (f > VRBD_BFILE_MAX_NAME || t > VRBD_BFILE_MAX_NAME || t == 0)
        return vrbd_error_set(VRBD_ERR_INVALID, EINVAL, NULL,
                              "backup file '%s': a snapshot name must have "
                              "1 to %d bytes",
                              path, VRBD_BFILE_MAX_NAME);
    memcpy(hdr, MAGIC, 8);
    put32(hdr + 8, VRBD_BFILE_VERSION);
    put32(hdr + 12, (uint32_t)len);
    put64(hdr + 16, h->image_size);
    put64(hdr + 24, (uint64_t)h->created);
    put16(hdr + 32, (uint16_t)f);
    put16(hdr + 34, (uint16_t)t);
    put32(hdr + 36, 0);
    memcpy(hdr + FIXED, h->from_snap, f);
    memcpy(hdr + FIXED + f, h->to_snap, t);
    put32(hdr + len - 4, vrbd_crc32c(0, hdr, len - 4));
    w = xcalloc(1, sizeof(*w));
    w->fd = fd;
    w->path = xstrdup(path);
    w->size = h->image_size;
    if (write_all(w, hdr, len) < 0) {
        vrbd_bfile_writer_free(w);
        return -1;
    }
    *out = w;
    return 0;
}

/* [@off, @off + @len) may come next: 0, or -1 with the error set */
static int
check_range(vrbd_bfile_writer *w, uint64_t off, uint64_t len)
{
    if (len == 0 || off < w->end || off > w->size || len > w->size - off)
        return vrbd_error_set(
            VRBD_ERR_INTERNAL, EINVAL, NULL,
            "backup file '%s': range %llu+%llu comes after "
            "%llu or leaves the image (%llu bytes)",
            w->path, (unsigned long long)off, (unsigned long long)len,
            (unsigned long long)w->end, (unsigned long long)w->size);
    return 0;
}

int
vrbd_bfile_write_data(vrbd_bfile_writer *w, uint64_t off, const void *buf,
                      uint64_t len)
{
    const unsigned char *p = buf;

    if (check_range(w, off, len) < 0)
        return -1;
    while (len > 0) {
        uint64_t n = len < VRBD_BFILE_MAX_RECORD ? len : VRBD_BFILE_MAX_RECORD;

        if (write_rec(w, 'D', off, n, vrbd_crc32c(0, p, n)) < 0 ||
            write_all(w, p, n) < 0)
            return -1;
        w->records++;
        w->data_bytes += n;
        off += n;
        p += n;
        len -= n;
        w->end = off;
    }
    return 0;
}

int
vrbd_bfile_write_zero(vrbd_bfile_writer *w, uint64_t off, uint64_t len)
{
    if (check_range(w, off, len) < 0 || write_rec(w, 'Z', off, len, 0) < 0)
        return -1;
    w->records++;
    w->end = off + len;
    return 0;
}

int
vrbd_bfile_write_end(vrbd_bfile_writer *w)
{
    int r = write_rec(w, 'E', w->records, w->data_bytes, 0);

    if (r == 0 && fsync(w->fd) < 0)
        r = vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                           "cannot flush backup file '%s': %s", w->path,
                           strerror(errno));
    vrbd_bfile_writer_free(w);
    return r;
}

void
vrbd_bfile_writer_free(vrbd_bfile_writer *w)
{
    if (!w)
        return;
    free(w->path);
    free(w);
}

/* ---- reading */

/* -1 with the error: @r's file is not a good backup file at its offset */
static int
bad(vrbd_bfile_reader *r, const char *why)
{
    return vrbd_error_set(
        VRBD_ERR_IO, EBADMSG,
        "the file is damaged or cut short: restore from another backup",
        "backup file '%s' does not check at byte %llu: %s", r->path,
        (unsigned long long)r->pos, why);
}

/* Exactly @len bytes into @buf: 1; 0 at the end of the file before any
 * byte; -1 with the error set (a short read is "cut short") */
static int
read_all(vrbd_bfile_reader *r, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(r->fd, p + got, len - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                                  "cannot read backup file '%s': %s", r->path,
                                  strerror(errno));
        if (n == 0)
            return got == 0 ? 0 : bad(r, "it ends inside a record");
        got += (size_t)n;
    }
    return 1;
}

static int
read_header(vrbd_bfile_reader *r)
{
    unsigned char fixed[FIXED], rest[2 * VRBD_BFILE_MAX_NAME + 4];
    uint32_t len, f, t, crc;
    int k;

    if ((k = read_all(r, fixed, FIXED)) <= 0)
        return k < 0 ? -1 : bad(r, "it is empty");
    if (memcmp(fixed, MAGIC, 8) != 0)
        return bad(r, "it is no virt-rbd backup file");
    if (get32(fixed + 8) != VRBD_BFILE_VERSION) {
        CLEANUP_FREE char *why =
            xasprintf("format version %u, this virt-rbd reads %d",
                      get32(fixed + 8), VRBD_BFILE_VERSION);

        return bad(r, why);
    }
    len = get32(fixed + 12);
    f = get16(fixed + 32);
    t = get16(fixed + 34);
    if (f > VRBD_BFILE_MAX_NAME || t > VRBD_BFILE_MAX_NAME || t == 0 ||
        len != FIXED + f + t + 4 || get32(fixed + 36) != 0)
        return bad(r, "its header's lengths or flags are wrong");
    r->pos = FIXED;
    if ((k = read_all(r, rest, f + t + 4)) <= 0)
        return k < 0 ? -1 : bad(r, "it ends inside its header");
    crc = vrbd_crc32c(vrbd_crc32c(0, fixed, FIXED), rest, f + t);
    if (crc != get32(rest + f + t))
        return bad(r, "its header's checksum is wrong");
    r->h.image_size = get64(fixed + 16);
    r->h.created = (int64_t)get64(fixed + 24);
    memcpy(r->h.from_snap, rest, f);
    memcpy(r->h.to_snap, rest + f, t);
    if (memchr(rest, '\0', f + t))
        return bad(r, "a snapshot name holds a NUL byte");
    r->pos = len;
    return 0;
}

int
vrbd_bfile_open(int fd, const char *path, vrbd_bfile_reader **out)
{
    vrbd_bfile_reader *r = xcalloc(1, sizeof(*r));

    *out = NULL;
    r->fd = fd;
    r->path = xstrdup(path);
    if (read_header(r) < 0) {
        vrbd_bfile_close(r);
        return -1;
    }
    *out = r;
    return 0;
}

const vrbd_bfile_header *
vrbd_bfile_header_of(const vrbd_bfile_reader *r)
{
    return &r->h;
}

/* The trailer @a, @b checked, and nothing after it: 0 or -1 */
static int
check_end(vrbd_bfile_reader *r, uint64_t a, uint64_t b)
{
    unsigned char extra;
    int k;

    if (a != r->records || b != r->data_bytes)
        return bad(r, "its trailer's counts differ from its records");
    if ((k = read_all(r, &extra, 1)) != 0)
        return k < 0 ? -1 : bad(r, "bytes follow its trailer");
    r->done = true;
    return 0;
}

int
vrbd_bfile_next(vrbd_bfile_reader *r, vrbd_bfile_rec *rec)
{
    unsigned char h[REC];
    uint64_t a, b;
    int k;

    if (r->done)
        return 0;
    if ((k = read_all(r, h, REC)) <= 0)
        return k < 0 ? -1 : bad(r, "it ends without its trailer");
    if (vrbd_crc32c(0, h, 21) != get32(h + 21))
        return bad(r, "a record's checksum is wrong");
    a = get64(h + 1);
    b = get64(h + 9);
    if (h[0] == 'E') {
        r->pos += REC;
        return check_end(r, a, b);
    }
    if ((h[0] != 'D' && h[0] != 'Z') || b == 0 || a < r->end ||
        a > r->h.image_size || b > r->h.image_size - a)
        return bad(r, "a record is out of order or outside the image");
    if (h[0] == 'D' && b > VRBD_BFILE_MAX_RECORD)
        return bad(r, "a data record is longer than a writer makes them");
    r->pos += REC;
    rec->kind = (char)h[0];
    rec->offset = a;
    rec->length = b;
    rec->data = NULL;
    if (h[0] == 'D') {
        if (!r->buf)
            r->buf = xmalloc(VRBD_BFILE_MAX_RECORD);
        if ((k = read_all(r, r->buf, b)) <= 0)
            return k < 0 ? -1 : bad(r, "it ends inside a data record");
        if (vrbd_crc32c(0, r->buf, b) != get32(h + 17))
            return bad(r, "a data record's checksum is wrong");
        rec->data = r->buf;
        r->pos += b;
        r->data_bytes += b;
    }
    r->records++;
    r->end = a + b;
    return 1;
}

void
vrbd_bfile_close(vrbd_bfile_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->path);
    free(r);
}
