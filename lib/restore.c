/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * restore.c: a domain or an image back as it was at one of its backups
 * (backup.c).  Everything is checked first (the names are free, the
 * backup's files are there); each image is written under a temporary
 * name and renamed when complete; a domain is defined last, from the
 * definition kept with the backup.  A failure removes what it made.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "backup-file.h"
#include "backup-internal.h"
#include "host-internal.h"
#include "internal.h"
#include "virt.h"
#include "volume-internal.h"
#include "xml-util.h"

#define RESTORE_PREFIX ".virt-rbd-restore."
#define DEPTH 8

void
vrbd_restore_result_clear(vrbd_restore_result *r)
{
    if (!r)
        return;
    free(r->backup);
    free(r->domain);
    vrbd_strv_free(r->images);
    memset(r, 0, sizeof(*r));
}

/* One image to restore */
struct rs_disk {
    const vrbd_backup_entry *e; /* its backup */
    vrbd_cluster *cl;           /* where it goes (borrowed from rs.conns) */
    vrbd_spec dst;
    char *shown; /* "CLUSTER:POOL/IMAGE" */
    bool made;
};

struct rs {
    const vrbd_restore_opts *o;
    vrbd_restore_result *res;
    vrbd_registry *reg;
    vrbd_host *host;
    const char *domain; /* or NULL: an image */
    struct vrbd_bk_target t;
    vrbd_backup_entry *all; /* every backup on the target: the chains */
    size_t n_all;
    vrbd_backup_entry *sel; /* those of the domain or image restored */
    size_t n_sel;
    const char *backup;
    struct rs_disk *d;
    size_t n;
    vrbd_cluster **conns;
    size_t n_conns;
    uint64_t done_before, total;
};

static void
rs_clear(struct rs *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->d[i].dst.cluster);
        free(r->d[i].dst.pool);
        free(r->d[i].dst.nspace);
        free(r->d[i].dst.image);
        free(r->d[i].shown);
    }
    free(r->d);
    for (size_t i = 0; i < r->n_conns; i++)
        vrbd_cluster_free(r->conns[i]);
    free(r->conns);
    vrbd_backup_entry_list_free(r->all, r->n_all);
    vrbd_backup_entry_list_free(r->sel, r->n_sel);
    vrbd_bk_target_clear(&r->t);
}

/* A connection to registered cluster @name (NULL: the default), made once */
static vrbd_cluster *
conn(struct rs *r, const char *name)
{
    vrbd_cluster_entry e = {0};
    vrbd_cluster *cl = NULL;

    if (vrbd_registry_get(r->reg, name, &e) < 0)
        return NULL;
    for (size_t i = 0; i < r->n_conns && !cl; i++)
        if (strcmp(vrbd_cluster_name(r->conns[i]), e.name) == 0)
            cl = r->conns[i];
    if (!cl &&
        vrbd_registry_connect(r->reg, e.name, r->o->timeout_sec, &cl) == 0) {
        r->conns = xreallocarray(r->conns, r->n_conns + 1, sizeof(*r->conns));
        r->conns[r->n_conns++] = cl;
    }
    vrbd_cluster_entry_clear(&e);
    return cl;
}

/* ---- which backup */

/* @text as a UTC time: "YYYY-MM-DD", with "THH:MM" or "THH:MM:SS", and
 * "Z" or not; the end of that day, minute or second.  -1 when it is none */
static int64_t
parse_when(const char *text)
{
    static const struct {
        const char *fmt;
        int64_t span;
    } forms[] = {
        {"%Y-%m-%dT%H:%M:%S", 1}, {"%Y-%m-%dT%H:%M", 60}, {"%Y-%m-%d", 86400}};

    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        struct tm tm = {0};
        const char *end = strptime(text, forms[i].fmt, &tm);

        if (end && (!*end || (end[0] == 'Z' && !end[1])))
            return (int64_t)timegm(&tm) + forms[i].span - 1;
    }
    return -1;
}

