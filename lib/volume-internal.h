/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* volume-internal.h: what the image modules share. */
#ifndef VRBD_VOLUME_INTERNAL_H
#define VRBD_VOLUME_INTERNAL_H

#include <rados/librados.h>
#include <rbd/librbd.h>

#include "vrbd.h"

/* The image metadata key naming the domain that holds an image. */
#define VRBD_OWNER_KEY "virt-rbd.owner"
/* the definition of the owner domain, as last defined or migrated */
#define VRBD_DOMAIN_KEY "virt-rbd.domain"
/* a protected disk's DR settings: "peer=FSID interval=SEC" (dr-vm.c) */
#define VRBD_DR_KEY "virt-rbd.dr"
/* an image in the trash: the command that put it there ("vol rm") */
#define VRBD_REMOVED_KEY "virt-rbd.removed"

/* Remove @image (or the trash entry @id) of @io, which this takes over;
 * 0 or a negative errno, -ETIMEDOUT when librbd made no progress for
 * 1.25 x the timeout (the removal goes on in a thread of its own). */
int vrbd_remove_bounded(vrbd_cluster *cl, rados_ioctx_t io, const char *image,
                        const char *id);

/* The value of metadata @key of @img, or NULL; free(). */
char *vrbd_image_meta(rbd_image_t img, const char *key);
/* The value of field @key ("domain=") of an owner record "host=H
 * domain=D uuid=U", or NULL; free(). */
char *vrbd_owner_field(const char *owner, const char *key);

/* What vrbd_volume_remove() would refuse of @spec's snapshots and clones
 * under @opts, checked without changing anything: 0, or -1 with the
 * error set. */
int vrbd_volume_remove_check(vrbd_cluster *cl, const vrbd_spec *spec,
                             const vrbd_remove_opts *opts);

/* "pool[/ns]/image"; caller frees. */
char *vrbd_volume_name(const vrbd_spec *s);

/* Whether @s may name a new image: not one that begins with '.', which is
 * what virt-rbd's temporary images look like; 0, or -1 with the error set. */
int vrbd_volume_new_name_check(const vrbd_spec *s);

/* vrbd_volume_create() without that check: for virt-rbd's own temporary
 * images (.virt-rbd-import.*, .virt-rbd-copy.*, .virt-rbd-bench.*). */
int vrbd_volume_make(vrbd_cluster *cl, const vrbd_spec *spec,
                     const vrbd_volume_create_opts *o);

/* An ioctx on @pool (and @nspace); NOT_FOUND names a missing pool or a
 * missing namespace (and how to create it). */
int vrbd_volume_ioctx(vrbd_cluster *cl, const char *pool, const char *nspace,
                      rados_ioctx_t *io);

/* The id of @image of @io when its removal was interrupted (a killed run,
 * a cluster that stopped answering): librbd moves an image to the trash
 * as "removing" before it deletes it, so rbd_list2() still names it but
 * it no longer opens by name.  NULL when it is no such image; free(). */
char *vrbd_volume_removing_id(rados_ioctx_t io, const char *image);

/* Open the image of @s (at its snapshot, if any); errors name it. */
int vrbd_volume_open(vrbd_cluster *cl, const vrbd_spec *s, bool read_only,
                     rados_ioctx_t *io, rbd_image_t *img);

/* The snapshots of @img (grown until they fit): their count, or a
 * negative errno; free with vrbd_volume_snap_list_free(*out, count). */
int vrbd_volume_snap_list(rbd_image_t img, rbd_snap_info_t **out);
void vrbd_volume_snap_list_free(rbd_snap_info_t *snaps, int n);

/* Fill @info from an open image; returns a negative errno on failure. */
int vrbd_volume_fill(rbd_image_t img, bool deep, vrbd_volume_info *info);

/* Free what @info holds, not @info itself. */
void vrbd_volume_info_clear(vrbd_volume_info *info);

/*
 * The long listing's fields of images read from their header objects
 * without opening them (volume-scan.c).  vrbd_scan_new() reads the pool's
 * trash (@io's pool and namespace; @io stays the caller's); NULL when it
 * cannot, and then every image goes the librbd way.  vrbd_scan_image()
 * fills @out (zeroed by the caller) with size, order, objects, id, block
 * name prefix, format, features, flags, parent, used bytes, whether a
 * snapshot is protected, watchers, lock owner and owner metadata; not the
 * snapshots themselves, op features, times or data pool, which the list
 * does not show.  It returns 0; -ENOENT when the image is gone; another
 * negative errno when the cluster failed (a timeout); or
 * VRBD_SCAN_FALLBACK when this image must be opened with librbd instead
 * (@out may then hold fields: clear it).  Thread-safe for one @s.
 */
#define VRBD_SCAN_FALLBACK 1
typedef struct vrbd_scan vrbd_scan;
vrbd_scan *vrbd_scan_new(rados_ioctx_t io);
int vrbd_scan_image(vrbd_scan *s, const char *id, vrbd_volume_info *out);
void vrbd_scan_free(vrbd_scan *s);

#endif
