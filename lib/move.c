/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * move.c: moving a VM's local disks to RBD.  Offline: copy each disk with
 * the data mover (verified), then switch the domain definition in one
 * define, keeping the old one for a rollback.  Nothing the domain runs on
 * changes until that single define; a failure before it removes the new
 * images and leaves the domain as it was.
 *
 * Live: libvirt block copy of each disk to an RBD image made beforehand
 * (sparse: QEMU's mirror skips what the source does not allocate), all
 * copies in flight at once; once every one is in sync and the destination
 * cluster still answers, each is pivoted, and only then is the persistent
 * definition made to match.  Any failure before a pivot cancels the copies
 * and leaves the guest on its old disks with its definition untouched.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "clock.h"
#include "host-internal.h"
#include "internal.h"
#include "volume-internal.h"
#include "virt.h"
#include "xml-util.h"

static char *
rollback_path(vrbd_registry *reg, const char *domain)
{
    return xasprintf("%s/rollback/%s.xml", vrbd_registry_dir(reg), domain);
}

static int
save_rollback(vrbd_registry *reg, const char *domain, const char *xml)
{
    CLEANUP_FREE char *dir = xasprintf("%s/rollback", vrbd_registry_dir(reg));
    CLEANUP_FREE char *path = rollback_path(reg, domain);
    CLEANUP_FREE char *tmp = xasprintf("%s.tmp", path);
    size_t len = strlen(xml);
    int fd;

    mkdir(vrbd_registry_dir(reg), 0755);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                              "cannot create '%s': %s", dir, strerror(errno));
    /* the definition may carry graphics passwords: 0600 */
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, xml, len) != (ssize_t)len || fsync(fd) < 0 ||
        close(fd) < 0 || (fd = -1, rename(tmp, path) < 0)) {
        int e = errno;

        if (fd >= 0)
            close(fd);
        unlink(tmp);
        return vrbd_error_set(VRBD_ERR_IO, e, NULL, "cannot write '%s': %s",
                              path, strerror(e));
    }
    return 0;
}

struct local_disk {
    xmlNodePtr node;
    char *target;
    char *path; /* file or device; NULL for an RBD source */
    bool block;
    char *format;  /* of a file or device: raw, qcow2... */
    bool rbd;      /* an RBD image, on the cluster with @fsid */
    vrbd_spec img; /* ... this one */
    char *fsid;
};

/* The fsid of the cluster behind an RBD disk, from the usage name of the
 * libvirt secret it authenticates with; NULL when virt-rbd did not make
 * that secret. */
static char *
disk_fsid(virConnectPtr conn, xmlNodePtr disk)
{
    xmlNodePtr src = vrbd_xml_child(disk, "source");
    xmlNodePtr sec = vrbd_xml_child(vrbd_xml_child(src, "auth"), "secret");
    CLEANUP_FREE char *uuid = NULL;
    virSecretPtr s;
    char *fsid;

    if (!sec)
        sec = vrbd_xml_child(vrbd_xml_child(disk, "auth"), "secret");
    uuid = vrbd_xml_prop(sec, "uuid");
    s = uuid ? virSecretLookupByUUIDString(conn, uuid) : NULL;
    if (!s)
        return NULL;
    fsid = vrbd_secret_usage_fsid(virSecretGetUsageID(s));
    virSecretFree(s);
    return fsid;
}

static bool
wanted(const vrbd_move_opts *o, const char *target)
{
    if (!o->disks)
        return true;
    for (size_t i = 0; i < o->n_disks; i++)
        if (strcmp(o->disks[i], target) == 0)
            return true;
    return false;
}

/*
 * A new <disk> for RBD image @img in @doc, in place of @old (target @target,
 * its bus, boot order and PCI address kept); NULL with the error set.
 */
xmlNodePtr
vrbd_rbd_disk_node(xmlDocPtr doc, xmlNodePtr old, const vrbd_spec *img,
                   const char *target, const char *const *hosts, size_t n_hosts,
                   const char *user, const char *uuid)
{
    static const char *const keep[] = {"boot", "address"};
    CLEANUP_FREE char *name = vrbd_volume_name(img);
    CLEANUP_FREE char *bus =
        vrbd_xml_prop(vrbd_xml_child(old, "target"), "bus");
    CLEANUP_FREE char *dxml = NULL;
    vrbd_disk_spec d = {.kind = VRBD_DISK_RBD,
                        .rbd_name = name,
                        .hosts = hosts,
                        .n_hosts = n_hosts,
                        .auth_user = user,
                        .secret_uuid = uuid,
                        .bus = bus};
    xmlDocPtr one;
    xmlNodePtr nn;

    dxml = vrbd_disk_build_xml(&d, target);
    one = dxml ? vrbd_xml_parse(dxml) : NULL;
    if (!one) {
        if (dxml)
            vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                           "cannot parse the new disk XML of %s", target);
        return NULL;
    }
    nn = xmlDocCopyNode(xmlDocGetRootElement(one), doc, 1);
    xmlFreeDoc(one);
    for (size_t k = 0; k < 2; k++) {
        xmlNodePtr c = vrbd_xml_child(old, keep[k]);

        if (c)
            xmlAddChild(nn, xmlCopyNode(c, 1));
    }
    return nn;
}

int
vrbd_rbd_access_get(vrbd_host *host, vrbd_cluster *cl, const char *pool,
                    struct vrbd_rbd_access *a)
{
    if (vrbd_host_connection_for(host, cl, pool, NULL, &a->user, a->uuid) < 0)
        return -1;
    a->hosts = vrbd_cluster_mon_hosts(cl, &a->n_hosts);
    return a->hosts ? 0 : -1;
}

