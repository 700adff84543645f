/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-trash.c: what the trash commands show. */
#include <stdio.h>
#include <time.h>

#include "cleanup.h"
#include "render.h"
#include "size.h"
#include "table.h"
#include "xalloc.h"

static struct json_object *
list_json(const void *res)
{
    const cli_trash_list *l = res;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < l->n; i++) {
        const vrbd_trash_entry *e = &l->e[i];
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "name", cli_json_str(e->name));
        json_object_object_add(o, "id", cli_json_str(e->id));
        json_object_object_add(o, "source", cli_json_str(e->source));
        json_object_object_add(o, "by", cli_json_str(e->by));
        json_object_object_add(o, "domain", cli_json_str(e->domain));
        json_object_object_add(o, "deleted", cli_json_utc(e->deleted));
        json_object_object_add(o, "expires", cli_json_utc(e->expires));
        json_object_object_add(
            o, "expired",
            json_object_new_boolean(e->expires <= (int64_t)time(NULL)));
        json_object_object_add(
            o, "size",
            e->size == VRBD_UNKNOWN ? NULL : json_object_new_uint64(e->size));
        json_object_object_add(o, "snapshots",
                               json_object_new_uint64(e->n_snaps));
        json_object_array_add(a, o);
    }
    return a;
}

static void
list_text(const void *res)
{
    const cli_trash_list *l = res;
    vrbd_table *t;

    if (l->n == 0) {
        printf("the trash is empty\n");
        return;
    }
    t = vrbd_table_new((const char *[]){"NAME", "ID", "DELETED", "BY",
                                        "EXPIRES", "SIZE", "SNAPS", NULL});
    vrbd_table_right(t, 5);
    vrbd_table_right(t, 6);
    for (size_t i = 0; i < l->n; i++) {
        const vrbd_trash_entry *e = &l->e[i];
        CLEANUP_FREE char *deleted = cli_utc(e->deleted);
        CLEANUP_FREE char *expires = cli_utc(e->expires);
        CLEANUP_FREE char *by = NULL;
        char size[32] = "?", snaps[24];

        if (e->by)
            by = xstrdup(e->by);
        else
            by = xasprintf("(%s)", e->source);
        if (e->size != VRBD_UNKNOWN)
            vrbd_size_format(e->size, size, sizeof(size));
        snprintf(snaps, sizeof(snaps), "%zu", e->n_snaps);
        VRBD_TABLE_ROW(t, e->name, e->id, deleted, by, expires, size, snaps);
    }
    cli_print_table(t);
}

const cli_view cli_view_trash_list = {.json = list_json, .text = list_text};

static struct json_object *
purged_json(const void *res)
{
    const cli_trash_purged *p = res;
    struct json_object *o = json_object_new_object();
    size_t n = 0;

    while (p->res->skipped && p->res->skipped[n])
        n++;
    json_object_object_add(o, "pool", cli_json_str(p->pool));
    json_object_object_add(o, "removed",
                           json_object_new_uint64(p->res->removed));
    json_object_object_add(o, "kept", json_object_new_uint64(p->res->kept));
    json_object_object_add(o, "skipped", cli_json_strv(p->res->skipped, n));
    return o;
}

static void
purged_text(const void *res)
{
    const cli_trash_purged *p = res;

    printf("%zu image(s) deleted from the trash of %s", p->res->removed,
           p->pool);
    if (p->res->kept)
        printf("; %zu kept (not expired)", p->res->kept);
    printf("\n");
    for (size_t i = 0; p->res->skipped && p->res->skipped[i]; i++)
        printf("left: %s\n", p->res->skipped[i]);
}

const cli_view cli_view_trash_purged = {.json = purged_json,
                                        .text = purged_text};

static struct json_object *
restored_json(const void *res)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "restored", cli_json_str(res));
    return o;
}

static void
restored_text(const void *res)
{
    printf("image %s restored from the trash\n", (const char *)res);
}

const cli_view cli_view_trash_restored = {.json = restored_json,
                                          .text = restored_text};
