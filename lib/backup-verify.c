/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backup-verify.c: every backup of a target read back.  A directory's
 * files are read whole through the reader, which checks every CRC, and
 * each incremental must find the backup it follows; a cluster's replica
 * snapshots are read (their data; RADOS keeps its own checksums).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "backup-file.h"
#include "backup-internal.h"
#include "cleanup.h"
#include "internal.h"
#include "mover/endpoint.h"
#include "volume-internal.h"

void
vrbd_backup_verify_result_clear(vrbd_backup_verify_result *r)
{
    if (!r)
        return;
    vrbd_strv_free(r->bad);
    memset(r, 0, sizeof(*r));
}

static void
bad(vrbd_backup_verify_result *res, const char *where, const char *why)
{
    vrbd_strv_add(&res->bad, xasprintf("%s: %s", where, why));
}

/* A backup file read whole: 0, or -1 with the reader's error */
static int
read_file(const vrbd_backup_entry *e, uint64_t *bytes)
{
    CLEANUP_CLOSE int fd = open(e->stored, O_RDONLY | O_CLOEXEC);
    vrbd_bfile_reader *rd;
    vrbd_bfile_rec rec;
    int got;

    if (fd < 0)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, errno, NULL, "%s",
                              strerror(errno));
    if (vrbd_bfile_open(fd, e->stored, &rd) < 0)
        return -1;
    if (strcmp(vrbd_bfile_header_of(rd)->to_snap, e->name) != 0) {
        vrbd_bfile_close(rd);
        return vrbd_error_set(VRBD_ERR_IO, 0, NULL,
                              "it holds backup '%s', the index says '%s'",
                              vrbd_bfile_header_of(rd)->to_snap, e->name);
    }
    while ((got = vrbd_bfile_next(rd, &rec)) > 0)
        if (rec.kind == 'D')
            *bytes += rec.length;
    vrbd_bfile_close(rd);
    return got;
}

static bool
has_entry(const vrbd_backup_entry *all, size_t n, const char *source,
          const char *snap)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].source, source) == 0 &&
            strcmp(all[i].name, snap) == 0)
            return true;
    return false;
}

/* The backups @e[0..n) read whole, each predecessor found among every
 * backup on the target, @all[0..n_all) */
static void
verify_dir(const vrbd_backup_entry *e, size_t n, const vrbd_backup_entry *all,
           size_t n_all, vrbd_backup_verify_result *res)
{
    for (size_t i = 0; i < n; i++) {
        if (e[i].from_snap &&
            !has_entry(all, n_all, e[i].source, e[i].from_snap)) {
            CLEANUP_FREE char *why = xasprintf(
                "follows backup '%s', which is not there", e[i].from_snap);

            bad(res, e[i].stored, why);
            continue;
        }
        if (read_file(&e[i], &res->bytes) < 0) {
            bad(res, e[i].stored, vrbd_error_last()->message);
            vrbd_error_clear();
            continue;
        }
        res->checked++;
    }
}

/* Read replica @e (on @t) at its snapshot, every data extent */
static int
read_replica(const struct vrbd_bk_target *t, const vrbd_backup_entry *e,
             uint64_t *bytes)
{
    CLEANUP_FREE char *image = NULL;
    vrbd_spec s;
    struct vrbd_extent *ext = NULL;
    size_t n = 0;
    rados_ioctx_t io;
    rbd_image_t img;
    uint64_t size = 0;
    char *buf;
    int ret;

    vrbd_bk_replica_of(t, e, &s);
    image = s.image;
    if (vrbd_volume_open(t->cl, &s, true, &io, &img) < 0)
        return -1;
    ret = rbd_get_size(img, &size);
    if (ret == 0)
        ret = vrbd_rbd_changes(img, NULL, size, &ext, &n);
    buf = xmalloc(4 << 20);
    for (size_t i = 0; ret == 0 && i < n; i++)
        for (uint64_t off = ext[i].off;
             ret == 0 && off < ext[i].off + ext[i].len;) {
            uint64_t len = ext[i].off + ext[i].len - off;
            ssize_t got;

            len = len > (4 << 20) ? (4 << 20) : len;
            got = rbd_read(img, off, len, buf);
            ret = got < 0 ? (int)got : (uint64_t)got != len ? -EIO : 0;
            off += len;
            *bytes += len;
        }
    free(buf);
    free(ext);
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (ret < 0)
        return vrbd_cluster_error(t->cl, ret, "cannot read it");
    return 0;
}

int
vrbd_backup_verify(vrbd_host *host, vrbd_registry *reg, const char *target,
                   const char *name, unsigned timeout_sec,
                   vrbd_backup_verify_result *res)
{
    struct vrbd_bk_target t;
    vrbd_backup_entry *e = NULL, *all = NULL;
    size_t n = 0, n_all = 0;
    int rc = -1;

    memset(res, 0, sizeof(*res));
    if (!target)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "name it with {from}",
                              "which backup target?");
    if (vrbd_bk_target_open(reg, target, timeout_sec, false, &t) < 0)
        goto out;
    /* those of @name, their predecessors among everything on the target
     * (a chain may hold backups of an image alone, or of another VM) */
    if (vrbd_backup_list(host, reg, target, name, timeout_sec, &e, &n) < 0 ||
        vrbd_backup_list(host, reg, target, NULL, timeout_sec, &all, &n_all) <
            0)
        goto out;
    if (t.dir) {
        verify_dir(e, n, all, n_all, res);
    } else {
        for (size_t i = 0; i < n; i++) {
            if (read_replica(&t, &e[i], &res->bytes) < 0) {
                bad(res, e[i].stored, vrbd_error_last()->message);
                vrbd_error_clear();
                continue;
            }
            res->checked++;
        }
    }
    rc = 0;
out:
    vrbd_backup_entry_list_free(e, n);
    vrbd_backup_entry_list_free(all, n_all);
    vrbd_bk_target_clear(&t);
    return rc;
}