void
vrbd_rbd_access_clear(struct vrbd_rbd_access *a)
{
    free(a->user);
    vrbd_strv_free(a->hosts);
    memset(a, 0, sizeof(*a));
}

/* The <devices> of domain @dom (@domain) as @flags read it: its XML in
 * *@xml, parsed in *@doc; NULL with the error set */
static xmlNodePtr
read_devices(virDomainPtr dom, const char *domain, unsigned flags, char **xml,
             xmlDocPtr *doc)
{
    xmlNodePtr devices;

    *xml = virDomainGetXMLDesc(dom, flags);
    *doc = *xml ? vrbd_xml_parse(*xml) : NULL;
    devices =
        vrbd_xml_child(*doc ? xmlDocGetRootElement(*doc) : NULL, "devices");
    if (!devices)
        vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                       "cannot read the definition of '%s'", domain);
    return devices;
}

/* -1, with the error that @domain has no disk to move */
static int
nothing_to_move(const char *domain, const vrbd_move_opts *o)
{
    return vrbd_error_set(VRBD_ERR_NOT_FOUND, 0,
                          "see '{prog}{vrbd_vm_disk_list}'",
                          "domain '%s' has no local disk to move%s", domain,
                          o->disks ? " among those named" : "");
}

/* A disk of an offline move, at the end of *@ld (@n long) */
static struct local_disk *
add_local_disk(struct local_disk **ld, size_t *n, xmlNodePtr d, char **target)
{
    struct local_disk *l;

    *ld = xreallocarray(*ld, *n + 1, sizeof(**ld));
    l = &(*ld)[(*n)++];
    memset(l, 0, sizeof(*l));
    l->node = d;
    l->target = TAKE(*target);
    return l;
}

/* An RBD disk @d named in --disks, to go to another cluster or pool: its
 * image and its cluster's fsid.  0, or -1 with the error set. */
static int
add_rbd_disk(virConnectPtr conn, const char *domain, xmlNodePtr d,
             char **target, struct local_disk **ld, size_t *n)
{
    CLEANUP_FREE char *name =
        vrbd_xml_prop(vrbd_xml_child(d, "source"), "name");
    struct local_disk *l = add_local_disk(ld, n, d, target);

    l->rbd = true;
    if (!name || vrbd_spec_parse(name, VRBD_SPEC_IMAGE, &l->img) < 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "disk %s of '%s' names no RBD image", l->target,
                              domain);
    l->fsid = disk_fsid(conn, d);
    if (!l->fsid)
        return vrbd_error_set(
            VRBD_ERR_NOT_FOUND, 0,
            "attach it with {prog}{vrbd_vm_disk_attach}, or move it {move_live}",
            "disk %s of '%s': its cluster is not known to virt-rbd (its secret is not one virt-rbd made)",
            l->target, domain);
    return 0;
}

/* 1. which disks: local raw files and block devices, and RBD disks named
 * in --disks.  0, or -1 with the error set (*@n counts those to free). */
static int
find_offline_disks(virConnectPtr conn, xmlNodePtr devices, const char *domain,
                   const vrbd_move_opts *o, struct local_disk **ld, size_t *n)
{
    for (xmlNodePtr d = devices->children; d; d = d->next) {
        CLEANUP_FREE char *type = NULL;
        CLEANUP_FREE char *fmt = NULL;
        CLEANUP_FREE char *target = NULL;
        struct local_disk *l;

        if (d->type != XML_ELEMENT_NODE ||
            strcmp((const char *)d->name, "disk") != 0 ||
            !vrbd_xml_prop_is(d, "device", "disk"))
            continue;
        type = vrbd_xml_prop(d, "type");
        target = vrbd_xml_prop(vrbd_xml_child(d, "target"), "dev");
        if (type && strcmp(type, "network") == 0 &&
            vrbd_xml_prop_is(vrbd_xml_child(d, "source"), "protocol", "rbd") &&
            o->disks && target && wanted(o, target) &&
            !vrbd_xml_child(d, "readonly") && !vrbd_xml_child(d, "shareable")) {
            if (add_rbd_disk(conn, domain, d, &target, ld, n) < 0)
                return -1;
            continue;
        }
        if (!type || (strcmp(type, "file") && strcmp(type, "block")) ||
            !target || !wanted(o, target))
            continue;
        fmt = vrbd_xml_prop(vrbd_xml_child(d, "driver"), "type");
        l = add_local_disk(ld, n, d, &target);
        l->block = strcmp(type, "block") == 0;
        l->format = fmt ? TAKE(fmt) : xstrdup("raw");
        l->path = vrbd_xml_prop(vrbd_xml_child(d, "source"),
                                l->block ? "dev" : "file");
        if (!l->path)
            return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                                  "disk %s of '%s' has no source", l->target,
                                  domain);
    }
    return *n ? 0 : nothing_to_move(domain, o);
}

/* 2. copy disk @l, verified, to @s (DOMAIN-TARGET in the pool of the
 * move): 0, or -1 with the error set */
