/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fence.c: fencing the clients of RBD images, so that a client that lost
 * an image (a hung host's QEMU) cannot write to it once it is used
 * elsewhere: its address goes on the OSD blocklist ("osd blocklist add",
 * with an expiry), then the image's lock is broken and the fence recorded
 * in the image's metadata.  Also listing an image's clients and the
 * blocklist, and lifting entries.  Deciding *whether* to fence (is the
 * host dead?) is the caller's business, not this module's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rbd/librbd.h>

#include "header.h"
#include "internal.h"
#include "json-util.h"
#include "mirror-watch.h"
#include "volume-internal.h"

#define HEADER_PREFIX "rbd_header."
/* librbd's exclusive lock is a cls_lock with this tag and "auto N"
 * cookies; other lockers are advisory locks (rbd lock add) */
#define MANAGED_LOCK_TAG "internal"

void
vrbd_image_client_list_free(vrbd_image_client *list, size_t n)
{
    if (!list)
        return;
    for (size_t i = 0; i < n; i++) {
        free(list[i].addr);
        free(list[i].lock_cookie);
        free(list[i].rbd_mirror);
    }
    free(list);
}

void
vrbd_fence_result_clear(vrbd_fence_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n_fenced; i++) {
        free(res->fenced[i].image);
        free(res->fenced[i].addr);
        free(res->fenced[i].rbd_mirror);
    }
    free(res->fenced);
    for (size_t i = 0; i < res->n_spared; i++) {
        free(res->spared[i].image);
        free(res->spared[i].addr);
        free(res->spared[i].rbd_mirror);
    }
    free(res->spared);
    memset(res, 0, sizeof(*res));
}

void
vrbd_blocklist_entry_list_free(vrbd_blocklist_entry *list, size_t n)
{
    if (!list)
        return;
    for (size_t i = 0; i < n; i++)
        free(list[i].addr);
    free(list);
}

/* This process's address on @cl ("127.0.0.1:0/3594729245"), or NULL */
static char *
self_addr(vrbd_cluster *cl)
{
    char *addrs = NULL, *res;

    if (rados_getaddrs(vrbd_cluster_rados(cl), &addrs) < 0 || !addrs)
        return NULL;
    res = xstrdup(addrs);
    rados_buffer_free(addrs);
    return res;
}

/*
 * Whether @addr names one client instance: "IP:PORT/NONCE" with a nonce
 * other than 0.  The OSDs read a nonce of 0 as every client of that IP
 * (this host and every other process on it, this one too).
 */
static bool
is_instance(const char *addr)
{
    const char *slash = strrchr(addr, '/');
    char *end;

    if (!slash || slash == addr)
        return false;
    return strtoull(slash + 1, &end, 10) != 0 && *end == '\0';
}

/* client.N's N, or -1 */
static int64_t
client_num(const char *entity)
{
    char *end;
    long long v;

    if (strncmp(entity, "client.", 7) != 0)
        return -1;
    v = strtoll(entity + 7, &end, 10);
    return *end == '\0' && end != entity + 7 ? (int64_t)v : -1;
}

static vrbd_image_client *
client_at(vrbd_image_client **list, size_t *n, const char *addr)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i].addr, addr) == 0)
            return &(*list)[i];
    *list = xreallocarray(*list, *n + 1, sizeof(**list));
    memset(&(*list)[*n], 0, sizeof(**list));
    (*list)[*n].addr = xstrdup(addr);
    (*list)[*n].client_id = -1;
    return &(*list)[(*n)++];
}

/* What rbd_list_lockers() says: @n lockers, the buffers each a run of
 * @n NUL-terminated strings (lockers_get() fills it: 0, or a negative
 * errno; lockers_clear() empties it) */
struct lockers {
    char *tag, *clients, *cookies, *addrs;
    int exclusive;
    ssize_t n;
};

static void
lockers_clear(struct lockers *l)
{
    free(l->tag);
    free(l->clients);
    free(l->cookies);
    free(l->addrs);
    memset(l, 0, sizeof(*l));
}

