/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-fleet.c: what the `fleet` commands print. */
#include <stdio.h>

#include "render.h"

static struct json_object *
host_json(const void *res)
{
    const vrbd_fleet_host *h = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "name", json_object_new_string(h->name));
    json_object_object_add(o, "uri", json_object_new_string(h->uri));
    json_object_object_add(o, "uuid", cli_json_str(h->uuid));
    json_object_object_add(o, "address", cli_json_str(h->address));
    return o;
}

static void
added_text(const void *res)
{
    const vrbd_fleet_host *h = res;

    printf("host '%s' added: %s, host UUID %s\n", h->name, h->uri, h->uuid);
}

const cli_view cli_view_fleet_added = {.json = host_json, .text = added_text};

static struct json_object *
removed_json(const void *res)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "removed", json_object_new_string(res));
    return o;
}

static void
removed_text(const void *res)
{
    printf("host '%s' removed from the fleet\n", (const char *)res);
}

const cli_view cli_view_fleet_removed = {.json = removed_json,
                                         .text = removed_text};

static struct json_object *
drift_json(const vrbd_fleet_drift *d)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "kind", json_object_new_string(d->kind));
    json_object_object_add(o, "pool", cli_json_str(d->pool));
    json_object_object_add(o, "cluster", cli_json_str(d->cluster));
    json_object_object_add(o, "detail", json_object_new_string(d->detail));
    return o;
}

static struct json_object *
status_json(const vrbd_fleet_status *s)
{
    struct json_object *o = json_object_new_object();
    struct json_object *drift = json_object_new_array();

    json_object_object_add(o, "name", json_object_new_string(s->name));
    json_object_object_add(o, "uri", json_object_new_string(s->uri));
    json_object_object_add(o, "uuid", cli_json_str(s->uuid));
    json_object_object_add(o, "reachable",
                           json_object_new_boolean(s->reachable));
    json_object_object_add(o, "error", cli_json_str(s->error));
    json_object_object_add(
        o, "running", s->reachable ? json_object_new_int(s->running) : NULL);
    json_object_object_add(
        o, "defined", s->reachable ? json_object_new_int(s->defined) : NULL);
    for (size_t k = 0; k < s->n_drift; k++)
        json_object_array_add(drift, drift_json(&s->drift[k]));
    json_object_object_add(o, "drift", drift);
    return o;
}

static struct json_object *
list_json(const void *res)
{
    const cli_fleet_list *l = res;
    struct json_object *o = json_object_new_object();
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < l->n; i++)
        json_object_array_add(a, status_json(&l->st[i]));
    json_object_object_add(o, "hosts", a);
    return o;
}

static void
list_text(const void *res)
{
    const cli_fleet_list *l = res;

    if (l->n == 0) {
        printf("no host registered in %s (add one: virt-rbd fleet add NAME "
               "URI)\n",
               l->dir);
        return;
    }
    printf("%-12s %-11s %-36s %-8s %s\n", "HOST", "STATE", "UUID", "DOMAINS",
           "URI");
    for (size_t i = 0; i < l->n; i++) {
        const vrbd_fleet_status *s = &l->st[i];
        char doms[32] = "-";

        if (s->reachable)
            snprintf(doms, sizeof(doms), "%d/%d", s->running, s->defined);
        printf("%-12s %-11s %-36s %-8s %s\n", s->name,
               !s->reachable ? "unreachable"
               : s->n_drift  ? "drift"
                             : "ok",
               s->uuid ? s->uuid : "-", doms, s->uri);
        if (!s->reachable)
            printf("    %s\n", s->error ? s->error : "no answer");
        for (size_t k = 0; k < s->n_drift; k++)
            printf("    %s: %s\n", s->drift[k].kind, s->drift[k].detail);
    }
}

const cli_view cli_view_fleet_list = {.json = list_json, .text = list_text};

static struct json_object *
synced_json(const void *item)
{
    const cli_fleet_synced *s = item;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "host", json_object_new_string(s->host));
    json_object_object_add(o, "cluster", cli_json_str(s->cluster));
    json_object_object_add(o, "pool", json_object_new_string(s->pool));
    json_object_object_add(o, "ok", json_object_new_boolean(!s->error));
    json_object_object_add(o, "error", cli_json_str(s->error));
    json_object_object_add(o, "libvirt_pool",
                           s->error ? NULL
                                    : json_object_new_string(s->res->name));
    json_object_object_add(
        o, "secret",
        s->error ? NULL : json_object_new_string(s->res->secret_uuid));
    json_object_object_add(
        o, "pool_defined",
        json_object_new_boolean(!s->error && s->res->pool_defined));
    json_object_object_add(
        o, "secret_created",
        json_object_new_boolean(!s->error && s->res->secret_created));
    return o;
}

