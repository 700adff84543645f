/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vm.c: VMs on RBD: attaching and detaching RBD disks, listing a domain's
 * disks, provisioning a VM from a golden image, removing one with its
 * disks.  Disk XML comes from domain.c (libxml2, never string surgery);
 * the secret and monitors from this host's connection to the pool.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "host-internal.h"
#include "internal.h"
#include "mirror-watch.h"
#include "volume-internal.h"
#include "virt.h"
#include "xml-util.h"

bool
vrbd_kvm_usable(void)
{
    CLEANUP_FCLOSE FILE *f = NULL;
    char line[4096];
    bool virt = false;
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return false;
    close(fd);
    f = fopen("/proc/cpuinfo", "r");
    while (f && !virt && fgets(line, sizeof(line), f))
        if (strncmp(line, "flags", 5) == 0)
            virt = strstr(line, " vmx") || strstr(line, " svm");
    return virt;
}

static virDomainPtr
lookup(vrbd_host *host, const char *name)
{
    virDomainPtr d = virDomainLookupByName(vrbd_host_conn(host), name);

    if (!d)
        vrbd_error_libvirt("see 'virsh list --all'", "no domain '%s'", name);
    return d;
}

/* ---- listing */

static void
disk_free(vrbd_vm_disk *d)
{
    free(d->target);
    free(d->bus);
    free(d->source);
    free(d->secret_uuid);
    free(d->fsid);
    vrbd_strv_free(d->hosts);
}

void
vrbd_vm_disk_list_free(vrbd_vm_disk *disks, size_t n)
{
    if (!disks)
        return;
    for (size_t i = 0; i < n; i++)
        disk_free(&disks[i]);
    free(disks);
}

/* The fsid behind a secret, by its virt-rbd usage name. */
static char *
fsid_of_secret(virConnectPtr conn, const char *uuid, const char *usage)
{
    CLEANUP_FREE char *u = usage ? xstrdup(usage) : NULL;
    const char *p;
    char *slash;

    if (!u && uuid && conn) {
        virSecretPtr s = virSecretLookupByUUIDString(conn, uuid);

        if (s) {
            u = virSecretGetUsageID(s) ? xstrdup(virSecretGetUsageID(s)) : NULL;
            virSecretFree(s);
        }
        virResetLastError();
    }
    if (!u || strncmp(u, VRBD_SECRET_USAGE_PREFIX,
                      strlen(VRBD_SECRET_USAGE_PREFIX)) != 0)
        return NULL;
    p = u + strlen(VRBD_SECRET_USAGE_PREFIX);
    slash = strchr(p, '/');
    return slash ? xstrndup(p, (size_t)(slash - p)) : NULL;
}

int
vrbd_vm_disks_read(virConnectPtr conn, const char *xml, vrbd_vm_disk **out,
                   size_t *n_out)
{
    xmlDocPtr doc = vrbd_xml_parse(xml);
    xmlNodePtr devices =
        vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");
    vrbd_vm_disk *res = xcalloc(1, sizeof(*res));
    size_t n = 0;

    for (xmlNodePtr d = devices ? devices->children : NULL; d; d = d->next) {
        xmlNodePtr src, tgt, sec;
        vrbd_vm_disk *v;
        CLEANUP_FREE char *usage = NULL;

        if (d->type != XML_ELEMENT_NODE ||
            strcmp((const char *)d->name, "disk") != 0 ||
            !vrbd_xml_prop_is(d, "device", "disk"))
            continue;
        res = xreallocarray(res, n + 1, sizeof(*res));
        v = &res[n++];
        memset(v, 0, sizeof(*v));
        src = vrbd_xml_child(d, "source");
        tgt = vrbd_xml_child(d, "target");
        v->target = vrbd_xml_prop(tgt, "dev");
        v->bus = vrbd_xml_prop(tgt, "bus");
        v->shared = vrbd_xml_child(d, "readonly") != NULL ||
                    vrbd_xml_child(d, "shareable") != NULL;
        v->hosts = xcalloc(1, sizeof(char *));
        if (vrbd_xml_prop_is(src, "protocol", "rbd")) {
            size_t k = 0;

            v->rbd = true;
            v->source = vrbd_xml_prop(src, "name");
            for (xmlNodePtr h = src->children; h; h = h->next) {
                CLEANUP_FREE char *hn = NULL;
                CLEANUP_FREE char *hp = NULL;

                if (h->type != XML_ELEMENT_NODE ||
                    strcmp((const char *)h->name, "host") != 0)
                    continue;
                hn = vrbd_xml_prop(h, "name");
                hp = vrbd_xml_prop(h, "port");
                v->hosts = xreallocarray(v->hosts, k + 2, sizeof(char *));
                v->hosts[k++] =
                    xasprintf("%s:%s", hn ? hn : "", hp ? hp : "6789");
                v->hosts[k] = NULL;
            }
            sec = vrbd_xml_child(vrbd_xml_child(src, "auth"), "secret");
            if (!sec)
                sec = vrbd_xml_child(vrbd_xml_child(d, "auth"), "secret");
            v->secret_uuid = vrbd_xml_prop(sec, "uuid");
            usage = vrbd_xml_prop(sec, "usage");
            v->fsid = fsid_of_secret(conn, v->secret_uuid, usage);
        } else {
            v->source = vrbd_xml_prop(src, "file");
            if (!v->source)
                v->source = vrbd_xml_prop(src, "dev");
        }
    }
    xmlFreeDoc(doc);
    *out = res;
    *n_out = n;
    return 0;
}

