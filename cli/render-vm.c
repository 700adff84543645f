/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-vm.c: what the `vm` and `disk` commands print. */
#include <stdio.h>

#include "render.h"
#include "size.h"
#include "table.h"

static struct json_object *
created_json(const void *res)
{
    const cli_vm_created *c = res;
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "domain", json_object_new_string(c->domain));
    json_object_object_add(j, "started", json_object_new_boolean(c->started));
    json_object_object_add(j, "seconds", json_object_new_double(c->seconds));
    return j;
}

static void
created_text(const void *res)
{
    const cli_vm_created *c = res;

    printf("vm '%s' %s in %.1f s (disk %s:%s/%s%s)\n", c->domain,
           c->started ? "defined and started" : "defined", c->seconds,
           c->cluster, c->pool, c->domain,
           c->cloned ? ", cloned from the golden image" : "");
}

const cli_view cli_view_vm_created = {.json = created_json,
                                      .text = created_text};

static struct json_object *
removed_json(const void *res)
{
    const cli_vm_removed *r = res;
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "removed", json_object_new_string(r->domain));
    json_object_object_add(j, "disks_removed",
                           json_object_new_boolean(r->disks));
    json_object_object_add(j, "trash", json_object_new_boolean(r->trash));
    return j;
}

static void
removed_text(const void *res)
{
    const cli_vm_removed *r = res;

    if (r->trash)
        printf("vm '%s' removed, its RBD disks moved to the trash (virt-rbd "
               "vm restore %s brings it back)\n",
               r->domain, r->domain);
    else
        printf("vm '%s' removed%s\n", r->domain,
               r->disks ? " with its RBD disks" : "");
}

const cli_view cli_view_vm_removed = {.json = removed_json,
                                      .text = removed_text};

static struct json_object *
restored_json(const void *res)
{
    const cli_vm_restored *r = res;
    struct json_object *j = json_object_new_object();
    size_t n = 0;

    while (r->res->images && r->res->images[n])
        n++;
    json_object_object_add(j, "restored", json_object_new_string(r->domain));
    json_object_object_add(j, "images", cli_json_strv(r->res->images, n));
    json_object_object_add(j, "definition", cli_json_str(r->res->from));
    return j;
}

static void
restored_text(const void *res)
{
    const cli_vm_restored *r = res;

    printf("vm '%s' restored from the trash (defined, not started), its "
           "definition from %s\n",
           r->domain, r->res->from);
    for (size_t i = 0; r->res->images && r->res->images[i]; i++)
        printf("  disk image %s\n", r->res->images[i]);
}

const cli_view cli_view_vm_restored = {.json = restored_json,
                                       .text = restored_text};

static struct json_object *
rolled_back_json(const void *res)
{
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "domain", json_object_new_string(res));
    json_object_object_add(j, "rolled_back", json_object_new_boolean(true));
    return j;
}

static void
rolled_back_text(const void *res)
{
    printf("vm '%s': the definition from before the move is back\n",
           (const char *)res);
}

const cli_view cli_view_vm_rolled_back = {.json = rolled_back_json,
                                          .text = rolled_back_text};

static struct json_object *
moved_json(const void *res)
{
    const cli_vm_moved *m = res;
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "domain", json_object_new_string(m->domain));
    json_object_object_add(j, "moved",
                           json_object_new_int64((int64_t)m->res->moved));
    json_object_object_add(j, "deleted",
                           json_object_new_int64((int64_t)m->res->deleted));
    json_object_object_add(j, "cluster", json_object_new_string(m->cluster));
    json_object_object_add(j, "pool", json_object_new_string(m->pool));
    json_object_object_add(j, "live", json_object_new_boolean(m->live));
    json_object_object_add(j, "source_kept",
                           json_object_new_boolean(m->source_kept));
    return j;
}

