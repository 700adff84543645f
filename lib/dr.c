/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dr.c: two registered clusters as a disaster-recovery pair, with Ceph's
 * own rbd-mirror daemon doing the replication (snapshot-based mirroring).
 * This module pairs a pool with the pool of the same name on the other
 * cluster (site names, mirror mode image, a bootstrap token exchanged in
 * both directions) and reads back the state of a pair: each side's mode,
 * site name and peers, whether a daemon reports for the pool on each side
 * (the mgr's service map, as `rbd mirror pool status` reads it), and each
 * mirrored image's status.  It runs no replication loop of its own and
 * starts no daemon.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "dr-internal.h"
#include "internal.h"
#include "json-util.h"
#include "keybuf.h"
#include "volume-internal.h"

VRBD_DEFINE_CLEANUP(vrbd_keybuf, vrbd_keybuf_free)
VRBD_DEFINE_CLEANUP(vrbd_cluster, vrbd_cluster_free)
VRBD_DEFINE_CLEANUP(vrbd_dr_status, vrbd_dr_status_free)

#define DAEMON_HINT_FMT VRBD_DR_DAEMON_HINT_FMT

static const char *const health_names[] = {"ok", "warning", "error"};

const char *
vrbd_dr_health_name(vrbd_dr_health h)
{
    return (unsigned)h < 3 ? health_names[h] : "?";
}

static void
peer_clear(vrbd_dr_peer *p)
{
    free(p->uuid);
    free(p->site_name);
    free(p->client_name);
    free(p->mirror_uuid);
}

static void
daemon_clear(vrbd_dr_daemon *d)
{
    free(d->service_id);
    free(d->id);
    free(d->hostname);
    free(d->instance_id);
    vrbd_strv_free(d->callouts);
}

void
vrbd_dr_side_clear(vrbd_dr_side *s)
{
    if (!s)
        return;
    free(s->cluster);
    free(s->fsid);
    free(s->pool);
    free(s->mode);
    free(s->site_name);
    for (size_t i = 0; i < s->n_peers; i++)
        peer_clear(&s->peers[i]);
    free(s->peers);
    for (size_t i = 0; i < s->n_daemons; i++)
        daemon_clear(&s->daemons[i]);
    free(s->daemons);
    free(s->error);
    memset(s, 0, sizeof(*s));
}

void
vrbd_dr_pair_result_clear(vrbd_dr_pair_result *res)
{
    if (!res)
        return;
    vrbd_dr_side_clear(&res->sides[0]);
    vrbd_dr_side_clear(&res->sides[1]);
    vrbd_strv_free(res->changes);
    vrbd_strv_free(res->warnings);
    memset(res, 0, sizeof(*res));
}

static void
image_clear(vrbd_dr_image *im)
{
    free(im->name);
    free(im->id);
    free(im->mode);
    free(im->global_id);
    free(im->state);
    for (size_t i = 0; i < im->n_sites; i++) {
        free(im->sites[i].site_name);
        free(im->sites[i].state);
        free(im->sites[i].description);
    }
    free(im->sites);
}

void
vrbd_dr_status_free(vrbd_dr_status *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n_sides; i++)
        vrbd_dr_side_clear(&st->sides[i]);
    free(st->sides);
    for (size_t i = 0; i < st->n_images; i++)
        image_clear(&st->images[i]);
    free(st->images);
    free(st);
}

static const char *
mode_name(rbd_mirror_mode_t m)
{
    switch (m) {
    case RBD_MIRROR_MODE_DISABLED:
        return "disabled";
    case RBD_MIRROR_MODE_IMAGE:
        return "image";
    case RBD_MIRROR_MODE_POOL:
        return "pool";
    }
    return "init-only";
}

static const char *
direction_name(rbd_mirror_peer_direction_t d)
{
    switch (d) {
    case RBD_MIRROR_PEER_DIRECTION_RX:
        return "rx-only";
    case RBD_MIRROR_PEER_DIRECTION_TX:
        return "tx-only";
    case RBD_MIRROR_PEER_DIRECTION_RX_TX:
        return "rx-tx";
    }
    return "?";
}

const char *
vrbd_dr_mirror_state_name(rbd_mirror_image_state_t s)
{
    static const char *const names[] = {"disabling", "enabled", "disabled"};

    return (unsigned)s < 3 ? names[s] : "unknown";
}

const char *
vrbd_dr_image_state_name(rbd_mirror_image_status_state_t s)
{
    static const char *const names[] = {
        "unknown",   "error",           "syncing", "starting_replay",
        "replaying", "stopping_replay", "stopped"};

    return (unsigned)s < 7 ? names[s] : "unknown";
}