int
vrbd_vm_disk_list(vrbd_host *host, const char *domain, vrbd_vm_disk **disks,
                  size_t *n)
{
    virDomainPtr d = lookup(host, domain);
    CLEANUP_FREE char *xml = NULL;

    if (!d)
        return -1;
    xml = virDomainGetXMLDesc(d, 0);
    virDomainFree(d);
    if (!xml)
        return vrbd_error_libvirt(NULL, "cannot read domain '%s'", domain);
    return vrbd_vm_disks_read(vrbd_host_conn(host), xml, disks, n);
}

/* ---- attach */

/* The first free target with @prefix ("vd", "sd") in both definitions. */
static int
free_target(virDomainPtr dom, const char *prefix, char out[16])
{
    CLEANUP_FREE char *live = virDomainGetXMLDesc(dom, 0);
    CLEANUP_FREE char *conf =
        virDomainIsPersistent(dom) == 1
            ? virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE)
            : NULL;

    for (char c = 'a'; c <= 'z'; c++) {
        char probe[32];

        snprintf(probe, sizeof(probe), "dev='%s%c'", prefix, c);
        if ((live && strstr(live, probe)) || (conf && strstr(conf, probe)))
            continue;
        snprintf(out, 16, "%s%c", prefix, c);
        return 0;
    }
    return vrbd_error_set(VRBD_ERR_INVALID, 0, "detach a disk first",
                          "domain '%s' has no free %sX target",
                          virDomainGetName(dom), prefix);
}

/* The user and secret of this host's connection to (fsid, pool); made
 * with vrbd_host_connect when missing. */
int
vrbd_host_connection_for(vrbd_host *host, vrbd_cluster *cl, const char *pool,
                         const char *entity, char **user, char uuid[37])
{
    vrbd_host_rbd_pool *pools = NULL;
    size_t np = 0;
    vrbd_host_connect_opts co = {.version = VRBD_HOST_CONNECT_OPTS_VERSION,
                                 .pool = pool,
                                 .entity = entity};
    vrbd_host_connect_result res;

    if (vrbd_host_rbd_pool_list(host, &pools, &np) < 0)
        return -1;
    for (size_t i = 0; i < np; i++)
        if (pools[i].fsid && pools[i].pool && pools[i].secret_uuid &&
            pools[i].user &&
            strcmp(pools[i].fsid, vrbd_cluster_fsid(cl)) == 0 &&
            strcmp(pools[i].pool, pool) == 0) {
            *user = xstrdup(pools[i].user);
            snprintf(uuid, 37, "%s", pools[i].secret_uuid);
            vrbd_host_rbd_pool_list_free(pools, np);
            return 0;
        }
    vrbd_host_rbd_pool_list_free(pools, np);
    vrbd_info("this host has no connection to %s:%s yet: making one",
              vrbd_cluster_name(cl), pool);
    if (vrbd_host_connect(host, cl, &co, &res) < 0)
        return -1;
    *user = xstrdup((entity ? entity : "client.libvirt") + 7);
    snprintf(uuid, 37, "%s", res.secret_uuid);
    return 0;
}

static int
set_owner(vrbd_cluster *cl, const vrbd_spec *image, const char *value)
{
    CLEANUP_FREE char *name = vrbd_volume_name(image);
    rados_ioctx_t io;
    rbd_image_t img;
    int r;

    if (vrbd_volume_open(cl, image, false, &io, &img) < 0)
        return -1;
    if (value)
        r = rbd_metadata_set(img, VRBD_OWNER_KEY, value);
    else
        r = rbd_metadata_remove(img, VRBD_OWNER_KEY);
    rbd_close(img);
    rados_ioctx_destroy(io);
    if (r < 0 && !(r == -ENOENT && !value))
        return vrbd_error_ceph(r, NULL, "cannot %s the owner of '%s'",
                               value ? "record" : "clear", name);
    return 0;
}

