/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * output.c: how virt-rbd speaks: errors on stderr in one shape, data on
 * stdout as aligned text or as JSON with --json.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "cli.h"
#include "clock.h"
#include "size.h"
#include "table.h"
#include "xalloc.h"

int
cli_fail(void)
{
    const vrbd_error *err = vrbd_error_last();

    fprintf(stderr, "virt-rbd: error: %s\n",
            err->code == VRBD_ERR_OK ? "unknown failure" : err->message);
    if (err->hint)
        fprintf(stderr, "virt-rbd: hint: %s\n", err->hint);
    return CLI_FAIL;
}

int
cli_usage(const cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    fputs("virt-rbd: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (ctx && ctx->cmd)
        fprintf(stderr, "virt-rbd: hint: see 'virt-rbd help %s'\n",
                ctx->cmd->name);
    else
        fputs("virt-rbd: hint: see 'virt-rbd --help'\n", stderr);
    return CLI_USAGE;
}

void
cli_show(const cli_ctx *ctx, const cli_view *view, const void *res)
{
    cli_show_to(ctx, stdout, view, res);
}

/* Print @obj on @out, pretty or (@line) on one line, and drop it. */
static void
print_json(FILE *out, struct json_object *obj, bool line)
{
    int flags = line ? JSON_C_TO_STRING_PLAIN
                     : JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                           JSON_C_TO_STRING_NOSLASHESCAPE;

    fprintf(out, "%s\n", json_object_to_json_string_ext(obj, flags));
    json_object_put(obj);
}

void
cli_show_to(const cli_ctx *ctx, FILE *out, const cli_view *view,
            const void *res)
{
    if (ctx->json)
        print_json(out, view->json(res), view->json_line);
    else
        view->text(res);
}

struct cli_list {
    const cli_list_view *view;
    struct json_object *array; /* --json: the items so far */
};

cli_list *
cli_list_begin(const cli_ctx *ctx, const cli_list_view *view)
{
    cli_list *l = xcalloc(1, sizeof(*l));

    l->view = view;
    if (ctx->json)
        l->array = json_object_new_array();
    else if (view->header)
        view->header();
    return l;
}

void
cli_list_add(cli_list *l, const void *item)
{
    if (l->array)
        json_object_array_add(l->array, l->view->json(item));
    else
        l->view->row(item);
}

void
cli_list_end(cli_list *l, bool complete)
{
    if (l->array && complete)
        print_json(stdout, l->array, false);
    else
        json_object_put(l->array);
    free(l);
}

struct json_object *
cli_json_str(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

void
cli_print_table(vrbd_table *t)
{
    char *text = vrbd_table_text(t);

    fputs(text, stdout);
    free(text);
    vrbd_table_free(t);
}

void
cli_print_kv(int width, const char *key, const char *fmt, ...)
{
    va_list ap;

    printf("%-*s ", width, key);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

vrbd_registry *
cli_registry(const cli_ctx *ctx)
{
    vrbd_registry *reg = NULL;

    if (vrbd_registry_open(ctx->config_dir, &reg) < 0) {
        cli_fail();
        return NULL;
    }
    return reg;
}

int
cli_connect(const cli_ctx *ctx, const char *name, vrbd_cluster **out)
{
    vrbd_registry *reg = cli_registry(ctx);
    int r;

    if (!reg)
        return -1;
    r = vrbd_registry_connect(reg, name, ctx->timeout_sec, out);
    vrbd_registry_free(reg);
    if (r < 0)
        cli_fail();
    return r;
}

vrbd_host *
cli_host(const cli_ctx *ctx)
{
    return cli_host_open(ctx, true);
}

vrbd_host *
cli_host_open(const cli_ctx *ctx, bool report)
{
    vrbd_registry *reg = cli_registry(ctx);
    vrbd_host *host = NULL;
    CLEANUP_FREE char *name = NULL;
    int r;

    if (!reg)
        return NULL;
    if (ctx->host_name) {
        r = vrbd_fleet_open(reg, ctx->host_name, ctx->timeout_sec, &host);
    } else {
        r = vrbd_host_open(ctx->connect_uri, &host);
        /* a registered host goes by its fleet name in what is recorded */
        name = r == 0 ? vrbd_fleet_name_of(reg, host) : NULL;
        if (name)
            vrbd_host_set_label(host, name);
    }
    vrbd_registry_free(reg);
    if (r < 0) {
        if (report)
            cli_fail();
        else
            vrbd_error_clear();
        return NULL;
    }
    vrbd_host_set_timeout(host, ctx->timeout_sec);
    return host;
}

const char *
cli_cluster_named(const vrbd_cluster_entry *all, size_t n, const char *fsid)
{
    for (size_t i = 0; fsid && i < n; i++)
        if (all[i].fsid && strcmp(all[i].fsid, fsid) == 0)
            return all[i].name;
    return NULL;
}

const char *
cli_cluster_name(const vrbd_cluster_entry *all, size_t n, const char *fsid)
{
    const char *name = cli_cluster_named(all, n, fsid);

    return name ? name : "?";
}

struct json_object *
cli_json_strv(char *const *v, size_t n)
{
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; v && i < n && v[i]; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

/* the flag the signal handler raises, and the signal that raised it */
static volatile int *cancel_flag;
static volatile sig_atomic_t caught;

static void
on_signal(int sig)
{
    caught = sig;
    if (cancel_flag)
        *cancel_flag = 1;
}

void
cli_catch_signals(volatile int *flag)
{
    struct sigaction sa = {.sa_handler = on_signal};

    cancel_flag = flag;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int
cli_signal_caught(void)
{
    return caught;
}

/* "90", "90s", "30m", "1h", "2d": seconds from 1 s to 366 days */
int
cli_parse_duration(const cli_ctx *ctx, const char *opt, const char *v,
                   unsigned *sec)
{
    unsigned long long n, unit = 1;
    char *end;

    errno = 0;
    n = strtoull(v, &end, 10);
    if (end != v && v[0] != '-' && !errno) {
        if (strcmp(end, "m") == 0)
            unit = 60;
        else if (strcmp(end, "h") == 0)
            unit = 3600;
        else if (strcmp(end, "d") == 0)
            unit = 86400;
        else if (*end && strcmp(end, "s") != 0)
            unit = 0;
        if (unit && n > 0 && n <= 366ULL * 86400 / unit) {
            *sec = (unsigned)(n * unit);
            return CLI_OK;
        }
    }
    return cli_usage(
        ctx,
        "invalid --%s '%s': give a duration from 1s to 366d, such as 90s, 30m, 1h or 2d",
        opt, v);
}

int
cli_parse_keep(const cli_ctx *ctx, bool now, const char *keep, uint64_t *sec)
{
    unsigned v;
    int r;

    if (now && keep)
        return cli_usage(ctx, "--keep is for the trash: drop it, or --now");
    if (!keep)
        return CLI_OK;
    if ((r = cli_parse_duration(ctx, "keep", keep, &v)) == CLI_OK)
        *sec = v;
    return r;
}

char *
cli_utc(int64_t t)
{
    char buf[64] = "-";
    time_t tt = (time_t)t;
    struct tm tm;

    if (t > 0 && gmtime_r(&tt, &tm))
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return xstrdup(buf);
}

struct json_object *
cli_json_utc(int64_t t)
{
    CLEANUP_FREE char *s = t > 0 ? cli_utc(t) : NULL;

    return cli_json_str(s);
}

void
cli_bar_show(uint64_t done, uint64_t total, void *opaque)
{
    cli_bar *b = opaque;
    double t = vrbd_now();
    char d[32], all[32];

    if (!b->tty || (t - b->last < 0.5 && done < total))
        return;
    b->last = t;
    b->shown = true;
    fprintf(stderr, "\r%s%s of %s   ", b->label ? b->label : "",
            vrbd_size_format(done, d, sizeof(d)),
            vrbd_size_format(total, all, sizeof(all)));
}