static int
copy_disk(vrbd_cluster *cl, vrbd_registry *reg, const struct local_disk *l,
          const vrbd_spec *s)
{
    vrbd_copy_opts co = {
        .version = VRBD_COPY_OPTS_VERSION, .verify = true, .format = l->format};
    vrbd_copy_stats st;
    vrbd_cluster *scl;
    int r;

    if (!l->rbd) {
        vrbd_info("moving %s (%s) to %s/%s", l->target, l->path, s->pool,
                  s->image);
        return vrbd_import_file(cl, l->path, s, &co, &st);
    }
    vrbd_info("moving %s (%s/%s) to %s/%s", l->target, l->img.pool,
              l->img.image, s->pool, s->image);
    scl = vrbd_cluster_by_fsid(reg, l->fsid, 0);
    r = scl ? vrbd_copy_image(scl, &l->img, cl, s, &co, &st) : -1;
    vrbd_cluster_free(scl);
    return r;
}

/* 3. the new definition, disk by disk, with libxml2: each disk of @ld
 * replaced by one on its image in @made */
static int
rewrite_disks(xmlDocPtr doc, struct local_disk *ld, size_t n,
              const vrbd_spec *made, const struct vrbd_rbd_access *a)
{
    for (size_t i = 0; i < n; i++) {
        xmlNodePtr nn = vrbd_rbd_disk_node(
            doc, ld[i].node, &made[i], ld[i].target,
            (const char *const *)a->hosts, a->n_hosts, a->user, a->uuid);

        if (!nn)
            return -1;
        xmlReplaceNode(ld[i].node, nn);
        xmlFreeNode(ld[i].node);
        ld[i].node = nn;
    }
    return 0;
}

/* The local files the move copied go, unless --keep-source */
static void
delete_sources(const struct local_disk *ld, size_t n, const vrbd_move_opts *o,
               vrbd_move_result *res)
{
    for (size_t i = 0; !o->keep_source && i < n; i++) {
        if (!ld[i].path || ld[i].block)
            continue;
        if (unlink(ld[i].path) == 0)
            res->deleted++;
        else
            vrbd_warn("could not delete '%s': %s", ld[i].path, strerror(errno));
    }
}

/* The images a failed move made go again; the error stays */
static void
remove_made(vrbd_cluster *cl, const vrbd_spec *made, size_t n)
{
    vrbd_error_saved saved;

    vrbd_error_save(&saved);
    for (size_t i = 0; i < n; i++) {
        vrbd_remove_opts ro = {.version = VRBD_REMOVE_OPTS_VERSION,
                               .force = true};

        vrbd_volume_remove(NULL, cl, &made[i], &ro);
    }
    vrbd_error_restore(&saved, NULL);
}

static void
local_disks_free(struct local_disk *ld, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ld[i].target);
        free(ld[i].path);
        free(ld[i].fsid);
        free(ld[i].format);
        vrbd_spec_clear(&ld[i].img);
    }
    free(ld);
}

int
vrbd_vm_move_offline(vrbd_host *host, vrbd_cluster *cl, vrbd_registry *reg,
                     const char *domain, const vrbd_move_opts *o,
                     vrbd_move_result *res)
{
    virConnectPtr conn = vrbd_host_conn(host);
    virDomainPtr dom = NULL, nd = NULL;
    CLEANUP_FREE char *old = NULL;
    CLEANUP_FREE char *newxml = NULL;
    struct vrbd_rbd_access a = {0};
    struct local_disk *ld = NULL;
    vrbd_spec *made = NULL;
    size_t n = 0, n_made = 0;
    xmlDocPtr doc = NULL;
    xmlNodePtr devices;
    int ret = -1;

    if (vrbd_opts_check(o, VRBD_MOVE_OPTS_VERSION, "vrbd_move_opts") < 0)
        return -1;
    res->moved = 0;
    res->deleted = 0;
    dom = virDomainLookupByName(conn, domain);
    if (!dom)
        return vrbd_error_libvirt("see 'virsh list --all'", "no domain '%s'",
                                  domain);
    if (virDomainIsActive(dom) == 1) {
        CLEANUP_FREE char *hint = xasprintf(
            "shut it down first (virsh shutdown %s), or move it {move_live}",
            domain);

        vrbd_error_set(
            VRBD_ERR_BUSY, EBUSY, hint,
            "domain '%s' is running: an offline move needs it stopped", domain);
        goto cleanup;
    }
    devices = read_devices(dom, domain,
                           VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE,
                           &old, &doc);
    if (!devices || find_offline_disks(conn, devices, domain, o, &ld, &n) < 0)
        goto cleanup;
    /* 2. copy each, verified, to DOMAIN-TARGET */
    made = xcalloc(n, sizeof(*made));
    for (; n_made < n; n_made++) {
        made[n_made].pool = xstrdup(o->pool);
        made[n_made].image = xasprintf("%s-%s", domain, ld[n_made].target);
        if (copy_disk(cl, reg, &ld[n_made], &made[n_made]) < 0)
            goto cleanup;
    }
    /* 3. the new definition */
    if (vrbd_rbd_access_get(host, cl, o->pool, &a) < 0 ||
        rewrite_disks(doc, ld, n, made, &a) < 0)
        goto cleanup;
    newxml = vrbd_xml_dump(doc);
    doc = NULL;
    /* 4. keep the old definition, then switch in one define */
    if (save_rollback(reg, domain, old) < 0)
        goto cleanup;
    nd = virDomainDefineXML(conn, newxml);
    if (!nd) {
        vrbd_error_libvirt(NULL, "cannot switch the definition of '%s'",
                           domain);
        goto cleanup;
    }
    for (size_t i = 0; i < n_made; i++)
        vrbd_vm_record_owner(host, cl, &made[i], nd);
    virDomainFree(nd);
    res->moved = n;
    n_made = 0; /* the images are in use now: keep them */
    delete_sources(ld, n, o, res);
    ret = 0;

cleanup:
    if (n_made > 0)
        remove_made(cl, made, n_made);
    for (size_t i = 0; made && i < n; i++)
        vrbd_spec_clear(&made[i]);
    free(made);
    local_disks_free(ld, n);
    vrbd_rbd_access_clear(&a);
    xmlFreeDoc(doc);
    if (dom)
        virDomainFree(dom);
    return ret;
}

