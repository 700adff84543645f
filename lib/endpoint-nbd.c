/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint-nbd.c: any image format QEMU reads (qcow2, vmdk, vdi, vhdx,
 * vpc...) as a copy source.  libnbd starts a read-only qemu-nbd for the
 * file by systemd socket activation (no socket file, no port), and the
 * allocation map comes from NBD block status (base:allocation): extents
 * the format marks as zero or unallocated are never read.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libnbd.h>

#include "endpoint.h"
#include "internal.h"

/* block status asks about at most this much at a time */
#define STATUS_SPAN (1ULL << 30)

struct span {
    uint64_t want;  /* where the caller starts looking */
    uint64_t start; /* first data byte found, or UINT64_MAX */
    uint64_t end;   /* end of the data run found */
    uint64_t seen;  /* end of what the reply covered */
};

static int
on_extents(void *opaque, const char *metacontext, uint64_t offset,
           uint32_t *entries, size_t nr_entries, int *error)
{
    struct span *sp = opaque;

    if (strcmp(metacontext, LIBNBD_CONTEXT_BASE_ALLOCATION) != 0)
        return 0;
    for (size_t i = 0; i + 1 < nr_entries; i += 2) {
        uint64_t len = entries[i];
        bool zero = entries[i + 1] & LIBNBD_STATE_ZERO;

        if (!zero && sp->start == UINT64_MAX)
            sp->start = offset;
        if (sp->start != UINT64_MAX) {
            if (zero)
                return 0; /* the data run ends here */
            sp->end = offset + len;
        }
        offset += len;
        sp->seen = offset;
    }
    return 0;
}

static bool
nbd_next_extent(struct vrbd_endpoint *s, uint64_t off, uint64_t *start,
                uint64_t *end, bool *data, int *err)
{
    *err = 0;
    *data = true;
    if (!s->has_status && off < s->size) {
        *start = off;
        *end = s->size;
        return true;
    }
    while (off < s->size) {
        uint64_t span =
            s->size - off < STATUS_SPAN ? s->size - off : STATUS_SPAN;
        struct span sp = {.want = off, .start = UINT64_MAX, .seen = off};
        nbd_extent_callback cb = {.callback = on_extents, .user_data = &sp};

        if (nbd_block_status(s->nbd, span, off, cb, 0) < 0) {
            *err = nbd_get_errno() ? -nbd_get_errno() : -EIO;
            vrbd_error_set(VRBD_ERR_IO, -*err, NULL,
                           "cannot map '%s' at byte %llu: %s", s->name,
                           (unsigned long long)off, nbd_get_error());
            return false;
        }
        if (sp.start != UINT64_MAX) {
            *start = sp.start < off ? off : sp.start;
            *end = sp.end < s->size ? sp.end : s->size;
            return true;
        }
        if (sp.seen <= off) { /* a server that answers nothing */
            *start = off;
            *end = s->size;
            return true;
        }
        off = sp.seen;
    }
    return false;
}

/*
 * Reads and writes go to qemu-nbd in pieces of NBD_PIECE: it takes a
 * fresh buffer for each request, and one of 2 MiB is a new mapping whose
 * pages fault in each time.  Measured on a 256 MiB qcow2 (half data):
 * 2 MiB requests 1.0 s of CPU, 256 KiB 0.56 s; 64 KiB 0.66 s.
 */
#define NBD_PIECE ((size_t)256 << 10)

/* the request @r, read or written (@write) piece by piece; it ends here */
static int
in_pieces(struct vrbd_endpoint *s, struct vrbd_request *r, bool write)
{
    int e = 0;

    for (size_t o = 0; o < r->len && !e; o += NBD_PIECE) {
        size_t l = r->len - o < NBD_PIECE ? r->len - o : NBD_PIECE;
        int ret = write ? nbd_pwrite(s->nbd, r->buf + o, l, r->off + o, 0)
                        : nbd_pread(s->nbd, r->buf + o, l, r->off + o, 0);

        if (ret < 0)
            e = nbd_get_errno() ? nbd_get_errno() : EIO;
    }
    vrbd_request_done(r, -e);
    return 0;
}

