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

struct ep_stream {
    struct vrbd_endpoint ep;
    int fd;
    uint64_t pos; /* bytes read or written so far */
    bool eof;     /* a source: its end was read */
    bool sized;   /* a source: its size was given */
    uint64_t got; /* a source: bytes that came in */
};

static struct ep_stream *
to_stream(const struct vrbd_endpoint *ep)
{
    return VRBD_ENDPOINT_OF(ep, struct ep_stream, ep);
}

static bool
stream_next_extent(struct vrbd_endpoint *ep, uint64_t off, uint64_t *start,
                   uint64_t *end, bool *data, int *err)
{
    struct ep_stream *s = to_stream(ep);

    *err = 0;
    if (s->eof || off >= s->ep.size) {
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
                           "give the size of the whole stream ({size})",
                           "standard input holds more than %llu bytes",
                           (unsigned long long)s->ep.size);
        }
        return false;
    }
    if (s->eof)
        return false;
    *start = off;
    *end = s->ep.size - off < STREAM_PIECE ? s->ep.size : off + STREAM_PIECE;
    *data = true;
    return true;
}

/* in order, on the engine's thread; past the end of the input, zeros */
static int
stream_read(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    struct ep_stream *s = to_stream(ep);
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
fill_to(struct ep_stream *s, uint64_t to)
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
stream_write(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    struct ep_stream *s = to_stream(ep);
    int ret = r->off < s->pos ? -ESPIPE : fill_to(s, r->off);

    if (ret == 0)
        ret = write_all(s->fd, r->buf, r->len);
    if (ret == 0)
        s->pos = r->off + r->len;
    vrbd_request_done(r, ret);
    return 0;
}

static int
stream_zero(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    struct ep_stream *s = to_stream(ep);

    vrbd_request_done(r,
                      r->off < s->pos ? -ESPIPE : fill_to(s, r->off + r->len));
    return 0;
}

static int
stream_flush(struct vrbd_endpoint *ep)
{
    struct ep_stream *s = to_stream(ep);
    int r = fill_to(s, s->ep.size);

    if (r == 0 && fsync(s->fd) < 0 && errno != EINVAL && errno != EROFS)
        r = -errno; /* a pipe has nothing to sync */
    return r;
}

static void
stream_error(struct vrbd_endpoint *ep, enum vrbd_op op, int ret, uint64_t off)
{
    vrbd_error_set(VRBD_ERR_IO, -ret, NULL, "cannot %s %s at byte %llu: %s",
                   op == VRBD_OP_READ ? "read" : "write to", ep->name,
                   (unsigned long long)off, strerror(-ret));
}

static void
stream_close(struct vrbd_endpoint *ep)
{
    struct ep_stream *s = to_stream(ep);

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
    struct ep_stream *s = xcalloc(1, sizeof(*s));

    *out = NULL;
    s->ep.ops = &stream_ops;
    s->ep.name = xstrdup(fd == 0 ? "standard input" : "standard output");
    s->ep.format = xstrdup("raw");
    /* unsized: as far as the engine's offsets go; the end of the input
     * ends it */
    s->ep.size = size ? size : UINT64_MAX / 2;
    s->sized = size != 0;
    s->ep.stream = true;
    s->fd = dup(fd);
    if (s->fd < 0) {
        vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot use %s: %s",
                       s->ep.name, strerror(errno));
        vrbd_endpoint_close(&s->ep);
        return -1;
    }
    *out = &s->ep;
    return 0;
}

bool
vrbd_stream_sized(const struct vrbd_endpoint *ep)
{
    return to_stream(ep)->sized;
}

uint64_t
vrbd_stream_got(const struct vrbd_endpoint *ep)
{
    return to_stream(ep)->got;
}