/* How many disks backup @name has among r->sel, in *@have, and how many
 * its VM had (0: not recorded, or one image's) */
static unsigned
disks_of(const struct rs *r, const char *name, unsigned *have)
{
    unsigned want = 0;

    *have = 0;
    for (size_t i = 0; i < r->n_sel; i++)
        if (strcmp(r->sel[i].name, name) == 0) {
            (*have)++;
            want = r->sel[i].disks > want ? r->sel[i].disks : want;
        }
    return want;
}

/* Whether backup @name took every disk of its VM (one stopped midway
 * sent some only: never restored) */
static bool
complete(const struct rs *r, const char *name)
{
    unsigned have, want = disks_of(r, name, &have);

    return !r->domain || want == 0 || have >= want;
}

/* r->backup: the one asked for (by name, or the newest complete one at or
 * before a time), or the newest complete one of r->sel */
static int
choose(struct rs *r, const char *name)
{
    int64_t until = INT64_MAX;
    bool by_name = false;

    if (!r->n_sel)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                              "see {prog}{vrbd_backup_list}",
                              "no backup of '%s' on %s", name, r->t.canon);
    if (r->o->backup &&
        strncmp(r->o->backup, VRBD_BK_PREFIX, strlen(VRBD_BK_PREFIX)) == 0) {
        by_name = true;
    } else if (r->o->backup) {
        until = parse_when(r->o->backup);
        if (until < 0)
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0,
                "give a backup's name (bk-...) or a UTC time, "
                "2026-12-07T08:15 or 2026-12-07",
                "'%s' is neither a backup nor a time", r->o->backup);
    }
    for (size_t i = r->n_sel; i-- > 0;) {
        const vrbd_backup_entry *e = &r->sel[i];
        unsigned have, want;

        if (by_name ? strcmp(e->name, r->o->backup) != 0 : e->when > until)
            continue;
        if (complete(r, e->name)) {
            r->backup = e->name;
            return 0;
        }
        if (!by_name)
            continue;
        want = disks_of(r, e->name, &have);
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                              "restore an older one (see "
                              "{prog}{vrbd_backup_list})",
                              "backup '%s' of '%s' is incomplete: %u of its "
                              "%u disks (it was stopped midway)",
                              e->name, name, have, want);
    }
    return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                          "see {prog}{vrbd_backup_list}",
                          !r->o->backup ? "'%s' has no complete backup%s on %s"
                          : by_name     ? "'%s' has no backup '%s' on %s"
                                        : "'%s' has no backup at or before "
                                          "%s on %s",
                          name, r->o->backup ? r->o->backup : "", r->t.canon);
}

/* The entry of @source's backup @snap among r->all, or NULL */
static const vrbd_backup_entry *
entry_of(const struct rs *r, const char *source, const char *snap)
{
    for (size_t i = 0; i < r->n_all; i++)
        if (strcmp(r->all[i].source, source) == 0 &&
            strcmp(r->all[i].name, snap) == 0)
            return &r->all[i];
    return NULL;
}

/* A directory target: every file from @e back to its full backup is
 * there.  0, or -1 naming the first missing. */
static int
check_chain(const struct rs *r, const vrbd_backup_entry *e)
{
    for (unsigned hops = 0; e; hops++) {
        if (access(e->stored, R_OK) < 0)
            return vrbd_error_set(VRBD_ERR_NOT_FOUND, errno,
                                  "restore an older backup (see "
                                  "{prog}{vrbd_backup_list}), or check them "
                                  "all with {prog}{vrbd_backup_verify}",
                                  "backup file '%s' of %s: %s", e->stored,
                                  e->source, strerror(errno));
        if (!e->from_snap)
            return 0;
        if (hops > 100000 || !entry_of(r, e->source, e->from_snap))
            return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                                  "see {prog}{vrbd_backup_verify}",
                                  "backup '%s' of %s needs '%s', which is "
                                  "not in %s",
                                  e->name, e->source, e->from_snap, r->t.canon);
        e = entry_of(r, e->source, e->from_snap);
    }
    return 0;
}

