/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-engine.c: the data mover's transfer loop (lib/engine.c) between two
 * in-memory endpoints whose requests end on other threads, after a random
 * delay, out of order, as librbd's do: what lands where, what is skipped,
 * how requests are cut, how many are in flight, and that a failure or a
 * cancel returns only once nothing is in flight.  (The real endpoints are
 * tested against the lab in tests/integration.)
 */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "endpoint.h"
#include "harness.h"
#include "internal.h"

#define MiB (1024u * 1024u)

struct mem {
    struct vrbd_endpoint ep; /* first: the engine hands this back */
    char *data;
    struct vrbd_extent *ext;
    size_t n_ext;
    bool async;
    uint64_t fail_write_at; /* UINT64_MAX: none */
    int inflight, max_inflight;
    uint64_t inflight_bytes, max_inflight_bytes; /* of reads and writes */
    unsigned delay;                              /* us, at most (0: 300) */
    bool crossed;  /* a request crossed a multiple of the chunk */
    uint64_t pos;  /* a stream: where the next write must start, or later */
    bool disorder; /* a stream got a write before an earlier one */
    size_t chunk;
    uint64_t zeroed;
    uint64_t fail_start_at; /* a write here cannot start; UINT64_MAX: none */
    unsigned writes;        /* writes that ended */
    bool wasteful;          /* a write held zeros it could have left out */
    pthread_mutex_t lock;
};

