/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vm-create.c: vm create, a VM provisioned on RBD: its disk (a clone of
 * a golden image, or a new image, sparse or written full), this host's
 * connection to the pool, the domain defined around it; and, for an
 * install, one boot of the installer (a CD-ROM, or a kernel and initrd
 * from a tree or ISO) before the definition that boots from the disk, as
 * virt-install does.  Domain XML comes from domain.c, install media from
 * install-media.c.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <rbd/librbd.h>

#include "host-internal.h"
#include "install-media.h"
#include "internal.h"
#include "virt.h"
#include "volume-internal.h"

/* Debian's ovmf, without secure boot (that needs SMM and enrolled keys) */
#define OVMF_CODE "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define OVMF_VARS "/usr/share/OVMF/OVMF_VARS_4M.fd"
/* libvirt's own place for them, where it would put one by default */
#define NVRAM_DIR "/var/lib/libvirt/qemu/nvram"

/* a preallocating write's step: progress at least this often */
#define PREALLOC_STEP (64ULL << 20)

/* One create: its options (all of version 2, zero where the caller's
 * version had none) and what it made or staged */
typedef struct create {
    vrbd_vm_create_opts o;
    const char *name;
    vrbd_install_media media;
    char *iso; /* o.cdrom, or an ISO o.location: absolute */
    char *nvram;
    bool install;
    char uuid[37]; /* an install's two definitions are one domain */
} create;

/* A random (version 4) UUID, as libvirt would pick one */
static int
new_uuid(char out[37])
{
    unsigned char b[16];

    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
        return vrbd_error_set(VRBD_ERR_INTERNAL, errno, NULL,
                              "cannot make a domain UUID: %s", strerror(errno));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(
        out, 37,
        "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
        b[11], b[12], b[13], b[14], b[15]);
    return 0;
}

static int
check_opts(const vrbd_vm_create_opts *o)
{
    if (!o->from && !o->size)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "give {from} POOL/IMAGE@SNAP or {size} SIZE",
                              "a VM needs a disk");
    /* zeros written over a clone would hide its golden image's data */
    if (o->preallocate && o->from)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "drop {preallocate}, or give an empty disk with {size} SIZE",
            "a clone cannot be preallocated: its data is its golden image's until the guest writes");
    if ((o->location || o->cdrom) && o->kernel)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "give one of them",
            "an installer ({location} or {cdrom}) and {kernel} both boot the VM");
    if (o->location && o->cdrom)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "give one of them",
                              "{location} and {cdrom} are two installers");
    if (o->extra_args && !o->location)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "give the install tree or ISO with {location}",
            "{extra_args} is the command line of an installer's kernel");
    if (o->boot == VRBD_VM_BOOT_UEFI &&
        (access(OVMF_CODE, R_OK) < 0 || access(OVMF_VARS, R_OK) < 0))
        return vrbd_error_set(VRBD_ERR_UNSUPPORTED, ENOENT,
                              "install Debian's ovmf package: apt install ovmf",
                              "no UEFI firmware: %s or %s is missing",
                              OVMF_CODE, OVMF_VARS);
    if (o->boot != VRBD_VM_BOOT_BIOS && o->boot != VRBD_VM_BOOT_UEFI)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "use bios or uefi",
                              "unknown {boot} %d", (int)o->boot);
    return 0;
}

/* @c's options from @o, whose version may be older than this library's */
static int
init_create(create *c, const char *name, const vrbd_vm_create_opts *o)
{
    memset(c, 0, sizeof(*c));
    if (vrbd_opts_check(o, VRBD_VM_CREATE_OPTS_VERSION, "vrbd_vm_create_opts") <
        0)
        return -1;
    memcpy(&c->o, o,
           o->version < 2 ? offsetof(vrbd_vm_create_opts, bridge)
                          : sizeof(c->o));
    c->name = name;
    c->install = o->version >= 2 && (o->location || o->cdrom);
    if (check_opts(&c->o) < 0)
        return -1;
    if (c->o.cdrom) {
        char path[PATH_MAX];

        if (!realpath(c->o.cdrom, path))
            return vrbd_error_set(VRBD_ERR_NOT_FOUND, errno,
                                  "give {cdrom} an ISO file of this host",
                                  "cannot read ISO '%s': %s", c->o.cdrom,
                                  strerror(errno));
        c->iso = xstrdup(path);
    }
    if (c->o.boot == VRBD_VM_BOOT_UEFI)
        c->nvram = xasprintf(NVRAM_DIR "/%s_VARS.fd", name);
    return c->install ? new_uuid(c->uuid) : 0;
}

