/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* render-copy.c: what `import`, `export` and `copy` print at the end. */
#include <stdio.h>

#include "render.h"
#include "size.h"

static struct json_object *
copied_json(const void *res)
{
    const cli_copied *c = res;
    const vrbd_copy_stats *st = c->st;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "event", json_object_new_string("done"));
    if (c->up_to_date) {
        json_object_object_add(o, "to", json_object_new_string(c->to));
        json_object_object_add(o, "up_to_date", json_object_new_boolean(true));
        return o;
    }
    json_object_object_add(o, "from", json_object_new_string(c->from));
    json_object_object_add(o, "to", json_object_new_string(c->to));
    json_object_object_add(o, "size", json_object_new_uint64(st->size));
    json_object_object_add(o, "data", json_object_new_uint64(st->data));
    json_object_object_add(o, "written", json_object_new_uint64(st->written));
    json_object_object_add(o, "zeroes", json_object_new_uint64(st->zeroes));
    json_object_object_add(o, "seconds", json_object_new_double(st->seconds));
    json_object_object_add(o, "verified",
                           json_object_new_boolean(st->verified));
    json_object_object_add(o, "resumed_from",
                           json_object_new_uint64(st->resumed_from));
    return o;
}

static void
copied_text(const void *res)
{
    const cli_copied *c = res;
    const vrbd_copy_stats *st = c->st;
    char a[32], b[32], d[32], e[32];
    double rate = st->seconds > 0 ? (double)st->data / st->seconds : 0;

    if (c->up_to_date) {
        fprintf(c->out, "%s is at @%s already: nothing to copy\n", c->to,
                st->from_snap);
        return;
    }
    if (st->from_snap[0]) {
        fprintf(c->out,
                "%s %s -> %s incrementally from @%s: %s of changes read, "
                "%s written, %s zeroed, in %.1f s%s\n",
                c->what, c->from, c->to, st->from_snap,
                vrbd_size_format(st->data, a, sizeof(a)),
                vrbd_size_format(st->written, b, sizeof(b)),
                vrbd_size_format(st->discarded, d, sizeof(d)), st->seconds,
                st->verified ? ", verified" : "");
        return;
    }
    if (st->resumed_from)
        fprintf(c->out, "resumed at byte %llu (%s)\n",
                (unsigned long long)st->resumed_from,
                vrbd_size_format(st->resumed_from, a, sizeof(a)));
    fprintf(c->out,
            "%s %s -> %s: %s, %s of data (%s written, rest zero or holes) "
            "in %.1f s, %s/s%s\n",
            c->what, c->from, c->to, vrbd_size_format(st->size, a, sizeof(a)),
            vrbd_size_format(st->data, b, sizeof(b)),
            vrbd_size_format(st->written, d, sizeof(d)), st->seconds,
            vrbd_size_format((uint64_t)rate, e, sizeof(e)),
            st->verified ? ", verified" : "");
}

/* one JSON event per line, like the progress events before it */
const cli_view cli_view_copied = {
    .json = copied_json, .text = copied_text, .json_line = true};
