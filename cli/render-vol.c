/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-vol.c: what the `vol` commands print. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "render.h"
#include "size.h"
#include "table.h"
#include "xalloc.h"

static const char *
lock_text(const vrbd_volume_info *v)
{
    return v->lock_owners && v->lock_owners[0] ? "excl" : "";
}

static char *
owner_domain(const char *owner)
{
    const char *p = owner ? strstr(owner, "domain=") : NULL;

    if (!p)
        return xstrdup(owner ? owner : "");
    p += 7;
    return xstrndup(p, strcspn(p, " "));
}

static struct json_object *
volume_json(const vrbd_volume_info *v, bool deep)
{
    struct json_object *o = json_object_new_object();
    struct json_object *w = json_object_new_array();

    json_object_object_add(o, "name", json_object_new_string(v->name));
    json_object_object_add(o, "pool", json_object_new_string(v->pool));
    if (v->nspace)
        json_object_object_add(o, "namespace",
                               json_object_new_string(v->nspace));
    json_object_object_add(o, "size", json_object_new_uint64(v->size));
    json_object_object_add(
        o, "used",
        v->used == VRBD_UNKNOWN ? NULL : json_object_new_uint64(v->used));
    json_object_object_add(
        o, "parent", v->parent ? json_object_new_string(v->parent) : NULL);
    json_object_object_add(o, "format", json_object_new_int(v->format));
    json_object_object_add(o, "protected",
                           json_object_new_boolean(v->any_protected));
    json_object_object_add(o, "locked",
                           json_object_new_boolean(*lock_text(v) != 0));
    for (size_t i = 0; i < v->n_watchers; i++)
        json_object_array_add(w, json_object_new_string(v->watchers[i].addr));
    json_object_object_add(o, "watchers", w);
    json_object_object_add(o, "owner",
                           v->owner ? json_object_new_string(v->owner) : NULL);
    if (v->removing)
        json_object_object_add(o, "removing", json_object_new_boolean(true));
    if (deep) {
        CLEANUP_FREE char *feat = vrbd_features_format(v->features);
        struct json_object *snaps = json_object_new_array();

        json_object_object_add(o, "id",
                               json_object_new_string(v->id ? v->id : ""));
        json_object_object_add(o, "block_name_prefix",
                               json_object_new_string(v->block_name_prefix
                                                          ? v->block_name_prefix
                                                          : ""));
        json_object_object_add(o, "order", json_object_new_int(v->order));
        json_object_object_add(o, "object_size",
                               json_object_new_uint64(v->object_size));
        json_object_object_add(o, "objects",
                               json_object_new_uint64(v->objects));
        json_object_object_add(o, "features", json_object_new_string(feat));
        json_object_object_add(o, "flags", json_object_new_uint64(v->flags));
        json_object_object_add(o, "created", json_object_new_int64(v->created));
        json_object_object_add(o, "modified",
                               json_object_new_int64(v->modified));
        for (size_t i = 0; i < v->n_snaps; i++) {
            struct json_object *s = json_object_new_object();
            struct json_object *kids = json_object_new_array();

            json_object_object_add(s, "name",
                                   json_object_new_string(v->snaps[i].name));
            json_object_object_add(s, "id",
                                   json_object_new_uint64(v->snaps[i].id));
            json_object_object_add(s, "size",
                                   json_object_new_uint64(v->snaps[i].size));
            json_object_object_add(
                s, "protected",
                json_object_new_boolean(v->snaps[i].is_protected));
            for (size_t k = 0; v->snaps[i].children && v->snaps[i].children[k];
                 k++)
                json_object_array_add(
                    kids, json_object_new_string(v->snaps[i].children[k]));
            json_object_object_add(s, "children", kids);
            json_object_array_add(snaps, s);
        }
        json_object_object_add(o, "snapshots", snaps);
    }
    return o;
}