static void
clear_create(create *c)
{
    vrbd_install_media_remove(&c->media);
    free(c->iso);
    free(c->nvram);
}

/* Where a new VM's disk goes: @o->pool, else the pool (and namespace) of
 * the golden image, under the VM's @name.  0, or -1 with the error set. */
static int
new_disk_spec(const char *name, const vrbd_vm_create_opts *o, vrbd_spec *disk)
{
    disk->pool = xstrdup(o->pool ? o->pool : o->from ? o->from->pool : "");
    disk->nspace = !o->pool && o->from && o->from->nspace
                       ? xstrdup(o->from->nspace)
                       : NULL;
    disk->image = xstrdup(name);
    if (!*disk->pool)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "give {pool} POOL",
                              "where should the disk of '%s' go?", name);
    return 0;
}

/* Zeros written over all of @image, thick (librbd allocates every
 * object, as 'rbd create --thick-provision' does), with progress */
static int
write_full(vrbd_cluster *cl, rados_ioctx_t io, const char *image,
           const vrbd_vm_create_opts *o)
{
    rbd_image_t img;
    uint64_t off = 0;
    int r = rbd_open(io, image, &img, NULL);

    if (r < 0)
        return vrbd_cluster_error(cl, r, "cannot open '%s'", image);
    if (o->progress)
        o->progress(0, o->size, o->opaque);
    while (off < o->size && r >= 0) {
        uint64_t n =
            o->size - off < PREALLOC_STEP ? o->size - off : PREALLOC_STEP;
        ssize_t w = rbd_write_zeroes(img, off, n,
                                     RBD_WRITE_ZEROES_FLAG_THICK_PROVISION, 0);

        r = w < 0 ? (int)w : 0;
        off += n;
        if (r >= 0 && o->progress)
            o->progress(off, o->size, o->opaque);
    }
    if (r >= 0)
        r = rbd_flush(img);
    rbd_close(img);
    if (r < 0)
        return vrbd_cluster_error(cl, r, "cannot preallocate '%s'", image);
    return 0;
}

/* A new image written full: under a temporary name, renamed to @disk
 * only once complete, so an interrupted run never leaves a half-written
 * disk under the VM's name */
static int
make_full_disk(vrbd_cluster *cl, const vrbd_vm_create_opts *o,
               const vrbd_spec *disk)
{
    CLEANUP_FREE char *tmp =
        xasprintf(".virt-rbd-prealloc.%s.%d", disk->image, (int)getpid());
    vrbd_volume_create_opts vo = {.version = VRBD_VOLUME_CREATE_OPTS_VERSION,
                                  .size = o->size};
    vrbd_spec t = *disk;
    rados_ioctx_t io;
    rbd_image_t img;
    int r;

    if (vrbd_volume_new_name_check(disk) < 0 ||
        vrbd_volume_ioctx(cl, disk->pool, disk->nspace, &io) < 0)
        return -1;
    if (rbd_open_read_only(io, disk->image, &img, NULL) == 0) {
        rbd_close(img);
        rados_ioctx_destroy(io);
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "pick another name, or remove the image",
                              "image '%s' exists already", disk->image);
    }
    t.image = tmp;
    if (vrbd_volume_make(cl, &t, &vo) < 0) {
        rados_ioctx_destroy(io);
        return -1;
    }
    r = write_full(cl, io, tmp, o);
    if (r == 0 && (r = rbd_rename(io, tmp, disk->image)) < 0)
        vrbd_cluster_error(cl, r, "cannot rename '%s' to '%s'", tmp,
                           disk->image);
    if (r < 0) {
        vrbd_error_saved saved;

        vrbd_error_save(&saved);
        vrbd_remove_bounded(cl, io, tmp, NULL); /* takes io */
        vrbd_error_restore(&saved, NULL);
        return -1;
    }
    rados_ioctx_destroy(io);
    return 0;
}

/* The disk: a layered clone of the golden image, or a new one */
static int
make_disk(vrbd_cluster *cl, const vrbd_vm_create_opts *o, const vrbd_spec *disk)
{
    if (o->from) {
        vrbd_clone_opts co = {.version = VRBD_CLONE_OPTS_VERSION};
        vrbd_clone_result cr;

        return vrbd_volume_clone(cl, o->from, disk, &co, &cr);
    }
    if (o->preallocate)
        return make_full_disk(cl, o, disk);
    {
        vrbd_volume_create_opts vo = {
            .version = VRBD_VOLUME_CREATE_OPTS_VERSION, .size = o->size};

        return vrbd_volume_create(cl, disk, &vo);
    }
}

