/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-domain-xml.c: domain XML built from specs, compared with golden
 * files in tests/xml/data.  VRBD_REGENERATE=1 rewrites the golden files
 * from the current output (review the diff before committing it).
 */
#include "golden.h"
#include "harness.h"
#include "internal.h"

TEST(tcg_guest_with_kernel_and_two_file_disks)
{
    vrbd_disk_spec disks[] = {
        {.kind = VRBD_DISK_FILE, .path = "/var/tmp/a.raw"},
        {.kind = VRBD_DISK_FILE,
         .path = "/var/tmp/b.qcow2",
         .format = "qcow2",
         .read_only = true},
    };
    vrbd_domain_spec spec = {
        .name = "guest1",
        .uuid = "6c5d3f8e-3a5b-4d2c-9a1e-0f1e2d3c4b5a",
        .memory_mib = 256,
        .kernel = "/var/tmp/guest/vmlinuz",
        .initrd = "/var/tmp/guest/initrd.img",
        .cmdline = "console=ttyS0 quiet panic=-1 marker=n1",
        .serial_log = "/var/tmp/guest/console.log",
        .destroy_on_poweroff = true,
        .disks = disks,
        .n_disks = 2,
    };
    CLEANUP_FREE char *xml = vrbd_domain_build_xml(&spec);

    REQUIRE(xml != NULL);
    golden("domain-tcg-kernel.xml", xml);
}

TEST(explicit_targets_are_kept_and_others_fill_the_gaps)
{
    vrbd_disk_spec disks[] = {
        {.kind = VRBD_DISK_FILE, .path = "/d/one", .target = "vdb"},
        {.kind = VRBD_DISK_FILE, .path = "/d/two"},
        {.kind = VRBD_DISK_FILE, .path = "/d/three"},
    };
    vrbd_domain_spec spec = {.name = "gaps", .disks = disks, .n_disks = 3};
    CLEANUP_FREE char *xml = vrbd_domain_build_xml(&spec);

    REQUIRE(xml != NULL);
    golden("domain-targets.xml", xml);
}

TEST(values_are_escaped_not_pasted)
{
    vrbd_disk_spec disks[] = {
        {.kind = VRBD_DISK_FILE, .path = "/d/a'b\"<c>&d"},
    };
    vrbd_domain_spec spec = {.name = "x<y>&'z'",
                             .cmdline = "a=<b>",
                             .kernel = "/k",
                             .disks = disks,
                             .n_disks = 1};
    CLEANUP_FREE char *xml = vrbd_domain_build_xml(&spec);

    REQUIRE(xml != NULL);
    golden("domain-escaping.xml", xml);
}

TEST(invalid_specs_are_refused_naming_the_field)
{
    vrbd_disk_spec rel = {.kind = VRBD_DISK_FILE, .path = "rel.raw"};
    vrbd_disk_spec dup[] = {
        {.kind = VRBD_DISK_FILE, .path = "/a", .target = "vdc"},
        {.kind = VRBD_DISK_FILE, .path = "/b", .target = "vdc"}};
    vrbd_disk_spec badt = {
        .kind = VRBD_DISK_FILE, .path = "/a", .target = "sda"};
    vrbd_domain_spec s1 = {.name = "a/b"};
    vrbd_domain_spec s2 = {.name = "ok", .disks = &rel, .n_disks = 1};
    vrbd_domain_spec s3 = {.name = "ok", .disks = dup, .n_disks = 2};
    vrbd_domain_spec s4 = {.name = "ok", .disks = &badt, .n_disks = 1};
    vrbd_domain_spec s5 = {.name = "ok", .initrd = "/i"};

    CHECK(vrbd_domain_build_xml(&s1) == NULL);
    CHECK_STR(vrbd_error_last()->message, "invalid domain name 'a/b'");
    CHECK(vrbd_domain_build_xml(&s2) == NULL);
    CHECK_STR(vrbd_error_last()->message, "disk 0: invalid path 'rel.raw'");
    CHECK(vrbd_domain_build_xml(&s3) == NULL);
    CHECK_STR(vrbd_error_last()->message, "target 'vdc' is used twice");
    CHECK(vrbd_domain_build_xml(&s4) == NULL);
    CHECK_STR(vrbd_error_last()->message, "disk 0: invalid target 'sda'");
    CHECK(vrbd_domain_build_xml(&s5) == NULL);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
}

