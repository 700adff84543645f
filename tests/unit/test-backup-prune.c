/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-backup-prune.c: which backups 'backup prune' keeps, and the merge
 * of a backup file into the one that follows it.  The merge is checked
 * against a model: random images and random changes (data, zeroed
 * ranges, shrinks and growths), the image rebuilt once from both files
 * and once from the merged one must be the same bytes.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backup-file.h"
#include "backup-internal.h"
#include "harness.h"
#include "internal.h"

#define DAY 86400
/* Monday 2026-11-30 00:00 UTC */
#define MONDAY ((int64_t)1795996800)

static vrbd_backup_entry *
entries(const int64_t *when, size_t n)
{
    vrbd_backup_entry *e = calloc(n, sizeof(*e));

    for (size_t i = 0; i < n; i++)
        e[i].when = when[i];
    return e;
}

static void
check_keep(const int64_t *when, size_t n, vrbd_backup_prune_opts o,
           const char *want)
{
    vrbd_backup_entry *e = entries(when, n);
    bool keep[64];
    char got[65] = "";

    vrbd_bk_prune_select(e, n, &o, keep);
    for (size_t i = 0; i < n; i++)
        got[i] = keep[i] ? 'k' : '-';
    CHECK_STR(got, want);
    free(e);
}

TEST(prune_keeps_the_newest_always_and_one_per_period)
{
    /* two a day for five days: Mon..Fri, 06:00 and 18:00 */
    int64_t w[10];
    vrbd_backup_prune_opts o = {.version = VRBD_BACKUP_PRUNE_OPTS_VERSION};

    for (int i = 0; i < 10; i++)
        w[i] = MONDAY + (i / 2) * DAY + (i % 2 ? 18 : 6) * 3600;
    check_keep(w, 10, o, "---------k"); /* no rule: the newest */
    o.keep_last = 3;
    check_keep(w, 10, o, "-------kkk");
    o.keep_last = 0;
    o.keep_daily = 2; /* Thu and Fri, the evening one */
    check_keep(w, 10, o, "-------k-k");
    o.keep_daily = 100;
    check_keep(w, 10, o, "-k-k-k-k-k");
    o.keep_daily = 0;
    o.keep_weekly = 4; /* one week: its newest */
    check_keep(w, 10, o, "---------k");
}

TEST(prune_weeks_run_from_monday)
{
    /* Sun 23:00, Mon 01:00, next Sun 12:00, next Mon 12:00 */
    int64_t w[] = {MONDAY - 3600, MONDAY + 3600, MONDAY + 6 * DAY + 12 * 3600,
                   MONDAY + 7 * DAY + 12 * 3600};
    vrbd_backup_prune_opts o = {.version = VRBD_BACKUP_PRUNE_OPTS_VERSION,
                                .keep_weekly = 3};

    check_keep(w, 4, o, "k-kk");
    o.keep_weekly = 2;
    check_keep(w, 4, o, "--kk");
}

/* ---- the merge, against a model */

static unsigned rng_state = 12345;
static unsigned
rnd(unsigned n)
{
    rng_state = rng_state * 1103515245 + 12345;
    return (rng_state >> 8) % n;
}

static int
memfile(void)
{
    int fd = memfd_create("prune", MFD_CLOEXEC);

    if (fd < 0)
        abort();
    return fd;
}

/* A backup of @after against @before (NULL: a full one), @sa and @sb
 * bytes: the changed blocks as data or zero records */
