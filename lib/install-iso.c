/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * install-iso.c: an installer's kernel and initrd read out of an ISO9660
 * image (Rock Ridge and Joliet names included) with libarchive, never by
 * mounting it or running a tool.  The layouts are install-media.c's.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "install-media.h"
#include "internal.h"

/* An entry's path as the layouts write it: without "./" or "/", and
 * without a plain ISO9660 name's version (";1") */
static void
entry_path(struct archive_entry *e, char out[4096])
{
    const char *p = archive_entry_pathname(e);
    char *semi;

    p = p ? p : "";
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    while (*p == '/')
        p++;
    snprintf(out, 4096, "%s", p);
    semi = strrchr(out, ';');
    if (semi && !strchr(semi, '/'))
        *semi = '\0';
}

static struct archive *
open_iso(const char *iso)
{
    struct archive *a = archive_read_new();

    archive_read_support_format_iso9660(a);
    if (archive_read_open_filename(a, iso, 1 << 16) != ARCHIVE_OK) {
        vrbd_error_set(VRBD_ERR_INVALID, archive_errno(a),
                       "give {location} an ISO9660 image or an install tree",
                       "cannot read '%s' as an ISO: %s", iso,
                       archive_error_string(a) ? archive_error_string(a)
                                               : "unknown format");
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* Which layout @iso holds (case aside: plain ISO9660 names are upper
 * case): NULL with the error set when none */
static const vrbd_install_layout *
find_layout(const char *iso)
{
    enum { MAX = 32 };
    bool kernel[MAX] = {false}, initrd[MAX] = {false};
    struct archive *a = open_iso(iso);
    struct archive_entry *e;
    size_t i;
    int r;

    if (!a)
        return NULL;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        char p[4096];

        entry_path(e, p);
        for (i = 0; vrbd_install_layouts[i].kernel && i < MAX; i++) {
            kernel[i] |= strcasecmp(p, vrbd_install_layouts[i].kernel) == 0;
            initrd[i] |= strcasecmp(p, vrbd_install_layouts[i].initrd) == 0;
        }
    }
    if (r != ARCHIVE_EOF) {
        vrbd_error_set(VRBD_ERR_IO, archive_errno(a), NULL,
                       "cannot read the ISO '%s': %s", iso,
                       archive_error_string(a));
        archive_read_free(a);
        return NULL;
    }
    archive_read_free(a);
    for (i = 0; vrbd_install_layouts[i].kernel && i < MAX; i++)
        if (kernel[i] && initrd[i])
            return &vrbd_install_layouts[i];
    vrbd_error_set(
        VRBD_ERR_NOT_FOUND, ENOENT,
        "point {location} at an installer's ISO or tree, or boot a kernel with {kernel}",
        "no installer kernel and initrd in the ISO '%s': looked for install.amd/vmlinuz, casper/vmlinuz, images/pxeboot/vmlinuz, isolinux/vmlinuz, debian-installer/amd64/linux, install/vmlinuz and boot/x86_64/loader/linux",
        iso);
    return NULL;
}

/* The files of layout @l out of @iso into new boot files: 0, or -1 */
static int
extract(const char *iso, const vrbd_install_layout *l, const char *name,
        const char *boot_dir, vrbd_install_media *m)
{
    struct archive *a = open_iso(iso);
    struct archive_entry *e;
    int r = 0;

    if (!a)
        return -1;
    while ((!m->kernel || !m->initrd) && r == 0 &&
           archive_read_next_header(a, &e) == ARCHIVE_OK) {
        char p[4096];
        char **path = NULL;
        const char *what = NULL;
        int fd;

        entry_path(e, p);
        if (!m->kernel && strcasecmp(p, l->kernel) == 0) {
            path = &m->kernel;
            what = "kernel";
        } else if (!m->initrd && strcasecmp(p, l->initrd) == 0) {
            path = &m->initrd;
            what = "initrd";
        } else {
            continue;
        }
        fd = vrbd_install_boot_file(boot_dir, name, what, path);
        if (fd < 0) {
            r = -1;
            break;
        }
        if (archive_read_data_into_fd(a, fd) != ARCHIVE_OK || fsync(fd) < 0)
            r = vrbd_error_set(VRBD_ERR_IO, archive_errno(a), NULL,
                               "cannot copy '%s' out of the ISO '%s': %s", p,
                               iso, archive_error_string(a));
        close(fd);
    }
    archive_read_free(a);
    if (r == 0 && (!m->kernel || !m->initrd))
        r = vrbd_error_set(VRBD_ERR_IO, 0, NULL,
                           "the ISO '%s' changed while it was read", iso);
    return r;
}

int
vrbd_install_stage_iso(const char *iso, const char *name, const char *boot_dir,
                       vrbd_install_media *m)
{
    const vrbd_install_layout *l = find_layout(iso);

    if (!l)
        return -1;
    if (extract(iso, l, name, boot_dir, m) < 0) {
        vrbd_install_media_remove(m);
        return -1;
    }
    m->layout = l;
    m->iso = true;
    return 0;
}
