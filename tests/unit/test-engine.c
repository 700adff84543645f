/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-engine.c: the data mover's transfer loop (lib/mover/engine.c)
 * between two in-memory endpoints whose requests end on other threads,
 * out of order, as librbd's do: what lands where, what is skipped, how
 * requests are cut, how many are in flight, and that a failure or a
 * cancel returns only once nothing is in flight.  (The real endpoints are
 * tested against the lab in tests/integration.)
 *
 * No check depends on how threads are scheduled.  An endpoint ends its
 * requests at once (MEM_SYNC), on threads of its own in random order
 * (MEM_ASYNC), or holds them (MEM_HELD) until the test ends them in the
 * order it chooses or lets them go: a test that counts what is in flight
 * waits, under a deadline, for the state the engine must reach (so many
 * requests held, an error reported) while the transfer runs on a thread
 * of its own, and then checks what the engine issued.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "endpoint.h"
#include "engine.h"
#include "harness.h"
#include "internal.h"

#define MiB (1024u * 1024u)
#define KiB 1024u

/* The states a test waits for come within milliseconds; the deadline is
 * far above that for a loaded machine and the sanitizers, and past it the
 * test fails instead of hanging. */
#define WAIT_SECONDS 10

/* how a mem endpoint ends the requests started on it */
enum mem_mode {
    MEM_SYNC,  /* at once, on the engine's thread, before the start returns */
    MEM_ASYNC, /* on its own threads, in random order, as librbd does */
    MEM_HELD,  /* when the test ends them (mem_end) or lets them go */
};

#define COMPLETERS 2

/* a request started and not yet taken to be ended */
struct pending {
    struct vrbd_request *r;
    enum vrbd_op op;
};

struct mem {
    struct vrbd_endpoint ep; /* first: the engine hands this back */
    char *data;
    struct vrbd_extent *ext;
    size_t n_ext;
    uint64_t fail_write_at; /* UINT64_MAX: none */
    uint64_t fail_read_at;  /* a read of this byte fails; UINT64_MAX: none */
    uint64_t fail_start_at; /* a write here cannot start; UINT64_MAX: none */
    size_t chunk;
    /* the rest changes on the engine's, the completers' and the test's
     * threads, under @lock; @changed is broadcast on every change */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    enum mem_mode mode;
    struct pending *queue; /* in the order they started */
    size_t nq, cap;
    unsigned seed; /* the completers' random order */
    bool quit;
    pthread_t completers[COMPLETERS];
    unsigned started; /* requests started */
    unsigned errors;  /* failures the engine reported through ->error */
    int inflight, max_inflight;
    uint64_t inflight_bytes, max_inflight_bytes; /* of reads and writes */
    bool crossed;  /* a request crossed a multiple of the chunk */
    uint64_t pos;  /* a stream: where the next write must start, or later */
    bool disorder; /* a stream got a write before an earlier one */
    uint64_t zeroed;
    unsigned zeros;  /* zeroing requests started */
    bool zero_split; /* one zeroed part of an object it could have whole */
    unsigned writes; /* writes that ended */
    bool wasteful;   /* a write held zeros it could have left out */
    const uint64_t *zero_ends; /* where zero ranges end: may end there */
    size_t n_zero_ends;
};

static bool
grain_is_zero(const char *p)
{
    static const char zero[VRBD_XFER_GRAIN];

    return memcmp(p, zero, sizeof(zero)) == 0;
}

/* does the write @r hold zeros it could have left out: a whole aligned
 * grain of them at either end, or a run of VRBD_XFER_GAP inside? */
static bool
wasteful(const struct vrbd_request *r)
{
    const uint64_t g = VRBD_XFER_GRAIN;
    uint64_t first = (r->off + g - 1) / g * g, run = 0;

    for (uint64_t o = first; o + g <= r->off + r->len; o += g) {
        bool zero = grain_is_zero(r->buf + (o - r->off));

        if (zero && (o == r->off || o + g == r->off + r->len))
            return true;
        run = zero ? run + g : 0;
        if (run >= VRBD_XFER_GAP)
            return true;
    }
    return false;
}

/* End @r: do what it asks, then report it (any thread: @m's lock keeps
 * the completers ending requests at once from racing on its state) */
static void
finish(struct mem *m, struct vrbd_request *r, enum vrbd_op op)
{
    ssize_t ret = 0;

    pthread_mutex_lock(&m->lock);
    if (op == VRBD_OP_READ && r->off <= m->fail_read_at &&
        m->fail_read_at - r->off < r->len)
        ret = -EIO;
    else if (op == VRBD_OP_READ)
        memcpy(r->buf, m->data + r->off, r->len);
    else if (op == VRBD_OP_WRITE && r->off == m->fail_write_at)
        ret = -EIO;
    else if (m->ep.stream && r->off < m->pos)
        m->disorder = true;
    else if (op == VRBD_OP_WRITE) {
        memcpy(m->data + r->off, r->buf, r->len);
        if (wasteful(r))
            m->wasteful = true;
    } else
        memset(m->data + r->off, 0, r->len);
    /* counted out before it is reported: once the last one is, the
     * transfer may return, and then nothing may be in flight */
    m->inflight--;
    if (op != VRBD_OP_ZERO)
        m->inflight_bytes -= r->len;
    if (m->ep.stream && op != VRBD_OP_READ)
        m->pos = r->off + r->len;
    if (op == VRBD_OP_ZERO)
        m->zeroed += r->len;
    if (op == VRBD_OP_WRITE)
        m->writes++;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
    vrbd_request_done(r, ret);
}

/* take the @i-th pending request (@m's lock held) */
static struct pending
take(struct mem *m, size_t i)
{
    struct pending p = m->queue[i];

    memmove(&m->queue[i], &m->queue[i + 1],
            (m->nq - i - 1) * sizeof(*m->queue));
    m->nq--;
    pthread_cond_broadcast(&m->changed);
    return p;
}

/* MEM_ASYNC: end what is pending, picked at random, so that requests end
 * out of order and on more than one thread */