static int
nbd_read(struct vrbd_endpoint *s, struct vrbd_request *r)
{
    return in_pieces(s, r, false);
}

static int
nbd_ep_write(struct vrbd_endpoint *s, struct vrbd_request *r)
{
    return in_pieces(s, r, true);
}

static int
nbd_ep_zero(struct vrbd_endpoint *s, struct vrbd_request *r)
{
    int e = 0;

    if (nbd_zero(s->nbd, r->len, r->off, 0) < 0)
        e = nbd_get_errno() ? nbd_get_errno() : EIO;
    vrbd_request_done(r, -e);
    return 0;
}

static int
nbd_ep_flush(struct vrbd_endpoint *s)
{
    if (nbd_flush(s->nbd, 0) < 0)
        return nbd_get_errno() ? -nbd_get_errno() : -EIO;
    return 0;
}

static void
nbd_error(struct vrbd_endpoint *s, enum vrbd_op op, int ret, uint64_t off)
{
    if (op == VRBD_OP_READ)
        vrbd_error_set(VRBD_ERR_IO, -ret, "check the image with qemu-img check",
                       "cannot read '%s' (%s) at byte %llu: %s", s->name,
                       s->format, (unsigned long long)off,
                       nbd_get_error() ? nbd_get_error() : strerror(-ret));
    else
        vrbd_error_set(VRBD_ERR_IO, -ret, NULL,
                       "cannot write '%s' (%s) at byte %llu: %s", s->name,
                       s->format, (unsigned long long)off,
                       nbd_get_error() ? nbd_get_error() : strerror(-ret));
}

static void
nbd_source_close(struct vrbd_endpoint *s)
{
    if (s->nbd) {
        nbd_shutdown(s->nbd, 0);
        nbd_close(s->nbd); /* also reaps qemu-nbd */
    }
    s->nbd = NULL;
}

static const struct vrbd_endpoint_ops nbd_ops = {
    .next_extent = nbd_next_extent,
    .read = nbd_read,
    .write = nbd_ep_write,
    .zero = nbd_ep_zero,
    .flush = nbd_ep_flush,
    .error = nbd_error,
    .close = nbd_source_close,
};

int
vrbd_source_open_nbd(const char *path, const char *format,
                     struct vrbd_endpoint *s)
{
    char *argv[] = {"qemu-nbd", "--read-only", "--format",   (char *)format,
                    "--shared", "1",           (char *)path, NULL};
    int64_t size;

    if (strspn(format, "abcdefghijklmnopqrstuvwxyz0123456789") !=
            strlen(format) ||
        !*format)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "give auto, raw, qcow2, vmdk, vdi, vhdx or vpc",
                              "unknown image format '%s'", format);
    s->nbd = nbd_create();
    if (!s->nbd)
        return vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                              "cannot start libnbd: %s", nbd_get_error());
    s->ops = &nbd_ops;
    /* the engine's buffers are overwritten by the read: no memset first */
    nbd_set_pread_initialize(s->nbd, false);
    if (nbd_add_meta_context(s->nbd, LIBNBD_CONTEXT_BASE_ALLOCATION) < 0 ||
        nbd_connect_systemd_socket_activation(s->nbd, argv) < 0)
        return vrbd_error_set(
            VRBD_ERR_INVALID, nbd_get_errno(),
            "check the file and its format (qemu-img info), or give --format",
            "cannot open '%s' as %s: qemu-nbd refused it", path, format);
    size = nbd_get_size(s->nbd);
    if (size < 0)
        return vrbd_error_set(VRBD_ERR_IO, nbd_get_errno(), NULL,
                              "cannot read the size of '%s': %s", path,
                              nbd_get_error());
    s->size = (uint64_t)size;
    /* without an allocation map everything is data (zero runs are still
     * found in what is read, and not written) */
    s->has_status =
        nbd_can_meta_context(s->nbd, LIBNBD_CONTEXT_BASE_ALLOCATION) == 1;
    return 0;
}