/* vol list -l as a table */
static void
print_volumes(const vrbd_volume_info *list, size_t n)
{
    vrbd_table *t = vrbd_table_new(
        (const char *[]){"NAME", "SIZE", "USED", "PARENT", "FMT", "PROT",
                         "LOCK", "WATCHERS", "OWNER", NULL});

    vrbd_table_right(t, 1);
    vrbd_table_right(t, 2);
    vrbd_table_right(t, 7);
    for (size_t i = 0; i < n; i++) {
        const vrbd_volume_info *v = &list[i];
        CLEANUP_FREE char *own = owner_domain(v->owner);
        char size[32], used[32] = "?", fmt[16], watchers[24];

        vrbd_size_format(v->size, size, sizeof(size));
        if (v->used != VRBD_UNKNOWN)
            vrbd_size_format(v->used, used, sizeof(used));
        snprintf(fmt, sizeof(fmt), "%d", v->format);
        snprintf(watchers, sizeof(watchers), "%zu", v->n_watchers);
        VRBD_TABLE_ROW(t, v->name, size, used, v->parent, fmt,
                       v->any_protected ? "yes" : "", lock_text(v), watchers,
                       own);
    }
    cli_print_table(t);
}

static void
print_time(const char *key, int64_t t)
{
    char buf[64] = "-";
    time_t tt = (time_t)t;
    struct tm tm;

    if (t > 0 && gmtime_r(&tt, &tm))
        strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
    cli_print_kv(18, key, "%s", buf);
}

static struct json_object *
created_json(const void *res)
{
    const cli_vol_created *c = res;
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "image", json_object_new_string(c->name));
    json_object_object_add(j, "size", json_object_new_uint64(c->size));
    return j;
}

static void
created_text(const void *res)
{
    const cli_vol_created *c = res;
    char human[32];

    printf("image %s created: %s (%llu bytes)\n", c->name,
           vrbd_size_format(c->size, human, sizeof(human)),
           (unsigned long long)c->size);
}

const cli_view cli_view_vol_created = {.json = created_json,
                                       .text = created_text};

static struct json_object *
list_json(const void *res)
{
    const cli_vol_list *l = res;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < l->n; i++)
        json_object_array_add(a, l->details
                                     ? volume_json(&l->list[i], false)
                                     : json_object_new_string(l->list[i].name));
    return a;
}

static void
list_text(const void *res)
{
    const cli_vol_list *l = res;

    if (l->details) {
        print_volumes(l->list, l->n);
        return;
    }
    for (size_t i = 0; i < l->n; i++)
        puts(l->list[i].name);
}

const cli_view cli_view_vol_list = {.json = list_json, .text = list_text};

static struct json_object *
info_json(const void *res)
{
    return volume_json(((const cli_vol_info *)res)->v, true);
}

static void
info_text(const void *res)
{
    const cli_vol_info *info = res;
    const char *name = info->name;
    const vrbd_volume_info *v = info->v;
    CLEANUP_FREE char *feat = vrbd_features_format(v->features);
    char a[32], b[32];

    printf("rbd image %s:\n", name);
    cli_print_kv(18, "  size:", "%s (%llu bytes) in %llu objects",
                 vrbd_size_format(v->size, a, sizeof(a)),
                 (unsigned long long)v->size, (unsigned long long)v->objects);
    if (v->used != VRBD_UNKNOWN)
        cli_print_kv(18, "  used:", "%s (%llu bytes)",
                     vrbd_size_format(v->used, b, sizeof(b)),
                     (unsigned long long)v->used);
    cli_print_kv(18, "  order:", "%d (%s objects)", v->order,
                 vrbd_size_format(v->object_size, a, sizeof(a)));
    cli_print_kv(18, "  id:", "%s", v->id ? v->id : "");
    cli_print_kv(18, "  block_name_prefix:", "%s",
                 v->block_name_prefix ? v->block_name_prefix : "");
    cli_print_kv(18, "  format:", "%d", v->format);
    cli_print_kv(18, "  features:", "%s", feat);
    cli_print_kv(18, "  flags:", "%s",
                 v->flags ? "object map or fast-diff invalid" : "");
    if (v->parent)
        cli_print_kv(18, "  parent:", "%s", v->parent);
    print_time("  created:", v->created);
    print_time("  modified:", v->modified);
    cli_print_kv(18, "  snapshots:", "%zu", v->n_snaps);
    for (size_t i = 0; i < v->n_snaps; i++) {
        cli_print_kv(18, "", "@%s  %s%s", v->snaps[i].name,
                     vrbd_size_format(v->snaps[i].size, a, sizeof(a)),
                     v->snaps[i].is_protected ? "  protected" : "");
        for (size_t k = 0; v->snaps[i].children && v->snaps[i].children[k]; k++)
            cli_print_kv(18, "", "    child %s", v->snaps[i].children[k]);
    }
    cli_print_kv(18, "  watchers:", "%zu", v->n_watchers);
    for (size_t i = 0; i < v->n_watchers; i++)
        cli_print_kv(18, "", "watcher=%s client.%lld cookie=%llu",
                     v->watchers[i].addr, (long long)v->watchers[i].client_id,
                     (unsigned long long)v->watchers[i].cookie);
    if (v->lock_owners && v->lock_owners[0])
        cli_print_kv(18, "  lock owner:", "%s", v->lock_owners[0]);
    cli_print_kv(18, "  owner:", "%s", v->owner ? v->owner : "-");
}

