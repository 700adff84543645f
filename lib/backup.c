/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backup.c: backups of a VM's disks, or of one image.  Every disk gets a
 * snapshot at one instant ("bk-" and the UTC time; the VM's filesystems
 * frozen by its guest agent around it, or the VM paused for that moment),
 * then its data goes to the target: all of it the first time, later only
 * what changed since the last backup snapshot, which stays on the source
 * as the base of the next.  A cluster target keeps each backup as a
 * snapshot of a replica image (vrbd_copy_image(), incremental), a
 * directory target as files (backup-dir.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "backup-internal.h"
#include "clock.h"
#include "host-internal.h"
#include "internal.h"
#include "virt.h"
#include "volume-internal.h"

void
vrbd_backup_result_clear(vrbd_backup_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_disks; i++) {
        free(r->disks[i].dev);
        free(r->disks[i].source);
        free(r->disks[i].stored);
        free(r->disks[i].from_snap);
    }
    free(r->disks);
    free(r->name);
    free(r->target);
    free(r->why);
    vrbd_strv_free(r->skipped);
    memset(r, 0, sizeof(*r));
}

void
vrbd_bk_entry_clear(vrbd_backup_entry *e)
{
    free(e->name);
    free(e->source);
    free(e->domain);
    free(e->dev);
    free(e->from_snap);
    free(e->consistency);
    free(e->stored);
    memset(e, 0, sizeof(*e));
}

void
vrbd_backup_entry_list_free(vrbd_backup_entry *e, size_t n)
{
    if (!e)
        return;
    for (size_t i = 0; i < n; i++)
        vrbd_bk_entry_clear(&e[i]);
    free(e);
}

bool
vrbd_bk_is_name(const char *s)
{
    /* "bk-YYYYMMDDTHHMMSSZ" */
    if (strlen(s) != 19)
        return false;
    for (size_t i = 0; s[i]; i++) {
        char want = i < 3 ? "bk-"[i] : i == 11 ? 'T' : i == 18 ? 'Z' : 'd';

        if (want == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != want)
            return false;
    }
    return true;
}

/* ---- records */

char *
vrbd_bk_record_format(const vrbd_backup_entry *e)
{
    return xasprintf("kind=%s from=%s size=%" PRIu64 " sent=%" PRIu64
                     " created=%" PRId64 " consistency=%s disks=%u dev=%s "
                     "domain=%s",
                     e->from_snap ? "incremental" : "full",
                     e->from_snap ? e->from_snap : "-", e->size, e->sent,
                     e->when, e->consistency, e->disks, e->dev ? e->dev : "-",
                     e->domain ? e->domain : "-");
}

/* the value of "@key=" in @rec, up to the next space (the last key, to
 * the end); NULL when missing or "-" */
static char *
field(const char *rec, const char *key, bool last)
{
    CLEANUP_FREE char *k = xasprintf(" %s=", key);
    CLEANUP_FREE char *padded = xasprintf(" %s", rec);
    const char *p = strstr(padded, k), *end;

    if (!p)
        return NULL;
    p += strlen(k);
    end = last ? p + strlen(p) : p + strcspn(p, " ");
    if (end - p == 1 && *p == '-')
        return NULL;
    return xstrndup(p, (size_t)(end - p));
}

static int
field_u64(const char *rec, const char *key, uint64_t *v)
{
    CLEANUP_FREE char *s = field(rec, key, false);
    char *end;

    if (!s)
        return -1;
    errno = 0;
    *v = strtoull(s, &end, 10);
    return errno || *end || end == s ? -1 : 0;
}

int
vrbd_bk_record_parse(const char *rec, vrbd_backup_entry *e)
{
    CLEANUP_FREE char *kind = field(rec, "kind", false);
    uint64_t created = 0;

    if (!kind || field_u64(rec, "size", &e->size) < 0 ||
        field_u64(rec, "sent", &e->sent) < 0 ||
        field_u64(rec, "created", &created) < 0)
        return -1;
    e->when = (int64_t)created;
    e->from_snap = field(rec, "from", false);
    if ((strcmp(kind, "full") == 0) != !e->from_snap) {
        free(e->from_snap);
        e->from_snap = NULL;
        return -1;
    }
    e->consistency = field(rec, "consistency", false);
    {
        uint64_t disks = 0; /* not in records of before it was added */

        e->disks = field_u64(rec, "disks", &disks) == 0 && disks < 4096
                       ? (unsigned)disks
                       : 0;
    }
    e->dev = field(rec, "dev", false);
    e->domain = field(rec, "domain", true);
    if (!e->consistency)
        e->consistency = xstrdup("?");
    return 0;
}

char *
vrbd_bk_disk_record(const struct vrbd_bk_run *r, const struct vrbd_bk_disk *d)
{
    vrbd_backup_entry e = {.when = r->res->when,
                           .domain = (char *)r->domain,
                           .dev = d->out->dev,
                           .from_snap = d->out->from_snap,
                           .consistency = (char *)r->res->consistency,
                           .size = d->out->size,
                           .sent = d->out->sent,
                           .disks = r->domain ? (unsigned)r->n : 0};

    return vrbd_bk_record_format(&e);
}

/* ---- the target */

void
vrbd_bk_target_clear(struct vrbd_bk_target *t)
{
    free(t->canon);
    free(t->pool);
    free(t->nspace);
    vrbd_cluster_free(t->cl);
    memset(t, 0, sizeof(*t));
}

static bool
is_dir_target(const char *text)
{
    return text[0] == '/' || strncmp(text, "./", 2) == 0 ||
           strncmp(text, "../", 3) == 0 || strcmp(text, ".") == 0;
}

