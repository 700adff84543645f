/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-xalloc.c: xmemalign's alignment, which O_DIRECT reads rely on. */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "xalloc.h"

TEST(memalign_returns_aligned_writable_memory)
{
    static const size_t sizes[] = {0, 1, 4095, 4096, 65537, (size_t)2 << 20};
    static const size_t aligns[] = {sizeof(void *), 512, 4096, 65536};

    for (size_t a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++)
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            unsigned char *p = xmemalign(aligns[a], sizes[i]);

            CHECK((uintptr_t)p % aligns[a] == 0);
            if (sizes[i]) {
                p[0] = 1;
                p[sizes[i] - 1] = 2;
            }
            free(p);
        }
}

int
main(void)
{
    RUN(memalign_returns_aligned_writable_memory);
    return harness_done();
}
