/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vm-restore.c: a VM that 'vm rm --disks' removed comes back.  Its disks
 * went to their pools' trash, each with the domain's owner record (name,
 * uuid) and definition in its metadata (vm.c); here they are found in the
 * trash of the pools this host uses, restored, and the domain defined
 * again.  Everything is checked before anything changes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rbd/librbd.h>

#include "host-internal.h"
#include "internal.h"
#include "virt.h"
#include "volume-internal.h"

void
vrbd_vm_restore_result_clear(vrbd_vm_restore_result *r)
{
    if (!r)
        return;
    vrbd_strv_free(r->images);
    free(r->from);
    memset(r, 0, sizeof(*r));
}

/* A disk of the VM in a trash */
struct trashed {
    char *fsid, *cluster, *pool, *nspace, *id, *image, *uuid;
    int64_t deleted;
    bool taken; /* an image of its name exists */
};

struct scan {
    const char *domain;
    char **seen; /* "FSID POOL/NS" of each pool scanned */
    size_t n_seen;
    struct trashed *t;
    size_t n;
    char *xml;      /* the definition kept with the newest disk */
    char *xml_from; /* where it was read */
    int64_t newest;
    char *uuid; /* the newest removal's domain uuid */
};

/* The disks of one removal are trashed one after another, seconds apart
 * at most: the definition (the same in each) is taken from the first one
 * found, unless @t comes from another VM or from a later removal */
#define ONE_REMOVAL_SEC 120

static bool
newer(const struct scan *s, const struct trashed *t)
{
    bool same_vm = s->uuid && t->uuid && strcmp(s->uuid, t->uuid) == 0;

    return t->deleted > s->newest &&
           (!same_vm || t->deleted > s->newest + ONE_REMOVAL_SEC);
}

static bool
image_exists(rados_ioctx_t io, const char *name)
{
    rbd_image_t img;

    if (rbd_open_read_only(io, name, &img, NULL) < 0)
        return false;
    rbd_close(img);
    return true;
}

/* "POOL/NS/IMAGE", or "POOL/IMAGE" without a namespace; free() */
static char *
source_of(const struct trashed *t)
{
    return t->nspace ? xasprintf("%s/%s/%s", t->pool, t->nspace, t->image)
                     : xasprintf("%s/%s", t->pool, t->image);
}

/* Whether @s scanned this pool and namespace of @cl already (two libvirt
 * pools may use one), remembering it */
static bool
seen(struct scan *s, vrbd_cluster *cl, const char *pool, const char *nspace)
{
    char *key = xasprintf("%s %s/%s", vrbd_cluster_fsid(cl), pool,
                          nspace ? nspace : "");

    for (size_t i = 0; i < s->n_seen; i++)
        if (strcmp(s->seen[i], key) == 0) {
            free(key);
            return true;
        }
    s->seen = xreallocarray(s->seen, s->n_seen + 1, sizeof(char *));
    s->seen[s->n_seen++] = key;
    return false;
}

static void
scan_pool(void *opaque, vrbd_cluster *cl, const char *pool, const char *nspace)
{
    struct scan *s = opaque;
    vrbd_trash_entry *e = NULL;
    rados_ioctx_t io;
    size_t n = 0;

    if (nspace && !*nspace)
        nspace = NULL;
    if (seen(s, cl, pool, nspace))
        return;
    if (vrbd_volume_ioctx(cl, pool, nspace, &io) < 0) {
        vrbd_error_clear();
        return;
    }
    if (vrbd_trash_list(cl, pool, nspace, &e, &n) < 0)
        vrbd_error_clear();
    for (size_t i = 0; i < n; i++) {
        CLEANUP_FREE char *owner = NULL;
        struct trashed *t;
        rbd_image_t img;

        if (!e[i].by || strcmp(e[i].by, "vm rm") != 0 || !e[i].domain ||
            strcmp(e[i].domain, s->domain) != 0 ||
            rbd_open_by_id_read_only(io, e[i].id, &img, NULL) < 0)
            continue;
        owner = vrbd_image_meta(img, VRBD_OWNER_KEY);
        s->t = xreallocarray(s->t, s->n + 1, sizeof(*s->t));
        t = &s->t[s->n++];
        memset(t, 0, sizeof(*t));
        t->fsid = xstrdup(vrbd_cluster_fsid(cl));
        t->cluster = xstrdup(vrbd_cluster_name(cl));
        t->pool = xstrdup(pool);
        t->nspace = nspace ? xstrdup(nspace) : NULL;
        t->id = xstrdup(e[i].id);
        t->image = xstrdup(e[i].name);
        t->uuid = vrbd_owner_field(owner, "uuid=");
        t->deleted = e[i].deleted;
        t->taken = image_exists(io, e[i].name);
        if (!s->xml || newer(s, t)) {
            char *xml = vrbd_image_meta(img, VRBD_DOMAIN_KEY);

            if (xml) {
                free(s->xml);
                free(s->xml_from);
                free(s->uuid);
                s->xml = xml;
                CLEANUP_FREE char *src = source_of(t);

                s->xml_from = xasprintf("the metadata of %s:%s (in the "
                                        "trash)",
                                        t->cluster, src);
                s->uuid = t->uuid ? xstrdup(t->uuid) : NULL;
                s->newest = e[i].deleted;
            }
        }
        rbd_close(img);
    }
    vrbd_trash_entry_list_free(e, n);
    rados_ioctx_destroy(io);
}

