/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * move.c: moving a VM's local disks to RBD.  Offline: copy each disk with
 * the data mover (verified), then switch the domain definition in one
 * define, keeping the old one for a rollback.  Nothing the domain runs on
 * changes until that single define; a failure before it removes the new
 * images and leaves the domain as it was.  (Live moves with libvirt block
 * copy: to come.)
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <rbd/librbd.h>

#include "host-internal.h"
#include "internal.h"
#include "volume-internal.h"

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
    char *path;
    bool block;
};

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

int
vrbd_vm_move_offline(vrbd_host *host, vrbd_cluster *cl, vrbd_registry *reg,
                     const char *domain, const vrbd_move_opts *o, size_t *moved)
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

    *moved = 0;
    dom = virDomainLookupByName(conn, domain);
    if (!dom)
        return vrbd_error_libvirt("see 'virsh list --all'", "no domain '%s'",
                                  domain);
    if (virDomainIsActive(dom) == 1) {
        CLEANUP_FREE char *hint = xasprintf(
            "shut it down first (virsh shutdown %s); a live move is to come",
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
        if (!type || (strcmp(type, "file") && strcmp(type, "block")) ||
            !target || !wanted(o, target))
            continue;
        fmt = vrbd_xml_prop(vrbd_xml_child(d, "driver"), "type");
        if (fmt && strcmp(fmt, "raw") != 0) {
            vrbd_error_set(VRBD_ERR_UNSUPPORTED, 0,
                           "convert it to raw first (qcow2 import: to come)",
                           "disk %s of '%s' is %s: only raw disks move yet",
                           target, domain, fmt);
            goto cleanup;
        }
        src = vrbd_xml_child(d, "source");
        ld = xreallocarray(ld, n + 1, sizeof(*ld));
        ld[n].node = d;
        ld[n].target = TAKE(target);
        ld[n].block = strcmp(type, "block") == 0;
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
        vrbd_copy_opts co = {.verify = true};
        vrbd_copy_stats st;
        vrbd_spec *s = &made[n_made];

        s->pool = xstrdup(o->pool);
        s->image = xasprintf("%s-%s", domain, ld[i].target);
        vrbd_info("moving %s (%s) to %s/%s", ld[i].target, ld[i].path, s->pool,
                  s->image);
        if (vrbd_import_file(cl, ld[i].path, s, &co, &st) < 0) {
            vrbd_spec_clear(s);
            goto cleanup;
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
        CLEANUP_FREE char *name = vrbd_volume_name(&made[i]);
        CLEANUP_FREE char *bus =
            vrbd_xml_prop(vrbd_xml_child(ld[i].node, "target"), "bus");
        CLEANUP_FREE char *dxml = NULL;
        vrbd_disk_spec d = {.kind = VRBD_DISK_RBD,
                            .rbd_name = name,
                            .hosts = (const char *const *)hosts,
                            .n_hosts = n_hosts,
                            .auth_user = user,
                            .secret_uuid = uuid,
                            .bus = bus};
        xmlDocPtr one;
        xmlNodePtr nn;

        dxml = vrbd_disk_build_xml(&d, ld[i].target);
        one = dxml ? vrbd_xml_parse(dxml) : NULL;
        if (!one) {
            if (dxml)
                vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                               "cannot parse the new disk XML of %s",
                               ld[i].target);
            goto cleanup;
        }
        nn = xmlDocCopyNode(xmlDocGetRootElement(one), doc, 1);
        xmlFreeDoc(one);
        /* keep what places the disk: its boot order and PCI address */
        {
            static const char *const keep[] = {"boot", "address"};

            for (size_t k = 0; k < 2; k++) {
                xmlNodePtr c = vrbd_xml_child(ld[i].node, keep[k]);

                if (c)
                    xmlAddChild(nn, xmlCopyNode(c, 1));
            }
        }
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
    virDomainFree(nd);
    *moved = n;
    n_made = 0; /* the images are in use now: keep them */
    if (!o->keep_source)
        for (size_t i = 0; i < n; i++)
            if (!ld[i].block && unlink(ld[i].path) < 0)
                vrbd_warn("could not delete '%s': %s", ld[i].path,
                          strerror(errno));
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