struct job {
    struct mem *m;
    struct vrbd_request *r;
    enum vrbd_op op;
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

static void
finish(struct mem *m, struct vrbd_request *r, enum vrbd_op op)
{
    ssize_t ret = 0;

    if (op == VRBD_OP_READ)
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
    pthread_mutex_lock(&m->lock);
    m->inflight--;
    if (op != VRBD_OP_ZERO)
        m->inflight_bytes -= r->len;
    if (m->ep.stream && op != VRBD_OP_READ)
        m->pos = r->off + r->len;
    if (op == VRBD_OP_ZERO)
        m->zeroed += r->len;
    if (op == VRBD_OP_WRITE)
        m->writes++;
    pthread_mutex_unlock(&m->lock);
    vrbd_request_done(r, ret);
}

static void *
later(void *arg)
{
    struct job *j = arg;

    usleep((useconds_t)(rand() % (j->m->delay ? j->m->delay : 300)));
    finish(j->m, j->r, j->op);
    free(j);
    return NULL;
}

static int
mem_start(struct vrbd_endpoint *ep, struct vrbd_request *r, enum vrbd_op op)
{
    struct mem *m = (struct mem *)ep;
    pthread_t t;

    if (op == VRBD_OP_WRITE && r->off == m->fail_start_at)
        return -EIO;
    pthread_mutex_lock(&m->lock);
    if (++m->inflight > m->max_inflight)
        m->max_inflight = m->inflight;
    if (op != VRBD_OP_ZERO &&
        (m->inflight_bytes += r->len) > m->max_inflight_bytes)
        m->max_inflight_bytes = m->inflight_bytes;
    if (m->chunk && r->off / m->chunk != (r->off + r->len - 1) / m->chunk)
        m->crossed = true;
    pthread_mutex_unlock(&m->lock);
    if (!m->async) {
        finish(m, r, op);
        return 0;
    }
    {
        struct job *j = malloc(sizeof(*j));

        *j = (struct job){m, r, op};
        if (pthread_create(&t, NULL, later, j) != 0)
            abort();
        pthread_detach(t);
    }
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
    vrbd_error_set(VRBD_ERR_IO, -ret, NULL, "mem: op %d failed at %llu",
                   (int)op, (unsigned long long)off);
}

static const struct vrbd_endpoint_ops mem_ops = {
    .next_extent = mem_next,
    .read = mem_read,
    .write = mem_write,
    .zero = mem_zero,
    .flush = mem_flush,
    .error = mem_error,
};

static void
mem_init(struct mem *m, const char *name, size_t size, bool async)
{
    memset(m, 0, sizeof(*m));
    m->ep.ops = &mem_ops;
    m->ep.name = (char *)name;
    m->ep.size = size;
    m->data = calloc(1, size);
    m->async = async;
    m->fail_write_at = UINT64_MAX;
    m->fail_start_at = UINT64_MAX;
    pthread_mutex_init(&m->lock, NULL);
}

static void
mem_fini(struct mem *m)
{
    free(m->data);
    pthread_mutex_destroy(&m->lock);
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
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 16 * MiB, true);
    mem_init(&d, "dst", 16 * MiB, true);
    fill_source(&s);
    s.chunk = d.chunk = MiB;
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
    CHECK(same_in_extents(&s, &d));
    /* outside the extents nothing was written */
    CHECK(d.data[6 * MiB] == 0 && d.data[8 * MiB + 99] == 0 &&
          d.data[9 * MiB + 7] == 0);
    CHECK_U64(st.data, 5 * MiB + MiB - 93);
    CHECK_U64(st.zeroes, 2 * MiB);
    CHECK_U64(st.written, 3 * MiB + MiB - 93);
    CHECK_U64(st.discarded, MiB); /* the range without data is zeroed */
    CHECK(!s.crossed && !d.crossed);
    CHECK(s.max_inflight + d.max_inflight > 1);
    /* four chunks' worth in flight, and the start of one more */
    CHECK(s.max_inflight_bytes + d.max_inflight_bytes < 2 * 5 * MiB);
    CHECK(s.max_inflight_bytes < 5 * MiB && d.max_inflight_bytes < 5 * MiB);
    CHECK(s.inflight == 0 && d.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(existing_destination_gets_zeros_written)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 3, .chunk = MiB, .fresh = false};
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 16 * MiB, true);
    mem_init(&d, "dst", 16 * MiB, true);
    fill_source(&s);
    memset(d.data, 0xaa, 16 * MiB);
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
    CHECK(same_in_extents(&s, &d));
    CHECK_U64(st.zeroes, 0);
    CHECK_U64(st.discarded, 3 * MiB);
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
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 16 * MiB, false);
    mem_init(&d, "dst", 16 * MiB, false);
    fill_source(&s);
    s.chunk = VRBD_XFER_CHUNK;
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
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
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 16 * MiB, true);
    mem_init(&d, "dst", 16 * MiB, true);
    fill_source(&s);
    d.fail_write_at = MiB;
    CHECK(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == -1);
    CHECK_STR(vrbd_error_last()->message, "mem: op 1 failed at 1048576");
    /* every request ended before the buffers went */
    CHECK(s.inflight == 0 && d.inflight == 0);
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
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 16 * MiB, true);
    mem_init(&d, "dst", 16 * MiB, true);
    fill_source(&s);
    stop = 0;
    CHECK(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == -EINTR);
    CHECK(st.data < 5 * MiB);
    CHECK(s.inflight == 0 && d.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(verify_names_the_first_differing_byte)
{
    struct mem s, d;
    struct vrbd_xfer x = {.fresh = true};
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 16 * MiB, true);
    mem_init(&d, "dst", 16 * MiB, true);
    fill_source(&s);
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
    REQUIRE(vrbd_xfer_verify(&s.ep, &d.ep, MiB) == 0);
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
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 16 * MiB, true);
    mem_init(&d, "dst", 16 * MiB, true);
    fill_source(&s);
    d.fail_write_at = 8 * MiB + 100;
    CHECK(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == -1);
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
    vrbd_copy_stats st = {0};

    /* a whole run inside the gap: the first one alone, at its bytes */
    mem_init(&s, "src", 16 * MiB, true);
    mem_init(&d, "dst", 16 * MiB, true);
    fill_source(&s);
    CHECK(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
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
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 16 * MiB, true);
    mem_init(&d, "dst", 16 * MiB, true);
    fill_source(&s);
    stop = 0;
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == -EINTR);
    CHECK(m.n == 1); /* only the final word */
    CHECK(m.last >= 2 * MiB && m.last < 5 * MiB);
    CHECK(same_below(&s, &d, m.last));
    CHECK(!same_in_extents(&s, &d));
    /* go on from there: the rest arrives, and nothing is read twice */
    x.start = m.last;
    x.cancel = NULL;
    x.progress = NULL;
    memset(&st, 0, sizeof(st));
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
    CHECK(same_in_extents(&s, &d));
    CHECK_U64(st.data, 5 * MiB - m.last + MiB - 93);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(a_stream_gets_its_writes_in_order)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 8, .chunk = 64 * 1024, .fresh = true};
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 16 * MiB, true);
    mem_init(&d, "stdout", 16 * MiB, false); /* a pipe: writes end at once */
    d.ep.stream = true;
    fill_source(&s);
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
    CHECK(!d.disorder);
    CHECK(same_in_extents(&s, &d));
    CHECK(s.max_inflight > 1); /* reads still overlap */
    CHECK_U64(d.zeroed, 0);    /* no zeroing: the stream fills gaps */
    CHECK_U64(st.written, 3 * MiB + MiB - 93);
    mem_fini(&s);
    mem_fini(&d);
}

