/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-host.c: what the `host` commands print. */
#include <stdint.h>
#include <stdio.h>

#include "render.h"
#include "table.h"

static struct json_object *
connected_json(const void *res)
{
    const cli_host_connected *c = res;
    const vrbd_host_connect_result *r = c->res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "cluster", json_object_new_string(c->cluster));
    json_object_object_add(o, "pool", json_object_new_string(c->pool));
    json_object_object_add(o, "libvirt_pool", json_object_new_string(r->name));
    json_object_object_add(o, "user", json_object_new_string(c->user));
    json_object_object_add(o, "secret", json_object_new_string(r->secret_uuid));
    json_object_object_add(o, "user_created",
                           json_object_new_boolean(r->user_created));
    json_object_object_add(o, "user_updated",
                           json_object_new_boolean(r->user_updated));
    json_object_object_add(o, "secret_created",
                           json_object_new_boolean(r->secret_created));
    json_object_object_add(o, "pool_defined",
                           json_object_new_boolean(r->pool_defined));
    json_object_object_add(o, "pool_started",
                           json_object_new_boolean(r->pool_started));
    return o;
}

static void
connected_text(const void *res)
{
    const cli_host_connected *c = res;
    const vrbd_host_connect_result *r = c->res;

    printf("host connected to %s:%s as libvirt pool '%s'\n", c->cluster,
           c->pool, r->name);
    cli_print_kv(9, "  user:", "%s (%s)", c->user,
                 r->user_created   ? "created"
                 : r->user_updated ? "pool added to its caps"
                                   : "unchanged");
    cli_print_kv(9, "  secret:", "%s (private, %s)", r->secret_uuid,
                 r->secret_created ? "created" : "key refreshed");
    cli_print_kv(9, "  pool:", "%s, active, autostart",
                 r->pool_defined ? "defined" : "existed");
}

const cli_view cli_view_host_connected = {.json = connected_json,
                                          .text = connected_text};

static struct json_object *
disconnected_json(const void *res)
{
    const cli_host_disconnected *d = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "libvirt_pool", json_object_new_string(d->name));
    json_object_object_add(o, "secret_removed",
                           json_object_new_boolean(d->secret_removed));
    return o;
}

static void
disconnected_text(const void *res)
{
    const cli_host_disconnected *d = res;

    printf("libvirt pool '%s' removed%s\n", d->name,
           d->secret_removed ? ", and its secret (no longer used)" : "");
}

const cli_view cli_view_host_disconnected = {.json = disconnected_json,
                                             .text = disconnected_text};

static struct json_object *
pool_json(const cli_host_lists *l, size_t i)
{
    const vrbd_host_rbd_pool *pl = &l->pools[i];
    struct json_object *p = json_object_new_object();

    json_object_object_add(p, "name", json_object_new_string(pl->name));
    json_object_object_add(
        p, "cluster",
        json_object_new_string(cli_cluster_name(l->clusters, l->nc, pl->fsid)));
    json_object_object_add(p, "fsid", cli_json_str(pl->fsid));
    json_object_object_add(p, "pool",
                           json_object_new_string(pl->pool ? pl->pool : ""));
    json_object_object_add(p, "user",
                           json_object_new_string(pl->user ? pl->user : ""));
    json_object_object_add(
        p, "secret",
        json_object_new_string(pl->secret_uuid ? pl->secret_uuid : ""));
    json_object_object_add(p, "monitors", cli_json_strv(pl->hosts, SIZE_MAX));
    json_object_object_add(p, "active", json_object_new_boolean(pl->active));
    json_object_object_add(p, "reachable",
                           json_object_new_string(l->reachable[i]));
    json_object_object_add(p, "autostart",
                           json_object_new_boolean(pl->autostart));
    json_object_object_add(p, "volumes", json_object_new_int64(pl->volumes));
    return p;
}

static struct json_object *
secret_json(const cli_host_lists *l, const vrbd_host_secret *sc)
{
    struct json_object *s = json_object_new_object();

    json_object_object_add(s, "uuid", json_object_new_string(sc->uuid));
    json_object_object_add(s, "usage", cli_json_str(sc->usage));
    json_object_object_add(
        s, "cluster",
        json_object_new_string(cli_cluster_name(l->clusters, l->nc, sc->fsid)));
    json_object_object_add(s, "user", cli_json_str(sc->entity));
    json_object_object_add(s, "private",
                           json_object_new_boolean(sc->is_private));
    return s;
}

static struct json_object *
lists_json(const void *res)
{
    const cli_host_lists *l = res;
    struct json_object *o = json_object_new_object();
    struct json_object *pa = json_object_new_array();
    struct json_object *sa = json_object_new_array();

    for (size_t i = 0; i < l->np; i++)
        json_object_array_add(pa, pool_json(l, i));
    for (size_t i = 0; i < l->ns; i++)
        json_object_array_add(sa, secret_json(l, &l->secrets[i]));
    json_object_object_add(o, "pools", pa);
    json_object_object_add(o, "secrets", sa);
    return o;
}