static void
scan_clear(struct scan *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->t[i].fsid);
        free(s->t[i].cluster);
        free(s->t[i].pool);
        free(s->t[i].nspace);
        free(s->t[i].id);
        free(s->t[i].image);
        free(s->t[i].uuid);
    }
    free(s->t);
    for (size_t i = 0; i < s->n_seen; i++)
        free(s->seen[i]);
    free(s->seen);
    free(s->xml);
    free(s->xml_from);
    free(s->uuid);
}

/* Whether @t was removed with the VM of the newest removal (the same
 * domain uuid: an older VM of the same name removed earlier is not) */
static bool
ours(const struct scan *s, const struct trashed *t)
{
    if (!s->uuid || !t->uuid)
        return !s->uuid && !t->uuid;
    return strcmp(s->uuid, t->uuid) == 0;
}

/* Whether every RBD disk of the definition (but read-only and shareable
 * ones, which vm rm leaves) is among the disks found: 0, or -1 with the
 * error naming the first missing one (its cluster did not answer, or it
 * was purged) */
static int
check_complete(vrbd_host *host, const struct scan *s, const char *name)
{
    vrbd_vm_disk *list = NULL;
    size_t n = 0;
    int ret = 0;

    if (vrbd_vm_disks_read(vrbd_host_conn(host), s->xml, &list, &n) < 0)
        return -1;
    for (size_t i = 0; i < n && ret == 0; i++) {
        bool found = false;

        if (!list[i].rbd || list[i].shared)
            continue;
        for (size_t k = 0; k < s->n && !found; k++) {
            CLEANUP_FREE char *src = source_of(&s->t[k]);

            found = ours(s, &s->t[k]) && strcmp(src, list[i].source) == 0 &&
                    (!list[i].fsid || strcmp(list[i].fsid, s->t[k].fsid) == 0);
        }
        if (!found)
            ret = vrbd_error_set(
                VRBD_ERR_NOT_FOUND, ENOENT,
                "its cluster may not have answered (see the warnings), or it "
                "was purged: see {prog}{vrbd_trash_list}",
                "disk %s (%s) of VM '%s' is not in the trash of this host's "
                "pools: nothing restored",
                list[i].target, list[i].source, name);
    }
    vrbd_vm_disk_list_free(list, n);
    return ret;
}

/* Back to the trash, as 'vm rm' left it: 0, or -1 (warned of) */
static int
put_back(vrbd_registry *reg, unsigned timeout_sec, const struct trashed *t)
{
    vrbd_remove_opts ro = {.version = VRBD_REMOVE_OPTS_VERSION,
                           .force = true,
                           .trash = true,
                           .by = "vm rm"};
    vrbd_cluster *cl = vrbd_cluster_by_fsid(reg, t->fsid, timeout_sec);
    vrbd_spec sp = {.pool = t->pool, .nspace = t->nspace, .image = t->image};
    CLEANUP_FREE char *src = source_of(t);

    int r = cl ? vrbd_volume_remove(NULL, cl, &sp, &ro) : -1;

    if (r < 0)
        vrbd_warn("could not put %s:%s back in the trash: %s", t->cluster, src,
                  vrbd_error_last()->message);
    vrbd_cluster_free(cl);
    vrbd_error_clear();
    return r;
}