static void *
completer(void *arg)
{
    struct mem *m = arg;

    pthread_mutex_lock(&m->lock);
    while (!m->quit) {
        struct pending p;

        if (m->mode != MEM_ASYNC || m->nq == 0) {
            /* no deadline: this is idling until work or mem_fini, not a
             * state a test waits for */
            pthread_cond_wait(&m->changed, &m->lock);
            continue;
        }
        p = take(m, (size_t)rand_r(&m->seed) % m->nq);
        pthread_mutex_unlock(&m->lock);
        finish(m, p.r, p.op);
        pthread_mutex_lock(&m->lock);
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

/* does a range without data of @m's source layout end at @off? */
static bool
zero_ends_here(const struct mem *m, uint64_t off)
{
    for (size_t i = 0; i < m->n_zero_ends; i++)
        if (m->zero_ends[i] == off)
            return true;
    return false;
}

static int
mem_start(struct vrbd_endpoint *ep, struct vrbd_request *r, enum vrbd_op op)
{
    struct mem *m = (struct mem *)ep;
    bool now;

    if (op == VRBD_OP_WRITE && r->off == m->fail_start_at)
        return -EIO;
    pthread_mutex_lock(&m->lock);
    m->started++;
    if (++m->inflight > m->max_inflight)
        m->max_inflight = m->inflight;
    if (op != VRBD_OP_ZERO &&
        (m->inflight_bytes += r->len) > m->max_inflight_bytes)
        m->max_inflight_bytes = m->inflight_bytes;
    if (m->chunk && r->off / m->chunk != (r->off + r->len - 1) / m->chunk)
        m->crossed = true;
    if (op == VRBD_OP_ZERO) {
        size_t o = m->ep.obj_size;

        m->zeros++;
        /* stopped short of its object's end, or crossed into the next */
        if (o && r->off / o != (r->off + r->len - 1) / o)
            m->zero_split = true;
        if (o && (r->off + r->len) % o && !zero_ends_here(m, r->off + r->len))
            m->zero_split = true;
    }
    now = m->mode == MEM_SYNC;
    if (!now) {
        if (m->nq == m->cap) {
            m->cap = m->cap ? 2 * m->cap : 64;
            m->queue = xreallocarray(m->queue, m->cap, sizeof(*m->queue));
        }
        m->queue[m->nq++] = (struct pending){r, op};
    }
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
    if (now)
        finish(m, r, op);
    return 0;
}

static int
mem_read(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    return mem_start(ep, r, VRBD_OP_READ);
}

static int
mem_write(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    return mem_start(ep, r, VRBD_OP_WRITE);
}

static int
mem_zero(struct vrbd_endpoint *ep, struct vrbd_request *r)
{
    return mem_start(ep, r, VRBD_OP_ZERO);
}

static int
mem_flush(struct vrbd_endpoint *ep)
{
    return 0;
}

static bool
mem_next(struct vrbd_endpoint *ep, uint64_t off, uint64_t *start, uint64_t *end,
         bool *data, int *err)
{
    struct mem *m = (struct mem *)ep;

    *err = 0;
    for (size_t i = 0; i < m->n_ext; i++)
        if (m->ext[i].off + m->ext[i].len > off) {
            *start = m->ext[i].off > off ? m->ext[i].off : off;
            *end = m->ext[i].off + m->ext[i].len;
            *data = m->ext[i].data;
            return true;
        }
    return false;
}

static void
mem_error(struct vrbd_endpoint *ep, enum vrbd_op op, int ret, uint64_t off)
{
    struct mem *m = (struct mem *)ep;

    vrbd_error_set(VRBD_ERR_IO, -ret, NULL, "mem: op %d failed at %llu",
                   (int)op, (unsigned long long)off);
    pthread_mutex_lock(&m->lock);
    m->errors++;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
}

static const struct vrbd_endpoint_ops mem_ops = {
    .next_extent = mem_next,
    .read = mem_read,
    .write = mem_write,
    .zero = mem_zero,
    .flush = mem_flush,
    .error = mem_error,
};

/* a condition variable whose deadlines are on the monotonic clock */
static void
cond_init(pthread_cond_t *c)
{
    pthread_condattr_t a;

    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
}

static struct timespec
deadline(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += WAIT_SECONDS;
    return t;
}

static void
mem_init(struct mem *m, const char *name, size_t size, enum mem_mode mode)
{
    memset(m, 0, sizeof(*m));
    m->ep.ops = &mem_ops;
    m->ep.name = (char *)name;
    m->ep.size = size;
    m->data = calloc(1, size);
    m->mode = mode;
    m->seed = 1;
    m->fail_write_at = UINT64_MAX;
    m->fail_read_at = UINT64_MAX;
    m->fail_start_at = UINT64_MAX;
    pthread_mutex_init(&m->lock, NULL);
    cond_init(&m->changed);
    if (mode != MEM_SYNC)
        for (unsigned i = 0; i < COMPLETERS; i++)
            if (pthread_create(&m->completers[i], NULL, completer, m) != 0)
                abort();
}

/* Every test ends with this, whatever failed before (CHECK, never
 * REQUIRE, once it has endpoints): their completer threads wait on them,
 * on the test's stack. */
static void
mem_fini(struct mem *m)
{
    pthread_mutex_lock(&m->lock);
    m->quit = true;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
    if (m->mode != MEM_SYNC)
        for (unsigned i = 0; i < COMPLETERS; i++)
            pthread_join(m->completers[i], NULL);
    free(m->queue);
    free(m->data);
    pthread_cond_destroy(&m->changed);
    pthread_mutex_destroy(&m->lock);
}

/* what @m counts now, while its requests may be ending */
struct counts {
    size_t held;
    unsigned started, errors;
};

static struct counts
mem_now(struct mem *m)
{
    struct counts c;

    pthread_mutex_lock(&m->lock);
    c = (struct counts){m->nq, m->started, m->errors};
    pthread_mutex_unlock(&m->lock);
    return c;
}

/* the offset of the @i-th request @m holds (in the order they started),
 * UINT64_MAX when it holds fewer */
static uint64_t
mem_held_off(struct mem *m, size_t i)
{
    uint64_t off;

    pthread_mutex_lock(&m->lock);
    off = i < m->nq ? m->queue[i].r->off : UINT64_MAX;
    pthread_mutex_unlock(&m->lock);
    return off;
}

/* for mem_wait: @m holds @n requests or more */
static bool
held(const struct mem *m, size_t n)
{
    return m->nq >= n;
}

/* for mem_wait: the engine reported @n failures on @m or more */
static bool
failed(const struct mem *m, size_t n)
{
    return m->errors >= n;
}

/* Wait until @until(@m, @n): false when it is not so by the deadline. */
static bool
mem_wait(struct mem *m, bool (*until)(const struct mem *, size_t), size_t n)
{
    struct timespec t = deadline();
    bool ok;
    int err = 0;

    pthread_mutex_lock(&m->lock);
    while (!(ok = until(m, n)) && err != ETIMEDOUT)
        err = pthread_cond_timedwait(&m->changed, &m->lock, &t);
    pthread_mutex_unlock(&m->lock);
    return ok;
}

/* End the request @m holds at @off, on the test's thread: false when it
 * holds none there. */
static bool
mem_end(struct mem *m, uint64_t off)
{
    struct pending p;
    size_t i;

    pthread_mutex_lock(&m->lock);
    for (i = 0; i < m->nq && m->queue[i].r->off != off; i++)
        ;
    if (i == m->nq) {
        pthread_mutex_unlock(&m->lock);
        return false;
    }
    p = take(m, i);
    pthread_mutex_unlock(&m->lock);
    finish(m, p.r, p.op);
    return true;
}

/* A MEM_HELD endpoint lets go: what it holds and what starts from now on
 * ends as with MEM_ASYNC. */
static void
mem_let_go(struct mem *m)
{
    pthread_mutex_lock(&m->lock);
    if (m->mode == MEM_HELD)
        m->mode = MEM_ASYNC;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
}

/* a transfer on a thread of its own, so that the test's thread can end
 * the requests it holds; what it returned */
struct transfer {
    struct mem *s, *d;
    struct vrbd_xfer x;
    vrbd_copy_stats st;
    int ret;
    char error[256]; /* its error message: errors are per thread */
    int inflight;    /* on either side when it returned */
    bool returned;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
};

/* run_end's result for a transfer that did not return by the deadline */
#define NO_RETURN INT_MIN

static void *
transfer_main(void *arg)
{
    struct transfer *t = arg;
    int ret = vrbd_xfer_run(&t->s->ep, &t->d->ep, &t->x, &t->st);
    int inflight;

    pthread_mutex_lock(&t->s->lock);
    inflight = t->s->inflight;
    pthread_mutex_unlock(&t->s->lock);
    pthread_mutex_lock(&t->d->lock);
    inflight += t->d->inflight;
    pthread_mutex_unlock(&t->d->lock);
    pthread_mutex_lock(&t->lock);
    t->ret = ret;
    t->inflight = inflight;
    snprintf(t->error, sizeof(t->error), "%s", vrbd_error_last()->message);
    /* the message is the thread's, and would go with it unfreed */
    vrbd_error_clear();
    t->returned = true;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

static void
run_begin(struct transfer *t, struct mem *s, struct mem *d,
          const struct vrbd_xfer *x)
{
    memset(t, 0, sizeof(*t));
    t->s = s;
    t->d = d;
    t->x = *x;
    pthread_mutex_init(&t->lock, NULL);
    cond_init(&t->cond);
    if (pthread_create(&t->thread, NULL, transfer_main, t) != 0)
        abort();
}

static bool
run_wait(struct transfer *t)
{
    struct timespec dl = deadline();
    bool ok;
    int err = 0;

    pthread_mutex_lock(&t->lock);
    while (!(ok = t->returned) && err != ETIMEDOUT)
        err = pthread_cond_timedwait(&t->cond, &t->lock, &dl);
    pthread_mutex_unlock(&t->lock);
    return ok;
}

/*
 * Wait for the transfer to return: what it returned, or NO_RETURN when it
 * did not by the deadline.  Then what its endpoints hold is let go, so that
 * it returns before they go; if even then it does not, its buffers cannot
 * be freed and the program bails out.
 */
static int
run_end(struct transfer *t)
{
    bool ok = run_wait(t);

    if (!ok) {
        mem_let_go(t->s);
        mem_let_go(t->d);
        if (!run_wait(t)) {
            printf("Bail out! a transfer did not return in %d s\n",
                   2 * WAIT_SECONDS);
            fflush(stdout);
            _exit(1);
        }
    }
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    return ok ? t->ret : NO_RETURN;
}

/* a whole transfer, its requests ended as its endpoints' modes say */
static int
run(struct transfer *t, struct mem *s, struct mem *d, const struct vrbd_xfer *x)
{
    run_begin(t, s, d, x);
    return run_end(t);
}

/* 16 MiB: data [0, 5M) with zeros at [2M, 4M), data [8M+100, 9M+7),
 * a range without data at [12M, 13M) */
static struct vrbd_extent layout[] = {
    {0, 5 * MiB, true},
    {8 * MiB + 100, MiB - 93, true},
    {12 * MiB, MiB, false},
};

static void
fill_source(struct mem *s)
{
    srand(7);
    for (size_t i = 0; i < s->ep.size; i++)
        s->data[i] = (char)(rand() | 1); /* never zero */
    memset(s->data + 2 * MiB, 0, 2 * MiB);
    memset(s->data + 12 * MiB, 0, MiB); /* what it reads as there */
    s->ext = layout;
    s->n_ext = sizeof(layout) / sizeof(layout[0]);
}

/* the destination equals the source inside every extent */
static bool
same_in_extents(const struct mem *s, const struct mem *d)
{
    for (size_t i = 0; i < s->n_ext; i++)
        if (memcmp(s->data + s->ext[i].off, d->data + s->ext[i].off,
                   s->ext[i].len) != 0)
            return false;
    return true;
}

TEST(fresh_destination_gets_the_data_and_no_zeros)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 4, .chunk = MiB, .fresh = true};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_HELD);
    mem_init(&d, "dst", 16 * MiB, MEM_ASYNC);
    fill_source(&s);
    s.chunk = d.chunk = MiB;
    run_begin(&t, &s, &d, &x);
    /* four chunks' worth of reads in flight at once, the depth */
    CHECK(mem_wait(&s, held, 4));
    for (unsigned i = 0; i < 4; i++)
        CHECK_U64(mem_held_off(&s, i), i * MiB);
    CHECK_U64(mem_now(&s).started, 4);
    mem_let_go(&s);
    CHECK(run_end(&t) == 0);
    CHECK(same_in_extents(&s, &d));
    /* outside the extents nothing was written */
    CHECK(d.data[6 * MiB] == 0 && d.data[8 * MiB + 99] == 0 &&
          d.data[9 * MiB + 7] == 0);
    CHECK_U64(t.st.data, 5 * MiB + MiB - 93);
    CHECK_U64(t.st.zeroes, 2 * MiB);
    CHECK_U64(t.st.written, 3 * MiB + MiB - 93);
    CHECK_U64(t.st.discarded, MiB); /* the range without data is zeroed */
    CHECK(!s.crossed && !d.crossed);
    CHECK(s.max_inflight >= 4);
    /* four chunks' worth in flight, and the start of one more */
    CHECK(s.max_inflight_bytes + d.max_inflight_bytes < 2 * 5 * MiB);
    CHECK(s.max_inflight_bytes < 5 * MiB && d.max_inflight_bytes < 5 * MiB);
    CHECK(t.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(existing_destination_gets_zeros_written)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 3, .chunk = MiB, .fresh = false};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 16 * MiB, MEM_ASYNC);
    fill_source(&s);
    memset(d.data, 0xaa, 16 * MiB);
    CHECK(run(&t, &s, &d, &x) == 0);
    CHECK(same_in_extents(&s, &d));
    CHECK_U64(t.st.zeroes, 0);
    CHECK_U64(t.st.discarded, 3 * MiB);
    CHECK_U64(d.zeroed, 3 * MiB);
    /* outside the extents the old data stays */
    CHECK((unsigned char)d.data[6 * MiB] == 0xaa);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(synchronous_endpoints_work_with_the_default_settings)
{
    struct mem s, d;
    struct vrbd_xfer x = {.fresh = true};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_SYNC);
    mem_init(&d, "dst", 16 * MiB, MEM_SYNC);
    fill_source(&s);
    s.chunk = VRBD_XFER_CHUNK;
    CHECK(run(&t, &s, &d, &x) == 0);
    CHECK(same_in_extents(&s, &d));
    CHECK(!s.crossed);
    CHECK(vrbd_xfer_verify(&s.ep, &d.ep, MiB) == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(a_failed_write_stops_it_with_nothing_in_flight)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 8, .chunk = 256 * 1024, .fresh = true};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 16 * MiB, MEM_HELD);
    fill_source(&s);
    d.fail_write_at = MiB;
    run_begin(&t, &s, &d, &x);
    /* the depth's worth of writes in flight, the failing one among them;
     * it ends first */
    CHECK(mem_wait(&d, held, 8));
    CHECK(mem_end(&d, MiB));
    CHECK(mem_wait(&d, failed, 1));
    /* from the failure on, nothing more starts */
    CHECK_U64(mem_now(&s).started, 8);
    CHECK_U64(mem_now(&d).started, 8);
    mem_let_go(&d);
    CHECK(run_end(&t) == -1);
    CHECK_STR(t.error, "mem: op 1 failed at 1048576");
    /* every request ended before the buffers went */
    CHECK(t.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

/* for mem_wait: nothing of @m's is in flight (@n unused) */
static bool
drained(const struct mem *m, size_t n)
{
    return m->inflight == 0;
}

TEST(a_stall_gives_up_and_the_late_ends_free_the_run)
{
    struct mem s, d;
    struct vrbd_xfer x = {
        .queue_depth = 4, .chunk = 256 * 1024, .fresh = true, .stall = 0.2};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 16 * MiB, MEM_HELD);
    fill_source(&s);
    run_begin(&t, &s, &d, &x);
    CHECK(mem_wait(&d, held, 4));
    /* nothing ends: it gives up by itself, its writes still out, and
     * names the oldest */
    CHECK(run_wait(&t));
    CHECK(t.ret == -ETIMEDOUT);
    CHECK(t.inflight >= 4);
    CHECK_STR(t.error, "mem: op 1 failed at 0");
    /* they end later, into the run's buffers, and the last frees them
     * (LeakSanitizer and ThreadSanitizer watch) */
    mem_let_go(&d);
    CHECK(mem_wait(&d, drained, 0));
    CHECK(run_end(&t) == -ETIMEDOUT);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(a_failed_read_names_the_block_that_failed)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 4, .chunk = 2 * MiB, .fresh = true};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 16 * MiB, MEM_ASYNC);
    fill_source(&s);
    /* inside the request that reads [2 MiB, 4 MiB): read again a block at
     * a time, the error names the block, not where the request began */
    s.fail_read_at = 3 * MiB + 12345;
    run_begin(&t, &s, &d, &x);
    CHECK(run_end(&t) == -1);
    CHECK_STR(t.error, "mem: op 0 failed at 3158016");
    CHECK(t.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

static volatile int stop;

static void
cancel_after_a_while(uint64_t done, uint64_t total, void *opaque)
{
    if (done >= 2 * MiB)
        stop = 1;
}

TEST(a_cancel_drains_and_says_so)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 4,
                          .chunk = 256 * 1024,
                          .fresh = true,
                          .cancel = &stop,
                          .progress = cancel_after_a_while};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 16 * MiB, MEM_ASYNC);
    fill_source(&s);
    stop = 0;
    CHECK(run(&t, &s, &d, &x) == -EINTR);
    CHECK(t.st.data < 5 * MiB);
    CHECK(t.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(verify_names_the_first_differing_byte)
{
    struct mem s, d;
    struct vrbd_xfer x = {.fresh = true};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 16 * MiB, MEM_ASYNC);
    fill_source(&s);
    CHECK(run(&t, &s, &d, &x) == 0);
    CHECK(vrbd_xfer_verify(&s.ep, &d.ep, MiB) == 0);
    d.data[8 * MiB + 4242] ^= 1;
    CHECK(vrbd_xfer_verify(&s.ep, &d.ep, MiB) == -1);
    CHECK_STR(vrbd_error_last()->message,
              "verification failed: 'dst' differs from 'src' at byte 8388708");
    mem_fini(&s);
    mem_fini(&d);
}

