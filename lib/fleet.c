/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fleet.c: the libvirt hosts that share the registered clusters.  Each is
 * one small file under the registry's hosts/ directory (its URI, its
 * libvirt host UUID, where migration streams go), written whole like the
 * cluster files.  Opening a host is bounded: a hung libvirtd accepts the
 * connection and never answers, so the open runs in a thread that the
 * caller stops waiting for.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host-internal.h"
#include "internal.h"

/* ---------------------------------------------------------------- bounded open
 */

struct opening {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int refs; /* the opening thread and the waiter */
    bool done;
    char *uri;
    vrbd_host *host;
    vrbd_error_saved err;
};

static void
opening_unref(struct opening *o)
{
    bool last;

    pthread_mutex_lock(&o->mu);
    last = --o->refs == 0;
    pthread_mutex_unlock(&o->mu);
    if (!last)
        return;
    vrbd_host_free(o->host);
    vrbd_error_saved_free(&o->err);
    free(o->uri);
    pthread_cond_destroy(&o->cv);
    pthread_mutex_destroy(&o->mu);
    free(o);
}

static void *
opening_main(void *arg)
{
    struct opening *o = arg;
    vrbd_host *host = NULL;
    char *uuid = NULL;

    /* a daemon that took the connection may still be hung: one call
     * proves that it answers */
    if (vrbd_host_open(o->uri, &host) < 0 || vrbd_host_uuid(host, &uuid) < 0) {
        vrbd_host_free(host);
        host = NULL;
    }
    free(uuid);
    pthread_mutex_lock(&o->mu);
    o->host = host;
    if (!host)
        vrbd_error_save(&o->err);
    vrbd_error_clear(); /* this thread's copy: the waiter has its own */
    o->done = true;
    pthread_cond_signal(&o->cv);
    pthread_mutex_unlock(&o->mu);
    opening_unref(o);
    return NULL;
}

int
vrbd_host_open_within(const char *uri, unsigned timeout_sec, vrbd_host **out)
{
    struct opening *o = xcalloc(1, sizeof(*o));
    unsigned wait_s = timeout_sec ? timeout_sec : VRBD_DEFAULT_TIMEOUT_SEC;
    const char *what = uri ? uri : "qemu:///system";
    pthread_condattr_t ca;
    struct timespec deadline;
    pthread_t tid;
    int r = -1;

    if (vrbd_libvirt_init() < 0) {
        free(o);
        return -1;
    }
    pthread_mutex_init(&o->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&o->cv, &ca);
    pthread_condattr_destroy(&ca);
    o->uri = xstrdup(what);
    o->refs = 2;
    if (pthread_create(&tid, NULL, opening_main, o) != 0) {
        o->refs = 1;
        opening_unref(o);
        return vrbd_error_set(VRBD_ERR_INTERNAL, errno, NULL,
                              "cannot start a thread to open '%s'", what);
    }
    pthread_detach(tid);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += wait_s;
    pthread_mutex_lock(&o->mu);
    while (!o->done &&
           pthread_cond_timedwait(&o->cv, &o->mu, &deadline) != ETIMEDOUT)
        ;
    if (o->done && o->host) {
        *out = o->host;
        o->host = NULL;
        r = 0;
    } else if (o->done) {
        r = vrbd_error_restore(&o->err, NULL);
    } else {
        vrbd_error_set(VRBD_ERR_TIMEOUT, ETIMEDOUT,
                       "check that its libvirtd runs and is not hung, or "
                       "raise {timeout_sec}",
                       "libvirt at '%s' did not answer within %u s", what,
                       wait_s);
    }
    pthread_mutex_unlock(&o->mu);
    opening_unref(o);
    return r;
}

/* ---------------------------------------------------------------- registry */

void
vrbd_fleet_host_clear(vrbd_fleet_host *h)
{
    free(h->name);
    free(h->uri);
    free(h->uuid);
    free(h->address);
    memset(h, 0, sizeof(*h));
}

void
vrbd_fleet_host_list_free(vrbd_fleet_host *h, size_t n)
{
    if (!h)
        return;
    for (size_t i = 0; i < n; i++)
        vrbd_fleet_host_clear(&h[i]);
    free(h);
}

static char *
host_path(const vrbd_registry *reg, const char *name)
{
    return xasprintf("%s/hosts/%s.conf", vrbd_registry_dir(reg), name);
}

struct host_parse {
    const char *path;
    vrbd_fleet_host *h;
};

