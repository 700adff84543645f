/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * endpoint.h: the copy engine's sources and destinations, behind one table
 * of operations (extents, read, write, zero, flush): a local raw file or
 * block device or plain qcow2 file (endpoint-file.c, qcow2.c), any format
 * QEMU reads through qemu-nbd and libnbd (endpoint-nbd.c), and an RBD
 * image on any registered cluster, at a snapshot too (endpoint-rbd.c).
 *
 * Requests are asynchronous: an endpoint starts one and reports its end
 * through vrbd_request_done(), from any thread, possibly before the start
 * call returns (the file and NBD endpoints finish at once).  The engine
 * (engine.h) moves the data between two endpoints with many requests in
 * flight.
 */
#ifndef VRBD_ENDPOINT_H
#define VRBD_ENDPOINT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vrbd.h"

struct vrbd_endpoint;
struct vrbd_engine;

/* one request: a buffer and the range it covers */
struct vrbd_request {
    char *buf;
    uint64_t off;
    size_t len;
    ssize_t ret;  /* 0 or a negative errno, once done */
    int phase;    /* the engine's: what the request does now */
    bool busy;    /* started, its end not yet taken by the engine */
    bool done;    /* its end reported */
    bool parked;  /* read, waiting for its turn to be written */
    uint64_t seq; /* the order it was started in */
    struct vrbd_engine *engine;
    /* the engine's own, for a write cut around the zero runs inside it:
     * each piece is a request of its own (writing, or zeroing on an
     * existing destination) whose end counts against its parent, which
     * ends when the last of them has */
    struct vrbd_request *parent; /* a piece: the request it belongs to */
    struct vrbd_request *pieces; /* a request's pieces, allocated once */
    unsigned pending;            /* pieces not ended yet (+1 while starting) */
    uint64_t err_off;            /* where the failed operation was */
    size_t written, zeroed;      /* what its pieces write and zero */
    size_t weight;               /* its share of the bytes in flight */
    char *small;                 /* its pieces' data, packed (engine.c) */
    size_t small_cap;
};

/* which operation failed, for the error op */
enum vrbd_op { VRBD_OP_READ, VRBD_OP_WRITE, VRBD_OP_ZERO, VRBD_OP_FLUSH };

struct vrbd_endpoint_ops {
    /* The next extent at or after @off: [*start, *end), holding data, or
     * (*data false) a range that is to read as zero on the destination;
     * false when nothing is left (or on error, with *err a negative errno
     * and the error set). */
    bool (*next_extent)(struct vrbd_endpoint *ep, uint64_t off, uint64_t *start,
                        uint64_t *end, bool *data, int *err);
    /* Start a request on r->buf, r->off, r->len; 0, or a negative errno
     * when it could not start (then it never reports). */
    int (*read)(struct vrbd_endpoint *ep, struct vrbd_request *r);
    int (*write)(struct vrbd_endpoint *ep, struct vrbd_request *r);
    int (*zero)(struct vrbd_endpoint *ep, struct vrbd_request *r);
    /* Everything written is durable: 0 or a negative errno. */
    int (*flush)(struct vrbd_endpoint *ep);
    /* Set the error for a failed @op at @off (on the engine's thread). */
    void (*error)(struct vrbd_endpoint *ep, enum vrbd_op op, int ret,
                  uint64_t off);
    void (*close)(struct vrbd_endpoint *ep);
};

/*
 * The base every endpoint shares, embedded first in its backend's own
 * struct (endpoint-file.c's struct ep_file, ...), which only the backend
 * sees: the engine and the rest of the library go through the ops and
 * the accessors below.  The backend allocates its struct whole;
 * vrbd_endpoint_close() calls ->close for what the backend holds, then
 * frees @name, @format and the struct.
 */
struct vrbd_endpoint {
    const struct vrbd_endpoint_ops *ops;
    char *name;   /* for messages: a path or CLUSTER:POOL/IMAGE */
    char *format; /* "raw", "qcow2", ... */
    uint64_t size;
    size_t obj_size; /* RBD: the object size; files: 0 */
    /* a destination: the shortest run of zeros inside a request worth
     * leaving out (0: VRBD_XFER_GAP; a file: VRBD_XFER_GRAIN, since a
     * hole costs it nothing) */
    size_t gap;
    /* a stream (a pipe): written in order, gaps filled with zeros by the
     * endpoint itself; read in order */
    bool stream;
};

/* The backend struct of @type that holds @ep as its member @member. */
#define VRBD_ENDPOINT_OF(ep, type, member)                                     \
    ((type *)(void *)((char *)ep - offsetof(type, member)))

/* an extent of an RBD source: data, or (data false) a range without */
struct vrbd_extent {
    uint64_t off, len;
    bool data;
};

/* Report the end of @r (any thread): @ret 0 or a negative errno. */
void vrbd_request_done(struct vrbd_request *r, ssize_t ret);

/*
 * Open @path read-only as opts->format: NULL or "auto" probes the image's
 * magic (qcow2, vmdk, vdi, vhdx, or raw), "raw" reads the file or device
 * directly, "qcow2" is checked (qcow2.h) and read directly when plain,
 * vmdk, vdi, vhdx and vpc go through qemu-nbd, any other is refused.  An
 * image that names other files is refused unless opts allows them
 * (vrbd_source_check_refs).  Waits on qemu-nbd end after
 * opts->timeout_sec and on *opts->cancel.  Errors name the file.
 */