struct marks {
    uint64_t last;
    unsigned n;
    bool backwards;
};

static void
on_checkpoint(uint64_t safe, void *opaque)
{
    struct marks *m = opaque;

    if (m->n && safe < m->last)
        m->backwards = true;
    m->last = safe;
    m->n++;
}

/* the destination equals the source below @upto, inside the extents */
static bool
same_below(const struct mem *s, const struct mem *d, uint64_t upto)
{
    for (size_t i = 0; i < s->n_ext; i++) {
        uint64_t a = s->ext[i].off, b = a + s->ext[i].len;

        if (b > upto)
            b = upto;
        if (a < b && memcmp(s->data + a, d->data + a, b - a) != 0)
            return false;
    }
    return true;
}

/* a transfer whose second extent's first write fails, checkpointed
 * every 256 KiB but no sooner than @gap seconds apart: the last word,
 * after the drain, is not past the failed write, and everything below it
 * is there */
static void
fail_checkpointed(double gap, struct marks *m)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 8,
                          .chunk = 128 * 1024,
                          .fresh = true,
                          .checkpoint = on_checkpoint,
                          .checkpoint_opaque = m,
                          .checkpoint_every = 256 * 1024,
                          .checkpoint_gap = gap};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 16 * MiB, MEM_ASYNC);
    fill_source(&s);
    d.fail_write_at = 8 * MiB + 100;
    CHECK(run(&t, &s, &d, &x) == -1);
    CHECK(m->last <= 8 * MiB + 100);
    CHECK(same_below(&s, &d, m->last));
    mem_fini(&s);
    mem_fini(&d);
}