/* The cluster's site name (its fsid when none was set). */
int
vrbd_dr_site_name(vrbd_cluster *cl, char **out)
{
    size_t len = 64;

    for (int tries = 0; tries < 4; tries++) {
        CLEANUP_FREE char *buf = xmalloc(len);
        int r = rbd_mirror_site_name_get(vrbd_cluster_rados(cl), buf, &len);

        if (r == -ERANGE)
            continue;
        if (r < 0)
            return vrbd_cluster_error(
                cl, r, "cannot read the mirror site name of cluster '%s'",
                vrbd_cluster_name(cl));
        *out = TAKE(buf);
        return 0;
    }
    return vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                          "cluster '%s' gave no mirror site name",
                          vrbd_cluster_name(cl));
}

static int
peers_read(vrbd_cluster *cl, rados_ioctx_t io, const char *pool,
           vrbd_dr_side *s)
{
    int max = 8, r;

    for (;;) {
        rbd_mirror_peer_site_t *p = xcalloc((size_t)max, sizeof(*p));

        r = rbd_mirror_peer_site_list(io, p, &max);
        if (r == -ERANGE) {
            free(p);
            continue;
        }
        if (r < 0) {
            free(p);
            return vrbd_cluster_error(
                cl, r,
                "cannot list the mirror peers of pool '%s' on cluster '%s'",
                pool, vrbd_cluster_name(cl));
        }
        s->peers = xcalloc((size_t)max + 1, sizeof(*s->peers));
        s->n_peers = (size_t)max;
        for (int i = 0; i < max; i++) {
            s->peers[i].uuid = xstrdup(p[i].uuid ? p[i].uuid : "");
            s->peers[i].site_name =
                xstrdup(p[i].site_name ? p[i].site_name : "");
            s->peers[i].client_name =
                xstrdup(p[i].client_name ? p[i].client_name : "");
            s->peers[i].mirror_uuid =
                xstrdup(p[i].mirror_uuid ? p[i].mirror_uuid : "");
            s->peers[i].direction = direction_name(p[i].direction);
            s->peers[i].last_seen = (int64_t)p[i].last_seen;
        }
        rbd_mirror_peer_site_list_cleanup(p, max);
        free(p);
        return 0;
    }
}

/* The worst level among a daemon's pool callouts ({"N": {level, text}}),
 * their texts added to @d. */
static vrbd_dr_health
callouts_read(struct json_object *callouts, vrbd_dr_daemon *d)
{
    vrbd_dr_health h = VRBD_DR_HEALTH_OK;

    if (!callouts || !json_object_is_type(callouts, json_type_object))
        return h;
    json_object_object_foreach(callouts, key, c)
    {
        const char *level = vrbd_json_str(c, "level", "");
        const char *text = vrbd_json_str(c, "text", NULL);

        (void)key;
        if (strcmp(level, "error") == 0)
            h = VRBD_DR_HEALTH_ERROR;
        else if (strcmp(level, "warning") == 0 && h < VRBD_DR_HEALTH_WARNING)
            h = VRBD_DR_HEALTH_WARNING;
        if (text)
            vrbd_strv_add(&d->callouts, xstrdup(text));
    }
    return h;
}

/* One daemon's report for pool @pool_id in the "service status" answer. */
static void
daemon_status(struct json_object *status, int64_t pool_id, vrbd_dr_daemon *d,
              bool *pool_seen, bool *leader_seen)
{
    struct json_object *st = status ? vrbd_json_path(status, "status") : NULL;
    const char *text = st ? vrbd_json_str(st, "json", NULL) : NULL;
    CLEANUP(vrbd_json_put) struct json_object *js = NULL;
    struct json_object *pool;
    char key[32];

    d->health = VRBD_DR_HEALTH_WARNING;
    if (!text || !(js = vrbd_json_parse(text, strlen(text)))) {
        vrbd_strv_add(&d->callouts, xstrdup("not reporting status"));
        return;
    }
    snprintf(key, sizeof(key), "%lld", (long long)pool_id);
    if (!json_object_object_get_ex(js, key, &pool)) {
        vrbd_strv_add(&d->callouts,
                      xstrdup("not reporting status for the pool"));
        return;
    }
    *pool_seen = d->reporting = true;
    d->instance_id = xstrdup(vrbd_json_str(pool, "instance_id", ""));
    d->leader = json_object_get_boolean(vrbd_json_path(pool, "leader"));
    *leader_seen |= d->leader;
    d->health = callouts_read(vrbd_json_path(pool, "callouts"), d);
}

/*
 * The rbd-mirror daemons of @cl and how each reports for pool @pool_id:
 * the daemons from "service dump", their reports from "service status"
 * (a JSON text per daemon, one object per pool id), as `rbd mirror pool
 * status` reads them.  Both are monitor commands, so bounded by the
 * cluster's timeout (the monitors pass them to the mgr).
 */
