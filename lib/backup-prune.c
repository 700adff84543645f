/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backup-prune.c: the backups the rules do not keep go, image by image.
 * On a cluster target a backup is a snapshot of the replica: it goes
 * alone.  In a directory a backup that a later one follows is merged into
 * that one first (the later file rewritten to go from the removed one's
 * base; a full backup merged into the next makes it full), so that every
 * backup kept still restores.  Each step writes the new file, then the
 * index, then removes the old files: stopped anywhere, every backup the
 * index lists is whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "backup-file.h"
#include "backup-internal.h"
#include "cleanup.h"
#include "internal.h"
#include "volume-internal.h"

void
vrbd_backup_prune_result_clear(vrbd_backup_prune_result *r)
{
    if (!r)
        return;
    vrbd_strv_free(r->kept);
    vrbd_strv_free(r->removed);
    memset(r, 0, sizeof(*r));
}

/* ---- which go */

/* Keep the newest backup of each of the newest @count periods (a backup's
 * period: its time / @len seconds, shifted by @shift) */
static void
keep_per(const vrbd_backup_entry *e, size_t n, unsigned count, int64_t len,
         int64_t shift, bool *keep)
{
    int64_t last = INT64_MIN;
    unsigned seen = 0;

    for (size_t i = n; i-- > 0 && seen < count;) {
        int64_t t = e[i].when + shift;
        int64_t p = t >= 0 ? t / len : (t - len + 1) / len;

        if (p == last)
            continue;
        last = p;
        keep[i] = true;
        seen++;
    }
}

void
vrbd_bk_prune_select(const vrbd_backup_entry *e, size_t n,
                     const vrbd_backup_prune_opts *o, bool *keep)
{
    unsigned last = o->keep_last ? o->keep_last : 1;

    for (size_t i = 0; i < n; i++)
        keep[i] = i + last >= n;
    keep_per(e, n, o->keep_daily, 86400, 0, keep);
    /* 1970-01-01 was a Thursday: + 3 days starts weeks on Mondays */
    keep_per(e, n, o->keep_weekly, 7 * 86400, 3 * 86400, keep);
}

/* ---- a cluster target */

static int
drop_snapshot(const struct vrbd_bk_target *t, const vrbd_backup_entry *e)
{
    CLEANUP_FREE char *image = NULL;
    CLEANUP_FREE char *key = xasprintf(VRBD_BK_REC_KEY "%s", e->name);
    CLEANUP_FREE char *xkey =
        xasprintf(VRBD_BK_REC_KEY "%s" VRBD_BK_XML_SUFFIX, e->name);
    vrbd_spec s;
    rados_ioctx_t io;
    rbd_image_t img;
    int ret;

    vrbd_bk_replica_of(t, e, &s);
    image = s.image;
    s.snap = NULL;
    if (vrbd_volume_open(t->cl, &s, false, &io, &img) < 0)
        return -1;
    /* the record first: a backup without it is no longer listed; put
     * back if the snapshot stays (protected, cloned) */
    ret = rbd_metadata_remove(img, key);
    if (ret == 0 || ret == -ENOENT)
        ret = rbd_snap_remove(img, e->name);
    if (ret == 0 || ret == -ENOENT) {
        rbd_metadata_remove(img, xkey);
        ret = 0;
    } else {
        CLEANUP_FREE char *rec = vrbd_bk_record_format(e);

        rbd_metadata_set(img, key, rec);
    }
    if (ret < 0) {
        rbd_close(img);
        rados_ioctx_destroy(io);
        return vrbd_cluster_error(
            t->cl, ret, "cannot remove backup '%s' from '%s'", e->name, image);
    }
    rbd_close(img);
    /* an old chain's replica whose last backup went goes too */
    if (rbd_open_read_only(io, image, &img, NULL) == 0) {
        rbd_snap_info_t *snaps = NULL;
        int n = vrbd_volume_snap_list(img, &snaps);

        vrbd_volume_snap_list_free(snaps, n);
        rbd_close(img);
        if (n == 0) {
            vrbd_remove_bounded(t->cl, io, image, NULL); /* takes io */
            return 0;
        }
    }
    rados_ioctx_destroy(io);
    return 0;
}

/* ---- a directory target */

/* One line of an image's index */
struct line {
    char *snap, *file;
    vrbd_backup_entry e; /* its record */
};

struct index {
    char *dir, *path;
    int lock; /* the directory's, held while the index is loaded */
    char *source_line;
    struct line *l;
    size_t n;
};