/* ---------------------------------------------------------------- live */

struct live_disk {
    char *target;
    char *bus;
    char *path; /* local file or device; NULL for an RBD source */
    bool file;  /* a plain file: deleted after the move */
    vrbd_spec dst;
    char *dxml; /* the destination <disk> */
    bool made;  /* dst created by us */
    bool copying;
    bool ready;
    bool pivoted;
    unsigned long long cur;
    double progressed; /* when cur last changed */
};

/* Whether the destination cluster still answers: open and stat the
 * image, each step bounded by the connection's timeouts. */
static int
probe(vrbd_cluster *cl, const vrbd_spec *s)
{
    rados_ioctx_t io;
    rbd_image_t img;
    rbd_image_info_t info;
    int r;

    if (vrbd_volume_open(cl, s, true, &io, &img) < 0)
        return -1;
    r = rbd_stat(img, &info, sizeof(info));
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (r < 0) {
        CLEANUP_FREE char *name = vrbd_volume_name(s);

        return vrbd_error_ceph(r, NULL, "cannot read '%s'", name);
    }
    return 0;
}

/* Cancel the copies that did not pivot, wait a little for QEMU to let go
 * of their images, and remove the images we made. */
static void
live_undo(virDomainPtr dom, vrbd_cluster *cl, struct live_disk *ld, size_t n)
{
    vrbd_error_saved saved;
    double deadline;

    vrbd_error_save(&saved);
    for (size_t i = 0; i < n; i++)
        if (ld[i].copying && !ld[i].pivoted &&
            virDomainBlockJobAbort(dom, ld[i].target,
                                   VIR_DOMAIN_BLOCK_JOB_ABORT_ASYNC) < 0)
            vrbd_warn("could not cancel the copy of %s: %s", ld[i].target,
                      virGetLastErrorMessage());
    /* a copy whose destination hangs is cancelled only when its last
     * request returns: the guest runs on its old disk meanwhile */
    deadline = vrbd_now() + 10;
    for (size_t i = 0; i < n; i++) {
        virDomainBlockJobInfo info;
        int r;

        if (!ld[i].copying || ld[i].pivoted)
            continue;
        while ((r = virDomainGetBlockJobInfo(dom, ld[i].target, &info, 0)) ==
                   1 &&
               vrbd_now() < deadline)
            usleep(100000);
        /* -1: libvirt cannot tell (gone again, or QEMU busy with the
         * cancel: seen in CI with the destination's cluster paused): the
         * copy may still run, and its image must stay */
        if (r == 1) {
            vrbd_warn(
                "the copy of %s is still being cancelled (its destination does not answer); the guest runs on its old disk",
                ld[i].target);
            continue;
        }
        if (r < 0) {
            vrbd_warn(
                "the copy of %s is in an unknown state (libvirt: %s); the guest runs on its old disk",
                ld[i].target, virGetLastErrorMessage());
            continue;
        }
        ld[i].copying = false;
    }
    for (size_t i = 0; i < n; i++) {
        vrbd_remove_opts ro = {.version = VRBD_REMOVE_OPTS_VERSION,
                               .force = true};
        CLEANUP_FREE char *name = NULL;

        if (!ld[i].made || ld[i].pivoted)
            continue;
        name = vrbd_volume_name(&ld[i].dst);
        if (ld[i].copying || vrbd_volume_remove(NULL, cl, &ld[i].dst, &ro) < 0)
            vrbd_warn(
                "the unfinished copy '%s:%s' is left: remove it with '{prog}{vrbd_volume_remove} %s:%s' once its cluster answers",
                vrbd_cluster_name(cl), name, vrbd_cluster_name(cl), name);
    }
    vrbd_error_restore(&saved, NULL);
}