/* ---- where each image goes */

/* The image name of @e's restore */
static char *
dst_image(const struct rs *r, const vrbd_backup_entry *e, const vrbd_spec *src)
{
    if (!r->o->as)
        return xstrdup(src->image);
    if (r->domain)
        return xasprintf("%s-%s", r->o->as, e->dev ? e->dev : src->image);
    return xstrdup(r->o->as);
}

static int
exists_refused(struct rs_disk *d)
{
    rados_ioctx_t io;
    rbd_image_t img;
    int ret;

    if (vrbd_volume_ioctx(d->cl, d->dst.pool, d->dst.nspace, &io) < 0)
        return -1;
    ret = rbd_open_read_only(io, d->dst.image, &img, NULL);
    if (ret == 0)
        rbd_close(img);
    rados_ioctx_destroy(io);
    if (ret == 0)
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "restore under another name ({as}), or "
                              "elsewhere ({to})",
                              "image %s exists already", d->shown);
    if (ret != -ENOENT)
        return vrbd_cluster_error(d->cl, ret, "cannot check whether %s exists",
                                  d->shown);
    return 0;
}

/* r->d: each image of backup r->backup, where it goes, checked */
static int
plan(struct rs *r)
{
    vrbd_spec to = {0};
    int rc = -1;

    if (r->o->to && vrbd_spec_parse(r->o->to, VRBD_SPEC_POOL, &to) < 0)
        return -1;
    for (size_t i = 0; i < r->n_sel; i++) {
        const vrbd_backup_entry *e = &r->sel[i];
        struct rs_disk *d;
        vrbd_spec src = {0};

        if (strcmp(e->name, r->backup) != 0)
            continue;
        if (vrbd_spec_parse(e->source, VRBD_SPEC_IMAGE, &src) < 0)
            goto out;
        r->d = xreallocarray(r->d, r->n + 1, sizeof(*r->d));
        d = &r->d[r->n++];
        memset(d, 0, sizeof(*d));
        d->e = e;
        d->cl = conn(r, r->o->to ? to.cluster : src.cluster);
        d->dst.pool = xstrdup(r->o->to ? to.pool : src.pool);
        d->dst.nspace = r->o->to ? (to.nspace ? xstrdup(to.nspace) : NULL)
                                 : (src.nspace ? xstrdup(src.nspace) : NULL);
        d->dst.image = dst_image(r, e, &src);
        vrbd_spec_clear(&src);
        if (!d->cl)
            goto out;
        {
            CLEANUP_FREE char *v = vrbd_volume_name(&d->dst);

            d->shown = xasprintf("%s:%s", vrbd_cluster_name(d->cl), v);
        }
        if (vrbd_volume_new_name_check(&d->dst) < 0 || exists_refused(d) < 0 ||
            (r->t.dir && check_chain(r, e) < 0))
            goto out;
        r->total += e->size;
    }
    rc = 0;
out:
    vrbd_spec_clear(&to);
    return rc;
}

/* ---- a directory target: the files applied in order */

struct wslot {
    char *buf;
    rbd_completion_t c;
    uint64_t len;
};

static int
wait_slot(struct wslot *s)
{
    ssize_t ret;

    if (!s->c)
        return 0;
    rbd_aio_wait_for_complete(s->c);
    ret = rbd_aio_get_return_value(s->c);
    rbd_aio_release(s->c);
    s->c = NULL;
    return ret < 0 ? (int)ret : 0;
}

