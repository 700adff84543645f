/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-install-media.c: an installer's kernel and initrd found in the
 * tree layouts distributions ship, and staged into a boot directory:
 * readable by QEMU's user, unique per create, nothing left on failure.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "harness.h"
#include "install-media.h"
#include "internal.h"

static char root[] = "/tmp/test-install-media.XXXXXX";

static void
put(const char *rel, const char *text)
{
    CLEANUP_FREE char *p = xasprintf("%s/%s", root, rel);
    char *slash = p + strlen(root);
    FILE *f;

    while ((slash = strchr(slash + 1, '/'))) {
        *slash = '\0';
        mkdir(p, 0755);
        *slash = '/';
    }
    f = fopen(p, "w");
    REQUIRE(f != NULL);
    fputs(text, f);
    fclose(f);
}

static char *
slurp(const char *path)
{
    char buf[256] = "";
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f)
        return xstrdup("");
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return xstrdup(buf);
}

static size_t
entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

TEST(a_debian_tree_gives_its_kernel_and_initrd_mode_0644)
{
    CLEANUP_FREE char *boot = xasprintf("%s/boot", root);
    CLEANUP_FREE char *k = NULL;
    CLEANUP_FREE char *i = NULL;
    vrbd_install_media m;
    struct stat st;

    put("deb/install.amd/vmlinuz", "KERNEL-D");
    put("deb/install.amd/initrd.gz", "INITRD-D");
    {
        CLEANUP_FREE char *tree = xasprintf("%s/deb", root);

        REQUIRE(vrbd_install_media_stage(tree, "web1", boot, &m) == 0);
    }
    CHECK_STR(m.layout->what, "Debian");
    CHECK(!m.iso);
    CHECK(strstr(m.kernel, "/boot/virt-rbd-web1-kernel-") != NULL);
    k = slurp(m.kernel);
    i = slurp(m.initrd);
    CHECK_STR(k, "KERNEL-D");
    CHECK_STR(i, "INITRD-D");
    CHECK(stat(m.kernel, &st) == 0 && (st.st_mode & 0777) == 0644);
    CHECK(entries(boot) == 2);
    vrbd_install_media_remove(&m);
    CHECK(m.kernel == NULL);
    CHECK(entries(boot) == 0);
}

TEST(ubuntu_and_fedora_trees_are_found_too)
{
    CLEANUP_FREE char *boot = xasprintf("%s/boot", root);
    CLEANUP_FREE char *u = xasprintf("%s/ubu", root);
    CLEANUP_FREE char *f = xasprintf("%s/fed", root);
    vrbd_install_media m;

    put("ubu/casper/vmlinuz", "K");
    put("ubu/casper/initrd", "I");
    put("fed/images/pxeboot/vmlinuz", "K");
    put("fed/images/pxeboot/initrd.img", "I");
    REQUIRE(vrbd_install_media_stage(u, "a", boot, &m) == 0);
    CHECK_STR(m.layout->initrd, "casper/initrd");
    vrbd_install_media_remove(&m);
    REQUIRE(vrbd_install_media_stage(f, "a", boot, &m) == 0);
    CHECK_STR(m.layout->what, "Fedora/RHEL");
    vrbd_install_media_remove(&m);
}

TEST(two_stagings_of_one_name_do_not_share_files)
{
    CLEANUP_FREE char *boot = xasprintf("%s/boot", root);
    CLEANUP_FREE char *tree = xasprintf("%s/deb", root);
    vrbd_install_media a, b;

    put("deb/install.amd/vmlinuz", "K");
    put("deb/install.amd/initrd.gz", "I");
    REQUIRE(vrbd_install_media_stage(tree, "same", boot, &a) == 0);
    REQUIRE(vrbd_install_media_stage(tree, "same", boot, &b) == 0);
    CHECK(strcmp(a.kernel, b.kernel) != 0);
    vrbd_install_media_remove(&a);
    vrbd_install_media_remove(&b);
}