/* Start the block copy of every disk, then wait until all are in sync. */
static int
live_copy(virDomainPtr dom, vrbd_cluster *cl, struct live_disk *ld, size_t n,
          const vrbd_move_opts *o)
{
    unsigned stall = o->timeout_sec ? o->timeout_sec : 30;
    size_t n_ready = 0;

    for (size_t i = 0; i < n; i++) {
        virTypedParameter par[1];
        int npar = 0;

        memset(par, 0, sizeof(par));
        if (o->bandwidth) {
            snprintf(par[0].field, sizeof(par[0].field), "%s",
                     VIR_DOMAIN_BLOCK_COPY_BANDWIDTH);
            par[0].type = VIR_TYPED_PARAM_ULLONG;
            par[0].value.ul = o->bandwidth;
            npar = 1;
        }
        /* REUSE_EXT: the image exists (libvirt cannot make RBD images);
         * TRANSIENT_JOB: the job need not survive a restart of the
         * domain, which is what lets a persistent domain copy */
        if (virDomainBlockCopy(dom, ld[i].target, ld[i].dxml, par, npar,
                               VIR_DOMAIN_BLOCK_COPY_REUSE_EXT |
                                   VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB) < 0)
            return vrbd_error_libvirt(NULL, "cannot start the copy of %s",
                                      ld[i].target);
        ld[i].copying = true;
        ld[i].progressed = vrbd_now();
        vrbd_info("%s: copying to %s:%s/%s", ld[i].target,
                  vrbd_cluster_name(cl), ld[i].dst.pool, ld[i].dst.image);
    }
    vrbd_test_pause("move-copying");
    while (n_ready < n) {
        double now;

        if (o->cancel && *o->cancel)
            return vrbd_error_set(
                VRBD_ERR_IO, EINTR, NULL,
                "move interrupted before the switch: the guest stays on its old disks");
        usleep(100000);
        now = vrbd_now();
        for (size_t i = 0; i < n; i++) {
            virDomainBlockJobInfo info;
            int r;

            if (ld[i].ready)
                continue;
            r = virDomainGetBlockJobInfo(dom, ld[i].target, &info, 0);
            if (r < 0)
                return vrbd_error_libvirt(NULL, "cannot follow the copy of %s",
                                          ld[i].target);
            if (r == 0) {
                ld[i].copying = false;
                return vrbd_error_set(
                    VRBD_ERR_IO, EIO,
                    "see the domain's log in /var/log/libvirt/qemu/",
                    "the copy of %s ended before it was in sync", ld[i].target);
            }
            if (info.cur != ld[i].cur) {
                ld[i].cur = info.cur;
                ld[i].progressed = now;
                if (o->progress)
                    o->progress(ld[i].target, info.cur, info.end, o->opaque);
            }
            if (info.end > 0 && info.cur == info.end) {
                ld[i].ready = true;
                n_ready++;
                vrbd_info("%s: in sync (%llu bytes)", ld[i].target, info.end);
                continue;
            }
            if (now - ld[i].progressed < stall)
                continue;
            /* no progress for a while: a dead destination, or a slow one */
            if (probe(cl, &ld[i].dst) < 0) {
                vrbd_error saved = *vrbd_error_last();

                return vrbd_error_set(
                    saved.code, saved.errnum,
                    "the guest stays on its old disks; move again once the cluster answers",
                    "cluster '%s' stopped answering during the copy of %s: %s",
                    vrbd_cluster_name(cl), ld[i].target, saved.message);
            }
            ld[i].progressed = now;
        }
    }
    return 0;
}

/* Pivot every disk in sync; QEMU may still say "not ready" for a moment
 * after the job reports cur == end. */
static int
live_pivot(virDomainPtr dom, vrbd_cluster *cl, struct live_disk *ld, size_t n,
           const vrbd_move_opts *o)
{
    unsigned stall = o->timeout_sec ? o->timeout_sec : 30;

    /* last look at the destination: a pivot onto a dead cluster would
     * leave the guest's I/O hanging there */
    for (size_t i = 0; i < n; i++)
        if (probe(cl, &ld[i].dst) < 0) {
            vrbd_error saved = *vrbd_error_last();

            return vrbd_error_set(
                saved.code, saved.errnum,
                "the guest stays on its old disks; move again once the cluster answers",
                "cluster '%s' does not answer before the switch of %s: %s",
                vrbd_cluster_name(cl), ld[i].target, saved.message);
        }
    for (size_t i = 0; i < n; i++) {
        double deadline = vrbd_now() + stall;

        vrbd_test_pause("move-pivot");
        while (virDomainBlockJobAbort(dom, ld[i].target,
                                      VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT) < 0) {
            virErrorPtr e = virGetLastError();

            if (!e || e->code != VIR_ERR_BLOCK_COPY_ACTIVE ||
                vrbd_now() > deadline)
                return vrbd_error_libvirt(NULL, "cannot switch %s to RBD",
                                          ld[i].target);
            usleep(100000);
        }
        ld[i].pivoted = true;
        ld[i].copying = false;
        vrbd_info("%s: the guest runs on %s:%s/%s now", ld[i].target,
                  vrbd_cluster_name(cl), ld[i].dst.pool, ld[i].dst.image);
    }
    return 0;
}

/* Make the persistent definition name the images the guest runs on,
 * keeping @orig, the one from before the move, for a rollback (libvirt
 * may have rewritten the sources already at the pivot). */
static int
live_persist(virDomainPtr dom, vrbd_registry *reg, const char *domain,
             const char *orig, struct live_disk *ld, size_t n)
{
    CLEANUP_FREE char *old = NULL;
    CLEANUP_FREE char *newxml = NULL;
    xmlDocPtr doc;
    xmlNodePtr devices;
    virDomainPtr nd;
    int p = virDomainIsPersistent(dom);

    /* -1 is libvirtd gone (a restart), not "transient": the caller
     * reconnects and writes it then */
    if (p < 0)
        return vrbd_error_libvirt(NULL, "cannot read the definition of '%s'",
                                  domain);
    if (p == 0)
        return 0;
    old = virDomainGetXMLDesc(dom,
                              VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    doc = old ? vrbd_xml_parse(old) : NULL;
    devices = vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");
    if (!devices) {
        xmlFreeDoc(doc);
        return vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                              "cannot read the definition of '%s'", domain);
    }
    for (xmlNodePtr d = devices->children, next; d; d = next) {
        CLEANUP_FREE char *target = NULL;
        xmlDocPtr one;
        xmlNodePtr nn;
        size_t i;

        next = d->next;
        if (d->type != XML_ELEMENT_NODE ||
            strcmp((const char *)d->name, "disk") != 0)
            continue;
        target = vrbd_xml_prop(vrbd_xml_child(d, "target"), "dev");
        for (i = 0; target && i < n; i++)
            if (ld[i].pivoted && strcmp(ld[i].target, target) == 0)
                break;
        if (!target || i == n)
            continue;
        one = vrbd_xml_parse(ld[i].dxml);
        if (!one)
            continue;
        nn = xmlDocCopyNode(xmlDocGetRootElement(one), doc, 1);
        xmlFreeDoc(one);
        for (xmlNodePtr c = d->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE &&
                (strcmp((const char *)c->name, "boot") == 0 ||
                 strcmp((const char *)c->name, "address") == 0))
                xmlAddChild(nn, xmlCopyNode(c, 1));
        xmlReplaceNode(d, nn);
        xmlFreeNode(d);
    }
    newxml = vrbd_xml_dump(doc);
    if (save_rollback(reg, domain, orig ? orig : old) < 0)
        return -1;
    nd = virDomainDefineXML(virDomainGetConnect(dom), newxml);
    if (!nd)
        return vrbd_error_libvirt(
            "the guest runs on RBD already; run '{prog}{vrbd_vm_move_offline}' after a shutdown to fix the definition",
            "cannot update the definition of '%s'", domain);
    virDomainFree(nd);
    return 0;
}

