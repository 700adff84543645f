/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backing.c: the other files an image to import names, and whether the
 * user allowed them.  qemu opens whatever a qcow2 or VMDK header names (a
 * backing file, an external data file, VMDK extents), so an image a
 * tenant hands over could pull any file root can read into the cluster.
 * An import reads only the file it was given, unless the user names the
 * backing file (--backing FILE, which must be the file the header names)
 * or allows any (--allow-backing).  This reads headers; it does not
 * interpret the images (qcow2.c, qemu-nbd do).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "endpoint.h"
#include "internal.h"
#include "qcow2.h"

/* qemu reads a sparse VMDK's descriptor, and the parent it names, from
 * these bytes (block/vmdk.c: desc_offset 0x200, DESC_SIZE) */
#define VMDK_DESC_OFF 512
#define VMDK_DESC_LEN (20 * 512)
/* and a descriptor file from its first MiB at most */
#define VMDK_TEXT_MAX (1 << 20)

/* @s fit for a one-line message: what a header says is anybody's bytes */
static char *
printable(const char *s)
{
    size_t n = strlen(s) > 200 ? 200 : strlen(s);
    char *p = xstrndup(s, n);

    for (char *c = p; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            *c = '?';
    return p;
}

/* a VMDK text descriptor, as qemu tells one: "createType" in its text
 * (else qemu refuses the file as vmdk) */
static bool
text_descriptor(int fd)
{
    CLEANUP_FREE char *d = xcalloc(1, VMDK_TEXT_MAX + 1);

    return pread(fd, d, VMDK_TEXT_MAX, 0) > 0 && strstr(d, "createType");
}

/*
 * A VMDK's references: 1 with *@parent (NULL: none) for a sparse extent
 * (or a file qemu will refuse as vmdk), or 0 for a descriptor (text, or a
 * sparse header with no capacity and an embedded descriptor), whose data
 * lies in the extent files it names.
 */
static int
vmdk_refs(int fd, char **parent)
{
    static const char key[] = "parentFileNameHint";
    unsigned char h[44];
    uint64_t capacity, doff;
    CLEANUP_FREE char *d = xcalloc(1, VMDK_DESC_LEN + 1);
    const char *p, *q;

    *parent = NULL;
    if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
        (memcmp(h, "KDMV", 4) != 0 && memcmp(h, "COWD", 4) != 0))
        return text_descriptor(fd) ? 0 : 1;
    memcpy(&capacity, h + 12, 8);
    memcpy(&doff, h + 28, 8);
    if (memcmp(h, "KDMV", 4) == 0 && le64toh(capacity) == 0 && doff)
        return 0;
    if (pread(fd, d, VMDK_DESC_LEN, VMDK_DESC_OFF) < 0)
        return 1;
    /* as qemu finds it: the key, two characters, the name up to a quote */
    p = strstr(d, key);
    if (!p || strlen(p) < sizeof(key) + 1)
        return 1;
    p += sizeof(key) + 1;
    q = strchr(p, '"');
    *parent = q ? xstrndup(p, (size_t)(q - p)) : xstrdup(p);
    return 1;
}

/* @ref, as the image at @path names it, is the file @named */
static bool
same_file(const char *path, const char *ref, const char *named)
{
    CLEANUP_FREE char *dir = xstrdup(path);
    CLEANUP_FREE char *full = NULL;
    struct stat a, b;

    if (strchr(ref, ':') && strncmp(ref, "file:", 5) != 0)
        return false; /* a protocol (json:, nbd:...): not a plain file */
    if (strncmp(ref, "file:", 5) == 0)
        ref += 5;
    full = ref[0] == '/' ? xstrdup(ref) : xasprintf("%s/%s", dirname(dir), ref);
    return stat(full, &a) == 0 && stat(named, &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* what the header of @path (open as @fd, of @format) names: *@backing,
 * *@data (another file its data lies in); 0 or -1 with the error set */
static int
header_refs(int fd, const char *path, const char *format, char **backing,
            char **data)
{
    *backing = *data = NULL;
    if (strcmp(format, "qcow2") == 0)
        return vrbd_qcow2_refs(fd, path, backing, data);
    if (strcmp(format, "vmdk") == 0 && vmdk_refs(fd, backing) == 0)
        *data = xstrdup(""); /* the extents a descriptor names */
    return 0;
}

int
vrbd_source_check_refs(const char *path, const char *format,
                       const vrbd_copy_opts *opts, bool *follow)
{
    CLEANUP_FREE char *backing = NULL;
    CLEANUP_FREE char *data = NULL;
    CLEANUP_FREE char *shown = NULL;
    int fd, r;

    *follow = opts->allow_backing;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vrbd_error_set(
            errno == ENOENT ? VRBD_ERR_NOT_FOUND : VRBD_ERR_IO, errno, NULL,
            "cannot read '%s': %s", path, strerror(errno));
    r = header_refs(fd, path, format, &backing, &data);
    close(fd);
    if (r < 0 || opts->allow_backing)
        return r;
    if (data) {
        shown = printable(data);
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "give {allow_backing} to read the files it names, or convert it to a self-contained image first",
            "'%s' keeps its data in other files%s%s%s: not imported", path,
            *shown ? " ('" : "", shown, *shown ? "')" : "");
    }
    if (!backing && opts->backing)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "leave {backing} out",
            "'%s' has no backing file, but {backing} names '%s'", path,
            opts->backing);
    if (!backing)
        return 0;
    shown = printable(backing);
    if (!opts->backing)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "if that file is meant to be read, name it: {backing} FILE (or {allow_backing} for any)",
            "'%s' has a backing file ('%s') whose data it would import: not imported",
            path, shown);
    if (!same_file(path, backing, opts->backing))
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "give {backing} the file the image names",
            "'%s' names backing file '%s', not '%s': not imported", path, shown,
            opts->backing);
    /* the one file named; what it names in turn was not */
    {
        CLEANUP_FREE char *bfmt = vrbd_source_probe(opts->backing);
        CLEANUP_FREE char *b2 = NULL;
        CLEANUP_FREE char *d2 = NULL;

        if (!bfmt)
            return -1;
        fd = open(opts->backing, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                                  "cannot read '%s': %s", opts->backing,
                                  strerror(errno));
        r = header_refs(fd, opts->backing, bfmt, &b2, &d2);
        close(fd);
        if (r < 0)
            return -1;
        if (b2 || d2)
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0,
                "give {allow_backing} to follow the whole chain",
                "the backing file '%s' names other files itself: not imported",
                opts->backing);
    }
    *follow = true;
    return 0;
}
