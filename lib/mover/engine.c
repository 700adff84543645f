/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine.c: the data mover's one transfer loop, between any two endpoints
 * (endpoint.h).  The calling thread starts requests and handles their
 * ends; endpoints report ends from their own threads (librbd's callbacks)
 * only by marking the request done and waking the loop, as QEMU's
 * block/rbd.c does, so all buffer handling stays on one thread.
 *
 * Each request reads a chunk of the source (never crossing a multiple of
 * the chunk size, so an RBD side sees requests inside its objects).  Its
 * zeros (grains of VRBD_XFER_GRAIN, in runs long enough to be worth a
 * request: see VRBD_XFER_GAP) are left out on a fresh destination and
 * zeroed on an existing one, the pieces written (or zeroed) all at once;
 * the request ends when the last piece has.  Ranges the source reports
 * without data are zeroed, in requests that never cross a multiple of the
 * destination's object size (or of the chunk, if larger).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "engine.h"
#include "internal.h"

enum { PH_READ, PH_WRITE, PH_ZERO };

struct vrbd_engine {
    pthread_mutex_t lock;
    pthread_cond_t cond; /* on the monotonic clock */
    unsigned ndone;      /* ends reported, not yet taken */
    double last_end;     /* when a request last ended, or the run began */
    /* A run that gave up on requests that never ended leaves them the
     * engine, their slots and the buffers: the last to end frees it all
     * (engine_free()). */
    bool abandoned;
    unsigned left; /* requests that have not ended yet */
    struct vrbd_request *reqs;
    unsigned n;
    char **pool; /* chunk buffers not in use */
    unsigned npool;
};

/* @r ended: hand it to the engine's loop (the engine's lock held) */
static void
ended(struct vrbd_engine *e, struct vrbd_request *r)
{
    r->done = true;
    e->ndone++;
    e->last_end = vrbd_now();
    if (e->abandoned)
        e->left--;
    pthread_cond_signal(&e->cond);
}

/* @k of @r's pieces (or the guard) ended, the first failure kept (@bad,
 * for where it was and what it did); @r ends with the last (the engine's
 * lock held) */
static void
pieces_end(struct vrbd_engine *e, struct vrbd_request *r, unsigned k,
           ssize_t ret, const struct vrbd_request *bad)
{
    if (ret < 0 && r->ret == 0) {
        r->ret = ret;
        r->err_off = bad->off;
        r->phase = bad->phase;
    }
    r->pending -= k;
    if (r->pending == 0)
        ended(e, r);
}

static void engine_free(struct vrbd_engine *e);

void
vrbd_request_done(struct vrbd_request *r, ssize_t ret)
{
    struct vrbd_engine *e = r->engine;
    bool last;

    pthread_mutex_lock(&e->lock);
    if (r->parent) {
        pieces_end(e, r->parent, 1, ret, r);
    } else {
        r->ret = ret;
        ended(e, r);
    }
    last = e->abandoned && e->left == 0;
    pthread_mutex_unlock(&e->lock);
    if (last)
        engine_free(e);
}

static void
engine_init(struct vrbd_engine *e)
{
    pthread_condattr_t a;

    *e = (struct vrbd_engine){0};
    pthread_mutex_init(&e->lock, NULL);
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&e->cond, &a);
    pthread_condattr_destroy(&a);
    e->last_end = vrbd_now();
}

static void
engine_fini(struct vrbd_engine *e)
{
    pthread_cond_destroy(&e->cond);
    pthread_mutex_destroy(&e->lock);
}

/* the run's memory: its requests, their buffers and the spare ones */
static void
free_run(struct vrbd_request *reqs, unsigned n, char **pool, unsigned npool)
{
    for (unsigned i = 0; i < n; i++) {
        free(reqs[i].buf);
        free(reqs[i].pieces);
        free(reqs[i].small);
    }
    for (unsigned i = 0; i < npool; i++)
        free(pool[i]);
    free(pool);
    free(reqs);
}

/* an abandoned engine, once its last request has ended */
static void
engine_free(struct vrbd_engine *e)
{
    free_run(e->reqs, e->n, e->pool, e->npool);
    engine_fini(e);
    free(e);
}

