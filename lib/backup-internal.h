/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backup-internal.h: what backup.c (the snapshots, the VM, a cluster
 * target) and backup-dir.c (a directory target) share.
 */
#ifndef VRBD_BACKUP_INTERNAL_H
#define VRBD_BACKUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <libxml/tree.h>
#include <rbd/librbd.h>

#include "vrbd.h"

/* on a source image: the last backup snapshot sent to a target, the base
 * of the next (the key ends with the target's canonical name) */
#define VRBD_BK_BASE_KEY "virt-rbd.backup@"
/* on a replica image: what it is the backup of ("CLUSTER:SPEC FSID") */
#define VRBD_BK_OF_KEY "virt-rbd.backup-of"
/* on a replica image, per backup snapshot SNAP: its record, and the
 * domain's definition */
#define VRBD_BK_REC_KEY "virt-rbd.bk."
#define VRBD_BK_XML_SUFFIX ".xml"
/* backup snapshots: "bk-" and the UTC time */
#define VRBD_BK_PREFIX "bk-"

struct vrbd_bk_target {
    bool dir;
    char *canon;      /* "CLUSTER:POOL[/NS]", or the absolute directory */
    vrbd_cluster *cl; /* a cluster target: connected */
    char *pool, *nspace;
};

/* Parse and reach @text: a directory (made when @create and missing) or
 * a pool on a registered cluster.  0, or -1 with the error. */
int vrbd_bk_target_open(vrbd_registry *reg, const char *text, unsigned timeout,
                        bool create, struct vrbd_bk_target *t);
void vrbd_bk_target_clear(struct vrbd_bk_target *t);
/* The replica image of backup @e on cluster target @t, at the backup's
 * snapshot: the pool, namespace and snapshot borrowed from @t and @e, the
 * image's name (from e->stored) the caller's to free(). */
void vrbd_bk_replica_of(const struct vrbd_bk_target *t,
                        const vrbd_backup_entry *e, vrbd_spec *s);

/* One image of a backup */
struct vrbd_bk_disk {
    vrbd_cluster *cl; /* borrowed */
    vrbd_spec spec;   /* pool, nspace, image */
    rados_ioctx_t io;
    rbd_image_t img;
    char base[256]; /* the previous backup snapshot, or "" */
    char *replica;  /* a cluster target: the replica image's name */
    bool snapped;   /* the backup's snapshot was made */
    int lock;       /* a directory target: its image directory's, or -1 */
    vrbd_backup_disk *out;
};

/* One backup run */
struct vrbd_bk_run {
    const vrbd_backup_opts *o;
    struct vrbd_bk_target t;
    vrbd_backup_result *res;
    const char *domain; /* or NULL */
    char *xml;          /* the domain's definition, or NULL */
    struct vrbd_bk_disk *d;
    size_t n;
    uint64_t done_before; /* progress of the disks sent already */
};

/* The record of one backup of one image, as the index and the replica's
 * metadata keep it: "kind=full from=- size=N sent=N created=T
 * consistency=C dev=vda domain=DOM" (domain last: it may hold spaces) */
char *vrbd_bk_record_format(const vrbd_backup_entry *e);
/* Whether @s is the name of a backup snapshot, "bk-YYYYMMDDTHHMMSSZ"
 * (only those does virt-rbd remove from a source) */
bool vrbd_bk_is_name(const char *s);
/* Free @e's strings */
void vrbd_bk_entry_clear(vrbd_backup_entry *e);
/* prune: which of @e[0..n) (one image's, oldest first) @o keeps */
void vrbd_bk_prune_select(const vrbd_backup_entry *e, size_t n,
                          const vrbd_backup_prune_opts *o, bool *keep);
/* prune: backup file @fb (named @pb), which follows @fa (@pa), rewritten
 * to @out (@pout) to go from @fa's base: @fa's records where none of
 * @fb's is, cut at @fb's image size (a full result without zeroes).  0,
 * or -1 with the error. */
int vrbd_bk_merge_fds(int fa, const char *pa, int fb, const char *pb, int out,
                      const char *pout);
/* That record of disk @d of run @r */
char *vrbd_bk_disk_record(const struct vrbd_bk_run *r,
                          const struct vrbd_bk_disk *d);
