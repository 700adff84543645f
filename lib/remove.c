/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * remove.c: who holds an image, and removing it safely.  `rbd rm` fails
 * with "image still has watchers" and no word of whose; here each watcher
 * is mapped to the running libvirt domain on this host whose disk is the
 * image, or to a local process that is no domain, or to a remote host,
 * and the refusal says what to do.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rbd/librbd.h>

#include "backup-internal.h"
#include "host-internal.h"
#include "clock.h"
#include "internal.h"
#include "mirror-watch.h"
#include "volume-internal.h"
#include "virt.h"
#include "xml-util.h"

void
vrbd_holder_list_free(vrbd_holder *h, size_t n)
{
    if (!h)
        return;
    for (size_t i = 0; i < n; i++) {
        free(h[i].addr);
        free(h[i].domain);
        free(h[i].advice);
        free(h[i].rbd_mirror);
    }
    free(h);
}

/* The IP of a watcher address "[v1:]ip:port/nonce" ("[ip6]:port/..."). */
static char *
addr_ip(const char *addr)
{
    const char *p = addr;
    const char *end;

    if (strncmp(p, "v1:", 3) == 0 || strncmp(p, "v2:", 3) == 0 ||
        strncmp(p, "any:", 4) == 0)
        p = strchr(p, ':') + 1;
    if (*p == '[') {
        end = strchr(p, ']');
        return end ? xstrndup(p + 1, (size_t)(end - p - 1)) : xstrdup(p);
    }
    end = strrchr(p, ':');
    return end ? xstrndup(p, (size_t)(end - p)) : xstrdup(p);
}

/* Whether @ip is loopback or one of this host's addresses. */
static bool
ip_is_local(const char *ip)
{
    struct ifaddrs *ifs = NULL;
    char buf[INET6_ADDRSTRLEN];
    bool local = false;

    if (strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0)
        return true;
    if (getifaddrs(&ifs) < 0)
        return false;
    for (struct ifaddrs *i = ifs; i && !local; i = i->ifa_next) {
        if (!i->ifa_addr)
            continue;
        if (i->ifa_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
                      buf, sizeof(buf));
        else if (i->ifa_addr->sa_family == AF_INET6)
            inet_ntop(AF_INET6,
                      &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, buf,
                      sizeof(buf));
        else
            continue;
        local = strcmp(buf, ip) == 0;
    }
    freeifaddrs(ifs);
    return local;
}

