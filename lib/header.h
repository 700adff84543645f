/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * header.h: the replies of the RBD header object's class methods (cls_rbd,
 * cls_lock) and of the object map, decoded from Ceph's wire encoding
 * (little-endian; strings and lists with a u32 count; versioned structs
 * behind a 6-byte ENCODE_START header).  Pure logic: no Ceph call here;
 * volume-scan.c sends the requests and hands the replies in.
 *
 * Every decoder takes the reply bytes and returns 0, or -1 when they do
 * not decode: short, trailing garbage where none may be, or a struct
 * version newer than the one understood (the caller then falls back to
 * opening the image with librbd).  Outputs are set only on success.
 */
#ifndef VRBD_HEADER_H
#define VRBD_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CEPH_NOSNAP: "the image itself", not a snapshot */
#define VRBD_HEADER_NOSNAP ((uint64_t)-2)

/* rbd.get_size: the object order and the size in bytes */
int vrbd_header_size(const char *buf, size_t len, int *order, uint64_t *size);

/* A reply that begins with one u64: rbd.get_features (features, then the
 * incompatible ones), rbd.get_flags */
int vrbd_header_u64(const char *buf, size_t len, uint64_t *v);

/* rbd.get_snapcontext: how many snapshots, and their ids (malloc'd,
 * NULL when none; free()) */
int vrbd_header_snaps(const char *buf, size_t len, uint64_t **ids, size_t *n);

/* rbd.get_protection_status: protected (not unprotecting) */
int vrbd_header_protected(const char *buf, size_t len, bool *prot);

/* rbd.parent_get (cls::rbd::ParentImageSpec); pool_id -1: no parent */
typedef struct vrbd_header_parent {
    int64_t pool_id;
    char *pool_namespace;
    char *image_id;
    uint64_t snap_id;
} vrbd_header_parent;
int vrbd_header_parent_get(const char *buf, size_t len, vrbd_header_parent *p);
void vrbd_header_parent_clear(vrbd_header_parent *p);

/* rbd.parent_overlap_get: an optional u64 */
int vrbd_header_overlap(const char *buf, size_t len, bool *has,
                        uint64_t *overlap);

/* A reply that is one string (rbd.get_object_prefix, rbd.metadata_get,
 * rbd.dir_get_name, rbd.get_snapshot_name); *s malloc'd, NUL-terminated,
 * cut at an embedded NUL */
int vrbd_header_string(const char *buf, size_t len, char **s);

/*
 * lock.get_info of the image's "rbd_lock", judged as librbd's
 * rbd_lock_get_owners() judges it: *locked when the lock has a locker,
 * carries librbd's tag, is not shared, and its first locker's cookie is
 * librbd's ("auto HANDLE"); then *owner is that locker's address as
 * librbd prints it ("IP:PORT/NONCE"; malloc'd).
 */
int vrbd_header_lock(const char *buf, size_t len, bool *locked, char **owner);

/*
 * The object map object of an image (rbd_object_map.ID, a BitVector<2>):
 * bytes used by the objects that exist, as rbd_diff_iterate2() sums them
 * for a whole-object diff from the start (each object counts its part of
 * [0, @size)).  @order is the image's; only plain striping.
 */
int vrbd_header_used(const char *buf, size_t len, uint64_t size, int order,
                     uint64_t *used);
/* The length of an object map for @size and @order up to its data's end:
 * how much of the object to read */
uint64_t vrbd_header_objmap_len(uint64_t size, int order);

/* rbd.trash_list: the ids it names (a NULL-terminated vector; free with
 * vrbd_strv_free()) */
int vrbd_header_trash_ids(const char *buf, size_t len, char ***ids);

/* Request encoders: a u64 (snap ids), a string (keys, ids), and
 * lock.get_info's op for @name; each fills @out (of @cap bytes) and
 * returns the length, 0 when it does not fit */
size_t vrbd_header_enc_u64(char *out, size_t cap, uint64_t v);
size_t vrbd_header_enc_string(char *out, size_t cap, const char *s);
size_t vrbd_header_enc_lock_info(char *out, size_t cap, const char *name);
/* rbd.trash_list's input: start after @after, at most @max */
size_t vrbd_header_enc_trash_list(char *out, size_t cap, const char *after,
                                  uint64_t max);

/* Ceph's encodings written at @p, which has room; each returns the end:
 * a count is 32 bits little-endian, a string its length and its bytes. */
char *vrbd_header_put_u32(char *p, uint32_t v);
char *vrbd_header_put_string(char *p, const char *s, size_t len);

#endif
