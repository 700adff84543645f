/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backup-dir.c: a directory as a backup target.  Each image has a
 * directory of its own, "CLUSTER:POOL[:NS]:IMAGE", holding one file per
 * backup (SNAP.full, then SNAP.diff: the format of docs/backup-format.md)
 * and an index of them; a domain's definitions are kept in
 * domains/DOM/SNAP.xml.  Files are written under a temporary name and
 * renamed when complete and flushed; the index line comes last, so a
 * backup listed is a backup whole.  Everything is mode 0600: the files
 * hold the disks' data.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "backup-file.h"
#include "backup-internal.h"
#include "mover/endpoint.h"
#include "internal.h"

#define INDEX "index"
/* reads in flight, each of a record's length at most */
#define DEPTH 8

int
vrbd_bk_dir_prepare(struct vrbd_bk_target *t, bool create)
{
    char real[PATH_MAX];
    struct stat st;

    if (create && stat(t->canon, &st) < 0 && errno == ENOENT &&
        mkdir(t->canon, 0700) < 0)
        return vrbd_error_set(VRBD_ERR_IO, errno,
                              "create its parent directory first",
                              "cannot create backup directory '%s': %s",
                              t->canon, strerror(errno));
    if (!realpath(t->canon, real) || stat(real, &st) < 0)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, errno, NULL,
                              "backup directory '%s': %s", t->canon,
                              strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return vrbd_error_set(VRBD_ERR_INVALID, ENOTDIR, NULL,
                              "backup target '%s' is not a directory",
                              t->canon);
    if (access(real, create ? W_OK | X_OK : R_OK | X_OK) < 0)
        return vrbd_error_set(VRBD_ERR_PERMISSION, errno, NULL,
                              "backup directory '%s': %s", real,
                              strerror(errno));
    free(t->canon);
    t->canon = xstrdup(real);
    return 0;
}

/* The directory of @d's backups */
static char *
image_dir(const struct vrbd_bk_target *t, const struct vrbd_bk_disk *d)
{
    const vrbd_spec *s = &d->spec;

    return s->nspace
               ? xasprintf("%s/%s:%s:%s:%s", t->canon, vrbd_cluster_name(d->cl),
                           s->pool, s->nspace, s->image)
               : xasprintf("%s/%s:%s:%s", t->canon, vrbd_cluster_name(d->cl),
                           s->pool, s->image);
}

/* ---- the index: "source SRC FSID", then "backup SNAP FILE RECORD" */

char *
vrbd_bk_index_slurp(const char *path)
{
    CLEANUP_CLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char *text;
    size_t got = 0;

    if (fd < 0 || fstat(fd, &st) < 0)
        return NULL;
    text = xmalloc((size_t)st.st_size + 1);
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, text + got, (size_t)st.st_size - got);

        if (n <= 0) {
            free(text);
            errno = n < 0 ? errno : EIO;
            return NULL;
        }
        got += (size_t)n;
    }
    text[got] = '\0';
    return text;
}

int
vrbd_bk_index_read(const char *path, char **source, vrbd_bk_index_fn fn,
                   void *opaque)
{
    CLEANUP_FREE char *text = NULL;
    int line = 0;

    if (source)
        *source = NULL;
    text = vrbd_bk_index_slurp(path);
    if (!text && errno == ENOENT)
        return 0;
    if (!text)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot read '%s': %s",
                              path, strerror(errno));
    for (char *p = text, *nl; *p; p = nl) {
        char snap[256], file[512];
        int used = 0;

        nl = strchr(p, '\n');
        nl = nl ? (*nl = '\0', nl + 1) : p + strlen(p);
        line++;
        if (strncmp(p, "source ", 7) == 0) {
            if (source && !*source)
                *source = xstrndup(p + 7, strcspn(p + 7, " "));
            continue;
        }
        if (sscanf(p, "backup %255s %511s %n", snap, file, &used) != 2 ||
            !used) {
            if (source) {
                free(*source);
                *source = NULL;
            }
            return vrbd_error_set(VRBD_ERR_CONFIG, 0,
                                  "move the directory aside and back up "
                                  "again",
                                  "%s:%d: not a backup index line", path, line);
        }
        if (fn && fn(snap, file, p + used, opaque) < 0)
            return -1;
    }
    return 0;
}

struct last {
    const char *dir;
    char *snap;
    size_t len;
};

static int
last_one(const char *snap, const char *file, const char *rec, void *opaque)
{
    struct last *l = opaque;
    CLEANUP_FREE char *path = xasprintf("%s/%s", l->dir, file);

    (void)rec;
    if (access(path, R_OK) == 0)
        snprintf(l->snap, l->len, "%s", snap);
    return 0;
}

