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
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libnbd.h>

#include "clock.h"
#include "endpoint.h"
#include "internal.h"

/* block status asks about at most this much at a time */
#define STATUS_SPAN (1ULL << 30)

/*
 * qemu-nbd runs with these limits (prlimit(1) starts it, so that they hold
 * from its first instruction): a qcow2 whose backing file is itself made
 * it open the file again and again (10,000 files, 2.4 GB, 838 s) before it
 * gave up.  A real backing chain is far shorter than the files allowed;
 * qemu-nbd serving an image takes about 240 MB of address space.
 */
#define NBD_MAX_FILES "--nofile=256"
#define NBD_MAX_MEMORY "--as=2147483648"
#define NBD_DEFAULT_TIMEOUT 30.0
/* how often a wait looks at the cancel flag (ms) */
#define NBD_TICK 100
/* what of qemu-nbd's standard error a message may quote from */
#define QEMU_SAID_MAX (64 << 10)

struct ep_nbd {
    struct vrbd_endpoint ep;
    struct nbd_handle *nbd;
    bool has_status;      /* the server maps allocation (base:allocation) */
    double timeout;       /* seconds any wait on qemu-nbd may take; 0: 30 */
    volatile int *cancel; /* set from a signal handler: stop waiting */
    bool hung; /* a wait ran out or was cancelled: qemu-nbd is killed */
    int errfd; /* qemu-nbd's standard error (a memory file), if has_errfd */
    bool has_errfd;
};

static struct ep_nbd *
to_nbd(const struct vrbd_endpoint *ep)
{
    return VRBD_ENDPOINT_OF(ep, struct ep_nbd, ep);
}

static int
nbd_errno(void)
{
    return nbd_get_errno() ? -nbd_get_errno() : -EIO;
}

/*
 * Wait until command @cookie on @s has ended (@cookie 0: until the
 * connection is made), at most @s->timeout seconds and not past a cancel:
 * libnbd's own synchronous calls poll with no bound, and qemu-nbd can
 * spin on a hostile image.  Returns 0, or a negative errno: -ETIMEDOUT,
 * -EINTR when cancelled, or what the command failed with (nbd_get_error()
 * says more).  After a timeout or a cancel the server is hung: it is
 * killed on close.
 */
static int
nbd_wait(struct ep_nbd *s, int64_t cookie)
{
    double end =
        vrbd_now() + (s->timeout > 0 ? s->timeout : NBD_DEFAULT_TIMEOUT);

    for (;;) {
        double left;
        int r = cookie ? nbd_aio_command_completed(s->nbd, cookie)
                       : !nbd_aio_is_connecting(s->nbd);

        if (r < 0)
            return nbd_errno();
        if (r == 1 && cookie)
            return 0;
        if (r == 1)
            return nbd_aio_is_ready(s->nbd) ? 0 : nbd_errno();
        left = end - vrbd_now();
        if ((s->cancel && *s->cancel) || left <= 0) {
            s->hung = true;
            return left <= 0 ? -ETIMEDOUT : -EINTR;
        }
        /* a signal may land on any of librados's threads, not this one's
         * poll: the cancel is looked at every NBD_TICK ms */
        if (nbd_poll(s->nbd, left * 1000 < NBD_TICK ? (int)(left * 1000) + 1
                                                    : NBD_TICK) < 0 &&
            nbd_get_errno() != EINTR)
            return nbd_errno();
    }
}

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

/*
 * Start qemu-nbd (@argv) for @s and wait until it serves, its standard
 * error going to a memory file that messages quote (qemu_said): a hostile
 * image makes qemu print one line thousands of backing files long.  The
 * child inherits descriptor 2 as it is at the fork, inside
 * nbd_aio_connect_systemd_socket_activation(); ours is put back at once.
 * 0 or a negative errno (nbd_wait).
 */
static int
nbd_start(struct ep_nbd *s, char **argv)
{
    int saved, r;

    s->errfd = memfd_create("qemu-nbd-stderr", MFD_CLOEXEC);
    s->has_errfd = s->errfd >= 0;
    saved = s->has_errfd ? fcntl(2, F_DUPFD_CLOEXEC, 3) : -1;
    fflush(stderr);
    if (saved >= 0)
        dup2(s->errfd, 2);
    r = nbd_aio_connect_systemd_socket_activation(s->nbd, argv);
    if (saved >= 0) {
        dup2(saved, 2);
        close(saved);
    }
    return r < 0 ? nbd_errno() : nbd_wait(s, 0);
}

/* the first line qemu-nbd printed, cut to fit a message (its middle goes),
 * with what is not printable replaced; "" when it said nothing */