static int
write_record(rbd_image_t img, const vrbd_bfile_rec *rec, struct wslot *s)
{
    int ret;

    if (rec->kind == 'Z')
        return rbd_write_zeroes(img, rec->offset, rec->length, 0, 0) < 0 ? -EIO
                                                                         : 0;
    memcpy(s->buf, rec->data, rec->length);
    s->len = rec->length;
    ret = rbd_aio_create_completion(NULL, NULL, &s->c);
    if (ret < 0)
        return ret;
    ret = rbd_aio_write(img, rec->offset, rec->length, s->buf, s->c);
    if (ret < 0) {
        rbd_aio_release(s->c);
        s->c = NULL;
    }
    return ret;
}

/* The records of the open reader @rd onto @img; 0, -1 with the reader's
 * error, or a negative errno */
static int
apply_records(struct rs *r, vrbd_bfile_reader *rd, rbd_image_t img)
{
    struct wslot s[DEPTH] = {{0}};
    size_t next = 0;
    uint64_t done = 0;
    int ret = 0, got;
    vrbd_bfile_rec rec;

    for (size_t k = 0; k < DEPTH; k++)
        s[k].buf = xmalloc(VRBD_BFILE_MAX_RECORD);
    while (ret == 0 && (got = vrbd_bfile_next(rd, &rec)) != 0) {
        struct wslot *w = &s[next++ % DEPTH];

        if (got < 0) {
            ret = -1;
            break;
        }
        if (r->o->cancel && *r->o->cancel)
            ret = -EINTR;
        if (ret == 0)
            ret = wait_slot(w);
        if (ret == 0)
            ret = write_record(img, &rec, w);
        done += rec.length;
        if (r->o->progress && rec.kind == 'D')
            r->o->progress(r->done_before + done, r->total, r->o->opaque);
    }
    for (size_t k = 0; k < DEPTH; k++) {
        int w = wait_slot(&s[k]);

        ret = ret ? ret : w;
        free(s[k].buf);
    }
    return ret;
}

/* Apply backup file @e->stored (its header checked against @e) to @img */
static int
apply_file(struct rs *r, const vrbd_backup_entry *e, rbd_image_t img,
           struct rs_disk *d)
{
    CLEANUP_CLOSE int fd = open(e->stored, O_RDONLY | O_CLOEXEC);
    vrbd_bfile_reader *rd = NULL;
    const vrbd_bfile_header *h;
    int ret;

    if (fd < 0)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, errno, NULL,
                              "cannot open backup file '%s': %s", e->stored,
                              strerror(errno));
    if (vrbd_bfile_open(fd, e->stored, &rd) < 0)
        return -1;
    h = vrbd_bfile_header_of(rd);
    if (strcmp(h->to_snap, e->name) != 0 ||
        strcmp(h->from_snap, e->from_snap ? e->from_snap : "") != 0) {
        vrbd_bfile_close(rd);
        return vrbd_error_set(VRBD_ERR_IO, 0, NULL,
                              "backup file '%s' holds '%s' to '%s', not the "
                              "index's '%s' to '%s'",
                              e->stored, h->from_snap, h->to_snap,
                              e->from_snap ? e->from_snap : "", e->name);
    }
    ret = rbd_resize(img, h->image_size);
    if (ret == 0)
        ret = apply_records(r, rd, img);
    vrbd_bfile_close(rd);
    if (ret == -EINTR)
        return vrbd_error_set(VRBD_ERR_IO, EINTR, "run it again",
                              "restore interrupted");
    if (ret < 0 && ret != -1)
        return vrbd_cluster_error(d->cl, ret, "cannot write the restore of %s",
                                  d->shown);
    return ret;
}

/* The chain of @e, full first: @e's ancestors in *@out (free()) */
static size_t
chain_of(const struct rs *r, const vrbd_backup_entry *e,
         const vrbd_backup_entry ***out)
{
    size_t n = 0;

    *out = NULL;
    for (; e; e = e->from_snap ? entry_of(r, e->source, e->from_snap) : NULL) {
        *out = xreallocarray(*out, n + 1, sizeof(**out));
        (*out)[n++] = e;
    }
    for (size_t i = 0; i < n / 2; i++) {
        const vrbd_backup_entry *t = (*out)[i];

        (*out)[i] = (*out)[n - 1 - i];
        (*out)[n - 1 - i] = t;
    }
    return n;
}

