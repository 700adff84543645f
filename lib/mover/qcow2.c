/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qcow2.c: the check of a qcow2 file's tables against its size, and for a
 * plain image the map of its data clusters (see qcow2.h).  Written from
 * the format's specification (QEMU's docs/interop/qcow2.txt); this is not
 * a qcow2 driver: it reads nothing qemu would have to interpret, and
 * says "needs qemu" for all the rest.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "qcow2.h"

/* bits 9..55 of an L1 or L2 entry: a host offset */
#define OFFSET_MASK 0x00fffffffffffe00ULL
/* L2 entry: compressed; bit 0 (version 3): reads as zeros */
#define L2_COMPRESSED (1ULL << 62)
#define L2_ZERO 1ULL
/* bits an entry of a plain image leaves clear: reserved ones, and in
 * the L1 the low 9 */
#define L1_RESERVED 0x7f000000000001ffULL
#define L2_RESERVED 0x3f000000000001feULL
/* the largest L1 table qemu opens (QCOW_MAX_L1_SIZE, 32 MiB): with the
 * 2 MiB L2 buffer, the most this check allocates */
#define L1_MAX (4u << 20)

struct vrbd_qcow2 {
    int fd;
    uint64_t size;         /* virtual */
    unsigned cluster_bits; /* 9..21 */
    uint64_t *l1;          /* host order */
    uint32_t l1_size;
    uint64_t *l2;    /* the L2 table last read, host order */
    uint64_t l2_off; /* its offset; 0: none */
};

struct header {
    uint32_t version, cluster_bits, l1_size, crypt;
    uint64_t backing, size, l1_off, incompat;
};

static bool
read_at(int fd, uint64_t off, void *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n =
            pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* a big-endian field of @len (4 or 8) bytes at @off */
static bool
read_be(int fd, uint64_t off, unsigned len, uint64_t *v)
{
    unsigned char b[8];

    if (!read_at(fd, off, b, len))
        return false;
    *v = 0;
    for (unsigned i = 0; i < len; i++)
        *v = *v << 8 | b[i];
    return true;
}

static bool
read_be32(int fd, uint64_t off, uint32_t *v)
{
    uint64_t w;

    if (!read_be(fd, off, 4, &w))
        return false;
    *v = (uint32_t)w;
    return true;
}

static bool
read_be64(int fd, uint64_t off, uint64_t *v)
{
    return read_be(fd, off, 8, v);
}

void
vrbd_qcow2_free(struct vrbd_qcow2 *q)
{
    if (!q)
        return;
    free(q->l1);
    free(q->l2);
    free(q);
}

static int corrupt(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* -1 with the error "'NAME' is a corrupt qcow2: ..." set */
static int
corrupt(const char *name, const char *fmt, ...)
{
    CLEANUP_FREE char *what = NULL;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&what, fmt, ap) < 0)
        abort();
    va_end(ap);
    return vrbd_error_set(VRBD_ERR_INVALID, 0,
                          "check it with qemu-img check; nothing was imported",
                          "'%s' is a corrupt qcow2: %s", name, what);
}