int
vrbd_bk_target_open(vrbd_registry *reg, const char *text, unsigned timeout,
                    bool create, struct vrbd_bk_target *t)
{
    vrbd_spec s = {0};
    rados_ioctx_t io;
    int rc = -1;

    memset(t, 0, sizeof(*t));
    if (is_dir_target(text)) {
        t->dir = true;
        t->canon = xstrdup(text);
        return vrbd_bk_dir_prepare(t, create);
    }
    if (vrbd_spec_parse(text, VRBD_SPEC_POOL, &s) < 0) {
        vrbd_error_set(VRBD_ERR_INVALID, 0,
                       "give [CLUSTER:]POOL[/NS], or a directory as an "
                       "absolute path or ./DIR",
                       "backup target '%s' is neither a pool nor a directory",
                       text);
        goto out;
    }
    if (vrbd_registry_connect(reg, s.cluster, timeout, &t->cl) < 0)
        goto out;
    if (vrbd_volume_ioctx(t->cl, s.pool, s.nspace, &io) < 0)
        goto out;
    rados_ioctx_destroy(io);
    t->pool = xstrdup(s.pool);
    t->nspace = s.nspace ? xstrdup(s.nspace) : NULL;
    t->canon = s.nspace ? xasprintf("%s:%s/%s", vrbd_cluster_name(t->cl),
                                    s.pool, s.nspace)
                        : xasprintf("%s:%s", vrbd_cluster_name(t->cl), s.pool);
    rc = 0;
out:
    vrbd_spec_clear(&s);
    return rc;
}

char *
vrbd_bk_disk_name(const struct vrbd_bk_disk *d)
{
    CLEANUP_FREE char *v = vrbd_volume_name(&d->spec);

    return xasprintf("%s:%s", vrbd_cluster_name(d->cl), v);
}

/* Generation @g of the replica of @d on a cluster target:
 * "bk.CLUSTER.POOL[.NS].IMAGE", "~2" and on after it (a new chain starts
 * in a new one, the old one keeping its backups) */
static char *
replica_name(const struct vrbd_bk_disk *d, unsigned g)
{
    CLEANUP_FREE char *gen = g > 1 ? xasprintf("~%u", g) : xstrdup("");

    return d->spec.nspace
               ? xasprintf("bk.%s.%s.%s.%s%s", vrbd_cluster_name(d->cl),
                           d->spec.pool, d->spec.nspace, d->spec.image, gen)
               : xasprintf("bk.%s.%s.%s%s", vrbd_cluster_name(d->cl),
                           d->spec.pool, d->spec.image, gen);
}

void
vrbd_bk_replica_of(const struct vrbd_bk_target *t, const vrbd_backup_entry *e,
                   vrbd_spec *s)
{
    const char *slash = strrchr(e->stored, '/');
    const char *at = strrchr(e->stored, '@');

    memset(s, 0, sizeof(*s));
    s->pool = t->pool;
    s->nspace = t->nspace;
    s->image = xstrndup(slash + 1, (size_t)(at - slash - 1));
    s->snap = (char *)e->name;
}

static void
replica_spec(const struct vrbd_bk_target *t, const struct vrbd_bk_disk *d,
             vrbd_spec *out)
{
    memset(out, 0, sizeof(*out));
    out->pool = t->pool;
    out->nspace = t->nspace;
    out->image = d->replica;
}

/* The newest snapshot of @img named as a backup, in @snap ("" none):
 * the count of snapshots, or a negative errno */
static int
newest_backup_snap(rbd_image_t img, char *snap, size_t len)
{
    rbd_snap_info_t *s = NULL;
    int n = vrbd_volume_snap_list(img, &s);
    uint64_t best = 0;

    snap[0] = '\0';
    for (int i = 0; i < n; i++)
        if (strncmp(s[i].name, VRBD_BK_PREFIX, strlen(VRBD_BK_PREFIX)) == 0 &&
            s[i].id >= best) {
            best = s[i].id;
            snprintf(snap, len, "%s", s[i].name);
        }
    vrbd_volume_snap_list_free(s, n);
    return n;
}

static bool
has_snap(rbd_image_t img, const char *snap)
{
    bool there = false;

    return rbd_snap_exists(img, snap, &there) == 0 && there;
}

/* A cluster target: the replica generation @d goes to (d->replica), and
 * its base (d->base) when the source still has the newest backup
 * snapshot there.  1: found; 0: go on to the next generation; -1. */
static int
replica_fits(struct vrbd_bk_run *r, struct vrbd_bk_disk *d, rados_ioctx_t io,
             char *name)
{
    char last[256] = "";
    rbd_image_t img;
    int ret = rbd_open_read_only(io, name, &img, NULL);

    if (ret == 0) {
        CLEANUP_FREE char *of = vrbd_image_meta(img, VRBD_BK_OF_KEY);
        CLEANUP_FREE char *me = vrbd_bk_disk_name(d);

        ret = newest_backup_snap(img, last, sizeof(last));
        rbd_close(img);
        /* another image's whose name maps to the same one: not this */
        if (ret >= 0 && of &&
            (strncmp(of, me, strlen(me)) != 0 || of[strlen(me)] != ' ')) {
            free(name);
            return 0;
        }
    }
    if (ret == -ENOENT) { /* a new one: a full backup */
        d->replica = name;
        return 1;
    }
    if (ret < 0) {
        vrbd_cluster_error(r->t.cl, ret, "cannot read the backup '%s'", name);
        free(name);
        return -1;
    }
    if (*last && !r->o->full && has_snap(d->img, last)) {
        snprintf(d->base, sizeof(d->base), "%s", last);
        d->replica = name;
        return 1;
    }
    free(name);
    return 0;
}

/*
 * d->base: the target's newest backup of @d when the source still has
 * that snapshot, else "" (a full backup).  On a cluster target, a replica
 * whose newest backup the source lost (or --full) is left as it is, with
 * its backups, and the full backup goes to a new generation of it.  0, or
 * -1 with the error.
 */
