/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * install-media.h: an installer's kernel and initrd, found in an install
 * tree (a directory) or an ISO and staged where a domain can read them.
 */
#ifndef VRBD_INSTALL_MEDIA_H
#define VRBD_INSTALL_MEDIA_H

#include <stdbool.h>

/* Where vm create stages an installer's kernel and initrd, as
 * virt-install does (/var/lib/libvirt/boot/virtinst-*): a place the
 * domain's QEMU may read whatever its user or security label */
#define VRBD_INSTALL_BOOT_DIR "/var/lib/libvirt/boot"

/* The installer files of one known tree layout, relative to its top */
typedef struct vrbd_install_layout {
    const char *kernel;
    const char *initrd;
    const char *what; /* "Debian", ... */
} vrbd_install_layout;

/* The layouts known, in the order they are looked for; NULL-terminated */
extern const vrbd_install_layout vrbd_install_layouts[];

/* The staged copies: files under the boot directory, mode 0644 */
typedef struct vrbd_install_media {
    char *kernel;
    char *initrd;
    const vrbd_install_layout *layout; /* which one was found */
    bool iso;                          /* @location was an ISO */
} vrbd_install_media;

/*
 * Copy the installer's kernel and initrd out of @location (a directory
 * laid out as one of vrbd_install_layouts, or an ISO9660 image holding
 * one) into @boot_dir, under names made from @name and unique.  0 with
 * @m filled (release with vrbd_install_media_remove), or -1 with the
 * error set and nothing left in @boot_dir.
 */
int vrbd_install_media_stage(const char *location, const char *name,
                             const char *boot_dir, vrbd_install_media *m);

/* A new file in @dir for @what ("kernel", "initrd") of VM @name: mode
 * 0644 (QEMU may run as another user), its name unique (two creates of
 * one name must not share it); @dir made when missing.  The fd, or -1
 * with the error set; *@path gets its name (free()). */
int vrbd_install_boot_file(const char *dir, const char *name, const char *what,
                           char **path);

/* vrbd_install_media_stage() for an ISO9660 image (install-iso.c) */
int vrbd_install_stage_iso(const char *iso, const char *name,
                           const char *boot_dir, vrbd_install_media *m);

/* Remove the staged files (QEMU has read them once the domain started)
 * and clear @m; NULL-safe, keeps the current error */
void vrbd_install_media_remove(vrbd_install_media *m);

#endif
