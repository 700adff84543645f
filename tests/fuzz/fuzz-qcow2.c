/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-qcow2.c: libFuzzer target for the qcow2 check and map (lib/qcow2.c),
 * the input being the whole file.  Beyond not crashing: a refusal says why;
 * a plain image's runs of data go forward, lie inside the virtual size
 * and are stored inside the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "qcow2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vrbd_qcow2 *q = NULL;
    uint64_t off = 0, start, end, host;
    int fd, r;

    fd = memfd_create("fuzz-qcow2", MFD_CLOEXEC);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size)
        abort();
    r = vrbd_qcow2_open(fd, "f.qcow2", &q);
    if (r < 0 && !strstr(vrbd_error_last()->message, "'f.qcow2'"))
        abort();
    if ((r == 0) != (q != NULL))
        abort();
    while (q && vrbd_qcow2_next(q, off, &start, &end, &host) == 1) {
        if (start < off || end <= start || end > vrbd_qcow2_size(q) ||
            host + (end - start) > size)
            abort();
        off = end;
    }
    vrbd_qcow2_free(q);
    close(fd);
    return 0;
}
