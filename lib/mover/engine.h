/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine.h: the copy engine (engine.c): one transfer loop that moves the
 * extents of a source endpoint to a destination endpoint (endpoint.h)
 * with many requests in flight, leaving out or zeroing the zeros it
 * reads, and reading back to verify.  What is copied where, and under
 * which names, is copy.c's.
 */
#ifndef VRBD_ENGINE_H
#define VRBD_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"
#include "vrbd.h"

struct vrbd_xfer {
    /* requests' worth of bytes in flight (0: VRBD_XFER_QUEUE_DEPTH):
     * reads count whole, writes what they write, so data cut into small
     * pieces keeps more requests going, up to VRBD_XFER_SLOTS times as
     * many (a stream: exactly this many); pieces holding little of their
     * chunk are packed into a buffer of their size, so the memory stays
     * about twice the depth's worth of chunks */
    unsigned queue_depth;
    size_t chunk;   /* request size; requests never cross a multiple */
    bool fresh;     /* the destination reads zero already */
    uint64_t total; /* for progress */
    uint64_t start; /* begin at this offset (a resumed transfer) */
    volatile int *cancel;
    void (*progress)(uint64_t done, uint64_t total, void *opaque);
    void *opaque;
    /* Called every @checkpoint_every bytes done (after the first call,
     * no sooner than @checkpoint_gap seconds after the last), and once
     * more when the transfer stops early (failed or cancelled, after the
     * drain), with an offset below which everything is on the
     * destination. */
    void (*checkpoint)(uint64_t safe, void *opaque);
    void *checkpoint_opaque;
    uint64_t checkpoint_every;
    double checkpoint_gap;
    /* Seconds without any request ending, while some are in flight, after
     * which the transfer gives up (0: never): a cluster that stops
     * answering fails a librbd write only after several op timeouts (an
     * object map update, then the write), so the engine does not wait for
     * librbd to say so.  What is still in flight is left to end on its own,
     * and vrbd_xfer_run() says -ETIMEDOUT: the endpoints are still busy,
     * and closing an image waits for the requests' own timeouts. */
    double stall;
};

/* 32 MiB in flight at 2 MiB requests.  8 was as fast on loopback, but
 * behind a 5 ms round trip a 512 MiB import took 3.69 s at 8 and 3.28 s
 * at 16 (7 rounds, medians; 32: 3.34 s); 34 MB more peak RSS. */
#define VRBD_XFER_QUEUE_DEPTH 16
#define VRBD_XFER_SLOTS 8
#define VRBD_XFER_CHUNK ((size_t)2 << 20)
/* Chunk buffers start at a multiple of this, so that a block device
 * (whose logical block is no larger) can read into them with O_DIRECT. */
#define VRBD_XFER_ALIGN ((size_t)4096)
/* Zeros read are not written to a fresh destination in grains of 4 KiB
 * (aligned on the image; the sparse size of qemu-img convert and rbd
 * import): a chunk of them, those at either end of a chunk, and runs of
 * them inside a chunk of VRBD_XFER_GAP or more (the destination's gap).
 * On RBD a shorter run inside is written: leaving it out would take one
 * more write, which costs a cluster more than the bytes (measured on the
 * lab: a write is worth about 110 KB at the cluster's rate; qemu-img,
 * leaving out every run of 4 KiB, took twice as long on 64 KiB of data,
 * 64 KiB of zeros).  A file leaves out every run of a grain or more.  On
 * an existing destination the same runs are zeroed rather than written
 * (discarded: RBD frees them) but for a short one at either end, which
 * would take one more request too. */
#define VRBD_XFER_GRAIN ((size_t)4096)
#define VRBD_XFER_GAP ((size_t)128 << 10)

/* The request size for an image of @obj_size: 2 MiB, or the object size
 * when smaller, so that requests stay inside objects. */
size_t vrbd_xfer_chunk(size_t obj_size);

/*
 * Copy every extent of @src to @dst: data is read and written, but for
 * the zeros in it (left out on a fresh destination, zeroed on an existing
 * one: see VRBD_XFER_GAP); ranges without data are zeroed.  -1 with the error
 * set, or -EINTR (nothing set) when cancelled; in-flight requests are drained
 * either way, unless none ends for x->stall seconds: then -ETIMEDOUT (the
 * error set), and the requests left end on their own.
 */
int vrbd_xfer_run(struct vrbd_endpoint *src, struct vrbd_endpoint *dst,
                  const struct vrbd_xfer *x, vrbd_copy_stats *stats);

/* Read back every extent of @src from both endpoints and compare. */
int vrbd_xfer_verify(struct vrbd_endpoint *src, struct vrbd_endpoint *dst,
                     size_t chunk);

/* One synchronous read through the ops: 0 or a negative errno. */
int vrbd_endpoint_pread(struct vrbd_endpoint *ep, void *buf, size_t len,
                        uint64_t off);

#endif