static void
index_clear(struct index *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free(x->l[i].snap);
        free(x->l[i].file);
        vrbd_bk_entry_clear(&x->l[i].e);
    }
    free(x->l);
    free(x->dir);
    free(x->path);
    free(x->source_line);
    if (x->lock >= 0)
        close(x->lock);
    memset(x, 0, sizeof(*x));
    x->lock = -1;
}

static int
add_line(const char *snap, const char *file, const char *rec, void *opaque)
{
    struct index *x = opaque;
    struct line *l;

    x->l = xreallocarray(x->l, x->n + 1, sizeof(*x->l));
    l = &x->l[x->n];
    memset(l, 0, sizeof(*l));
    if (vrbd_bk_record_parse(rec, &l->e) < 0)
        return vrbd_error_set(VRBD_ERR_CONFIG, 0, NULL,
                              "%s: backup '%s' has a record that does not "
                              "parse",
                              x->path, snap);
    l->snap = xstrdup(snap);
    l->file = xstrdup(file);
    l->e.name = xstrdup(snap);
    x->n++;
    return 0;
}

/* The index of the image directory of @stored, read under the
 * directory's lock (x->lock) */
static int
index_load(struct index *x, const char *stored)
{
    CLEANUP_FREE char *text = NULL;

    x->dir = xstrndup(stored, (size_t)(strrchr(stored, '/') - stored));
    x->path = xasprintf("%s/index", x->dir);
    x->lock = vrbd_bk_dir_lock(x->dir);
    if (x->lock < 0)
        return -1;
    text = vrbd_bk_index_slurp(x->path);
    if (!text)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot read '%s': %s",
                              x->path, strerror(errno));
    x->source_line = xstrndup(text, strcspn(text, "\n"));
    return vrbd_bk_index_read(x->path, NULL, add_line, x);
}

static int
index_save(const struct index *x)
{
    char *text = xasprintf("%s\n", x->source_line);
    int rc;

    for (size_t i = 0; i < x->n; i++) {
        CLEANUP_FREE char *rec = vrbd_bk_record_format(&x->l[i].e);
        char *more = xasprintf("%sbackup %s %s %s\n", text, x->l[i].snap,
                               x->l[i].file, rec);

        free(text);
        text = more;
    }
    rc = vrbd_file_write_mode(0600, x->path, text);
    free(text);
    return rc;
}

/* A name for the merged file of @l, kind @full, that no file has yet */
static char *
free_name(const struct index *x, const struct line *l, bool full)
{
    for (unsigned g = 1;; g++) {
        char *name =
            g == 1 ? xasprintf("%s.%s", l->snap, full ? "full" : "diff")
                   : xasprintf("%s.%s%u", l->snap, full ? "full" : "diff", g);
        CLEANUP_FREE char *path = xasprintf("%s/%s", x->dir, name);

        if (access(path, F_OK) < 0 && errno == ENOENT)
            return name;
        free(name);
    }
}

/* ---- merging two files: @a, then @b on top */

struct side {
    vrbd_bfile_reader *rd;
    vrbd_bfile_rec rec; /* the current record, kind 0 at the end */
    /* after the last record: [tail, tail_end) reads as zeroes (@a shrank
     * the image there, and @b grew it again) */
    uint64_t tail, tail_end;
};

static int
advance(struct side *s)
{
    int got = vrbd_bfile_next(s->rd, &s->rec);

    if (got == 0 && s->tail < s->tail_end) {
        s->rec = (vrbd_bfile_rec){
            .kind = 'Z', .offset = s->tail, .length = s->tail_end - s->tail};
        s->tail = s->tail_end;
        return 0;
    }
    if (got == 0)
        s->rec.kind = 0;
    return got < 0 ? -1 : 0;
}

static int
put(vrbd_bfile_writer *w, bool full, const vrbd_bfile_rec *r, uint64_t off,
    uint64_t len)
{
    if (!len)
        return 0;
    if (r->kind == 'Z')
        return full ? 0 : vrbd_bfile_write_zero(w, off, len);
    return vrbd_bfile_write_data(
        w, off, (const char *)r->data + (off - r->offset), len);
}

/* Write @a's records where none of @b's is, and @b's, in order, cut at
 * @size (@b's image size: what lay past it went); a full result leaves
 * zeroes out */
