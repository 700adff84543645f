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
static xmlNodePtr
rbd_disk_node(xmlDocPtr doc, xmlNodePtr old, const vrbd_spec *img,
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
vrbd_vm_move_offline(vrbd_host *host, vrbd_cluster *cl, vrbd_registry *reg,
                     const char *domain, const vrbd_move_opts *o,
                     vrbd_move_result *res)
{
    virConnectPtr conn = vrbd_host_conn(host);
    virDomainPtr dom = NULL, nd = NULL;
    CLEANUP_FREE char *old = NULL;
    CLEANUP_FREE char *user = NULL;
    CLEANUP_FREE char *newxml = NULL;
    struct local_disk *ld = NULL;
    vrbd_spec *made = NULL;
    size_t n = 0, n_made = 0;
    char uuid[37];
    char **hosts = NULL;
    size_t n_hosts = 0;
    xmlDocPtr doc = NULL;
    xmlNodePtr devices;
    int ret = -1;

    res->moved = 0;
    res->deleted = 0;
    dom = virDomainLookupByName(conn, domain);
    if (!dom)
        return vrbd_error_libvirt("see 'virsh list --all'", "no domain '%s'",
                                  domain);
    if (virDomainIsActive(dom) == 1) {
        CLEANUP_FREE char *hint = xasprintf(
            "shut it down first (virsh shutdown %s), or move it --live",
            domain);

        vrbd_error_set(VRBD_ERR_BUSY, EBUSY, hint,
                       "domain '%s' is running: an offline move needs it "
                       "stopped",
                       domain);
        goto cleanup;
    }
    old = virDomainGetXMLDesc(dom,
                              VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    doc = old ? vrbd_xml_parse(old) : NULL;
    devices = vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");
    if (!devices) {
        vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                       "cannot read the definition of '%s'", domain);
        goto cleanup;
    }
    /* 1. which disks: local raw files and block devices */
    for (xmlNodePtr d = devices->children; d; d = d->next) {
        xmlNodePtr src;
        CLEANUP_FREE char *type = NULL;
        CLEANUP_FREE char *fmt = NULL;
        CLEANUP_FREE char *target = NULL;

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
            /* an RBD disk, named in --disks: to another cluster or pool */
            CLEANUP_FREE char *name =
                vrbd_xml_prop(vrbd_xml_child(d, "source"), "name");

            ld = xreallocarray(ld, n + 1, sizeof(*ld));
            memset(&ld[n], 0, sizeof(*ld));
            ld[n].node = d;
            ld[n].target = TAKE(target);
            ld[n].rbd = true;
            n++;
            if (!name ||
                vrbd_spec_parse(name, VRBD_SPEC_IMAGE, &ld[n - 1].img) < 0) {
                vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                               "disk %s of '%s' names no RBD image",
                               ld[n - 1].target, domain);
                goto cleanup;
            }
            ld[n - 1].fsid = disk_fsid(conn, d);
            if (!ld[n - 1].fsid) {
                vrbd_error_set(VRBD_ERR_NOT_FOUND, 0,
                               "attach it with virt-rbd disk attach, or move "
                               "it --live",
                               "disk %s of '%s': its cluster is not known to "
                               "virt-rbd (its secret is not one virt-rbd "
                               "made)",
                               ld[n - 1].target, domain);
                goto cleanup;
            }
            continue;
        }
        if (!type || (strcmp(type, "file") && strcmp(type, "block")) ||
            !target || !wanted(o, target))
            continue;
        fmt = vrbd_xml_prop(vrbd_xml_child(d, "driver"), "type");
        src = vrbd_xml_child(d, "source");
        ld = xreallocarray(ld, n + 1, sizeof(*ld));
        memset(&ld[n], 0, sizeof(*ld));
        ld[n].node = d;
        ld[n].target = TAKE(target);
        ld[n].block = strcmp(type, "block") == 0;
        ld[n].format = fmt ? TAKE(fmt) : xstrdup("raw");
        ld[n].path = vrbd_xml_prop(src, ld[n].block ? "dev" : "file");
        if (!ld[n].path) {
            vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                           "disk %s of '%s' has no source", ld[n].target,
                           domain);
            n++;
            goto cleanup;
        }
        n++;
    }
    if (n == 0) {
        vrbd_error_set(VRBD_ERR_NOT_FOUND, 0, "see 'virt-rbd disk list'",
                       "domain '%s' has no local disk to move%s", domain,
                       o->disks ? " among those named" : "");
        goto cleanup;
    }
    /* 2. copy each, verified, to DOMAIN-TARGET */
    made = xcalloc(n, sizeof(*made));
    for (size_t i = 0; i < n; i++) {
        vrbd_copy_opts co = {.verify = true, .format = ld[i].format};
        vrbd_copy_stats st;
        vrbd_spec *s = &made[n_made];

        s->pool = xstrdup(o->pool);
        s->image = xasprintf("%s-%s", domain, ld[i].target);
        if (ld[i].rbd) {
            vrbd_cluster *scl = vrbd_cluster_by_fsid(reg, ld[i].fsid, 0);
            int r;

            vrbd_info("moving %s (%s/%s) to %s/%s", ld[i].target,
                      ld[i].img.pool, ld[i].img.image, s->pool, s->image);
            r = scl ? vrbd_copy_image(scl, &ld[i].img, cl, s, &co, &st) : -1;
            vrbd_cluster_free(scl);
            if (r < 0) {
                vrbd_spec_clear(s);
                goto cleanup;
            }
        } else {
            vrbd_info("moving %s (%s) to %s/%s", ld[i].target, ld[i].path,
                      s->pool, s->image);
            if (vrbd_import_file(cl, ld[i].path, s, &co, &st) < 0) {
                vrbd_spec_clear(s);
                goto cleanup;
            }
        }
        n_made++;
    }
    /* 3. the new definition, disk by disk, with libxml2 */
    if (vrbd_host_connection_for(host, cl, o->pool, NULL, &user, uuid) < 0)
        goto cleanup;
    hosts = vrbd_cluster_mon_hosts(cl, &n_hosts);
    if (!hosts)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        xmlNodePtr nn =
            rbd_disk_node(doc, ld[i].node, &made[i], ld[i].target,
                          (const char *const *)hosts, n_hosts, user, uuid);

        if (!nn)
            goto cleanup;
        xmlReplaceNode(ld[i].node, nn);
        xmlFreeNode(ld[i].node);
        ld[i].node = nn;
    }
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
        vrbd_vm_record_owner(cl, &made[i], nd);
    virDomainFree(nd);
    res->moved = n;
    n_made = 0; /* the images are in use now: keep them */
    if (!o->keep_source)
        for (size_t i = 0; i < n; i++) {
            if (!ld[i].path || ld[i].block)
                continue;
            if (unlink(ld[i].path) == 0)
                res->deleted++;
            else
                vrbd_warn("could not delete '%s': %s", ld[i].path,
                          strerror(errno));
        }
    ret = 0;