/* Running domains with a disk whose RBD source is @name. */
static char **
domains_with_disk(vrbd_host *host, const char *name)
{
    virDomainPtr *doms = NULL;
    char **res = xcalloc(1, sizeof(char *));
    size_t k = 0;
    int n;

    if (!host)
        return res;
    n = virConnectListAllDomains(vrbd_host_conn(host), &doms,
                                 VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    for (int i = 0; i < n; i++) {
        CLEANUP_FREE char *xml = virDomainGetXMLDesc(doms[i], 0);
        xmlDocPtr doc = xml ? vrbd_xml_parse(xml) : NULL;
        xmlNodePtr devices =
            vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");
        bool uses = false;

        for (xmlNodePtr d = devices ? devices->children : NULL; d && !uses;
             d = d->next) {
            xmlNodePtr src = vrbd_xml_child(d, "source");
            CLEANUP_FREE char *sn = NULL;

            if (d->type != XML_ELEMENT_NODE ||
                strcmp((const char *)d->name, "disk") != 0 ||
                !vrbd_xml_prop_is(src, "protocol", "rbd"))
                continue;
            sn = vrbd_xml_prop(src, "name");
            uses = sn && strcmp(sn, name) == 0;
        }
        if (uses) {
            res = xreallocarray(res, k + 2, sizeof(char *));
            res[k++] = xstrdup(virDomainGetName(doms[i]));
            res[k] = NULL;
        }
        xmlFreeDoc(doc);
        virDomainFree(doms[i]);
    }
    free(doms);
    virResetLastError();
    return res;
}

int
vrbd_volume_who(vrbd_host *host, vrbd_cluster *cl, const vrbd_spec *spec,
                vrbd_holder **out, size_t *n_out, char **owner)
{
    CLEANUP_FREE char *name = NULL;
    vrbd_volume_info *info = NULL;
    vrbd_mirror_watch *mw = NULL;
    vrbd_spec base = *spec;
    vrbd_holder *res;
    char **doms;
    size_t used = 0;

    base.snap = NULL;
    if (vrbd_volume_info_get(cl, &base, &info) < 0)
        return -1;
    name = vrbd_volume_name(&base);
    doms = domains_with_disk(host, name);
    if (info->n_watchers > 0)
        mw = vrbd_mirror_watch_get(cl, base.pool, base.nspace);
    res = xcalloc(info->n_watchers + 1, sizeof(*res));
    for (size_t i = 0; i < info->n_watchers; i++) {
        CLEANUP_FREE char *ip = addr_ip(info->watchers[i].addr);
        vrbd_holder *h = &res[i];

        h->addr = xstrdup(info->watchers[i].addr);
        h->client_id = info->watchers[i].client_id;
        h->local = ip_is_local(ip);
        /* before the domains: a daemon on this host would take a guest's
         * place in the list */
        h->rbd_mirror = vrbd_mirror_watch_describe(mw, h->addr);
        if (h->rbd_mirror) {
            h->advice = xstrdup(
                "no VM: rbd-mirror replicates this image and watches it for as long as it is mirrored; leave it");
        } else if (h->local && doms[used]) {
            /* each local watcher goes to the next domain using the disk:
             * a guest opens its disk once */
            h->domain = xstrdup(doms[used]);
            h->advice = xasprintf("shut the guest down: virsh shutdown "
                                  "%s (or detach the disk)",
                                  doms[used]);
            if (doms[used + 1])
                used++;
        } else if (h->local) {
            h->advice = xstrdup(
                "a process on this host that is no libvirt guest (rbd, "
                "qemu-img, qemu-nbd ...): stop it; a crashed client's watch "
                "expires by itself within 30 s");
        } else {
            h->advice = xasprintf(
                "a client on remote host %s: stop the guest there; if that "
                "client crashed, its watch expires within 30 s",
                ip);
        }
    }
    *out = res;
    *n_out = info->n_watchers;
    if (owner)
        *owner = info->owner ? xstrdup(info->owner) : NULL;
    vrbd_strv_free(doms);
    vrbd_mirror_watch_free(mw);
    vrbd_volume_info_free(info);
    return 0;
}

/*
 * Removing writes (the header, the directory, the object map): in a full
 * pool those writes wait out the timeout, then "Connection timed out".
 * -1 with the error set when @spec's pool is full, else 0.
 */
static int
refuse_if_full(vrbd_cluster *cl, const vrbd_spec *spec, const char *name)
{
    CLEANUP_FREE char *why = vrbd_pool_full_reason(cl, spec->pool);

    if (!why)
        return 0;
    return vrbd_error_set(
        VRBD_ERR_BUSY, EDQUOT,
        "raise the quota first (ceph osd pool set-quota POOL max_bytes N), remove, then set it back",
        "pool '%s' is full, %s: removing '%s' needs writes the pool refuses",
        spec->pool, why, name);
}

/*
 * A removal runs on a thread of its own: after a request that timed out,
 * librbd's clean-up (closing the image, releasing its lock, ...) waits out
 * one more timeout per step (20 s after the cluster paused, with --timeout
 * 4).  The caller waits as long as librbd reports progress, and gives up
 * once it has reported none for 1.25 x the timeout; the removal then ends
 * as a killed run's would, and the next vol rm finishes it
 * (vrbd_volume_removing_id()).
 */
struct removal {
    vrbd_cluster *cl;
    rados_ioctx_t io; /* the thread's */
    char *image;      /* remove by name, or */
    char *id;         /* finish a removal that was interrupted */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    double last; /* vrbd_now() of the last progress */
    bool paused; /* the tests' pause point was passed */
    bool done, abandoned;
    int r;
};

static void
removal_free(struct removal *m)
{
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->cond);
    free(m->image);
    free(m->id);
    free(m);
}