/* Whether the names of the disks of the newest removal are free: 0 with
 * their count in *@n, or -1 with the error naming the first one taken */
static int
check_free(const struct scan *s, const char *name, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!ours(s, &s->t[i]))
            continue;
        if (s->t[i].taken) {
            CLEANUP_FREE char *src = source_of(&s->t[i]);
            CLEANUP_FREE char *hint = xasprintf(
                "restore that disk under another name ({prog}{vrbd_trash_list} "
                "%s:%s gives its id), then define the VM by hand",
                s->t[i].cluster, s->t[i].pool);

            return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST, hint,
                                  "image %s:%s of VM '%s' exists again: "
                                  "nothing restored",
                                  s->t[i].cluster, src, name);
        }
        (*n)++;
    }
    return 0;
}

/* After a failure (the error set) once @done disks were restored: put
 * them back in the trash, and say so in the error */
static void
give_back(vrbd_registry *reg, unsigned timeout_sec, const struct scan *s,
          size_t done)
{
    vrbd_error saved = *vrbd_error_last();
    CLEANUP_FREE char *msg = xstrdup(saved.message);
    CLEANUP_FREE char *hint = saved.hint ? xstrdup(saved.hint) : NULL;
    size_t k = 0, back = 0;

    /* the ones restored go back, in the order they came */
    for (size_t i = 0; i < s->n && k < done; i++) {
        if (!ours(s, &s->t[i]))
            continue;
        back += put_back(reg, timeout_sec, &s->t[i]) == 0;
        k++;
    }
    if (done == 0)
        vrbd_error_set(saved.code, saved.errnum, hint, "%s; nothing restored",
                       msg);
    else
        vrbd_error_set(saved.code, saved.errnum, hint,
                       "%s; %zu of the %zu disk(s) restored went back to the "
                       "trash",
                       msg, back, done);
}

int
vrbd_vm_restore(vrbd_host *host, vrbd_registry *reg, const char *name,
                unsigned timeout_sec, vrbd_vm_restore_result *res)
{
    struct scan s = {.domain = name};
    virDomainPtr dom;
    size_t done = 0, nimg = 0;
    int ret = -1;

    memset(res, 0, sizeof(*res));
    if ((dom = virDomainLookupByName(vrbd_host_conn(host), name))) {
        virDomainFree(dom);
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "a VM of that name is defined: leave it, or "
                              "remove it first",
                              "domain '%s' exists already: nothing restored",
                              name);
    }
    virResetLastError();
    if (vrbd_host_each_ceph_pool(host, reg, timeout_sec, scan_pool, &s) < 0)
        goto cleanup;
    if (!s.xml) {
        vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                       "only a VM removed with {prog}{vrbd_vm_remove} "
                       "{disks} (to the trash) comes back; see "
                       "{prog}{vrbd_trash_list}",
                       "no disk of a removed VM '%s' in the trash of this "
                       "host's pools",
                       name);
        goto cleanup;
    }
    if (check_free(&s, name, &nimg) < 0)
        goto cleanup;
    if (check_complete(host, &s, name) < 0)
        goto cleanup;
    res->images = xcalloc(nimg + 1, sizeof(char *));
    for (size_t i = 0; i < s.n; i++) {
        struct trashed *t = &s.t[i];
        vrbd_spec sp = {
            .pool = t->pool, .nspace = t->nspace, .image = t->image};
        CLEANUP_FREE char *src = source_of(t);
        vrbd_cluster *cl;
        int r;

        if (!ours(&s, t))
            continue;
        cl = vrbd_cluster_by_fsid(reg, t->fsid, timeout_sec);
        r = cl ? vrbd_trash_restore(host, cl, &sp, t->id, NULL, NULL) : -1;
        vrbd_cluster_free(cl);
        if (r < 0)
            goto undo;
        res->images[done++] = xasprintf("%s:%s", t->cluster, src);
    }
    dom = virDomainDefineXML(vrbd_host_conn(host), s.xml);
    if (!dom) {
        vrbd_error_libvirt(NULL, "cannot define domain '%s' again", name);
        goto undo;
    }
    virDomainFree(dom);
    res->from = s.xml_from;
    s.xml_from = NULL;
    ret = 0;
    goto cleanup;

undo:
    give_back(reg, timeout_sec, &s, done);
    vrbd_vm_restore_result_clear(res);
cleanup:
    scan_clear(&s);
    return ret;
}
