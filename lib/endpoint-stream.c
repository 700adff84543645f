/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint-stream.c: standard input as a source and standard output as a
 * destination, for pipes (`virt-rbd export IMG - | ssh host virt-rbd
 * import - IMG --size N`).  A pipe is read and written in order: the
 * engine starts reads in order on its own thread and hands a stream its
 * writes in order (endpoint.h: stream); the holes of the image become
 * zeros written out, and zeros read in are not written to the image.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "endpoint.h"
#include "internal.h"

/* a stream's extents come in pieces, so that its end is seen early */
#define STREAM_PIECE ((uint64_t)64 << 20)

static bool
stream_next_extent(struct vrbd_endpoint *s, uint64_t off, uint64_t *start,
                   uint64_t *end, bool *data, int *err)
{
    *err = 0;
    if (s->eof || off >= s->size) {
        char c;
        ssize_t n;

        if (s->eof || !s->sized)
            return false;
        /* the whole size is read: anything more does not fit */
        do
            n = read(s->fd, &c, 1);
        while (n < 0 && errno == EINTR);
        if (n > 0) {
            *err = -EFBIG;
            vrbd_error_set(VRBD_ERR_INVALID, EFBIG,
                           "give the size of the whole stream (--size)",
                           "standard input holds more than %llu bytes",
                           (unsigned long long)s->size);
        }
        return false;
    }
    if (s->eof)
        return false;
    *start = off;
    *end = s->size - off < STREAM_PIECE ? s->size : off + STREAM_PIECE;
    *data = true;
    return true;
}

/* in order, on the engine's thread; past the end of the input, zeros */
static int
stream_read(struct vrbd_endpoint *s, struct vrbd_request *r)
{
    size_t got = 0;
    ssize_t ret = 0;

    if (r->off != s->pos) {
        vrbd_request_done(r, -ESPIPE);
        return 0;
    }
    while (got < r->len && !s->eof) {
        ssize_t n = read(s->fd, r->buf + got, r->len - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ret = -errno;
            break;
        }
        if (n == 0)
            s->eof = true;
        got += (size_t)n;
        s->got += (uint64_t)n;
    }
    memset(r->buf + got, 0, r->len - got);
    s->pos += r->len;
    vrbd_request_done(r, ret);
    return 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* zeros from the stream's position up to @to */
static int
fill_to(struct vrbd_endpoint *s, uint64_t to)
{
    static const char zero[64 * 1024];

    while (s->pos < to) {
        size_t n =
            to - s->pos < sizeof(zero) ? (size_t)(to - s->pos) : sizeof(zero);
        int r = write_all(s->fd, zero, n);

        if (r < 0)
            return r;
        s->pos += n;
    }
    return 0;
}

static int
stream_write(struct vrbd_endpoint *s, struct vrbd_request *r)
{
    int ret = r->off < s->pos ? -ESPIPE : fill_to(s, r->off);

    if (ret == 0)
        ret = write_all(s->fd, r->buf, r->len);
    if (ret == 0)
        s->pos = r->off + r->len;
    vrbd_request_done(r, ret);
    return 0;
}

static int
stream_zero(struct vrbd_endpoint *s, struct vrbd_request *r)
{
    vrbd_request_done(r,
                      r->off < s->pos ? -ESPIPE : fill_to(s, r->off + r->len));
    return 0;
}

static int
stream_flush(struct vrbd_endpoint *s)
{
    int r = fill_to(s, s->size);

    if (r == 0 && fsync(s->fd) < 0 && errno != EINVAL && errno != EROFS)
        r = -errno; /* a pipe has nothing to sync */
    return r;
}

static void
stream_error(struct vrbd_endpoint *s, enum vrbd_op op, int ret, uint64_t off)
{
    vrbd_error_set(VRBD_ERR_IO, -ret, NULL, "cannot %s %s at byte %llu: %s",
                   op == VRBD_OP_READ ? "read" : "write to", s->name,
                   (unsigned long long)off, strerror(-ret));
}

static void
stream_close(struct vrbd_endpoint *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

static const struct vrbd_endpoint_ops stream_ops = {
    .next_extent = stream_next_extent,
    .read = stream_read,
    .write = stream_write,
    .zero = stream_zero,
    .flush = stream_flush,
    .error = stream_error,
    .close = stream_close,
};

int
vrbd_stream_open(int fd, uint64_t size, struct vrbd_endpoint **out)
{
    struct vrbd_endpoint *ep = xcalloc(1, sizeof(*ep));

    *out = NULL;
    ep->name = xstrdup(fd == 0 ? "standard input" : "standard output");
    ep->format = xstrdup("raw");
    /* unsized: as far as the engine's offsets go; the end of the input
     * ends it */
    ep->size = size ? size : UINT64_MAX / 2;
    ep->sized = size != 0;
    ep->stream = true;
    ep->fd = dup(fd);
    if (ep->fd < 0) {
        vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot use %s: %s", ep->name,
                       strerror(errno));
        vrbd_endpoint_close(ep);
        return -1;
    }
    ep->ops = &stream_ops;
    *out = ep;
    return 0;
}