/* Wait for a request that ended (one of @n must be busy) and take it;
 * NULL when none has ended for @stall seconds (0: wait for ever). */
static struct vrbd_request *
wait_done(struct vrbd_engine *e, struct vrbd_request *reqs, unsigned n,
          double stall)
{
    struct vrbd_request *r = NULL;

    pthread_mutex_lock(&e->lock);
    while (e->ndone == 0) {
        double until = e->last_end + stall;
        struct timespec ts;

        if (stall <= 0) {
            pthread_cond_wait(&e->cond, &e->lock);
            continue;
        }
        if (vrbd_now() >= until) {
            pthread_mutex_unlock(&e->lock);
            return NULL;
        }
        /* vrbd_now() is this clock's time */
        ts.tv_sec = (time_t)until;
        ts.tv_nsec = (long)((until - (double)ts.tv_sec) * 1e9);
        pthread_cond_timedwait(&e->cond, &e->lock, &ts);
    }
    for (unsigned i = 0; i < n && !r; i++)
        if (reqs[i].busy && reqs[i].done)
            r = &reqs[i];
    e->ndone--;
    r->done = false;
    r->busy = false;
    pthread_mutex_unlock(&e->lock);
    return r;
}

/* Set the error of @r's failed phase (@ret a -errno), through the
 * endpoint that failed, which names itself and the operation. */
static void
fail(struct vrbd_endpoint *src, struct vrbd_endpoint *dst,
     const struct vrbd_request *r, int ret)
{
    struct vrbd_endpoint *ep = r->phase == PH_READ ? src : dst;

    ep->ops->error(ep,
                   r->phase == PH_READ    ? VRBD_OP_READ
                   : r->phase == PH_WRITE ? VRBD_OP_WRITE
                                          : VRBD_OP_ZERO,
                   ret, r->err_off);
}

/*
 * Where in @r's range the source cannot be read, after @r failed as a
 * whole with an I/O error: read again a block (VRBD_XFER_ALIGN) at a time,
 * the first that fails is where the bad data is (a bad sector), which the
 * request's start, up to a chunk before it, is not.  A stream cannot be
 * read again; a block that reads now (the fault passed) leaves the
 * request's start.  Only on the way out of a failure, on the engine's
 * thread: at most a chunk's worth of small reads.
 */
static uint64_t
first_bad(struct vrbd_endpoint *src, const struct vrbd_request *r)
{
    CLEANUP_FREE char *b = NULL;

    if (src->stream || r->ret != -EIO)
        return r->off;
    b = xmemalign(VRBD_XFER_ALIGN, VRBD_XFER_ALIGN);
    for (uint64_t o = r->off; o < r->off + r->len;) {
        uint64_t to = (o / VRBD_XFER_ALIGN + 1) * VRBD_XFER_ALIGN;
        size_t len =
            (size_t)((to < r->off + r->len ? to : r->off + r->len) - o);

        if (vrbd_endpoint_pread(src, b, len, o) == -EIO)
            return o;
        o += len;
    }
    return r->off;
}

/* Start @r in its phase; on failure the error is set. */
static int
start(struct vrbd_endpoint *src, struct vrbd_endpoint *dst,
      struct vrbd_request *r)
{
    struct vrbd_endpoint *ep = r->phase == PH_READ ? src : dst;
    int ret;

    r->busy = true;
    r->done = false;
    r->err_off = r->off;
    ret = r->phase == PH_READ    ? ep->ops->read(ep, r)
          : r->phase == PH_WRITE ? ep->ops->write(ep, r)
                                 : ep->ops->zero(ep, r);
    if (ret < 0) {
        r->busy = false;
        fail(src, dst, r, ret);
    }
    return ret;
}

static bool
all_zero(const char *buf, size_t len)
{
    static const char zero[4096];

    while (len >= sizeof(zero)) {
        if (memcmp(buf, zero, sizeof(zero)) != 0)
            return false;
        buf += sizeof(zero);
        len -= sizeof(zero);
    }
    return memcmp(buf, zero, len) == 0;
}