/* The domain of @c around disk @d: for its installer's boot (@install)
 * or for every boot after it */
static char *
build_xml(const create *c, const vrbd_disk_spec *d, bool install)
{
    const vrbd_vm_create_opts *o = &c->o;
    vrbd_domain_spec spec = {
        .name = c->name,
        .uuid = c->uuid[0] ? c->uuid : NULL,
        .memory_mib = o->memory_mib ? o->memory_mib : 1024,
        .vcpus = o->vcpus,
        .kvm = vrbd_kvm_usable(),
        .kernel = o->kernel,
        .initrd = o->initrd,
        .cmdline = o->cmdline,
        .serial_log = o->console_log,
        .network = o->network,
        .bridge = o->bridge,
        .disks = d,
        .n_disks = 1,
        .cdrom = c->iso != NULL,
    };

    if (c->nvram) {
        spec.loader = OVMF_CODE;
        spec.nvram_template = OVMF_VARS;
        spec.nvram = c->nvram;
    }
    if (install && c->media.kernel) {
        spec.kernel = c->media.kernel;
        spec.initrd = c->media.initrd;
        spec.cmdline = o->extra_args;
    }
    if (install) {
        /* an ISO's installer finds its packages on it, as virt-install
         * attaches it; the CD-ROM's own boot goes first */
        spec.cdrom_source = c->iso;
        spec.boot_cdrom = c->o.cdrom != NULL;
        spec.reboot_destroys = true;
    }
    return vrbd_domain_build_xml(&spec);
}

/* The installer's and the final domain XML of @c with the RBD disk
 * @disk on @cl, reached as this host's libvirt pools reach it (user,
 * secret): 0, or -1 with the error set */
static int
vm_xml(vrbd_host *host, vrbd_cluster *cl, const create *c,
       const vrbd_spec *disk, char **install_xml, char **final_xml)
{
    CLEANUP_FREE char *user = NULL;
    CLEANUP_FREE char *rbd_name = vrbd_volume_name(disk);
    char uuid[37];
    char **hosts = NULL;
    size_t n_hosts = 0;

    if (vrbd_host_connection_for(host, cl, disk->pool, NULL, &user, uuid) < 0)
        return -1;
    hosts = vrbd_cluster_mon_hosts(cl, &n_hosts);
    if (!hosts)
        return -1;
    {
        vrbd_disk_spec d = {.kind = VRBD_DISK_RBD,
                            .rbd_name = rbd_name,
                            .hosts = (const char *const *)hosts,
                            .n_hosts = n_hosts,
                            .auth_user = user,
                            .secret_uuid = uuid,
                            .target = "vda",
                            .cache = c->o.cache,
                            .io = c->o.io,
                            .no_discard = c->o.no_discard};

        *final_xml = build_xml(c, &d, false);
        *install_xml = *final_xml && c->install ? build_xml(c, &d, true) : NULL;
    }
    vrbd_strv_free(hosts);
    return *final_xml && (*install_xml || !c->install) ? 0 : -1;
}

/* What the domain XML would refuse (a name, a cache or io mode, a
 * bridge), refused before anything is made: built once around a stand-in
 * for the disk */
static int
precheck(const create *c)
{
    static const char *const mon[] = {"127.0.0.1:6789"};
    vrbd_disk_spec d = {.kind = VRBD_DISK_RBD,
                        .rbd_name = "pool/image",
                        .hosts = mon,
                        .n_hosts = 1,
                        .auth_user = "user",
                        .secret_uuid = "uuid",
                        .target = "vda",
                        .cache = c->o.cache,
                        .io = c->o.io,
                        .no_discard = c->o.no_discard};
    char *xml = build_xml(c, &d, false);

    free(xml);
    return xml ? 0 : -1;
}

/* The image @disk made for a VM that was not made goes again; the error
 * that stopped it stays */
static void
unmake_disk(vrbd_cluster *cl, const vrbd_spec *disk)
{
    vrbd_error_saved saved;
    vrbd_remove_opts ro = {.version = VRBD_REMOVE_OPTS_VERSION, .force = true};

    vrbd_error_save(&saved);
    vrbd_volume_remove(NULL, cl, disk, &ro);
    vrbd_error_restore(&saved, NULL);
}

