/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-virt.c: loading libvirt when first needed (lib/virt.c). */
#define VRBD_VIRT_LOADER /* the real names, to compare with */
#include <string.h>

#include "harness.h"
#include "internal.h"
#include "virt.h"

TEST(nothing_is_loaded_before_it_is_asked_for)
{
    CHECK(!vrbd_virt_loaded());
    CHECK(vrbd_virt_api.virConnectOpen == NULL);
}

TEST(libvirt_loads_with_every_function_set)
{
    struct vrbd_virt_api api;
    char why[256] = "";

    memset(&api, 0, sizeof(api));
    CHECK(vrbd_virt_open("libvirt.so.0", &api, why, sizeof(why)) == 0);
    CHECK(why[0] == '\0');
    /* the very functions the linker gives this test */
#define SAME(fn) CHECK(api.fn == fn);
    VRBD_VIRT_FUNCS(SAME)
#undef SAME
}

TEST(a_library_that_is_not_there_is_named_and_leaves_the_table)
{
    struct vrbd_virt_api api;
    char why[256] = "";

    memset(&api, 0, sizeof(api));
    CHECK(vrbd_virt_open("libvrbd-test-absent.so.0", &api, why, sizeof(why)) ==
          -1);
    CHECK(strstr(why, "libvrbd-test-absent.so.0") != NULL);
    CHECK(api.virConnectOpen == NULL);
}

TEST(a_library_without_a_function_names_the_function)
{
    struct vrbd_virt_api api;
    char why[256] = "";

    memset(&api, 0, sizeof(api));
    CHECK(vrbd_virt_open("libc.so.6", &api, why, sizeof(why)) == -1);
    CHECK(strcmp(why, "libc.so.6 has no virConnectClose()") == 0);
    CHECK(api.virConnectClose == NULL);
}

TEST(the_process_loads_it_once_and_libvirt_init_silences_it)
{
    CHECK(vrbd_libvirt_init() == 0);
    CHECK(vrbd_virt_loaded());
    CHECK(vrbd_virt_api.virGetVersion == virGetVersion);
    CHECK(vrbd_virt_load() == 0);
}

int
main(void)
{
    RUN(nothing_is_loaded_before_it_is_asked_for);
    RUN(libvirt_loads_with_every_function_set);
    RUN(a_library_that_is_not_there_is_named_and_leaves_the_table);
    RUN(a_library_without_a_function_names_the_function);
    RUN(the_process_loads_it_once_and_libvirt_init_silences_it);
    return harness_done();
}
