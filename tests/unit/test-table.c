/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-table.c: aligned columns; an empty cell keeps its column. */
#include "harness.h"
#include "table.h"
#include "xalloc.h"

TEST(columns_are_as_wide_as_their_widest_cell)
{
    vrbd_table *t =
        vrbd_table_new((const char *[]){"NAME", "SIZE", "OWNER", NULL});
    char *s;

    vrbd_table_right(t, 1);
    CHECK(VRBD_TABLE_ROW(t, "disk-one", "1 GiB", "vm1") == 0);
    CHECK(VRBD_TABLE_ROW(t, "d2", "512 MiB", "vm-two") == 0);
    s = vrbd_table_text(t);
    CHECK_STR(s, "NAME         SIZE  OWNER\n"
                 "disk-one    1 GiB  vm1\n"
                 "d2        512 MiB  vm-two\n");
    free(s);
    vrbd_table_free(t);
}

/* host list once printed eight values under seven headers, and vol list
 * -l left empty cells out: values slid under the wrong header */
TEST(an_empty_cell_shows_as_a_dash_and_keeps_its_column)
{
    vrbd_table *t = vrbd_table_new((const char *[]){"A", "B", "C", NULL});
    char *s;

    CHECK(VRBD_TABLE_ROW(t, "x", "", "z") == 0);
    CHECK(VRBD_TABLE_ROW(t, "x", NULL, "z") == 0);
    s = vrbd_table_text(t);
    CHECK_STR(s, "A  B  C\n"
                 "x  -  z\n"
                 "x  -  z\n");
    free(s);
    vrbd_table_free(t);
}

TEST(a_row_of_the_wrong_length_is_refused_and_kept_aligned)
{
    vrbd_table *t = vrbd_table_new((const char *[]){"A", "B", NULL});
    char *s;

    CHECK(VRBD_TABLE_ROW(t, "1", "2", "3") == -1);
    CHECK(VRBD_TABLE_ROW(t, "1") == -1);
    s = vrbd_table_text(t);
    CHECK_STR(s, "A  B\n"
                 "1  2\n"
                 "1  -\n");
    free(s);
    vrbd_table_free(t);
}

TEST(headers_alone)
{
    vrbd_table *t = vrbd_table_new((const char *[]){"ONLY", NULL});
    char *s = vrbd_table_text(t);

    CHECK_STR(s, "ONLY\n");
    free(s);
    vrbd_table_free(t);
}

int
main(void)
{
    RUN(columns_are_as_wide_as_their_widest_cell);
    RUN(an_empty_cell_shows_as_a_dash_and_keeps_its_column);
    RUN(a_row_of_the_wrong_length_is_refused_and_kept_aligned);
    RUN(headers_alone);
    return harness_done();
}
