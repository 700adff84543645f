/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-cluster.c: what the `cluster` commands print. */
#include <stdio.h>
#include <time.h>

#include "cleanup.h"
#include "render.h"
#include "size.h"
#include "table.h"
#include "xalloc.h"

static struct json_object *
entry_json(const void *res)
{
    const vrbd_cluster_entry *e = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "name", json_object_new_string(e->name));
    json_object_object_add(o, "default",
                           json_object_new_boolean(e->is_default));
    json_object_object_add(o, "fsid", cli_json_str(e->fsid));
    json_object_object_add(o, "conf", cli_json_str(e->conf_path));
    json_object_object_add(o, "mon_host", cli_json_str(e->mon_host));
    json_object_object_add(o, "user", cli_json_str(e->user));
    json_object_object_add(o, "keyring", cli_json_str(e->keyring));
    json_object_object_add(o, "trash_keep_sec",
                           json_object_new_int64(e->trash_keep_sec
                                                     ? e->trash_keep_sec
                                                     : VRBD_TRASH_KEEP_SEC));
    return o;
}

/* @sec in its largest whole unit: "7d", "12h", "30m", "90s" */
static void
keep_text(unsigned sec, char *buf, size_t len)
{
    if (sec % 86400 == 0)
        snprintf(buf, len, "%ud", sec / 86400);
    else if (sec % 3600 == 0)
        snprintf(buf, len, "%uh", sec / 3600);
    else if (sec % 60 == 0)
        snprintf(buf, len, "%um", sec / 60);
    else
        snprintf(buf, len, "%us", sec);
}

static void
entry_text(const void *res)
{
    const vrbd_cluster_entry *e = res;

    cli_print_kv(9, "name:", "%s%s", e->name,
                 e->is_default ? " (default)" : "");
    cli_print_kv(9, "fsid:", "%s", e->fsid ? e->fsid : "-");
    cli_print_kv(9, "conf:", "%s", e->conf_path ? e->conf_path : "-");
    cli_print_kv(9, "mon_host:", "%s",
                 e->mon_host ? e->mon_host : "(from conf)");
    cli_print_kv(9, "user:", "client.%s", e->user);
    char keep[32];

    keep_text(e->trash_keep_sec ? e->trash_keep_sec : VRBD_TRASH_KEEP_SEC, keep,
              sizeof(keep));
    cli_print_kv(9, "keyring:", "%s", e->keyring ? e->keyring : "(from conf)");
    cli_print_kv(9, "trash:", "removed images kept %s%s", keep,
                 e->trash_keep_sec ? "" : " (the default)");
}

const cli_view cli_view_cluster_entry = {.json = entry_json,
                                         .text = entry_text};

static void
added_text(const void *res)
{
    const vrbd_cluster_entry *e = res;

    printf("cluster '%s' added: fsid %s, client.%s%s\n", e->name, e->fsid,
           e->user, e->is_default ? " (the default cluster)" : "");
}

const cli_view cli_view_cluster_added = {.json = entry_json,
                                         .text = added_text};

static struct json_object *
list_json(const void *res)
{
    const cli_cluster_list *l = res;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < l->n; i++)
        json_object_array_add(a, entry_json(&l->all[i]));
    return a;
}

static void
list_text(const void *res)
{
    const cli_cluster_list *l = res;

    if (l->n == 0) {
        printf("no cluster registered in %s (add one: virt-rbd cluster "
               "add NAME ...)\n",
               l->dir);
        return;
    }
    printf("%-12s %-7s %-36s %-16s %s\n", "NAME", "DEFAULT", "FSID", "USER",
           "MONITORS");
    for (size_t i = 0; i < l->n; i++)
        printf("%-12s %-7s %-36s %-16s %s\n", l->all[i].name,
               l->all[i].is_default ? "*" : "",
               l->all[i].fsid ? l->all[i].fsid : "-", l->all[i].user,
               l->all[i].mon_host ? l->all[i].mon_host : "(from conf)");
}

const cli_view cli_view_cluster_list = {.json = list_json, .text = list_text};

static struct json_object *
removed_json(const void *res)
{
    const cli_cluster_removed *r = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "removed", json_object_new_string(r->name));
    json_object_object_add(o, "default", cli_json_str(r->new_default));
    return o;
}

static void
removed_text(const void *res)
{
    const cli_cluster_removed *r = res;

    printf("cluster '%s' removed from the registry\n", r->name);
    if (r->new_default)
        printf("the default cluster is now '%s'\n", r->new_default);
}

const cli_view cli_view_cluster_removed = {.json = removed_json,
                                           .text = removed_text};

static struct json_object *
default_json(const void *res)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "default", json_object_new_string(res));
    return o;
}

static void
default_text(const void *res)
{
    printf("%s\n", (const char *)res);
}

const cli_view cli_view_cluster_default = {.json = default_json,
                                           .text = default_text};

static struct json_object *
caps_json(const vrbd_user *caps)
{
    struct json_object *c;

    if (!caps)
        return NULL;
    c = json_object_new_object();
    json_object_object_add(c, "mon", cli_json_str(caps->caps_mon));
    json_object_object_add(c, "osd", cli_json_str(caps->caps_osd));
    json_object_object_add(c, "mgr", cli_json_str(caps->caps_mgr));
    json_object_object_add(c, "unrestricted",
                           json_object_new_boolean(caps->unrestricted));
    return c;
}

