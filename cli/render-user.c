/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-user.c: what the `user` commands print. */
#include <stdio.h>

#include "render.h"

static struct json_object *
user_json(const void *res)
{
    const vrbd_user *u = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "entity", json_object_new_string(u->entity));
    json_object_object_add(o, "mon", cli_json_str(u->caps_mon));
    json_object_object_add(o, "osd", cli_json_str(u->caps_osd));
    json_object_object_add(o, "mgr", cli_json_str(u->caps_mgr));
    json_object_object_add(o, "unrestricted",
                           json_object_new_boolean(u->unrestricted));
    return o;
}

static void
user_text(const void *res)
{
    const vrbd_user *u = res;

    cli_print_kv(5, "user:", "%s%s", u->entity,
                 u->unrestricted ? " (unrestricted: has 'allow *')" : "");
    cli_print_kv(5, "mon:", "%s", u->caps_mon ? u->caps_mon : "-");
    cli_print_kv(5, "osd:", "%s", u->caps_osd ? u->caps_osd : "-");
    if (u->caps_mgr)
        cli_print_kv(5, "mgr:", "%s", u->caps_mgr);
}

const cli_view cli_view_user = {.json = user_json, .text = user_text};

static struct json_object *
list_json(const void *res)
{
    const cli_user_list *l = res;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < l->n; i++)
        json_object_array_add(a, user_json(&l->users[i]));
    return a;
}

static void
list_text(const void *res)
{
    const cli_user_list *l = res;

    printf("%-28s %-28s %s\n", "USER", "MON", "OSD");
    for (size_t i = 0; i < l->n; i++)
        printf("%-28s %-28s %s%s\n", l->users[i].entity,
               l->users[i].caps_mon ? l->users[i].caps_mon : "-",
               l->users[i].caps_osd ? l->users[i].caps_osd : "-",
               l->users[i].unrestricted ? "  (unrestricted)" : "");
}

const cli_view cli_view_user_list = {.json = list_json, .text = list_text};

static struct json_object *
created_json(const void *res)
{
    const cli_user_created *c = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "cluster", json_object_new_string(c->cluster));
    json_object_object_add(o, "entity", json_object_new_string(c->entity));
    json_object_object_add(o, "created", json_object_new_boolean(c->created));
    json_object_object_add(o, "caps_updated",
                           json_object_new_boolean(c->updated));
    json_object_object_add(o, "keyring", json_object_new_string(c->keyring));
    return o;
}

static void
created_text(const void *res)
{
    const cli_user_created *c = res;

    printf("%s %s on cluster '%s'; keyring written to %s (mode 600)\n",
           c->entity,
           c->created   ? "created"
           : c->updated ? "given new caps"
                        : "exists with these caps",
           c->cluster, c->keyring);
}

const cli_view cli_view_user_created = {.json = created_json,
                                        .text = created_text};

static struct json_object *
removed_json(const void *res)
{
    const cli_user_removed *r = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "removed", json_object_new_string(r->entity));
    return o;
}

static void
removed_text(const void *res)
{
    const cli_user_removed *r = res;

    printf("%s removed from cluster '%s'\n", r->entity, r->cluster);
}

const cli_view cli_view_user_removed = {.json = removed_json,
                                        .text = removed_text};