/* "host=NAME domain=DOM uuid=UUID": NAME the host's fleet name (all
 * hosts of a fleet may share one hostname), else its hostname. */
static char *
owner_value(vrbd_host *host, virDomainPtr dom)
{
    char uuid[VIR_UUID_STRING_BUFLEN] = "";

    virDomainGetUUIDString(dom, uuid);
    return xasprintf("host=%s domain=%s uuid=%s", vrbd_host_label(host),
                     virDomainGetName(dom), uuid);
}

void
vrbd_owner_record_init(vrbd_owner_record *rec, vrbd_host *host,
                       virDomainPtr dom)
{
    rec->owner = host ? owner_value(host, dom) : NULL;
    rec->definition = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE |
                                                   VIR_DOMAIN_XML_MIGRATABLE);
    virResetLastError();
}

void
vrbd_owner_record_clear(vrbd_owner_record *rec)
{
    free(rec->owner);
    free(rec->definition);
    memset(rec, 0, sizeof(*rec));
}

/* @owner (unless NULL), then @definition (unless NULL) in the metadata
 * of @image, one open for both; best effort. */
static void
write_keys(vrbd_cluster *cl, const vrbd_spec *image, const char *owner,
           const char *definition)
{
    rados_ioctx_t io;
    rbd_image_t img;

    if (vrbd_volume_open(cl, image, false, &io, &img) == 0) {
        if ((!owner || rbd_metadata_set(img, VRBD_OWNER_KEY, owner) == 0) &&
            definition)
            rbd_metadata_set(img, VRBD_DOMAIN_KEY, definition);
        rbd_close(img);
        rados_ioctx_destroy(io);
    }
    vrbd_error_clear();
}

void
vrbd_owner_record_write(const vrbd_owner_record *rec, vrbd_cluster *cl,
                        const vrbd_spec *image)
{
    write_keys(cl, image, rec->owner, rec->definition);
}

static int
write_owner(vrbd_host *host, vrbd_cluster *cl, const vrbd_spec *image,
            virDomainPtr dom)
{
    CLEANUP_FREE char *owner = owner_value(host, dom);

    return set_owner(cl, image, owner);
}

/* The domain's persistent definition, without secrets (no
 * VIR_DOMAIN_XML_SECURE), in the image's metadata: the last one known
 * when its host is gone and cannot be asked. */
static void
write_definition(vrbd_cluster *cl, const vrbd_spec *image, virDomainPtr dom)
{
    vrbd_owner_record rec = {0};

    vrbd_owner_record_init(&rec, NULL, dom);
    write_keys(cl, image, NULL, rec.definition);
    vrbd_owner_record_clear(&rec);
}

void
vrbd_vm_record_owner(vrbd_host *host, vrbd_cluster *cl, const vrbd_spec *image,
                     virDomainPtr dom)
{
    vrbd_owner_record rec;

    vrbd_owner_record_init(&rec, host, dom);
    vrbd_owner_record_write(&rec, cl, image);
    vrbd_owner_record_clear(&rec);
}

/* Words for a set of VIR_DOMAIN_AFFECT_* flags. */
static const char *
where(unsigned flags)
{
    switch (flags & (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)) {
    case VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG:
        return "live and persistent";
    case VIR_DOMAIN_AFFECT_LIVE:
        return "live";
    case VIR_DOMAIN_AFFECT_CONFIG:
        return "persistent";
    }
    return "nowhere";
}

/* In which of the definitions @flags names (live, persistent) @dom has
 * RBD image @name as a disk: *@found gets those flags.  With @target
 * empty the disk may have any target, and @target gets it; otherwise it
 * must be @target. */