static int
daemons_read(vrbd_cluster *cl, int64_t pool_id, vrbd_dr_side *s)
{
    CLEANUP(vrbd_json_put) struct json_object *dump = NULL, *status = NULL;
    struct json_object *daemons, *mine = NULL;
    bool pool_seen = false, leader_seen = false;

    if (vrbd_cluster_mon_json(cl, vrbd_json_cmd("service dump"), &dump) < 0)
        return -1;
    daemons = vrbd_json_path(dump, "services.rbd-mirror.daemons");
    if (daemons && json_object_is_type(daemons, json_type_object) &&
        vrbd_cluster_mon_json(cl, vrbd_json_cmd("service status"), &status) < 0)
        return -1;
    if (status)
        json_object_object_get_ex(status, "rbd-mirror", &mine);
    if (daemons && json_object_is_type(daemons, json_type_object)) {
        json_object_object_foreach(daemons, gid, dm)
        {
            struct json_object *md, *st = NULL;
            vrbd_dr_daemon *d;

            /* "summary" and such sit among the daemons */
            if (!json_object_is_type(dm, json_type_object) ||
                !json_object_object_get_ex(dm, "metadata", &md))
                continue;
            s->daemons = xreallocarray(s->daemons, s->n_daemons + 1,
                                       sizeof(*s->daemons));
            d = &s->daemons[s->n_daemons++];
            memset(d, 0, sizeof(*d));
            d->service_id = xstrdup(gid);
            d->id = xstrdup(vrbd_json_str(md, "id", ""));
            d->hostname = xstrdup(vrbd_json_str(md, "hostname", ""));
            if (mine)
                json_object_object_get_ex(mine, gid, &st);
            daemon_status(st, pool_id, d, &pool_seen, &leader_seen);
        }
    }
    s->daemon_health = !pool_seen     ? VRBD_DR_HEALTH_ERROR
                       : !leader_seen ? VRBD_DR_HEALTH_WARNING
                                      : VRBD_DR_HEALTH_OK;
    for (size_t i = 0; i < s->n_daemons; i++)
        if (s->daemons[i].health > s->daemon_health)
            s->daemon_health = s->daemons[i].health;
    return 0;
}

/* see dr-internal.h */
int
vrbd_dr_side_read(vrbd_cluster *cl, rados_ioctx_t io, const char *pool,
                  vrbd_dr_side *s)
{
    rbd_mirror_mode_t mode;
    int r;

    s->cluster = xstrdup(vrbd_cluster_name(cl));
    s->fsid = xstrdup(vrbd_cluster_fsid(cl));
    s->pool = xstrdup(pool);
    r = rbd_mirror_mode_get(io, &mode);
    if (r < 0)
        return vrbd_cluster_error(
            cl, r, "cannot read the mirror mode of pool '%s' on cluster '%s'",
            pool, vrbd_cluster_name(cl));
    s->mode = xstrdup(mode_name(mode));
    if (vrbd_dr_site_name(cl, &s->site_name) < 0 ||
        peers_read(cl, io, pool, s) < 0)
        return -1;
    return daemons_read(cl, rados_ioctx_get_id(io), s);
}

/* Whether @s lists @site as a peer it replicates from and to.  A
 * "tx-only" peer is no pairing: the other side's daemon registers itself
 * so when it replicates from here, whatever was paired. */
bool
vrbd_dr_side_has_peer(const vrbd_dr_side *s, const char *site)
{
    for (size_t i = 0; i < s->n_peers; i++)
        if (strcmp(s->peers[i].site_name, site) == 0 &&
            strcmp(s->peers[i].direction, "rx-tx") == 0)
            return true;
    return false;
}

struct side {
    char *name; /* registered */
    vrbd_cluster *cl;
    rados_ioctx_t io;
    bool io_open;
    char *site; /* its site name */
};

static void
side_close(struct side *s)
{
    if (s->io_open)
        rados_ioctx_destroy(s->io);
    vrbd_cluster_free(s->cl);
    free(s->name);
    free(s->site);
}

static unsigned
opts_timeout(const vrbd_dr_opts *opts)
{
    return opts->timeout_sec ? opts->timeout_sec : VRBD_DEFAULT_TIMEOUT_SEC;
}

/* The registered name @spec's cluster resolves to (the default for none),
 * into @s->name. */
static int
side_resolve(vrbd_registry *reg, const vrbd_spec *spec, struct side *s)
{
    vrbd_cluster_entry e = {0};

    if (vrbd_registry_get(reg, spec->cluster, &e) < 0)
        return -1;
    s->name = xstrdup(e.name);
    vrbd_cluster_entry_clear(&e);
    return 0;
}

static int
side_open(vrbd_registry *reg, const char *pool, unsigned timeout,
          struct side *s)
{
    if (vrbd_registry_connect(reg, s->name, timeout, &s->cl) < 0 ||
        vrbd_volume_ioctx(s->cl, pool, NULL, &s->io) < 0)
        return -1;
    s->io_open = true;
    return 0;
}

static int
check_pool_spec(const vrbd_spec *s)
{
    CLEANUP_FREE char *text = NULL;

    if (!s->image && !s->snap && !s->nspace)
        return 0;
    text = vrbd_spec_format(s);
    return vrbd_error_set(VRBD_ERR_INVALID, 0,
                          "give the pool alone: [CLUSTER:]POOL",
                          "'%s' names more than a pool: mirroring pairs whole "
                          "pools",
                          text);
}