static int
lockers_get(rbd_image_t img, struct lockers *l)
{
    size_t tl = 64, cl = 256, kl = 256, al = 256;

    memset(l, 0, sizeof(*l));
    for (;;) {
        l->tag = xrealloc(l->tag, tl);
        l->clients = xrealloc(l->clients, cl);
        l->cookies = xrealloc(l->cookies, kl);
        l->addrs = xrealloc(l->addrs, al);
        l->n = rbd_list_lockers(img, &l->exclusive, l->tag, &tl, l->clients,
                                &cl, l->cookies, &kl, l->addrs, &al);
        if (l->n != -ERANGE)
            break;
    }
    if (l->n < 0) {
        int r = (int)l->n;

        lockers_clear(l);
        return r;
    }
    return 0;
}

/* Watchers and lockers of open @img, merged by address, @self left out */
static int
collect(rbd_image_t img, const char *self, vrbd_image_client **out,
        size_t *n_out)
{
    rbd_image_watcher_t *w = NULL;
    vrbd_image_client *list = NULL;
    struct lockers l;
    size_t max = 8, n = 0;
    const char *c, *k, *a;
    int r;

    for (;;) {
        w = xreallocarray(w, max, sizeof(*w));
        r = rbd_watchers_list(img, w, &max);
        if (r != -ERANGE)
            break;
    }
    if (r < 0) {
        free(w);
        return r;
    }
    for (size_t i = 0; i < max; i++) {
        vrbd_image_client *ic;

        if (self && strcmp(w[i].addr, self) == 0)
            continue;
        ic = client_at(&list, &n, w[i].addr);
        ic->watcher = true;
        ic->client_id = (int64_t)w[i].id;
    }
    rbd_watchers_list_cleanup(w, max);
    free(w);
    r = lockers_get(img, &l);
    if (r < 0) {
        vrbd_image_client_list_free(list, n);
        return r;
    }
    c = l.clients, k = l.cookies, a = l.addrs;
    for (ssize_t i = 0; i < l.n; i++) {
        if (!self || strcmp(a, self) != 0) {
            vrbd_image_client *ic = client_at(&list, &n, a);

            ic->lock_owner = true;
            free(ic->lock_cookie);
            ic->lock_cookie = xstrdup(k);
            if (ic->client_id < 0)
                ic->client_id = client_num(c);
        }
        c += strlen(c) + 1, k += strlen(k) + 1, a += strlen(a) + 1;
    }
    lockers_clear(&l);
    *out = list;
    *n_out = n;
    return 0;
}

static int
cmp_client(const void *a, const void *b)
{
    return strcmp(((const vrbd_image_client *)a)->addr,
                  ((const vrbd_image_client *)b)->addr);
}

/* Name the rbd-mirror daemons among the @n clients @list of an image in
 * @spec's pool (see mirror-watch.c); @cache, when given, keeps the pool's
 * lookup for the next image of the same pool */
static void
mark_mirror(vrbd_cluster *cl, const vrbd_spec *spec, vrbd_image_client *list,
            size_t n, vrbd_mirror_watch **cache, char **cache_key)
{
    CLEANUP_FREE char *key = NULL;
    vrbd_mirror_watch *mw;

    if (n == 0)
        return;
    key = xasprintf("%s/%s", spec->pool, spec->nspace ? spec->nspace : "");
    if (cache && *cache && strcmp(*cache_key, key) == 0) {
        mw = *cache;
    } else {
        mw = vrbd_mirror_watch_get(cl, spec->pool, spec->nspace);
        if (cache) {
            vrbd_mirror_watch_free(*cache);
            free(*cache_key);
            *cache = mw;
            *cache_key = xstrdup(key);
        }
    }
    for (size_t i = 0; i < n; i++)
        list[i].rbd_mirror = vrbd_mirror_watch_describe(mw, list[i].addr);
    if (!cache)
        vrbd_mirror_watch_free(mw);
}