/* The domain of an install that failed goes, with its NVRAM; the error
 * that stopped it stays */
static void
undefine(virDomainPtr dom)
{
    vrbd_error_saved saved;

    vrbd_error_save(&saved);
    if (virDomainIsActive(dom) == 1)
        virDomainDestroy(dom);
    virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM);
    virResetLastError();
    vrbd_error_restore(&saved, NULL);
}

/* The installer's boot of @dom, then the definition every later boot
 * uses (libvirt keeps it for the next start; the running installer is
 * untouched), as virt-install does.  QEMU has read the kernel and initrd
 * once the domain runs: they are removed then, whatever follows. */
static int
install(virConnectPtr conn, virDomainPtr dom, create *c, const char *final)
{
    virDomainPtr again;
    int r = virDomainCreate(dom);

    vrbd_install_media_remove(&c->media);
    if (r < 0)
        return vrbd_error_libvirt(
            "see the domain's log under /var/log/libvirt/qemu",
            "the installer of domain '%s' did not start", c->name);
    again = virDomainDefineXML(conn, final);
    if (!again)
        return vrbd_error_libvirt(
            NULL, "cannot define domain '%s' to boot from its disk", c->name);
    virDomainFree(again);
    return 0;
}

/* Define (and start) the domain of @c around @disk; the caller removes
 * the disk when this fails with *@keep_disk false */
static int
define_and_boot(vrbd_host *host, vrbd_cluster *cl, create *c,
                const vrbd_spec *disk, bool *keep_disk)
{
    virConnectPtr conn = vrbd_host_conn(host);
    CLEANUP_FREE char *install_xml = NULL;
    CLEANUP_FREE char *final_xml = NULL;
    virDomainPtr dom;
    int ret = 0;

    *keep_disk = false;
    if (vm_xml(host, cl, c, disk, &install_xml, &final_xml) < 0)
        return -1;
    dom = virDomainDefineXML(conn, install_xml ? install_xml : final_xml);
    if (!dom)
        return vrbd_error_libvirt(NULL, "cannot define domain '%s'", c->name);
    if (c->install && install(conn, dom, c, final_xml) < 0) {
        undefine(dom);
        virDomainFree(dom);
        return -1;
    }
    /* the definition recorded on the image is the one that stays */
    vrbd_vm_record_owner(host, cl, disk, dom);
    if (vrbd_host_refresh_pools_of(host, vrbd_cluster_fsid(cl), disk->pool) < 0)
        vrbd_error_clear();
    if (!c->install && c->o.start && virDomainCreate(dom) < 0) {
        vrbd_error_libvirt("see the domain's log under /var/log/libvirt/qemu",
                           "domain '%s' is defined but did not start", c->name);
        *keep_disk = true; /* the definition stays: it holds the disk */
        ret = -1;
    }
    virDomainFree(dom);
    return ret;
}

int
vrbd_vm_create(vrbd_host *host, vrbd_cluster *cl, const char *name,
               const vrbd_vm_create_opts *opts)
{
    virConnectPtr conn = vrbd_host_conn(host);
    vrbd_spec disk = {0};
    virDomainPtr dom;
    create c;
    bool keep = false;
    int ret = -1;

    if (init_create(&c, name, opts) < 0 || precheck(&c) < 0)
        goto out;
    dom = virDomainLookupByName(conn, name);
    if (dom) {
        virDomainFree(dom);
        vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                       "pick another name, or '{prog}{vrbd_vm_remove}' it",
                       "domain '%s' exists already", name);
        goto out;
    }
    virResetLastError();
    if (c.o.location &&
        vrbd_install_media_stage(c.o.location, name, VRBD_INSTALL_BOOT_DIR,
                                 &c.media) < 0)
        goto out;
    if (c.media.iso) {
        char path[PATH_MAX];

        c.iso = xstrdup(realpath(c.o.location, path) ? path : c.o.location);
    }
    if (new_disk_spec(name, &c.o, &disk) < 0 || make_disk(cl, &c.o, &disk) < 0)
        goto out;
    ret = define_and_boot(host, cl, &c, &disk, &keep);
    /* leave nothing half-made */
    if (ret < 0 && !keep)
        unmake_disk(cl, &disk);

out:
    vrbd_spec_clear(&disk);
    clear_create(&c);
    return ret;
}
