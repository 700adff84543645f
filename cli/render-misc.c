/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-misc.c: what `version`, `doctor` and `bench` print. */
#include <stdio.h>

#include "render.h"
#include "size.h"

static struct json_object *
versions_json(const void *res)
{
    const vrbd_versions *v = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "virt-rbd",
                           json_object_new_string(vrbd_version()));
    json_object_object_add(o, "librados", json_object_new_string(v->librados));
    json_object_object_add(o, "librbd", json_object_new_string(v->librbd));
    json_object_object_add(o, "libvirt", json_object_new_string(v->libvirt));
    return o;
}

static void
versions_text(const void *res)
{
    const vrbd_versions *v = res;

    printf("virt-rbd %s\nlibrados %s\nlibrbd %s\nlibvirt %s\n", vrbd_version(),
           v->librados, v->librbd, v->libvirt);
}

const cli_view cli_view_versions = {.json = versions_json,
                                    .text = versions_text};

static const char *const check_names[] = {"ok", "warn", "fail"};

static struct json_object *
checks_json(const void *res)
{
    const cli_checks *c = res;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < c->n; i++) {
        const vrbd_check *k = &c->checks[i];
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "check", json_object_new_string(k->name));
        json_object_object_add(o, "status",
                               json_object_new_string(check_names[k->status]));
        json_object_object_add(o, "message",
                               json_object_new_string(k->message));
        json_object_object_add(o, "fix", cli_json_str(k->fix));
        json_object_array_add(a, o);
    }
    return a;
}

static void
checks_text(const void *res)
{
    const cli_checks *c = res;
    size_t count[3] = {0, 0, 0};

    for (size_t i = 0; i < c->n; i++) {
        const vrbd_check *k = &c->checks[i];

        count[k->status]++;
        printf("%-5s %-28s %s\n", check_names[k->status], k->name, k->message);
        if (k->fix)
            printf("%-5s %-28s fix: %s\n", "", "", k->fix);
    }
    printf("%zu ok, %zu warning(s), %zu failure(s)\n", count[0], count[1],
           count[2]);
}

const cli_view cli_view_checks = {.json = checks_json, .text = checks_text};

static struct json_object *
result_json(const vrbd_bench_result *r)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "workload", json_object_new_string(r->workload));
    json_object_object_add(o, "target", json_object_new_string(r->target));
    json_object_object_add(o, "block_size",
                           json_object_new_uint64(r->block_size));
    json_object_object_add(o, "queue_depth",
                           json_object_new_int((int)r->queue_depth));
    json_object_object_add(o, "write", json_object_new_boolean(r->write));
    json_object_object_add(o, "random", json_object_new_boolean(r->random));
    json_object_object_add(o, "direct", json_object_new_boolean(r->direct));
    json_object_object_add(o, "ops", json_object_new_uint64(r->ops));
    json_object_object_add(o, "bytes", json_object_new_uint64(r->bytes));
    json_object_object_add(o, "seconds", json_object_new_double(r->seconds));
    json_object_object_add(o, "iops", json_object_new_double(r->iops));
    json_object_object_add(o, "mb_per_s", json_object_new_double(r->mb_per_s));
    json_object_object_add(o, "lat_p50_us",
                           json_object_new_double(r->lat_p50_us));
    json_object_object_add(o, "lat_p99_us",
                           json_object_new_double(r->lat_p99_us));
    return o;
}

static struct json_object *
bench_json(const void *res)
{
    const cli_bench *b = res;
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < b->n; i++)
        json_object_array_add(a, result_json(&b->res[i]));
    return a;
}

static void
bench_text(const void *res)
{
    const cli_bench *b = res;
    char sz[32];

    printf("working set %s per side, %g s per timed workload; local %s\n",
           vrbd_size_format(b->size, sz, sizeof(sz)), b->seconds,
           !b->local ? "not measured"
           : b->n > 0 && b->res[0].direct
               ? "with O_DIRECT"
               : "through the page cache (no O_DIRECT)");
    printf("%-18s %-6s %9s %9s %9s %9s\n", "workload", "target", "IOPS", "MB/s",
           "p50 ms", "p99 ms");
    for (size_t i = 0; i < b->n; i++)
        printf("%-18s %-6s %9.0f %9.1f %9.3f %9.3f\n", b->res[i].workload,
               b->res[i].target, b->res[i].iops, b->res[i].mb_per_s,
               b->res[i].lat_p50_us / 1000, b->res[i].lat_p99_us / 1000);
}

const cli_view cli_view_bench = {.json = bench_json, .text = bench_text};