/* Below what offset everything issued has ended: the lowest offset still
 * in flight, else the next to issue. */
static uint64_t
low_water(const struct vrbd_request *reqs, unsigned n, uint64_t next)
{
    uint64_t low = next;

    for (unsigned i = 0; i < n; i++)
        if (reqs[i].busy && reqs[i].off < low)
            low = reqs[i].off;
    return low;
}

size_t
vrbd_xfer_chunk(size_t obj_size)
{
    return obj_size && obj_size < VRBD_XFER_CHUNK ? obj_size : VRBD_XFER_CHUNK;
}

/* the state of one run, for the helpers below */
struct run {
    struct vrbd_endpoint *src, *dst;
    const struct vrbd_xfer *x;
    vrbd_copy_stats *stats;
    struct vrbd_request *reqs;
    unsigned n;
    uint64_t done, since;
    double checked; /* when the last checkpoint was */
    uint64_t load;  /* the weight of what is in flight */
    size_t chunk;
    char **pool; /* chunk buffers not in use */
    unsigned npool;
    /* the loop: the source's extent [ext_start, ext_end) being cut into
     * requests, at @off */
    struct vrbd_engine *e;
    uint64_t off, ext_start, ext_end;
    bool data, more;
    int err;            /* of the source's extent map */
    uint64_t seq, wseq; /* the next request's number; the next to write
                         * to a stream */
    unsigned inflight;
    uint64_t safe; /* after a failure: below it all is on the target */
};

/* a chunk buffer: one given back, else a new one */
static char *
buf_get(struct run *u)
{
    return u->npool ? u->pool[--u->npool]
                    : xmemalign(VRBD_XFER_ALIGN, u->chunk);
}

/* @r is done with its chunk buffer (if it holds one) */
static void
buf_put(struct run *u, struct vrbd_request *r)
{
    if (r->buf)
        u->pool[u->npool++] = r->buf;
    r->buf = NULL;
}

/* Pieces holding half their chunk or less are packed into @r's small
 * buffer, and the chunk buffer goes back for the next read: data cut
 * small keeps many writes in flight without a chunk for each. */
static void
pack(struct run *u, struct vrbd_request *r, unsigned n)
{
    size_t at = 0;

    if (r->written > r->len / 2)
        return;
    if (r->small_cap < r->written) {
        free(r->small);
        r->small = xmalloc(r->written);
        r->small_cap = r->written;
    }
    for (unsigned i = 0; i < n; i++) {
        struct vrbd_request *p = &r->pieces[i];

        if (p->phase != PH_WRITE)
            continue;
        memcpy(r->small + at, p->buf, p->len);
        p->buf = r->small + at;
        at += p->len;
    }
    buf_put(u, r);
}

/* @r, just started in its phase, counts against the bytes in flight: a
 * read its length, a write what it writes, zeroing a grain */
static void
weigh(struct run *u, struct vrbd_request *r)
{
    r->weight = r->phase == PH_READ    ? r->len
                : r->phase == PH_WRITE ? r->written
                                       : VRBD_XFER_GRAIN;
    if (r->weight < VRBD_XFER_GRAIN)
        r->weight = VRBD_XFER_GRAIN;
    u->load += r->weight;
}

/* @r ended: give its buffer back, count it, report progress,
 * checkpoint now and then */
static void
account(struct run *u, struct vrbd_request *r, uint64_t next_off)
{
    const struct vrbd_xfer *x = u->x;

    buf_put(u, r);
    u->done += r->len;
    u->since += r->len;
    if (x->progress)
        x->progress(x->start + u->done, x->total, x->opaque);
    if (x->checkpoint && u->since >= x->checkpoint_every &&
        (x->checkpoint_gap <= 0 ||
         vrbd_now() - u->checked >= x->checkpoint_gap)) {
        u->since = 0;
        u->checked = vrbd_now();
        x->checkpoint(low_water(u->reqs, u->n, next_off), x->checkpoint_opaque);
    }
}