static int
restore_dir(struct rs *r, struct rs_disk *d)
{
    vrbd_volume_create_opts co = {.version = VRBD_VOLUME_CREATE_OPTS_VERSION,
                                  .size = d->e->size};
    CLEANUP_FREE const vrbd_backup_entry **chain = NULL;
    CLEANUP_FREE char *tmp =
        xasprintf(RESTORE_PREFIX "%s.%d", d->dst.image, (int)getpid());
    vrbd_spec ts = d->dst;
    size_t n = chain_of(r, d->e, &chain);
    rados_ioctx_t io;
    rbd_image_t img;
    int ret = -1;

    ts.image = tmp;
    if (vrbd_volume_make(d->cl, &ts, &co) < 0)
        return -1;
    if (vrbd_volume_ioctx(d->cl, d->dst.pool, d->dst.nspace, &io) < 0)
        return -1;
    ret = rbd_open(io, tmp, &img, NULL);
    if (ret < 0) {
        vrbd_error_saved saved;

        vrbd_cluster_error(d->cl, ret, "cannot open '%s'", tmp);
        vrbd_error_save(&saved);
        vrbd_remove_bounded(d->cl, io, tmp, NULL); /* takes io */
        vrbd_error_restore(&saved, NULL);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if ((ret = apply_file(r, chain[i], img, d)) < 0)
            break;
        if (i == 0 && n > 1)
            vrbd_test_pause("restore-after-full");
    }
    if (ret == 0)
        ret = rbd_flush(img) < 0 ? -1 : 0;
    rbd_close(img);
    if (ret == 0 && (ret = rbd_rename(io, tmp, d->dst.image)) < 0)
        vrbd_cluster_error(d->cl, ret, "cannot rename '%s' to %s", tmp,
                           d->shown);
    if (ret < 0) {
        vrbd_error_saved saved;

        vrbd_error_save(&saved);
        vrbd_remove_bounded(d->cl, io, tmp, NULL);
        vrbd_error_restore(&saved, NULL);
        return -1;
    }
    rados_ioctx_destroy(io);
    d->made = true;
    return 0;
}

/* ---- a cluster target: a copy of the replica's snapshot */

static void
copy_progress(uint64_t done, uint64_t total, void *opaque)
{
    struct rs *r = opaque;

    (void)total;
    if (r->o->progress)
        r->o->progress(r->done_before + done, r->total, r->o->opaque);
}

static int
clone_instant(struct rs *r, struct rs_disk *d, const vrbd_spec *src)
{
    rados_ioctx_t pio, cio;
    rbd_image_options_t opts;
    int ret;

    if (strcmp(vrbd_cluster_fsid(d->cl), vrbd_cluster_fsid(r->t.cl)) != 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "give {to} a pool of the backup's cluster, or "
                              "restore without {instant}",
                              "an instant restore is a clone: %s is not on "
                              "the backup's cluster",
                              d->shown);
    if (vrbd_volume_ioctx(r->t.cl, src->pool, src->nspace, &pio) < 0)
        return -1;
    if (vrbd_volume_ioctx(d->cl, d->dst.pool, d->dst.nspace, &cio) < 0) {
        rados_ioctx_destroy(pio);
        return -1;
    }
    rbd_image_options_create(&opts);
    rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_CLONE_FORMAT, 2);
    ret = rbd_clone3(pio, src->image, src->snap, cio, d->dst.image, opts);
    rbd_image_options_destroy(opts);
    rados_ioctx_destroy(pio);
    rados_ioctx_destroy(cio);
    if (ret < 0)
        return vrbd_cluster_error(d->cl, ret, "cannot clone %s from '%s@%s'",
                                  d->shown, src->image, src->snap);
    d->made = true;
    return 0;
}