/* librbd's progress while it deletes the data objects */
static int
removal_progress(uint64_t done, uint64_t total, void *arg)
{
    struct removal *m = arg;
    bool pause = false;

    pthread_mutex_lock(&m->lock);
    if (done > 0 && !m->paused)
        pause = m->paused = true;
    m->last = vrbd_now();
    pthread_mutex_unlock(&m->lock);
    if (pause) {
        vrbd_test_pause("rm-removing");
        pthread_mutex_lock(&m->lock);
        m->last = vrbd_now();
        pthread_mutex_unlock(&m->lock);
    }
    return 0;
}

static void *
removal_run(void *arg)
{
    struct removal *m = arg;
    vrbd_cluster *cl = m->cl;
    bool abandoned;
    int r;

    if (m->id)
        r = rbd_trash_remove_with_progress(m->io, m->id, true, removal_progress,
                                           m);
    else
        r = rbd_remove_with_progress(m->io, m->image, removal_progress, m);
    rados_ioctx_destroy(m->io);
    pthread_mutex_lock(&m->lock);
    m->r = r;
    m->done = true;
    abandoned = m->abandoned;
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->lock);
    if (abandoned)
        removal_free(m);
    vrbd_cluster_release(cl);
    return NULL;
}

int
vrbd_remove_bounded(vrbd_cluster *cl, rados_ioctx_t io, const char *image,
                    const char *id)
{
    struct removal *m = xcalloc(1, sizeof(*m));
    double limit = 1.25 * vrbd_cluster_timeout(cl);
    pthread_attr_t a;
    pthread_t t;
    int r;

    m->cl = cl;
    m->io = io;
    m->image = image ? xstrdup(image) : NULL;
    m->id = id ? xstrdup(id) : NULL;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->cond, NULL);
    m->last = vrbd_now();
    vrbd_cluster_hold(cl);
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    r = pthread_create(&t, &a, removal_run, m);
    pthread_attr_destroy(&a);
    if (r != 0) /* no thread: removed here, however long it takes */
        removal_run(m);
    pthread_mutex_lock(&m->lock);
    while (!m->done && vrbd_now() - m->last < limit) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000 * 1000 * 1000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000 * 1000 * 1000;
        }
        pthread_cond_timedwait(&m->cond, &m->lock, &ts);
    }
    if (!m->done) {
        /* the thread frees it, and holds @cl until then */
        m->abandoned = true;
        pthread_mutex_unlock(&m->lock);
        return -ETIMEDOUT;
    }
    r = m->r;
    pthread_mutex_unlock(&m->lock);
    removal_free(m);
    return r;
}

char *
vrbd_volume_removing_id(rados_ioctx_t io, const char *image)
{
    rbd_image_spec_t *specs = NULL;
    size_t max = 1024;
    char *id = NULL;
    int r;

    for (;;) {
        specs = xreallocarray(specs, max, sizeof(*specs));
        r = rbd_list2(io, specs, &max);
        if (r != -ERANGE)
            break;
    }
    if (r < 0) {
        free(specs);
        return NULL;
    }
    for (size_t i = 0; i < max && !id; i++) {
        rbd_trash_image_info_t t;

        if (strcmp(specs[i].name, image) != 0 ||
            rbd_trash_get(io, specs[i].id, &t) < 0)
            continue;
        if (t.source == RBD_TRASH_IMAGE_SOURCE_REMOVING)
            id = xstrdup(specs[i].id);
        rbd_trash_get_cleanup(&t);
    }
    rbd_image_spec_list_cleanup(specs, max);
    free(specs);
    return id;
}

/* vol rm of an image whose removal was interrupted: finish it.  1 when
 * @spec is no such image (the caller's error stands), else 0 or -1 */
static int
finish_removal(vrbd_host *host, vrbd_cluster *cl, const vrbd_spec *spec,
               const char *name)
{
    CLEANUP_FREE char *id = NULL;
    rados_ioctx_t io;
    int r;

    if (vrbd_volume_ioctx(cl, spec->pool, spec->nspace, &io) < 0)
        return 1;
    id = vrbd_volume_removing_id(io, spec->image);
    if (!id) {
        rados_ioctx_destroy(io);
        return 1;
    }
    vrbd_error_clear();
    vrbd_debug("'%s' is half-removed (trash id %s): finishing", name, id);
    r = vrbd_remove_bounded(cl, io, NULL, id);
    if (r < 0)
        return vrbd_cluster_error(
            cl, r, "cannot finish the interrupted removal of image '%s'", name);
    if (host &&
        vrbd_host_refresh_pools_of(host, vrbd_cluster_fsid(cl), spec->pool) < 0)
        vrbd_error_clear();
    return 0;
}