/* add the piece [@from, @to) of @r's buffer, written or zeroed */
static unsigned
add_piece(struct vrbd_request *r, unsigned n, int phase, size_t from, size_t to)
{
    r->pieces[n] = (struct vrbd_request){.buf = r->buf + from,
                                         .off = r->off + from,
                                         .len = to - from,
                                         .phase = phase,
                                         .engine = r->engine,
                                         .parent = r};
    if (phase == PH_WRITE)
        r->written += to - from;
    else
        r->zeroed += to - from;
    return n + 1;
}

/* the zero run [@zfrom, @zto) of @r ended: cut it out of the data from
 * *@dfrom (left out on a @fresh destination, zeroed otherwise) if it is
 * worth a request of its own, else it stays with the data */
static unsigned
cut_zeros(struct vrbd_request *r, unsigned n, size_t *dfrom, size_t zfrom,
          size_t zto, size_t gap, bool fresh)
{
    bool whole = zfrom == 0 && zto == r->len;
    bool edge = zfrom == 0 || zto == r->len;

    if (!whole && zto - zfrom < gap && !(fresh && edge))
        return n;
    if (zfrom > *dfrom)
        n = add_piece(r, n, PH_WRITE, *dfrom, zfrom);
    if (!fresh)
        n = add_piece(r, n, PH_ZERO, zfrom, zto);
    *dfrom = zto;
    return n;
}

/* Cut what was read into @r into pieces around its zero runs (grains
 * aligned on the image; see VRBD_XFER_GAP for which runs, @gap the
 * destination's): how many pieces, r->written and r->zeroed what they
 * write and zero. */
static unsigned
find_pieces(struct vrbd_request *r, size_t chunk, size_t gap, bool fresh)
{
    const size_t g = VRBD_XFER_GRAIN;
    size_t dfrom = 0, zfrom = 0, step;
    bool in_zeros = false;
    unsigned n = 0;

    if (!r->pieces) /* zero runs of a gap or more, the data between */
        r->pieces = xcalloc(2 * (chunk / gap) + 3, sizeof(*r->pieces));
    r->written = r->zeroed = 0;
    for (size_t at = 0; at < r->len; at += step) {
        bool zero;

        step = g - (size_t)((r->off + at) % g);
        if (step > r->len - at)
            step = r->len - at;
        zero = all_zero(r->buf + at, step);
        if (zero && !in_zeros)
            zfrom = at;
        else if (!zero && in_zeros)
            n = cut_zeros(r, n, &dfrom, zfrom, at, gap, fresh);
        in_zeros = zero;
    }
    if (in_zeros)
        n = cut_zeros(r, n, &dfrom, zfrom, r->len, gap, fresh);
    if (dfrom < r->len)
        n = add_piece(r, n, PH_WRITE, dfrom, r->len);
    return n;
}

/* Start the @n pieces of @r at once; @r ends when they all have, failed
 * if one did (one that cannot start stops the rest). */
static void
write_pieces(struct run *u, struct vrbd_request *r, unsigned n)
{
    struct vrbd_engine *e = r->engine;
    struct vrbd_endpoint *dst = u->dst;
    unsigned i = 0;
    int ret = 0;

    r->phase = PH_WRITE;
    r->busy = true;
    r->done = false;
    r->ret = 0;
    r->err_off = r->off;
    r->pending = n + 1; /* the guard: it cannot end while pieces start */
    /* weighed before any piece starts: one that fails rewrites r->phase
     * on its endpoint's thread, at any time from its start on */
    weigh(u, r);
    for (; i < n; i++) {
        struct vrbd_request *p = &r->pieces[i];

        ret = p->phase == PH_WRITE ? dst->ops->write(dst, p)
                                   : dst->ops->zero(dst, p);
        if (ret < 0)
            break;
    }
    pthread_mutex_lock(&e->lock);
    pieces_end(e, r, ret < 0 ? n - i + 1 : 1, ret,
               ret < 0 ? &r->pieces[i] : NULL);
    pthread_mutex_unlock(&e->lock);
}

/* @r was read: start writing it (1), or it is all zeros and needs no
 * write (0); -1 when the write could not start (the error set) */
