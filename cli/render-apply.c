/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-apply.c: what `apply` prints: the plan, each step, the result. */
#include <stdio.h>

#include "render.h"

static const char *const action_names[] = {"nothing", "create", "modify",
                                           "delete"};

static struct json_object *
step_json(const vrbd_apply_step *s)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "action",
                           json_object_new_string(action_names[s->action]));
    json_object_object_add(o, "kind", json_object_new_string(s->kind));
    json_object_object_add(o, "name", json_object_new_string(s->name));
    json_object_object_add(o, "detail", json_object_new_string(s->detail));
    return o;
}

static struct json_object *
progress_json(const void *res)
{
    const cli_apply_progress *p = res;

    return step_json(p->step);
}

static void
progress_text(const void *res)
{
    const cli_apply_progress *p = res;

    if (!p->done)
        printf("[%zu/%zu] %s %s %s: %s\n", p->i + 1, p->n,
               action_names[p->step->action], p->step->kind, p->step->name,
               p->step->detail);
    else
        printf("[%zu/%zu] done in %.1f s\n", p->i + 1, p->n, p->seconds);
    fflush(stdout);
}

const cli_view cli_view_apply_progress = {
    .json = progress_json, .text = progress_text, .json_line = true};

static struct json_object *
result_json(const void *res)
{
    const cli_apply_result *r = res;
    struct json_object *o = json_object_new_object();
    struct json_object *steps = json_object_new_array();
    size_t n = vrbd_apply_step_count(r->apply);

    for (size_t i = 0; i < n; i++) {
        struct json_object *s = step_json(vrbd_apply_step_at(r->apply, i));
        const char *state =
            r->planned ? "planned"
            : vrbd_apply_step_at(r->apply, i)->action == VRBD_APPLY_NOTHING
                ? "unchanged"
            : r->failed_at == (size_t)-1 || i < r->failed_at ? "done"
            : i == r->failed_at                              ? "failed"
                                                             : "not done";

        json_object_object_add(s, "state", json_object_new_string(state));
        json_object_array_add(steps, s);
    }
    json_object_object_add(o, "file", json_object_new_string(r->file));
    json_object_object_add(o, "steps", steps);
    json_object_object_add(o, "seconds", json_object_new_double(r->seconds));
    if (r->error)
        json_object_object_add(o, "error", json_object_new_string(r->error));
    return o;
}

static void
count(const vrbd_apply *a, size_t c[4])
{
    for (size_t i = 0; i < vrbd_apply_step_count(a); i++)
        c[vrbd_apply_step_at(a, i)->action]++;
}

static void
plan_text(const cli_apply_result *r)
{
    size_t c[4] = {0};
    size_t n = vrbd_apply_step_count(r->apply);

    count(r->apply, c);
    printf("plan for %s:\n", r->file);
    for (size_t i = 0; i < n; i++) {
        const vrbd_apply_step *s = vrbd_apply_step_at(r->apply, i);

        printf("  %-8s %-10s %-28s %s\n", action_names[s->action], s->kind,
               s->name, s->detail);
    }
    printf("%zu to create, %zu to modify, %zu to delete, %zu as the file "
           "says\n",
           c[VRBD_APPLY_CREATE], c[VRBD_APPLY_MODIFY], c[VRBD_APPLY_DELETE],
           c[VRBD_APPLY_NOTHING]);
}

static void
result_text(const void *res)
{
    const cli_apply_result *r = res;
    size_t c[4] = {0};
    size_t n = vrbd_apply_step_count(r->apply);

    if (r->planned) {
        plan_text(r);
        return;
    }
    count(r->apply, c);
    if (r->failed_at != (size_t)-1) {
        const vrbd_apply_step *f = vrbd_apply_step_at(r->apply, r->failed_at);
        size_t done = 0, left = 0;

        for (size_t i = 0; i < n; i++)
            if (vrbd_apply_step_at(r->apply, i)->action == VRBD_APPLY_NOTHING)
                continue;
            else if (i < r->failed_at)
                done++;
            else
                left++;
        printf("stopped at step %zu of %zu (%s %s %s): %zu change%s done, "
               "%zu not done; apply again to go on\n",
               r->failed_at + 1, n, action_names[f->action], f->kind, f->name,
               done, done == 1 ? "" : "s", left);
        return;
    }
    if (c[VRBD_APPLY_NOTHING] == n) {
        printf("nothing to do: the %zu object%s of %s %s as it says\n", n,
               n == 1 ? "" : "s", r->file, n == 1 ? "is" : "are");
        return;
    }
    printf("applied %s in %.1f s: %zu created, %zu modified, %zu deleted, "
           "%zu as they were\n",
           r->file, r->seconds, c[VRBD_APPLY_CREATE], c[VRBD_APPLY_MODIFY],
           c[VRBD_APPLY_DELETE], c[VRBD_APPLY_NOTHING]);
}

const cli_view cli_view_apply_result = {.json = result_json,
                                        .text = result_text};