static int
find_base(struct vrbd_bk_run *r, struct vrbd_bk_disk *d)
{
    rados_ioctx_t io = NULL;
    int ret = 0;

    if (r->t.dir) {
        char last[256] = "";

        if (vrbd_bk_dir_last(&r->t, d, last, sizeof(last)) < 0)
            return -1;
        if (*last && !r->o->full && has_snap(d->img, last))
            snprintf(d->base, sizeof(d->base), "%s", last);
        return 0;
    }
    if (vrbd_volume_ioctx(r->t.cl, r->t.pool, r->t.nspace, &io) < 0)
        return -1;
    for (unsigned g = 1; ret == 0 && g < 1000; g++)
        ret = replica_fits(r, d, io, replica_name(d, g));
    rados_ioctx_destroy(io);
    if (ret == 0)
        return vrbd_error_set(VRBD_ERR_EXISTS, 0, NULL,
                              "too many backup chains of '%s' on %s",
                              d->spec.image, r->t.canon);
    return ret < 0 ? -1 : 0;
}

size_t
vrbd_bk_bases_on(vrbd_cluster *cl, const vrbd_spec *spec)
{
    vrbd_spec s = *spec;
    rbd_snap_info_t *snaps = NULL;
    rados_ioctx_t io;
    rbd_image_t img;
    size_t bases = 0;
    int n;

    s.snap = NULL;
    if (vrbd_volume_open(cl, &s, true, &io, &img) < 0) {
        vrbd_error_clear();
        return 0;
    }
    n = vrbd_volume_snap_list(img, &snaps);
    for (int i = 0; i < n; i++) {
        char *t = vrbd_bk_base_target(img, snaps[i].name);

        bases += t != NULL;
        free(t);
    }
    vrbd_volume_snap_list_free(snaps, n);
    rbd_close(img);
    rados_ioctx_destroy(io);
    return bases;
}

int
vrbd_bk_refuse_remove(vrbd_cluster *cl, const vrbd_spec *spec, const char *name,
                      bool force)
{
    CLEANUP_FREE char *of = NULL, *hint = NULL;
    rbd_snap_info_t *s = NULL;
    rados_ioctx_t io;
    rbd_image_t img;
    int n = 0;

    if (force || vrbd_volume_ioctx(cl, spec->pool, spec->nspace, &io) < 0) {
        vrbd_error_clear();
        return 0;
    }
    if (rbd_open_read_only(io, spec->image, &img, NULL) == 0) {
        of = vrbd_image_meta(img, VRBD_BK_OF_KEY);
        if (of) {
            n = vrbd_volume_snap_list(img, &s);
            vrbd_volume_snap_list_free(s, n);
        }
        rbd_close(img);
    }
    rados_ioctx_destroy(io);
    if (!of)
        return 0;
    of[strcspn(of, " ")] = '\0';
    hint = xasprintf("remove old ones with {prog}{vrbd_backup_prune} "
                     "{from} %s:%s (to delete them all, add {force})",
                     vrbd_cluster_name(cl), spec->pool);
    return vrbd_error_set(VRBD_ERR_BUSY, EBUSY, hint,
                          "image '%s' holds the backups of %s (%d)", name, of,
                          n < 0 ? 0 : n);
}

/* ---- snapshots */

/* A name no disk has a snapshot of yet: "bk-" and the UTC second (two
 * backups within one second, to two targets, wait for the next) */
static void
backup_name(struct vrbd_bk_run *r)
{
    for (int tries = 0;; tries++) {
        time_t now = time(NULL);
        struct tm tm;
        char buf[32];
        bool taken = false;

        gmtime_r(&now, &tm);
        strftime(buf, sizeof(buf), VRBD_BK_PREFIX "%Y%m%dT%H%M%SZ", &tm);
        for (size_t i = 0; i < r->n && !taken; i++)
            taken = has_snap(r->d[i].img, buf);
        if (!taken || tries == 5) {
            r->res->name = xstrdup(buf);
            r->res->when = (int64_t)now;
            return;
        }
        usleep(250 * 1000);
    }
}

/* Each disk's snapshot, one after another: the caller holds the writes */
static int
snap_all(struct vrbd_bk_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        struct vrbd_bk_disk *d = &r->d[i];
        int ret;

        if (has_snap(d->img, r->res->name)) {
            CLEANUP_FREE char *name = vrbd_bk_disk_name(d);

            return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST, "run it again",
                                  "'%s' has a snapshot '%s' already (two "
                                  "backups in one second)",
                                  name, r->res->name);
        }
        ret = rbd_snap_create(d->img, r->res->name);
        if (ret < 0) {
            CLEANUP_FREE char *name = vrbd_bk_disk_name(d);

            return vrbd_cluster_error(
                d->cl, ret, "cannot snapshot '%s' for the backup", name);
        }
        d->snapped = true;
    }
    return 0;
}

/* The snapshots of a run that did not complete go again */
static void
unsnap(struct vrbd_bk_disk *d, const char *name)
{
    if (!d->snapped || !vrbd_cluster_answers(d->cl))
        return;
    rbd_snap_set(d->img, NULL);
    if (rbd_snap_remove(d->img, name) == 0)
        d->snapped = false;
}

/* The targets @img was backed up to (NULL-terminated, vrbd_strv_free())
 * and in *@snaps (if not NULL) the base snapshot of each; NULL when none */
