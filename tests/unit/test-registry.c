/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-registry.c: reading and editing the cluster registry as files a
 * person wrote.  Adding needs a live cluster: that is in the integration
 * suite; here the files are written by hand, as an admin may.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"

static char *dir;

static void
put(const char *rel, const char *text)
{
    CLEANUP_FREE char *path = xasprintf("%s/%s", dir, rel);
    CLEANUP_FREE char *sub = xasprintf("%s/clusters", dir);
    FILE *f;

    mkdir(dir, 0755);
    mkdir(sub, 0755);
    f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void
fresh(void)
{
    CLEANUP_FREE char *cmd = NULL;

    if (dir) {
        cmd = xasprintf("rm -rf '%s'", dir);
        if (system(cmd) != 0)
            abort();
        free(dir);
    }
    dir = xstrdup("/tmp/vrbd-test-registry-XXXXXX");
    if (!mkdtemp(dir))
        abort();
}

static vrbd_registry *
open_reg(void)
{
    vrbd_registry *reg = NULL;

    if (vrbd_registry_open(dir, &reg) < 0)
        abort();
    return reg;
}

TEST(an_empty_or_missing_directory_lists_nothing)
{
    vrbd_registry *reg;
    vrbd_cluster_entry *all = NULL;
    size_t n = 7;

    fresh();
    reg = open_reg();
    CHECK(vrbd_registry_list(reg, &all, &n) == 0);
    CHECK(n == 0);
    vrbd_cluster_entry_list_free(all, n);
    vrbd_registry_free(reg);
}

TEST(hand_written_files_are_listed_sorted_with_the_default_marked)
{
    vrbd_registry *reg;
    vrbd_cluster_entry *all = NULL;
    size_t n = 0;

    fresh();
    put("clusters/zdata.conf", "fsid = f2\nmon_host = 127.0.0.1:3301\n"
                               "keyring = /k/z\n");
    put("clusters/ceph.conf", "# comment\n\n  conf = /c/ceph.conf  \n"
                              "fsid=f1\nid = libvirt\n");
    put("clusters/notes.txt", "ignored\n");
    put("clusters/bad name.conf", "fsid = x\n");
    put("virt-rbd.conf", "default_cluster = zdata\n");
    reg = open_reg();
    REQUIRE(vrbd_registry_list(reg, &all, &n) == 0);
    REQUIRE(n == 2);
    CHECK_STR(all[0].name, "ceph");
    CHECK_STR(all[0].conf_path, "/c/ceph.conf");
    CHECK_STR(all[0].user, "libvirt");
    CHECK(all[0].mon_host == NULL);
    CHECK(!all[0].is_default);
    CHECK_STR(all[1].name, "zdata");
    CHECK_STR(all[1].user, "admin");
    CHECK_STR(all[1].keyring, "/k/z");
    CHECK(all[1].is_default);
    vrbd_cluster_entry_list_free(all, n);
    vrbd_registry_free(reg);
}

TEST(get_without_a_name_means_the_default)
{
    vrbd_registry *reg;
    vrbd_cluster_entry e = {0};

    fresh();
    put("clusters/ceph.conf", "fsid = f1\nmon_host = 127.0.0.1:3300\n");
    put("virt-rbd.conf", "default_cluster = ceph\n");
    reg = open_reg();
    CHECK(vrbd_registry_get(reg, NULL, &e) == 0);
    CHECK_STR(e.name, "ceph");
    vrbd_cluster_entry_clear(&e);
    vrbd_registry_free(reg);
}

TEST(an_unknown_name_is_not_found_and_the_known_ones_are_named)
{
    vrbd_registry *reg;
    vrbd_cluster_entry e = {0};

    fresh();
    put("clusters/ceph.conf", "fsid = f1\n");
    put("clusters/zdata.conf", "fsid = f2\n");
    reg = open_reg();
    CHECK(vrbd_registry_get(reg, "nope", &e) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_NOT_FOUND);
    CHECK_STR(vrbd_error_last()->message, "cluster 'nope' is not registered");
    CHECK_STR(vrbd_error_last()->hint, "known clusters: ceph, zdata");
    CHECK(vrbd_registry_get(reg, "../etc", &e) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
    vrbd_registry_free(reg);
}

TEST(a_typo_in_a_file_names_file_line_and_key)
{
    vrbd_registry *reg;
    vrbd_cluster_entry *all = NULL;
    size_t n = 0;
    CLEANUP_FREE char *want = NULL;

    fresh();
    put("clusters/ceph.conf", "fsid = f1\nmon_hots = 1.2.3.4\n");
    reg = open_reg();
    CHECK(vrbd_registry_list(reg, &all, &n) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_CONFIG);
    want = xasprintf("%s/clusters/ceph.conf:2: unknown key 'mon_hots'", dir);
    CHECK_STR(vrbd_error_last()->message, want);
    vrbd_registry_free(reg);
}

TEST(a_line_without_equals_is_a_syntax_error)
{
    vrbd_registry *reg;
    vrbd_cluster_entry e = {0};

    fresh();
    put("clusters/ceph.conf", "fsid f1\n");
    reg = open_reg();
    CHECK(vrbd_registry_get(reg, "ceph", &e) == -1);
    CHECK(strstr(vrbd_error_last()->message, "ceph.conf:1: expected 'key = "
                                             "value'") != NULL);
    vrbd_registry_free(reg);
}

TEST(removing_the_default_promotes_the_first_remaining)
{
    vrbd_registry *reg;
    vrbd_cluster_entry e = {0};
    char *nd = NULL;

    fresh();
    put("clusters/b.conf", "fsid = 2\n");
    put("clusters/c.conf", "fsid = 3\n");
    put("clusters/a.conf", "fsid = 1\n");
    put("virt-rbd.conf", "default_cluster = a\n");
    reg = open_reg();
    CHECK(vrbd_registry_remove(reg, "a", &nd) == 0);
    CHECK_STR(nd, "b");
    free(nd);
    CHECK(vrbd_registry_get(reg, NULL, &e) == 0);
    CHECK_STR(e.name, "b");
    vrbd_cluster_entry_clear(&e);
    CHECK(vrbd_registry_remove(reg, "c", &nd) == 0);
    CHECK(nd == NULL);
    CHECK(vrbd_registry_remove(reg, "a", NULL) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_NOT_FOUND);
    vrbd_registry_free(reg);
}

TEST(set_default_refuses_an_unknown_cluster_and_changes_nothing)
{
    vrbd_registry *reg;
    vrbd_cluster_entry e = {0};

    fresh();
    put("clusters/a.conf", "fsid = 1\n");
    put("clusters/b.conf", "fsid = 2\n");
    put("virt-rbd.conf", "default_cluster = a\n");
    reg = open_reg();
    CHECK(vrbd_registry_set_default(reg, "zz") == -1);
    CHECK(vrbd_registry_get(reg, NULL, &e) == 0);
    CHECK_STR(e.name, "a");
    vrbd_cluster_entry_clear(&e);
    CHECK(vrbd_registry_set_default(reg, "b") == 0);
    CHECK(vrbd_registry_get(reg, NULL, &e) == 0);
    CHECK_STR(e.name, "b");
    vrbd_cluster_entry_clear(&e);
    vrbd_registry_free(reg);
}

TEST(add_refuses_a_taken_name_before_connecting)
{
    vrbd_registry *reg;
    vrbd_cluster_entry e = {.name = (char *)"ceph",
                            .mon_host = (char *)"127.0.0.1:9"};

    fresh();
    put("clusters/ceph.conf", "fsid = 1\n");
    reg = open_reg();
    CHECK(vrbd_registry_add(reg, &e, 1, NULL) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_EXISTS);
    CHECK_STR(vrbd_error_last()->message,
              "cluster 'ceph' is already registered");
    vrbd_registry_free(reg);
}

TEST(add_refuses_values_that_would_break_the_file)
{
    vrbd_registry *reg;
    vrbd_cluster_entry e = {.name = (char *)"x",
                            .mon_host = (char *)"1.2.3.4\nkeyring = /etc"};

    fresh();
    reg = open_reg();
    CHECK(vrbd_registry_add(reg, &e, 1, NULL) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
    vrbd_registry_free(reg);
}

TEST(the_environment_names_the_directory_when_none_is_given)
{
    vrbd_registry *reg = NULL;

    setenv("VIRT_RBD_CONFIG_DIR", "/somewhere/else", 1);
    CHECK(vrbd_registry_open(NULL, &reg) == 0);
    CHECK_STR(vrbd_registry_dir(reg), "/somewhere/else");
    vrbd_registry_free(reg);
    unsetenv("VIRT_RBD_CONFIG_DIR");
    CHECK(vrbd_registry_open(NULL, &reg) == 0);
    CHECK_STR(vrbd_registry_dir(reg), "/etc/virt-rbd");
    vrbd_registry_free(reg);
}

int
main(void)
{
    int r;

    RUN(an_empty_or_missing_directory_lists_nothing);
    RUN(hand_written_files_are_listed_sorted_with_the_default_marked);
    RUN(get_without_a_name_means_the_default);
    RUN(an_unknown_name_is_not_found_and_the_known_ones_are_named);
    RUN(a_typo_in_a_file_names_file_line_and_key);
    RUN(a_line_without_equals_is_a_syntax_error);
    RUN(removing_the_default_promotes_the_first_remaining);
    RUN(set_default_refuses_an_unknown_cluster_and_changes_nothing);
    RUN(add_refuses_a_taken_name_before_connecting);
    RUN(add_refuses_values_that_would_break_the_file);
    RUN(the_environment_names_the_directory_when_none_is_given);
    r = harness_done();
    fresh();
    rmdir(dir);
    free(dir);
    return r;
}
