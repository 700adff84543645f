/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain.c: libvirt domain XML, built as a tree with libxml2 and never by
 * pasting strings, so every value is escaped.  This module builds and
 * validates XML; starting and editing live domains happen elsewhere.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "host-internal.h"
#include "internal.h"
#include "xml-util.h"

static xmlNodePtr
add(xmlNodePtr parent, const char *name, const char *text)
{
    return xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
}

static void
prop(xmlNodePtr node, const char *name, const char *value)
{
    xmlNewProp(node, BAD_CAST name, BAD_CAST value);
}

static bool
valid_target(const char *t)
{
    size_t n = strlen(t);

    /* vda .. vdz, vdaa ..: what the virtio bus names */
    if (n < 3 || n > 4 || strncmp(t, "vd", 2) != 0)
        return false;
    for (size_t i = 2; i < n; i++)
        if (t[i] < 'a' || t[i] > 'z')
            return false;
    return true;
}

static int
check_disk(const vrbd_disk_spec *d, size_t i)
{
    if (d->kind == VRBD_DISK_FILE && (!d->path || d->path[0] != '/'))
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "give an absolute path",
                              "disk %zu: invalid path '%s'", i,
                              d->path ? d->path : "");
    if (d->kind == VRBD_DISK_RBD) {
        vrbd_spec s;

        if (!d->rbd_name ||
            vrbd_spec_parse(d->rbd_name, VRBD_SPEC_IMAGE, &s) < 0)
            return vrbd_error_set(VRBD_ERR_INVALID, 0,
                                  "write the image as POOL[/NS]/IMAGE",
                                  "disk %zu: invalid RBD image '%s'", i,
                                  d->rbd_name ? d->rbd_name : "");
        if (s.cluster) {
            vrbd_spec_clear(&s);
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0, NULL,
                "disk %zu: '%s' carries a cluster: the monitors and secret name it",
                i, d->rbd_name);
        }
        vrbd_spec_clear(&s);
        if (d->n_hosts == 0 || !d->auth_user || !d->secret_uuid)
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0, NULL,
                "disk %zu: an RBD disk needs monitors, a user and a secret", i);
        for (size_t k = 0; k < d->n_hosts; k++) {
            const char *c = strrchr(d->hosts[k], ':');

            if (!c || c == d->hosts[k] || !c[1])
                return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                                      "disk %zu: monitor '%s' is not HOST:PORT",
                                      i, d->hosts[k]);
        }
    }
    /* a moved disk keeps whatever bus the guest knows it on */
    if (d->bus && strcmp(d->bus, "virtio") != 0 && strcmp(d->bus, "scsi") &&
        strcmp(d->bus, "sata") != 0 && strcmp(d->bus, "ide") != 0 &&
        strcmp(d->bus, "usb") != 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "use virtio, scsi, sata, ide or usb",
                              "disk %zu: unknown bus '%s'", i, d->bus);
    if (d->cache && strcmp(d->cache, "writeback") != 0 &&
        strcmp(d->cache, "none") != 0 && strcmp(d->cache, "writethrough") &&
        strcmp(d->cache, "directsync") != 0 && strcmp(d->cache, "unsafe"))
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "use writeback, none, writethrough, directsync or unsafe",
            "disk %zu: unknown cache mode '%s'", i, d->cache);
    if (d->io && strcmp(d->io, "native") != 0 && strcmp(d->io, "threads") &&
        strcmp(d->io, "io_uring") != 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "use native, threads or io_uring",
                              "disk %zu: unknown io mode '%s'", i, d->io);
    /* QEMU's native AIO is O_DIRECT I/O: with a host cache it falls back
     * to threads, so the asked mode would silently not be the one used */
    if (d->io && strcmp(d->io, "native") == 0 &&
        (!d->cache || (strcmp(d->cache, "none") != 0 &&
                       strcmp(d->cache, "directsync") != 0)))
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "give {cache} none (or directsync) with it",
            "disk %zu: io mode 'native' needs cache mode none or directsync, not '%s'",
            i, d->cache ? d->cache : "writeback");
    return 0;
}

