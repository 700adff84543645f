/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * install-media.c: the installer's kernel and initrd for vm create
 * --location, found by the layouts distributions ship (Debian, Ubuntu,
 * Fedora/RHEL, openSUSE) in an install tree or an ISO, and copied into
 * the boot directory for one boot.  Not a downloader: the tree or ISO
 * is local.  Defining and starting the domain is vm.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "install-media.h"
#include "internal.h"

const vrbd_install_layout vrbd_install_layouts[] = {
    {"install.amd/vmlinuz", "install.amd/initrd.gz", "Debian"},
    {"casper/vmlinuz", "casper/initrd", "Ubuntu"},
    {"casper/vmlinuz", "casper/initrd.gz", "Ubuntu"},
    {"casper/vmlinuz", "casper/initrd.lz", "Ubuntu"},
    {"images/pxeboot/vmlinuz", "images/pxeboot/initrd.img", "Fedora/RHEL"},
    {"isolinux/vmlinuz", "isolinux/initrd.img", "RHEL/CentOS 7"},
    {"debian-installer/amd64/linux", "debian-installer/amd64/initrd.gz",
     "Debian netboot"},
    {"install/vmlinuz", "install/initrd.gz", "Debian/Ubuntu (older)"},
    {"boot/x86_64/loader/linux", "boot/x86_64/loader/initrd", "openSUSE"},
    {NULL, NULL, NULL},
};

int
vrbd_install_boot_file(const char *dir, const char *name, const char *what,
                       char **path)
{
    char *p;
    int fd;

    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                              "cannot make the boot directory '%s': %s", dir,
                              strerror(errno));
    p = xasprintf("%s/virt-rbd-%s-%s-XXXXXX", dir, name, what);
    fd = mkostemp(p, O_CLOEXEC);
    if (fd < 0 || fchmod(fd, 0644) < 0) {
        int e = errno;

        if (fd >= 0) {
            close(fd);
            unlink(p);
        }
        vrbd_error_set(VRBD_ERR_IO, e, NULL, "cannot make '%s': %s", p,
                       strerror(e));
        free(p);
        return -1;
    }
    *path = p;
    return fd;
}

/* All of @in into @out: 0, or -errno */
static int
copy_fd(int in, int out)
{
    char buf[1 << 16];

    for (;;) {
        ssize_t n = read(in, buf, sizeof(buf)), w = 0;

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return fsync(out) < 0 ? -errno : 0;
        while (w < n) {
            ssize_t k = write(out, buf + w, (size_t)(n - w));

            if (k < 0 && errno != EINTR)
                return -errno;
            w += k > 0 ? k : 0;
        }
    }
}

/* @rel of tree @dir copied to a new boot file: 0, or -1 with the error
 * set and nothing left */
static int
stage_tree_file(const char *dir, const char *rel, const char *name,
                const char *boot_dir, const char *what, char **path)
{
    CLEANUP_FREE char *src = xasprintf("%s/%s", dir, rel);
    CLEANUP_CLOSE int in = open(src, O_RDONLY | O_CLOEXEC);
    CLEANUP_CLOSE int out = -1;
    int r;

    if (in < 0)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot read '%s': %s",
                              src, strerror(errno));
    out = vrbd_install_boot_file(boot_dir, name, what, path);
    if (out < 0)
        return -1;
    r = copy_fd(in, out);
    if (r < 0) {
        unlink(*path);
        free(*path);
        *path = NULL;
        return vrbd_error_set(VRBD_ERR_IO, -r, NULL,
                              "cannot copy '%s' to the boot directory: %s", src,
                              strerror(-r));
    }
    return 0;
}

static bool
is_file_in(const char *dir, const char *rel)
{
    CLEANUP_FREE char *p = xasprintf("%s/%s", dir, rel);
    struct stat st;

    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int
not_a_tree(const char *location)
{
    return vrbd_error_set(
        VRBD_ERR_NOT_FOUND, ENOENT,
        "point {location} at the top of the tree or ISO (the directory holding install.amd/, casper/ or images/pxeboot/), or boot a kernel with {kernel}",
        "no installer kernel and initrd in '%s': looked for install.amd/vmlinuz, casper/vmlinuz, images/pxeboot/vmlinuz, isolinux/vmlinuz, debian-installer/amd64/linux, install/vmlinuz and boot/x86_64/loader/linux",
        location);
}

static int
stage_tree(const char *dir, const char *name, const char *boot_dir,
           vrbd_install_media *m)
{
    const vrbd_install_layout *l;

    for (l = vrbd_install_layouts; l->kernel; l++)
        if (is_file_in(dir, l->kernel) && is_file_in(dir, l->initrd))
            break;
    if (!l->kernel)
        return not_a_tree(dir);
    if (stage_tree_file(dir, l->kernel, name, boot_dir, "kernel", &m->kernel) <
        0)
        return -1;
    if (stage_tree_file(dir, l->initrd, name, boot_dir, "initrd", &m->initrd) <
        0) {
        vrbd_install_media_remove(m);
        return -1;
    }
    m->layout = l;
    return 0;
}

int
vrbd_install_media_stage(const char *location, const char *name,
                         const char *boot_dir, vrbd_install_media *m)
{
    struct stat st;

    memset(m, 0, sizeof(*m));
    if (!location || !*location || stat(location, &st) < 0)
        return vrbd_error_set(
            VRBD_ERR_NOT_FOUND, location && *location ? errno : ENOENT,
            "give {location} an install tree (a directory) or an ISO",
            "cannot read install location '%s': %s", location ? location : "",
            strerror(location && *location ? errno : ENOENT));
    if (S_ISDIR(st.st_mode))
        return stage_tree(location, name, boot_dir, m);
    if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
        return vrbd_install_stage_iso(location, name, boot_dir, m);
    return vrbd_error_set(
        VRBD_ERR_INVALID, 0, "give {location} an install tree or an ISO",
        "install location '%s' is neither a directory nor a file", location);
}

void
vrbd_install_media_remove(vrbd_install_media *m)
{
    if (!m)
        return;
    if (m->kernel)
        unlink(m->kernel);
    if (m->initrd)
        unlink(m->initrd);
    free(m->kernel);
    free(m->initrd);
    memset(m, 0, sizeof(*m));
}