static int
attached_as(virDomainPtr dom, unsigned flags, const char *name, char target[16],
            unsigned *found)
{
    static const unsigned which[] = {VIR_DOMAIN_AFFECT_LIVE,
                                     VIR_DOMAIN_AFFECT_CONFIG};

    *found = 0;
    for (size_t k = 0; k < 2; k++) {
        CLEANUP_FREE char *xml = NULL;
        vrbd_vm_disk *disks = NULL;
        size_t n = 0;

        if (!(flags & which[k]))
            continue;
        xml = virDomainGetXMLDesc(dom, which[k] == VIR_DOMAIN_AFFECT_LIVE
                                           ? 0
                                           : VIR_DOMAIN_XML_INACTIVE);
        if (!xml)
            return vrbd_error_libvirt(NULL, "cannot read domain '%s'",
                                      virDomainGetName(dom));
        vrbd_vm_disks_read(NULL, xml, &disks, &n);
        for (size_t i = 0; i < n; i++)
            if (disks[i].rbd && disks[i].source && disks[i].target &&
                strcmp(disks[i].source, name) == 0 &&
                (!*target || strcmp(disks[i].target, target) == 0)) {
                snprintf(target, 16, "%s", disks[i].target);
                *found |= which[k];
                break;
            }
        vrbd_vm_disk_list_free(disks, n);
    }
    return 0;
}

/*
 * The attach of @name to @domain failed because the connection to
 * libvirtd went away (a restart; @why: what libvirt said): libvirtd may
 * have done all of it, part (live and persistent are separate steps in
 * libvirt) or none.  Open the connection again, see, and do what is
 * missing; *@dom is then the domain on the new connection.  On failure the
 * error says what state the domain is in, and *@state too: 0 the disk is
 * nowhere, 1 somewhere, -1 unknown (libvirtd did not come back).
 */
static int
attach_recover(vrbd_host *host, virDomainPtr *dom, const char *domain,
               const char *xml, unsigned flags, const char *name,
               const char *why, char target[16], int *state)
{
    virDomainPtr nd;
    unsigned found = 0, missing;

    *state = -1;
    if (vrbd_host_reconnect(host) < 0) {
        CLEANUP_FREE char *hint = xasprintf(
            "once libvirtd answers, run the same attach again: it finishes "
            "what libvirtd did, or does it (see '{prog}{vrbd_vm_disk_list} %s')",
            domain);

        return vrbd_error_set(
            VRBD_ERR_UNREACHABLE, 0, hint,
            "%s may or may not be attached to domain '%s' as %s: the connection to libvirtd was lost during the attach (%s), and %s",
            name, domain, target, why, vrbd_error_last()->message);
    }
    nd = virDomainLookupByName(vrbd_host_conn(host), domain);
    if (!nd)
        return vrbd_error_libvirt(
            NULL,
            "libvirtd restarted while attaching %s, and domain '%s' is gone",
            name, domain);
    virDomainFree(*dom);
    *dom = nd;
    if (attached_as(nd, flags, name, target, &found) < 0)
        return -1;
    *state = found != 0;
    missing = flags & ~found;
    if (missing && virDomainAttachDeviceFlags(nd, xml, missing) < 0) {
        CLEANUP_FREE char *hint = xasprintf(
            "run the same '{prog}{vrbd_vm_disk_attach}' again to finish it, or "
            "'{prog}{vrbd_vm_disk_detach} %s %s' to undo it",
            domain, target);
        virErrorPtr e = virGetLastError();

        return vrbd_error_set(
            VRBD_ERR_LIBVIRT, 0, found ? hint : NULL,
            "libvirtd restarted while attaching %s to domain '%s' (%s): it is attached %s, and attaching it %s failed: %s",
            name, domain, why, where(found), where(missing),
            e && e->message ? e->message : "unknown libvirt error");
    }
    vrbd_warn(
        "the connection to libvirtd was lost while attaching %s to '%s' (%s); reconnected: %s%s%s",
        name, domain, why, found ? "libvirtd had attached it " : "attached it ",
        found ? where(found) : where(missing),
        found && missing ? ", and now the rest" : "");
    return 0;
}

/* After a failed attach: the owner recorded before it goes again (best
 * effort, the attach's error kept). */
static void
forget_owner(vrbd_cluster *cl, const vrbd_spec *image)
{
    vrbd_error_saved saved;

    vrbd_error_save(&saved);
    if (saved.code != VRBD_ERR_TIMEOUT && vrbd_cluster_answers(cl) &&
        set_owner(cl, image, NULL) < 0)
        vrbd_warn("%s", vrbd_error_last()->message);
    vrbd_error_restore(&saved, NULL);
}

/* virDomainAttachDeviceFlags(*@dom, @xml, @missing) failed: when the
 * connection was lost, see what libvirtd did and finish; otherwise, or
 * when the disk is nowhere, the owner recorded before goes again. */
