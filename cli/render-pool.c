/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-pool.c: what the `pool` commands print. */
#include <stdio.h>
#include <string.h>

#include "render.h"
#include "size.h"

static struct json_object *
plan_json(const vrbd_pool_plan *p)
{
    struct json_object *o = json_object_new_object();
    uint64_t room = p->max_pgs > p->used_pgs ? p->max_pgs - p->used_pgs : 0;

    json_object_object_add(o, "osds_in", json_object_new_int64(p->osds_in));
    json_object_object_add(o, "mon_max_pg_per_osd",
                           json_object_new_int64(p->mon_max_pg_per_osd));
    json_object_object_add(o, "size", json_object_new_int64(p->size));
    json_object_object_add(o, "target_ratio",
                           json_object_new_double(p->target_ratio));
    json_object_object_add(o, "max_pgs", json_object_new_uint64(p->max_pgs));
    json_object_object_add(o, "used_pgs", json_object_new_uint64(p->used_pgs));
    json_object_object_add(o, "ideal", json_object_new_double(p->ideal));
    json_object_object_add(o, "recommended",
                           json_object_new_int64(p->recommended));
    json_object_object_add(o, "largest_fit",
                           json_object_new_int64(p->largest_fit));
    json_object_object_add(o, "max_pg_num_accepted",
                           json_object_new_uint64(room / p->size));
    json_object_object_add(o, "pg_num", json_object_new_int64(p->pg_num));
    return o;
}

static void
plan_text(const void *res)
{
    const cli_pool_plan *pp = res;
    const char *cluster = pp->cluster, *pool = pp->pool;
    const vrbd_pool_plan *p = pp->plan;
    uint64_t room = p->max_pgs > p->used_pgs ? p->max_pgs - p->used_pgs : 0;
    uint64_t over = room / p->size + 1;

    printf("plan for pool '%s' on cluster '%s':\n", pool, cluster);
    cli_print_kv(13, "  budget:",
                 "%u OSDs in x mon_max_pg_per_osd %u = "
                 "%llu PGs (each replica counts)",
                 p->osds_in, p->mon_max_pg_per_osd,
                 (unsigned long long)p->max_pgs);
    cli_print_kv(13, "  in use:",
                 "%llu PGs by the existing pools, %llu "
                 "left",
                 (unsigned long long)p->used_pgs, (unsigned long long)room);
    cli_print_kv(13, "  ideal:",
                 "100 PGs/OSD x %u OSDs x ratio %g / size "
                 "%u = %.1f",
                 p->osds_in, p->target_ratio, p->size, p->ideal);
    cli_print_kv(13, "  rounded:",
                 "%u (nearest power of two; up when the "
                 "one below is >25%% short)",
                 p->recommended);
    cli_print_kv(13, "  fits:",
                 "up to %llu / %u = %llu PGs, so at most %u "
                 "as a power of two",
                 (unsigned long long)room, p->size,
                 (unsigned long long)(room / p->size), p->largest_fit);
    if (p->pg_num)
        cli_print_kv(13, "  pg_num:", "%u%s", p->pg_num,
                     p->pg_num < p->recommended ? " (shrunk to fit)" : "");
    else
        cli_print_kv(13, "  pg_num:", "none fits: remove pools or add OSDs");
    cli_print_kv(13, "  refused:",
                 "the monitors refuse pg_num %llu or more "
                 "at size %u (ERANGE: %llu + %llu x %u = "
                 "%llu > %llu)",
                 (unsigned long long)over, p->size,
                 (unsigned long long)p->used_pgs, (unsigned long long)over,
                 p->size, (unsigned long long)(p->used_pgs + over * p->size),
                 (unsigned long long)p->max_pgs);
}

static struct json_object *
plan_view_json(const void *res)
{
    const cli_pool_plan *pp = res;
    struct json_object *o = plan_json(pp->plan);

    json_object_object_add(o, "cluster", json_object_new_string(pp->cluster));
    json_object_object_add(o, "pool", json_object_new_string(pp->pool));
    return o;
}