/* How many of @holders use the image: rbd-mirror's own are none */
static size_t
users(const vrbd_holder *holders, size_t nh)
{
    size_t n = 0;

    for (size_t i = 0; i < nh; i++)
        n += holders[i].rbd_mirror == NULL;
    return n;
}

/* -1, with the error that image @name is held by @holders (and @owner,
 * the recorded one); rbd-mirror's own are left out */
static int
refuse_held(const char *name, const vrbd_holder *holders, size_t nh,
            const char *owner)
{
    CLEANUP_FREE char *who = xstrdup("");
    const vrbd_holder *first = NULL;

    for (size_t i = 0; i < nh; i++) {
        char *next;

        if (holders[i].rbd_mirror)
            continue;
        next = xasprintf("%s%sclient.%lld at %s%s%s%s", who, first ? "; " : "",
                         (long long)holders[i].client_id, holders[i].addr,
                         holders[i].domain ? " (domain '" : "",
                         holders[i].domain ? holders[i].domain : "",
                         holders[i].domain ? "')" : "");
        if (!first)
            first = &holders[i];
        free(who);
        who = next;
    }
    if (owner && !first->domain) {
        char *next = xasprintf("%s; recorded owner: %s", who, owner);

        free(who);
        who = next;
    }
    return vrbd_error_set(VRBD_ERR_BUSY, EBUSY, first->advice,
                          "image '%s' is in use: %s", name, who);
}

/* Whether image @name (@info) may go: no snapshot in use (protected, or
 * with clones, but for clone v2 children of an image going to the trash),
 * and its snapshots only with force or to the trash.  0, or -1 with the
 * error set. */
static int
check_snaps(vrbd_cluster *cl, const vrbd_spec *spec, const char *name,
            const vrbd_volume_info *info, const vrbd_remove_opts *opts)
{
    CLEANUP_FREE char *list = xstrdup("");
    /* the bases of its next backups are virt-rbd's: they go with it */
    size_t bases = info->n_snaps > 0 && !opts->force && !opts->trash
                       ? vrbd_bk_bases_on(cl, spec)
                       : 0;

    if (info->n_snaps > bases && info->n_children == 0 &&
        !info->any_protected && !opts->force && !opts->trash)
        return vrbd_error_set(
            VRBD_ERR_BUSY, EBUSY, "add {force} to remove them with it",
            "image '%s' has %zu snapshot(s)", name, info->n_snaps - bases);
    if (info->n_children == 0 && !info->any_protected)
        return 0;
    /* clone v2 (no protection): the clones keep reading from the parent
     * in the trash, and a purge leaves it there while they do */
    if (opts->trash && !info->any_protected)
        return 0;
    for (size_t i = 0; i < info->n_snaps; i++) {
        const vrbd_snap *s = &info->snaps[i];
        bool kids = s->children && s->children[0];
        char *next;

        if (!s->is_protected && !kids)
            continue;
        next =
            xasprintf("%s%s@%s%s%s%s", list, *list ? ", " : "", s->name,
                      s->is_protected ? " (protected)" : "",
                      kids ? " with clone " : "", kids ? s->children[0] : "");
        free(list);
        list = next;
    }
    return vrbd_error_set(
        VRBD_ERR_BUSY, EBUSY,
        "flatten or remove the clones, then unprotect and remove those snapshots",
        "image '%s' has snapshots in use: %s", name, list);
}

int
vrbd_volume_remove_check(vrbd_cluster *cl, const vrbd_spec *spec,
                         const vrbd_remove_opts *opts)
{
    CLEANUP_FREE char *name = vrbd_volume_name(spec);
    vrbd_volume_info *info = NULL;
    int r;

    if (vrbd_volume_info_get(cl, spec, &info) < 0)
        return -1;
    r = check_snaps(cl, spec, name, info, opts);
    vrbd_volume_info_free(info);
    return r < 0 ? r : vrbd_bk_refuse_remove(cl, spec, name, opts->force);
}