static int
after_read(struct run *u, struct vrbd_request *r, size_t chunk)
{
    bool fresh = u->x->fresh;
    unsigned n;

    u->stats->data += r->len;
    if (u->dst->stream) {
        /* written whole, in order (it fills its gaps with zeros) */
        r->written = r->len;
        r->zeroed = 0;
        if (all_zero(r->buf, r->len)) {
            u->stats->zeroes += r->len;
            return 0;
        }
        r->phase = PH_WRITE;
        goto begin;
    }
    n = find_pieces(r, chunk, u->dst->gap ? u->dst->gap : VRBD_XFER_GAP, fresh);
    if (fresh)
        u->stats->zeroes += r->len - r->written;
    if (n == 0)
        return 0;
    if (n == 1 && r->pieces[0].len == r->len) { /* one request does */
        r->phase = r->pieces[0].phase;
        goto begin;
    }
    pack(u, r, n);
    write_pieces(u, r, n);
    return 1;

begin:
    if (start(u->src, u->dst, r) < 0)
        return -1;
    weigh(u, r);
    return 1;
}

/* the parked read that is next in order, or NULL */
static struct vrbd_request *
next_parked(struct run *u, uint64_t seq)
{
    for (unsigned i = 0; i < u->n; i++)
        if (u->reqs[i].parked && u->reqs[i].seq == seq)
            return &u->reqs[i];
    return NULL;
}

/* No request ended for @stall seconds: the error names the endpoint of the
 * oldest one still in flight, and where it was */
static void
stalled(struct vrbd_engine *e, struct vrbd_endpoint *src,
        struct vrbd_endpoint *dst, const struct vrbd_request *reqs, unsigned n,
        double stall)
{
    const struct vrbd_request *old = NULL;
    struct vrbd_request at;

    pthread_mutex_lock(&e->lock);
    for (unsigned i = 0; i < n; i++)
        if (reqs[i].busy && !reqs[i].done && !reqs[i].parked &&
            (!old || reqs[i].seq < old->seq))
            old = &reqs[i];
    if (old)
        at = (struct vrbd_request){.phase = old->phase, .err_off = old->off};
    pthread_mutex_unlock(&e->lock);
    if (!old) { /* cannot be: something was in flight */
        vrbd_error_set(VRBD_ERR_TIMEOUT, ETIMEDOUT, NULL,
                       "the transfer stalled for %.0f s", stall);
        return;
    }
    fail(src, dst, &at, -ETIMEDOUT);
}

/* The run gives up on what is still in flight: the requests that end
 * later free the engine and the run's memory (the last of them). */
static void
abandon(struct vrbd_engine *e, struct vrbd_request *reqs, unsigned n,
        char **pool, unsigned npool)
{
    bool last;

    pthread_mutex_lock(&e->lock);
    e->reqs = reqs;
    e->n = n;
    e->pool = pool;
    e->npool = npool;
    e->left = 0;
    for (unsigned i = 0; i < n; i++)
        if (reqs[i].busy && !reqs[i].done && !reqs[i].parked)
            e->left++;
    e->abandoned = true;
    last = e->left == 0;
    pthread_mutex_unlock(&e->lock);
    if (last)
        engine_free(e);
}

/* The next free request slot, or NULL (parked reads hold some). */
static struct vrbd_request *
free_slot(struct run *u)
{
    for (unsigned i = 0; i < u->n; i++)
        if (!u->reqs[i].busy)
            return &u->reqs[i];
    return NULL;
}

/*
 * Start requests while the bytes in flight allow, a slot is free and
 * extents are left.  0, or -1 when a request could not start (u->safe
 * set).
 */