/* The site name of side @s: its own when one was set, else its registered
 * name is set as one.  @changes notes it. */
static int
site_ensure(struct side *s, char ***changes)
{
    int r;

    if (vrbd_dr_site_name(s->cl, &s->site) < 0)
        return -1;
    /* librbd reports an unset site name as the fsid */
    if (strcmp(s->site, vrbd_cluster_fsid(s->cl)) != 0)
        return 0;
    r = rbd_mirror_site_name_set(vrbd_cluster_rados(s->cl), s->name);
    if (r < 0)
        return vrbd_cluster_error(
            s->cl, r, "cannot set mirror site name '%s' on cluster '%s'",
            s->name, s->name);
    free(s->site);
    s->site = xstrdup(s->name);
    vrbd_strv_add(changes, xasprintf("site name '%s' set on cluster '%s'",
                                     s->site, s->name));
    return 0;
}

static int
mode_ensure(struct side *s, const char *pool, char ***changes)
{
    rbd_mirror_mode_t mode;
    int r = rbd_mirror_mode_get(s->io, &mode);

    if (r < 0)
        return vrbd_cluster_error(
            s->cl, r,
            "cannot read the mirror mode of pool '%s' on cluster '%s'", pool,
            s->name);
    if (mode == RBD_MIRROR_MODE_IMAGE)
        return 0;
    if (mode == RBD_MIRROR_MODE_POOL)
        return vrbd_error_set(
            VRBD_ERR_EXISTS, 0,
            "virt-rbd mirrors chosen images: set the pool's mirror mode to image (rbd mirror pool enable POOL image)",
            "pool '%s' on cluster '%s' mirrors in pool mode (every journaled image)",
            pool, s->name);
    r = rbd_mirror_mode_set(s->io, RBD_MIRROR_MODE_IMAGE);
    if (r < 0)
        return vrbd_cluster_error(
            s->cl, r, "cannot enable mirroring on pool '%s' of cluster '%s'",
            pool, s->name);
    vrbd_strv_add(changes,
                  xasprintf("mirroring enabled in image mode on pool '%s' of "
                            "cluster '%s'",
                            pool, s->name));
    return 0;
}

/* The first keyring file of @cl's keyring list that exists (its
 * metavariables expanded as @cl's handle expands them), or NULL. */
static char *
keyring_of(vrbd_cluster *cl)
{
    char list[4096] = "";
    char *save = NULL, *path;

    if (rados_conf_get(vrbd_cluster_rados(cl), "keyring", list, sizeof(list)) <
        0)
        return NULL;
    for (path = strtok_r(list, ",", &save); path;
         path = strtok_r(NULL, ",", &save)) {
        while (*path == ' ')
            path++;
        if (*path && access(path, F_OK) == 0)
            return xstrdup(path);
    }
    return NULL;
}

/*
 * A bootstrap token made on @from, imported rx-tx on @to: one import
 * registers the peer on both pools (Pacific adds @to on @from first, then
 * @from on @to).  The token holds the cephx key of @from's peer user: it
 * lives in a keybuf and goes nowhere but librbd.  The import runs on a
 * handle of its own named after @to's site name: librbd refuses a remote
 * site named as the importing handle's Ceph cluster ("ceph" for every
 * handle otherwise), which would refuse a site called "ceph".
 */
static int
exchange(vrbd_registry *reg, const char *pool, struct side *from,
         struct side *to, unsigned timeout)
{
    CLEANUP(vrbd_keybuf_free) vrbd_keybuf *token = NULL;
    CLEANUP(vrbd_cluster_free) vrbd_cluster *cl = NULL;
    CLEANUP_FREE char *keyring = NULL;
    vrbd_cluster_entry e = {0};
    vrbd_cluster_opts o;
    rados_ioctx_t io;
    size_t len = 1024;
    int r;

    /* librbd logs the token, key and all, at debug_rbd 20 */
    rados_conf_set(vrbd_cluster_rados(from->cl), "debug_rbd", "0/0");
    for (;;) {
        char *buf = xcalloc(1, len);

        r = rbd_mirror_peer_bootstrap_create(from->io, buf, &len);
        if (r >= 0)
            token = vrbd_keybuf_new(buf, strlen(buf));
        vrbd_keybuf_wipe(buf, len);
        free(buf);
        if (r != -ERANGE)
            break;
    }
    if (r < 0)
        return vrbd_cluster_error(
            from->cl, r,
            "cannot create a mirror bootstrap token on cluster '%s'",
            from->name);
    if (vrbd_registry_get(reg, to->name, &e) < 0)
        return -1;
    o = vrbd_cluster_entry_opts(&e, timeout);
    /* the conf's keyring list may name $cluster, which this handle's name
     * changes: give it the file @to's own handle found */
    if (!o.keyring)
        o.keyring = keyring = keyring_of(to->cl);
    r = vrbd_cluster_connect_named(&o, to->site, &cl);
    vrbd_cluster_entry_clear(&e);
    if (r < 0)
        return -1;
    rados_conf_set(vrbd_cluster_rados(cl), "debug_rbd", "0/0");
    if (vrbd_volume_ioctx(cl, pool, NULL, &io) < 0)
        return -1;
    r = rbd_mirror_peer_bootstrap_import(io, RBD_MIRROR_PEER_DIRECTION_RX_TX,
                                         token->data);
    rados_ioctx_destroy(io);
    if (r < 0)
        return vrbd_cluster_error(
            cl, r,
            "cannot import the mirror bootstrap token of cluster '%s' on cluster '%s'",
            from->name, to->name);
    return 0;
}