static void
moved_text(const void *res)
{
    const cli_vm_moved *m = res;

    printf("vm '%s': %zu disk(s) moved to %s:%s %s; the old definition is "
           "kept for 'vm move %s --rollback'",
           m->domain, m->res->moved, m->cluster, m->pool,
           m->live ? "while it ran" : "(verified)", m->domain);
    if (m->res->deleted > 0)
        printf("; %zu local file(s) deleted", m->res->deleted);
    printf("\n");
}

const cli_view cli_view_vm_moved = {.json = moved_json, .text = moved_text};

static struct json_object *
migrated_json(const void *res)
{
    const cli_vm_migrated *m = res;
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "domain", json_object_new_string(m->domain));
    json_object_object_add(j, "from", json_object_new_string(m->from));
    json_object_object_add(j, "to", json_object_new_string(m->to));
    json_object_object_add(j, "live", json_object_new_boolean(!m->offline));
    json_object_object_add(j, "seconds",
                           json_object_new_double(m->res->seconds));
    json_object_object_add(j, "downtime_ms",
                           m->res->downtime_ms < 0
                               ? NULL
                               : json_object_new_int64(m->res->downtime_ms));
    json_object_object_add(j, "data_bytes",
                           json_object_new_int64((int64_t)m->res->data_bytes));
    json_object_object_add(j, "rbd_disks",
                           json_object_new_int64((int64_t)m->res->disks));
    json_object_object_add(
        j, "monitors_refreshed",
        json_object_new_int64((int64_t)m->res->mons_refreshed));
    return j;
}

static void
migrated_text(const void *res)
{
    const cli_vm_migrated *m = res;

    printf("vm '%s' migrated from '%s' to '%s' %s in %.1f s", m->domain,
           m->from, m->to, m->offline ? "(its definition)" : "live",
           m->res->seconds);
    if (m->res->downtime_ms >= 0)
        printf(", paused %lld ms", (long long)m->res->downtime_ms);
    if (m->res->data_bytes)
        printf(", %.1f MiB sent", (double)m->res->data_bytes / 1048576.0);
    printf("; %zu RBD disk(s)", m->res->disks);
    if (m->res->mons_refreshed)
        printf(", monitors refreshed on %zu", m->res->mons_refreshed);
    printf("\n");
}

const cli_view cli_view_vm_migrated = {.json = migrated_json,
                                       .text = migrated_text};

static struct json_object *
recovered_json(const void *res)
{
    const cli_vm_recovered *v = res;
    struct json_object *j = json_object_new_object();
    struct json_object *f = json_object_new_array();

    json_object_object_add(j, "domain", json_object_new_string(v->domain));
    json_object_object_add(j, "from", json_object_new_string(v->from));
    json_object_object_add(j, "on", json_object_new_string(v->on));
    json_object_object_add(j, "from_answered",
                           json_object_new_boolean(v->res->from_answered));
    json_object_object_add(j, "definition", cli_json_str(v->res->definition));
    for (size_t i = 0; i < v->res->n_fenced; i++)
        json_object_array_add(f, json_object_new_string(v->res->fenced[i]));
    json_object_object_add(j, "fenced", f);
    json_object_object_add(j, "fence_until",
                           json_object_new_int64(v->res->fence_until));
    json_object_object_add(j, "rbd_disks",
                           json_object_new_int64((int64_t)v->res->disks));
    json_object_object_add(j, "seconds",
                           json_object_new_double(v->res->seconds));
    return j;
}

static void
recovered_text(const void *res)
{
    const cli_vm_recovered *v = res;

    printf("vm '%s' of host '%s' started on '%s' in %.1f s, from the "
           "definition of %s\n",
           v->domain, v->from, v->on, v->res->seconds,
           v->res->definition ? v->res->definition : "?");
    if (v->res->n_fenced == 0)
        printf("  fenced: nothing (no client held its %zu disk(s))\n",
               v->res->disks);
    for (size_t i = 0; i < v->res->n_fenced; i++)
        printf("  fenced: %s\n", v->res->fenced[i]);
    if (v->res->n_fenced)
        printf("  once '%s' is rebooted: virt-rbd fleet unfence %s\n", v->from,
               v->from);
}