static char **
base_keys(rbd_image_t img, char ***snaps)
{
    size_t kl = 4096, vl = 4096, n = 0;
    char *keys = NULL, *vals = NULL, **out = NULL, **sv = NULL;
    const size_t plen = strlen(VRBD_BK_BASE_KEY);
    int ret;

    do {
        keys = xrealloc(keys, kl);
        vals = xrealloc(vals, vl);
        ret = rbd_metadata_list(img, "", 0, keys, &kl, vals, &vl);
    } while (ret == -ERANGE);
    for (size_t k = 0, v = 0; ret >= 0 && k < kl && keys[k];) {
        if (strncmp(keys + k, VRBD_BK_BASE_KEY, plen) == 0) {
            out = xreallocarray(out, n + 2, sizeof(*out));
            sv = xreallocarray(sv, n + 2, sizeof(*sv));
            out[n] = xstrdup(keys + k + plen);
            sv[n++] = xstrdup(vals + v);
            out[n] = sv[n] = NULL;
        }
        k += strlen(keys + k) + 1;
        v += strlen(vals + v) + 1;
    }
    free(keys);
    free(vals);
    if (snaps)
        *snaps = sv;
    else
        vrbd_strv_free(sv);
    return out;
}

char *
vrbd_bk_base_target(rbd_image_t img, const char *snap)
{
    char **snaps = NULL, **targets = base_keys(img, &snaps);
    char *found = NULL;

    for (size_t i = 0; targets && targets[i] && !found; i++)
        if (strcmp(snaps[i], snap) == 0)
            found = xstrdup(targets[i]);
    vrbd_strv_free(targets);
    vrbd_strv_free(snaps);
    return found;
}

/* After @d's backup @name reached the target: the source records it as
 * the target's base, and drops backup snapshots no target needs now */
static void
settle(struct vrbd_bk_run *r, struct vrbd_bk_disk *d)
{
    CLEANUP_FREE char *key = xasprintf(VRBD_BK_BASE_KEY "%s", r->t.canon);
    CLEANUP_STRV char **bases = NULL, **snaps = NULL;
    rbd_snap_info_t *s = NULL;
    int n;

    rbd_snap_set(d->img, NULL);
    if (rbd_metadata_set(d->img, key, r->res->name) < 0)
        vrbd_log(VRBD_LOG_WARN, "cannot record the backup base on '%s'",
                 d->spec.image);
    d->snapped = false;
    bases = base_keys(d->img, &snaps);
    n = vrbd_volume_snap_list(d->img, &s);
    for (int i = 0; i < n; i++) {
        bool needed = strcmp(s[i].name, r->res->name) == 0;

        if (!vrbd_bk_is_name(s[i].name))
            continue;
        for (size_t k = 0; snaps && snaps[k]; k++)
            needed = needed || strcmp(snaps[k], s[i].name) == 0;
        if (!needed)
            rbd_snap_remove(d->img, s[i].name);
    }
    vrbd_volume_snap_list_free(s, n);
}

/* ---- sending */

void
vrbd_bk_progress(struct vrbd_bk_run *r, uint64_t done, uint64_t total)
{
    if (r->o->progress)
        r->o->progress(r->done_before + done, r->done_before + total,
                       r->o->opaque);
}

static void
copy_progress(uint64_t done, uint64_t total, void *opaque)
{
    vrbd_bk_progress(opaque, done, total);
}

/* The record a replica keeps of backup r->res->name of @d */
static int
replica_record(struct vrbd_bk_run *r, struct vrbd_bk_disk *d,
               const vrbd_spec *rs)
{
    CLEANUP_FREE char *src = vrbd_bk_disk_name(d);
    CLEANUP_FREE char *of = NULL, *rec = NULL, *key = NULL, *xkey = NULL;
    CLEANUP_FREE char *owner = NULL;
    rados_ioctx_t io;
    rbd_image_t img;
    int ret;

    if (vrbd_volume_ioctx(r->t.cl, rs->pool, rs->nspace, &io) < 0)
        return -1;
    ret = rbd_open(io, rs->image, &img, NULL);
    if (ret < 0) {
        rados_ioctx_destroy(io);
        return vrbd_cluster_error(r->t.cl, ret, "cannot open '%s'", rs->image);
    }
    of = xasprintf("%s %s", src, vrbd_cluster_fsid(d->cl));
    owner = xasprintf("backup of %s", src);
    rec = vrbd_bk_disk_record(r, d);
    key = xasprintf(VRBD_BK_REC_KEY "%s", r->res->name);
    xkey = xasprintf(VRBD_BK_REC_KEY "%s" VRBD_BK_XML_SUFFIX, r->res->name);
    ret = rbd_metadata_set(img, VRBD_BK_OF_KEY, of);
    if (ret >= 0) /* what 'vol list -l' and 'vol info' show as its owner */
        ret = rbd_metadata_set(img, VRBD_OWNER_KEY, owner);
    if (ret >= 0 && r->xml)
        ret = rbd_metadata_set(img, xkey, r->xml);
    if (ret >= 0) /* last: a backup is listed once all of it is there */
        ret = rbd_metadata_set(img, key, rec);
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (ret < 0)
        return vrbd_cluster_error(
            r->t.cl, ret, "cannot record the backup on '%s'", rs->image);
    return 0;
}

static int
send_cluster(struct vrbd_bk_run *r, struct vrbd_bk_disk *d)
{
    vrbd_copy_opts co = {.version = VRBD_COPY_OPTS_VERSION,
                         .incremental = d->base[0] != '\0',
                         .cancel = r->o->cancel,
                         .progress = copy_progress,
                         .opaque = r};
    vrbd_copy_stats st;
    vrbd_spec src = d->spec, rs;
    int ret;

    src.snap = r->res->name;
    replica_spec(&r->t, d, &rs);
    ret = vrbd_copy_image(d->cl, &src, r->t.cl, &rs, &co, &st);
    if (ret == 0) {
        d->out->sent = st.written;
        d->out->stored = xasprintf("%s/%s", r->t.canon, rs.image);
        ret = replica_record(r, d, &rs);
    }
    return ret;
}

static int
send_one(struct vrbd_bk_run *r, struct vrbd_bk_disk *d)
{
    double t0 = vrbd_now();
    uint64_t size = 0;
    int ret;

    rbd_get_size(d->img, &size);
    d->out->size = size;
    if (d->base[0])
        d->out->from_snap = xstrdup(d->base);
    ret = r->t.dir ? vrbd_bk_dir_send(r, d) : send_cluster(r, d);
    d->out->seconds = vrbd_now() - t0;
    r->done_before += size;
    return ret;
}