static int
restore_cluster(struct rs *r, struct rs_disk *d)
{
    vrbd_copy_opts co = {.version = VRBD_COPY_OPTS_VERSION,
                         .cancel = r->o->cancel,
                         .progress = copy_progress,
                         .opaque = r};
    vrbd_copy_stats st;
    vrbd_spec src;
    rados_ioctx_t io;
    rbd_image_t img;
    int ret;

    vrbd_bk_replica_of(&r->t, d->e, &src);
    if (r->o->instant) {
        ret = clone_instant(r, d, &src);
        free(src.image);
        return ret;
    }
    ret = vrbd_copy_image(r->t.cl, &src, d->cl, &d->dst, &co, &st);
    free(src.image);
    if (ret < 0)
        return -1;
    d->made = true;
    /* the copy made the backup's snapshot on it: not a backup here */
    if (vrbd_volume_open(d->cl, &d->dst, false, &io, &img) == 0) {
        rbd_snap_remove(img, d->e->name);
        rbd_close(img);
        rados_ioctx_destroy(io);
    }
    vrbd_error_clear();
    return 0;
}

/* ---- the domain */

/* Remove every child @name of @parent */
static void
drop_children(xmlNodePtr parent, const char *name)
{
    xmlNodePtr c;

    while ((c = vrbd_xml_child(parent, name))) {
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
}

/* The restored disk of target @dev, or NULL */
static struct rs_disk *
disk_of(struct rs *r, const char *dev)
{
    for (size_t i = 0; dev && i < r->n; i++)
        if (r->d[i].e->dev && strcmp(r->d[i].e->dev, dev) == 0)
            return &r->d[i];
    return NULL;
}

/* Each <disk> of @devices on a restored image, the others kept (or, for
 * a new domain, dropped) */
static int
rewrite_disks(struct rs *r, xmlDocPtr doc, xmlNodePtr devices)
{
    xmlNodePtr next;

    for (xmlNodePtr c = devices->children; c; c = next) {
        CLEANUP_FREE char *dev = NULL;
        struct vrbd_rbd_access a = {0};
        struct rs_disk *d;
        xmlNodePtr nn;

        next = c->next;
        if (c->type != XML_ELEMENT_NODE ||
            xmlStrcmp(c->name, BAD_CAST "disk") != 0)
            continue;
        dev = vrbd_xml_prop(vrbd_xml_child(c, "target"), "dev");
        d = disk_of(r, dev);
        if (!d) {
            if (r->o->as && !vrbd_xml_child(c, "readonly") &&
                !vrbd_xml_child(c, "shareable")) {
                xmlUnlinkNode(c);
                xmlFreeNode(c);
            }
            continue;
        }
        if (vrbd_rbd_access_get(r->host, d->cl, d->dst.pool, &a) < 0)
            return -1;
        nn = vrbd_rbd_disk_node(doc, c, &d->dst, dev,
                                (const char *const *)a.hosts, a.n_hosts, a.user,
                                a.uuid);
        vrbd_rbd_access_clear(&a);
        if (!nn)
            return -1;
        xmlReplaceNode(c, nn);
        xmlFreeNode(c);
    }
    return 0;
}

/* The definition kept with the backup */
static char *
kept_xml(struct rs *r)
{
    const vrbd_backup_entry *e = r->d[0].e;
    char *xml = NULL;

    if (r->t.dir) {
        CLEANUP_FREE char *path =
            xasprintf("%s/domains/%s/%s.xml", r->t.canon, r->domain, r->backup);
        size_t len;

        xml = vrbd_file_slurp(path, &len);
        if (!xml)
            vrbd_error_set(VRBD_ERR_NOT_FOUND, errno, NULL,
                           "cannot read the definition kept with the "
                           "backup, '%s': %s",
                           path, strerror(errno));
    } else {
        CLEANUP_FREE char *key =
            xasprintf(VRBD_BK_REC_KEY "%s" VRBD_BK_XML_SUFFIX, r->backup);
        vrbd_spec s;
        rados_ioctx_t io;
        rbd_image_t img;

        vrbd_bk_replica_of(&r->t, e, &s);
        s.snap = NULL;
        if (vrbd_volume_open(r->t.cl, &s, true, &io, &img) == 0) {
            xml = vrbd_image_meta(img, key);
            rbd_close(img);
            rados_ioctx_destroy(io);
            if (!xml)
                vrbd_error_set(VRBD_ERR_NOT_FOUND, 0, NULL,
                               "'%s' keeps no definition of '%s'", s.image,
                               r->domain);
        }
        free(s.image);
    }
    return xml;
}

/* @path for a copy named @as of domain @old: @old in its file name
 * replaced by @as, else ".@as" added; free() */
static char *
copy_path(const char *path, const char *old, const char *as)
{
    const char *base = strrchr(path, '/');
    const char *at;

    base = base ? base + 1 : path;
    at = *old ? strstr(base, old) : NULL;
    if (!at)
        return xasprintf("%s.%s", path, as);
    return xasprintf("%.*s%s%s", (int)(at - path), path, as, at + strlen(old));
}

void
vrbd_restore_as_copy(xmlNodePtr root, const char *old, const char *as)
{
    xmlNodePtr devices = vrbd_xml_child(root, "devices");

    xmlNodeSetContent(vrbd_xml_child(root, "name"), BAD_CAST as);
    drop_children(root, "uuid");
    drop_children(vrbd_xml_child(root, "os"), "nvram");
    for (xmlNodePtr c = devices ? devices->children : NULL; c; c = c->next) {
        xmlNodePtr src;
        CLEANUP_FREE char *path = NULL, *moved = NULL;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrcmp(c->name, BAD_CAST "interface") == 0)
            drop_children(c, "mac");
        if (xmlStrcmp(c->name, BAD_CAST "serial") != 0 &&
            xmlStrcmp(c->name, BAD_CAST "console") != 0)
            continue;
        /* a log file of the original's: the copy writes its own */
        src = vrbd_xml_child(c, "source");
        path = vrbd_xml_prop(src, "path");
        if (!path || !vrbd_xml_prop_is(c, "type", "file"))
            continue;
        moved = copy_path(path, old, as);
        xmlSetProp(src, BAD_CAST "path", BAD_CAST moved);
    }
}