static int
attach_failed(vrbd_host *host, vrbd_cluster *cl, const vrbd_spec *image,
              virDomainPtr *dom, const char *xml, unsigned missing,
              bool was_there, char target[16])
{
    CLEANUP_FREE char *why = xstrdup(virGetLastErrorMessage());
    CLEANUP_FREE char *name = vrbd_volume_name(image);
    CLEANUP_FREE char *domain = xstrdup(virDomainGetName(*dom));
    int state = 0;

    vrbd_error_libvirt(NULL, "cannot attach %s to domain '%s' as %s", name,
                       domain, target);
    if (vrbd_host_lost(host) && attach_recover(host, dom, domain, xml, missing,
                                               name, why, target, &state) == 0)
        return 0;
    if (!was_there && state == 0)
        forget_owner(cl, image);
    return -1;
}

/* The flags of an attach or detach: what the options say, else live if
 * the domain runs and persistent if it is defined. */
static unsigned
affect(virDomainPtr dom, bool live, bool config)
{
    if (live || config)
        return (live ? VIR_DOMAIN_AFFECT_LIVE : 0) |
               (config ? VIR_DOMAIN_AFFECT_CONFIG : 0);
    return (virDomainIsActive(dom) == 1 ? VIR_DOMAIN_AFFECT_LIVE : 0) |
           (virDomainIsPersistent(dom) == 1 ? VIR_DOMAIN_AFFECT_CONFIG : 0);
}

/* Refuse while a client holds @image (a domain that has it attached holds
 * it too, but then the caller does not ask). */
static int
refuse_held(vrbd_host *host, vrbd_cluster *cl, const vrbd_spec *image,
            const char *name)
{
    vrbd_volume_info *info = NULL;
    vrbd_holder *h = NULL;
    size_t nh = 0;
    int ret = 0;

    if (vrbd_volume_info_get(cl, image, &info) < 0)
        return -1;
    if (info->n_watchers > 0 &&
        vrbd_volume_who(host, cl, image, &h, &nh, NULL) == 0) {
        const vrbd_holder *u = NULL;

        /* rbd-mirror's own watch is no second writer */
        for (size_t i = 0; i < nh && !u; i++)
            u = h[i].rbd_mirror ? NULL : &h[i];
        if (u)
            ret = vrbd_error_set(
                VRBD_ERR_BUSY, EBUSY, u->advice,
                "image '%s' is in use by %s%s%s: two writers would corrupt it",
                name, u->domain ? "domain '" : "client at ",
                u->domain ? u->domain : u->addr, u->domain ? "'" : "");
    }
    vrbd_holder_list_free(h, nh);
    vrbd_volume_info_free(info);
    return ret;
}

/* The <disk> of RBD image @image as @target, with this host's secret for
 * its pool. */
static char *
attach_xml(vrbd_host *host, vrbd_cluster *cl, const vrbd_spec *image,
           const vrbd_attach_opts *opts, const char *bus, const char *target)
{
    CLEANUP_FREE char *name = vrbd_volume_name(image);
    CLEANUP_FREE char *user = NULL;
    char uuid[37];
    char **hosts = NULL;
    size_t n_hosts = 0;
    char *xml;

    if (vrbd_host_connection_for(host, cl, image->pool, opts->entity, &user,
                                 uuid) < 0)
        return NULL;
    hosts = vrbd_cluster_mon_hosts(cl, &n_hosts);
    if (!hosts)
        return NULL;
    {
        vrbd_disk_spec d = {.kind = VRBD_DISK_RBD,
                            .rbd_name = name,
                            .hosts = (const char *const *)hosts,
                            .n_hosts = n_hosts,
                            .auth_user = user,
                            .secret_uuid = uuid,
                            .bus = bus,
                            .cache = opts->cache};

        xml = vrbd_disk_build_xml(&d, target);
    }
    vrbd_strv_free(hosts);
    return xml;
}