const cli_view cli_view_vol_info = {.json = info_json, .text = info_text};

static struct json_object *
resized_json(const void *res)
{
    const cli_vol_resized *r = res;
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "old_size", json_object_new_uint64(r->old_size));
    json_object_object_add(j, "size", json_object_new_uint64(r->size));
    return j;
}

static void
resized_text(const void *res)
{
    const cli_vol_resized *r = res;
    char a[32], b[32];

    printf("image %s resized from %s to %s (%llu bytes)%s%s\n", r->name,
           vrbd_size_format(r->old_size, a, sizeof(a)),
           vrbd_size_format(r->size, b, sizeof(b)), (unsigned long long)r->size,
           r->guest ? "; running guest told: " : "", r->guest ? r->guest : "");
}

const cli_view cli_view_vol_resized = {.json = resized_json,
                                       .text = resized_text};

static struct json_object *
snap_done_json(const void *res)
{
    const cli_snap_done *d = res;
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "snapshot", json_object_new_string(d->name));
    json_object_object_add(j, "done", json_object_new_string(d->verb));
    return j;
}

static void
snap_done_text(const void *res)
{
    const cli_snap_done *d = res;

    if (d->rollback)
        printf("image %s rolled back to snapshot %s\n", d->image, d->snap);
    else
        printf("snapshot %s %s\n", d->name, d->verb);
}

const cli_view cli_view_snap_done = {.json = snap_done_json,
                                     .text = snap_done_text};

static struct json_object *
snap_list_json(const void *res)
{
    struct json_object *o = volume_json(res, true);
    struct json_object *snaps = NULL;

    json_object_object_get_ex(o, "snapshots", &snaps);
    json_object_get(snaps);
    json_object_put(o);
    return snaps;
}

static void
snap_list_text(const void *res)
{
    const vrbd_volume_info *v = res;
    vrbd_table *t = vrbd_table_new((const char *[]){
        "SNAPID", "NAME", "SIZE", "PROTECTED", "CHILDREN", NULL});

    vrbd_table_right(t, 0);
    vrbd_table_right(t, 2);
    vrbd_table_right(t, 4);
    for (size_t i = 0; i < v->n_snaps; i++) {
        size_t kids = 0;
        char a[32], id[24], nk[24];

        while (v->snaps[i].children && v->snaps[i].children[kids])
            kids++;
        snprintf(id, sizeof(id), "%llu", (unsigned long long)v->snaps[i].id);
        snprintf(nk, sizeof(nk), "%zu", kids);
        VRBD_TABLE_ROW(t, id, v->snaps[i].name,
                       vrbd_size_format(v->snaps[i].size, a, sizeof(a)),
                       v->snaps[i].is_protected ? "yes" : "no", nk);
    }
    cli_print_table(t);
}

const cli_view cli_view_snap_list = {.json = snap_list_json,
                                     .text = snap_list_text};

static struct json_object *
cloned_json(const void *res)
{
    const cli_vol_cloned *c = res;
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "source", json_object_new_string(c->source));
    json_object_object_add(j, "image", json_object_new_string(c->image));
    json_object_object_add(j, "depth", json_object_new_int(c->res->depth));
    json_object_object_add(j, "flattened",
                           json_object_new_boolean(c->res->flattened));
    json_object_object_add(j, "snapshot_created",
                           json_object_new_boolean(c->res->snap_created));
    return j;
}

static void
cloned_text(const void *res)
{
    const cli_vol_cloned *c = res;

    printf("image %s cloned from %s%s%s\n", c->image, c->source,
           c->res->snap_created ? " (snapshot created and protected)" : "",
           c->res->flattened ? ", flattened" : "");
}

const cli_view cli_view_vol_cloned = {.json = cloned_json, .text = cloned_text};

static struct json_object *
flattened_json(const void *res)
{
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "flattened", json_object_new_string(res));
    return j;
}

static void
flattened_text(const void *res)
{
    printf("image %s flattened: it has no parent now\n", (const char *)res);
}