/* ---- the run */

static void
run_clear(struct vrbd_bk_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        struct vrbd_bk_disk *d = &r->d[i];

        if (r->res && r->res->name)
            unsnap(d, r->res->name);
        if (d->img)
            rbd_close(d->img);
        if (d->io)
            rados_ioctx_destroy(d->io);
        free(d->spec.pool);
        free(d->spec.nspace);
        free(d->spec.image);
        free(d->replica);
        if (d->lock >= 0)
            close(d->lock);
    }
    free(r->d);
    free(r->xml);
    vrbd_bk_target_clear(&r->t);
}

/* Add image @spec of @cl (borrowed) to @r, open; @dev: its VM target */
static int
add_disk(struct vrbd_bk_run *r, vrbd_cluster *cl, const vrbd_spec *spec,
         const char *dev)
{
    struct vrbd_bk_disk *d;
    vrbd_spec s = *spec;

    r->d = xreallocarray(r->d, r->n + 1, sizeof(*r->d));
    d = &r->d[r->n++];
    memset(d, 0, sizeof(*d));
    d->lock = -1;
    d->cl = cl;
    d->spec.pool = xstrdup(spec->pool);
    d->spec.nspace = spec->nspace ? xstrdup(spec->nspace) : NULL;
    d->spec.image = xstrdup(spec->image);
    r->res->disks = xreallocarray(r->res->disks, r->n, sizeof(*r->res->disks));
    memset(&r->res->disks[r->n - 1], 0, sizeof(*r->res->disks));
    r->res->n_disks = r->n;
    for (size_t i = 0; i < r->n; i++)
        r->d[i].out = &r->res->disks[i];
    d->out->dev = dev ? xstrdup(dev) : NULL;
    d->out->source = vrbd_bk_disk_name(d);
    s.snap = NULL;
    if (vrbd_volume_open(cl, &s, false, &d->io, &d->img) < 0) {
        d->io = NULL;
        d->img = NULL;
        return -1;
    }
    return 0;
}

static bool
cancelled(const struct vrbd_bk_run *r)
{
    return r->o->cancel && *r->o->cancel;
}

/*
 * A cluster target whose pool is full (its quota, or the cluster's OSDs)
 * holds every write until the timeout, which then reads "did not answer".
 * -1 with the error set when it is full; else 0, the error set before
 * (@during: the send's) kept.
 */
static int
target_full(struct vrbd_bk_run *r, bool during)
{
    CLEANUP_FREE char *why = NULL;
    vrbd_error_saved e;

    if (r->t.dir)
        return 0;
    vrbd_error_save(&e);
    why = vrbd_pool_full_reason(r->t.cl, r->t.pool);
    if (!why) {
        vrbd_error_restore(&e, NULL);
        return 0;
    }
    vrbd_error_saved_free(&e);
    return vrbd_error_set(
        VRBD_ERR_IO, EDQUOT,
        "prune backups there ({prog}{vrbd_backup_prune}), raise the quota "
        "(ceph osd pool set-quota) or free space in the pool, then run it "
        "again",
        "target pool '%s' is full, %s: %s", r->t.canon, why,
        during ? "the backup stopped, the earlier ones are whole"
               : "no backup was made");
}

/* Send every disk (open at its new snapshot), settling each that made
 * it.  0, or -1 with the error of the first that failed. */
static int
send_all(struct vrbd_bk_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        struct vrbd_bk_disk *d = &r->d[i];

        if (cancelled(r))
            return vrbd_error_set(VRBD_ERR_IO, EINTR, "run it again",
                                  "backup interrupted");
        if (i == 0)
            vrbd_test_pause("backup-snapped");
        if (rbd_snap_set(d->img, r->res->name) < 0)
            return -1;
        if (send_one(r, d) < 0) {
            if (!cancelled(r))
                target_full(r, true);
            return -1;
        }
        settle(r, d);
        if (i == 0)
            vrbd_test_pause("backup-sent-first");
    }
    return 0;
}

/* The target named, else the one every disk was backed up to last */
static int
default_target(struct vrbd_bk_run *r, char **out)
{
    *out = NULL;
    for (size_t i = 0; i < r->n; i++) {
        CLEANUP_STRV char **t = base_keys(r->d[i].img, NULL);

        for (size_t k = 0; t && t[k]; k++) {
            if (*out && strcmp(*out, t[k]) != 0) {
                free(*out);
                *out = NULL;
                return vrbd_error_set(
                    VRBD_ERR_INVALID, 0, "name one with {to}",
                    "the disks were backed up to more than one target");
            }
            if (!*out)
                *out = xstrdup(t[k]);
        }
    }
    if (!*out)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "name one with {to}: [CLUSTER:]POOL or a "
                              "directory",
                              "no backup target given, and none was used "
                              "before");
    return 0;
}

/* The target reached, each disk's base found */
static int
prepare(struct vrbd_bk_run *r, vrbd_registry *reg)
{
    CLEANUP_FREE char *text = NULL;
    unsigned timeout = r->o->timeout_sec;

    if (!r->o->target && default_target(r, &text) < 0)
        return -1;
    if (vrbd_bk_target_open(reg, r->o->target ? r->o->target : text, timeout,
                            true, &r->t) < 0)
        return -1;
    r->res->target = xstrdup(r->t.canon);
    if (target_full(r, false) < 0)
        return -1;
    for (size_t i = 0; r->t.dir && i < r->n; i++)
        if (vrbd_bk_dir_lock_disk(&r->t, &r->d[i]) < 0)
            return -1;
    for (size_t i = 0; i < r->n; i++)
        if (find_base(r, &r->d[i]) < 0)
            return -1;
    return 0;
}