static const char *
qemu_said(struct ep_nbd *s)
{
    static const char opening[] = "qemu-nbd: Failed to blk_new_open '";
    static __thread char line[256];
    CLEANUP_FREE char *buf = xmalloc(QEMU_SAID_MAX + 1);
    ssize_t n = s->has_errfd ? pread(s->errfd, buf, QEMU_SAID_MAX, 0) : -1;
    char *p = buf, *nl;
    size_t len;

    line[0] = '\0';
    if (n <= 0)
        return line;
    buf[n] = '\0';
    if ((nl = strchr(buf, '\n')))
        *nl = '\0';
    /* the file qemu-nbd was given is ours (json:...): the user knows it */
    if (strncmp(p, opening, sizeof(opening) - 1) == 0 && strstr(p, "': "))
        p = strstr(p, "': ") + 3;
    len = strlen(p);
    if (len < sizeof(line))
        memcpy(line, p, len + 1);
    else
        snprintf(line, sizeof(line), "%.100s ... %s", p,
                 p + len - (sizeof(line) - 110));
    for (char *c = line; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            *c = '?';
    return line;
}

/* what went wrong, for a message: a wait that ran out says so */
static const char *
why(const struct ep_nbd *s, int ret)
{
    if (ret == -ETIMEDOUT && s->hung)
        return "qemu-nbd did not answer within the timeout ({timeout_sec})";
    return nbd_get_error() ? nbd_get_error() : strerror(-ret);
}

static bool
nbd_next_extent(struct vrbd_endpoint *ep, uint64_t off, uint64_t *start,
                uint64_t *end, bool *data, int *err)
{
    struct ep_nbd *s = to_nbd(ep);

    *err = 0;
    *data = true;
    if (!s->has_status && off < s->ep.size) {
        *start = off;
        *end = s->ep.size;
        return true;
    }
    while (off < s->ep.size) {
        uint64_t span =
            s->ep.size - off < STATUS_SPAN ? s->ep.size - off : STATUS_SPAN;
        struct span sp = {.want = off, .start = UINT64_MAX, .seen = off};
        nbd_extent_callback cb = {.callback = on_extents, .user_data = &sp};

        int64_t c =
            nbd_aio_block_status(s->nbd, span, off, cb, NBD_NULL_COMPLETION, 0);

        if ((*err = c < 0 ? nbd_errno() : nbd_wait(s, c)) < 0) {
            vrbd_error_set(VRBD_ERR_IO, -*err, NULL,
                           "cannot map '%s' at byte %llu: %s", s->ep.name,
                           (unsigned long long)off, why(s, *err));
            return false;
        }
        if (sp.start != UINT64_MAX) {
            *start = sp.start < off ? off : sp.start;
            *end = sp.end < s->ep.size ? sp.end : s->ep.size;
            return true;
        }
        if (sp.seen <= off) { /* a server that answers nothing */
            *start = off;
            *end = s->ep.size;
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
in_pieces(struct ep_nbd *s, struct vrbd_request *r, bool write)
{
    int e = 0;

    for (size_t o = 0; o < r->len && !e; o += NBD_PIECE) {
        size_t l = r->len - o < NBD_PIECE ? r->len - o : NBD_PIECE;
        int64_t c = write ? nbd_aio_pwrite(s->nbd, r->buf + o, l, r->off + o,
                                           NBD_NULL_COMPLETION, 0)
                          : nbd_aio_pread(s->nbd, r->buf + o, l, r->off + o,
                                          NBD_NULL_COMPLETION, 0);

        e = c < 0 ? nbd_errno() : nbd_wait(s, c);
    }
    vrbd_request_done(r, e);
    return 0;
}

static int
nbd_read(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    return in_pieces(to_nbd(ep), r, false);
}

static int
nbd_ep_write(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    return in_pieces(to_nbd(ep), r, true);
}

static int
nbd_ep_zero(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    struct ep_nbd *s = to_nbd(ep);
    int64_t c = nbd_aio_zero(s->nbd, r->len, r->off, NBD_NULL_COMPLETION, 0);

    vrbd_request_done(r, c < 0 ? nbd_errno() : nbd_wait(s, c));
    return 0;
}

static int
nbd_ep_flush(struct vrbd_endpoint *ep)
{
    struct ep_nbd *s = to_nbd(ep);
    int64_t c = nbd_aio_flush(s->nbd, NBD_NULL_COMPLETION, 0);

    return c < 0 ? nbd_errno() : nbd_wait(s, c);
}

static void
nbd_error(struct vrbd_endpoint *ep, enum vrbd_op op, int ret, uint64_t off)
{
    struct ep_nbd *s = to_nbd(ep);

    /* a file written through qemu-nbd (an export) */
    CLEANUP_FREE char *full =
        op == VRBD_OP_READ ? NULL : vrbd_file_full_reason(s->ep.name, -ret);

    /* qemu-nbd drops the connection when it cannot read its file, and
     * says why ("Disconnect client, due to: Failed to send reply: reading
     * from file failed: ..."); libnbd sees a closed handle */
    const char *said = "";

    if (op == VRBD_OP_READ &&
        (nbd_aio_is_closed(s->nbd) || nbd_aio_is_dead(s->nbd)))
        said = strstr(qemu_said(s), "Disconnect client, due to: ");
    if (said && *said) {
        said = strchr(said, ':') + 2;
        if (strncmp(said, "Failed to send reply: ", 22) == 0)
            said += 22;
    }
    if (said && *said)
        vrbd_error_set(
            VRBD_ERR_IO, -ret, "check the image with qemu-img check",
            "cannot read '%s' (%s) at byte %llu: qemu-nbd ended the connection: %s",
            s->ep.name, s->ep.format, (unsigned long long)off, said);
    else if (op == VRBD_OP_READ)
        vrbd_error_set(VRBD_ERR_IO, -ret, "check the image with qemu-img check",
                       "cannot read '%s' (%s) at byte %llu: %s", s->ep.name,
                       s->ep.format, (unsigned long long)off, why(s, ret));
    else if (full)
        vrbd_error_set(VRBD_ERR_IO, -ret, VRBD_FULL_FS_HINT,
                       "cannot write '%s' (%s) at byte %llu: %s", s->ep.name,
                       s->ep.format, (unsigned long long)off, full);
    else
        vrbd_error_set(VRBD_ERR_IO, -ret, NULL,
                       "cannot write '%s' (%s) at byte %llu: %s", s->ep.name,
                       s->ep.format, (unsigned long long)off, why(s, ret));
}

static void
nbd_source_close(struct vrbd_endpoint *ep)
{
    struct ep_nbd *s = to_nbd(ep);

    if (s->nbd && s->hung) {
        /* nbd_shutdown() would wait on it with no bound */
        nbd_kill_subprocess(s->nbd, SIGKILL);
    } else if (s->nbd) {
        nbd_shutdown(s->nbd, 0);
    }
    if (s->nbd)
        nbd_close(s->nbd); /* also reaps qemu-nbd */
    s->nbd = NULL;
    if (s->has_errfd)
        close(s->errfd);
    s->has_errfd = false;
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

/*
 * What qemu-nbd opens: @path as @format, the file named by its driver
 * (file or host_device) so that no name is ever read as a protocol
 * (nbd:, json:...), and with @backing false "backing": null, so that no
 * backing file the header names is opened.  A json: filename, which
 * qemu-nbd takes wherever it takes a file name.
 */
static char *
nbd_image(const char *path, const char *format, bool backing)
{
    struct json_object *o = json_object_new_object();
    struct json_object *f = json_object_new_object();
    struct stat st;
    char *ret;

    json_object_object_add(o, "driver", json_object_new_string(format));
    json_object_object_add(
        f, "driver",
        json_object_new_string(stat(path, &st) == 0 && S_ISBLK(st.st_mode)
                                   ? "host_device"
                                   : "file"));
    json_object_object_add(f, "filename", json_object_new_string(path));
    json_object_object_add(o, "file", f);
    if (!backing)
        json_object_object_add(o, "backing", NULL);
    ret = xasprintf("json:%s",
                    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return ret;
}

/* vrbd_source_open_nbd() on @s, named and with its timeout set: 0, or -1
 * with the error set (the caller closes @s) */
static int
open_source(struct ep_nbd *s, const char *path, const char *format,
            bool backing)
{
    CLEANUP_FREE char *image = NULL;
    int64_t size;
    int r;

    if (strspn(format, "abcdefghijklmnopqrstuvwxyz0123456789") !=
            strlen(format) ||
        !*format)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "give auto, raw, qcow2, vmdk, vdi, vhdx or vpc",
                              "unknown image format '%s'", format);
    image = nbd_image(path, format, backing);
    s->nbd = nbd_create();
    if (!s->nbd)
        return vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                              "cannot start libnbd: %s", nbd_get_error());
    /* the engine's buffers are overwritten by the read: no memset first */
    nbd_set_pread_initialize(s->nbd, false);
    {
        char *argv[] = {"prlimit",  NBD_MAX_FILES, NBD_MAX_MEMORY, "--",
                        "qemu-nbd", "--read-only", "--shared",     "1",
                        image,      NULL};

        r = nbd_add_meta_context(s->nbd, LIBNBD_CONTEXT_BASE_ALLOCATION) < 0
                ? nbd_errno()
                : nbd_start(s, argv);
    }
    if (r == -EINTR)
        return vrbd_error_set(VRBD_ERR_IO, EINTR, NULL,
                              "opening '%s' interrupted", path);
    if (r == -ETIMEDOUT)
        return vrbd_error_set(
            VRBD_ERR_TIMEOUT, ETIMEDOUT,
            "check the image with qemu-img info; a longer {timeout_sec} waits longer",
            "cannot open '%s' as %s: qemu-nbd did not answer within %.0f s",
            path, format, s->timeout > 0 ? s->timeout : NBD_DEFAULT_TIMEOUT);
    if (r < 0 && *qemu_said(s))
        return vrbd_error_set(
            VRBD_ERR_INVALID, -r,
            "check the file and its format (qemu-img info), or give {format}",
            "cannot open '%s' as %s: %s", path, format, qemu_said(s));
    if (r < 0)
        return vrbd_error_set(
            VRBD_ERR_INVALID, -r,
            "check the file and its format (qemu-img info), or give {format}",
            "cannot open '%s' as %s: qemu-nbd refused it", path, format);
    size = nbd_get_size(s->nbd);
    if (size < 0)
        return vrbd_error_set(VRBD_ERR_IO, nbd_get_errno(), NULL,
                              "cannot read the size of '%s': %s", path,
                              nbd_get_error());
    s->ep.size = (uint64_t)size;
    /* without an allocation map everything is data (zero runs are still
     * found in what is read, and not written) */
    s->has_status =
        nbd_can_meta_context(s->nbd, LIBNBD_CONTEXT_BASE_ALLOCATION) == 1;
    return 0;
}

/* a new endpoint @name of @format, its waits bounded as @opts says */
static struct ep_nbd *
nbd_new(const char *name, const char *format, const vrbd_copy_opts *opts)
{
    struct ep_nbd *s = xcalloc(1, sizeof(*s));

    s->ep.ops = &nbd_ops;
    s->ep.name = xstrdup(name);
    s->ep.format = xstrdup(format);
    s->timeout = opts->timeout_sec;
    s->cancel = opts->cancel;
    return s;
}

int
vrbd_source_open_nbd(const char *path, const char *format, bool backing,
                     const vrbd_copy_opts *opts, struct vrbd_endpoint **out)
{
    struct ep_nbd *s = nbd_new(path, format, opts);

    *out = NULL;
    if (open_source(s, path, format, backing) < 0) {
        vrbd_endpoint_close(&s->ep);
        return -1;
    }
    *out = &s->ep;
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
vrbd_dest_open_nbd(const char *path, const char *display,
                   const vrbd_copy_opts *opts, uint64_t size,
                   struct vrbd_endpoint **out)
{
    const char *format = opts->format;
    char *argv[] = {"qemu-nbd",   "--format", (char *)format, "--shared", "1",
                    (char *)path, NULL};
    struct ep_nbd *s = nbd_new(display, format, opts);
    int fd, r;

    *out = NULL;
    if (strcmp(format, "qcow2") != 0) {
        vrbd_error_set(VRBD_ERR_INVALID, 0, "give raw or qcow2",
                       "cannot export to format '%s'", format);
        goto fail;
    }
    /* qemu sizes go in 512-byte sectors */
    s->ep.size = (size + 511) / 512 * 512;
    fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot write '%s': %s", path,
                       strerror(errno));
        goto fail;
    }
    r = qcow2_create(fd, s->ep.size);
    close(fd);
    if (r < 0) {
        vrbd_error_set(VRBD_ERR_IO, -r, NULL, "cannot write '%s': %s", path,
                       strerror(-r));
        goto unlink;
    }
    s->nbd = nbd_create();
    if (!s->nbd) {
        vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL, "cannot start libnbd: %s",
                       nbd_get_error());
        goto unlink;
    }
    if ((r = nbd_start(s, argv)) < 0) {
        vrbd_error_set(VRBD_ERR_IO, -r, NULL,
                       "cannot open '%s' as %s: qemu-nbd refused it: %s", path,
                       format, why(s, r));
        goto unlink;
    }
    *out = &s->ep;
    return 0;
unlink:
    unlink(path);
fail:
    vrbd_endpoint_close(&s->ep);
    return -1;
}
