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

/* Parse @len bytes; NULL if they are not one JSON value. Caller puts. */
struct json_object *vrbd_json_parse(const char *buf, size_t len);

/* Follow a dotted path of object members ("health.checks"); borrowed. */
struct json_object *vrbd_json_path(struct json_object *obj, const char *path);

/* Member @key of @obj as a string (borrowed) or @def. */
const char *vrbd_json_str(struct json_object *obj, const char *key,
                          const char *def);

/* Member @key of @obj as an unsigned integer, or 0. */
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

#endif
