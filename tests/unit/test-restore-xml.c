/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-restore-xml.c: a domain's definition made a copy's by 'restore
 * --as': the new name, none of the original's UUID, NVRAM file and MAC
 * addresses, and log files of its own, the rest as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "backup-internal.h"
#include "harness.h"
#include "internal.h"
#include "xml-util.h"

static const char original[] =
    "<domain type='qemu'><name>web1</name>"
    "<uuid>0b7c1f6e-3f2a-4d7e-9d55-1c2b3a4d5e6f</uuid>"
    "<os><type>hvm</type><nvram>/var/lib/libvirt/qemu/nvram/web1_VARS.fd"
    "</nvram></os><devices>"
    "<interface type='network'><mac address='52:54:00:aa:bb:cc'/>"
    "<source network='default'/></interface>"
    "<serial type='file'><source path='/var/log/vms/web1-console.log'/>"
    "<target port='0'/></serial>"
    "<console type='file'><source path='/var/log/vms/console.log'/></console>"
    "<serial type='pty'><target port='1'/></serial>"
    "</devices></domain>";

static char *
copy_of(const char *xml, const char *old, const char *as)
{
    xmlDocPtr doc = vrbd_xml_parse(xml);

    if (!doc)
        abort();
    vrbd_restore_as_copy(xmlDocGetRootElement(doc), old, as);
    return vrbd_xml_dump(doc);
}

TEST(a_copy_has_its_own_name_identity_and_logs)
{
    char *x = copy_of(original, "web1", "web1-copy");

    CHECK(strstr(x, "<name>web1-copy</name>") != NULL);
    CHECK(strstr(x, "<uuid>") == NULL);
    CHECK(strstr(x, "nvram") == NULL);
    CHECK(strstr(x, "<mac") == NULL);
    CHECK(strstr(x, "network=\"default\"") != NULL);
    /* the domain's name in the file name becomes the copy's */
    CHECK(strstr(x, "/var/log/vms/web1-copy-console.log") != NULL);
    CHECK(strstr(x, "web1-console.log") == NULL);
    /* else the copy's name is added */
    CHECK(strstr(x, "/var/log/vms/console.log.web1-copy") != NULL);
    /* a pty has no file */
    CHECK(strstr(x, "type=\"pty\"") != NULL || strstr(x, "type='pty'"));
    free(x);
}

TEST(only_the_file_name_is_changed)
{
    /* the old name in a directory of the path stays */
    static const char xml[] =
        "<domain><name>db</name><devices><serial type='file'>"
        "<source path='/srv/db/log/serial.log'/></serial></devices></domain>";
    char *x = copy_of(xml, "db", "db2");

    CHECK(strstr(x, "/srv/db/log/serial.log.db2") != NULL);
    free(x);
}

int
main(void)
{
    RUN(a_copy_has_its_own_name_identity_and_logs);
    RUN(only_the_file_name_is_changed);
    return harness_done();
}