/* Whether RBD disk @disk (target @target) of @domain is the image a live
 * move to @pool of @cl would make: moved there already. */
static bool
on_destination(virConnectPtr conn, vrbd_cluster *cl, xmlNodePtr disk,
               const char *pool, const char *domain, const char *target)
{
    CLEANUP_FREE char *name =
        vrbd_xml_prop(vrbd_xml_child(disk, "source"), "name");
    CLEANUP_FREE char *dst = xasprintf("%s/%s-%s", pool, domain, target);
    CLEANUP_FREE char *fsid = NULL;

    if (!name || strcmp(name, dst) != 0)
        return false;
    fsid = disk_fsid(conn, disk);
    return fsid && strcmp(fsid, vrbd_cluster_fsid(cl)) == 0;
}

/* Every disk runs on its new image and the definition says so: record
 * the owners, delete the old files. */
static void
live_finish(vrbd_host *host, vrbd_cluster *cl, virDomainPtr dom,
            struct live_disk *ld, size_t n, const vrbd_move_opts *o,
            vrbd_move_result *res)
{
    for (size_t i = 0; i < n; i++)
        vrbd_vm_record_owner(host, cl, &ld[i].dst, dom);
    res->moved = n;
    if (o->keep_source)
        return;
    for (size_t i = 0; i < n; i++) {
        if (!ld[i].file)
            continue;
        if (unlink(ld[i].path) == 0)
            res->deleted++;
        else
            vrbd_warn("could not delete '%s': %s", ld[i].path, strerror(errno));
    }
}

/*
 * A live move lost its connection to libvirtd (a restart).  libvirtd
 * picks up the domain's block jobs again when it comes back, so: open the
 * connection again, look the domain up anew in *@dom, and learn from its
 * live definition which disks QEMU runs on the new images already (a
 * pivot whose answer was lost).  Either way the error is set for the
 * move to report: 0 when reconnected, -1 when libvirtd did not come back
 * (then nothing can be cancelled or removed: the error says what to look
 * at).
 */
static int
move_reconnect(vrbd_host *host, virDomainPtr *dom, const char *domain,
               struct live_disk *ld, size_t n)
{
    CLEANUP_FREE char *why = xstrdup(vrbd_error_last()->message);
    CLEANUP_FREE char *live = NULL;
    vrbd_vm_disk *disks = NULL;
    size_t nd = 0;
    virDomainPtr d;

    if (vrbd_host_reconnect(host) < 0) {
        CLEANUP_FREE char *hint = xasprintf(
            "once libvirtd answers: 'virsh blockjob %s TARGET' shows a copy "
            "still running ('--abort' cancels it), '{prog}{vrbd_vm_disk_list} %s' "
            "which disks run on RBD; then remove the new images no disk uses",
            domain, domain);

        return vrbd_error_set(
            VRBD_ERR_UNREACHABLE, 0, hint,
            "the live move of '%s' stopped: the connection to libvirtd was lost (%s), and %s; the copies may still run, nothing was cancelled or removed",
            domain, why, vrbd_error_last()->message);
    }
    d = virDomainLookupByName(vrbd_host_conn(host), domain);
    live = d ? virDomainGetXMLDesc(d, 0) : NULL;
    if (!live) {
        if (d)
            virDomainFree(d);
        return vrbd_error_libvirt(
            NULL,
            "libvirtd restarted during the live move of '%s', and the domain cannot be read",
            domain);
    }
    virDomainFree(*dom);
    *dom = d;
    vrbd_vm_disks_read(NULL, live, &disks, &nd);
    for (size_t i = 0; i < n; i++) {
        CLEANUP_FREE char *name =
            ld[i].dst.image ? vrbd_volume_name(&ld[i].dst) : NULL;

        for (size_t k = 0; name && !ld[i].pivoted && k < nd; k++)
            if (disks[k].rbd && disks[k].target && disks[k].source &&
                strcmp(disks[k].target, ld[i].target) == 0 &&
                strcmp(disks[k].source, name) == 0) {
                ld[i].pivoted = true;
                ld[i].copying = false;
            }
    }
    vrbd_vm_disk_list_free(disks, nd);
    vrbd_error_set(
        VRBD_ERR_UNREACHABLE, 0,
        "move again: the disks that did not switch start over",
        "lost the connection to libvirtd during the live move of '%s' (%s); reconnected and cancelled the copies that had not switched",
        domain, why);
    return 0;
}