int
vrbd_bk_dir_last(const struct vrbd_bk_target *t, const struct vrbd_bk_disk *d,
                 char *snap, size_t len)
{
    CLEANUP_FREE char *dir = image_dir(t, d);
    CLEANUP_FREE char *index = xasprintf("%s/" INDEX, dir);
    struct last l = {dir, snap, len};

    snap[0] = '\0';
    return vrbd_bk_index_read(index, NULL, last_one, &l);
}

/* Add backup @snap of @d (its file @file) to the index in @dir */
static int
index_add(struct vrbd_bk_run *r, struct vrbd_bk_disk *d, const char *dir,
          const char *file)
{
    CLEANUP_FREE char *index = xasprintf("%s/" INDEX, dir);
    CLEANUP_FREE char *old = NULL, *rec = NULL, *text = NULL;

    old = vrbd_bk_index_slurp(index);
    if (!old && errno != ENOENT)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot read '%s': %s",
                              index, strerror(errno));
    rec = vrbd_bk_disk_record(r, d);
    if (old)
        text = xasprintf("%sbackup %s %s %s\n", old, r->res->name, file, rec);
    else
        text = xasprintf("source %s %s\nbackup %s %s %s\n", d->out->source,
                         vrbd_cluster_fsid(d->cl), r->res->name, file, rec);
    return vrbd_file_write_mode(0600, index, text);
}

/* ---- the data */

struct slot {
    uint64_t off, len;
    bool data;
    char *buf;
    rbd_completion_t c;
};

struct stream {
    struct vrbd_bk_run *r;
    rbd_image_t img;
    const struct vrbd_extent *ext;
    size_t n, i;  /* the next extent, and where in it */
    uint64_t pos; /* within ext[i] */
    bool full;
    uint64_t done, total;
    vrbd_bfile_writer *w;
    uint64_t *sent;
};

/* The next piece to read into @s, false at the end */
static bool
next_piece(struct stream *st, struct slot *s)
{
    const struct vrbd_extent *e;
    uint64_t left;

    if (st->i >= st->n)
        return false;
    e = &st->ext[st->i];
    left = e->len - st->pos;
    s->off = e->off + st->pos;
    s->len = left < VRBD_BFILE_MAX_RECORD ? left : VRBD_BFILE_MAX_RECORD;
    s->data = e->data;
    st->pos += s->len;
    if (st->pos == e->len) {
        st->i++;
        st->pos = 0;
    }
    return true;
}