int
vrbd_image_clients(vrbd_cluster *cl, const vrbd_spec *spec,
                   vrbd_image_client **out, size_t *n)
{
    CLEANUP_FREE char *self = self_addr(cl);
    CLEANUP_FREE char *name = NULL;
    vrbd_spec base = *spec;
    rados_ioctx_t io;
    rbd_image_t img;
    int r;

    if (!spec->image)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "give an image: POOL/IMAGE");
    base.snap = NULL;
    if (vrbd_volume_open(cl, &base, true, &io, &img) < 0)
        return -1;
    r = collect(img, self, out, n);
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (r < 0) {
        name = vrbd_volume_name(&base);
        return vrbd_cluster_error(cl, r, "cannot list the clients of '%s'",
                                  name);
    }
    mark_mirror(cl, &base, *out, *n, NULL, NULL);
    if (*n)
        qsort(*out, *n, sizeof(**out), cmp_client);
    return 0;
}

/* A refusal of "osd blocklist" for lack of caps, said with the cap to add
 * and how; other errors are left as they are */
static int
caps_error(vrbd_cluster *cl, const char *op)
{
    const char *user = vrbd_cluster_user(cl);
    CLEANUP_FREE char *hint = NULL;

    if (vrbd_error_last()->code != VRBD_ERR_PERMISSION)
        return -1;
    hint = xasprintf(
        "add the cap to the caps client.%s has: ceph auth caps client.%s mon 'MON-CAPS, allow command \"osd blocklist\"' osd 'OSD-CAPS' (ceph auth get client.%s shows them; mon 'profile rbd' allows adding to the blocklist, not removing)",
        user, user, user);
    return vrbd_error_set(
        VRBD_ERR_PERMISSION, EACCES, hint,
        "client.%s may not %s the blocklist of cluster '%s': it lacks mon 'allow command \"osd blocklist\"'",
        user, op, vrbd_cluster_name(cl));
}

static int
blocklist_op(vrbd_cluster *cl, const char *op, const char *addr,
             unsigned expire)
{
    struct json_object *cmd = vrbd_json_cmd("osd blocklist");

    vrbd_json_add_str(cmd, "blocklistop", op);
    vrbd_json_add_str(cmd, "addr", addr);
    /* a CephFloat in the command's signature: sent as a JSON double */
    if (expire)
        json_object_object_add(cmd, "expire",
                               json_object_new_double((double)expire));
    if (vrbd_cluster_mon_json(cl, cmd, NULL) < 0)
        return caps_error(cl,
                          strcmp(op, "add") == 0 ? "add to" : "remove from");
    return 0;
}

/* "2026-12-06T18:07:21.656618+0000" as seconds since the epoch, or 0 */
static int64_t
ceph_time(const char *text)
{
    struct tm tm = {0};
    const char *p = text ? strptime(text, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
    int64_t t;
    int sign, hh, mm;

    if (!p)
        return 0;
    t = (int64_t)timegm(&tm);
    while (*p == '.' || (*p >= '0' && *p <= '9'))
        p++;
    if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d%2d", &hh, &mm) == 2) {
        sign = *p == '-' ? -1 : 1;
        t -= sign * (int64_t)(hh * 3600 + mm * 60);
    }
    return t;
}

vrbd_blocklist_entry *
vrbd_blocklist_read(const char *text, size_t len, size_t *n_out)
{
    struct json_tokener *tok = json_tokener_new();
    vrbd_blocklist_entry *list = xcalloc(1, sizeof(*list));
    size_t k = 0, pos = 0;

    if (!tok)
        abort();
    while (pos < len && text[pos]) {
        struct json_object *arr;
        size_t n;

        if (strchr(" \t\r\n", text[pos])) {
            pos++;
            continue;
        }
        json_tokener_reset(tok);
        arr = json_tokener_parse_ex(tok, text + pos, (int)(len - pos));
        if (json_tokener_get_error(tok) != json_tokener_success) {
            json_object_put(arr);
            break;
        }
        pos += json_tokener_get_parse_end(tok);
        n = vrbd_json_array_len(arr);
        list = xreallocarray(list, k + n + 1, sizeof(*list));
        for (size_t i = 0; i < n; i++) {
            struct json_object *e = json_object_array_get_idx(arr, i);
            const char *addr = vrbd_json_str(e, "addr", NULL);

            if (!addr)
                addr = vrbd_json_str(e, "range", NULL);
            if (!addr)
                continue;
            list[k].addr = xstrdup(addr);
            list[k].until = ceph_time(vrbd_json_str(e, "until", NULL));
            k++;
        }
        json_object_put(arr);
    }
    json_tokener_free(tok);
    *n_out = k;
    return list;
}