int
vrbd_backup_image(vrbd_registry *reg, vrbd_cluster *cl, const vrbd_spec *image,
                  const vrbd_backup_opts *opts, vrbd_backup_result *res)
{
    struct vrbd_bk_run r = {.o = opts, .res = res};
    int rc = -1;

    memset(res, 0, sizeof(*res));
    if (vrbd_opts_check(opts, VRBD_BACKUP_OPTS_VERSION, "vrbd_backup_opts") < 0)
        return -1;
    if (add_disk(&r, cl, image, NULL) < 0 || prepare(&r, reg) < 0)
        goto out;
    backup_name(&r);
    res->consistency = VRBD_BACKUP_IMAGE;
    if (snap_all(&r) < 0 || send_all(&r) < 0)
        goto out;
    rc = 0;
out:
    run_clear(&r);
    return rc;
}

/* ---- a VM */

static int
vm_disks(struct vrbd_bk_run *r, vrbd_host *host, vrbd_registry *reg,
         vrbd_disk_clusters *dc)
{
    vrbd_vm_disk *disks = NULL;
    size_t nd = 0;
    char **skipped = NULL;
    size_t ns = 0;
    int rc = -1;

    if (vrbd_vm_disk_list(host, r->domain, &disks, &nd) < 0)
        return -1;
    vrbd_disk_clusters_connect(dc, reg, disks, nd, r->o->timeout_sec);
    for (size_t i = 0; i < nd; i++) {
        vrbd_disk_cluster *c;
        vrbd_spec s = {0};
        int ret;

        if (!disks[i].rbd) {
            if (!r->o->skip_local) {
                vrbd_error_set(
                    VRBD_ERR_INVALID, 0,
                    "move it to RBD ({prog}{vrbd_vm_move_offline}), or "
                    "back up the rest with {skip_local}",
                    "disk %s of domain '%s' is not on RBD (%s)",
                    disks[i].target, r->domain,
                    disks[i].source ? disks[i].source : "no source");
                goto out;
            }
            skipped = xreallocarray(skipped, ns + 2, sizeof(*skipped));
            skipped[ns++] = xasprintf("%s %s", disks[i].target,
                                      disks[i].source ? disks[i].source : "-");
            skipped[ns] = NULL;
            continue;
        }
        if (disks[i].shared)
            continue;
        c = disks[i].fsid ? vrbd_disk_clusters_find(dc, disks[i].fsid) : NULL;
        if (!c || !c->cl) {
            vrbd_error_set(VRBD_ERR_NOT_FOUND, 0,
                           "register its cluster ({prog}{vrbd_registry_add}) "
                           "and check that it answers",
                           "disk %s of domain '%s' (%s) is on a cluster that "
                           "is not registered or did not answer",
                           disks[i].target, r->domain, disks[i].source);
            goto out;
        }
        if (vrbd_spec_parse(disks[i].source, VRBD_SPEC_IMAGE, &s) < 0)
            goto out;
        ret = add_disk(r, c->cl, &s, disks[i].target);
        vrbd_spec_clear(&s);
        if (ret < 0)
            goto out;
    }
    if (!r->n) {
        vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                       "domain '%s' has no RBD disk to back up", r->domain);
        goto out;
    }
    rc = 0;
out:
    r->res->skipped = skipped;
    vrbd_vm_disk_list_free(disks, nd);
    return rc;
}

/* The agent's answer to a freeze, as the reason the VM was paused */
static char *
freeze_refused(void)
{
    const char *m = virGetLastErrorMessage();
    char *why = xstrdup(m && *m ? m : "the guest agent did not answer");

    virResetLastError();
    return why;
}

/* The agent's thaw, tried three times: a guest left frozen must be known */
static int
thaw(struct vrbd_bk_run *r, virDomainPtr dom)
{
    for (int tries = 0; virDomainFSThaw(dom, NULL, 0, 0) < 0; tries++)
        if (tries == 2)
            return vrbd_error_libvirt("thaw them: virsh domfsthaw DOMAIN",
                                      "the guest agent of '%s' did not thaw "
                                      "its filesystems",
                                      r->domain);
    return 0;
}

/*
 * The guest agent's freeze, bounded by the run's timeout: libvirt's
 * default is to wait for its answer for ever, so no freeze is tried when
 * the timeout cannot be set.  A freeze that got no answer may still go
 * through: it is thawed, as libvirt's own snapshots do, and when the
 * agent does not answer that either (dead, or still busy with the
 * freeze) a warning says how to thaw by hand.  Returns the filesystems
 * frozen, or -1 with the reason in r->res->why (pause instead).
 */
static int
freeze(struct vrbd_bk_run *r, virDomainPtr dom)
{
    int wait = r->o->timeout_sec ? (int)r->o->timeout_sec : 30;
    virErrorPtr e;
    double t0 = vrbd_now();
    int frozen;
    bool unanswered;

    if (virDomainAgentSetResponseTimeout(dom, wait, 0) < 0) {
        r->res->why = freeze_refused();
        return -1;
    }
    frozen = virDomainFSFreeze(dom, NULL, 0, 0);
    if (frozen < 0) {
        e = virGetLastError();
        /* an agent that is not connected fails at once, with the same
         * code: nothing reached the guest then */
        unanswered =
            e && e->code == VIR_ERR_AGENT_UNRESPONSIVE && vrbd_now() - t0 >= 1;
        r->res->why = freeze_refused();
        if (unanswered && virDomainFSThaw(dom, NULL, 0, 0) < 0) {
            vrbd_warn("the guest agent of '%s' did not answer a thaw "
                      "either: if its filesystems are frozen, thaw them "
                      "(virsh domfsthaw %s)",
                      r->domain, r->domain);
            virResetLastError();
        }
    } else if (frozen == 0) { /* nothing frozen: no better than nothing */
        if (virDomainFSThaw(dom, NULL, 0, 0) < 0)
            virResetLastError();
        r->res->why = xstrdup("the guest agent froze no filesystem");
    }
    return frozen;
}