static bool
all_zero(const char *p, uint64_t len)
{
    return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

/* Start reading the piece of @s, if it holds data */
static int
start(struct stream *st, struct slot *s)
{
    int ret;

    if (!s->data)
        return 0;
    ret = rbd_aio_create_completion(NULL, NULL, &s->c);
    if (ret < 0)
        return ret;
    ret = rbd_aio_read(st->img, s->off, s->len, s->buf, s->c);
    if (ret < 0) {
        rbd_aio_release(s->c);
        s->c = NULL;
    }
    return ret;
}

/* zero detection goes by blocks of this size */
#define BLOCK 4096

static uint64_t
block_len(const struct slot *s, uint64_t at)
{
    return s->len - at < BLOCK ? s->len - at : BLOCK;
}

/* One record: @len bytes of @data at @off, or zeroes (@data NULL) */
static int
emit(struct stream *st, uint64_t off, const char *data, uint64_t len)
{
    if (!data)
        return st->full || vrbd_bfile_write_zero(st->w, off, len) == 0 ? 0
                                                                       : -EIO;
    if (*st->sent == 0 && st->done < st->total)
        vrbd_test_pause("backup-file-midway");
    *st->sent += len;
    return vrbd_bfile_write_data(st->w, off, data, len) < 0 ? -EIO : 0;
}

/* Wait for @s's piece and write it */
static int
finish(struct stream *st, struct slot *s)
{
    ssize_t got = 0;

    if (s->c) {
        rbd_aio_wait_for_complete(s->c);
        got = rbd_aio_get_return_value(s->c);
        rbd_aio_release(s->c);
        s->c = NULL;
        if (got < 0)
            return (int)got;
        if ((uint64_t)got != s->len)
            return -EIO;
    }
    st->done += s->len;
    vrbd_bk_progress(st->r, st->done, st->total);
    if (!s->data)
        return emit(st, s->off, NULL, s->len);
    /* runs of zero blocks apart from the data: a full backup leaves
     * them out, an incremental says they read as zeroes */
    for (uint64_t i = 0, j; i < s->len; i = j) {
        bool z = all_zero(s->buf + i, block_len(s, i));
        int ret;

        for (j = i + block_len(s, i);
             j < s->len && all_zero(s->buf + j, block_len(s, j)) == z;)
            j += block_len(s, j);
        ret = emit(st, s->off + i, z ? NULL : s->buf + i, j - i);
        if (ret < 0)
            return ret;
    }
    return 0;
}

/*
 * Read the extents in order, DEPTH pieces in flight, and write them as
 * records.  0, a negative errno from librbd (the error not set), or -EIO
 * with the writer's error set.
 */
static int
stream_all(struct stream *st)
{
    struct slot s[DEPTH] = {{0}};
    size_t head = 0, tail = 0; /* started [tail, head) */
    int ret = 0;

    for (size_t k = 0; k < DEPTH; k++)
        s[k].buf = xmalloc(VRBD_BFILE_MAX_RECORD);
    for (;;) {
        while (ret == 0 && head - tail < DEPTH &&
               next_piece(st, &s[head % DEPTH])) {
            ret = start(st, &s[head % DEPTH]);
            if (ret == 0)
                head++;
        }
        if (tail == head)
            break;
        if (ret == 0 && st->r->o->cancel && *st->r->o->cancel)
            ret = -EINTR;
        {
            int f = finish(st, &s[tail % DEPTH]);

            if (ret == 0)
                ret = f;
        }
        tail++;
    }
    for (size_t k = 0; k < DEPTH; k++)
        free(s[k].buf);
    return ret;
}

static int
stream_error(struct vrbd_bk_disk *d, int ret, const char *tmp)
{
    CLEANUP_FREE char *name = vrbd_bk_disk_name(d);

    if (ret == -EINTR)
        return vrbd_error_set(VRBD_ERR_IO, EINTR, "run it again",
                              "backup of '%s' interrupted", name);
    if (ret == -EIO && vrbd_error_last()->code != VRBD_ERR_OK)
        return -1; /* the writer's */
    return vrbd_cluster_error(d->cl, ret, "cannot read '%s' for '%s'", name,
                              tmp);
}

/* Write the backup file of @d at @tmp: 0, or -1 with the error */
static int
write_file(struct vrbd_bk_run *r, struct vrbd_bk_disk *d, int fd,
           const char *tmp)
{
    vrbd_bfile_header h = {.image_size = d->out->size, .created = r->res->when};
    struct stream st = {
        .r = r, .img = d->img, .full = !d->base[0], .sent = &d->out->sent};
    struct vrbd_extent *ext = NULL;
    size_t n = 0;
    int ret;

    snprintf(h.from_snap, sizeof(h.from_snap), "%s", d->base);
    snprintf(h.to_snap, sizeof(h.to_snap), "%s", r->res->name);
    ret = vrbd_rbd_changes(d->img, d->base[0] ? d->base : NULL, d->out->size,
                           &ext, &n);
    if (ret < 0) {
        CLEANUP_FREE char *name = vrbd_bk_disk_name(d);

        return vrbd_cluster_error(d->cl, ret,
                                  "cannot list what changed in '%s'", name);
    }
    st.ext = ext;
    st.n = n;
    for (size_t i = 0; i < n; i++)
        st.total += ext[i].len;
    if (vrbd_bfile_write_begin(fd, tmp, &h, &st.w) < 0) {
        free(ext);
        return -1;
    }
    vrbd_error_clear();
    ret = stream_all(&st);
    free(ext);
    if (ret < 0) {
        vrbd_bfile_writer_free(st.w);
        return stream_error(d, ret, tmp);
    }
    return vrbd_bfile_write_end(st.w);
}

/* Temporary files in @dir ("NAME.tmp.PID"): under the directory's lock,
 * every one was left by a backup or prune that was stopped */
static void
remove_stale(const char *dir)
{
    DIR *dh = opendir(dir);
    struct dirent *de;

    while (dh && (de = readdir(dh))) {
        CLEANUP_FREE char *path = NULL;

        if (!strstr(de->d_name, ".tmp."))
            continue;
        path = xasprintf("%s/%s", dir, de->d_name);
        if (unlink(path) == 0)
            vrbd_info("removed '%s', left by a run that was stopped", path);
    }
    if (dh)
        closedir(dh);
}

int
vrbd_bk_dir_lock(const char *dir)
{
    CLEANUP_FREE char *path = xasprintf("%s/.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    int e;

    if (fd < 0)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                              "cannot create '%s': %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return vrbd_error_set(
                VRBD_ERR_BUSY, e, "wait for it to end, then run it again",
                "another backup or prune of '%s' is running", dir);
        return vrbd_error_set(VRBD_ERR_IO, e, NULL, "cannot lock '%s': %s",
                              path, strerror(e));
    }
    remove_stale(dir);
    return fd;
}

int
vrbd_bk_dir_lock_disk(const struct vrbd_bk_target *t, struct vrbd_bk_disk *d)
{
    CLEANUP_FREE char *dir = image_dir(t, d);

    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                              "cannot create '%s': %s", dir, strerror(errno));
    d->lock = vrbd_bk_dir_lock(dir);
    return d->lock < 0 ? -1 : 0;
}

