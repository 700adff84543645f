/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-qcow2.c: libFuzzer target for the qcow2 check and map
 * (lib/mover/qcow2.c), the input being the whole file.  Beyond not
 * crashing: a refusal says why; a plain image's runs of data go forward,
 * lie inside the virtual size and are stored inside the file; the names
 * the header gives of other files (vrbd_qcow2_refs) are read from within
 * it, a backing name at most 1023 bytes long.
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
    char *backing = NULL, *data_file = NULL;
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
    r = vrbd_qcow2_refs(fd, "f.qcow2", &backing, &data_file);
    if (r < 0 && (backing || data_file ||
                  !strstr(vrbd_error_last()->message, "'f.qcow2'")))
        abort();
    if (backing && (strlen(backing) > 1023 || strlen(backing) > size))
        abort();
    if (data_file && strlen(data_file) > size)
        abort();
    free(backing);
    free(data_file);
    close(fd);
    return 0;
}