const cli_view cli_view_vol_flattened = {.json = flattened_json,
                                         .text = flattened_text};

static struct json_object *
children_json(const void *res)
{
    const cli_vol_children *c = res;
    const vrbd_volume_info *v = c->v;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < v->n_snaps; i++) {
        if (c->snap && strcmp(c->snap, v->snaps[i].name) != 0)
            continue;
        for (size_t k = 0; v->snaps[i].children && v->snaps[i].children[k]; k++)
            json_object_array_add(
                a, json_object_new_string(v->snaps[i].children[k]));
    }
    return a;
}

static void
children_text(const void *res)
{
    const cli_vol_children *c = res;
    const vrbd_volume_info *v = c->v;

    for (size_t i = 0; i < v->n_snaps; i++) {
        if (c->snap && strcmp(c->snap, v->snaps[i].name) != 0)
            continue;
        for (size_t k = 0; v->snaps[i].children && v->snaps[i].children[k]; k++)
            printf("%s  (of @%s)\n", v->snaps[i].children[k], v->snaps[i].name);
    }
}

const cli_view cli_view_vol_children = {.json = children_json,
                                        .text = children_text};

static struct json_object *
who_json(const void *res)
{
    const cli_vol_who *w = res;
    struct json_object *o = json_object_new_object();
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < w->n; i++) {
        const vrbd_holder *h = &w->holders[i];
        struct json_object *one = json_object_new_object();

        json_object_object_add(one, "addr", json_object_new_string(h->addr));
        json_object_object_add(one, "client",
                               json_object_new_int64(h->client_id));
        json_object_object_add(one, "local", json_object_new_boolean(h->local));
        json_object_object_add(one, "domain", cli_json_str(h->domain));
        json_object_object_add(one, "rbd_mirror", cli_json_str(h->rbd_mirror));
        json_object_object_add(one, "advice",
                               json_object_new_string(h->advice));
        json_object_array_add(a, one);
    }
    json_object_object_add(o, "watchers", a);
    json_object_object_add(o, "owner", cli_json_str(w->owner));
    return o;
}

static void
who_text(const void *res)
{
    const cli_vol_who *w = res;

    if (w->n == 0) {
        printf("nobody: image %s has no watcher%s%s\n", w->name,
               w->owner ? "; recorded owner: " : "", w->owner ? w->owner : "");
        return;
    }
    for (size_t i = 0; i < w->n; i++) {
        const vrbd_holder *h = &w->holders[i];

        printf("client.%lld at %s: %s\n", (long long)h->client_id, h->addr,
               h->rbd_mirror ? h->rbd_mirror
               : h->domain   ? h->domain
               : h->local    ? "a local process (no libvirt domain)"
                             : "a remote client");
        printf("  %s\n", h->advice);
    }
    if (w->owner)
        printf("recorded owner: %s\n", w->owner);
}

const cli_view cli_view_vol_who = {.json = who_json, .text = who_text};

static struct json_object *
removed_json(const void *res)
{
    const cli_vol_removed *r = res;
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "removed", json_object_new_string(r->name));
    json_object_object_add(j, "trash", json_object_new_boolean(r->trash));
    if (r->trash) {
        CLEANUP_FREE char *until = cli_utc(r->until);

        json_object_object_add(j, "kept_until", cli_json_str(until));
    }
    return j;
}

static void
removed_text(const void *res)
{
    const cli_vol_removed *r = res;

    CLEANUP_FREE char *until = NULL;

    if (!r->trash) {
        printf("image %s removed\n", r->name);
        return;
    }
    until = cli_utc(r->until);
    printf("image %s moved to the trash until %s (virt-rbd vol restore "
           "brings it back)\n",
           r->name, until);
}

const cli_view cli_view_vol_removed = {.json = removed_json,
                                       .text = removed_text};

static struct json_object *
clients_json(const void *res)
{
    const cli_vol_clients *c = res;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < c->n; i++) {
        const vrbd_image_client *ic = &c->clients[i];
        struct json_object *one = json_object_new_object();

        json_object_object_add(one, "addr", json_object_new_string(ic->addr));
        json_object_object_add(one, "client",
                               json_object_new_int64(ic->client_id));
        json_object_object_add(one, "watcher",
                               json_object_new_boolean(ic->watcher));
        json_object_object_add(one, "lock_owner",
                               json_object_new_boolean(ic->lock_owner));
        json_object_object_add(one, "lock_cookie",
                               cli_json_str(ic->lock_cookie));
        json_object_object_add(one, "rbd_mirror", cli_json_str(ic->rbd_mirror));
        json_object_array_add(a, one);
    }
    return a;
}

