/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-backup.c: what the backup commands show. */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "render.h"
#include "size.h"
#include "table.h"
#include "xalloc.h"

/* "crash-consistent (VM paused 0.3 s: WHY)" and the like; free() */
static char *
consistency_text(const vrbd_backup_result *r)
{
    const char *c = r->consistency ? r->consistency : "";

    if (strcmp(c, VRBD_BACKUP_FROZEN) == 0)
        return xasprintf("filesystems frozen by the guest agent (%.1f s)",
                         r->paused_sec);
    if (strcmp(c, VRBD_BACKUP_PAUSED) == 0)
        return xasprintf("crash-consistent: the VM was paused %.1f s for "
                         "the snapshots (no freeze: %s)",
                         r->paused_sec, r->why ? r->why : "?");
    if (strcmp(c, VRBD_BACKUP_STOPPED) == 0)
        return xstrdup("the VM was shut off");
    return xstrdup("crash-consistent (one image, as its writers left it)");
}

static struct json_object *
done_json(const void *res)
{
    const vrbd_backup_result *r = res;
    struct json_object *o = json_object_new_object(), *a;

    json_object_object_add(o, "name", cli_json_str(r->name));
    json_object_object_add(o, "when", cli_json_utc(r->when));
    json_object_object_add(o, "target", cli_json_str(r->target));
    json_object_object_add(o, "consistency", cli_json_str(r->consistency));
    json_object_object_add(o, "why", cli_json_str(r->why));
    json_object_object_add(o, "paused_seconds",
                           json_object_new_double(r->paused_sec));
    a = json_object_new_array();
    for (size_t i = 0; i < r->n_disks; i++) {
        const vrbd_backup_disk *d = &r->disks[i];
        struct json_object *j = json_object_new_object();

        json_object_object_add(j, "dev", cli_json_str(d->dev));
        json_object_object_add(j, "source", cli_json_str(d->source));
        json_object_object_add(j, "stored", cli_json_str(d->stored));
        json_object_object_add(
            j, "kind",
            json_object_new_string(d->from_snap ? "incremental" : "full"));
        json_object_object_add(j, "from", cli_json_str(d->from_snap));
        json_object_object_add(j, "size", json_object_new_uint64(d->size));
        json_object_object_add(j, "sent", json_object_new_uint64(d->sent));
        json_object_object_add(j, "seconds",
                               json_object_new_double(d->seconds));
        json_object_array_add(a, j);
    }
    json_object_object_add(o, "disks", a);
    json_object_object_add(o, "skipped", cli_json_strv(r->skipped, SIZE_MAX));
    return o;
}

static void
done_text(const void *res)
{
    const vrbd_backup_result *r = res;
    CLEANUP_FREE char *how = consistency_text(r);
    vrbd_table *t;

    printf("backup %s to %s\n", r->name, r->target);
    printf("consistency: %s\n", how);
    t = vrbd_table_new((const char *[]){"DISK", "SOURCE", "KIND", "SENT",
                                        "SIZE", "TIME", NULL});
    vrbd_table_right(t, 3);
    vrbd_table_right(t, 4);
    vrbd_table_right(t, 5);
    for (size_t i = 0; i < r->n_disks; i++) {
        const vrbd_backup_disk *d = &r->disks[i];
        CLEANUP_FREE char *kind = d->from_snap
                                      ? xasprintf("since %s", d->from_snap)
                                      : xstrdup("full");
        char sent[32], size[32], secs[32];

        vrbd_size_format(d->sent, sent, sizeof(sent));
        vrbd_size_format(d->size, size, sizeof(size));
        snprintf(secs, sizeof(secs), "%.1f s", d->seconds);
        VRBD_TABLE_ROW(t, d->dev ? d->dev : "-", d->source, kind, sent, size,
                       secs);
    }
    cli_print_table(t);
    for (size_t i = 0; r->skipped && r->skipped[i]; i++)
        printf("skipped (not on RBD): %s\n", r->skipped[i]);
}

const cli_view cli_view_backup_done = {.json = done_json, .text = done_text};