int
vrbd_vm_disk_attach(vrbd_host *host, vrbd_cluster *cl, const char *domain,
                    const vrbd_spec *image, const vrbd_attach_opts *opts,
                    char **target_out)
{
    CLEANUP_FREE char *name = NULL;
    CLEANUP_FREE char *xml = NULL;
    char target[16] = "";
    virDomainPtr dom;
    unsigned flags, found, missing;
    int ret = -1;
    const char *bus = opts->bus ? opts->bus : "virtio";

    if (vrbd_opts_check(opts, VRBD_ATTACH_OPTS_VERSION, "vrbd_attach_opts") < 0)
        return -1;
    if (!image->image || image->snap)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "attach takes POOL[/NS]/IMAGE without @SNAP");
    dom = lookup(host, domain);
    if (!dom)
        return -1;
    name = vrbd_volume_name(image);
    flags = affect(dom, opts->live, opts->config);
    /* an attach that lost its connection may have been done in part or
     * whole: running it again finishes it */
    if (attached_as(dom, flags, name, target, &found) < 0)
        goto cleanup;
    /* a watcher is this domain's own QEMU only when it runs the disk */
    if (!(found & VIR_DOMAIN_AFFECT_LIVE) &&
        refuse_held(host, cl, image, name) < 0)
        goto cleanup;
    if (found) {
        vrbd_info("%s is attached to '%s' as %s already (%s)", name, domain,
                  target, where(found));
    } else {
        if (opts->target)
            snprintf(target, sizeof(target), "%s", opts->target);
        else if (free_target(dom, strcmp(bus, "scsi") == 0 ? "sd" : "vd",
                             target) < 0)
            goto cleanup;
    }
    missing = flags & ~found;
    if (missing && !(xml = attach_xml(host, cl, image, opts, bus, target)))
        goto cleanup;
    vrbd_test_pause("attach-before-owner");
    /* the owner first: it is also the last look at the cluster, bounded
     * by its timeouts, before QEMU opens the image without any (seen: a
     * cluster paused here holds the attach until it answers again) */
    if (write_owner(host, cl, image, dom) < 0) {
        vrbd_error saved = *vrbd_error_last();
        CLEANUP_FREE char *msg = xstrdup(saved.message);
        CLEANUP_FREE char *hint =
            xasprintf("see '{prog}{cluster_check} %s'", vrbd_cluster_name(cl));

        vrbd_error_set(
            saved.code, saved.errnum, hint,
            "nothing attached: cannot record domain '%s' as the user of %s: %s",
            domain, name, msg);
        goto cleanup;
    }
    if (missing) {
        vrbd_test_pause("attach-before-device");
        if (virDomainAttachDeviceFlags(dom, xml, missing) < 0 &&
            attach_failed(host, cl, image, &dom, xml, missing, found != 0,
                          target) < 0)
            goto cleanup;
        vrbd_test_pause("attach-after-device");
    }
    /* the definition with this disk, for a recovery elsewhere */
    write_definition(cl, image, dom);
    virResetLastError();
    *target_out = xstrdup(target);
    ret = 0;

cleanup:
    virDomainFree(dom);
    return ret;
}

/* ---- detach */

char *
vrbd_vm_disk_element(const char *xml, const char *which, char **source)
{
    xmlDocPtr doc = vrbd_xml_parse(xml);
    xmlNodePtr devices =
        vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");
    char *res = NULL;

    for (xmlNodePtr d = devices ? devices->children : NULL; d && !res;
         d = d->next) {
        CLEANUP_FREE char *dev = NULL;
        CLEANUP_FREE char *src = NULL;
        xmlNodePtr s;

        if (d->type != XML_ELEMENT_NODE ||
            strcmp((const char *)d->name, "disk") != 0)
            continue;
        s = vrbd_xml_child(d, "source");
        dev = vrbd_xml_prop(vrbd_xml_child(d, "target"), "dev");
        src = vrbd_xml_prop(s, "name");
        if (!src)
            src = vrbd_xml_prop(s, "file");
        if ((dev && strcmp(dev, which) == 0) ||
            (src && strcmp(src, which) == 0)) {
            xmlDocPtr one = xmlNewDoc(BAD_CAST "1.0");

            xmlDocSetRootElement(one, xmlCopyNode(d, 1));
            res = vrbd_xml_dump(one);
            if (source)
                *source = src ? xstrdup(src) : NULL;
        }
    }
    xmlFreeDoc(doc);
    return res;
}

int
vrbd_vm_disk_detach(vrbd_host *host, vrbd_cluster *cl, const char *domain,
                    const char *which, bool live, bool config, char **source)
{
    CLEANUP_FREE char *xml = NULL;
    CLEANUP_FREE char *disk = NULL;
    CLEANUP_FREE char *src = NULL;
    virDomainPtr dom = lookup(host, domain);
    unsigned flags;
    int ret = -1;

    if (!dom)
        return -1;
    flags = affect(dom, live, config);
    xml = virDomainGetXMLDesc(
        dom, (flags & VIR_DOMAIN_AFFECT_LIVE) ? 0 : VIR_DOMAIN_XML_INACTIVE);
    disk = xml ? vrbd_vm_disk_element(xml, which, &src) : NULL;
    if (!disk) {
        vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT,
                       "see '{prog}{vrbd_vm_disk_list}'",
                       "domain '%s' has no disk '%s'", domain, which);
        goto cleanup;
    }
    if (virDomainDetachDeviceFlags(dom, disk, flags) < 0) {
        vrbd_error_libvirt(NULL, "cannot detach disk '%s' from domain '%s'",
                           which, domain);
        goto cleanup;
    }
    if (cl && src) {
        vrbd_spec s;

        if (vrbd_spec_parse(src, VRBD_SPEC_IMAGE, &s) == 0) {
            if (set_owner(cl, &s, NULL) < 0)
                vrbd_warn("%s", vrbd_error_last()->message);
            vrbd_spec_clear(&s);
        }
        vrbd_error_clear();
    }
    if (source)
        *source = TAKE(src);
    ret = 0;

