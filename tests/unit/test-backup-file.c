/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-backup-file.c: backup files (lib/backup-file.c) written and read
 * back in memory files: what goes in comes out, records split at the
 * size a reader holds, and a file damaged anywhere (a flipped byte, cut
 * short, bytes after the end, a newer version) is refused naming where.
 * CRC-32C against its published check value.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backup-file.h"
#include "crc32c.h"
#include "harness.h"
#include "internal.h"

#define MiB ((uint64_t)1 << 20)

static int
memfile(void)
{
    int fd = memfd_create("bfile", MFD_CLOEXEC);

    if (fd < 0)
        abort();
    return fd;
}

static vrbd_bfile_header
header(const char *from, const char *to, uint64_t size)
{
    vrbd_bfile_header h = {.image_size = size, .created = 1765000000};

    snprintf(h.from_snap, sizeof(h.from_snap), "%s", from);
    snprintf(h.to_snap, sizeof(h.to_snap), "%s", to);
    return h;
}

/* A file of a 16 MiB image: 5 MiB of data at 1 MiB (two records: 4 + 1),
 * zeroes at 8 MiB, 4 KiB of data at the very end; its length in *len */
static int
sample(unsigned char **data, off_t *len)
{
    vrbd_bfile_header h = header("b1", "b2", 16 * MiB);
    vrbd_bfile_writer *w;
    unsigned char *d = malloc(5 * MiB);
    int fd = memfile();

    for (uint64_t i = 0; i < 5 * MiB; i++)
        d[i] = (unsigned char)(i * 7 + (i >> 12));
    if (vrbd_bfile_write_begin(fd, "f", &h, &w) < 0 ||
        vrbd_bfile_write_data(w, MiB, d, 5 * MiB) < 0 ||
        vrbd_bfile_write_zero(w, 8 * MiB, 2 * MiB) < 0 ||
        vrbd_bfile_write_data(w, 16 * MiB - 4096, d, 4096) < 0 ||
        vrbd_bfile_write_end(w) < 0)
        abort();
    *data = d;
    *len = lseek(fd, 0, SEEK_CUR);
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* Read @fd to its end: the number of records, or -1 */
static int
read_through(int fd)
{
    vrbd_bfile_reader *r;
    vrbd_bfile_rec rec;
    int n = 0, k;

    if (vrbd_bfile_open(fd, "f", &r) < 0)
        return -1;
    while ((k = vrbd_bfile_next(r, &rec)) == 1)
        n++;
    vrbd_bfile_close(r);
    return k < 0 ? -1 : n;
}

TEST(crc32c_gives_the_published_check_value)
{
    CHECK(vrbd_crc32c(0, "123456789", 9) == 0xe3069283u);
    /* continued in pieces, the same */
    CHECK(vrbd_crc32c(vrbd_crc32c(0, "1234", 4), "56789", 5) == 0xe3069283u);
    CHECK(vrbd_crc32c(0, "", 0) == 0);
}

TEST(what_is_written_reads_back)
{
    unsigned char *d;
    off_t len;
    int fd = sample(&d, &len);
    vrbd_bfile_reader *r;
    vrbd_bfile_rec rec;

    CHECK(vrbd_bfile_open(fd, "f", &r) == 0);
    CHECK(vrbd_bfile_header_of(r)->image_size == 16 * MiB);
    CHECK(vrbd_bfile_header_of(r)->created == 1765000000);
    CHECK_STR(vrbd_bfile_header_of(r)->from_snap, "b1");
    CHECK_STR(vrbd_bfile_header_of(r)->to_snap, "b2");
    /* 5 MiB in two records: a reader holds at most 4 MiB */
    CHECK(vrbd_bfile_next(r, &rec) == 1 && rec.kind == 'D' &&
          rec.offset == MiB && rec.length == 4 * MiB &&
          memcmp(rec.data, d, 4 * MiB) == 0);
    CHECK(vrbd_bfile_next(r, &rec) == 1 && rec.kind == 'D' &&
          rec.offset == 5 * MiB && rec.length == MiB &&
          memcmp(rec.data, d + 4 * MiB, MiB) == 0);
    CHECK(vrbd_bfile_next(r, &rec) == 1 && rec.kind == 'Z' &&
          rec.offset == 8 * MiB && rec.length == 2 * MiB && !rec.data);
    CHECK(vrbd_bfile_next(r, &rec) == 1 && rec.kind == 'D' &&
          rec.offset == 16 * MiB - 4096 && rec.length == 4096 &&
          memcmp(rec.data, d, 4096) == 0);
    CHECK(vrbd_bfile_next(r, &rec) == 0);
    CHECK(vrbd_bfile_next(r, &rec) == 0);
    vrbd_bfile_close(r);
    free(d);
    close(fd);
}

TEST(a_full_backup_has_no_from_snapshot)
{
    vrbd_bfile_header h = header("", "b1", MiB);
    vrbd_bfile_writer *w;
    vrbd_bfile_reader *r;
    vrbd_bfile_rec rec;
    int fd = memfile();

    CHECK(vrbd_bfile_write_begin(fd, "f", &h, &w) == 0);
    CHECK(vrbd_bfile_write_end(w) == 0);
    lseek(fd, 0, SEEK_SET);
    CHECK(vrbd_bfile_open(fd, "f", &r) == 0);
    CHECK_STR(vrbd_bfile_header_of(r)->from_snap, "");
    CHECK(vrbd_bfile_next(r, &rec) == 0);
    vrbd_bfile_close(r);
    close(fd);
}

/* The sample with the byte at @at changed: the reader's error, or NULL
 * when it read through */
static char *
damaged_at(off_t at)
{
    unsigned char *d, c;
    off_t len;
    int fd = sample(&d, &len);
    char *msg = NULL;

    free(d);
    if (pread(fd, &c, 1, at) != 1)
        abort();
    c ^= 0x10;
    if (pwrite(fd, &c, 1, at) != 1)
        abort();
    if (read_through(fd) < 0)
        msg = xstrdup(vrbd_error_last()->message);
    close(fd);
    return msg;
}

TEST(a_flipped_byte_anywhere_is_found)
{
    unsigned char *d;
    off_t len;
    int fd = sample(&d, &len);
    /* the header (magic, size, a name, its crc), the first record's
     * header, its data, the zero record, the trailer */
    const off_t at[] = {
        0,       20,      41, 46, 48 + 3, 48 + 25 + 9, 48 + 25 + 2 * MiB,
        len - 1, len - 20};
    char *msg;

    free(d);
    close(fd);
    CHECK(read_through(sample(&d, &len)) == 4);
    free(d);
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        msg = damaged_at(at[i]);
        CHECK(msg && strstr(msg, "backup file 'f' does not check at byte"));
        free(msg);
    }
    msg = damaged_at(48 + 25 + 2 * MiB);
    CHECK(msg && strstr(msg, "a data record's checksum is wrong"));
    free(msg);
    msg = damaged_at(0);
    CHECK(msg && strstr(msg, "it is no virt-rbd backup file"));
    free(msg);
}