static int
cmp_entry(const void *a, const void *b)
{
    return strcmp(((const vrbd_blocklist_entry *)a)->addr,
                  ((const vrbd_blocklist_entry *)b)->addr);
}

int
vrbd_blocklist_list(vrbd_cluster *cl, vrbd_blocklist_entry **out, size_t *n)
{
    CLEANUP_FREE char *text = NULL;

    if (vrbd_cluster_mon_text(cl, vrbd_json_cmd("osd blocklist ls"), &text) < 0)
        return -1;
    *out = vrbd_blocklist_read(text, strlen(text), n);
    qsort(*out, *n, sizeof(**out), cmp_entry);
    return 0;
}

int
vrbd_unfence(vrbd_cluster *cl, const char *const *addrs, size_t n,
             size_t *removed)
{
    vrbd_blocklist_entry *list = NULL;
    size_t nl = 0, done = 0;
    int r = 0;

    for (size_t i = 0; i < n; i++)
        if (!strchr(addrs[i], ':') || !strchr(addrs[i], '/'))
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0,
                "give a client address as the blocklist lists it, such as 127.0.0.1:0/2425040214",
                "'%s' is no client address", addrs[i]);
    if (vrbd_blocklist_list(cl, &list, &nl) < 0)
        return -1;
    for (size_t i = 0; i < n && r == 0; i++) {
        bool listed = false;

        for (size_t k = 0; k < nl && !listed; k++)
            listed = strcmp(list[k].addr, addrs[i]) == 0;
        if (!listed)
            continue;
        r = blocklist_op(cl, "rm", addrs[i], 0);
        if (r == 0) {
            vrbd_info("cluster '%s': %s is no longer blocklisted",
                      vrbd_cluster_name(cl), addrs[i]);
            done++;
        }
    }
    vrbd_blocklist_entry_list_free(list, nl);
    if (removed)
        *removed = done;
    return r;
}

/* One image being fenced */
struct target {
    const vrbd_spec *spec;
    char *name;
    rados_ioctx_t io;
    rbd_image_t img;
    vrbd_image_client *clients;
    size_t n;
};

/* rbd_close() of an image of a cluster that stopped answering waits out
 * the timeouts of what is in flight: then it closes on a thread of its
 * own */
static void
targets_close(vrbd_cluster *cl, struct target *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].img && vrbd_cluster_answers(cl))
            rbd_close(t[i].img);
        else if (t[i].img)
            vrbd_cluster_close_later(cl, t[i].img);
        if (t[i].io)
            rados_ioctx_destroy(t[i].io);
        vrbd_image_client_list_free(t[i].clients, t[i].n);
        free(t[i].name);
    }
    free(t);
}

/*
 * Open @t's image for writing (breaking a lock needs it) and list its
 * clients.  librbd blocklists the owner of a lock it breaks by itself,
 * for its own rbd_blocklist_expire_seconds: that would replace the expiry
 * asked for, so it is off for this image (librbd reads the option when it
 * opens one; the handle's setting is put back at once).
 */
static int
target_open(vrbd_cluster *cl, const char *self, struct target *t,
            vrbd_mirror_watch **mw, char **mw_key)
{
    rados_t rados = vrbd_cluster_rados(cl);
    char old[16] = "true";
    int r;

    t->name = vrbd_volume_name(t->spec);
    rados_conf_get(rados, "rbd_blocklist_on_break_lock", old, sizeof(old));
    rados_conf_set(rados, "rbd_blocklist_on_break_lock", "false");
    r = vrbd_volume_open(cl, t->spec, false, &t->io, &t->img);
    rados_conf_set(rados, "rbd_blocklist_on_break_lock", old);
    if (r < 0) {
        t->io = NULL;
        t->img = NULL;
        return -1;
    }
    r = collect(t->img, self, &t->clients, &t->n);
    if (r < 0)
        return vrbd_cluster_error(cl, r, "cannot list the clients of '%s'",
                                  t->name);
    mark_mirror(cl, t->spec, t->clients, t->n, mw, mw_key);
    if (t->n)
        qsort(t->clients, t->n, sizeof(*t->clients), cmp_client);
    return 0;
}