static void
add_disk(xmlNodePtr devices, const vrbd_disk_spec *d, const char *target)
{
    xmlNodePtr disk = add(devices, "disk", NULL);
    xmlNodePtr node, src;
    bool rbd = d->kind == VRBD_DISK_RBD;
    const char *cache = d->cache ? d->cache : rbd ? "writeback" : NULL;

    prop(disk, "type", rbd ? "network" : "file");
    prop(disk, "device", "disk");
    node = add(disk, "driver", NULL);
    prop(node, "name", "qemu");
    prop(node, "type", d->format ? d->format : "raw");
    if (cache)
        prop(node, "cache", cache);
    if (d->io)
        prop(node, "io", d->io);
    if (rbd && !d->no_discard) {
        prop(node, "discard", "unmap");
        prop(node, "detect_zeroes", "unmap");
    }
    src = add(disk, "source", NULL);
    if (rbd) {
        prop(src, "protocol", "rbd");
        prop(src, "name", d->rbd_name);
        for (size_t k = 0; k < d->n_hosts; k++) {
            const char *h = d->hosts[k];
            const char *colon = strrchr(h, ':');
            CLEANUP_FREE char *host = xstrndup(h, (size_t)(colon - h));

            if (host[0] == '[') {
                memmove(host, host + 1, strlen(host));
                if (*host && host[strlen(host) - 1] == ']')
                    host[strlen(host) - 1] = '\0';
            }
            node = add(src, "host", NULL);
            prop(node, "name", host);
            prop(node, "port", colon + 1);
        }
        node = add(disk, "auth", NULL);
        prop(node, "username", d->auth_user);
        node = add(node, "secret", NULL);
        prop(node, "type", "ceph");
        prop(node, "uuid", d->secret_uuid);
    } else {
        prop(src, "file", d->path);
    }
    node = add(disk, "target", NULL);
    prop(node, "dev", target);
    prop(node, "bus", d->bus ? d->bus : "virtio");
    if (d->read_only)
        add(disk, "readonly", NULL);
}

char *
vrbd_disk_build_xml(const vrbd_disk_spec *d, const char *target)
{
    xmlDocPtr doc;
    xmlNodePtr root;

    if (check_disk(d, 0) < 0)
        return NULL;
    if (!target || !*target || strlen(target) > 8) {
        vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                       "a disk needs a target such as 'vdb'");
        return NULL;
    }
    doc = xmlNewDoc(BAD_CAST "1.0");
    root = xmlNewNode(NULL, BAD_CAST "devices");
    xmlDocSetRootElement(doc, root);
    add_disk(root, d, target);
    /* the <disk> alone, without the wrapper */
    {
        xmlNodePtr disk = root->children;

        xmlUnlinkNode(disk);
        xmlDocSetRootElement(doc, disk);
        xmlFreeNode(root);
    }
    return vrbd_xml_dump(doc);
}

static int
check_spec(const vrbd_domain_spec *spec)
{
    size_t i, j;

    if (!spec->name || !*spec->name || strchr(spec->name, '/') ||
        strlen(spec->name) > 200)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "give a domain name without '/' of at most 200 characters",
            "invalid domain name '%s'", spec->name ? spec->name : "");
    if (spec->initrd && !spec->kernel)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "give the kernel too ({kernel})",
                              "an initrd needs a kernel");
    if (spec->network && spec->bridge)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "give {network} NAME or {bridge}BRIDGE",
            "one NIC: a libvirt network or a bridge, not both");
    /* the kernel's IFNAMSIZ (16 with its NUL) */
    if (spec->bridge && (!*spec->bridge || strlen(spec->bridge) > 15 ||
                         strpbrk(spec->bridge, "/: \t\n'\"")))
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "give the name of a bridge of this host (see 'ip link')",
            "invalid bridge name '%s': at most 15 characters, no '/', ':' or spaces",
            spec->bridge);
    if ((spec->nvram || spec->nvram_template) && !spec->loader)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "an NVRAM file needs a UEFI loader");
    if (spec->boot_cdrom && (!spec->cdrom || !spec->cdrom_source))
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "give {cdrom} ISO",
                              "booting from the CD-ROM needs an ISO in it");
    if (spec->n_disks > 26)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "too many disks (%zu, at most 26)",
                              spec->n_disks);
    for (i = 0; i < spec->n_disks; i++) {
        const vrbd_disk_spec *d = &spec->disks[i];

        if (check_disk(d, i) < 0)
            return -1;
        if (d->target && !valid_target(d->target))
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0, "use a virtio target such as 'vdb'",
                "disk %zu: invalid target '%s'", i, d->target);
        for (j = 0; j < i; j++)
            if (d->target && spec->disks[j].target &&
                strcmp(d->target, spec->disks[j].target) == 0)
                return vrbd_error_set(VRBD_ERR_INVALID, 0,
                                      "give each disk its own target",
                                      "target '%s' is used twice", d->target);
    }
    return 0;
}