static int
host_kv(const char *key, const char *value, int line, void *opaque)
{
    struct host_parse *p = opaque;
    char **slot = NULL;

    if (strcmp(key, "uri") == 0)
        slot = &p->h->uri;
    else if (strcmp(key, "uuid") == 0)
        slot = &p->h->uuid;
    else if (strcmp(key, "address") == 0)
        slot = &p->h->address;
    if (!slot)
        return vrbd_error_set(VRBD_ERR_CONFIG, 0,
                              "known keys: uri, uuid, address",
                              "%s:%d: unknown key '%s'", p->path, line, key);
    free(*slot);
    *slot = *value ? xstrdup(value) : NULL;
    return 0;
}

static int
load_host(vrbd_registry *reg, const char *name, vrbd_fleet_host *out)
{
    CLEANUP_FREE char *path = host_path(reg, name);
    vrbd_fleet_host h = {0};
    struct host_parse p = {.path = path, .h = &h};

    if (vrbd_kv_file_read(path, host_kv, &p, false) < 0) {
        vrbd_fleet_host_clear(&h);
        return -1;
    }
    if (!h.uri) {
        vrbd_fleet_host_clear(&h);
        return vrbd_error_set(VRBD_ERR_CONFIG, 0,
                              "remove it and add the host again",
                              "%s names no uri", path);
    }
    h.name = xstrdup(name);
    *out = h;
    return 0;
}

int
vrbd_fleet_list(vrbd_registry *reg, vrbd_fleet_host **out, size_t *n_out)
{
    CLEANUP_STRV char **names =
        vrbd_registry_names(reg, "hosts", vrbd_host_name_check);
    vrbd_fleet_host *res;
    size_t n = 0;

    if (!names)
        return -1;
    while (names[n])
        n++;
    res = xcalloc(n + 1, sizeof(*res));
    for (size_t i = 0; i < n; i++)
        if (load_host(reg, names[i], &res[i]) < 0) {
            vrbd_fleet_host_list_free(res, i);
            return -1;
        }
    *out = res;
    *n_out = n;
    return 0;
}

static char *
known_hosts(vrbd_registry *reg)
{
    CLEANUP_STRV char **names =
        vrbd_registry_names(reg, "hosts", vrbd_host_name_check);

    vrbd_error_clear();
    return vrbd_registry_known(
        names, "hosts", "none is registered: run '{prog}{vrbd_fleet_add}'");
}

int
vrbd_fleet_get(vrbd_registry *reg, const char *name, vrbd_fleet_host *out)
{
    CLEANUP_FREE char *path = NULL;

    if (vrbd_host_name_check(name) < 0)
        return -1;
    path = host_path(reg, name);
    if (access(path, F_OK) < 0) {
        CLEANUP_FREE char *known = known_hosts(reg);

        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, known,
                              "host '%s' is not registered", name);
    }
    return load_host(reg, name, out);
}

/* -1 with the error set when @uuid or @name is among @all. */
static int
refuse_known(const vrbd_fleet_host *all, size_t n, const char *name,
             const char *uri, const char *uuid)
{
    for (size_t i = 0; i < n; i++) {
        CLEANUP_FREE char *hint = NULL;

        if (strcmp(all[i].name, name) == 0) {
            hint = xasprintf("pick another name, or run "
                             "'{prog}{vrbd_fleet_remove} %s' first",
                             name);
            return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST, hint,
                                  "host '%s' is already registered", name);
        }
        if (uuid && all[i].uuid && strcmp(all[i].uuid, uuid) == 0) {
            hint = xasprintf("use the name '%s' for it, or remove that one "
                             "first",
                             all[i].name);
            return vrbd_error_set(
                VRBD_ERR_EXISTS, EEXIST, hint,
                "libvirt at '%s' has host UUID %s, already registered as '%s'",
                uri, uuid, all[i].name);
        }
    }
    return 0;
}