/* 1. which disks: local files and block devices in any format QEMU
 * reads; RBD disks (another pool or cluster) only when named, and not
 * those on their destination already (counted in *@n_there).  0, or -1
 * with the error set (*@n counts those to free). */
static int
find_live_disks(virConnectPtr conn, vrbd_cluster *cl, xmlNodePtr devices,
                const char *domain, const vrbd_move_opts *o,
                struct live_disk **ld, size_t *n, size_t *n_there)
{
    for (xmlNodePtr d = devices->children; d; d = d->next) {
        xmlNodePtr src = vrbd_xml_child(d, "source");
        CLEANUP_FREE char *type = NULL;
        CLEANUP_FREE char *target = NULL;
        struct live_disk *l;
        bool rbd;

        if (d->type != XML_ELEMENT_NODE ||
            strcmp((const char *)d->name, "disk") != 0 ||
            !vrbd_xml_prop_is(d, "device", "disk") ||
            vrbd_xml_child(d, "readonly") || vrbd_xml_child(d, "shareable"))
            continue;
        type = vrbd_xml_prop(d, "type");
        target = vrbd_xml_prop(vrbd_xml_child(d, "target"), "dev");
        rbd = type && strcmp(type, "network") == 0 &&
              vrbd_xml_prop_is(src, "protocol", "rbd");
        if (!type || !target || !wanted(o, target) ||
            (!rbd && strcmp(type, "file") && strcmp(type, "block")) ||
            (rbd && !o->disks))
            continue;
        if (rbd && on_destination(conn, cl, d, o->pool, domain, target)) {
            (*n_there)++;
            continue;
        }
        *ld = xreallocarray(*ld, *n + 1, sizeof(**ld));
        l = &(*ld)[(*n)++];
        memset(l, 0, sizeof(*l));
        l->target = TAKE(target);
        l->bus = vrbd_xml_prop(vrbd_xml_child(d, "target"), "bus");
        l->file = strcmp(type, "file") == 0;
        if (rbd)
            continue;
        l->path = vrbd_xml_prop(src, l->file ? "file" : "dev");
        if (!l->path)
            return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                                  "disk %s of '%s' has no source", l->target,
                                  domain);
    }
    if (*n == 0 && *n_there > 0) {
        CLEANUP_FREE char *hint =
            xasprintf("see '{prog}{vrbd_vm_disk_list} %s'", domain);

        return vrbd_error_set(
            VRBD_ERR_NOT_FOUND, 0, hint,
            "nothing to move: the named disks of '%s' are on %s:%s already",
            domain, vrbd_cluster_name(cl), o->pool);
    }
    return *n ? 0 : nothing_to_move(domain, o);
}

/* 2. an empty image of the disk's size for disk @l, DOMAIN-TARGET in the
 * pool of the move, and its <disk>: 0, or -1 with the error set */
static int
make_target(virDomainPtr dom, vrbd_cluster *cl, const char *domain,
            const vrbd_move_opts *o, const struct vrbd_rbd_access *a,
            struct live_disk *l)
{
    virDomainBlockInfo bi;
    vrbd_volume_create_opts co = {.version = VRBD_VOLUME_CREATE_OPTS_VERSION};
    vrbd_disk_spec d = {.kind = VRBD_DISK_RBD,
                        .hosts = (const char *const *)a->hosts,
                        .n_hosts = a->n_hosts,
                        .auth_user = a->user,
                        .secret_uuid = a->uuid,
                        .bus = l->bus};
    CLEANUP_FREE char *name = NULL;

    if (virDomainGetBlockInfo(dom, l->target, &bi, 0) < 0)
        return vrbd_error_libvirt(NULL, "cannot read the size of %s",
                                  l->target);
    l->dst.pool = xstrdup(o->pool);
    l->dst.image = xasprintf("%s-%s", domain, l->target);
    co.size = bi.capacity;
    if (vrbd_volume_create(cl, &l->dst, &co) < 0)
        return -1;
    l->made = true;
    name = vrbd_volume_name(&l->dst);
    d.rbd_name = name;
    l->dxml = vrbd_disk_build_xml(&d, l->target);
    return l->dxml ? 0 : -1;
}

/*
 * A live move that failed after its images were made: with libvirtd lost,
 * reconnect first; every disk switched (a pivot's answer lost), finish
 * the move (0); else undo what did not switch, and the definition
 * follows those that did (-1, the error set).
 */
