/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-json.c: libFuzzer target for what libvrbd reads in the monitors'
 * JSON answers: the scrubbing of keys out of an answer, the parser, and
 * every reading function of json-util.h (cluster status, monitor
 * addresses, pools, the PG plan's input, users).  The input is one answer
 * or, split at its first NUL byte, two: "status" then "mon dump", "osd
 * pool ls detail" then "df".
 * Beyond not crashing or leaking: lists come back sorted and complete;
 * a refusal says why; after the scrub, no "key" member holds anything but
 * '*'.  The scrub reads the text as Ceph writes it (keys in base64, names
 * without escapes), so that last check is made only on answers without a
 * backslash, a '/' or a "'": json-c would read "k\u0065y", a comment
 * between name and value, or a single-quoted name, which the scrub does
 * not see.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "json-util.h"
#include "keybuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* every "key" member under @o holds a string of '*' only, or no string */
static bool
keys_scrubbed(struct json_object *o)
{
    if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            if (!keys_scrubbed(json_object_array_get_idx(o, i)))
                return false;
        return true;
    }
    if (!json_object_is_type(o, json_type_object))
        return true;
    json_object_object_foreach(o, name, v)
    {
        if (strcmp(name, "key") == 0 &&
            json_object_is_type(v, json_type_string)) {
            const char *s = json_object_get_string(v);

            if (strspn(s, "*") != strlen(s))
                return false;
        }
        if (!keys_scrubbed(v))
            return false;
    }
    return true;
}

static void
read_status(struct json_object *status, struct json_object *mons)
{
    vrbd_cluster_status *st = vrbd_cluster_status_read(status, mons, "fsid");
    char **hosts;

    if (!st->fsid || !st->health || (st->n_mon_addrs && !st->mon_addrs))
        abort();
    for (size_t i = 0; i < st->n_health_checks; i++)
        if (!st->health_checks[i])
            abort();
    for (size_t i = 0; i < st->n_mon_addrs; i++)
        if (!st->mon_addrs[i])
            abort();
    hosts = vrbd_mon_addrs_to_hosts(st->mon_addrs, st->n_mon_addrs);
    if (!hosts && !vrbd_error_last()->message[0])
        abort();
    vrbd_strv_free(hosts);
    hosts = vrbd_mon_addrs_all(st->mon_addrs, st->n_mon_addrs);
    vrbd_strv_free(hosts);
    vrbd_cluster_status_free(st);
}

static int64_t
count(void *opaque, const char *pool)
{
    return (int64_t)strlen(pool);
}

static void
read_pools(struct json_object *pools, struct json_object *df)
{
    vrbd_pool_usage *usage;
    vrbd_pool_info *list;
    size_t n, m;
    bool rbd;

    (void)vrbd_pool_config_read(pools, 7);
    usage = vrbd_pool_usage_read(pools, &n);
    for (size_t i = 0; i < n; i++)
        if (!usage[i].name)
            abort();
    free(usage);
    list = vrbd_pool_list_read(pools, df, count, NULL, &m);
    if (m != n)
        abort();
    for (size_t i = 0; i < m; i++) {
        struct json_object *p = vrbd_pool_find(pools, list[i].name);

        if (!list[i].applications ||
            (i > 0 && strcmp(list[i - 1].name, list[i].name) > 0))
            abort();
        if (p)
            (void)vrbd_pool_app_other(p, &rbd);
        free(vrbd_pool_full_reason_read(pools, list[i].name));
    }
    vrbd_pool_info_list_free(list, m);
}

static void
read_users(struct json_object *res)
{
    vrbd_user u, *list;
    size_t n;

    if (vrbd_user_read(res, "client.x", &u) < 0) {
        if (!strstr(vrbd_error_last()->message, "client.x"))
            abort();
    } else {
        if (!u.entity)
            abort();
        vrbd_user_clear(&u);
    }
    list = vrbd_user_list_read(res, &n);
    for (size_t i = 0; i < n; i++)
        if (strncmp(list[i].entity, "client.", 7) != 0 ||
            (i > 0 && strcmp(list[i - 1].entity, list[i].entity) > 0))
            abort();
    vrbd_user_list_free(list, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t la = nul ? (size_t)(nul - text) : size;
    size_t ob = nul ? la + 1 : 0, lb = size - ob;
    char *scrubbed = malloc(size + 1);
    struct json_object *a, *b, *sa;

    a = vrbd_json_parse(text, la);
    b = vrbd_json_parse(text + ob, lb);
    read_status(a, b);
    read_pools(a, b);

    memcpy(scrubbed, text, size);
    vrbd_keybuf_scrub_json_keys(scrubbed, size);
    sa = vrbd_json_parse(scrubbed, la);
    if (sa && !memchr(text, '\\', size) && !memchr(text, '/', size) &&
        !memchr(text, '\'', size) && !keys_scrubbed(sa))
        abort();
    read_users(sa);
    {
        size_t n;
        vrbd_blocklist_entry *bl = vrbd_blocklist_read(text, size, &n);

        for (size_t i = 0; i < n; i++)
            if (!bl[i].addr)
                abort();
        vrbd_blocklist_entry_list_free(bl, n);
    }

    vrbd_json_put(a);
    vrbd_json_put(b);
    vrbd_json_put(sa);
    free(scrubbed);
    return 0;
}