static void
synced_header(void)
{
    printf("%-12s %-24s %-10s %s\n", "HOST", "POOL", "RESULT", "DETAIL");
}

static void
synced_row(const void *item)
{
    const cli_fleet_synced *s = item;
    char pool[128];

    snprintf(pool, sizeof(pool), "%s%s%s", s->cluster ? s->cluster : "",
             s->cluster ? ":" : "", s->pool);
    if (s->error) {
        printf("%-12s %-24s %-10s %s\n", s->host, pool, "FAILED", s->error);
        return;
    }
    printf(
        "%-12s %-24s %-10s libvirt pool '%s'%s, secret %s%s\n", s->host, pool,
        s->res->pool_defined || s->res->secret_created ? "changed" : "ok",
        s->res->name, s->res->pool_defined ? " defined" : "",
        s->res->secret_uuid, s->res->secret_created ? " created" : " key set");
}

const cli_list_view cli_view_fleet_synced = {
    .json = synced_json, .header = synced_header, .row = synced_row};

static struct json_object *
unfenced_json(const void *res)
{
    const cli_fleet_unfenced *u = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "host", json_object_new_string(u->host));
    json_object_object_add(o, "lifted",
                           json_object_new_int64((int64_t)u->lifted));
    return o;
}

static void
unfenced_text(const void *res)
{
    const cli_fleet_unfenced *u = res;

    if (u->lifted == 0)
        printf("host '%s': no fence to lift\n", u->host);
    else
        printf("host '%s': %zu blocklist entr%s lifted\n", u->host, u->lifted,
               u->lifted == 1 ? "y" : "ies");
}

const cli_view cli_view_fleet_unfenced = {.json = unfenced_json,
                                          .text = unfenced_text};

static struct json_object *
recovered_json(const void *item)
{
    const cli_fleet_recovered *r = item;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "domain", json_object_new_string(r->domain));
    json_object_object_add(o, "on", cli_json_str(r->on));
    json_object_object_add(o, "ok", json_object_new_boolean(!r->error));
    json_object_object_add(o, "error", cli_json_str(r->error));
    json_object_object_add(o, "fenced",
                           json_object_new_int64((int64_t)r->res->n_fenced));
    return o;
}

static void
recovered_header(void)
{
    printf("%-24s %-12s %-8s %s\n", "DOMAIN", "ON", "RESULT", "DETAIL");
}

static void
recovered_row(const void *item)
{
    const cli_fleet_recovered *r = item;

    if (r->error)
        printf("%-24s %-12s %-8s %s\n", r->domain, r->on ? r->on : "-",
               "FAILED", r->error);
    else
        printf("%-24s %-12s %-8s %zu client(s) fenced, started in %.1f s\n",
               r->domain, r->on, "ok", r->res->n_fenced, r->res->seconds);
}

const cli_list_view cli_view_fleet_recovered = {
    .json = recovered_json, .header = recovered_header, .row = recovered_row};

static struct json_object *
evacuated_json(const void *item)
{
    const vrbd_evacuate_item *it = item;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "domain", json_object_new_string(it->domain));
    json_object_object_add(o, "to", cli_json_str(it->to));
    json_object_object_add(o, "ok", json_object_new_boolean(it->ok));
    json_object_object_add(o, "seconds",
                           it->ok ? json_object_new_double(it->seconds) : NULL);
    json_object_object_add(o, "error", cli_json_str(it->error));
    json_object_object_add(o, "hint", cli_json_str(it->hint));
    return o;
}

static void
evacuated_header(void)
{
    printf("%-24s %-12s %-8s %s\n", "DOMAIN", "TO", "RESULT", "DETAIL");
}

static void
evacuated_row(const void *item)
{
    const vrbd_evacuate_item *it = item;

    if (it->ok) {
        printf("%-24s %-12s %-8s %.1f s\n", it->domain, it->to, "moved",
               it->seconds);
        return;
    }
    printf("%-24s %-12s %-8s %s\n", it->domain, it->to ? it->to : "-", "stayed",
           it->error ? it->error : "failed");
    if (it->hint)
        printf("%-24s %-12s %-8s hint: %s\n", "", "", "", it->hint);
}

const cli_list_view cli_view_fleet_evacuated = {
    .json = evacuated_json, .header = evacuated_header, .row = evacuated_row};