static struct json_object *
status_json(const void *res)
{
    const cli_cluster_status *s = res;
    const vrbd_cluster_status *st = s->st;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "cluster", json_object_new_string(s->cluster));
    json_object_object_add(o, "fsid", json_object_new_string(st->fsid));
    json_object_object_add(o, "health", json_object_new_string(st->health));
    json_object_object_add(
        o, "health_checks",
        cli_json_strv(st->health_checks, st->n_health_checks));
    json_object_object_add(o, "mons",
                           cli_json_strv(st->mon_addrs, st->n_mon_addrs));
    json_object_object_add(o, "osds", json_object_new_int64(st->osds));
    json_object_object_add(o, "osds_up", json_object_new_int64(st->osds_up));
    json_object_object_add(o, "osds_in", json_object_new_int64(st->osds_in));
    json_object_object_add(o, "pools", json_object_new_int64(st->pools));
    json_object_object_add(o, "pgs", json_object_new_int64(st->pgs));
    json_object_object_add(o, "pgs_active_clean",
                           json_object_new_int64(st->pgs_active_clean));
    json_object_object_add(o, "bytes_used",
                           json_object_new_uint64(st->bytes_used));
    json_object_object_add(o, "bytes_total",
                           json_object_new_uint64(st->bytes_total));
    json_object_object_add(o, "user", json_object_new_string(s->entity));
    json_object_object_add(o, "caps", caps_json(s->caps));
    return o;
}

static void
status_text(const void *res)
{
    const cli_cluster_status *s = res;
    const vrbd_cluster_status *st = s->st;
    const vrbd_user *caps = s->caps;
    char used[32], total[32];

    cli_print_kv(9, "cluster:", "%s", s->cluster);
    cli_print_kv(9, "fsid:", "%s", st->fsid);
    cli_print_kv(9, "health:", "%s", st->health);
    for (size_t i = 0; i < st->n_health_checks; i++)
        cli_print_kv(9, "", "%s", st->health_checks[i]);
    for (size_t i = 0; i < st->n_mon_addrs; i++)
        cli_print_kv(9, i ? "" : "mons:", "%s", st->mon_addrs[i]);
    cli_print_kv(9, "osds:", "%u (%u up, %u in)", st->osds, st->osds_up,
                 st->osds_in);
    cli_print_kv(9, "pools:", "%u (%u pgs, %u active+clean)", st->pools,
                 st->pgs, st->pgs_active_clean);
    cli_print_kv(9, "usage:", "%s used of %s",
                 vrbd_size_format(st->bytes_used, used, sizeof(used)),
                 vrbd_size_format(st->bytes_total, total, sizeof(total)));
    if (caps)
        cli_print_kv(9, "user:", "%s: mon '%s' osd '%s'%s", s->entity,
                     caps->caps_mon ? caps->caps_mon : "",
                     caps->caps_osd ? caps->caps_osd : "",
                     caps->unrestricted ? " (unrestricted)" : "");
    else
        cli_print_kv(9, "user:", "%s (its caps do not allow reading them)",
                     s->entity);
}

const cli_view cli_view_cluster_status = {.json = status_json,
                                          .text = status_text};

static struct json_object *
blocklist_json(const void *res)
{
    const cli_blocklist *b = res;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < b->n; i++) {
        CLEANUP_FREE char *until = cli_utc(b->list[i].until);
        struct json_object *one = json_object_new_object();

        json_object_object_add(one, "addr",
                               json_object_new_string(b->list[i].addr));
        json_object_object_add(one, "until", json_object_new_string(until));
        json_object_array_add(a, one);
    }
    return a;
}

static void
blocklist_text(const void *res)
{
    const cli_blocklist *b = res;
    vrbd_table *t;

    if (b->n == 0) {
        printf("cluster '%s' blocklists no client\n", b->cluster);
        return;
    }
    t = vrbd_table_new((const char *const[]){"ADDRESS", "UNTIL", NULL});
    for (size_t i = 0; i < b->n; i++) {
        CLEANUP_FREE char *until = cli_utc(b->list[i].until);

        VRBD_TABLE_ROW(t, b->list[i].addr, until);
    }
    cli_print_table(t);
}

const cli_view cli_view_blocklist = {.json = blocklist_json,
                                     .text = blocklist_text};

static struct json_object *
unfenced_json(const void *res)
{
    const cli_unfenced *u = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "cluster", json_object_new_string(u->cluster));
    json_object_object_add(o, "addr", json_object_new_string(u->addr));
    json_object_object_add(o, "removed", json_object_new_boolean(u->removed));
    return o;
}

static void
unfenced_text(const void *res)
{
    const cli_unfenced *u = res;

    if (u->removed)
        printf("%s is no longer blocklisted on cluster '%s'\n", u->addr,
               u->cluster);
    else
        printf("%s was not blocklisted on cluster '%s': nothing to do\n",
               u->addr, u->cluster);
}

const cli_view cli_view_unfenced = {.json = unfenced_json,
                                    .text = unfenced_text};