cleanup:
    virDomainFree(dom);
    return ret;
}

/* ---- remove (create: vm-create.c) */

/* A connection to the registered cluster with @fsid. */
vrbd_cluster *
vrbd_cluster_by_fsid(vrbd_registry *reg, const char *fsid, unsigned timeout)
{
    vrbd_cluster_entry *all = NULL;
    vrbd_cluster *cl = NULL;
    size_t n = 0;

    vrbd_error_clear();
    if (vrbd_registry_list(reg, &all, &n) < 0)
        return NULL;
    for (size_t i = 0; i < n && !cl; i++)
        if (all[i].fsid && strcmp(all[i].fsid, fsid) == 0 &&
            vrbd_registry_connect(reg, all[i].name, timeout, &cl) < 0)
            break;
    if (!cl && vrbd_error_last()->code == VRBD_ERR_OK)
        vrbd_error_set(VRBD_ERR_NOT_FOUND, 0,
                       "register it: {prog}{vrbd_registry_add} NAME ...",
                       "no registered cluster has fsid %s", fsid);
    vrbd_cluster_entry_list_free(all, n);
    return cl;
}

/* Refuse while a client other than the (stopped) domain holds @source. */
static int
held(vrbd_host *host, vrbd_cluster *cl, const char *source, const char *name)
{
    vrbd_holder *h = NULL;
    size_t nh = 0, users = 0;
    vrbd_spec s;
    int r;

    if (vrbd_spec_parse(source, VRBD_SPEC_IMAGE, &s) < 0)
        return -1;
    r = vrbd_volume_who(host, cl, &s, &h, &nh, NULL);
    if (r < 0) {
        vrbd_spec_clear(&s);
        return vrbd_error_last()->code == VRBD_ERR_NOT_FOUND ? 0 : -1;
    }
    /* rbd-mirror's own watch is no user */
    for (size_t i = 0; i < nh; i++)
        users += h[i].rbd_mirror == NULL;
    vrbd_holder_list_free(h, nh);
    if (users > 0) {
        vrbd_spec_clear(&s);
        return vrbd_error_set(
            VRBD_ERR_BUSY, EBUSY,
            "see '{prog}{vrbd_volume_who}'; nothing was removed",
            "image '%s' of domain '%s' is open elsewhere (%zu client(s))",
            source, name, users);
    }
    /* refused here, before the domain goes, rather than by the removal
     * once it is undefined */
    r = vrbd_mirror_refuse_remove(cl, &s, source);
    vrbd_spec_clear(&s);
    if (r < 0) {
        vrbd_error saved = *vrbd_error_last();
        CLEANUP_FREE char *msg = xstrdup(saved.message);
        CLEANUP_FREE char *hint = saved.hint ? xstrdup(saved.hint) : NULL;

        return vrbd_error_set(saved.code, saved.errnum, hint,
                              "%s; nothing was removed", msg);
    }
    return 0;
}

/* The options each disk of a 'vm rm --disks' goes with */
static vrbd_remove_opts
disk_remove_opts(const vrbd_vm_remove_opts *o)
{
    return (vrbd_remove_opts){.version = VRBD_REMOVE_OPTS_VERSION,
                              .force = true,
                              .trash = !o->now,
                              .keep_sec = o->keep_sec,
                              .by = "vm rm"};
}

/* Every RBD disk of @list (but read-only and shareable ones) reachable,
 * held by no other client, and removable as its snapshots and clones
 * stand: 0, or -1 with the error set */
