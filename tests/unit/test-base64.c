/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-base64.c: strict decoding of cephx keys. */
#include "base64.h"
#include "harness.h"

static long
dec(const char *in, unsigned char *out)
{
    return vrbd_base64_decode(in, strlen(in), out);
}

TEST(padded_groups_decode)
{
    unsigned char out[64];

    CHECK(dec("TWFu", out) == 3 && memcmp(out, "Man", 3) == 0);
    CHECK(dec("TWE=", out) == 2 && memcmp(out, "Ma", 2) == 0);
    CHECK(dec("TQ==", out) == 1 && out[0] == 'M');
    CHECK(dec("", out) == 0);
}

TEST(a_cephx_key_decodes_to_28_bytes)
{
    unsigned char out[64];

    CHECK(dec("AQDpZwVrJu9MLRAAjq1LMmBIsmqhCzQjztzsWQ==", out) == 28);
    CHECK(out[0] == 1); /* key type: AES */
}

TEST(malformed_input_is_refused)
{
    unsigned char out[64];

    CHECK(dec("TWF", out) == -1);      /* not a multiple of 4 */
    CHECK(dec("TW=u", out) == -1);     /* data after padding */
    CHECK(dec("T===", out) == -1);     /* too much padding */
    CHECK(dec("TWFu\n", out) == -1);   /* white space */
    CHECK(dec("TW!u", out) == -1);     /* outside the alphabet */
    CHECK(dec("TQ==TWFu", out) == -1); /* padding before the end */
}

int
main(void)
{
    RUN(padded_groups_decode);
    RUN(a_cephx_key_decodes_to_28_bytes);
    RUN(malformed_input_is_refused);
    return harness_done();
}