static int
merge_records(struct side *a, struct side *b, vrbd_bfile_writer *w, bool full,
              uint64_t size)
{
    uint64_t from = 0; /* a's records count from here on */

    if (advance(a) < 0 || advance(b) < 0)
        return -1;
    for (;;) {
        uint64_t a_end = 0, a_start = 0;

        if (a->rec.kind) {
            a_end = a->rec.offset + a->rec.length;
            a_end = a_end < size ? a_end : size;
            a_start = a->rec.offset > from ? a->rec.offset : from;
            if (a_start >= a_end) {
                if (advance(a) < 0)
                    return -1;
                continue;
            }
        }
        if (!a->rec.kind && !b->rec.kind)
            return 0;
        if (a->rec.kind && (!b->rec.kind || a_start < b->rec.offset)) {
            uint64_t end =
                b->rec.kind && b->rec.offset < a_end ? b->rec.offset : a_end;

            if (put(w, full, &a->rec, a_start, end - a_start) < 0)
                return -1;
            from = end;
            continue;
        }
        if (put(w, full, &b->rec, b->rec.offset, b->rec.length) < 0)
            return -1;
        from = b->rec.offset + b->rec.length;
        if (advance(b) < 0)
            return -1;
    }
}

int
vrbd_bk_merge_fds(int fa, const char *pa, int fb, const char *pb, int out,
                  const char *pout)
{
    struct side sa = {0}, sb = {0};
    vrbd_bfile_writer *w = NULL;
    vrbd_bfile_header h;
    bool full;
    int rc = -1;

    if (vrbd_bfile_open(fa, pa, &sa.rd) < 0 ||
        vrbd_bfile_open(fb, pb, &sb.rd) < 0)
        goto out;
    h = *vrbd_bfile_header_of(sb.rd);
    if (strcmp(h.from_snap, vrbd_bfile_header_of(sa.rd)->to_snap) != 0) {
        vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                       "'%s' does not follow '%s': it goes from '%s'", pb, pa,
                       h.from_snap);
        goto out;
    }
    snprintf(h.from_snap, sizeof(h.from_snap), "%s",
             vrbd_bfile_header_of(sa.rd)->from_snap);
    full = !h.from_snap[0];
    /* the image was cut to @fa's size, then grown to @fb's: what lay
     * between read as zeroes, which the merged file must say */
    sa.tail = vrbd_bfile_header_of(sa.rd)->image_size;
    sa.tail_end = h.image_size;
    if (vrbd_bfile_write_begin(out, pout, &h, &w) < 0 ||
        merge_records(&sa, &sb, w, full, h.image_size) < 0)
        goto out;
    rc = vrbd_bfile_write_end(w);
    w = NULL;
out:
    vrbd_bfile_writer_free(w);
    if (sa.rd)
        vrbd_bfile_close(sa.rd);
    if (sb.rd)
        vrbd_bfile_close(sb.rd);
    return rc;
}

/* @b's file rewritten to go from @a's base: the new file's name in
 * *@name.  0, or -1 with the error (nothing changed). */
static int
merge_files(const struct index *x, const struct line *a, const struct line *b,
            char **name)
{
    CLEANUP_FREE char *pa = xasprintf("%s/%s", x->dir, a->file);
    CLEANUP_FREE char *pb = xasprintf("%s/%s", x->dir, b->file);
    CLEANUP_FREE char *tmp = NULL, *path = NULL;
    CLEANUP_CLOSE int fa = open(pa, O_RDONLY | O_CLOEXEC);
    CLEANUP_CLOSE int fb = open(pb, O_RDONLY | O_CLOEXEC);
    int fd, rc;

    *name = NULL;
    if (fa < 0 || fb < 0)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, errno, NULL,
                              "cannot open backup file '%s': %s",
                              fa < 0 ? pa : pb, strerror(errno));
    *name = free_name(x, b, !a->e.from_snap);
    path = xasprintf("%s/%s", x->dir, *name);
    tmp = xasprintf("%s/.%s.tmp.%d", x->dir, *name, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot create '%s': %s",
                            tmp, strerror(errno));
    } else {
        rc = vrbd_bk_merge_fds(fa, pa, fb, pb, fd, tmp);
        close(fd);
        if (rc == 0 && rename(tmp, path) < 0)
            rc = vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                                "cannot rename '%s': %s", tmp, strerror(errno));
        if (rc < 0)
            unlink(tmp);
    }
    if (rc < 0) {
        free(*name);
        *name = NULL;
    }
    return rc;
}