static struct json_object *
list_json(const void *res)
{
    const cli_backup_list *l = res;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < l->n; i++) {
        const vrbd_backup_entry *e = &l->e[i];
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "name", cli_json_str(e->name));
        json_object_object_add(o, "when", cli_json_utc(e->when));
        json_object_object_add(o, "source", cli_json_str(e->source));
        json_object_object_add(o, "domain", cli_json_str(e->domain));
        json_object_object_add(o, "dev", cli_json_str(e->dev));
        json_object_object_add(
            o, "kind",
            json_object_new_string(e->from_snap ? "incremental" : "full"));
        json_object_object_add(o, "from", cli_json_str(e->from_snap));
        json_object_object_add(o, "consistency", cli_json_str(e->consistency));
        json_object_object_add(o, "size", json_object_new_uint64(e->size));
        json_object_object_add(o, "sent", json_object_new_uint64(e->sent));
        json_object_object_add(o, "stored", cli_json_str(e->stored));
        json_object_object_add(
            o, "disks", e->disks ? json_object_new_uint64(e->disks) : NULL);
        json_object_array_add(a, o);
    }
    return a;
}

static void
list_text(const void *res)
{
    const cli_backup_list *l = res;
    vrbd_table *t;

    if (l->n == 0) {
        printf("no backups\n");
        return;
    }
    t = vrbd_table_new((const char *[]){"BACKUP", "DOMAIN", "DISK", "SOURCE",
                                        "KIND", "SENT", "SIZE", "CONSISTENCY",
                                        NULL});
    vrbd_table_right(t, 5);
    vrbd_table_right(t, 6);
    for (size_t i = 0; i < l->n; i++) {
        const vrbd_backup_entry *e = &l->e[i];
        char sent[32], size[32];

        vrbd_size_format(e->sent, sent, sizeof(sent));
        vrbd_size_format(e->size, size, sizeof(size));
        VRBD_TABLE_ROW(t, e->name, e->domain ? e->domain : "-",
                       e->dev ? e->dev : "-", e->source,
                       e->from_snap ? "incremental" : "full", sent, size,
                       e->consistency);
    }
    cli_print_table(t);
}

const cli_view cli_view_backup_list = {.json = list_json, .text = list_text};

static struct json_object *
verified_json(const void *res)
{
    const vrbd_backup_verify_result *v = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "checked", json_object_new_uint64(v->checked));
    json_object_object_add(o, "bytes", json_object_new_uint64(v->bytes));
    json_object_object_add(o, "bad", cli_json_strv(v->bad, SIZE_MAX));
    return o;
}

static void
verified_text(const void *res)
{
    const vrbd_backup_verify_result *v = res;
    char bytes[32];

    for (size_t i = 0; v->bad && v->bad[i]; i++)
        printf("BAD %s\n", v->bad[i]);
    printf("%zu backup(s) read back whole, %s of data\n", v->checked,
           vrbd_size_format(v->bytes, bytes, sizeof(bytes)));
}

const cli_view cli_view_backup_verified = {.json = verified_json,
                                           .text = verified_text};

static struct json_object *
restored_json(const void *res)
{
    const vrbd_restore_result *r = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "backup", cli_json_str(r->backup));
    json_object_object_add(o, "domain", cli_json_str(r->domain));
    json_object_object_add(o, "images", cli_json_strv(r->images, SIZE_MAX));
    json_object_object_add(o, "instant", json_object_new_boolean(r->instant));
    return o;
}

static void
restored_text(const void *res)
{
    const vrbd_restore_result *r = res;

    for (size_t i = 0; r->images && r->images[i]; i++)
        printf("image %s restored from %s%s\n", r->images[i], r->backup,
               r->instant ? " (a clone of the backup, ready now)" : "");
    if (r->domain)
        printf("domain '%s' defined (not started)\n", r->domain);
}

const cli_view cli_view_restored = {.json = restored_json,
                                    .text = restored_text};

static struct json_object *
pruned_json(const void *res)
{
    const cli_backup_pruned *p = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "dry_run", json_object_new_boolean(p->dry_run));
    json_object_object_add(o, "kept", cli_json_strv(p->res->kept, SIZE_MAX));
    json_object_object_add(o, "removed",
                           cli_json_strv(p->res->removed, SIZE_MAX));
    json_object_object_add(o, "merged", json_object_new_uint64(p->res->merged));
    return o;
}

static void
pruned_text(const void *res)
{
    const cli_backup_pruned *p = res;
    size_t kept = 0, gone = 0;

    for (; p->res->kept && p->res->kept[kept]; kept++)
        printf("keep    %s\n", p->res->kept[kept]);
    for (; p->res->removed && p->res->removed[gone]; gone++)
        printf("%s  %s\n", p->dry_run ? "would remove" : "removed",
               p->res->removed[gone]);
    printf("%zu kept, %zu %s", kept, gone,
           p->dry_run ? "would be removed" : "removed");
    if (p->res->merged)
        printf(" (%zu merged into a later backup)", p->res->merged);
    printf("\n");
}

const cli_view cli_view_backup_pruned = {.json = pruned_json,
                                         .text = pruned_text};