/*
 * Before a bootstrap import on a pool whose side @side is @s: librbd
 * supports one peer per pool, and an import that finds a peer of the
 * right site keeps its direction.  So another site's peer is refused, and
 * a peer of @other_site that is not rx-tx (the tx-only entry the other
 * side's daemon registers when it replicates from here) is removed for
 * the import to add an rx-tx one.
 */
static int
peers_prepare(struct side *s, const vrbd_dr_side *side, const char *other_site)
{
    for (size_t i = 0; i < side->n_peers; i++) {
        const vrbd_dr_peer *p = &side->peers[i];
        int r;

        if (strcmp(p->site_name, other_site) != 0)
            return vrbd_error_set(
                VRBD_ERR_EXISTS, 0,
                "remove that peer first (rbd mirror pool peer remove), or pair the pool with that site",
                "pool '%s' on cluster '%s' has mirror peer '%s' already: librbd pairs a pool with one peer",
                side->pool, s->name, p->site_name);
        if (strcmp(p->direction, "rx-tx") == 0)
            continue;
        r = rbd_mirror_peer_site_remove(s->io, p->uuid);
        if (r < 0)
            return vrbd_cluster_error(
                s->cl, r,
                "cannot remove %s mirror peer '%s' of pool '%s' on cluster '%s'",
                p->direction, p->site_name, side->pool, s->name);
    }
    return 0;
}

/* Whether no daemon of @s leads the pool's replication (and so none
 * replicates it yet). */
static bool
none_leads(const vrbd_dr_side *s)
{
    for (size_t i = 0; i < s->n_daemons; i++)
        if (s->daemons[i].reporting && s->daemons[i].leader)
            return false;
    return true;
}

static bool
waiting(const vrbd_dr_side *side)
{
    return side->n_daemons > 0 && none_leads(side);
}

/*
 * A daemon that runs finds a newly mirrored pool on its next scan of the
 * pools (rbd_mirror_pool_replayers_refresh_interval, 30 s by default),
 * and takes the lead of a pool again when its peers changed: wait for one
 * to lead it on each side (both at once), a second at a time, @wait
 * seconds at most.  A side with no daemon in the service map has nothing
 * to wait for.
 */
static int
daemons_wait(struct side *s, vrbd_dr_side *sides, unsigned wait)
{
    struct timespec second = {1, 0};

    for (unsigned waited = 0;
         waited < wait && (waiting(&sides[0]) || waiting(&sides[1]));
         waited++) {
        nanosleep(&second, NULL);
        for (int k = 0; k < 2; k++) {
            vrbd_dr_side *side = &sides[k];

            if (!waiting(side))
                continue;
            for (size_t i = 0; i < side->n_daemons; i++)
                daemon_clear(&side->daemons[i]);
            free(side->daemons);
            side->daemons = NULL;
            side->n_daemons = 0;
            if (daemons_read(s[k].cl, rados_ioctx_get_id(s[k].io), side) < 0)
                return -1;
        }
    }
    return 0;
}

/* What is wrong with the daemons of @s when they report, but not ok. */
static char *
daemon_warning(const vrbd_dr_side *s)
{
    char **all = NULL;
    CLEANUP_FREE char *text = NULL;

    if (none_leads(s))
        return xasprintf("no rbd-mirror daemon of cluster '%s' leads the "
                         "replication of pool '%s' yet",
                         s->cluster, s->pool);
    for (size_t i = 0; i < s->n_daemons; i++)
        for (size_t k = 0; s->daemons[i].callouts && s->daemons[i].callouts[k];
             k++)
            vrbd_strv_add(&all, xstrdup(s->daemons[i].callouts[k]));
    text = all ? vrbd_strv_join(all, "; ", 5) : xstrdup("no reason given");
    vrbd_strv_free(all);
    return xasprintf("the rbd-mirror daemons of cluster '%s' report "
                     "trouble with pool '%s': %s",
                     s->cluster, s->pool, text);
}

/* Pool @pool of sides @s registered as each other's rx-tx peers unless
 * they are already, @out's sides read again then. */