TEST(checkpoints_say_what_is_safe_after_a_failure)
{
    struct marks m = {0};

    fail_checkpointed(0, &m);
    CHECK(m.n > 2);
    CHECK(!m.backwards);
}

TEST(checkpoints_wait_their_gap_but_not_the_first_or_last)
{
    struct mem s, d;
    struct marks m = {0};
    struct vrbd_xfer x = {.queue_depth = 8,
                          .chunk = 128 * 1024,
                          .fresh = true,
                          .checkpoint = on_checkpoint,
                          .checkpoint_opaque = &m,
                          .checkpoint_every = 256 * 1024,
                          .checkpoint_gap = 3600};
    struct transfer t;

    /* a whole run inside the gap: the first one alone, at its bytes */
    mem_init(&s, "src", 16 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 16 * MiB, MEM_ASYNC);
    fill_source(&s);
    CHECK(run(&t, &s, &d, &x) == 0);
    CHECK(m.n == 1);
    CHECK(m.last <= 256 * 1024);
    mem_fini(&s);
    mem_fini(&d);
    /* a failed one: the first, then the last word */
    m = (struct marks){0};
    fail_checkpointed(3600, &m);
    CHECK(m.n == 2);
}

TEST(a_resumed_transfer_starts_where_it_is_told)
{
    struct mem s, d;
    struct marks m = {0};
    struct vrbd_xfer x = {.queue_depth = 4,
                          .chunk = 256 * 1024,
                          .fresh = true,
                          .cancel = &stop,
                          .progress = cancel_after_a_while,
                          .checkpoint = on_checkpoint,
                          .checkpoint_opaque = &m,
                          .checkpoint_every = 1 << 30};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 16 * MiB, MEM_ASYNC);
    fill_source(&s);
    stop = 0;
    CHECK(run(&t, &s, &d, &x) == -EINTR);
    CHECK(m.n == 1); /* only the final word */
    CHECK(m.last >= 2 * MiB && m.last < 5 * MiB);
    CHECK(same_below(&s, &d, m.last));
    CHECK(!same_in_extents(&s, &d));
    /* go on from there: the rest arrives, and nothing is read twice */
    x.start = m.last;
    x.cancel = NULL;
    x.progress = NULL;
    CHECK(run(&t, &s, &d, &x) == 0);
    CHECK(same_in_extents(&s, &d));
    CHECK_U64(t.st.data, 5 * MiB - m.last + MiB - 93);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(a_stream_gets_its_writes_in_order)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 8, .chunk = 64 * 1024, .fresh = true};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_HELD);
    mem_init(&d, "stdout", 16 * MiB, MEM_SYNC); /* a pipe: writes end at once */
    d.ep.stream = true;
    fill_source(&s);
    run_begin(&t, &s, &d, &x);
    /* reads overlap, the depth of them, and end last first: each waits
     * for those before it to be written */
    CHECK(mem_wait(&s, held, 8));
    for (unsigned i = 8; i-- > 0;)
        CHECK(mem_end(&s, i * 64 * KiB));
    mem_let_go(&s);
    CHECK(run_end(&t) == 0);
    CHECK(!d.disorder);
    CHECK(same_in_extents(&s, &d));
    CHECK(s.max_inflight == 8); /* reads still overlap */
    CHECK_U64(d.zeroed, 0);     /* no zeroing: the stream fills gaps */
    CHECK_U64(t.st.written, 3 * MiB + MiB - 93);
    mem_fini(&s);
    mem_fini(&d);
}

