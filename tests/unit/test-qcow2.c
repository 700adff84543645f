/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-qcow2.c: the qcow2 check and map (lib/mover/qcow2.c) on images
 * built here byte by byte (64 KiB clusters): which ones are read directly,
 * which go to qemu, which are refused as corrupt, and the runs of data the
 * map gives, host offsets included.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"
#include "qcow2.h"

#define CS ((uint64_t)1 << 16)
#define PER_L2 (CS / 8)

struct img {
    unsigned char *b;
    uint64_t len;
    uint64_t l1_off;
};

static void
put64(struct img *m, uint64_t off, uint64_t v)
{
    v = htobe64(v);
    memcpy(m->b + off, &v, 8);
}

static void
put32(struct img *m, uint64_t off, uint32_t v)
{
    v = htobe32(v);
    memcpy(m->b + off, &v, 4);
}

static uint64_t
get64(struct img *m, uint64_t off)
{
    uint64_t v;

    memcpy(&v, m->b + off, 8);
    return be64toh(v);
}

/* a new cluster at the end of the file, filled with @fill: its offset */
static uint64_t
add_cluster(struct img *m, int fill)
{
    uint64_t off = m->len;

    m->b = realloc(m->b, m->len + CS);
    memset(m->b + off, fill, CS);
    m->len += CS;
    return off;
}

/* an empty image: header, L1 table in cluster 1 */
static struct img
make(uint32_t version, uint64_t size)
{
    struct img m = {0};
    uint32_t l1_size = (uint32_t)((size + PER_L2 * CS - 1) / (PER_L2 * CS));

    add_cluster(&m, 0);
    m.l1_off = add_cluster(&m, 0);
    memcpy(m.b, "QFI\xfb", 4);
    put32(&m, 4, version);
    put32(&m, 20, 16);
    put64(&m, 24, size);
    put32(&m, 36, l1_size);
    put64(&m, 40, m.l1_off);
    if (version >= 3)
        put32(&m, 100, 104); /* header length */
    return m;
}

/* guest cluster @gc gets L2 entry @e (its L2 table made when missing) */
static void
map(struct img *m, uint64_t gc, uint64_t e)
{
    uint64_t i = gc / PER_L2, l2 = get64(m, m->l1_off + i * 8) & ~(1ULL << 63);

    if (!l2) {
        l2 = add_cluster(m, 0);
        put64(m, m->l1_off + i * 8, l2 | (1ULL << 63));
    }
    put64(m, l2 + (gc % PER_L2) * 8, e);
}

/* a data cluster for guest cluster @gc: its host offset */
static uint64_t
data(struct img *m, uint64_t gc, int fill)
{
    uint64_t h;

    map(m, gc, 0); /* the L2 table first, so that data runs stay together */
    h = add_cluster(m, fill);
    map(m, gc, h | (1ULL << 63));
    return h;
}

/* vrbd_qcow2_open on @m written to a temporary file; *fd stays open */
static int
open_img(struct img *m, struct vrbd_qcow2 **q, int *fd)
{
    char path[] = "/tmp/test-qcow2.XXXXXX";

    *fd = mkstemp(path);
    if (*fd < 0)
        return -2;
    unlink(path);
    if (write(*fd, m->b, m->len) != (ssize_t)m->len)
        return -2;
    return vrbd_qcow2_open(*fd, "t.qcow2", q);
}

struct run {
    uint64_t start, end, host;
};

/* every run of the map from 0 on, into @runs: their count */
static int
runs_of(struct vrbd_qcow2 *q, struct run *runs, int max)
{
    uint64_t off = 0;
    int n = 0;

    while (n < max && vrbd_qcow2_next(q, off, &runs[n].start, &runs[n].end,
                                      &runs[n].host) == 1) {
        off = runs[n].end;
        n++;
    }
    return n;
}

TEST(plain_image_maps_runs_of_data)
{
    struct img m = make(3, 4 * PER_L2 * CS); /* 4 L2 tables' worth */
    struct vrbd_qcow2 *q = NULL;
    struct run r[8];
    uint64_t h0, h1, h5, h9;
    int fd, n;

    h0 = data(&m, 0, 0x11);
    h1 = add_cluster(&m, 0x22); /* guest 1 right after guest 0 */
    map(&m, 1, h1 | (1ULL << 63));
    map(&m, 3, 1);                      /* a zero cluster */
    map(&m, 4, add_cluster(&m, 0) | 1); /* preallocated, reads as zeros */
    h5 = data(&m, 5, 0x55);
    add_cluster(&m, 0);
    h9 = data(&m, PER_L2 * 2 + 9, 0x99); /* in the third L2 table */
    REQUIRE(open_img(&m, &q, &fd) == 0 && q);
    CHECK_U64(vrbd_qcow2_size(q), 4 * PER_L2 * CS);
    n = runs_of(q, r, 8);
    REQUIRE(n == 3);
    CHECK_U64(r[0].start, 0);
    CHECK_U64(r[0].end, 2 * CS); /* guest 0 and 1, stored together */
    CHECK_U64(r[0].host, h0);
    CHECK(h1 == h0 + CS);
    CHECK_U64(r[1].start, 5 * CS);
    CHECK_U64(r[1].end, 6 * CS);
    CHECK_U64(r[1].host, h5);
    CHECK_U64(r[2].start, (PER_L2 * 2 + 9) * CS);
    CHECK_U64(r[2].host, h9);
    /* from inside a cluster: the run starts there, the host offset too */
    REQUIRE(vrbd_qcow2_next(q, 5 * CS + 100, &r[0].start, &r[0].end,
                            &r[0].host) == 1);
    CHECK_U64(r[0].start, 5 * CS + 100);
    CHECK_U64(r[0].host, h5 + 100);
    CHECK(vrbd_qcow2_next(q, (PER_L2 * 2 + 10) * CS, &r[0].start, &r[0].end,
                          &r[0].host) == 0);
    vrbd_qcow2_free(q);
    close(fd);
    free(m.b);
}