/* The domain's new definition: its name, disks, and for a copy no UUID,
 * MAC addresses, NVRAM or log file of the original's */
static char *
new_definition(struct rs *r, const char *xml)
{
    xmlDocPtr doc = vrbd_xml_parse(xml);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr devices = vrbd_xml_child(root, "devices");

    if (!devices) {
        if (doc)
            xmlFreeDoc(doc);
        vrbd_error_set(VRBD_ERR_IO, 0, NULL,
                       "the definition kept with backup '%s' does not parse",
                       r->backup);
        return NULL;
    }
    if (r->o->as)
        vrbd_restore_as_copy(root, r->domain, r->o->as);
    if (rewrite_disks(r, doc, devices) < 0) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return vrbd_xml_dump(doc);
}

static int
define(struct rs *r)
{
    CLEANUP_FREE char *xml = kept_xml(r);
    CLEANUP_FREE char *def = xml ? new_definition(r, xml) : NULL;
    virDomainPtr dom;

    if (!def)
        return -1;
    dom = virDomainDefineXML(vrbd_host_conn(r->host), def);
    if (!dom)
        return vrbd_error_libvirt(NULL, "cannot define domain '%s'",
                                  r->res->domain);
    virDomainFree(dom);
    return 0;
}

/* ---- the run */