static void
clients_text(const void *res)
{
    const cli_vol_clients *c = res;
    vrbd_table *t;

    if (c->n == 0) {
        printf("image %s has no clients\n", c->name);
        return;
    }
    t = vrbd_table_new(
        (const char *const[]){"ADDRESS", "CLIENT", "WATCH", "LOCK", NULL});
    for (size_t i = 0; i < c->n; i++) {
        const vrbd_image_client *ic = &c->clients[i];
        CLEANUP_FREE char *id =
            ic->client_id >= 0
                ? xasprintf("client.%lld", (long long)ic->client_id)
                : NULL;

        VRBD_TABLE_ROW(t, ic->addr, id, ic->watcher ? "yes" : "no",
                       ic->lock_owner ? ic->lock_cookie : "no");
    }
    cli_print_table(t);
}

const cli_view cli_view_vol_clients = {.json = clients_json,
                                       .text = clients_text};

static struct json_object *
fenced_json(const void *res)
{
    const cli_vol_fenced *f = res;
    struct json_object *o = json_object_new_object();
    struct json_object *a = json_object_new_array();
    CLEANUP_FREE char *at = f->res->n_fenced ? cli_utc(f->res->at) : NULL;
    CLEANUP_FREE char *until = f->res->n_fenced ? cli_utc(f->res->until) : NULL;

    for (size_t i = 0; i < f->res->n_fenced; i++) {
        const vrbd_fenced *x = &f->res->fenced[i];
        struct json_object *one = json_object_new_object();

        json_object_object_add(one, "image", json_object_new_string(x->image));
        json_object_object_add(one, "addr", json_object_new_string(x->addr));
        json_object_object_add(one, "client",
                               json_object_new_int64(x->client_id));
        json_object_object_add(one, "lock_broken",
                               json_object_new_boolean(x->lock_broken));
        json_object_array_add(a, one);
    }
    json_object_object_add(o, "cluster", json_object_new_string(f->cluster));
    json_object_object_add(
        o, "images", cli_json_strv((char *const *)f->images, f->n_images));
    json_object_object_add(o, "fenced", a);
    a = json_object_new_array();
    for (size_t i = 0; i < f->res->n_spared; i++) {
        const vrbd_fenced *x = &f->res->spared[i];
        struct json_object *one = json_object_new_object();

        json_object_object_add(one, "image", json_object_new_string(x->image));
        json_object_object_add(one, "addr", json_object_new_string(x->addr));
        json_object_object_add(one, "client",
                               json_object_new_int64(x->client_id));
        json_object_object_add(one, "rbd_mirror", cli_json_str(x->rbd_mirror));
        json_object_array_add(a, one);
    }
    json_object_object_add(o, "spared", a);
    json_object_object_add(o, "at", cli_json_str(at));
    json_object_object_add(o, "until", cli_json_str(until));
    json_object_object_add(o, "expire", json_object_new_int64(f->expire));
    json_object_object_add(o, "reason", cli_json_str(f->reason));
    return o;
}

static void
fenced_text(const void *res)
{
    const cli_vol_fenced *f = res;
    CLEANUP_FREE char *until = cli_utc(f->res->until);

    for (size_t i = 0; i < f->res->n_spared; i++) {
        const vrbd_fenced *x = &f->res->spared[i];

        printf("left alone: client.%lld at %s (image %s): %s\n",
               (long long)x->client_id, x->addr, x->image, x->rbd_mirror);
    }
    if (f->res->n_fenced == 0) {
        for (size_t i = 0; i < f->n_images; i++)
            printf("image %s has no %sclients: nothing to fence\n",
                   f->images[i], f->res->n_spared ? "other " : "");
        return;
    }
    for (size_t i = 0; i < f->res->n_fenced; i++) {
        const vrbd_fenced *x = &f->res->fenced[i];

        printf("fenced client.%lld at %s (image %s%s)\n",
               (long long)x->client_id, x->addr, x->image,
               x->lock_broken ? ", its lock broken" : "");
    }
    printf("blocklisted on cluster '%s' until %s (%u s)\n", f->cluster, until,
           f->expire);
}

const cli_view cli_view_vol_fenced = {.json = fenced_json, .text = fenced_text};