/* libvirt's default agent timeout (block) again: it cannot tell the old */
static void
agent_timeout_reset(virDomainPtr dom)
{
    if (virDomainAgentSetResponseTimeout(
            dom, VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK, 0) < 0)
        virResetLastError();
}

/*
 * Every disk's snapshot at one instant: with the guest's filesystems
 * frozen by its agent, else with the VM paused (its writes stop; the
 * snapshots are crash-consistent together); a VM not running needs
 * neither.  The VM runs again whatever happened.
 */
static int
snap_vm(struct vrbd_bk_run *r, virDomainPtr dom)
{
    virDomainInfo info;
    double t0;
    int rc, frozen;

    if (virDomainGetInfo(dom, &info) < 0)
        return vrbd_error_libvirt(NULL, "cannot read domain '%s'", r->domain);
    if (info.state == VIR_DOMAIN_SHUTOFF) {
        r->res->consistency = VRBD_BACKUP_STOPPED;
        return snap_all(r);
    }
    t0 = vrbd_now();
    frozen = info.state != VIR_DOMAIN_PAUSED ? freeze(r, dom) : -1;
    if (frozen > 0) {
        r->res->consistency = VRBD_BACKUP_FROZEN;
        rc = snap_all(r);
        if (thaw(r, dom) < 0)
            rc = -1;
        agent_timeout_reset(dom);
        r->res->paused_sec = vrbd_now() - t0;
        return rc;
    }
    if (info.state != VIR_DOMAIN_PAUSED)
        agent_timeout_reset(dom);
    r->res->consistency = VRBD_BACKUP_PAUSED;
    if (info.state == VIR_DOMAIN_PAUSED) {
        r->res->why = xstrdup("the VM was paused already");
        return snap_all(r);
    }
    t0 = vrbd_now(); /* paused from here: the freeze's wait does not count */
    if (virDomainSuspend(dom) < 0)
        return vrbd_error_libvirt(NULL, "cannot pause domain '%s'", r->domain);
    rc = snap_all(r);
    if (virDomainResume(dom) < 0) {
        vrbd_error_libvirt("resume it: virsh resume DOMAIN",
                           "domain '%s' stayed paused after its snapshots",
                           r->domain);
        rc = -1;
    }
    r->res->paused_sec = vrbd_now() - t0;
    return rc;
}

int
vrbd_backup_vm(vrbd_host *host, vrbd_registry *reg, const char *domain,
               const vrbd_backup_opts *opts, vrbd_backup_result *res)
{
    struct vrbd_bk_run r = {.o = opts, .res = res, .domain = domain};
    vrbd_disk_clusters dc = {0};
    virDomainPtr dom = NULL;
    int rc = -1;

    memset(res, 0, sizeof(*res));
    if (vrbd_opts_check(opts, VRBD_BACKUP_OPTS_VERSION, "vrbd_backup_opts") < 0)
        return -1;
    dom = virDomainLookupByName(vrbd_host_conn(host), domain);
    if (!dom)
        return vrbd_error_libvirt("see 'virsh list --all'", "no domain '%s'",
                                  domain);
    r.xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    if (!r.xml) {
        vrbd_error_libvirt(NULL, "cannot read domain '%s'", domain);
        goto out;
    }
    if (vm_disks(&r, host, reg, &dc) < 0 || prepare(&r, reg) < 0)
        goto out;
    backup_name(&r);
    if (snap_vm(&r, dom) < 0)
        goto out;
    if (r.t.dir)
        vrbd_bk_dir_keep_xml(&r);
    if (send_all(&r) < 0) {
        if (r.t.dir) /* no complete backup to go with */
            vrbd_bk_dir_drop_xml(&r);
        goto out;
    }
    rc = 0;
out:
    run_clear(&r);
    vrbd_disk_clusters_clear(&dc);
    virDomainFree(dom);
    return rc;
}

/* ---- listing */

struct lister {
    vrbd_backup_entry *e;
    size_t n;
    const char *domain; /* only these, or NULL */
    const char *source;
};

/* The backups a replica image @name of @io holds */
static void
list_replica(struct lister *l, const struct vrbd_bk_target *t, rados_ioctx_t io,
             const char *name)
{
    CLEANUP_FREE char *of = NULL;
    rbd_snap_info_t *s = NULL;
    rbd_image_t img;
    int n;

    if (rbd_open_read_only(io, name, &img, NULL) < 0)
        return;
    of = vrbd_image_meta(img, VRBD_BK_OF_KEY);
    if (of)
        of[strcspn(of, " ")] = '\0';
    if (!of || (l->source && strcmp(of, l->source) != 0)) {
        rbd_close(img);
        return;
    }
    n = vrbd_volume_snap_list(img, &s);
    for (int i = 0; i < n; i++) {
        CLEANUP_FREE char *key = xasprintf(VRBD_BK_REC_KEY "%s", s[i].name);
        CLEANUP_FREE char *rec = vrbd_image_meta(img, key);
        vrbd_backup_entry e = {0};

        if (!rec || vrbd_bk_record_parse(rec, &e) < 0 ||
            (l->domain && (!e.domain || strcmp(e.domain, l->domain) != 0))) {
            vrbd_bk_entry_clear(&e);
            continue;
        }
        e.name = xstrdup(s[i].name);
        e.source = xstrdup(of);
        e.stored = xasprintf("%s/%s@%s", t->canon, name, s[i].name);
        l->e = xreallocarray(l->e, l->n + 1, sizeof(*l->e));
        l->e[l->n++] = e;
    }
    vrbd_volume_snap_list_free(s, n);
    rbd_close(img);
}