static int
peers_ensure(vrbd_registry *reg, const char *pool, struct side *s,
             unsigned timeout, vrbd_dr_pair_result *out)
{
    if (!vrbd_dr_side_has_peer(&out->sides[0], s[1].site) ||
        !vrbd_dr_side_has_peer(&out->sides[1], s[0].site)) {
        if (peers_prepare(&s[0], &out->sides[0], s[1].site) < 0 ||
            peers_prepare(&s[1], &out->sides[1], s[0].site) < 0 ||
            exchange(reg, pool, &s[0], &s[1], timeout) < 0)
            return -1;
        vrbd_strv_add(
            &out->changes,
            xasprintf("pool '%s' of clusters '%s' and '%s' registered "
                      "as mirror peers of each other (rx-tx)",
                      pool, s[0].name, s[1].name));
        for (int i = 0; i < 2; i++) {
            vrbd_dr_side_clear(&out->sides[i]);
            if (vrbd_dr_side_read(s[i].cl, s[i].io, pool, &out->sides[i]) < 0)
                return -1;
        }
        if (!vrbd_dr_side_has_peer(&out->sides[0], s[1].site) ||
            !vrbd_dr_side_has_peer(&out->sides[1], s[0].site)) {
            vrbd_error_set(VRBD_ERR_CEPH, 0, NULL,
                           "the bootstrap import left pool '%s' without "
                           "peers on both clusters '%s' and '%s'",
                           pool, s[0].name, s[1].name);
            return -1;
        }
    }
    return 0;
}

/* A warning in @out for each side whose daemons are not all well. */
static void
warn_daemons(const char *pool, const struct side *s, vrbd_dr_pair_result *out)
{
    for (int i = 0; i < 2; i++) {
        if (out->sides[i].daemon_health == VRBD_DR_HEALTH_OK)
            continue;
        if (out->sides[i].daemon_health == VRBD_DR_HEALTH_ERROR)
            vrbd_strv_add(
                &out->warnings,
                xasprintf(
                    "no rbd-mirror daemon reports for pool '%s' on "
                    "cluster '%s': nothing is replicated to it; " DAEMON_HINT_FMT,
                    pool, s[i].name, s[i].name));
        else
            vrbd_strv_add(&out->warnings, daemon_warning(&out->sides[i]));
    }
}

int
vrbd_dr_pair(vrbd_registry *reg, const vrbd_spec *a, const vrbd_spec *b,
             const vrbd_dr_opts *opts, vrbd_dr_pair_result *res)
{
    struct side s[2] = {{0}, {0}};
    vrbd_dr_pair_result out = {0};
    unsigned timeout;
    int rc = -1;

    if (vrbd_opts_check(opts, VRBD_DR_OPTS_VERSION, "vrbd_dr_opts") < 0 ||
        check_pool_spec(a) < 0 || check_pool_spec(b) < 0)
        return -1;
    timeout = opts_timeout(opts);
    if (strcmp(a->pool, b->pool) != 0)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "give pools of the same name on both clusters (create the missing one with {prog}{vrbd_pool_create})",
            "pools '%s' and '%s' have different names: rbd-mirror replicates a pool to the pool of the same name",
            a->pool, b->pool);
    if (side_resolve(reg, a, &s[0]) < 0 || side_resolve(reg, b, &s[1]) < 0)
        goto cleanup;
    if (strcmp(s[0].name, s[1].name) == 0) {
        vrbd_error_set(VRBD_ERR_INVALID, 0,
                       "give the pool on two different registered clusters",
                       "both pools are on cluster '%s': a pair needs two "
                       "clusters",
                       s[0].name);
        goto cleanup;
    }
    for (int i = 0; i < 2; i++)
        if (side_open(reg, a->pool, timeout, &s[i]) < 0)
            goto cleanup;
    if (strcmp(vrbd_cluster_fsid(s[0].cl), vrbd_cluster_fsid(s[1].cl)) == 0) {
        vrbd_error_set(VRBD_ERR_INVALID, 0,
                       "give the pool on two different clusters",
                       "clusters '%s' and '%s' are the same Ceph cluster "
                       "(fsid %s)",
                       s[0].name, s[1].name, vrbd_cluster_fsid(s[0].cl));
        goto cleanup;
    }
    for (int i = 0; i < 2; i++)
        if (site_ensure(&s[i], &out.changes) < 0)
            goto cleanup;
    if (strcmp(s[0].site, s[1].site) == 0) {
        vrbd_error_set(
            VRBD_ERR_CONFIG, 0,
            "give one of them another site name (rbd mirror pool enable, with a site name)",
            "clusters '%s' and '%s' have the same mirror site name '%s'",
            s[0].name, s[1].name, s[0].site);
        goto cleanup;
    }
    for (int i = 0; i < 2; i++)
        if (mode_ensure(&s[i], a->pool, &out.changes) < 0)
            goto cleanup;
    for (int i = 0; i < 2; i++)
        if (vrbd_dr_side_read(s[i].cl, s[i].io, a->pool, &out.sides[i]) < 0)
            goto cleanup;
    if (peers_ensure(reg, a->pool, s, timeout, &out) < 0)
        goto cleanup;
    if (daemons_wait(s, out.sides,
                     opts->daemon_wait_sec ? opts->daemon_wait_sec
                                           : VRBD_DR_DAEMON_WAIT_SEC) < 0)
        goto cleanup;
    warn_daemons(a->pool, s, &out);
    *res = out;
    memset(&out, 0, sizeof(out));
    rc = 0;