const cli_view cli_view_vm_recovered = {.json = recovered_json,
                                        .text = recovered_text};

void
cli_show_migrate_progress(const char *domain, const vrbd_migrate_progress *p)
{
    if (!p) {
        fprintf(stderr, "\r\033[K");
        return;
    }
    fprintf(stderr,
            "\r\033[Kmigrating %s: pass %llu, %.0f MiB sent, %.0f of %.0f MiB "
            "left, %.1f s",
            domain, (unsigned long long)p->memory_iteration,
            (double)p->data_processed / 1048576.0,
            (double)p->memory_remaining / 1048576.0,
            (double)p->memory_total / 1048576.0, p->elapsed);
}

static struct json_object *
attached_json(const void *res)
{
    const cli_disk_attached *a = res;
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "domain", json_object_new_string(a->domain));
    json_object_object_add(j, "target", json_object_new_string(a->target));
    json_object_object_add(j, "cluster", json_object_new_string(a->cluster));
    return j;
}

static void
attached_text(const void *res)
{
    const cli_disk_attached *a = res;
    const vrbd_spec *s = a->image;

    printf("%s:%s%s%s/%s attached to '%s' as %s\n", a->cluster, s->pool,
           s->nspace ? "/" : "", s->nspace ? s->nspace : "", s->image,
           a->domain, a->target);
}

const cli_view cli_view_disk_attached = {.json = attached_json,
                                         .text = attached_text};

static struct json_object *
detached_json(const void *res)
{
    const cli_disk_detached *d = res;
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "domain", json_object_new_string(d->domain));
    json_object_object_add(j, "detached", json_object_new_string(d->disk));
    return j;
}

static void
detached_text(const void *res)
{
    const cli_disk_detached *d = res;

    printf("%s detached from '%s'\n", d->disk, d->domain);
}

const cli_view cli_view_disk_detached = {.json = detached_json,
                                         .text = detached_text};

static struct json_object *
disk_json(const cli_disk_row *r)
{
    const vrbd_vm_disk *d = r->disk;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "target",
                           json_object_new_string(d->target ? d->target : ""));
    json_object_object_add(o, "type",
                           json_object_new_string(d->rbd ? "rbd" : "file"));
    json_object_object_add(o, "cluster", cli_json_str(r->cluster));
    json_object_object_add(o, "source",
                           json_object_new_string(d->source ? d->source : ""));
    json_object_object_add(
        o, "size",
        r->size == VRBD_UNKNOWN ? NULL : json_object_new_uint64(r->size));
    json_object_object_add(
        o, "used",
        r->used == VRBD_UNKNOWN ? NULL : json_object_new_uint64(r->used));
    return o;
}

static struct json_object *
disks_json(const void *res)
{
    const cli_disk_list *l = res;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < l->n; i++)
        json_object_array_add(a, disk_json(&l->rows[i]));
    return a;
}

static void
disks_text(const void *res)
{
    const cli_disk_list *l = res;
    vrbd_table *t = vrbd_table_new((const char *[]){
        "TARGET", "TYPE", "CLUSTER", "SOURCE", "SIZE", "USED", NULL});

    vrbd_table_right(t, 4);
    vrbd_table_right(t, 5);
    for (size_t i = 0; i < l->n; i++) {
        const cli_disk_row *r = &l->rows[i];
        const vrbd_vm_disk *d = r->disk;
        char sz[32] = "-", us[32] = "-";

        if (r->size != VRBD_UNKNOWN)
            vrbd_size_format(r->size, sz, sizeof(sz));
        if (r->used != VRBD_UNKNOWN)
            vrbd_size_format(r->used, us, sizeof(us));
        VRBD_TABLE_ROW(t, d->target ? d->target : "?", d->rbd ? "rbd" : "file",
                       r->cluster ? r->cluster : (d->rbd ? "?" : "-"),
                       d->source ? d->source : "?", sz, us);
    }
    cli_print_table(t);
}

const cli_view cli_view_disk_list = {.json = disks_json, .text = disks_text};