static int
diff_file(const unsigned char *before, uint64_t sb, const unsigned char *after,
          uint64_t sa, const char *from, const char *to)
{
    vrbd_bfile_header h = {.image_size = sa, .created = 1};
    vrbd_bfile_writer *w;
    int fd = memfile();
    const uint64_t blk = 512;

    snprintf(h.from_snap, sizeof(h.from_snap), "%s", from);
    snprintf(h.to_snap, sizeof(h.to_snap), "%s", to);
    if (vrbd_bfile_write_begin(fd, "t", &h, &w) < 0)
        abort();
    for (uint64_t off = 0; off < sa; off += blk) {
        bool zero = true, same = before != NULL;

        for (uint64_t i = off; i < off + blk; i++) {
            unsigned char was = before && i < sb ? before[i] : 0;

            zero = zero && after[i] == 0;
            same = same && after[i] == was;
        }
        if (same || (zero && !before))
            continue;
        if (zero ? vrbd_bfile_write_zero(w, off, blk)
                 : vrbd_bfile_write_data(w, off, after + off, blk))
            abort();
    }
    if (vrbd_bfile_write_end(w) < 0)
        abort();
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* @img (*@size bytes, room for 64 KiB) with the file @fd applied, as
 * restore applies it: resized to the header's size, then the records */
static int
apply(int fd, unsigned char *img, uint64_t *size)
{
    vrbd_bfile_reader *r;
    vrbd_bfile_rec rec;
    int k;

    lseek(fd, 0, SEEK_SET);
    if (vrbd_bfile_open(fd, "t", &r) < 0)
        return -1;
    if (vrbd_bfile_header_of(r)->image_size < *size)
        memset(img + vrbd_bfile_header_of(r)->image_size, 0,
               *size - vrbd_bfile_header_of(r)->image_size);
    *size = vrbd_bfile_header_of(r)->image_size;
    while ((k = vrbd_bfile_next(r, &rec)) == 1) {
        if (rec.kind == 'D')
            memcpy(img + rec.offset, rec.data, rec.length);
        else
            memset(img + rec.offset, 0, rec.length);
    }
    vrbd_bfile_close(r);
    return k;
}

/* A random image of 8 to 64 KiB (512-byte blocks): data, zeroes, or
 * @like's where it has them */
static uint64_t
random_image(unsigned char *img, const unsigned char *like, uint64_t like_size)
{
    uint64_t size = (16 + rnd(113)) * 512;

    for (uint64_t b = 0; b < size; b += 512) {
        unsigned k = rnd(4);

        for (uint64_t i = b; i < b + 512; i++)
            img[i] = k == 0 ? 0
                     : k == 1 && like && i < like_size
                         ? like[i]
                         : (unsigned char)rnd(256);
    }
    return size;
}

TEST(a_merged_file_rebuilds_the_same_image)
{
    static unsigned char v0[65536], v1[65536], v2[65536], m1[65536], m2[65536];
    unsigned bad = 0;

    for (int round = 0; round < 300; round++) {
        bool from_full = round % 2 == 0;
        uint64_t s0 = random_image(v0, NULL, 0);
        uint64_t s1 = random_image(v1, v0, s0);
        uint64_t s2 = random_image(v2, v1, s1);
        uint64_t z1, z2;
        /* a full backup of v1 then a diff to v2; or diffs v0->v1->v2 */
        int fa = from_full ? diff_file(NULL, 0, v1, s1, "", "b1")
                           : diff_file(v0, s0, v1, s1, "b0", "b1");
        int fb = diff_file(v1, s1, v2, s2, "b1", "b2");
        int out = memfile();

        if (vrbd_bk_merge_fds(fa, "a", fb, "b", out, "m") < 0) {
            bad++;
            continue;
        }
        /* the model: the base, then both files; the base, then the
         * merged one */
        z1 = z2 = from_full ? 0 : s0;
        memset(m1, 0, sizeof(m1));
        memset(m2, 0, sizeof(m2));
        if (!from_full) {
            memcpy(m1, v0, s0);
            memcpy(m2, v0, s0);
        }
        if (apply(fa, m1, &z1) < 0 || apply(fb, m1, &z1) < 0 ||
            apply(out, m2, &z2) < 0 || z1 != z2 || z2 != s2 ||
            memcmp(m1, m2, s2) != 0 || memcmp(m2, v2, s2) != 0) {
            bad++;
            printf("# round %d: the merged file rebuilds another image\n",
                   round);
        }
        close(fa);
        close(fb);
        close(out);
    }
    CHECK_U64(bad, 0);
}

TEST(a_merge_of_a_full_backup_is_full_and_holds_no_zeroes)
{
    static unsigned char v1[65536], v2[65536];
    uint64_t s1 = 64 * 512, s2 = 64 * 512;
    int fa, fb, out = memfile(), k;
    vrbd_bfile_reader *r;
    vrbd_bfile_rec rec;
    unsigned zeroes = 0;

    memset(v1, 7, s1);
    memcpy(v2, v1, s1);
    memset(v2 + 4096, 0, 8192); /* zeroed in the diff */
    fa = diff_file(NULL, 0, v1, s1, "", "b1");
    fb = diff_file(v1, s1, v2, s2, "b1", "b2");
    CHECK(vrbd_bk_merge_fds(fa, "a", fb, "b", out, "m") == 0);
    lseek(out, 0, SEEK_SET);
    REQUIRE(vrbd_bfile_open(out, "m", &r) == 0);
    CHECK_STR(vrbd_bfile_header_of(r)->from_snap, "");
    CHECK_STR(vrbd_bfile_header_of(r)->to_snap, "b2");
    while ((k = vrbd_bfile_next(r, &rec)) == 1)
        zeroes += rec.kind == 'Z';
    CHECK(k == 0);
    CHECK_U64(zeroes, 0);
    vrbd_bfile_close(r);
}

TEST(a_file_that_does_not_follow_is_refused)
{
    static unsigned char v1[4096];
    int fa = diff_file(NULL, 0, v1, 4096, "", "b1");
    int fb = diff_file(v1, 4096, v1, 4096, "b7", "b8");

    CHECK(vrbd_bk_merge_fds(fa, "a", fb, "b", memfile(), "m") == -1);
    CHECK(strstr(vrbd_error_last()->message, "does not follow") != NULL);
}

int
main(void)
{
    RUN(prune_keeps_the_newest_always_and_one_per_period);
    RUN(prune_weeks_run_from_monday);
    RUN(a_merged_file_rebuilds_the_same_image);
    RUN(a_merge_of_a_full_backup_is_full_and_holds_no_zeroes);
    RUN(a_file_that_does_not_follow_is_refused);
    return harness_done();
}