TEST(clusters_stored_apart_are_separate_runs)
{
    struct img m = make(3, 8 * CS);
    struct vrbd_qcow2 *q = NULL;
    struct run r[4];
    int fd;

    data(&m, 0, 1);
    add_cluster(&m, 0);
    data(&m, 1, 2); /* next in the guest, not next in the file */
    REQUIRE(open_img(&m, &q, &fd) == 0);
    REQUIRE(runs_of(q, r, 4) == 2);
    CHECK_U64(r[0].end, CS);
    CHECK_U64(r[1].start, CS);
    CHECK(r[1].host == r[0].host + 2 * CS);
    vrbd_qcow2_free(q);
    close(fd);
    free(m.b);
}

TEST(last_run_ends_at_virtual_size)
{
    struct img m = make(2, 2 * CS + 4096);
    struct vrbd_qcow2 *q = NULL;
    struct run r[4];
    int fd;

    data(&m, 2, 7);
    REQUIRE(open_img(&m, &q, &fd) == 0);
    REQUIRE(runs_of(q, r, 4) == 1);
    CHECK_U64(r[0].start, 2 * CS);
    CHECK_U64(r[0].end, 2 * CS + 4096);
    vrbd_qcow2_free(q);
    close(fd);
    free(m.b);
}

/* an image made by @edit: what vrbd_qcow2_open says */
static int
open_edited(void (*edit)(struct img *))
{
    struct img m = make(3, 16 * CS);
    struct vrbd_qcow2 *q = NULL;
    int fd, r;

    data(&m, 0, 1);
    edit(&m);
    r = open_img(&m, &q, &fd);
    CHECK(r == 0 ? q != NULL : q == NULL);
    vrbd_qcow2_free(q);
    close(fd);
    free(m.b);
    return r;
}

static void
no_edit(struct img *m)
{
}
static void
not_qcow2(struct img *m)
{
    memcpy(m->b, "RAW!", 4);
}
static void
backing(struct img *m)
{
    put64(m, 8, 512);
    put32(m, 16, 4);
}
static void
encrypted(struct img *m)
{
    put32(m, 32, 1);
}
static void
dirty(struct img *m)
{
    put64(m, 72, 1);
}
static void
external_data(struct img *m)
{
    put64(m, 72, 1 << 2);
}
static void
compressed(struct img *m)
{
    map(m, 1, (1ULL << 62) | (2 * CS));
}
static void
reserved_bits(struct img *m)
{
    map(m, 1, (add_cluster(m, 3)) | (1ULL << 57));
}
static void
unaligned_data(struct img *m)
{
    uint64_t h = add_cluster(m, 3);

    add_cluster(m, 0); /* so that the cluster ends inside the file */
    map(m, 1, h + 512);
}
static void
version_2_zero_flag(struct img *m)
{
    put32(m, 4, 2);
    map(m, 1, 1);
}

TEST(what_needs_qemu)
{
    CHECK(open_edited(no_edit) == 0);
    CHECK(open_edited(not_qcow2) == 1);
    CHECK(open_edited(backing) == 1);
    CHECK(open_edited(encrypted) == 1);
    CHECK(open_edited(dirty) == 1);
    CHECK(open_edited(external_data) == 1);
    CHECK(open_edited(compressed) == 1);
    CHECK(open_edited(reserved_bits) == 1);
    CHECK(open_edited(unaligned_data) == 1);
    CHECK(open_edited(version_2_zero_flag) == 1);
}

static void
l2_past_end(struct img *m)
{
    put64(m, m->l1_off, 1ULL << 40);
}
static void
data_past_end(struct img *m)
{
    map(m, 1, m->len | (1ULL << 63));
}
static void
l1_past_end(struct img *m)
{
    put64(m, 40, m->len - 4);
}