cleanup:
    vrbd_dr_pair_result_clear(&out);
    side_close(&s[0]);
    side_close(&s[1]);
    return rc;
}

/* The time of the last mirror snapshot fully copied to the side that
 * wrote @desc: a replaying image's description is "replaying, {JSON}" and
 * the JSON's local_snapshot_timestamp is it.  0 when it does not say. */
static int64_t
replayed_at(const char *desc)
{
    const char *brace = desc ? strchr(desc, '{') : NULL;
    CLEANUP(vrbd_json_put) struct json_object *o = NULL;
    struct json_object *t;

    if (!brace || !(o = vrbd_json_parse(brace, strlen(brace))) ||
        !json_object_object_get_ex(o, "local_snapshot_timestamp", &t))
        return 0;
    return json_object_get_int64(t);
}

/* The site name of the status written by mirror uuid @uuid ("": @s's
 * own), borrowed. */
static const char *
site_of(const vrbd_dr_side *s, const char *uuid)
{
    if (!uuid || !*uuid)
        return s->site_name;
    for (size_t i = 0; i < s->n_peers; i++)
        if (strcmp(s->peers[i].mirror_uuid, uuid) == 0)
            return s->peers[i].site_name;
    return uuid;
}

static void
image_read(const vrbd_dr_side *s, const char *id,
           const rbd_mirror_image_global_status_t *g, vrbd_dr_image *im)
{
    im->name = xstrdup(g->name ? g->name : "");
    im->id = xstrdup(id);
    im->mode = xstrdup("?");
    im->global_id = xstrdup(g->info.global_id ? g->info.global_id : "");
    im->state = xstrdup(vrbd_dr_mirror_state_name(g->info.state));
    im->primary = g->info.primary;
    im->sites = xcalloc(g->site_statuses_count + 1, sizeof(*im->sites));
    im->n_sites = g->site_statuses_count;
    for (uint32_t i = 0; i < g->site_statuses_count; i++) {
        const rbd_mirror_image_site_status_t *ss = &g->site_statuses[i];
        vrbd_dr_image_site *d = &im->sites[i];

        d->site_name = xstrdup(site_of(s, ss->mirror_uuid));
        d->up = ss->up;
        d->state = xstrdup(vrbd_dr_image_state_name(ss->state));
        d->description = xstrdup(ss->description ? ss->description : "");
        d->last_update = (int64_t)ss->last_update;
        d->replayed_at = replayed_at(ss->description);
    }
}

/*
 * Each image's mode and whether it is primary here: Pacific's global
 * status list leaves info.primary false whatever the image is, its info
 * list says (rbd_mirror_image_info_list, by image id).
 */
static int
infos_read(vrbd_cluster *cl, rados_ioctx_t io, const vrbd_dr_side *s,
           vrbd_dr_status *st)
{
    enum { PAGE = 64 };
    CLEANUP_FREE char *start = xstrdup("");

    for (;;) {
        char *ids[PAGE];
        rbd_mirror_image_mode_t modes[PAGE];
        rbd_mirror_image_info_t infos[PAGE];
        size_t len = 0;
        int r = rbd_mirror_image_info_list(io, NULL, start, PAGE, ids, modes,
                                           infos, &len);

        if (r < 0)
            return vrbd_cluster_error(
                cl, r,
                "cannot read the mirrored images of pool '%s' on cluster '%s'",
                s->pool, s->cluster);
        for (size_t i = 0; i < len; i++)
            for (size_t k = 0; k < st->n_images; k++) {
                vrbd_dr_image *im = &st->images[k];

                if (strcmp(im->id, ids[i]) != 0)
                    continue;
                im->primary = infos[i].primary;
                free(im->mode);
                im->mode = xstrdup(modes[i] == RBD_MIRROR_IMAGE_MODE_SNAPSHOT
                                       ? "snapshot"
                                       : "journal");
            }
        if (len > 0) {
            free(start);
            start = xstrdup(ids[len - 1]);
        }
        rbd_mirror_image_info_list_cleanup(ids, infos, len);
        if (len < PAGE)
            return 0;
    }
}

