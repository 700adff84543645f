/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cephconf.c: the option names found in a ceph.conf, as librados's
 * parser sees them (comments, sections, continued lines), never a value.
 */
#include "cephconf.h"
#include "harness.h"
#include "xalloc.h"

/* "name@line name@line ..." */
static int
collect(const char *name, int line, void *opaque)
{
    char **all = opaque;
    char *next =
        xasprintf("%s%s%s@%d", *all ? *all : "", *all ? " " : "", name, line);

    free(*all);
    *all = next;
    return 0;
}

static char *
names(const char *text)
{
    char *all = NULL;

    if (vrbd_cephconf_names(text, strlen(text), collect, &all) < 0) {
        free(all);
        return xstrdup("(stopped)");
    }
    return all ? all : xstrdup("");
}

TEST(options_are_named_with_their_line_and_sections_skipped)
{
    char *got = names("[global]\nfsid = x\n  mon host=[v2:1.2.3.4:3300]\n"
                      "[client.admin]\n\tfoo_bar_unknown = 1\n");

    CHECK_STR(got, "fsid@2 mon host@3 foo_bar_unknown@5");
    free(got);
}

TEST(comments_and_blank_lines_name_nothing)
{
    char *got = names("# a = b\n; c = d\n\n   \n[x]\nlog_file = /x # e = f\n"
                      "g # = h\n");

    CHECK_STR(got, "log_file@6");
    free(got);
}

TEST(a_continued_line_is_one_option_at_its_first_line)
{
    char *got = names("keyring = a,\\\nb = c\nnext = 1\n");

    CHECK_STR(got, "keyring@1 next@3");
    free(got);
}

TEST(lines_without_a_name_are_skipped)
{
    char *got = names("= 1\n  =\nnoequals\n\"quoted\"=1\nlast=");

    CHECK_STR(got, "\"quoted\"@4 last@5");
    free(got);
}

TEST(a_nul_in_the_name_ends_the_line)
{
    static const char text[] = "a\0b = 1\nc = 2\n";
    char *all = NULL;

    CHECK(vrbd_cephconf_names(text, sizeof(text) - 1, collect, &all) == 0);
    CHECK_STR(all, "c@2");
    free(all);
}

static int
stop(const char *name, int line, void *opaque)
{
    (*(int *)opaque)++;
    return -1;
}

TEST(the_callback_can_stop_the_scan)
{
    int calls = 0;

    CHECK(vrbd_cephconf_names("a = 1\nb = 2\n", 12, stop, &calls) == -1);
    CHECK(calls == 1);
}

int
main(void)
{
    RUN(options_are_named_with_their_line_and_sections_skipped);
    RUN(comments_and_blank_lines_name_nothing);
    RUN(a_continued_line_is_one_option_at_its_first_line);
    RUN(lines_without_a_name_are_skipped);
    RUN(a_nul_in_the_name_ends_the_line);
    RUN(the_callback_can_stop_the_scan);
    return harness_done();
}