TEST(corrupt_tables_are_refused_naming_the_file)
{
    CHECK(open_edited(l2_past_end) == -1);
    CHECK(strstr(vrbd_error_last()->message,
                 "an L2 table at byte "
                 "1099511627776 lies beyond") != NULL);
    CHECK(open_edited(data_past_end) == -1);
    CHECK(strstr(vrbd_error_last()->message,
                 "'t.qcow2' is a corrupt qcow2: data at byte") != NULL);
    CHECK(open_edited(l1_past_end) == -1);
    CHECK(strstr(vrbd_error_last()->message, "L1 table lies beyond") != NULL);
    CHECK_STR(vrbd_error_last()->hint,
              "check it with qemu-img check; nothing was imported");
}

static void
unaligned_l2(struct img *m)
{
    uint64_t l2 = get64(m, m->l1_off) & ~(1ULL << 63);

    /* the table's second half and the next cluster's first: in the file */
    add_cluster(m, 0);
    put64(m, m->l1_off, (l2 + CS / 2) | (1ULL << 63));
}

TEST(unaligned_l2_table_is_refused)
{
    CHECK(open_edited(unaligned_l2) == -1);
    CHECK(strstr(vrbd_error_last()->message,
                 "'t.qcow2' is a corrupt qcow2: an L2 table at byte 163840 "
                 "is not aligned to its 65536-byte clusters") != NULL);
}

/*
 * A sparse file of @len bytes: a version 3 header with @cluster_bits, an
 * L1 table of @l1_size entries at @l1_off, each pointing to @l2 (0: none);
 * what vrbd_qcow2_open says.
 */
static int
open_sparse(uint64_t len, unsigned cluster_bits, uint32_t l1_size,
            uint64_t l1_off, uint64_t l2)
{
    struct img h = {.b = calloc(1, 512), .len = 512};
    uint64_t *l1 = calloc(l1_size ? l1_size : 1, 8);
    struct vrbd_qcow2 *q = NULL;
    char path[] = "/tmp/test-qcow2.XXXXXX";
    int fd = mkstemp(path), r = -2;

    memcpy(h.b, "QFI\xfb", 4);
    put32(&h, 4, 3);
    put32(&h, 20, cluster_bits);
    put64(&h, 24, (uint64_t)l1_size << (2 * cluster_bits - 3));
    put32(&h, 36, l1_size);
    put64(&h, 40, l1_off);
    put32(&h, 100, 104);
    for (uint32_t i = 0; l2 && i < l1_size; i++)
        l1[i] = htobe64(l2 | (1ULL << 63));
    unlink(path);
    if (fd >= 0 && ftruncate(fd, (off_t)len) == 0 &&
        pwrite(fd, h.b, 512, 0) == 512 &&
        (!l2 || pwrite(fd, l1, (size_t)l1_size * 8, (off_t)l1_off) ==
                    (ssize_t)l1_size * 8))
        r = vrbd_qcow2_open(fd, "t.qcow2", &q);
    CHECK(r == 0 ? q != NULL : q == NULL);
    vrbd_qcow2_free(q);
    if (fd >= 0)
        close(fd);
    free(l1);
    free(h.b);
    return r;
}

TEST(l2_table_shared_by_every_l1_entry_is_read_once)
{
    /* 64 Ki entries naming one 2 MiB table: 128 GiB read one by one */
    CHECK(open_sparse(6 << 20, 21, 1 << 16, 2 << 20, 4 << 20) == 0);
}

TEST(l1_table_larger_than_qemu_opens_is_refused)
{
    /* 4 Mi + 1 entries: 32 MiB, in a (sparse) file large enough */
    CHECK(open_sparse(64ULL << 20, 16, (4u << 20) + 1, 1 << 16, 0) == -1);
    CHECK(strstr(vrbd_error_last()->message,
                 "its L1 table has 4194305 entries, more than qemu opens "
                 "(4194304)") != NULL);
    /* the largest it opens is read, all of it */
    CHECK(open_sparse(64ULL << 20, 16, 4u << 20, 1 << 16, 0) == 0);
}

TEST(cut_short_header_is_refused)
{
    struct img m = make(3, CS);
    struct vrbd_qcow2 *q = NULL;
    int fd;

    m.len = 30;
    CHECK(open_img(&m, &q, &fd) == -1 && !q);
    CHECK(strstr(vrbd_error_last()->message, "its header is cut short") !=
          NULL);
    close(fd);
    free(m.b);
}

int
main(void)
{
    RUN(plain_image_maps_runs_of_data);
    RUN(clusters_stored_apart_are_separate_runs);
    RUN(last_run_ends_at_virtual_size);
    RUN(what_needs_qemu);
    RUN(corrupt_tables_are_refused_naming_the_file);
    RUN(unaligned_l2_table_is_refused);
    RUN(l2_table_shared_by_every_l1_entry_is_read_once);
    RUN(l1_table_larger_than_qemu_opens_is_refused);
    RUN(cut_short_header_is_refused);
    return harness_done();
}