int
vrbd_bk_dir_send(struct vrbd_bk_run *r, struct vrbd_bk_disk *d)
{
    CLEANUP_FREE char *dir = image_dir(&r->t, d);
    CLEANUP_FREE char *file =
        xasprintf("%s.%s", r->res->name, d->base[0] ? "diff" : "full");
    CLEANUP_FREE char *path = xasprintf("%s/%s", dir, file);
    CLEANUP_FREE char *tmp =
        xasprintf("%s/.%s.tmp.%d", dir, file, (int)getpid());
    int fd, dfd;

    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                              "cannot create '%s': %s", tmp, strerror(errno));
    if (write_file(r, d, fd, tmp) < 0) {
        close(fd);
        unlink(tmp);
        return -1;
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        int e = errno;

        unlink(tmp);
        return vrbd_error_set(VRBD_ERR_IO, e, NULL, "cannot rename '%s': %s",
                              tmp, strerror(e));
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    d->out->stored = xstrdup(path);
    if (index_add(r, d, dir, file) < 0) {
        unlink(path); /* a file the index does not list is no backup */
        return -1;
    }
    return 0;
}

/* Where the definition of a VM backup is kept: "DIR/domains/DOM/SNAP.xml",
 * or NULL when there is none to keep (a domain name with a '/') */
static char *
xml_path(const struct vrbd_bk_run *r)
{
    if (!r->xml || !r->domain || strchr(r->domain, '/') || !r->res->name)
        return NULL;
    return xasprintf("%s/domains/%s/%s.xml", r->t.canon, r->domain,
                     r->res->name);
}

void
vrbd_bk_dir_keep_xml(struct vrbd_bk_run *r)
{
    CLEANUP_FREE char *top = xasprintf("%s/domains", r->t.canon);
    CLEANUP_FREE char *dir = NULL;
    CLEANUP_FREE char *path = xml_path(r);

    if (!path)
        return;
    dir = xasprintf("%s/%s", top, r->domain);
    if ((mkdir(top, 0700) < 0 && errno != EEXIST) ||
        (mkdir(dir, 0700) < 0 && errno != EEXIST) ||
        vrbd_file_write_mode(0600, path, r->xml) < 0) {
        vrbd_log(VRBD_LOG_WARN, "cannot keep the definition of '%s' in '%s'",
                 r->domain, dir);
        vrbd_error_clear();
    }
}

void
vrbd_bk_dir_drop_xml(struct vrbd_bk_run *r)
{
    CLEANUP_FREE char *path = xml_path(r);

    if (path)
        unlink(path);
}

/* ---- listing */

struct dir_lister {
    const char *dir, *domain, *source, *from;
    vrbd_backup_entry **out;
    size_t *n;
};

static int
list_one(const char *snap, const char *file, const char *rec, void *opaque)
{
    struct dir_lister *l = opaque;
    vrbd_backup_entry e = {0};

    if (vrbd_bk_record_parse(rec, &e) < 0 ||
        (l->domain && (!e.domain || strcmp(e.domain, l->domain) != 0))) {
        vrbd_bk_entry_clear(&e);
        return 0;
    }
    e.name = xstrdup(snap);
    e.source = xstrdup(l->from);
    e.stored = xasprintf("%s/%s", l->dir, file);
    *l->out = xreallocarray(*l->out, *l->n + 1, sizeof(**l->out));
    (*l->out)[(*l->n)++] = e;
    return 0;
}

int
vrbd_bk_dir_list(const struct vrbd_bk_target *t, const char *domain,
                 const char *source, vrbd_backup_entry **out, size_t *n)
{
    DIR *dh = opendir(t->canon);
    struct dirent *de;
    int rc = 0;

    if (!dh)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot read '%s': %s",
                              t->canon, strerror(errno));
    while (rc == 0 && (de = readdir(dh))) {
        CLEANUP_FREE char *dir = NULL, *index = NULL, *from = NULL;
        struct dir_lister l = {.domain = domain, .out = out, .n = n};

        if (de->d_name[0] == '.' || !strchr(de->d_name, ':'))
            continue;
        dir = xasprintf("%s/%s", t->canon, de->d_name);
        index = xasprintf("%s/" INDEX, dir);
        l.dir = dir;
        /* the source first, then its backups */
        if (vrbd_bk_index_read(index, &from, NULL, NULL) < 0)
            vrbd_error_clear();
        if (!from || (source && strcmp(from, source) != 0))
            continue;
        l.from = from;
        l.source = source;
        rc = vrbd_bk_index_read(index, NULL, list_one, &l);
    }
    closedir(dh);
    return rc;
}