/* 0, 1 for no qcow2 at all, -1 for a header cut short */
static int
read_header(int fd, const char *name, struct header *h)
{
    uint32_t magic;

    memset(h, 0, sizeof(*h));
    if (!read_be32(fd, 0, &magic) || magic != 0x514649fbu)
        return 1;
    if (!read_be32(fd, 4, &h->version) || !read_be64(fd, 8, &h->backing) ||
        !read_be32(fd, 20, &h->cluster_bits) || !read_be64(fd, 24, &h->size) ||
        !read_be32(fd, 32, &h->crypt) || !read_be32(fd, 36, &h->l1_size) ||
        !read_be64(fd, 40, &h->l1_off) ||
        (h->version >= 3 && !read_be64(fd, 72, &h->incompat)))
        return corrupt(name, "its header is cut short");
    return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/*
 * Check the L2 table at @off (@t: a buffer of one cluster) and every data
 * cluster it points to against the file; clear *@plain for what needs
 * qemu.  0 or -1 with the error set.
 */
static int
check_l2(int fd, const char *name, const struct header *h, uint64_t fsize,
         uint64_t off, unsigned char *t, bool *plain)
{
    uint64_t csize = 1ULL << h->cluster_bits;
    size_t entry = (h->incompat & (1u << 4)) ? 16 : 8; /* extended L2 */

    if (off > fsize || csize > fsize - off)
        return corrupt(name,
                       "an L2 table at byte %llu lies beyond the end of the "
                       "file (%llu bytes)",
                       (unsigned long long)off, (unsigned long long)fsize);
    /* qemu refuses to read it too, and flags the image corrupt */
    if (off % csize)
        return corrupt(name,
                       "an L2 table at byte %llu is not aligned to its "
                       "%llu-byte clusters",
                       (unsigned long long)off, (unsigned long long)csize);
    if (!read_at(fd, off, t, csize))
        return corrupt(name, "cannot read an L2 table");
    for (size_t k = 0; k + 8 <= csize; k += entry) {
        uint64_t e, d;

        memcpy(&e, t + k, 8);
        e = be64toh(e);
        if (e & L2_COMPRESSED) { /* another encoding: qemu's */
            *plain = false;
            continue;
        }
        d = e & OFFSET_MASK;
        if (d && (d > fsize || csize > fsize - d))
            return corrupt(name,
                           "data at byte %llu lies beyond the end of the file "
                           "(%llu bytes)",
                           (unsigned long long)d, (unsigned long long)fsize);
        if ((e & L2_RESERVED) || d % csize || (h->version < 3 && (e & L2_ZERO)))
            *plain = false;
    }
    return 0;
}

/*
 * Check every L2 table that the L1 table @l1 points to, each once however
 * many entries share it: reading one per entry would let a file of a few
 * MiB make this read terabytes.
 */
static int
check_l2_tables(int fd, const char *name, const struct header *h,
                uint64_t fsize, const uint64_t *l1, bool *plain)
{
    CLEANUP_FREE uint64_t *offs = xcalloc(h->l1_size + 1, sizeof(uint64_t));
    CLEANUP_FREE unsigned char *t = NULL;
    size_t n = 0;

    for (uint32_t i = 0; i < h->l1_size; i++) {
        if (l1[i] & L1_RESERVED)
            *plain = false;
        if (l1[i] & OFFSET_MASK)
            offs[n++] = l1[i] & OFFSET_MASK;
    }
    if (n == 0)
        return 0;
    qsort(offs, n, sizeof(*offs), cmp_u64);
    t = xmalloc((size_t)1 << h->cluster_bits);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && offs[i] == offs[i - 1])
            continue;
        if (check_l2(fd, name, h, fsize, offs[i], t, plain) < 0)
            return -1;
    }
    return 0;
}

int
vrbd_qcow2_open(int fd, const char *name, struct vrbd_qcow2 **out)
{
    struct vrbd_qcow2 *q;
    struct header h;
    CLEANUP_FREE uint64_t *l1 = NULL;
    uint64_t fsize, csize;
    bool plain;
    struct stat st;
    int r;

    *out = NULL;
    if (fstat(fd, &st) < 0)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot read '%s': %s",
                              name, strerror(errno));
    fsize = (uint64_t)st.st_size;
    /* not a qcow2 at all (--format qcow2 on another file): qemu-nbd
     * says so */
    r = read_header(fd, name, &h);
    if (r != 0)
        return r;
    if (h.cluster_bits < 9 || h.cluster_bits > 21)
        return corrupt(name, "cluster size 2^%u", h.cluster_bits);
    csize = 1ULL << h.cluster_bits;
    if (h.incompat & (1u << 2)) /* an external data file: qemu's */
        return 1;
    if (h.l1_size > L1_MAX)
        return corrupt(name,
                       "its L1 table has %u entries, more than qemu opens "
                       "(%u)",
                       h.l1_size, L1_MAX);
    if (h.l1_off > fsize || (uint64_t)h.l1_size * 8 > fsize - h.l1_off)
        return corrupt(name,
                       "its L1 table lies beyond the end of the file (%llu "
                       "bytes)",
                       (unsigned long long)fsize);
    l1 = xcalloc(h.l1_size + 1, sizeof(uint64_t));
    if (!read_at(fd, h.l1_off, l1, (size_t)h.l1_size * 8))
        return corrupt(name, "cannot read its L1 table");
    for (uint32_t i = 0; i < h.l1_size; i++)
        l1[i] = be64toh(l1[i]);
    /* what this file alone says, cluster by cluster */
    plain = (h.version == 2 || h.version == 3) && h.backing == 0 &&
            h.crypt == 0 && h.incompat == 0 && h.l1_off % csize == 0 &&
            h.size <= (uint64_t)h.l1_size * (csize / 8) * csize;
    if (check_l2_tables(fd, name, &h, fsize, l1, &plain) < 0)
        return -1;
    if (!plain)
        return 1;
    q = xcalloc(1, sizeof(*q));
    q->fd = fd;
    q->size = h.size;
    q->cluster_bits = h.cluster_bits;
    q->l1_size = h.l1_size;
    q->l1 = TAKE(l1);
    q->l2 = xmalloc(csize);
    *out = q;
    return 0;
}