static int
list_cluster(struct lister *l, const struct vrbd_bk_target *t)
{
    rados_ioctx_t io;
    rbd_image_spec_t *imgs = NULL;
    size_t n = 64;
    int ret;

    if (vrbd_volume_ioctx(t->cl, t->pool, t->nspace, &io) < 0)
        return -1;
    for (;;) {
        imgs = xreallocarray(imgs, n, sizeof(*imgs));
        ret = rbd_list2(io, imgs, &n);
        if (ret != -ERANGE)
            break;
    }
    if (ret < 0) {
        free(imgs);
        rados_ioctx_destroy(io);
        return vrbd_cluster_error(t->cl, ret, "cannot list the images of %s",
                                  t->canon);
    }
    for (size_t i = 0; i < n; i++)
        if (strncmp(imgs[i].name, "bk.", 3) == 0)
            list_replica(l, t, io, imgs[i].name);
    rbd_image_spec_list_cleanup(imgs, n);
    free(imgs);
    rados_ioctx_destroy(io);
    return 0;
}

static int
by_time(const void *a, const void *b)
{
    const vrbd_backup_entry *x = a, *y = b;

    if (x->when != y->when)
        return x->when < y->when ? -1 : 1;
    return strcmp(x->source, y->source);
}

char **
vrbd_bk_targets_of(vrbd_host *host, vrbd_registry *reg, const char *name,
                   unsigned timeout)
{
    struct vrbd_bk_run r = {0};
    vrbd_backup_opts o = {.version = VRBD_BACKUP_OPTS_VERSION,
                          .skip_local = true,
                          .timeout_sec = timeout};
    vrbd_backup_result res = {0};
    vrbd_disk_clusters dc = {0};
    vrbd_cluster *cl = NULL;
    vrbd_spec s = {0};
    char **out = NULL;
    size_t n = 0;
    int ret;

    r.o = &o;
    r.res = &res;
    if (strchr(name, '/')) { /* an image */
        ret = vrbd_spec_parse(name, VRBD_SPEC_IMAGE, &s);
        if (ret == 0)
            ret = vrbd_registry_connect(reg, s.cluster, timeout, &cl);
        if (ret == 0)
            ret = add_disk(&r, cl, &s, NULL);
        vrbd_spec_clear(&s);
    } else if (!host) {
        vrbd_error_set(VRBD_ERR_INVALID, 0, "name the target with {from}",
                       "no libvirt connection to find domain '%s'", name);
        return NULL;
    } else {
        r.domain = name;
        ret = vm_disks(&r, host, reg, &dc);
    }
    for (size_t i = 0; ret == 0 && i < r.n; i++) {
        CLEANUP_STRV char **t = base_keys(r.d[i].img, NULL);

        for (size_t k = 0; t && t[k]; k++) {
            bool dup = false;

            for (size_t j = 0; j < n; j++)
                dup = dup || strcmp(out[j], t[k]) == 0;
            if (dup)
                continue;
            out = xreallocarray(out, n + 2, sizeof(*out));
            out[n++] = xstrdup(t[k]);
            out[n] = NULL;
        }
    }
    run_clear(&r);
    vrbd_cluster_free(cl);
    vrbd_disk_clusters_clear(&dc);
    vrbd_backup_result_clear(&res);
    if (ret < 0) {
        vrbd_error_saved saved;

        vrbd_error_save(&saved);
        vrbd_error_restore(&saved, "name the backup target with {from}");
        vrbd_strv_free(out);
        return NULL;
    }
    if (!out)
        vrbd_error_set(VRBD_ERR_NOT_FOUND, 0, "name the target with {from}",
                       "'%s' has no backup recorded on its disks", name);
    return out;
}

static int
list_target(struct lister *l, vrbd_registry *reg, const char *text,
            unsigned timeout)
{
    struct vrbd_bk_target t;
    int rc;

    if (vrbd_bk_target_open(reg, text, timeout, false, &t) < 0) {
        vrbd_bk_target_clear(&t);
        return -1;
    }
    rc = t.dir ? vrbd_bk_dir_list(&t, l->domain, l->source, &l->e, &l->n)
               : list_cluster(l, &t);
    vrbd_bk_target_clear(&t);
    return rc;
}

int
vrbd_backup_list(vrbd_host *host, vrbd_registry *reg, const char *target,
                 const char *name, unsigned timeout_sec,
                 vrbd_backup_entry **out, size_t *n)
{
    struct lister l = {0};
    CLEANUP_STRV char **targets = NULL;
    CLEANUP_FREE char *source = NULL;
    vrbd_spec s = {0};
    int rc = 0;

    *out = NULL;
    *n = 0;
    if (name && strchr(name, '/')) { /* an image */
        vrbd_cluster_entry ce = {0};

        if (vrbd_spec_parse(name, VRBD_SPEC_IMAGE, &s) < 0 ||
            vrbd_registry_get(reg, s.cluster, &ce) < 0) {
            vrbd_spec_clear(&s);
            return -1;
        }
        source = xasprintf("%s:%s", ce.name,
                           strchr(name, ':') ? strchr(name, ':') + 1 : name);
        l.source = source;
        vrbd_cluster_entry_clear(&ce);
        vrbd_spec_clear(&s);
    } else {
        l.domain = name;
    }
    if (!target) {
        if (!name)
            return vrbd_error_set(VRBD_ERR_INVALID, 0,
                                  "name the target with {from}",
                                  "which target? give a domain, or {from}");
        targets = vrbd_bk_targets_of(host, reg, name, timeout_sec);
        if (!targets)
            return -1;
    }
    for (size_t i = 0; rc == 0 && (target ? i < 1 : targets[i] != NULL); i++)
        rc = list_target(&l, reg, target ? target : targets[i], timeout_sec);
    if (rc < 0) {
        vrbd_backup_entry_list_free(l.e, l.n);
        return -1;
    }
    if (l.n)
        qsort(l.e, l.n, sizeof(*l.e), by_time);
    *out = l.e;
    *n = l.n;
    return 0;
}
