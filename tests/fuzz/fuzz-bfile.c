/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-bfile.c: libFuzzer target for the backup file reader
 * (lib/backup-file.c), the input being the whole file.  Beyond not
 * crashing: a refusal names the file; records go forward, lie inside the
 * image the header gives, and a data record holds at most what a writer
 * puts in one, its bytes there to read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backup-file.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vrbd_bfile_reader *r = NULL;
    vrbd_bfile_rec rec;
    uint64_t end = 0;
    int fd, k;

    fd = memfd_create("fuzz-bfile", MFD_CLOEXEC);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size ||
        lseek(fd, 0, SEEK_SET) != 0)
        abort();
    k = vrbd_bfile_open(fd, "f.vrbd", &r);
    while (k == 0 && (k = vrbd_bfile_next(r, &rec)) == 1) {
        const vrbd_bfile_header *h = vrbd_bfile_header_of(r);
        volatile unsigned char sum = 0;

        if (rec.offset < end || rec.length == 0 ||
            rec.offset + rec.length > h->image_size ||
            (rec.kind == 'D') != (rec.data != NULL) ||
            (rec.kind == 'D' && rec.length > VRBD_BFILE_MAX_RECORD))
            abort();
        /* every byte there to read (ASan sees any that is not) */
        for (uint64_t i = 0; rec.data && i < rec.length; i++)
            sum ^= ((const unsigned char *)rec.data)[i];
        (void)sum;
        end = rec.offset + rec.length;
        k = 0;
    }
    if (k < 0 && !strstr(vrbd_error_last()->message, "'f.vrbd'"))
        abort();
    vrbd_bfile_close(r);
    close(fd);
    return 0;
}