uint64_t
vrbd_qcow2_size(const struct vrbd_qcow2 *q)
{
    return q->size;
}

/* the L2 table of L1 entry @i, read once: NULL with *err set */
static const uint64_t *
l2_table(struct vrbd_qcow2 *q, uint32_t i, int *err)
{
    size_t n = ((size_t)1 << q->cluster_bits) / 8;
    uint64_t off = q->l1[i] & OFFSET_MASK;

    if (q->l2_off == off)
        return q->l2;
    q->l2_off = 0;
    if (!read_at(q->fd, off, q->l2, n * 8)) {
        *err = -EIO;
        return NULL;
    }
    for (size_t k = 0; k < n; k++)
        q->l2[k] = be64toh(q->l2[k]);
    q->l2_off = off;
    return q->l2;
}

/* a data cluster's host offset, or 0 for one that reads as zeros */
static uint64_t
data_at(uint64_t e)
{
    return (e & L2_ZERO) ? 0 : e & OFFSET_MASK;
}

int
vrbd_qcow2_next(struct vrbd_qcow2 *q, uint64_t off, uint64_t *start,
                uint64_t *end, uint64_t *host)
{
    uint64_t cs = 1ULL << q->cluster_bits;
    uint64_t per_l2 = cs / 8, span = per_l2 * cs;
    int err = 0;

    while (off < q->size) {
        uint32_t i = (uint32_t)(off / span);
        uint64_t k = (off % span) / cs, h;
        const uint64_t *t;

        if (i >= q->l1_size)
            return 0;
        if (!(q->l1[i] & OFFSET_MASK)) {
            off = (uint64_t)(i + 1) * span;
            continue;
        }
        t = l2_table(q, i, &err);
        if (!t)
            return err;
        while (k < per_l2 && !data_at(t[k]))
            k++;
        if (k == per_l2) {
            off = (uint64_t)(i + 1) * span;
            continue;
        }
        /* the run: clusters stored one after the other, in this table */
        {
            uint64_t g = (uint64_t)i * span + k * cs;

            if (g >= q->size)
                return 0;
            h = data_at(t[k]);
            *start = g > off ? g : off;
            *host = h + (*start - g);
            while (k + 1 < per_l2 && data_at(t[k + 1]) == h + cs) {
                k++;
                h += cs;
            }
            g = (uint64_t)i * span + (k + 1) * cs;
            *end = g < q->size ? g : q->size;
        }
        return 1;
    }
    return 0;
}

/* a qcow2 header extension: the external data file's name */
#define EXT_DATA_FILE 0x44415441u
/* a name in the header is at most this long (qemu's limit) */
#define NAME_MAX_LEN 1023u

/* the @len bytes at @off as a string (NUL-terminated, freed by the caller),
 * or NULL when the file is too short */
static char *
read_name(int fd, uint64_t off, uint32_t len)
{
    char *s = xmalloc((size_t)len + 1);

    if (!read_at(fd, off, s, len)) {
        free(s);
        return NULL;
    }
    s[len] = '\0';
    return s;
}

int
vrbd_qcow2_refs(int fd, const char *name, char **backing, char **data_file)
{
    uint32_t version, blen, hlen = 72, type, len;
    uint64_t boff, incompat = 0;
    uint64_t end = 1u << 16; /* extensions end within the first cluster */

    *backing = *data_file = NULL;
    if (!read_be32(fd, 4, &version) || !read_be64(fd, 8, &boff) ||
        !read_be32(fd, 16, &blen) ||
        (version >= 3 &&
         (!read_be64(fd, 72, &incompat) || !read_be32(fd, 100, &hlen))))
        return corrupt(name, "its header is cut short");
    if (boff && blen > NAME_MAX_LEN)
        return corrupt(name, "its backing file name is %u bytes long", blen);
    if (boff && !(*backing = read_name(fd, boff, blen)))
        return corrupt(name,
                       "its backing file name lies beyond the end of the file");
    if (!(incompat & (1u << 2)))
        return 0;
    /* the data file's name, if the header gives one, is an extension; a
     * length near 2^32, padded in 32 bits, wrapped to a step of 0 and
     * looped for ever (found by fuzz-qcow2): the step is 64-bit */
    for (uint64_t off = hlen; off + 8 <= end;
         off += 8 + (((uint64_t)len + 7) & ~7ULL)) {
        if (!read_be32(fd, off, &type) || !read_be32(fd, off + 4, &len) ||
            type == 0)
            break;
        if (type == EXT_DATA_FILE && len <= NAME_MAX_LEN) {
            *data_file = read_name(fd, off + 8, len);
            break;
        }
    }
    if (!*data_file) /* qemu then needs one named on its command line */
        *data_file = xstrdup("");
    return 0;
}