#define KiB 1024u

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
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 4 * MiB, true);
    mem_init(&d, "dst", 4 * MiB, true);
    fill_grains(&s);
    d.chunk = MiB;
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
    CHECK(memcmp(s.data, d.data, 4 * MiB) == 0);
    CHECK_U64(st.data, 4 * MiB);
    CHECK_U64(st.written, WRITTEN);
    CHECK_U64(st.zeroes, 4 * MiB - WRITTEN);
    CHECK_U64(st.discarded, 0);
    CHECK(!d.wasteful);
    /* cut, and started together even at depth 1 */
    CHECK_U64(d.writes, PIECES);
    CHECK(d.max_inflight > 1);
    CHECK(!d.crossed);
    CHECK(s.inflight == 0 && d.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(a_destination_with_a_smaller_gap_gets_more_holes)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 2, .chunk = MiB, .fresh = true};
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 4 * MiB, true);
    mem_init(&d, "dst", 4 * MiB, true);
    fill_grains(&s);
    d.ep.gap = VRBD_XFER_GRAIN; /* as a file */
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
    CHECK(memcmp(s.data, d.data, 4 * MiB) == 0);
    /* the 60 KiB run inside the first chunk is left out too */
    CHECK_U64(st.written, WRITTEN - 60 * KiB);
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
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 4 * MiB, true);
    mem_init(&d, "dst", 4 * MiB, true);
    fill_grains(&s);
    memset(d.data, 0xaa, 4 * MiB);
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
    CHECK(memcmp(s.data, d.data, 4 * MiB) == 0);
    CHECK_U64(st.written, 4 * MiB - ZEROED);
    CHECK_U64(st.discarded, ZEROED);
    CHECK_U64(d.zeroed, ZEROED);
    CHECK_U64(st.zeroes, 0);
    /* the writes: 2 pieces, 1, none (zeroed whole), 8 */
    CHECK_U64(d.writes, 2 + 1 + 8);
    CHECK(s.inflight == 0 && d.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(a_failed_piece_fails_its_request_after_the_others_end)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 4, .chunk = MiB, .fresh = true};
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 4 * MiB, true);
    mem_init(&d, "dst", 4 * MiB, true);
    fill_grains(&s);
    d.fail_write_at = 3 * MiB + 3 * 132 * KiB; /* a piece of the fourth */
    CHECK(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == -1);
    CHECK_STR(vrbd_error_last()->message, "mem: op 1 failed at 3551232");
    CHECK(s.inflight == 0 && d.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

TEST(a_piece_that_cannot_start_stops_the_rest)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 1, .chunk = MiB, .fresh = true};
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 4 * MiB, true);
    mem_init(&d, "dst", 4 * MiB, true);
    fill_grains(&s);
    d.fail_start_at = 3 * MiB + 5 * 132 * KiB;
    CHECK(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == -1);
    CHECK_STR(vrbd_error_last()->message, "mem: op 1 failed at 3821568");
    /* the pieces before it ended; neither it nor those after it wrote */
    CHECK(d.writes <= 2 + 1 + 5);
    CHECK(d.data[3 * MiB + 4 * 132 * KiB] == 0x5a);
    CHECK(d.data[3 * MiB + 5 * 132 * KiB] == 0);
    CHECK(d.data[3 * MiB + 6 * 132 * KiB] == 0);
    CHECK(s.inflight == 0 && d.inflight == 0);
    mem_fini(&s);
    mem_fini(&d);
}

/* 16 MiB of random data */
static struct vrbd_extent all16[] = {{0, 16 * MiB, true}};

TEST(dense_data_keeps_the_depth)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 3, .chunk = MiB, .fresh = true};
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 16 * MiB, true);
    mem_init(&d, "dst", 16 * MiB, true);
    srand(5);
    for (size_t i = 0; i < s.ep.size; i++)
        s.data[i] = (char)(rand() | 1);
    s.ext = all16;
    s.n_ext = 1;
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
    CHECK(memcmp(s.data, d.data, 16 * MiB) == 0);
    CHECK(s.max_inflight <= 3 && d.max_inflight <= 3);
    CHECK(s.max_inflight_bytes + d.max_inflight_bytes <= 2 * 3 * MiB);
    mem_fini(&s);
    mem_fini(&d);
}

/* 16 MiB of 4 KiB of data every 256 KiB, zeros between */
static void
fill_sparse(struct mem *s)
{
    srand(13);
    for (size_t o = 0; o < s->ep.size; o += 256 * KiB)
        for (size_t i = 0; i < 4 * KiB; i++)
            s->data[o + i] = (char)(rand() | 1);
    s->ext = all16;
    s->n_ext = 1;
}

TEST(data_cut_small_keeps_more_requests_in_flight)
{
    struct mem s, d;
    struct vrbd_xfer x = {.queue_depth = 2, .chunk = MiB, .fresh = true};
    vrbd_copy_stats st = {0};

    mem_init(&s, "src", 16 * MiB, true);
    mem_init(&d, "dst", 16 * MiB, true);
    fill_sparse(&s);
    s.delay = 50;
    d.delay = 5000; /* writes wait on a slow cluster */
    REQUIRE(vrbd_xfer_run(&s.ep, &d.ep, &x, &st) == 0);
    CHECK(memcmp(s.data, d.data, 16 * MiB) == 0);
    CHECK_U64(st.written, 64 * 4 * KiB);
    CHECK_U64(d.writes, 64);
    /* more than the 2 x 4 pieces of two requests, within the slots */
    CHECK(d.max_inflight > 2 * 4);
    CHECK(d.max_inflight <= 2 * VRBD_XFER_SLOTS * 4);
    /* and the chunks read come back: reads stay within the depth */
    CHECK(s.max_inflight_bytes <= 2 * MiB + MiB);
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

int
main(void)
{
    RUN(fresh_destination_gets_the_data_and_no_zeros);
    RUN(existing_destination_gets_zeros_written);
    RUN(synchronous_endpoints_work_with_the_default_settings);
    RUN(a_failed_write_stops_it_with_nothing_in_flight);
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
    RUN(dense_data_keeps_the_depth);
    RUN(data_cut_small_keeps_more_requests_in_flight);
    RUN(requests_fit_in_objects);
    return harness_done();
}