/* The image goes: to the trash, or its snapshots and then itself (bounded
 * by the connection's timeout).  0, or a negative errno; @io is used up. */
static int
remove_image(vrbd_cluster *cl, rados_ioctx_t io, const vrbd_spec *spec,
             const vrbd_volume_info *info, const vrbd_remove_opts *opts)
{
    rbd_image_t img;
    int r = 0;

    if (opts->trash) {
        uint64_t keep = opts->version >= 2 && opts->keep_sec
                            ? opts->keep_sec
                            : vrbd_cluster_trash_keep(cl);
        const char *by = opts->version >= 2 && opts->by ? opts->by : "vrbd";

        /* what removed it, for 'vol trash list' and 'vm restore' */
        r = rbd_open(io, spec->image, &img, NULL);
        if (r == 0) {
            r = rbd_metadata_set(img, VRBD_REMOVED_KEY, by);
            rbd_close(img);
        }
        if (r == 0 && (r = rbd_trash_move(io, spec->image, keep)) < 0 &&
            rbd_open(io, spec->image, &img, NULL) == 0) {
            /* not removed after all: no record says it was */
            rbd_metadata_remove(img, VRBD_REMOVED_KEY);
            rbd_close(img);
        }
        rados_ioctx_destroy(io);
        return r;
    }
    if (info->n_snaps > 0) {
        r = rbd_open(io, spec->image, &img, NULL);
        if (r == 0) {
            for (size_t i = 0; r == 0 && i < info->n_snaps; i++)
                r = rbd_snap_remove(img, info->snaps[i].name);
            rbd_close(img);
        }
    }
    if (r < 0) {
        rados_ioctx_destroy(io);
        return r;
    }
    return vrbd_remove_bounded(cl, io, spec->image, NULL); /* takes @io */
}

int
vrbd_volume_remove(vrbd_host *host, vrbd_cluster *cl, const vrbd_spec *spec,
                   const vrbd_remove_opts *opts)
{
    CLEANUP_FREE char *name = NULL;
    CLEANUP_FREE char *owner = NULL;
    vrbd_volume_info *info = NULL;
    vrbd_holder *holders = NULL;
    size_t nh = 0;
    rados_ioctx_t io;
    int r;

    if (vrbd_opts_check(opts, VRBD_REMOVE_OPTS_VERSION, "vrbd_remove_opts") < 0)
        return -1;
    if (!spec->image || spec->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "to remove a snapshot: {prog}{vrbd_snap_remove}",
                              "vol rm takes POOL/IMAGE without @SNAP");
    name = vrbd_volume_name(spec);
    if (vrbd_volume_who(host, cl, spec, &holders, &nh, &owner) < 0) {
        if (vrbd_error_last()->code != VRBD_ERR_NOT_FOUND)
            return -1;
        return finish_removal(host, cl, spec, name) == 0 ? 0 : -1;
    }
    r = users(holders, nh) > 0 ? refuse_held(name, holders, nh, owner) : 0;
    vrbd_holder_list_free(holders, nh);
    if (r < 0 || vrbd_mirror_refuse_remove(cl, spec, name) < 0 ||
        vrbd_volume_info_get(cl, spec, &info) < 0)
        return -1;
    if (check_snaps(cl, spec, name, info, opts) < 0 ||
        vrbd_bk_refuse_remove(cl, spec, name, opts->force) < 0 ||
        refuse_if_full(cl, spec, name) < 0 ||
        vrbd_volume_ioctx(cl, spec->pool, spec->nspace, &io) < 0) {
        vrbd_volume_info_free(info);
        return -1;
    }
    r = remove_image(cl, io, spec, info, opts);
    vrbd_volume_info_free(info);
    if (r == -EBUSY)
        return vrbd_error_set(VRBD_ERR_BUSY, EBUSY,
                              "see {prog}{vrbd_volume_who}, and try again",
                              "image '%s' was opened meanwhile", name);
    if (r < 0)
        return vrbd_cluster_error(cl, r, "cannot remove image '%s'", name);
    /* libvirt lists images until its pool is refreshed */
    if (host &&
        vrbd_host_refresh_pools_of(host, vrbd_cluster_fsid(cl), spec->pool) < 0)
        vrbd_error_clear();
    return 0;
}