static void
remove_made(struct rs *r)
{
    vrbd_error_saved saved;

    vrbd_error_save(&saved);
    for (size_t i = 0; i < r->n; i++) {
        vrbd_remove_opts ro = {.version = VRBD_REMOVE_OPTS_VERSION,
                               .force = true};

        if (r->d[i].made)
            vrbd_volume_remove(NULL, r->d[i].cl, &r->d[i].dst, &ro);
    }
    vrbd_error_restore(&saved, NULL);
}

static int
domain_free(struct rs *r, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(vrbd_host_conn(r->host), name);

    virResetLastError();
    if (!dom)
        return 0;
    virDomainFree(dom);
    return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                          "restore it under another name ({as})",
                          "domain '%s' exists already", name);
}

/* The backups of @name on the target (named, else the one its disks
 * record), the target reached */
static int
find(struct rs *r, const char *name)
{
    CLEANUP_STRV char **targets = NULL;
    const char *target = r->o->from;

    if (!target) {
        targets = vrbd_bk_targets_of(r->host, r->reg, name, r->o->timeout_sec);
        if (!targets)
            return -1;
        if (targets[1])
            return vrbd_error_set(VRBD_ERR_INVALID, 0, "name one with {from}",
                                  "'%s' was backed up to more than one "
                                  "target (%s, %s)",
                                  name, targets[0], targets[1]);
        target = targets[0];
    }
    if (vrbd_bk_target_open(r->reg, target, r->o->timeout_sec, false, &r->t) <
        0)
        return -1;
    /* the chains of the images: every backup on the target (an image's
     * chain may hold backups of it alone, or of another domain's) */
    if (vrbd_backup_list(r->host, r->reg, target, NULL, r->o->timeout_sec,
                         &r->all, &r->n_all) < 0)
        return -1;
    return vrbd_backup_list(r->host, r->reg, target, name, r->o->timeout_sec,
                            &r->sel, &r->n_sel);
}

static int
restore_all(struct rs *r)
{
    for (size_t i = 0; i < r->n; i++) {
        struct rs_disk *d = &r->d[i];

        if ((r->t.dir ? restore_dir(r, d) : restore_cluster(r, d)) < 0)
            return -1;
        r->done_before += d->e->size;
    }
    return 0;
}

static void
fill_result(struct rs *r)
{
    r->res->backup = xstrdup(r->backup);
    r->res->images = xcalloc(r->n + 1, sizeof(char *));
    for (size_t i = 0; i < r->n; i++)
        r->res->images[i] = xstrdup(r->d[i].shown);
    r->res->instant = r->o->instant;
}

int
vrbd_restore(vrbd_host *host, vrbd_registry *reg, const char *name,
             const vrbd_restore_opts *opts, vrbd_restore_result *res)
{
    struct rs r = {.o = opts, .res = res, .reg = reg, .host = host};
    int rc = -1;

    memset(res, 0, sizeof(*res));
    if (vrbd_opts_check(opts, VRBD_RESTORE_OPTS_VERSION, "vrbd_restore_opts") <
        0)
        return -1;
    r.domain = strchr(name, '/') ? NULL : name;
    if (r.domain && !host)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "restoring domain '%s' needs libvirt", name);
    if (r.domain)
        res->domain = xstrdup(opts->as ? opts->as : name);
    if ((r.domain && domain_free(&r, res->domain) < 0) || find(&r, name) < 0 ||
        choose(&r, name) < 0)
        goto out;
    if (opts->instant && r.t.dir) {
        vrbd_error_set(VRBD_ERR_INVALID, 0,
                       "restore without {instant}, or from a cluster target",
                       "an instant restore needs a cluster target: %s is a "
                       "directory",
                       r.t.canon);
        goto out;
    }
    if (plan(&r) < 0 || restore_all(&r) < 0 || (r.domain && define(&r) < 0)) {
        remove_made(&r);
        goto out;
    }
    fill_result(&r);
    rc = 0;
out:
    rs_clear(&r);
    return rc;
}