/* The first vdX not named by any disk's explicit target, nor taken. */
static void
next_target(const vrbd_domain_spec *spec, const bool *taken, char out[5])
{
    for (char c = 'a'; c <= 'z'; c++) {
        size_t i;
        bool used = taken[c - 'a'];

        for (i = 0; i < spec->n_disks && !used; i++)
            if (spec->disks[i].target && strlen(spec->disks[i].target) == 3 &&
                spec->disks[i].target[2] == c)
                used = true;
        if (!used) {
            snprintf(out, 5, "vd%c", c);
            return;
        }
    }
    out[0] = '\0';
}

/* root ports a new guest has free for hot-plugged disks and NICs */
#define SPARE_ROOT_PORTS 4

/* The devices every guest gets: the guest agent's channel, no balloon,
 * and the PCIe root ports its devices and hot-plugged ones go on */
static void
add_platform(xmlNodePtr devices, const vrbd_domain_spec *spec)
{
    xmlNodePtr node;
    size_t i, ports;

    /* the guest agent's port, as virt-install adds: backups freeze the
     * guest's filesystems through it when an agent answers */
    node = add(devices, "channel", NULL);
    prop(node, "type", "unix");
    node = add(node, "target", NULL);
    prop(node, "type", "virtio");
    prop(node, "name", "org.qemu.guest_agent.0");
    prop(add(devices, "memballoon", NULL), "model", "none");
    /* q35 has no hot-pluggable slot of its own: libvirt puts each PCI
     * device (the disks, the NIC, the USB and virtio-serial controllers)
     * on a root port it adds, and adds none to spare, so a second disk
     * attached to the running guest found "No more available PCI
     * slots".  Enough ports for those devices and SPARE_ROOT_PORTS more,
     * as virt-install does. */
    ports = spec->n_disks + (spec->network ? 1 : 0) + 2 + SPARE_ROOT_PORTS;
    /* the first PCI controller libvirt reads is index 0, the root */
    node = add(devices, "controller", NULL);
    prop(node, "type", "pci");
    prop(node, "index", "0");
    prop(node, "model", "pcie-root");
    for (i = 0; i < ports; i++) {
        xmlNodePtr port = add(devices, "controller", NULL);

        prop(port, "type", "pci");
        prop(port, "model", "pcie-root-port");
    }
}

/* <os>: the firmware, then what it boots: a kernel given directly, or
 * the CD-ROM (once, for an installer) and the disk */
static void
add_os(xmlNodePtr dom, const vrbd_domain_spec *spec)
{
    xmlNodePtr os = add(dom, "os", NULL);
    xmlNodePtr node = add(os, "type", "hvm");

    prop(node, "arch", "x86_64");
    prop(node, "machine", "q35");
    if (spec->loader) {
        /* pflash code read-only, variables per VM: libvirt copies the
         * template on first start and removes it on undefine --nvram */
        node = add(os, "loader", spec->loader);
        prop(node, "readonly", "yes");
        prop(node, "type", "pflash");
        node = add(os, "nvram", spec->nvram);
        if (spec->nvram_template)
            prop(node, "template", spec->nvram_template);
    }
    if (spec->kernel) {
        add(os, "kernel", spec->kernel);
        if (spec->initrd)
            add(os, "initrd", spec->initrd);
        if (spec->cmdline)
            add(os, "cmdline", spec->cmdline);
        return;
    }
    if (spec->boot_cdrom)
        prop(add(os, "boot", NULL), "dev", "cdrom");
    prop(add(os, "boot", NULL), "dev", "hd");
}