/* Every mirrored image of @io's pool, 64 a call, as librbd pages them. */
static int
images_read(vrbd_cluster *cl, rados_ioctx_t io, const vrbd_dr_side *s,
            vrbd_dr_status *st)
{
    enum { PAGE = 64 };
    CLEANUP_FREE char *start = xstrdup("");

    for (;;) {
        char *ids[PAGE];
        rbd_mirror_image_global_status_t g[PAGE];
        size_t len = 0;
        int r =
            rbd_mirror_image_global_status_list(io, start, PAGE, ids, g, &len);

        if (r < 0)
            return vrbd_cluster_error(
                cl, r,
                "cannot list the mirrored images of pool '%s' on cluster '%s'",
                s->pool, s->cluster);
        st->images = xreallocarray(st->images, st->n_images + len + 1,
                                   sizeof(*st->images));
        for (size_t i = 0; i < len; i++) {
            memset(&st->images[st->n_images], 0, sizeof(*st->images));
            image_read(s, ids[i], &g[i], &st->images[st->n_images++]);
        }
        if (len > 0) {
            free(start);
            start = xstrdup(ids[len - 1]);
        }
        rbd_mirror_image_global_status_list_cleanup(ids, g, len);
        if (len < PAGE)
            return infos_read(cl, io, s, st);
    }
}

/*
 * The registered cluster whose site name is @site (not @fsid), its pool
 * @pool read into @out.  The cluster registered under that name is asked
 * first (pair names sites so), then the others.  A side that cannot be
 * found or read says why in out->error.
 */
static void
peer_side_read(vrbd_registry *reg, const char *site, const char *fsid,
               const char *pool, unsigned timeout, vrbd_dr_side *out)
{
    vrbd_cluster_entry *all = NULL;
    size_t n = 0;
    CLEANUP_FREE char *why = NULL;

    if (vrbd_registry_list(reg, &all, &n) < 0) {
        out->site_name = xstrdup(site);
        out->error = xstrdup(vrbd_error_last()->message);
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            struct side s = {0};
            bool named = strcmp(all[i].name, site) == 0;

            if ((pass == 0) != named ||
                (all[i].fsid && strcmp(all[i].fsid, fsid) == 0))
                continue;
            s.name = xstrdup(all[i].name);
            if (vrbd_registry_connect(reg, s.name, timeout, &s.cl) < 0 ||
                vrbd_dr_site_name(s.cl, &s.site) < 0) {
                free(why);
                why = xstrdup(vrbd_error_last()->message);
                side_close(&s);
                continue;
            }
            if (strcmp(s.site, site) != 0) {
                side_close(&s);
                continue;
            }
            if (vrbd_volume_ioctx(s.cl, pool, NULL, &s.io) < 0) {
                out->cluster = xstrdup(s.name);
                out->site_name = xstrdup(site);
                out->error = xstrdup(vrbd_error_last()->message);
            } else {
                s.io_open = true;
                if (vrbd_dr_side_read(s.cl, s.io, pool, out) < 0) {
                    free(out->error);
                    out->error = xstrdup(vrbd_error_last()->message);
                }
            }
            side_close(&s);
            vrbd_cluster_entry_list_free(all, n);
            return;
        }
    }
    vrbd_cluster_entry_list_free(all, n);
    out->site_name = xstrdup(site);
    out->error =
        why ? xasprintf("no registered cluster answered with site name '%s' "
                        "(%s)",
                        site, why)
            : xasprintf("no registered cluster has mirror site name '%s'",
                        site);
}

int
vrbd_dr_status_get(vrbd_registry *reg, const vrbd_spec *pool,
                   const vrbd_dr_opts *opts, vrbd_dr_status **out)
{
    CLEANUP(vrbd_dr_status_free) vrbd_dr_status *st = NULL;
    struct side s = {0};
    unsigned timeout;
    int rc = -1;

    if (vrbd_opts_check(opts, VRBD_DR_OPTS_VERSION, "vrbd_dr_opts") < 0 ||
        check_pool_spec(pool) < 0)
        return -1;
    timeout = opts_timeout(opts);
    st = xcalloc(1, sizeof(*st));
    st->sides = xcalloc(1, sizeof(*st->sides));
    st->n_sides = 1;
    if (side_resolve(reg, pool, &s) < 0 ||
        side_open(reg, pool->pool, timeout, &s) < 0 ||
        vrbd_dr_side_read(s.cl, s.io, pool->pool, &st->sides[0]) < 0)
        goto cleanup;
    if (strcmp(st->sides[0].mode, "disabled") != 0 &&
        images_read(s.cl, s.io, &st->sides[0], st) < 0)
        goto cleanup;
    st->paired = st->sides[0].n_peers > 0;
    for (size_t i = 0; i < st->sides[0].n_peers; i++) {
        vrbd_dr_side *p;

        st->sides =
            xreallocarray(st->sides, st->n_sides + 1, sizeof(*st->sides));
        p = &st->sides[st->n_sides++];
        memset(p, 0, sizeof(*p));
        peer_side_read(reg, st->sides[0].peers[i].site_name, st->sides[0].fsid,
                       pool->pool, timeout, p);
        if (p->error || strcmp(p->mode, "disabled") == 0 ||
            !vrbd_dr_side_has_peer(p, st->sides[0].site_name))
            st->paired = false;
    }
    *out = TAKE(st);
    rc = 0;

cleanup:
    side_close(&s);
    return rc;
}