/* 4 MiB of data with zeros, in chunks of 1 MiB: in the first, 8 KiB at
 * its start, 200 KiB inside (left out), 60 KiB inside (too short, kept)
 * and its last grain and 100 bytes; in the second its first grain; the
 * whole third; in the fourth 4 KiB of data every 132 KiB */
static struct vrbd_extent dense[] = {{0, 4 * MiB, true}};

static void
fill_grains(struct mem *s)
{
    srand(11);
    for (size_t i = 0; i < s->ep.size; i++)
        s->data[i] = (char)(rand() | 1);
    memset(s->data, 0, 8 * KiB);
    memset(s->data + 100 * KiB, 0, 200 * KiB);
    memset(s->data + 400 * KiB, 0, 60 * KiB);
    memset(s->data + MiB - 4 * KiB - 100, 0, 4 * KiB + 100);
    memset(s->data + MiB, 0, 4 * KiB);
    memset(s->data + 2 * MiB, 0, 2 * MiB);
    for (size_t o = 3 * MiB; o < 4 * MiB; o += 132 * KiB)
        memset(s->data + o, 0x5a, 4 * KiB);
    s->ext = dense;
    s->n_ext = 1;
}

/* the pieces the first chunk is cut into, the second, the fourth */
#define PIECES (2 + 1 + 8)
#define WRITTEN ((92 + 720) * KiB + (MiB - 4 * KiB) + 8 * 4 * KiB)