cleanup:
    if (n_made > 0) {
        vrbd_error saved = *vrbd_error_last();
        CLEANUP_FREE char *msg = xstrdup(saved.message);
        CLEANUP_FREE char *hint = saved.hint ? xstrdup(saved.hint) : NULL;

        for (size_t i = 0; i < n_made; i++) {
            vrbd_remove_opts ro = {.force = true};

            vrbd_volume_remove(NULL, cl, &made[i], &ro);
        }
        vrbd_error_set(saved.code, saved.errnum, hint, "%s", msg);
    }
    for (size_t i = 0; made && i < n; i++)
        vrbd_spec_clear(&made[i]);
    free(made);
    for (size_t i = 0; i < n; i++) {
        free(ld[i].target);
        free(ld[i].path);
        free(ld[i].fsid);
        free(ld[i].format);
        vrbd_spec_clear(&ld[i].img);
    }
    free(ld);
    vrbd_strv_free(hosts);
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
    vrbd_error saved = *vrbd_error_last();
    CLEANUP_FREE char *msg = xstrdup(saved.message);
    CLEANUP_FREE char *hint = saved.hint ? xstrdup(saved.hint) : NULL;
    double deadline;

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
            vrbd_warn("the copy of %s is still being cancelled (its "
                      "destination does not answer); the guest runs on its "
                      "old disk",
                      ld[i].target);
            continue;
        }
        if (r < 0) {
            vrbd_warn("the copy of %s is in an unknown state (libvirt: %s); "
                      "the guest runs on its old disk",
                      ld[i].target, virGetLastErrorMessage());
            continue;
        }
        ld[i].copying = false;
    }
    for (size_t i = 0; i < n; i++) {
        vrbd_remove_opts ro = {.force = true};
        CLEANUP_FREE char *name = NULL;

        if (!ld[i].made || ld[i].pivoted)
            continue;
        name = vrbd_volume_name(&ld[i].dst);
        if (ld[i].copying || vrbd_volume_remove(NULL, cl, &ld[i].dst, &ro) < 0)
            vrbd_warn("the unfinished copy '%s:%s' is left: remove it with "
                      "'virt-rbd vol rm %s:%s' once its cluster answers",
                      vrbd_cluster_name(cl), name, vrbd_cluster_name(cl), name);
    }
    vrbd_error_set(saved.code, saved.errnum, hint, "%s", msg);
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
            return vrbd_error_set(VRBD_ERR_IO, EINTR, NULL,
                                  "move interrupted before the switch: the "
                                  "guest stays on its old disks");
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
                return vrbd_error_set(VRBD_ERR_IO, EIO,
                                      "see the domain's log in "
                                      "/var/log/libvirt/qemu/",
                                      "the copy of %s ended before it was in "
                                      "sync",
                                      ld[i].target);
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

                return vrbd_error_set(saved.code, saved.errnum,
                                      "the guest stays on its old disks; "
                                      "move again once the cluster answers",
                                      "cluster '%s' stopped answering during "
                                      "the copy of %s: %s",
                                      vrbd_cluster_name(cl), ld[i].target,
                                      saved.message);
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

            return vrbd_error_set(saved.code, saved.errnum,
                                  "the guest stays on its old disks; move "
                                  "again once the cluster answers",
                                  "cluster '%s' does not answer before the "
                                  "switch of %s: %s",
                                  vrbd_cluster_name(cl), ld[i].target,
                                  saved.message);
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
        return vrbd_error_libvirt("the guest runs on RBD already; run "
                                  "'virt-rbd vm move --offline' after a "
                                  "shutdown to fix the definition",
                                  "cannot update the definition of '%s'",
                                  domain);
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
live_finish(vrbd_cluster *cl, virDomainPtr dom, struct live_disk *ld, size_t n,
            const vrbd_move_opts *o, vrbd_move_result *res)
{
    for (size_t i = 0; i < n; i++)
        vrbd_vm_record_owner(cl, &ld[i].dst, dom);
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
            "still running ('--abort' cancels it), 'virt-rbd disk list %s' "
            "which disks run on RBD; then remove the new images no disk uses",
            domain, domain);

        return vrbd_error_set(VRBD_ERR_UNREACHABLE, 0, hint,
                              "the live move of '%s' stopped: the connection "
                              "to libvirtd was lost (%s), and %s; the copies "
                              "may still run, nothing was cancelled or "
                              "removed",
                              domain, why, vrbd_error_last()->message);
    }
    d = virDomainLookupByName(vrbd_host_conn(host), domain);
    live = d ? virDomainGetXMLDesc(d, 0) : NULL;
    if (!live) {
        if (d)
            virDomainFree(d);
        return vrbd_error_libvirt(NULL,
                                  "libvirtd restarted during the live move "
                                  "of '%s', and the domain cannot be read",
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
    vrbd_vm_disks_free(disks, nd);
    vrbd_error_set(VRBD_ERR_UNREACHABLE, 0,
                   "move again: the disks that did not switch start "
                   "over",
                   "lost the connection to libvirtd during the live "
                   "move of '%s' (%s); reconnected and cancelled the "
                   "copies that had not switched",
                   domain, why);
    return 0;
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
    CLEANUP_FREE char *user = NULL;
    struct live_disk *ld = NULL;
    size_t n = 0;
    char uuid[37];
    char **hosts = NULL;
    size_t n_hosts = 0;
    xmlDocPtr doc = NULL;
    xmlNodePtr devices;
    size_t n_there = 0;
    bool lost;
    int ret = -1;

    res->moved = 0;
    res->deleted = 0;
    dom = virDomainLookupByName(conn, domain);
    if (!dom)
        return vrbd_error_libvirt("see 'virsh list --all'", "no domain '%s'",
                                  domain);
    if (virDomainIsActive(dom) != 1) {
        vrbd_error_set(VRBD_ERR_INVALID, EINVAL,
                       "start it, or move it --offline",
                       "domain '%s' is not running: a live move needs it "
                       "running",
                       domain);
        goto cleanup;
    }
    live = virDomainGetXMLDesc(dom, 0);
    if (virDomainIsPersistent(dom) == 1)
        orig = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE |
                                            VIR_DOMAIN_XML_SECURE);
    doc = live ? vrbd_xml_parse(live) : NULL;
    devices = vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");
    if (!devices) {
        vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                       "cannot read the definition of '%s'", domain);
        goto cleanup;
    }
    /* 1. which disks: local files and block devices in any format QEMU
     * reads; RBD disks (another pool or cluster) only when named */
    for (xmlNodePtr d = devices->children; d; d = d->next) {
        xmlNodePtr src;
        CLEANUP_FREE char *type = NULL;
        CLEANUP_FREE char *target = NULL;
        CLEANUP_FREE char *proto = NULL;
        bool rbd;

        if (d->type != XML_ELEMENT_NODE ||
            strcmp((const char *)d->name, "disk") != 0 ||
            !vrbd_xml_prop_is(d, "device", "disk") ||
            vrbd_xml_child(d, "readonly") || vrbd_xml_child(d, "shareable"))
            continue;
        type = vrbd_xml_prop(d, "type");
        target = vrbd_xml_prop(vrbd_xml_child(d, "target"), "dev");
        src = vrbd_xml_child(d, "source");
        proto = vrbd_xml_prop(src, "protocol");
        rbd = type && strcmp(type, "network") == 0 && proto &&
              strcmp(proto, "rbd") == 0;
        if (!type || !target || !wanted(o, target) ||
            (!rbd && strcmp(type, "file") && strcmp(type, "block")) ||
            (rbd && !o->disks))
            continue;
        if (rbd && on_destination(conn, cl, d, o->pool, domain, target)) {
            n_there++;
            continue;
        }
        ld = xreallocarray(ld, n + 1, sizeof(*ld));
        memset(&ld[n], 0, sizeof(*ld));
        ld[n].target = TAKE(target);
        ld[n].bus = vrbd_xml_prop(vrbd_xml_child(d, "target"), "bus");
        ld[n].file = strcmp(type, "file") == 0;
        if (!rbd)
            ld[n].path = vrbd_xml_prop(src, ld[n].file ? "file" : "dev");
        n++;
        if (!rbd && !ld[n - 1].path) {
            vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                           "disk %s of '%s' has no source", ld[n - 1].target,
                           domain);
            goto cleanup;
        }
    }
    if (n == 0 && n_there > 0) {
        CLEANUP_FREE char *hint =
            xasprintf("see 'virt-rbd disk list %s'", domain);

        vrbd_error_set(VRBD_ERR_NOT_FOUND, 0, hint,
                       "nothing to move: the named disks of '%s' are on "
                       "%s:%s already",
                       domain, vrbd_cluster_name(cl), o->pool);
        goto cleanup;
    }
    if (n == 0) {
        vrbd_error_set(VRBD_ERR_NOT_FOUND, 0, "see 'virt-rbd disk list'",
                       "domain '%s' has no local disk to move%s", domain,
                       o->disks ? " among those named" : "");
        goto cleanup;
    }
    if (vrbd_host_connection_for(host, cl, o->pool, NULL, &user, uuid) < 0)
        goto cleanup;
    hosts = vrbd_cluster_mon_hosts(cl, &n_hosts);
    if (!hosts)
        goto cleanup;
    /* 2. an empty image of the disk's size for each, and its <disk> */
    for (size_t i = 0; i < n; i++) {
        virDomainBlockInfo bi;
        vrbd_volume_create_opts co = {0};
        vrbd_disk_spec d = {.kind = VRBD_DISK_RBD,
                            .hosts = (const char *const *)hosts,
                            .n_hosts = n_hosts,
                            .auth_user = user,
                            .secret_uuid = uuid};
        CLEANUP_FREE char *name = NULL;

        d.bus = ld[i].bus;
        if (virDomainGetBlockInfo(dom, ld[i].target, &bi, 0) < 0) {
            vrbd_error_libvirt(NULL, "cannot read the size of %s",
                               ld[i].target);
            goto live_fail;
        }
        ld[i].dst.pool = xstrdup(o->pool);
        ld[i].dst.image = xasprintf("%s-%s", domain, ld[i].target);
        co.size = bi.capacity;
        if (vrbd_volume_create(cl, &ld[i].dst, &co) < 0)
            goto live_fail;
        ld[i].made = true;
        name = vrbd_volume_name(&ld[i].dst);
        d.rbd_name = name;
        ld[i].dxml = vrbd_disk_build_xml(&d, ld[i].target);
        if (!ld[i].dxml)
            goto live_fail;
    }
    /* 3. copy, in sync, pivot; 4. the persistent definition */
    if (live_copy(dom, cl, ld, n, o) < 0 || live_pivot(dom, cl, ld, n, o) < 0)
        goto live_fail;
    vrbd_test_pause("move-pivoted");
    if (live_persist(dom, reg, domain, orig, ld, n) < 0) {
        /* every disk switched: only the definition is left to write
         * (again, if libvirtd wrote it before the answer was lost) */
        if (!vrbd_host_lost(host) ||
            move_reconnect(host, &dom, domain, ld, n) < 0 ||
            live_persist(dom, reg, domain, orig, ld, n) < 0)
            goto cleanup;
        vrbd_error_clear();
        vrbd_warn("the connection to libvirtd was lost before the definition "
                  "of '%s' was updated; reconnected and updated it",
                  domain);
    }
    live_finish(cl, dom, ld, n, o, res);
    ret = 0;
    goto cleanup;