TEST(a_file_cut_short_or_with_more_is_refused)
{
    unsigned char *d;
    off_t len;
    int fd = sample(&d, &len);

    free(d);
    /* the trailer gone: the writer did not finish */
    CHECK(ftruncate(fd, len - 25) == 0);
    CHECK(read_through(fd) == -1);
    CHECK(strstr(vrbd_error_last()->message, "it ends without its trailer"));
    /* inside a data record */
    lseek(fd, 0, SEEK_SET);
    CHECK(ftruncate(fd, 48 + 25 + MiB) == 0);
    CHECK(read_through(fd) == -1);
    CHECK(strstr(vrbd_error_last()->message, "it ends inside a record"));
    /* inside the header, and nothing at all */
    lseek(fd, 0, SEEK_SET);
    CHECK(ftruncate(fd, 30) == 0);
    CHECK(read_through(fd) == -1);
    CHECK(ftruncate(fd, 0) == 0);
    lseek(fd, 0, SEEK_SET);
    CHECK(read_through(fd) == -1);
    CHECK(strstr(vrbd_error_last()->message, "it is empty"));
    close(fd);
    /* a byte after the trailer */
    fd = sample(&d, &len);
    free(d);
    CHECK(pwrite(fd, "x", 1, len) == 1);
    CHECK(read_through(fd) == -1);
    CHECK(strstr(vrbd_error_last()->message, "bytes follow its trailer"));
    close(fd);
}

TEST(a_newer_version_is_named)
{
    unsigned char *d, v = 2;
    off_t len;
    int fd = sample(&d, &len);

    free(d);
    CHECK(pwrite(fd, &v, 1, 8) == 1);
    CHECK(read_through(fd) == -1);
    CHECK(strstr(vrbd_error_last()->message,
                 "format version 2, this virt-rbd reads 1"));
    close(fd);
}

TEST(the_writer_refuses_ranges_out_of_order_or_outside)
{
    vrbd_bfile_header h = header("", "b1", 4 * MiB);
    vrbd_bfile_writer *w;
    unsigned char buf[4096] = {1};
    int fd = memfile();

    CHECK(vrbd_bfile_write_begin(fd, "f", &h, &w) == 0);
    CHECK(vrbd_bfile_write_data(w, MiB, buf, sizeof(buf)) == 0);
    CHECK(vrbd_bfile_write_data(w, MiB, buf, sizeof(buf)) == -1); /* overlap */
    CHECK(vrbd_bfile_write_zero(w, 0, 4096) == -1);               /* back */
    CHECK(vrbd_bfile_write_zero(w, 4 * MiB - 4096, 8192) == -1);  /* beyond */
    CHECK(vrbd_bfile_write_zero(w, 2 * MiB, 0) == -1);            /* empty */
    CHECK(vrbd_bfile_write_zero(w, 4 * MiB - 4096, 4096) == 0);
    vrbd_bfile_writer_free(w);
    /* the file it left has no trailer: a reader refuses it */
    lseek(fd, 0, SEEK_SET);
    CHECK(read_through(fd) == -1);
    close(fd);
    /* names: one to 255 bytes */
    h = header("", "", MiB);
    CHECK(vrbd_bfile_write_begin(memfile(), "g", &h, &w) == -1 && !w);
}

int
main(void)
{
    RUN(crc32c_gives_the_published_check_value);
    RUN(what_is_written_reads_back);
    RUN(a_full_backup_has_no_from_snapshot);
    RUN(a_flipped_byte_anywhere_is_found);
    RUN(a_file_cut_short_or_with_more_is_refused);
    RUN(a_newer_version_is_named);
    RUN(the_writer_refuses_ranges_out_of_order_or_outside);
    return harness_done();
}