/* Remove line @i of @x: merged into the one that follows it, if any.
 * The index is written before the old files go. */
static int
drop_line(struct index *x, size_t i, vrbd_backup_prune_result *res)
{
    struct line *a = &x->l[i];
    CLEANUP_FREE char *old_a = xasprintf("%s/%s", x->dir, a->file);
    CLEANUP_FREE char *old_b = NULL;
    char *name = NULL;

    for (size_t j = 0; j < x->n; j++) {
        struct line *b = &x->l[j];

        if (!b->e.from_snap || strcmp(b->e.from_snap, a->snap) != 0)
            continue;
        if (merge_files(x, a, b, &name) < 0)
            return -1;
        old_b = xasprintf("%s/%s", x->dir, b->file);
        free(b->file);
        b->file = name;
        free(b->e.from_snap);
        b->e.from_snap = a->e.from_snap ? xstrdup(a->e.from_snap) : NULL;
        res->merged++;
        break;
    }
    free(a->snap);
    free(a->file);
    vrbd_bk_entry_clear(&a->e);
    memmove(a, a + 1, (x->n - i - 1) * sizeof(*a));
    x->n--;
    if (index_save(x) < 0)
        return -1;
    unlink(old_a);
    if (old_b)
        unlink(old_b);
    return 0;
}

static int
prune_dir(const vrbd_backup_entry *e, size_t n, const bool *keep,
          vrbd_backup_prune_result *res)
{
    struct index x = {.lock = -1};
    int rc = -1;

    if (index_load(&x, e[0].stored) < 0)
        goto out;
    for (size_t k = 0; k < n; k++) {
        if (keep[k])
            continue;
        for (size_t i = 0; i < x.n; i++)
            if (strcmp(x.l[i].snap, e[k].name) == 0) {
                if (drop_line(&x, i, res) < 0)
                    goto out;
                break;
            }
    }
    rc = 0;
out:
    index_clear(&x);
    return rc;
}

/* ---- the run */

static int
by_source(const void *p, const void *q)
{
    const vrbd_backup_entry *a = p, *b = q;
    int c = strcmp(a->source, b->source);

    if (c)
        return c;
    if (a->when != b->when)
        return a->when < b->when ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* The backups of one source, e[0..n) oldest first */
static int
prune_source(const struct vrbd_bk_target *t, const vrbd_backup_entry *e,
             size_t n, const vrbd_backup_prune_opts *o,
             vrbd_backup_prune_result *res)
{
    CLEANUP_FREE bool *keep = xcalloc(n, sizeof(*keep));
    bool any = false;

    vrbd_bk_prune_select(e, n, o, keep);
    for (size_t i = 0; i < n; i++) {
        vrbd_strv_add(keep[i] ? &res->kept : &res->removed,
                      xasprintf("%s %s", e[i].name, e[i].source));
        any = any || !keep[i];
    }
    if (o->dry_run || !any)
        return 0;
    if (t->dir)
        return prune_dir(e, n, keep, res);
    for (size_t i = 0; i < n; i++)
        if (!keep[i] && drop_snapshot(t, &e[i]) < 0)
            return -1;
    return 0;
}

int
vrbd_backup_prune(vrbd_host *host, vrbd_registry *reg, const char *name,
                  const vrbd_backup_prune_opts *o,
                  vrbd_backup_prune_result *res)
{
    struct vrbd_bk_target t;
    vrbd_backup_entry *e = NULL;
    size_t n = 0;
    int rc = -1;

    memset(res, 0, sizeof(*res));
    if (vrbd_opts_check(o, VRBD_BACKUP_PRUNE_OPTS_VERSION,
                        "vrbd_backup_prune_opts") < 0)
        return -1;
    if (!o->from)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "name it with {from}",
                              "which backup target?");
    if (vrbd_bk_target_open(reg, o->from, o->timeout_sec, false, &t) < 0 ||
        vrbd_backup_list(host, reg, o->from, name, o->timeout_sec, &e, &n) < 0)
        goto out;
    if (n)
        qsort(e, n, sizeof(*e), by_source);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && strcmp(e[j].source, e[i].source) == 0;)
            j++;
        if (prune_source(&t, &e[i], j - i, o, res) < 0)
            goto out;
    }
    rc = 0;
out:
    vrbd_backup_entry_list_free(e, n);
    vrbd_bk_target_clear(&t);
    return rc;
}