live_fail:
    lost = vrbd_host_lost(host);
    /* libvirtd gone for good: touch nothing, the error says what to do */
    if (lost && move_reconnect(host, &dom, domain, ld, n) < 0)
        goto cleanup;
    for (size_t i = 0; i < n; i++)
        res->moved += ld[i].pivoted;
    if (lost && res->moved == n) {
        /* every pivot done, its answer lost (libvirtd restarted): the
         * guest runs on RBD; finish the move */
        vrbd_error_clear();
        vrbd_warn("the connection to libvirtd was lost while the disks of "
                  "'%s' switched to RBD; reconnected: libvirtd had switched "
                  "every disk, finishing the move",
                  domain);
        if (live_persist(dom, reg, domain, orig, ld, n) < 0)
            goto cleanup;
        live_finish(cl, dom, ld, n, o, res);
        ret = 0;
        goto cleanup;
    }
    live_undo(dom, cl, ld, n);
    if (res->moved > 0) {
        vrbd_error saved = *vrbd_error_last();
        CLEANUP_FREE char *msg = xstrdup(saved.message);

        /* some disks did switch: the definition must follow them */
        if (live_persist(dom, reg, domain, orig, ld, n) == 0)
            vrbd_error_set(saved.code, saved.errnum,
                           "the disks that switched are on RBD and in the "
                           "definition; move the rest again",
                           "%s", msg);
    }

cleanup:
    for (size_t i = 0; i < n; i++) {
        free(ld[i].target);
        free(ld[i].bus);
        free(ld[i].path);
        free(ld[i].dxml);
        vrbd_spec_clear(&ld[i].dst);
    }
    free(ld);
    vrbd_strv_free(hosts);
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
        return vrbd_error_libvirt(NULL,
                                  "cannot restore the definition of "
                                  "'%s'",
                                  domain);
    virDomainFree(d);
    unlink(path);
    return 0;
}
