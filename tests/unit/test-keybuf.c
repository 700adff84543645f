/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-keybuf.c: key buffers and the scrubbing of keys out of answers. */
#include "harness.h"
#include "keybuf.h"
#include "xalloc.h"

TEST(a_secret_is_copied_and_trailing_space_dropped)
{
    vrbd_keybuf *s = vrbd_keybuf_new("AQDkey==\n", 9);

    CHECK_STR(s->data, "AQDkey==");
    CHECK(s->len == 8);
    vrbd_keybuf_free(s);
    vrbd_keybuf_free(NULL);
}

TEST(every_key_value_in_json_is_blanked_and_nothing_else)
{
    char buf[] = "[{\"entity\":\"client.a\",\"key\":\"AQDsecret1==\","
                 "\"caps\":{\"mon\":\"allow *\"}},{\"entity\":\"b\", "
                 "\"key\" : \"AQDsecret2==\"},{\"keys\":\"x\"}]";

    CHECK(vrbd_keybuf_scrub_json_keys(buf, strlen(buf)) == 2);
    CHECK(strstr(buf, "secret") == NULL);
    CHECK(strstr(buf, "\"key\":\"************\"") != NULL);
    CHECK(strstr(buf, "\"caps\":{\"mon\":\"allow *\"}") != NULL);
    CHECK(strstr(buf, "\"keys\":\"x\"") != NULL);
}

TEST(scrubbing_stops_at_the_buffer_end)
{
    char buf[] = "{\"key\":\"AQDtrunc";

    CHECK(vrbd_keybuf_scrub_json_keys(buf, strlen(buf)) == 1);
    CHECK(strstr(buf, "AQD") == NULL);
    CHECK(vrbd_keybuf_scrub_json_keys(NULL, 0) == 0);
}

int
main(void)
{
    RUN(a_secret_is_copied_and_trailing_space_dropped);
    RUN(every_key_value_in_json_is_blanked_and_nothing_else);
    RUN(scrubbing_stops_at_the_buffer_end);
    return harness_done();
}