static int
start_more(struct run *u, uint64_t budget)
{
    const struct vrbd_xfer *x = u->x;
    struct vrbd_endpoint *src = u->src, *dst = u->dst;

    while (u->more && !(x->cancel && *x->cancel) && u->load < budget) {
        struct vrbd_request *r;
        uint64_t cut, g;

        if (u->off >= u->ext_end) {
            u->more = src->ops->next_extent(src, u->off, &u->ext_start,
                                            &u->ext_end, &u->data, &u->err);
            if (!u->more)
                break;
            u->off = u->ext_start > u->off ? u->ext_start : u->off;
        }
        if (!u->data && dst->stream) { /* a gap the stream fills */
            u->off = u->ext_end;
            continue;
        }
        r = free_slot(u);
        if (!r)
            break;
        if (u->data)
            r->buf = buf_get(u);
        /* a range without data is zeroed a whole destination object at a
         * time where it covers one: librbd then removes the object
         * (whiteouts it under a snapshot), where two requests of half an
         * object each would leave it allocated, zeroed */
        g = !u->data && dst->obj_size > u->chunk ? dst->obj_size : u->chunk;
        cut = (u->off / g + 1) * g;
        r->off = u->off;
        r->len = (size_t)((u->ext_end < cut ? u->ext_end : cut) - u->off);
        r->phase = u->data ? PH_READ : PH_ZERO;
        r->seq = u->seq++;
        u->off += r->len;
        if (start(src, dst, r) < 0) {
            u->safe = low_water(u->reqs, u->n, r->off);
            return -1;
        }
        weigh(u, r);
        u->inflight++;
    }
    return 0;
}

/*
 * A read @r for a stream: parked, then every parked one whose turn it is
 * goes on to its write.  0, or -1 when one could not (u->safe set).
 */
static int
park_read(struct run *u, struct vrbd_request *r)
{
    int k;

    r->parked = true;
    r->busy = true; /* keeps its slot */
    u->inflight--;
    while ((r = next_parked(u, u->wseq))) {
        r->parked = false;
        r->busy = false;
        u->wseq++;
        u->inflight++;
        if ((k = after_read(u, r, u->chunk)) < 0) {
            u->inflight--;
            u->safe = low_water(u->reqs, u->n, r->off);
            return -1;
        }
        if (k == 0) {
            u->inflight--;
            account(u, r, u->off);
        }
    }
    return 0;
}

/*
 * What follows the end of @r: a failure reported, a read's write started
 * (or parked, for a stream), a write or zero counted.  0, or -1 when the
 * run must drain (u->safe set).
 */
static int
request_ended(struct run *u, struct vrbd_request *r)
{
    vrbd_copy_stats *stats = u->stats;
    int k;

    u->load -= r->weight;
    if (r->ret < 0) {
        u->inflight--;
        u->safe = low_water(u->reqs, u->n, u->off);
        u->safe = r->off < u->safe ? r->off : u->safe;
        if (r->phase == PH_READ)
            r->err_off = first_bad(u->src, r);
        fail(u->src, u->dst, r, (int)r->ret);
        return -1;
    }
    if (r->phase == PH_READ && u->dst->stream)
        return park_read(u, r);
    if (r->phase == PH_READ) {
        if ((k = after_read(u, r, u->chunk)) < 0) {
            u->inflight--;
            u->safe = low_water(u->reqs, u->n, u->off);
            u->safe = r->off < u->safe ? r->off : u->safe;
            return -1;
        }
        if (k > 0)
            return 0;
    } else if (r->phase == PH_WRITE) {
        stats->written += r->written;
        stats->discarded += r->zeroed;
    } else {
        stats->discarded += r->len;
    }
    u->inflight--;
    account(u, r, u->off);
    return 0;
}

/* After the last request: cancelled (-EINTR, the checkpoint told), or the
 * destination flushed (0, or -1 with the error set). */
static int
run_end(struct run *u)
{
    const struct vrbd_xfer *x = u->x;
    int err;

    if (x->cancel && *x->cancel) {
        if (x->checkpoint)
            x->checkpoint(u->off, x->checkpoint_opaque);
        return -EINTR;
    }
    err = u->dst->ops->flush(u->dst);
    if (err < 0) {
        u->dst->ops->error(u->dst, VRBD_OP_FLUSH, err, 0);
        return -1;
    }
    return 0;
}