/* Fill @e's fields but name/source/stored from @rec: 0, or -1 when it
 * does not parse. */
int vrbd_bk_record_parse(const char *rec, vrbd_backup_entry *e);

/* backup-dir.c: a directory target */
/* An image's index: "source SRC FSID", then "backup SNAP FILE RECORD"
 * lines; @fn on each backup of index @path (missing: none), *@source (if
 * not NULL) its source.  0, or -1 with the error. */
typedef int (*vrbd_bk_index_fn)(const char *snap, const char *file,
                                const char *rec, void *opaque);
int vrbd_bk_index_read(const char *path, char **source, vrbd_bk_index_fn fn,
                       void *opaque);
/* The text of index @path, whatever its length; NULL with errno. */
char *vrbd_bk_index_slurp(const char *path);
int vrbd_bk_dir_prepare(struct vrbd_bk_target *t, bool create);
/* The newest backup of @d in the target whose file is there, in *@snap
 * ("" when none): 0, or -1 with the error. */
int vrbd_bk_dir_last(const struct vrbd_bk_target *t,
                     const struct vrbd_bk_disk *d, char *snap, size_t len);
/* Send @d (open at the backup's snapshot) to the directory, from d->base
 * or in full, and add it to the index: 0, or -1 with the error. */
int vrbd_bk_dir_send(struct vrbd_bk_run *r, struct vrbd_bk_disk *d);
/* Lock image directory @dir (flock on its ".lock"): one backup (from
 * choosing its base to its end) or prune of an image at a time, on this
 * host or another sharing the directory.
 * The descriptor to close(), or -1 with the error (BUSY: another holds it).
 * Temporary files found under the lock were left by a run that stopped:
 * they go. */
int vrbd_bk_dir_lock(const char *dir);
/* d->lock: @d's image directory in @t (made) locked, before the run
 * chooses its base and until it ends.  0, or -1 with the error. */
int vrbd_bk_dir_lock_disk(const struct vrbd_bk_target *t,
                          struct vrbd_bk_disk *d);
/* The definition vrbd_bk_dir_keep_xml() kept, removed: the backup failed */
void vrbd_bk_dir_drop_xml(struct vrbd_bk_run *r);
/* Keep the domain's definition with the backup (best effort, warned). */
void vrbd_bk_dir_keep_xml(struct vrbd_bk_run *r);
/* Every backup in the directory, of @source (NULL: all): appended to
 * *@out. */
int vrbd_bk_dir_list(const struct vrbd_bk_target *t, const char *domain,
                     const char *source, vrbd_backup_entry **out, size_t *n);

/* The targets the disks of domain @name, or image @name (with a '/'),
 * were backed up to: NULL-terminated (vrbd_strv_free()), or NULL with the
 * error (none recorded, or the domain or image is gone). */
char **vrbd_bk_targets_of(vrbd_host *host, vrbd_registry *reg, const char *name,
                          unsigned timeout);

/* The target whose next backup of @img goes from its snapshot @snap, or
 * NULL; free(). */
char *vrbd_bk_base_target(rbd_image_t img, const char *snap);
/* How many snapshots of image @spec of @cl are the bases of its next
 * backups (0 when it cannot be read) */
size_t vrbd_bk_bases_on(vrbd_cluster *cl, const vrbd_spec *spec);
/* -1 with the error (BUSY) when image @spec (@name) of @cl holds backups
 * (a replica) and not @force; else 0. */
int vrbd_bk_refuse_remove(vrbd_cluster *cl, const vrbd_spec *spec,
                          const char *name, bool force);

/* restore.c: domain XML @root made a copy named @as of domain @old: the
 * name, no UUID, NVRAM or MAC addresses, and each file serial or console
 * log its own (@old in the file name replaced by @as, else ".@as"
 * added). */
void vrbd_restore_as_copy(xmlNodePtr root, const char *old, const char *as);

/* "CLUSTER:POOL[/NS]/IMAGE" of @d */
char *vrbd_bk_disk_name(const struct vrbd_bk_disk *d);
void vrbd_bk_progress(struct vrbd_bk_run *r, uint64_t done, uint64_t total);

#endif