TEST(zero_grains_inside_a_chunk_are_not_written)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 1, .chunk = MiB, .fresh = true};
    struct transfer t;

    mem_init(&s, "src", 4 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 4 * MiB, MEM_HELD);
    fill_grains(&s);
    d.chunk = MiB;
    run_begin(&t, &s, &d, &x);
    /* cut, and started together even at depth 1: the first chunk's two
     * pieces, then (they write less than the depth) the second's one */
    CHECK(mem_wait(&d, held, 3));
    CHECK_U64(mem_held_off(&d, 0), 8 * KiB);
    CHECK_U64(mem_held_off(&d, 1), 300 * KiB);
    CHECK_U64(mem_held_off(&d, 2), MiB + 4 * KiB);
    /* the second's ends first; the third chunk writes nothing; the
     * fourth's eight pieces join the first's two */
    CHECK(mem_end(&d, MiB + 4 * KiB));
    CHECK(mem_wait(&d, held, 2 + 8));
    for (unsigned i = 0; i < 8; i++)
        CHECK_U64(mem_held_off(&d, 2 + i), 3 * MiB + i * 132 * KiB);
    mem_let_go(&d);
    CHECK(run_end(&t) == 0);
    CHECK(memcmp(s.data, d.data, 4 * MiB) == 0);
    CHECK_U64(t.st.data, 4 * MiB);
    CHECK_U64(t.st.written, WRITTEN);
    CHECK_U64(t.st.zeroes, 4 * MiB - WRITTEN);
    CHECK_U64(t.st.discarded, 0);
    CHECK(!d.wasteful);
    CHECK_U64(d.writes, PIECES);
    CHECK(d.max_inflight == 2 + 8);
    CHECK(!d.crossed);
    CHECK(t.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(a_destination_with_a_smaller_gap_gets_more_holes)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 2, .chunk = MiB, .fresh = true};
    struct transfer t;

    mem_init(&s, "src", 4 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 4 * MiB, MEM_ASYNC);
    fill_grains(&s);
    d.ep.gap = VRBD_XFER_GRAIN; /* as a file */
    CHECK(run(&t, &s, &d, &x) == 0);
    CHECK(memcmp(s.data, d.data, 4 * MiB) == 0);
    /* the 60 KiB run inside the first chunk is left out too */
    CHECK_U64(t.st.written, WRITTEN - 60 * KiB);
    CHECK_U64(d.writes, PIECES + 1);
    mem_fini(&s);
    mem_fini(&d);
}

/* on an existing destination: the first chunk's 200 KiB, the third
 * chunk, the fourth's seven runs of 128 KiB; the short runs at the ends
 * and the 60 KiB are written */
#define ZEROED ((200 + 1024 + 7 * 128) * KiB)