static const char *const mons[] = {"127.0.0.1:6789", "10.0.0.2:6789",
                                   "[fd00::3]:6789"};

TEST(rbd_disk_has_every_monitor_the_secret_and_rbd_defaults)
{
    vrbd_disk_spec d = {.kind = VRBD_DISK_RBD,
                        .rbd_name = "libvirt-pool/vm1",
                        .hosts = mons,
                        .n_hosts = 3,
                        .auth_user = "libvirt",
                        .secret_uuid = "5f31eb65-6377-855b-bdc9-80015334f8e2"};
    CLEANUP_FREE char *xml = vrbd_disk_build_xml(&d, "vdb");

    REQUIRE(xml != NULL);
    golden("disk-rbd.xml", xml);
}

TEST(rbd_disk_with_namespace_scsi_no_discard_cache_none_read_only)
{
    vrbd_disk_spec d = {.kind = VRBD_DISK_RBD,
                        .rbd_name = "rbd/tenant/data",
                        .hosts = mons,
                        .n_hosts = 1,
                        .auth_user = "tenant",
                        .secret_uuid = "ab0c5ceb-928e-804f-bca9-f5cd939366e4",
                        .bus = "scsi",
                        .cache = "none",
                        .no_discard = true,
                        .read_only = true};
    CLEANUP_FREE char *xml = vrbd_disk_build_xml(&d, "sdb");

    REQUIRE(xml != NULL);
    golden("disk-rbd-options.xml", xml);
}

TEST(file_disk_alone)
{
    vrbd_disk_spec d = {
        .kind = VRBD_DISK_FILE, .path = "/var/lib/a.qcow2", .format = "qcow2"};
    CLEANUP_FREE char *xml = vrbd_disk_build_xml(&d, "vdc");

    REQUIRE(xml != NULL);
    golden("disk-file.xml", xml);
}

TEST(guest_with_disks_from_two_clusters)
{
    const char *zmons[] = {"127.0.0.1:6791"};
    vrbd_disk_spec disks[] = {
        {.kind = VRBD_DISK_RBD,
         .rbd_name = "libvirt-pool/vm1",
         .hosts = mons,
         .n_hosts = 1,
         .auth_user = "libvirt",
         .secret_uuid = "5f31eb65-6377-855b-bdc9-80015334f8e2"},
        {.kind = VRBD_DISK_RBD,
         .rbd_name = "libvirt-pool/data",
         .hosts = zmons,
         .n_hosts = 1,
         .auth_user = "libvirt",
         .secret_uuid = "3c5cbca4-5a80-8cb2-83b4-f9c58274bdb7"},
    };
    vrbd_domain_spec spec = {.name = "two-clusters",
                             .kernel = "/k",
                             .initrd = "/i",
                             .cmdline = "console=ttyS0",
                             .disks = disks,
                             .n_disks = 2};
    CLEANUP_FREE char *xml = vrbd_domain_build_xml(&spec);

    REQUIRE(xml != NULL);
    golden("domain-two-clusters.xml", xml);
}

TEST(rbd_disk_keeps_a_sata_bus_for_a_moved_disk)
{
    vrbd_disk_spec d = {.kind = VRBD_DISK_RBD,
                        .rbd_name = "libvirt-pool/old-vm-sda",
                        .hosts = mons,
                        .n_hosts = 1,
                        .auth_user = "libvirt",
                        .secret_uuid = "5f31eb65-6377-855b-bdc9-80015334f8e2",
                        .bus = "sata"};
    CLEANUP_FREE char *xml = vrbd_disk_build_xml(&d, "sda");

    REQUIRE(xml != NULL);
    golden("disk-rbd-sata.xml", xml);
}