/* A SATA CD-ROM on q35's built-in AHCI controller, with @iso or empty */
static void
add_cdrom(xmlNodePtr devices, const char *iso)
{
    xmlNodePtr disk = add(devices, "disk", NULL);
    xmlNodePtr node;

    prop(disk, "type", "file");
    prop(disk, "device", "cdrom");
    node = add(disk, "driver", NULL);
    prop(node, "name", "qemu");
    prop(node, "type", "raw");
    if (iso)
        prop(add(disk, "source", NULL), "file", iso);
    node = add(disk, "target", NULL);
    prop(node, "dev", "sda");
    prop(node, "bus", "sata");
    add(disk, "readonly", NULL);
}

static void
add_nic(xmlNodePtr devices, const vrbd_domain_spec *spec)
{
    xmlNodePtr nic = add(devices, "interface", NULL);
    bool bridge = spec->bridge != NULL;

    prop(nic, "type", bridge ? "bridge" : "network");
    prop(add(nic, "source", NULL), bridge ? "bridge" : "network",
         bridge ? spec->bridge : spec->network);
    prop(add(nic, "model", NULL), "type", "virtio");
}

static void
add_devices(xmlNodePtr dom, const vrbd_domain_spec *spec)
{
    xmlNodePtr devices = add(dom, "devices", NULL);
    bool taken[26] = {false};

    if (spec->emulator)
        add(devices, "emulator", spec->emulator);
    for (size_t i = 0; i < spec->n_disks; i++) {
        const vrbd_disk_spec *d = &spec->disks[i];
        char target[5];

        if (d->target) {
            snprintf(target, sizeof(target), "%s", d->target);
        } else {
            next_target(spec, taken, target);
        }
        if (strlen(target) == 3)
            taken[target[2] - 'a'] = true;
        add_disk(devices, d, target);
    }
    if (spec->cdrom)
        add_cdrom(devices, spec->cdrom_source);
    if (spec->network || spec->bridge)
        add_nic(devices, spec);
    if (spec->serial_log) {
        xmlNodePtr serial = add(devices, "serial", NULL);

        prop(serial, "type", "file");
        prop(add(serial, "source", NULL), "path", spec->serial_log);
        prop(add(serial, "target", NULL), "port", "0");
    }
    add_platform(devices, spec);
}

char *
vrbd_domain_build_xml(const vrbd_domain_spec *spec)
{
    xmlDocPtr doc;
    xmlNodePtr dom, node;
    char buf[32];

    if (check_spec(spec) < 0)
        return NULL;

    doc = xmlNewDoc(BAD_CAST "1.0");
    dom = xmlNewNode(NULL, BAD_CAST "domain");
    xmlDocSetRootElement(doc, dom);
    /* TCG unless asked: libvirt accepts type='kvm' wherever /dev/kvm
     * opens, even where KVM then hangs (nested, no vmx/svm). */
    prop(dom, "type", spec->kvm ? "kvm" : "qemu");
    add(dom, "name", spec->name);
    if (spec->uuid)
        add(dom, "uuid", spec->uuid);
    snprintf(buf, sizeof(buf), "%u", spec->memory_mib ? spec->memory_mib : 256);
    node = add(dom, "memory", buf);
    prop(node, "unit", "MiB");
    snprintf(buf, sizeof(buf), "%u", spec->vcpus ? spec->vcpus : 1);
    add(dom, "vcpu", buf);
    add_os(dom, spec);
    add(add(dom, "features", NULL), "acpi", NULL);
    if (spec->destroy_on_poweroff) {
        add(dom, "on_poweroff", "destroy");
        add(dom, "on_reboot", "destroy");
        add(dom, "on_crash", "destroy");
    } else if (spec->reboot_destroys) {
        add(dom, "on_reboot", "destroy");
    }
    add_devices(dom, spec);
    return vrbd_xml_dump(doc);
}