int
vrbd_xfer_run(struct vrbd_endpoint *src, struct vrbd_endpoint *dst,
              const struct vrbd_xfer *x, vrbd_copy_stats *stats)
{
    unsigned depth = x->queue_depth ? x->queue_depth : VRBD_XFER_QUEUE_DEPTH;
    size_t chunk = x->chunk ? x->chunk : VRBD_XFER_CHUNK;
    /* a stream parks its reads in order: no more slots than the depth */
    unsigned n = dst->stream ? depth : depth * VRBD_XFER_SLOTS;
    uint64_t budget = (uint64_t)depth * chunk;
    struct run u = {.src = src,
                    .dst = dst,
                    .x = x,
                    .stats = stats,
                    .reqs = xcalloc(n, sizeof(struct vrbd_request)),
                    .n = n,
                    .chunk = chunk,
                    /* the first may come at once */
                    .checked = vrbd_now() - x->checkpoint_gap,
                    .pool = xcalloc(n, sizeof(char *)),
                    .e = xcalloc(1, sizeof(struct vrbd_engine)),
                    .off = x->start,
                    .data = true,
                    .more = true};
    int ret;

    engine_init(u.e);
    for (unsigned i = 0; i < n; i++)
        u.reqs[i].engine = u.e;
    for (;;) {
        struct vrbd_request *r;

        if (start_more(&u, budget) < 0)
            goto drain;
        if (u.err < 0) {
            u.safe = low_water(u.reqs, n, u.off);
            goto drain;
        }
        if (u.inflight == 0)
            break;
        r = wait_done(u.e, u.reqs, n, x->stall);
        if (!r) {
            stalled(u.e, src, dst, u.reqs, n, x->stall);
            goto abandon;
        }
        if (request_ended(&u, r) < 0)
            goto drain;
    }
    ret = run_end(&u);
    goto out;

drain:
    /* what is in flight ends before its buffer goes */
    while (u.inflight > 0) {
        if (!wait_done(u.e, u.reqs, n, x->stall))
            goto abandon;
        u.inflight--;
    }
    if (x->checkpoint)
        x->checkpoint(u.safe, x->checkpoint_opaque);
    ret = -1;
out:
    free_run(u.reqs, n, u.pool, u.npool);
    engine_fini(u.e);
    free(u.e);
    return ret;

abandon:
    /* no checkpoint: what does not answer would hold it too */
    abandon(u.e, u.reqs, n, u.pool, u.npool);
    return -ETIMEDOUT;
}

int
vrbd_endpoint_pread(struct vrbd_endpoint *ep, void *buf, size_t len,
                    uint64_t off)
{
    struct vrbd_engine e;
    struct vrbd_request r = {
        .buf = buf, .off = off, .len = len, .engine = &e, .busy = true};
    int ret;

    engine_init(&e);
    ret = ep->ops->read(ep, &r);
    if (ret == 0) {
        wait_done(&e, &r, 1, 0);
        ret = (int)r.ret;
    }
    engine_fini(&e);
    return ret;
}

int
vrbd_xfer_verify(struct vrbd_endpoint *src, struct vrbd_endpoint *dst,
                 size_t chunk)
{
    CLEANUP_FREE char *a = xmemalign(VRBD_XFER_ALIGN, chunk);
    CLEANUP_FREE char *b = xmemalign(VRBD_XFER_ALIGN, chunk);
    uint64_t off = 0, s, end;
    bool data;
    int err = 0, r;

    while (src->ops->next_extent(src, off, &s, &end, &data, &err)) {
        for (uint64_t o = s; o < end;) {
            size_t len = (size_t)(end - o < chunk ? end - o : chunk);

            if ((r = vrbd_endpoint_pread(src, a, len, o)) < 0) {
                src->ops->error(src, VRBD_OP_READ, r, o);
                return -1;
            }
            if ((r = vrbd_endpoint_pread(dst, b, len, o)) < 0) {
                dst->ops->error(dst, VRBD_OP_READ, r, o);
                return -1;
            }
            if (memcmp(a, b, len) != 0)
                return vrbd_error_set(
                    VRBD_ERR_IO, EIO, "run it again",
                    "verification failed: '%s' differs from '%s' at byte %llu",
                    dst->name, src->name, (unsigned long long)o);
            o += len;
        }
        off = end;
    }
    return err < 0 ? -1 : 0;
}