TEST(bad_rbd_disks_are_refused)
{
    vrbd_disk_spec d = {.kind = VRBD_DISK_RBD,
                        .rbd_name = "ceph:pool/img",
                        .hosts = mons,
                        .n_hosts = 1,
                        .auth_user = "u",
                        .secret_uuid = "s"};

    CHECK(vrbd_disk_build_xml(&d, "vdb") == NULL);
    CHECK(strstr(vrbd_error_last()->message, "carries a cluster"));
    d.rbd_name = "pool";
    CHECK(vrbd_disk_build_xml(&d, "vdb") == NULL);
    d.rbd_name = "pool/img";
    d.n_hosts = 0;
    CHECK(vrbd_disk_build_xml(&d, "vdb") == NULL);
    d.n_hosts = 1;
    d.cache = "turbo";
    CHECK(vrbd_disk_build_xml(&d, "vdb") == NULL);
    CHECK(strstr(vrbd_error_last()->message, "unknown cache mode 'turbo'"));
    d.cache = NULL;
    d.bus = "floppy";
    CHECK(vrbd_disk_build_xml(&d, "vdb") == NULL);
    CHECK(strstr(vrbd_error_last()->message, "unknown bus 'floppy'"));
    d.bus = NULL;
    CHECK(vrbd_disk_build_xml(&d, NULL) == NULL);
}

static const vrbd_disk_spec vm_disk = {
    .kind = VRBD_DISK_RBD,
    .rbd_name = "libvirt-pool/web1",
    .hosts = mons,
    .n_hosts = 1,
    .auth_user = "libvirt",
    .secret_uuid = "5f31eb65-6377-855b-bdc9-80015334f8e2",
    .target = "vda"};

TEST(uefi_installer_boots_the_cdrom_then_the_disk_on_a_bridge)
{
    vrbd_domain_spec spec = {
        .name = "web1",
        .disks = &vm_disk,
        .n_disks = 1,
        .bridge = "br0",
        .loader = "/usr/share/OVMF/OVMF_CODE_4M.fd",
        .nvram_template = "/usr/share/OVMF/OVMF_VARS_4M.fd",
        .nvram = "/var/lib/libvirt/qemu/nvram/web1_VARS.fd",
        .cdrom = true,
        .cdrom_source = "/srv/iso/debian-12.iso",
        .boot_cdrom = true,
        .reboot_destroys = true};
    CLEANUP_FREE char *xml = vrbd_domain_build_xml(&spec);

    REQUIRE(xml != NULL);
    golden("domain-install-cdrom-uefi.xml", xml);
}

TEST(installed_uefi_guest_keeps_an_empty_cdrom_and_boots_its_disk)
{
    vrbd_domain_spec spec = {
        .name = "web1",
        .disks = &vm_disk,
        .n_disks = 1,
        .bridge = "br0",
        .loader = "/usr/share/OVMF/OVMF_CODE_4M.fd",
        .nvram_template = "/usr/share/OVMF/OVMF_VARS_4M.fd",
        .nvram = "/var/lib/libvirt/qemu/nvram/web1_VARS.fd",
        .cdrom = true};
    CLEANUP_FREE char *xml = vrbd_domain_build_xml(&spec);

    REQUIRE(xml != NULL);
    golden("domain-installed-uefi.xml", xml);
}

TEST(location_installer_boots_its_kernel_with_extra_args)
{
    vrbd_domain_spec spec = {
        .name = "web1",
        .disks = &vm_disk,
        .n_disks = 1,
        .network = "default",
        .kernel = "/var/lib/libvirt/boot/virt-rbd-web1.kernel",
        .initrd = "/var/lib/libvirt/boot/virt-rbd-web1.initrd",
        .cmdline = "console=ttyS0 auto=true",
        .reboot_destroys = true};
    CLEANUP_FREE char *xml = vrbd_domain_build_xml(&spec);

    REQUIRE(xml != NULL);
    golden("domain-install-location.xml", xml);
}