/*
 * An empty qcow2 (version 3, 64 KiB clusters, 16-bit refcounts) of @size
 * bytes in the new file @fd: the header, a refcount table of one cluster,
 * one refcount block and the L1 table, each cluster counted once; qemu
 * allocates everything else as data comes.  (What qemu-img create makes,
 * less the options.)
 */
static int
qcow2_create(int fd, uint64_t size)
{
    const uint64_t cs = 1 << 16;
    uint64_t l1_size = (size + (cs * (cs / 8)) - 1) / (cs * (cs / 8));
    uint64_t l1_clusters = (l1_size * 8 + cs - 1) / cs;
    uint64_t n = 3 + (l1_clusters ? l1_clusters : 1);
    CLEANUP_FREE unsigned char *c = xcalloc(3, cs);
    unsigned char *h = c, *rt = c + cs, *rb = c + 2 * cs;
    uint64_t v;
    uint32_t w;

#define PUT64(p, x) (v = htobe64(x), memcpy((p), &v, 8))
#define PUT32(p, x) (w = htobe32(x), memcpy((p), &w, 4))
    memcpy(h, "QFI\xfb", 4);
    PUT32(h + 4, 3);     /* version */
    PUT32(h + 20, 16);   /* cluster_bits */
    PUT64(h + 24, size); /* virtual size */
    PUT32(h + 36, (uint32_t)l1_size);
    PUT64(h + 40, 3 * cs); /* L1 table */
    PUT64(h + 48, cs);     /* refcount table */
    PUT32(h + 56, 1);      /* its clusters */
    PUT32(h + 96, 4);      /* refcount_order: 16 bits */
    PUT32(h + 100, 104);   /* header_length; then the end extension */
    PUT64(rt, 2 * cs);     /* the one refcount block */
    for (uint64_t i = 0; i < n; i++) {
        uint16_t one = htobe16(1);

        memcpy(rb + 2 * i, &one, 2);
    }
#undef PUT64
#undef PUT32
    if (n > cs / 2)
        return -EFBIG;
    if (pwrite(fd, c, 3 * cs, 0) != (ssize_t)(3 * cs) ||
        ftruncate(fd, (off_t)(n * cs)) < 0 || fsync(fd) < 0)
        return -errno;
    return 0;
}

int
vrbd_dest_open_nbd(const char *path, const char *format, uint64_t size,
                   struct vrbd_endpoint **out)
{
    char *argv[] = {"qemu-nbd",   "--format", (char *)format, "--shared", "1",
                    (char *)path, NULL};
    struct vrbd_endpoint *ep = xcalloc(1, sizeof(*ep));
    int fd, r;

    *out = NULL;
    ep->fd = -1;
    ep->name = xstrdup(path);
    ep->format = xstrdup(format);
    if (strcmp(format, "qcow2") != 0) {
        vrbd_error_set(VRBD_ERR_INVALID, 0, "give raw or qcow2",
                       "cannot export to format '%s'", format);
        goto fail;
    }
    /* qemu sizes go in 512-byte sectors */
    ep->size = (size + 511) / 512 * 512;
    fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot write '%s': %s", path,
                       strerror(errno));
        goto fail;
    }
    r = qcow2_create(fd, ep->size);
    close(fd);
    if (r < 0) {
        vrbd_error_set(VRBD_ERR_IO, -r, NULL, "cannot write '%s': %s", path,
                       strerror(-r));
        goto unlink;
    }
    ep->nbd = nbd_create();
    if (!ep->nbd) {
        vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL, "cannot start libnbd: %s",
                       nbd_get_error());
        goto unlink;
    }
    ep->ops = &nbd_ops;
    if (nbd_connect_systemd_socket_activation(ep->nbd, argv) < 0) {
        vrbd_error_set(VRBD_ERR_IO, nbd_get_errno(), NULL,
                       "cannot open '%s' as %s: qemu-nbd refused it: %s", path,
                       format, nbd_get_error());
        goto unlink;
    }
    *out = ep;
    return 0;
unlink:
    unlink(path);
fail:
    vrbd_endpoint_close(ep);
    return -1;
}