static int
live_recover(vrbd_host *host, virDomainPtr *dom, vrbd_cluster *cl,
             vrbd_registry *reg, const char *domain, const char *orig,
             struct live_disk *ld, size_t n, const vrbd_move_opts *o,
             vrbd_move_result *res)
{
    bool lost = vrbd_host_lost(host);

    /* libvirtd gone for good: touch nothing, the error says what to do */
    if (lost && move_reconnect(host, dom, domain, ld, n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        res->moved += ld[i].pivoted;
    if (lost && res->moved == n) {
        /* every pivot done, its answer lost (libvirtd restarted): the
         * guest runs on RBD; finish the move */
        vrbd_error_clear();
        vrbd_warn(
            "the connection to libvirtd was lost while the disks of '%s' switched to RBD; reconnected: libvirtd had switched every disk, finishing the move",
            domain);
        if (live_persist(*dom, reg, domain, orig, ld, n) < 0)
            return -1;
        live_finish(host, cl, *dom, ld, n, o, res);
        return 0;
    }
    live_undo(*dom, cl, ld, n);
    if (res->moved > 0) {
        vrbd_error_saved saved;

        vrbd_error_save(&saved);
        /* some disks did switch: the definition must follow them */
        if (live_persist(*dom, reg, domain, orig, ld, n) == 0)
            vrbd_error_restore(
                &saved,
                "the disks that switched are on RBD and in the definition; move the rest again");
        else
            vrbd_error_saved_free(&saved);
    }
    return -1;
}

/* 4. the persistent definition, after every disk switched; libvirtd lost
 * meanwhile, reconnect and write it (again, if libvirtd wrote it before
 * the answer was lost) */
static int
live_persist_again(vrbd_host *host, virDomainPtr *dom, vrbd_registry *reg,
                   const char *domain, const char *orig, struct live_disk *ld,
                   size_t n)
{
    if (live_persist(*dom, reg, domain, orig, ld, n) == 0)
        return 0;
    if (!vrbd_host_lost(host) || move_reconnect(host, dom, domain, ld, n) < 0 ||
        live_persist(*dom, reg, domain, orig, ld, n) < 0)
        return -1;
    vrbd_error_clear();
    vrbd_warn(
        "the connection to libvirtd was lost before the definition of '%s' was updated; reconnected and updated it",
        domain);
    return 0;
}

static void
live_disks_free(struct live_disk *ld, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ld[i].target);
        free(ld[i].bus);
        free(ld[i].path);
        free(ld[i].dxml);
        vrbd_spec_clear(&ld[i].dst);
    }
    free(ld);
}

int
vrbd_vm_move_live(vrbd_host *host, vrbd_cluster *cl, vrbd_registry *reg,
                  const char *domain, const vrbd_move_opts *o,
                  vrbd_move_result *res)
{
    virConnectPtr conn = vrbd_host_conn(host);
    virDomainPtr dom = NULL;
    CLEANUP_FREE char *live = NULL;
    CLEANUP_FREE char *orig = NULL;
    struct vrbd_rbd_access a = {0};
    struct live_disk *ld = NULL;
    size_t n = 0, n_there = 0;
    xmlDocPtr doc = NULL;
    xmlNodePtr devices;
    int ret = -1;

    if (vrbd_opts_check(o, VRBD_MOVE_OPTS_VERSION, "vrbd_move_opts") < 0)
        return -1;
    res->moved = 0;
    res->deleted = 0;
    dom = virDomainLookupByName(conn, domain);
    if (!dom)
        return vrbd_error_libvirt("see 'virsh list --all'", "no domain '%s'",
                                  domain);
    if (virDomainIsActive(dom) != 1) {
        vrbd_error_set(
            VRBD_ERR_INVALID, EINVAL, "start it, or move it {move_offline}",
            "domain '%s' is not running: a live move needs it running", domain);
        goto cleanup;
    }
    if (virDomainIsPersistent(dom) == 1)
        orig = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE |
                                            VIR_DOMAIN_XML_SECURE);
    devices = read_devices(dom, domain, 0, &live, &doc);
    if (!devices ||
        find_live_disks(conn, cl, devices, domain, o, &ld, &n, &n_there) < 0 ||
        vrbd_rbd_access_get(host, cl, o->pool, &a) < 0)
        goto cleanup;
    for (size_t i = 0; i < n; i++)
        if (make_target(dom, cl, domain, o, &a, &ld[i]) < 0)
            goto fail;
    /* 3. copy, in sync, pivot; 4. the persistent definition */
    if (live_copy(dom, cl, ld, n, o) < 0 || live_pivot(dom, cl, ld, n, o) < 0)
        goto fail;
    vrbd_test_pause("move-pivoted");
    if (live_persist_again(host, &dom, reg, domain, orig, ld, n) < 0)
        goto cleanup;
    live_finish(host, cl, dom, ld, n, o, res);
    ret = 0;
    goto cleanup;

fail:
    ret = live_recover(host, &dom, cl, reg, domain, orig, ld, n, o, res);
cleanup:
    live_disks_free(ld, n);
    vrbd_rbd_access_clear(&a);
    xmlFreeDoc(doc);
    if (dom)
        virDomainFree(dom);
    return ret;
}

int
vrbd_vm_move_rollback(vrbd_host *host, vrbd_registry *reg, const char *domain)
{
    CLEANUP_FREE char *path = rollback_path(reg, domain);
    CLEANUP_FREE char *xml = NULL;
    virDomainPtr d;
    FILE *f = fopen(path, "r");
    size_t len = 0;

    if (!f)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, errno, NULL,
                              "no earlier definition of '%s' kept (%s)", domain,
                              strerror(errno));
    if (getdelim(&xml, &len, '\0', f) < 0) {
        fclose(f);
        return vrbd_error_set(VRBD_ERR_IO, EIO, NULL, "cannot read '%s'", path);
    }
    fclose(f);
    d = virDomainLookupByName(vrbd_host_conn(host), domain);
    if (d && virDomainIsActive(d) == 1) {
        virDomainFree(d);
        return vrbd_error_set(VRBD_ERR_BUSY, EBUSY, "shut it down first",
                              "domain '%s' is running", domain);
    }
    if (d)
        virDomainFree(d);
    virResetLastError();
    d = virDomainDefineXML(vrbd_host_conn(host), xml);
    if (!d)
        return vrbd_error_libvirt(NULL, "cannot restore the definition of '%s'",
                                  domain);
    virDomainFree(d);
    unlink(path);
    return 0;
}