/* Break the locks of @t that fenced clients hold; each one broken is
 * marked in @res.  A lock that went meanwhile is no failure. */
static int
break_locks(vrbd_cluster *cl, struct target *t, vrbd_fenced *res, size_t nres)
{
    struct lockers l;
    const char *c, *k, *a;
    int r = lockers_get(t->img, &l);

    if (r < 0)
        return vrbd_cluster_error(cl, r, "cannot read the locks of '%s'",
                                  t->name);
    c = l.clients, k = l.cookies, a = l.addrs;
    for (ssize_t i = 0; i < l.n && r == 0; i++) {
        vrbd_fenced *f = NULL;

        for (size_t j = 0; j < nres && !f; j++)
            if (strcmp(res[j].addr, a) == 0 &&
                strcmp(res[j].image, t->name) == 0)
                f = &res[j];
        if (f) {
            /* rbd_lock_break() also tells the image's watchers that the
             * lock is free; it knows the exclusive lock only */
            if (strcmp(l.tag, MANAGED_LOCK_TAG) == 0 &&
                strncmp(k, "auto ", 5) == 0)
                r = rbd_lock_break(t->img, RBD_LOCK_MODE_EXCLUSIVE, a);
            else
                r = rbd_break_lock(t->img, c, k);
            /* gone, or taken by a new owner meanwhile: not ours to break */
            if (r == -ENOENT || r == -EBUSY)
                r = 0;
            else if (r == 0)
                f->lock_broken = true;
        }
        c += strlen(c) + 1, k += strlen(k) + 1, a += strlen(a) + 1;
    }
    lockers_clear(&l);
    if (r < 0)
        return vrbd_cluster_error(cl, r, "cannot break the lock of '%s'",
                                  t->name);
    return 0;
}