TEST(a_tree_without_an_installer_is_refused_and_leaves_nothing)
{
    CLEANUP_FREE char *boot = xasprintf("%s/boot", root);
    CLEANUP_FREE char *half = xasprintf("%s/half", root);
    vrbd_install_media m;

    /* a kernel without its initrd is no installer */
    put("half/install.amd/vmlinuz", "K");
    CHECK(vrbd_install_media_stage(half, "x", boot, &m) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_NOT_FOUND);
    CHECK(strstr(vrbd_error_last()->message,
                 "no installer kernel and initrd in") != NULL);
    CHECK(vrbd_install_media_stage("/nonexistent/tree", "x", boot, &m) == -1);
    CHECK(strstr(vrbd_error_last()->message,
                 "cannot read install location '/nonexistent/tree'") != NULL);
    CHECK(entries(boot) == 0);
    CHECK(m.kernel == NULL && m.initrd == NULL);
}

/* An ISO9660 image at @path holding @n files: names[i] with texts[i] */
static void
make_iso(const char *path, const char *const *names, const char *const *texts,
         size_t n)
{
    struct archive *a = archive_write_new();

    REQUIRE(archive_write_set_format_iso9660(a) == ARCHIVE_OK);
    REQUIRE(archive_write_open_filename(a, path) == ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();

        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)strlen(texts[i]));
        CHECK(archive_write_header(a, e) == ARCHIVE_OK);
        CHECK(archive_write_data(a, texts[i], strlen(texts[i])) ==
              (la_ssize_t)strlen(texts[i]));
        archive_entry_free(e);
    }
    CHECK(archive_write_close(a) == ARCHIVE_OK);
    archive_write_free(a);
}

TEST(an_iso_gives_its_installer_read_with_libarchive)
{
    static const char *const names[] = {"README.txt", "casper/vmlinuz",
                                        "casper/initrd"};
    static const char *const texts[] = {"hello", "KERNEL-ISO", "INITRD-ISO"};
    CLEANUP_FREE char *boot = xasprintf("%s/boot", root);
    CLEANUP_FREE char *iso = xasprintf("%s/ubuntu.iso", root);
    CLEANUP_FREE char *k = NULL;
    CLEANUP_FREE char *i = NULL;
    vrbd_install_media m;

    make_iso(iso, names, texts, 3);
    REQUIRE(vrbd_install_media_stage(iso, "web2", boot, &m) == 0);
    CHECK(m.iso);
    CHECK_STR(m.layout->what, "Ubuntu");
    k = slurp(m.kernel);
    i = slurp(m.initrd);
    CHECK_STR(k, "KERNEL-ISO");
    CHECK_STR(i, "INITRD-ISO");
    vrbd_install_media_remove(&m);
    CHECK(entries(boot) == 0);
}

TEST(an_iso_without_an_installer_or_no_iso_is_refused)
{
    static const char *const names[] = {"install.amd/vmlinuz"};
    static const char *const texts[] = {"K"};
    CLEANUP_FREE char *boot = xasprintf("%s/boot", root);
    CLEANUP_FREE char *iso = xasprintf("%s/half.iso", root);
    CLEANUP_FREE char *txt = xasprintf("%s/notes.txt", root);
    vrbd_install_media m;

    make_iso(iso, names, texts, 1);
    CHECK(vrbd_install_media_stage(iso, "x", boot, &m) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_NOT_FOUND);
    CHECK(strstr(vrbd_error_last()->message,
                 "no installer kernel and initrd in the ISO") != NULL);
    put("notes.txt", "not an ISO at all");
    CHECK(vrbd_install_media_stage(txt, "x", boot, &m) == -1);
    CHECK(strstr(vrbd_error_last()->message, "cannot read") != NULL);
    CHECK(strstr(vrbd_error_last()->message, "as an ISO") != NULL);
    CHECK(entries(boot) == 0);
}

int
main(void)
{
    if (!mkdtemp(root))
        return 1;
    RUN(a_debian_tree_gives_its_kernel_and_initrd_mode_0644);
    RUN(ubuntu_and_fedora_trees_are_found_too);
    RUN(two_stagings_of_one_name_do_not_share_files);
    RUN(a_tree_without_an_installer_is_refused_and_leaves_nothing);
    RUN(an_iso_gives_its_installer_read_with_libarchive);
    RUN(an_iso_without_an_installer_or_no_iso_is_refused);
    {
        CLEANUP_FREE char *cmd = xasprintf("rm -rf '%s'", root);

        if (system(cmd) != 0)
            fprintf(stderr, "# could not remove %s\n", root);
    }
    return harness_done();
}