const cli_view cli_view_pool_plan = {.json = plan_view_json, .text = plan_text};

static struct json_object *
created_json(const void *res)
{
    const cli_pool_created *c = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "cluster", json_object_new_string(c->cluster));
    json_object_object_add(o, "pool", json_object_new_string(c->pool));
    json_object_object_add(o, "created", json_object_new_boolean(c->created));
    if (c->created)
        json_object_object_add(o, "plan", plan_json(c->plan));
    return o;
}

static void
created_text(const void *res)
{
    const cli_pool_created *c = res;

    if (c->created)
        printf("pool '%s' created on cluster '%s': pg_num %u, size %u, "
               "application rbd, initialised\n",
               c->pool, c->cluster, c->pg_num, c->plan->size);
    else
        printf("pool '%s' exists on cluster '%s' and is ready for RBD\n",
               c->pool, c->cluster);
}

const cli_view cli_view_pool_created = {.json = created_json,
                                        .text = created_text};

static struct json_object *
row_json(const void *item)
{
    const cli_pool_row *row = item;
    const vrbd_pool_info *p = row->info;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "cluster", json_object_new_string(row->cluster));
    json_object_object_add(o, "name", json_object_new_string(p->name));
    json_object_object_add(o, "id", json_object_new_int64(p->id));
    json_object_object_add(o, "pg_num", json_object_new_int64(p->pg_num));
    json_object_object_add(o, "size", json_object_new_int64(p->size));
    json_object_object_add(o, "min_size", json_object_new_int64(p->min_size));
    json_object_object_add(o, "applications",
                           json_object_new_string(p->applications));
    json_object_object_add(o, "images", json_object_new_int64(p->images));
    json_object_object_add(o, "trashed", json_object_new_int64(p->trashed));
    json_object_object_add(o, "bytes_used",
                           json_object_new_uint64(p->bytes_used));
    return o;
}

static void
row_header(void)
{
    printf("%-10s %-24s %6s %9s %-16s %6s %6s %10s\n", "CLUSTER", "NAME", "PGS",
           "SIZE/MIN", "APPLICATION", "IMAGES", "TRASH", "USED");
}

static void
row_text(const void *item)
{
    const cli_pool_row *row = item;
    const vrbd_pool_info *p = row->info;
    char used[32], sz[16], img[24], trash[24];

    snprintf(sz, sizeof(sz), "%u/%u", p->size, p->min_size);
    if (!strstr(p->applications, "rbd"))
        snprintf(img, sizeof(img), "-");
    else if (p->images < 0)
        snprintf(img, sizeof(img), "?");
    else
        snprintf(img, sizeof(img), "%lld", (long long)p->images);
    if (!strstr(p->applications, "rbd"))
        snprintf(trash, sizeof(trash), "-");
    else if (p->trashed < 0)
        snprintf(trash, sizeof(trash), "?");
    else
        snprintf(trash, sizeof(trash), "%lld", (long long)p->trashed);
    printf("%-10s %-24s %6u %9s %-16s %6s %6s %10s\n", row->cluster, p->name,
           p->pg_num, sz, *p->applications ? p->applications : "-", img, trash,
           vrbd_size_format(p->bytes_used, used, sizeof(used)));
}

const cli_list_view cli_view_pool_row = {
    .json = row_json, .header = row_header, .row = row_text};

static struct json_object *
removed_json(const void *res)
{
    const cli_pool_removed *r = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "cluster", json_object_new_string(r->cluster));
    json_object_object_add(o, "removed", json_object_new_string(r->pool));
    return o;
}

static void
removed_text(const void *res)
{
    const cli_pool_removed *r = res;

    printf("pool '%s' removed from cluster '%s'\n", r->pool, r->cluster);
}

const cli_view cli_view_pool_removed = {.json = removed_json,
                                        .text = removed_text};