int
vrbd_fleet_add(vrbd_registry *reg, const vrbd_fleet_host *h,
               unsigned timeout_sec, vrbd_fleet_host *stored)
{
    CLEANUP_FREE char *path = NULL;
    CLEANUP_FREE char *text = NULL;
    vrbd_fleet_host *all = NULL;
    vrbd_fleet_host s = {0};
    vrbd_host *host = NULL;
    size_t n = 0;
    int ret = -1;

    if (!h->name || !h->uri)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "a host needs a name and a libvirt URI");
    if (vrbd_host_name_check(h->name) < 0 ||
        vrbd_kv_value_check("uri", h->uri) < 0 ||
        vrbd_kv_value_check("address", h->address) < 0)
        return -1;
    if (vrbd_fleet_list(reg, &all, &n) < 0)
        return -1;
    if (refuse_known(all, n, h->name, h->uri, NULL) < 0)
        goto cleanup;
    s.name = xstrdup(h->name);
    s.uri = xstrdup(h->uri);
    s.address = h->address ? xstrdup(h->address) : NULL;
    if (vrbd_host_open_within(s.uri, timeout_sec, &host) < 0 ||
        vrbd_host_uuid(host, &s.uuid) < 0 ||
        refuse_known(all, n, s.name, s.uri, s.uuid) < 0)
        goto cleanup;
    text = xasprintf("# virt-rbd host '%s', written by 'virt-rbd fleet "
                     "add'.\n# Keys: uri, uuid, address.\nuri = %s\nuuid = "
                     "%s\n%s%s%s",
                     s.name, s.uri, s.uuid, s.address ? "address = " : "",
                     s.address ? s.address : "", s.address ? "\n" : "");
    path = host_path(reg, s.name);
    if (vrbd_registry_mkdir(reg, "hosts") < 0 ||
        vrbd_file_write_atomic(path, text) < 0)
        goto cleanup;
    if (stored) {
        *stored = s;
        memset(&s, 0, sizeof(s));
    }
    ret = 0;

cleanup:
    vrbd_host_free(host);
    vrbd_fleet_host_clear(&s);
    vrbd_fleet_host_list_free(all, n);
    return ret;
}

int
vrbd_fleet_remove(vrbd_registry *reg, const char *name)
{
    vrbd_fleet_host h = {0};
    CLEANUP_FREE char *path = NULL;

    if (vrbd_fleet_get(reg, name, &h) < 0)
        return -1;
    vrbd_fleet_host_clear(&h);
    path = host_path(reg, name);
    if (unlink(path) < 0)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                              "cannot remove '%s': %s", path, strerror(errno));
    return 0;
}

int
vrbd_fleet_open(vrbd_registry *reg, const char *name, unsigned timeout_sec,
                vrbd_host **out)
{
    vrbd_fleet_host h = {0};
    vrbd_host *host = NULL;
    CLEANUP_FREE char *uuid = NULL;
    int ret = -1;

    if (vrbd_fleet_get(reg, name, &h) < 0)
        return -1;
    if (vrbd_host_open_within(h.uri, timeout_sec, &host) < 0 ||
        vrbd_host_uuid(host, &uuid) < 0)
        goto cleanup;
    if (h.uuid && strcmp(h.uuid, uuid) != 0) {
        CLEANUP_FREE char *hint = xasprintf(
            "if the host was reinstalled, run '{prog}{vrbd_fleet_remove} %s' "
            "and add it again; else fix its URI",
            name);

        vrbd_error_set(VRBD_ERR_CONFIG, 0, hint,
                       "libvirt at '%s' has host UUID %s, but host '%s' was "
                       "registered with %s",
                       h.uri, uuid, name, h.uuid);
        goto cleanup;
    }
    vrbd_host_set_label(host, name);
    *out = host;
    host = NULL;
    ret = 0;

cleanup:
    vrbd_host_free(host);
    vrbd_fleet_host_clear(&h);
    return ret;
}

char *
vrbd_fleet_name_of(vrbd_registry *reg, vrbd_host *host)
{
    vrbd_fleet_host *all = NULL;
    CLEANUP_FREE char *uuid = NULL;
    size_t n = 0;
    char *res = NULL;

    if (vrbd_fleet_list(reg, &all, &n) < 0 || n == 0) {
        vrbd_fleet_host_list_free(all, n);
        vrbd_error_clear();
        return NULL;
    }
    for (size_t i = 0; i < n && !res; i++)
        if (strcmp(all[i].uri, vrbd_host_uri(host)) == 0)
            res = xstrdup(all[i].name);
    if (!res && vrbd_host_uuid(host, &uuid) == 0)
        for (size_t i = 0; i < n && !res; i++)
            if (all[i].uuid && strcmp(all[i].uuid, uuid) == 0)
                res = xstrdup(all[i].name);
    vrbd_error_clear();
    vrbd_fleet_host_list_free(all, n);
    return res;
}