TEST(rbd_disk_with_cache_none_native_io_and_discard_ignored)
{
    vrbd_disk_spec d = vm_disk;
    CLEANUP_FREE char *xml = NULL;

    d.cache = "none";
    d.io = "native";
    d.no_discard = true;
    xml = vrbd_disk_build_xml(&d, "vda");
    REQUIRE(xml != NULL);
    golden("disk-rbd-native-io.xml", xml);
}

TEST(bad_io_nic_and_firmware_choices_are_refused)
{
    vrbd_disk_spec d = vm_disk;
    vrbd_domain_spec spec = {.name = "x", .disks = &d, .n_disks = 1};

    d.io = "native";
    CHECK(vrbd_domain_build_xml(&spec) == NULL);
    CHECK_STR(
        vrbd_error_last()->message,
        "disk 0: io mode 'native' needs cache mode none or directsync, not 'writeback'");
    CHECK_STR(vrbd_error_last()->hint,
              "give the cache option none (or directsync) with it");
    d.io = "fast";
    CHECK(vrbd_domain_build_xml(&spec) == NULL);
    CHECK_STR(vrbd_error_last()->message, "disk 0: unknown io mode 'fast'");
    d.io = NULL;
    spec.network = "default";
    spec.bridge = "br0";
    CHECK(vrbd_domain_build_xml(&spec) == NULL);
    CHECK_STR(vrbd_error_last()->message,
              "one NIC: a libvirt network or a bridge, not both");
    spec.network = NULL;
    spec.bridge = "a-bridge-name-too-long";
    CHECK(vrbd_domain_build_xml(&spec) == NULL);
    CHECK(strstr(vrbd_error_last()->message,
                 "invalid bridge name 'a-bridge-name-too-long'"));
    spec.bridge = "br/0";
    CHECK(vrbd_domain_build_xml(&spec) == NULL);
    spec.bridge = NULL;
    spec.nvram = "/n";
    CHECK(vrbd_domain_build_xml(&spec) == NULL);
    CHECK_STR(vrbd_error_last()->message, "an NVRAM file needs a UEFI loader");
    spec.nvram = NULL;
    spec.cdrom = true;
    spec.boot_cdrom = true;
    CHECK(vrbd_domain_build_xml(&spec) == NULL);
    CHECK_STR(vrbd_error_last()->message,
              "booting from the CD-ROM needs an ISO in it");
}

int
main(int argc, char **argv)
{
    golden_dir = argc > 1 ? argv[1] : TEST_SRCDIR "/xml/data";
    RUN(tcg_guest_with_kernel_and_two_file_disks);
    RUN(explicit_targets_are_kept_and_others_fill_the_gaps);
    RUN(rbd_disk_keeps_a_sata_bus_for_a_moved_disk);
    RUN(values_are_escaped_not_pasted);
    RUN(invalid_specs_are_refused_naming_the_field);
    RUN(rbd_disk_has_every_monitor_the_secret_and_rbd_defaults);
    RUN(rbd_disk_with_namespace_scsi_no_discard_cache_none_read_only);
    RUN(file_disk_alone);
    RUN(guest_with_disks_from_two_clusters);
    RUN(bad_rbd_disks_are_refused);
    RUN(uefi_installer_boots_the_cdrom_then_the_disk_on_a_bridge);
    RUN(installed_uefi_guest_keeps_an_empty_cdrom_and_boots_its_disk);
    RUN(location_installer_boots_its_kernel_with_extra_args);
    RUN(rbd_disk_with_cache_none_native_io_and_discard_ignored);
    RUN(bad_io_nic_and_firmware_choices_are_refused);
    return harness_done();
}