int vrbd_source_open(const char *path, const vrbd_copy_opts *opts,
                     struct vrbd_endpoint **out);
void vrbd_endpoint_close(struct vrbd_endpoint *ep);

/*
 * Whether the image @path of @format may be imported with the other files
 * its header names (backing file, data file, VMDK extents): with none, 0
 * and *@follow false; with some, 0 and *@follow true only when
 * opts->allow_backing, or opts->backing is the one backing file named and
 * names nothing itself; else -1 with the error set, naming the file.
 */
int vrbd_source_check_refs(const char *path, const char *format,
                           const vrbd_copy_opts *opts, bool *follow);

/* @path as @format through a read-only qemu-nbd, for vrbd_source_open:
 * @backing lets qemu follow the backing file the image names; without,
 * none is opened (the caller has checked there is none).  Waits on
 * qemu-nbd end after opts->timeout_sec and on *opts->cancel. */
int vrbd_source_open_nbd(const char *path, const char *format, bool backing,
                         const vrbd_copy_opts *opts,
                         struct vrbd_endpoint **out);

/* Standard input (@fd 0) as a source of @size bytes (less input reads as
 * zeros, more is an error; 0: as much as comes, vrbd_stream_got() says
 * how much), or standard output (1) as a destination. */
int vrbd_stream_open(int fd, uint64_t size, struct vrbd_endpoint **out);

/* A stream source's: whether its size was given, and the bytes that came
 * in so far (its size, when it was not given). */
bool vrbd_stream_sized(const struct vrbd_endpoint *ep);
uint64_t vrbd_stream_got(const struct vrbd_endpoint *ep);

/* A new image file @path (O_EXCL, mode 0600) of opts->format (qcow2) and
 * @size bytes (rounded up to 512), written through a qemu-nbd; waits on it
 * end after opts->timeout_sec and on *opts->cancel.  Failed writes name
 * @display (the file it becomes). */
int vrbd_dest_open_nbd(const char *path, const char *display,
                       const vrbd_copy_opts *opts, uint64_t size,
                       struct vrbd_endpoint **out);

/* A new file @path (O_EXCL, mode 0600) of @size bytes, all hole, as a
 * destination; failed writes name @display (the file it becomes). */
int vrbd_dest_open_file(const char *path, const char *display, uint64_t size,
                        struct vrbd_endpoint **out);

/* Why a write to file @path failed with @err, when its file system is
 * full (ENOSPC) or the user's quota there is used up (EDQUOT): a phrase
 * naming the file system by its mount point, to free; else NULL. */
char *vrbd_file_full_reason(const char *path, int err);
#define VRBD_FULL_FS_HINT                                                      \
    "free space there, or write to another file system: the file needs "       \
    "room for the image's data (its holes take none)"

/*
 * The open RBD image @img (rbd_image_t; it stays the caller's) as an
 * endpoint; @display names it in messages, @pool lets a failed write name
 * a full pool.  As a source its extents are mapped now: those changed
 * since @from_snap (ranges that lost their data included) or, without it,
 * the data extents, exact to the byte when @exact, else whole objects
 * where the fast-diff map allows.  @map false: a destination only.
 */
int vrbd_rbd_endpoint(vrbd_cluster *cl, const char *pool, void *img,
                      const char *display, bool map, const char *from_snap,
                      bool exact, struct vrbd_endpoint **out);

/* An RBD destination whose writes past the end grow the image (@grow):
 * an import from a pipe of unknown length; the caller sets the final
 * size. */
void vrbd_rbd_endpoint_grow(struct vrbd_endpoint *ep, bool grow);

/* An RBD source's extents, as mapped (or overlaid since): *@n of them,
 * borrowed from @ep. */
const struct vrbd_extent *
vrbd_rbd_endpoint_extents(const struct vrbd_endpoint *ep, size_t *n);

/* Every range of @add (@n sorted extents, apart) made data in RBD source
 * @ep's extents, the rest as they were (vrbd_extents_overlay). */
void vrbd_rbd_endpoint_overlay(struct vrbd_endpoint *ep,
                               const struct vrbd_extent *add, size_t n);

/*
 * The ranges of @img (rbd_image_t, at its head) within [0, @size) that
 * changed since its snapshot @from_snap (written, discarded or zeroed),
 * exact to the byte, in *@ext (sorted, apart; free() it): 0, or a
 * negative errno.
 */
int vrbd_rbd_changes(void *img, const char *from_snap, uint64_t size,
                     struct vrbd_extent **ext, size_t *n);

/*
 * @ext (@n sorted extents, apart) with every range of @add (sorted,
 * apart, cut at @size) made data, the rest as @ext had it: a new array
 * in *@out, its length returned.  *@outside: the bytes of @add that no
 * extent of @ext covered.
 */
size_t vrbd_extents_overlay(const struct vrbd_extent *ext, size_t n,
                            const struct vrbd_extent *add, size_t n_add,
                            uint64_t size, struct vrbd_extent **out,
                            uint64_t *outside);

/* The format the first bytes of @path announce ("raw" when none); NULL
 * with an error when it cannot be read. */
char *vrbd_source_probe(const char *path);

#endif