TEST(zero_runs_are_zeroed_over_old_data)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 2, .chunk = MiB, .fresh = false};
    struct transfer t;

    mem_init(&s, "src", 4 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 4 * MiB, MEM_ASYNC);
    fill_grains(&s);
    memset(d.data, 0xaa, 4 * MiB);
    CHECK(run(&t, &s, &d, &x) == 0);
    CHECK(memcmp(s.data, d.data, 4 * MiB) == 0);
    CHECK_U64(t.st.written, 4 * MiB - ZEROED);
    CHECK_U64(t.st.discarded, ZEROED);
    CHECK_U64(d.zeroed, ZEROED);
    CHECK_U64(t.st.zeroes, 0);
    /* the writes: 2 pieces, 1, none (zeroed whole), 8 */
    CHECK_U64(d.writes, 2 + 1 + 8);
    CHECK(t.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(a_failed_piece_fails_its_request_after_the_others_end)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 4, .chunk = MiB, .fresh = true};
    struct transfer t;

    mem_init(&s, "src", 4 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 4 * MiB, MEM_HELD);
    fill_grains(&s);
    d.fail_write_at = 3 * MiB + 3 * 132 * KiB; /* a piece of the fourth */
    run_begin(&t, &s, &d, &x);
    /* every chunk read at depth 4, every piece in flight; the failing one
     * ends first, and its request fails only once its other seven have */
    CHECK(mem_wait(&d, held, PIECES));
    CHECK(mem_end(&d, 3 * MiB + 3 * 132 * KiB));
    for (unsigned i = 0; i < 8; i++) {
        if (i == 3)
            continue;
        CHECK_U64(mem_now(&d).errors, 0);
        CHECK(mem_end(&d, 3 * MiB + i * 132 * KiB));
    }
    CHECK(mem_wait(&d, failed, 1));
    mem_let_go(&d);
    CHECK(run_end(&t) == -1);
    CHECK_STR(t.error, "mem: op 1 failed at 3551232");
    CHECK(t.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(a_piece_that_cannot_start_stops_the_rest)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 1, .chunk = MiB, .fresh = true};
    struct transfer t;

    mem_init(&s, "src", 4 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 4 * MiB, MEM_ASYNC);
    fill_grains(&s);
    d.fail_start_at = 3 * MiB + 5 * 132 * KiB;
    CHECK(run(&t, &s, &d, &x) == -1);
    CHECK_STR(t.error, "mem: op 1 failed at 3821568");
    /* the pieces before it ended; neither it nor those after it wrote */
    CHECK(d.writes <= 2 + 1 + 5);
    CHECK(d.data[3 * MiB + 4 * 132 * KiB] == 0x5a);
    CHECK(d.data[3 * MiB + 5 * 132 * KiB] == 0);
    CHECK(d.data[3 * MiB + 6 * 132 * KiB] == 0);
    CHECK(t.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

/* A request cut into eight pieces of 4 KiB whose last one fails, ended
 * on another thread as soon as it is started: often while the engine
 * still starts and weighs its request.  Many times over, since when it
 * ends is up to the scheduler; whenever it does, the request fails with
 * nothing in flight. */
TEST(a_piece_failing_while_its_request_starts_fails_it)
{
    static struct vrbd_extent one[] = {{0, 64 * KiB, true}};
    struct vrbd_xfer x = {.queue_depth = 1, .chunk = 64 * KiB, .fresh = true};
    struct mem s, d;
    struct transfer t;

    for (unsigned k = 0; k < 100 && !harness_cur_failed; k++) {
        mem_init(&s, "src", 64 * KiB, MEM_SYNC);
        mem_init(&d, "dst", 64 * KiB, MEM_ASYNC);
        for (size_t o = 0; o < 64 * KiB; o += 8 * KiB)
            memset(s.data + o, 0x5a, 4 * KiB);
        s.ext = one;
        s.n_ext = 1;
        d.ep.gap = VRBD_XFER_GRAIN;
        d.fail_write_at = 56 * KiB;
        CHECK(run(&t, &s, &d, &x) == -1);
        CHECK_STR(t.error, "mem: op 1 failed at 57344");
        CHECK_U64(mem_now(&d).started, 8);
        CHECK(t.inflight == 0);
        mem_fini(&s);
        mem_fini(&d);
    }
}

/* 16 MiB of random data */
static struct vrbd_extent all16[] = {{0, 16 * MiB, true}};

TEST(dense_data_keeps_the_depth)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 3, .chunk = MiB, .fresh = true};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_HELD);
    mem_init(&d, "dst", 16 * MiB, MEM_HELD);
    srand(5);
    for (size_t i = 0; i < s.ep.size; i++)
        s.data[i] = (char)(rand() | 1);
    s.ext = all16;
    s.n_ext = 1;
    run_begin(&t, &s, &d, &x);
    /* the depth's worth of reads; as they end (out of order), as many
     * writes, and no read more until one of those ends */
    CHECK(mem_wait(&s, held, 3));
    CHECK(mem_end(&s, 2 * MiB) && mem_end(&s, 0) && mem_end(&s, MiB));
    CHECK(mem_wait(&d, held, 3));
    CHECK_U64(mem_now(&s).started, 3);
    mem_let_go(&s);
    mem_let_go(&d);
    CHECK(run_end(&t) == 0);
    CHECK(memcmp(s.data, d.data, 16 * MiB) == 0);
    CHECK(s.max_inflight == 3 && d.max_inflight == 3);
    CHECK(s.max_inflight_bytes + d.max_inflight_bytes <= 2 * 3 * MiB);
    mem_fini(&s);
    mem_fini(&d);
}

/* 32 MiB of 4 KiB of data every 256 KiB, zeros between */
static struct vrbd_extent all32[] = {{0, 32 * MiB, true}};

static void
fill_sparse(struct mem *s)
{
    srand(13);
    for (size_t o = 0; o < s->ep.size; o += 256 * KiB)
        for (size_t i = 0; i < 4 * KiB; i++)
            s->data[o + i] = (char)(rand() | 1);
    s->ext = all32;
    s->n_ext = 1;
}

TEST(data_cut_small_keeps_more_requests_in_flight)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 2, .chunk = MiB, .fresh = true};
    struct transfer t;

    mem_init(&s, "src", 32 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 32 * MiB, MEM_HELD); /* writes wait on a cluster */
    fill_sparse(&s);
    run_begin(&t, &s, &d, &x);
    /* while no write ends, chunks are read until every slot holds a
     * write of four pieces: more than the 2 x 4 pieces of two requests,
     * within the slots, and then nothing more is read */
    CHECK(mem_wait(&d, held, 2 * VRBD_XFER_SLOTS * 4));
    CHECK_U64(mem_now(&s).started, 2 * VRBD_XFER_SLOTS);
    mem_let_go(&d);
    CHECK(run_end(&t) == 0);
    CHECK(memcmp(s.data, d.data, 32 * MiB) == 0);
    CHECK_U64(t.st.written, 128 * 4 * KiB);
    CHECK_U64(d.writes, 128);
    CHECK(d.max_inflight > 2 * 4);
    CHECK(d.max_inflight <= 2 * VRBD_XFER_SLOTS * 4);
    /* and the chunks read come back: reads stay within the depth */
    CHECK(s.max_inflight_bytes <= 2 * MiB + MiB);
    mem_fini(&s);
    mem_fini(&d);
}

/* A range without data over whole objects of an RBD destination is zeroed
 * one object per request: librbd removes an object zeroed whole, and
 * leaves one zeroed in parts allocated (an incremental copy left the
 * target fatter than its source).  Partial objects at its ends are
 * zeroed up to the object's edge. */