static void
lists_text(const void *res)
{
    const cli_host_lists *l = res;
    vrbd_table *t = vrbd_table_new(
        (const char *[]){"LIBVIRT POOL", "CLUSTER", "CEPH POOL", "USER",
                         "STATE", "AUTOSTART", "REACHABLE", "VOLUMES", NULL});

    vrbd_table_right(t, 7);
    for (size_t i = 0; i < l->np; i++) {
        const vrbd_host_rbd_pool *p = &l->pools[i];
        char vols[24] = "-";

        if (p->volumes >= 0)
            snprintf(vols, sizeof(vols), "%lld", (long long)p->volumes);
        VRBD_TABLE_ROW(t, p->name,
                       cli_cluster_name(l->clusters, l->nc, p->fsid),
                       p->pool ? p->pool : "?", p->user ? p->user : "?",
                       p->active ? "active" : "inactive",
                       p->autostart ? "yes" : "no", l->reachable[i], vols);
    }
    cli_print_table(t);
    putchar('\n');
    t = vrbd_table_new(
        (const char *[]){"SECRET", "CLUSTER", "USER", "PRIVATE", NULL});
    for (size_t i = 0; i < l->ns; i++) {
        const vrbd_host_secret *s = &l->secrets[i];

        VRBD_TABLE_ROW(t, s->uuid,
                       cli_cluster_name(l->clusters, l->nc, s->fsid),
                       s->entity ? s->entity : (s->usage ? s->usage : "?"),
                       s->is_private ? "yes" : "NO");
    }
    cli_print_table(t);
}

const cli_view cli_view_host_lists = {.json = lists_json, .text = lists_text};

static const char *const ensure_states[] = {"active", "started", "failed"};

static struct json_object *
ensured_json(const void *res)
{
    const cli_host_ensured *e = res;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < e->n; i++) {
        const vrbd_ensure_item *it = &e->items[i];
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, it->is_domain ? "domain" : "pool",
                               json_object_new_string(it->name));
        json_object_object_add(o, "cluster", cli_json_str(it->cluster));
        json_object_object_add(
            o, "state", json_object_new_string(ensure_states[it->state]));
        json_object_object_add(o, "seconds",
                               json_object_new_double(it->seconds));
        json_object_object_add(o, "message", cli_json_str(it->message));
        json_object_array_add(a, o);
    }
    return a;
}

static void
ensured_text(const void *res)
{
    const cli_host_ensured *e = res;

    for (size_t i = 0; i < e->n; i++) {
        const vrbd_ensure_item *it = &e->items[i];

        if (it->state == VRBD_ENSURE_ACTIVE)
            printf("pool '%s' (cluster '%s'): active\n", it->name, it->cluster);
        else if (it->state == VRBD_ENSURE_STARTED && !it->is_domain)
            printf("pool '%s' (cluster '%s'): started after %.1f s\n", it->name,
                   it->cluster, it->seconds);
        else if (it->state == VRBD_ENSURE_STARTED)
            printf("domain '%s': started\n", it->name);
    }
    if (e->n == 0)
        printf("no RBD pool managed by virt-rbd on this host\n");
}

const cli_view cli_view_host_ensured = {.json = ensured_json,
                                        .text = ensured_text};

static struct json_object *
refreshed_json(const void *item)
{
    const cli_host_refreshed *r = item;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "cluster", json_object_new_string(r->cluster));
    json_object_object_add(o, "pools", cli_json_strv(r->res->pools, SIZE_MAX));
    json_object_object_add(o, "domains",
                           cli_json_strv(r->res->domains, SIZE_MAX));
    json_object_object_add(o, "running",
                           cli_json_strv(r->res->running, SIZE_MAX));
    return o;
}

static void
refreshed_text(const void *item)
{
    const cli_host_refreshed *r = item;
    const vrbd_refresh_result *res = r->res;
    size_t np = 0, nd = 0;

    while (res->pools && res->pools[np])
        np++;
    while (res->domains && res->domains[nd])
        nd++;
    printf("cluster '%s': %zu pool(s) and %zu domain(s) updated\n", r->cluster,
           np, nd);
    for (size_t i = 0; i < np; i++)
        printf("  pool %s\n", res->pools[i]);
    for (size_t i = 0; i < nd; i++)
        printf("  domain %s\n", res->domains[i]);
    for (size_t i = 0; res->running && res->running[i]; i++)
        printf("  note: domain '%s' is running: its disks use the new "
               "monitors from its next start\n",
               res->running[i]);
}

const cli_list_view cli_view_host_refreshed = {.json = refreshed_json,
                                               .row = refreshed_text};
