/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json-util.h: reading the JSON that Ceph's mon commands answer with.
 * Lookups are forgiving: a missing member yields the given default, since
 * Ceph releases add and move fields.
 */
#ifndef VRBD_JSON_UTIL_H
#define VRBD_JSON_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "vrbd.h"

/* Parse @len bytes; NULL if they are not one JSON value. Caller puts. */
struct json_object *vrbd_json_parse(const char *buf, size_t len);

/* Follow a dotted path of object members ("health.checks"); borrowed. */
struct json_object *vrbd_json_path(struct json_object *obj, const char *path);

/* Member @key of @obj as a string (borrowed) or @def. */
const char *vrbd_json_str(struct json_object *obj, const char *key,
                          const char *def);

/* The number of elements of @obj if it is an array, else 0: json-c
 * aborts on the length of anything else. */
size_t vrbd_json_array_len(struct json_object *obj);

/* Member @key of @obj as an unsigned integer, or 0; a number beyond the
 * range is clamped to it (NaN: 0). */
uint64_t vrbd_json_u64(struct json_object *obj, const char *key);

void vrbd_json_put(struct json_object *obj);
VRBD_DEFINE_CLEANUP(struct json_object, vrbd_json_put)

struct vrbd_cluster;
/*
 * Run the mon command @cmd (built with vrbd_json_cmd(); taken) on @cl and
 * parse its JSON answer into *@out (caller puts); with @out NULL the
 * answer is not parsed.  A refusal names the command's prefix and quotes
 * the monitors' status line.
 */
int vrbd_cluster_mon_json(struct vrbd_cluster *cl, struct json_object *cmd,
                          struct json_object **out);

/* The same, the answer returned as it is (NUL-terminated; free()): for
 * answers of more than one JSON value ("osd blocklist ls"). */
int vrbd_cluster_mon_text(struct vrbd_cluster *cl, struct json_object *cmd,
                          char **out);

/* The same for answers that carry keys ("auth get", "auth ls"): every
 * "key" value is erased before parsing, and the raw answer is wiped. */
int vrbd_cluster_mon_json_nokeys(struct vrbd_cluster *cl,
                                 struct json_object *cmd,
                                 struct json_object **out);

/* Run a command whose whole answer is a secret ("auth get-key", format
 * plain); the raw answer is wiped. */
struct vrbd_keybuf;
int vrbd_cluster_mon_secret(struct vrbd_cluster *cl, struct json_object *cmd,
                            struct vrbd_keybuf **out);

/* {"prefix": PREFIX, "format": "json"} plus members added by the caller */
struct json_object *vrbd_json_cmd(const char *prefix);
void vrbd_json_add_str(struct json_object *o, const char *k, const char *v);
void vrbd_json_add_int(struct json_object *o, const char *k, int64_t v);

/*
 * What the modules read in the monitors' answers, apart from asking: pure
 * functions of the parsed answers (which may be NULL or of any shape),
 * for the unit tests and fuzz-json.
 */

/* cluster.c: "status" and "mon dump"; @fsid when the status has none.
 * Free with vrbd_cluster_status_free(). */
vrbd_cluster_status *vrbd_cluster_status_read(struct json_object *status,
                                              struct json_object *mons,
                                              const char *fsid);

/* pool.c: a "config get" value, or @def. */
uint64_t vrbd_pool_config_read(struct json_object *res, uint64_t def);

/* pool.c: the pools of "osd pool ls detail" as the PG plan counts them,
 * *@n of them; names borrowed from @pools, free() the array. */
vrbd_pool_usage *vrbd_pool_usage_read(struct json_object *pools, size_t *n);

/* pool.c: pool @name in "osd pool ls detail", or NULL; borrowed. */
struct json_object *vrbd_pool_find(struct json_object *pools, const char *name);

/* pool.c: whether @pool (an element of "osd pool ls detail") belongs to
 * another application than rbd; if not, *@rbd says whether rbd is
 * enabled on it. */
bool vrbd_pool_app_other(struct json_object *pool, bool *rbd);

/* pool.c: "osd pool ls detail" and "df" as a sorted list of *@n pools
 * (vrbd_pool_info_list_free()); @count (may be NULL: 0) counts the images of
 * an rbd pool. */
vrbd_pool_info *
vrbd_pool_list_read(struct json_object *pools, struct json_object *df,
                    int64_t (*count)(void *opaque, const char *pool),
                    void *opaque, size_t *n);

/* pool.c: why pool @pool of "osd pool ls detail" is full, or NULL. */
char *vrbd_pool_full_reason_read(struct json_object *pools, const char *pool);

/* user.c: the user in an "auth get" answer for @entity: 0, or -1 with the
 * error set.  Clear *@out with vrbd_user_clear(). */
int vrbd_user_read(struct json_object *res, const char *entity, vrbd_user *out);

/* user.c: the client.* users of an "auth ls" answer, sorted, *@n of
 * them (vrbd_user_list_free()). */
vrbd_user *vrbd_user_list_read(struct json_object *res, size_t *n);

/* fence.c: the entries of an "osd blocklist ls" answer of @len bytes, *@n
 * of them (vrbd_blocklist_entry_list_free()), in its order.  Pacific
 * 16.2.15 answers with two JSON values one after the other: the array of
 * addresses, then that of ranges ("addr" or "range", "until"). */
vrbd_blocklist_entry *vrbd_blocklist_read(const char *text, size_t len,
                                          size_t *n);

#endif