TEST(a_range_without_data_is_zeroed_whole_objects_at_a_time)
{
    static struct vrbd_extent ext[] = {
        {0, MiB, true},
        {MiB, 12 * MiB, false}, /* [1M, 4M) [4M, 8M) [8M, 12M) [12M, 13M) */
        {13 * MiB, 3 * MiB, true},
    };
    static const uint64_t ends[] = {13 * MiB};
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 2, .chunk = MiB, .fresh = false};
    struct transfer t;

    mem_init(&s, "src", 16 * MiB, MEM_ASYNC);
    mem_init(&d, "dst", 16 * MiB, MEM_ASYNC);
    fill_source(&s);
    s.ext = ext;
    s.n_ext = sizeof(ext) / sizeof(ext[0]);
    memset(s.data + MiB, 0, 12 * MiB);
    memset(d.data, 0xaa, 16 * MiB);
    d.ep.obj_size = 4 * MiB;
    d.zero_ends = ends;
    d.n_zero_ends = 1;
    CHECK(run(&t, &s, &d, &x) == 0);
    CHECK(memcmp(s.data, d.data, 16 * MiB) == 0);
    CHECK_U64(d.zeroed, 12 * MiB);
    CHECK_U64(d.zeros, 4);
    CHECK(!d.zero_split);
    CHECK(t.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(requests_fit_in_objects)
{
    CHECK_U64(vrbd_xfer_chunk(4 * MiB), 2 * MiB);
    CHECK_U64(vrbd_xfer_chunk(32 * MiB), 2 * MiB);
    CHECK_U64(vrbd_xfer_chunk(MiB), MiB);
    CHECK_U64(vrbd_xfer_chunk(64 * 1024), 64 * 1024);
    CHECK_U64(vrbd_xfer_chunk(0), 2 * MiB);
}

/* ------------------------------------------------ extents overlaid */

/* a byte's kind in a model: 0 no extent, 1 without data, 2 data */
#define OV_SIZE 200

/* random sorted extents, apart, within [0, @span), in @e (room for 64) */
static size_t
random_extents(struct vrbd_extent *e, uint64_t span)
{
    size_t n = 0;

    for (uint64_t at = (uint64_t)(rand() % 8); at < span && n < 64;) {
        uint64_t len = 1 + (uint64_t)(rand() % 20);

        if (at + len > span)
            len = span - at;
        e[n++] = (struct vrbd_extent){at, len, rand() % 2 == 0};
        at += len + (uint64_t)(rand() % 3 == 0 ? 0 : rand() % 15);
    }
    return n;
}

static void
paint(char *kind, const struct vrbd_extent *e, size_t n, bool all_data)
{
    for (size_t i = 0; i < n; i++)
        for (uint64_t b = e[i].off; b < e[i].off + e[i].len; b++)
            kind[b] = all_data || e[i].data ? 2 : 1;
}

/* against a byte map: what the overlay holds, that it is sorted, apart
 * and merged, and the bytes it counts as outside */
TEST(an_overlay_makes_the_added_ranges_data_and_keeps_the_rest)
{
    srand(7);
    for (int round = 0; round < 2000; round++) {
        struct vrbd_extent a[64], b[64], *out = NULL;
        char want[OV_SIZE + 40] = {0}, got[OV_SIZE + 40] = {0};
        uint64_t size = OV_SIZE - (uint64_t)(rand() % 30), outside = 0;
        uint64_t want_outside = 0;
        size_t na = random_extents(a, size);
        size_t nb = random_extents(b, OV_SIZE + 30);
        size_t n = vrbd_extents_overlay(a, na, b, nb, size, &out, &outside);
        bool ok = true;

        paint(want, a, na, false);
        for (size_t i = 0; i < nb; i++)
            for (uint64_t x = b[i].off; x < b[i].off + b[i].len && x < size;
                 x++) {
                want_outside += want[x] == 0;
                want[x] = 2;
            }
        paint(got, out, n, false);
        for (size_t i = 0; i < n; i++) {
            ok &= out[i].len > 0;
            if (i)
                ok &= out[i].off > out[i - 1].off + out[i - 1].len - 1 &&
                      !(out[i].off == out[i - 1].off + out[i - 1].len &&
                        out[i].data == out[i - 1].data);
        }
        ok &= memcmp(want, got, sizeof(want)) == 0;
        if (!ok || outside != want_outside) {
            fprintf(stderr, "# round %d: overlay differs from the model\n",
                    round);
            CHECK(false);
            free(out);
            return;
        }
        free(out);
    }
    CHECK(true);
}

TEST(an_overlay_of_nothing_is_a_copy_and_of_everything_is_data)
{
    struct vrbd_extent a[] = {{0, 10, true}, {10, 5, false}, {20, 4, true}};
    struct vrbd_extent all[] = {{0, 100, false}}, *out = NULL;
    uint64_t outside = 1;
    size_t n = vrbd_extents_overlay(a, 3, NULL, 0, 100, &out, &outside);

    CHECK_U64(n, 3);
    for (size_t i = 0; i < n && i < 3; i++)
        CHECK(out[i].off == a[i].off && out[i].len == a[i].len &&
              out[i].data == a[i].data);
    CHECK_U64(outside, 0);
    free(out);
    n = vrbd_extents_overlay(a, 3, all, 1, 30, &out, &outside);
    CHECK_U64(n, 1);
    CHECK(n == 1 && out[0].off == 0 && out[0].len == 30 && out[0].data);
    CHECK_U64(outside, 30 - 19);
    free(out);
}

int
main(void)
{
    RUN(fresh_destination_gets_the_data_and_no_zeros);
    RUN(existing_destination_gets_zeros_written);
    RUN(synchronous_endpoints_work_with_the_default_settings);
    RUN(a_failed_write_stops_it_with_nothing_in_flight);
    RUN(a_stall_gives_up_and_the_late_ends_free_the_run);
    RUN(a_failed_read_names_the_block_that_failed);
    RUN(a_cancel_drains_and_says_so);
    RUN(verify_names_the_first_differing_byte);
    RUN(checkpoints_say_what_is_safe_after_a_failure);
    RUN(checkpoints_wait_their_gap_but_not_the_first_or_last);
    RUN(a_resumed_transfer_starts_where_it_is_told);
    RUN(a_stream_gets_its_writes_in_order);
    RUN(zero_grains_inside_a_chunk_are_not_written);
    RUN(a_destination_with_a_smaller_gap_gets_more_holes);
    RUN(zero_runs_are_zeroed_over_old_data);
    RUN(a_failed_piece_fails_its_request_after_the_others_end);
    RUN(a_piece_that_cannot_start_stops_the_rest);
    RUN(a_piece_failing_while_its_request_starts_fails_it);
    RUN(dense_data_keeps_the_depth);
    RUN(data_cut_small_keeps_more_requests_in_flight);
    RUN(a_range_without_data_is_zeroed_whole_objects_at_a_time);
    RUN(requests_fit_in_objects);
    RUN(an_overlay_makes_the_added_ranges_data_and_keeps_the_rest);
    RUN(an_overlay_of_nothing_is_a_copy_and_of_everything_is_data);
    return harness_done();
}