static int
check_disks(vrbd_host *host, vrbd_registry *reg, const char *name,
            const vrbd_vm_disk *list, size_t n, const vrbd_vm_remove_opts *o)
{
    vrbd_remove_opts ro = disk_remove_opts(o);

    for (size_t i = 0; i < n; i++) {
        vrbd_cluster *cl;
        vrbd_spec s;
        int r = -1;

        if (!list[i].rbd || list[i].shared)
            continue;
        if (!list[i].fsid)
            return vrbd_error_set(
                VRBD_ERR_NOT_FOUND, 0, "remove it by hand, or without {disks}",
                "disk %s (%s) of '%s': its cluster is not known to virt-rbd",
                list[i].target, list[i].source, name);
        cl = vrbd_cluster_by_fsid(reg, list[i].fsid, o->timeout_sec);
        if (cl && held(host, cl, list[i].source, name) == 0 &&
            vrbd_spec_parse(list[i].source, VRBD_SPEC_IMAGE, &s) == 0) {
            r = vrbd_volume_remove_check(cl, &s, &ro);
            vrbd_spec_clear(&s);
        }
        vrbd_cluster_free(cl);
        if (r < 0)
            return -1;
    }
    return 0;
}

/* The disks of undefined domain @name go (to the trash unless o->now,
 * each first given @rec when it has one): 0, or -1 with the error set */
static int
remove_disks(vrbd_host *host, vrbd_registry *reg, const char *name,
             const vrbd_vm_disk *list, size_t n, const vrbd_vm_remove_opts *o,
             const vrbd_owner_record *rec)
{
    vrbd_remove_opts ro = disk_remove_opts(o);

    for (size_t i = 0; i < n; i++) {
        vrbd_cluster *cl;
        vrbd_spec s;
        int r;

        /* a read-only or shareable disk belongs to others too */
        if (!list[i].rbd || list[i].shared)
            continue;
        cl = vrbd_cluster_by_fsid(reg, list[i].fsid, o->timeout_sec);
        if (!cl || vrbd_spec_parse(list[i].source, VRBD_SPEC_IMAGE, &s) < 0) {
            vrbd_cluster_free(cl);
            return -1;
        }
        if (rec->owner)
            vrbd_owner_record_write(rec, cl, &s);
        r = vrbd_volume_remove(host, cl, &s, &ro);
        vrbd_spec_clear(&s);
        vrbd_cluster_free(cl);
        if (r < 0 && vrbd_error_last()->code != VRBD_ERR_NOT_FOUND) {
            vrbd_error saved = *vrbd_error_last();
            CLEANUP_FREE char *msg = xstrdup(saved.message);
            CLEANUP_FREE char *hint = saved.hint ? xstrdup(saved.hint) : NULL;

            return vrbd_error_set(saved.code, saved.errnum, hint,
                                  "domain '%s' is undefined, but %s", name,
                                  msg);
        }
    }
    return 0;
}

int
vrbd_vm_remove(vrbd_host *host, vrbd_registry *reg, const char *name,
               const vrbd_vm_remove_opts *o)
{
    vrbd_owner_record rec = {0};
    virDomainPtr dom;
    vrbd_vm_disk *list = NULL;
    size_t n = 0;
    int ret = -1;

    if (vrbd_opts_check(o, VRBD_VM_REMOVE_OPTS_VERSION, "vrbd_vm_remove_opts") <
        0)
        return -1;
    if (!(dom = lookup(host, name)))
        return -1;
    if (virDomainIsActive(dom) == 1) {
        CLEANUP_FREE char *hint =
            xasprintf("shut it down first: virsh shutdown %s", name);

        vrbd_error_set(VRBD_ERR_BUSY, EBUSY, hint, "domain '%s' is running",
                       name);
        goto cleanup;
    }
    if (o->disks) {
        CLEANUP_FREE char *xml =
            virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);

        /* every disk's cluster must be reachable before anything goes */
        if (!xml ||
            vrbd_vm_disks_read(vrbd_host_conn(host), xml, &list, &n) < 0 ||
            check_disks(host, reg, name, list, n, o) < 0)
            goto cleanup;
        /* to the trash, each disk keeps the domain's name and definition:
         * vm restore brings the VM back whole */
        if (!o->now)
            vrbd_owner_record_init(&rec, host, dom);
    }
    /* the domain goes first: a failure below leaves images without a
     * domain, never a domain pointing at removed images */
    /* a VM that may come back keeps its UEFI variables (vm restore
     * defines it again with the same nvram file) */
    if (virDomainUndefineFlags(
            dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                     VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                     (o->disks && !o->now ? VIR_DOMAIN_UNDEFINE_KEEP_NVRAM
                                          : VIR_DOMAIN_UNDEFINE_NVRAM)) < 0) {
        vrbd_error_libvirt(NULL, "cannot undefine domain '%s'", name);
        goto cleanup;
    }
    if (o->disks && remove_disks(host, reg, name, list, n, o, &rec) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    vrbd_owner_record_clear(&rec);
    vrbd_vm_disk_list_free(list, n);
    virDomainFree(dom);
    return ret;
}