static char *
iso_time(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[32];

    gmtime_r(&tt, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return xstrdup(buf);
}

/*
 * Record the fence in @t's metadata.  Written by the rbd class on the
 * header object, as rbd_metadata_set() writes it, but without what
 * librbd adds: rbd_metadata_set() first takes the image's exclusive lock,
 * which a new client may hold by now (or want).
 */
static int
record(vrbd_cluster *cl, struct target *t, const vrbd_fence_result *res,
       const vrbd_fence_opts *o, unsigned expire)
{
    struct json_object *v = json_object_new_object();
    struct json_object *addrs = json_object_new_array();
    CLEANUP_FREE char *at = iso_time(res->at);
    CLEANUP_FREE char *until = iso_time(res->until);
    CLEANUP_FREE char *in = NULL, *oid = NULL;
    char id[64];
    const char *text;
    size_t klen = strlen(VRBD_FENCE_KEY), vlen;
    rados_write_op_t op;
    char *p;
    int r;

    for (size_t i = 0; i < res->n_fenced; i++)
        if (strcmp(res->fenced[i].image, t->name) == 0)
            json_object_array_add(addrs,
                                  json_object_new_string(res->fenced[i].addr));
    json_object_object_add(v, "addrs", addrs);
    vrbd_json_add_str(v, "at", at);
    vrbd_json_add_str(v, "until", until);
    vrbd_json_add_int(v, "expire", expire);
    json_object_object_add(
        v, "reason", o->reason ? json_object_new_string(o->reason) : NULL);
    text = json_object_to_json_string_ext(
        v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    vlen = strlen(text);
    in = xmalloc(12 + klen + vlen);
    p = vrbd_header_put_u32(in, 1);
    p = vrbd_header_put_string(p, VRBD_FENCE_KEY, klen);
    p = vrbd_header_put_string(p, text, vlen);
    r = rbd_get_id(t->img, id, sizeof(id));
    if (r == 0) {
        oid = xasprintf(HEADER_PREFIX "%s", id);
        op = rados_create_write_op();
        rados_write_op_assert_exists(op);
        rados_write_op_exec(op, "rbd", "metadata_set", in, (size_t)(p - in),
                            NULL);
        r = rados_write_op_operate(op, t->io, oid, NULL, 0);
        rados_release_write_op(op);
    }
    json_object_put(v);
    if (r < 0)
        return vrbd_cluster_error(cl, r, "cannot record the fence in '%s'",
                                  t->name);
    return 0;
}

/*
 * Wait until this client has the latest OSD map, for at most @cl's
 * timeout.  rados_wait_for_latest_osdmap() has no timeout of its own (it
 * asks the monitors for the map's version and waits for the answer), so
 * it runs on a thread that holds @cl (vrbd_cluster_hold()) and is left to
 * finish by itself when the wait gives up.
 */
struct map_wait {
    vrbd_cluster *cl;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done, abandoned;
    int r;
};

static void
map_wait_free(struct map_wait *w)
{
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
}

static void *
map_wait_thread(void *arg)
{
    struct map_wait *w = arg;
    vrbd_cluster *cl = w->cl;
    int r = rados_wait_for_latest_osdmap(vrbd_cluster_rados(cl));
    bool abandoned;

    pthread_mutex_lock(&w->lock);
    w->r = r;
    w->done = true;
    abandoned = w->abandoned;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    if (abandoned)
        map_wait_free(w);
    vrbd_cluster_release(cl);
    return NULL;
}

static int
latest_osdmap(vrbd_cluster *cl)
{
    struct map_wait *w = xcalloc(1, sizeof(*w));
    struct timespec until;
    pthread_attr_t a;
    pthread_t t;
    bool done;
    int r;

    w->cl = cl;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    vrbd_cluster_hold(cl);
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    r = pthread_create(&t, &a, map_wait_thread, w);
    pthread_attr_destroy(&a);
    if (r != 0) {
        vrbd_cluster_release(cl);
        map_wait_free(w);
        return -r;
    }
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += vrbd_cluster_timeout(cl);
    pthread_mutex_lock(&w->lock);
    while (!w->done &&
           pthread_cond_timedwait(&w->cond, &w->lock, &until) != ETIMEDOUT)
        ;
    done = w->done;
    r = w->r;
    w->abandoned = !done;
    pthread_mutex_unlock(&w->lock);
    if (!done)
        return -ETIMEDOUT;
    map_wait_free(w);
    return r;
}

/* Blocklist every client of @t (each address once over all targets) */
static int
blocklist_clients(vrbd_cluster *cl, struct target *t, size_t nt,
                  unsigned expire, vrbd_fence_result *res)
{
    for (size_t i = 0; i < nt; i++)
        for (size_t k = 0; k < t[i].n; k++) {
            const vrbd_image_client *c = &t[i].clients[k];
            bool done = false;
            vrbd_fenced *f;

            /* the daemon that replicates the image: blocklisting it would
             * stop the replication of every image it serves from this
             * connection (for the whole expiry), and it is no writer a
             * fence guards against (a non-primary copy refuses a VM's
             * writes; a peer's daemon only reads a primary) */
            if (c->rbd_mirror) {
                vrbd_info("'%s': client.%lld at %s is the %s: not fenced",
                          t[i].name, (long long)c->client_id, c->addr,
                          c->rbd_mirror);
                res->spared = xreallocarray(res->spared, res->n_spared + 1,
                                            sizeof(*res->spared));
                f = &res->spared[res->n_spared++];
                f->image = xstrdup(t[i].name);
                f->addr = xstrdup(c->addr);
                f->client_id = c->client_id;
                f->lock_broken = false;
                f->rbd_mirror = xstrdup(c->rbd_mirror);
                continue;
            }
            if (!is_instance(c->addr)) {
                vrbd_warn("'%s' has a client at '%s', which names no one "
                          "client: not blocklisted",
                          t[i].name, c->addr);
                continue;
            }
            for (size_t j = 0; j < res->n_fenced && !done; j++)
                done = strcmp(res->fenced[j].addr, c->addr) == 0;
            if (!done && blocklist_op(cl, "add", c->addr, expire) < 0)
                return -1;
            if (!done)
                vrbd_info("cluster '%s': blocklisted %s for %u s",
                          vrbd_cluster_name(cl), c->addr, expire);
            res->fenced = xreallocarray(res->fenced, res->n_fenced + 1,
                                        sizeof(*res->fenced));
            f = &res->fenced[res->n_fenced++];
            f->image = xstrdup(t[i].name);
            f->addr = xstrdup(c->addr);
            f->client_id = c->client_id;
            f->lock_broken = false;
            f->rbd_mirror = NULL;
        }
    return 0;
}

/*
 * The clients of @t are blocklisted: break their locks and record it.  A
 * failure says what is done and what is not.
 */
static int
finish(vrbd_cluster *cl, struct target *t, size_t n,
       const vrbd_fence_opts *opts, unsigned expire, vrbd_fence_result *res)
{
    CLEANUP_FREE char *until = NULL, *hint = NULL;
    vrbd_error_saved sv;
    int r = 0;

    /* this client's requests from now on carry the map that has the
     * entries (as librbd does after it blocklists), so the OSDs that
     * serve them refuse the fenced clients first */
    if (res->n_fenced) {
        r = latest_osdmap(cl);
        if (r < 0)
            vrbd_cluster_error(cl, r, "cannot read the OSD map");
    }
    for (size_t i = 0; i < n && r == 0; i++) {
        bool any = false;

        /* an image whose only clients were spared is left as it is */
        for (size_t k = 0; k < res->n_fenced && !any; k++)
            any = strcmp(res->fenced[k].image, t[i].name) == 0;
        if (!any)
            continue;
        if (break_locks(cl, &t[i], res->fenced, res->n_fenced) < 0 ||
            record(cl, &t[i], res, opts, expire) < 0)
            r = -1;
    }
    if (r == 0)
        return 0;
    until = iso_time(res->until);
    hint = xasprintf(
        "the clients are blocklisted until %s, their locks not all broken: fence again once cluster '%s' answers",
        until, vrbd_cluster_name(cl));
    vrbd_error_save(&sv);
    return vrbd_error_restore(&sv, hint);
}

int
vrbd_fence(vrbd_cluster *cl, const vrbd_spec *specs, size_t n,
           const vrbd_fence_opts *opts, vrbd_fence_result *out)
{
    CLEANUP_FREE char *self = NULL;
    CLEANUP_FREE char *mw_key = NULL;
    vrbd_mirror_watch *mw = NULL;
    vrbd_fence_result res = {0};
    struct target *t;
    unsigned expire;
    int r = -1;

    if (vrbd_opts_check(opts, VRBD_FENCE_OPTS_VERSION, "vrbd_fence_opts") < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!specs[i].image || specs[i].snap)
            return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                                  "fencing needs POOL/IMAGE without @SNAP");
    expire =
        opts->expire_sec ? opts->expire_sec : VRBD_FENCE_DEFAULT_EXPIRE_SEC;
    self = self_addr(cl);
    t = xcalloc(n + 1, sizeof(*t));
    /* every image found and read before anything is fenced */
    for (size_t i = 0; i < n; i++) {
        t[i].spec = &specs[i];
        if (target_open(cl, self, &t[i], &mw, &mw_key) < 0)
            goto cleanup;
    }
    res.at = (int64_t)time(NULL);
    res.until = res.at + expire;
    if (blocklist_clients(cl, t, n, expire, &res) < 0)
        goto cleanup;
    vrbd_test_pause("fence-blocklisted");
    if (finish(cl, t, n, opts, expire, &res) < 0)
        goto cleanup;
    *out = res;
    memset(&res, 0, sizeof(res));
    r = 0;

cleanup:
    vrbd_fence_result_clear(&res);
    vrbd_mirror_watch_free(mw);
    targets_close(cl, t, n);
    return r;
}
