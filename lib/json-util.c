/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* json-util.c: forgiving lookups in parsed JSON (see json-util.h). */
#include <string.h>

#include "internal.h"
#include "json-util.h"

struct json_object *
vrbd_json_parse(const char *buf, size_t len)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *obj;

    if (!tok)
        abort();
    obj = json_tokener_parse_ex(tok, buf ? buf : "", (int)len);
    if (json_tokener_get_error(tok) == json_tokener_success) {
        size_t end = json_tokener_get_parse_end(tok);

        /* one value and nothing after it but white space */
        while (end < len && strchr(" \t\r\n", buf[end]) && buf[end])
            end++;
        if (end < len && buf[end] != '\0') {
            json_object_put(obj);
            obj = NULL;
        }
    } else {
        json_object_put(obj);
        obj = NULL;
    }
    json_tokener_free(tok);
    return obj;
}

struct json_object *
vrbd_json_path(struct json_object *obj, const char *path)
{
    CLEANUP_FREE char *copy = xstrdup(path);
    char *save = NULL, *part;

    for (part = strtok_r(copy, ".", &save); part && obj;
         part = strtok_r(NULL, ".", &save)) {
        if (!json_object_is_type(obj, json_type_object) ||
            !json_object_object_get_ex(obj, part, &obj))
            return NULL;
    }
    return obj;
}

const char *
vrbd_json_str(struct json_object *obj, const char *key, const char *def)
{
    struct json_object *v;

    if (!obj || !json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return def;
    return json_object_get_string(v);
}

size_t
vrbd_json_array_len(struct json_object *obj)
{
    return json_object_is_type(obj, json_type_array)
               ? json_object_array_length(obj)
               : 0;
}

uint64_t
vrbd_json_u64(struct json_object *obj, const char *key)
{
    struct json_object *v;

    if (!obj || !json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, key, &v))
        return 0;
    if (json_object_is_type(v, json_type_int))
        return json_object_get_uint64(v);
    if (json_object_is_type(v, json_type_double)) {
        double d = json_object_get_double(v);

        /* converting what has no uint64_t value is undefined: json-c
         * reads 1e400 as inf, and NaN and negative numbers too */
        if (!(d > 0))
            return 0;
        if (d >= 18446744073709551616.0)
            return UINT64_MAX;
        return (uint64_t)d;
    }
    return 0;
}

void
vrbd_json_put(struct json_object *obj)
{
    json_object_put(obj);
}

struct json_object *
vrbd_json_cmd(const char *prefix)
{
    struct json_object *o = json_object_new_object();

    vrbd_json_add_str(o, "prefix", prefix);
    vrbd_json_add_str(o, "format", "json");
    return o;
}

void
vrbd_json_add_str(struct json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, json_object_new_string(v));
}

void
vrbd_json_add_int(struct json_object *o, const char *k, int64_t v)
{
    json_object_object_add(o, k, json_object_new_int64(v));
}
