/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-xml-util.c: the libxml2 helpers (lib/xml-util.c): libvirt's XML
 * read as it is, and nothing in a document ever fetched or expanded: no
 * DOCTYPE, hence no entity, no external DTD, no network.
 */
#include <stdio.h>
#include <unistd.h>

#include "harness.h"
#include "host-internal.h"
#include "internal.h"
#include "xml-util.h"

TEST(libvirt_xml_is_read)
{
    xmlDocPtr doc =
        vrbd_xml_parse("<pool type='rbd'><source><name>vms &amp; co</name>"
                       "<host name='10.0.0.1' port='6789'/></source></pool>");
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr src = vrbd_xml_child(root, "source");
    CLEANUP_FREE char *name = vrbd_xml_text(vrbd_xml_child(src, "name"));
    CLEANUP_FREE char *port =
        vrbd_xml_prop(vrbd_xml_child(src, "host"), "port");

    REQUIRE(root != NULL);
    CHECK(vrbd_xml_prop_is(root, "type", "rbd"));
    CHECK_STR(name, "vms & co");
    CHECK_STR(port, "6789");
    xmlFreeDoc(doc);
}

TEST(the_host_uuid_is_read_from_capabilities_only)
{
    CLEANUP_FREE char *uuid = vrbd_host_caps_uuid_read(
        "<capabilities><host><uuid>762030ab-f9a4-4c4b-b00c-898340d92742"
        "</uuid><cpu/></host><guest><uuid>no</uuid></guest></capabilities>");

    CHECK_STR(uuid, "762030ab-f9a4-4c4b-b00c-898340d92742");
    /* libvirt's test driver reports none; an empty one is none */
    CHECK(vrbd_host_caps_uuid_read("<capabilities><host><cpu/></host>"
                                   "</capabilities>") == NULL);
    CHECK(vrbd_host_caps_uuid_read("<capabilities><host><uuid></uuid>"
                                   "</host></capabilities>") == NULL);
    CHECK(vrbd_host_caps_uuid_read("<domain><host><uuid>x</uuid></host>"
                                   "</domain>") == NULL);
    CHECK(vrbd_host_caps_uuid_read("not xml") == NULL);
}

TEST(an_internal_entity_is_refused_with_its_doctype)
{
    CHECK(vrbd_xml_parse("<!DOCTYPE secret [<!ENTITY y \"yes\">]>"
                         "<secret private='&y;'/>") == NULL);
    CHECK(!vrbd_secret_xml_private("<!DOCTYPE secret [<!ENTITY y \"yes\">]>"
                                   "<secret private='&y;'/>"));
    /* and without a DOCTYPE, an entity is undefined */
    CHECK(vrbd_xml_parse("<secret>&y;</secret>") == NULL);
}

TEST(a_billion_laughs_is_refused_unexpanded)
{
    static const char laughs[] =
        "<!DOCTYPE d [<!ENTITY a \"lol\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
        "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
        "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
        "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
        "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">"
        "<!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">]>"
        "<domain><name>&i;</name></domain>";
    vrbd_vm_disk *disks = NULL;
    size_t n = 1;

    CHECK(vrbd_xml_parse(laughs) == NULL);
    CHECK(vrbd_vm_disks_read(NULL, laughs, &disks, &n) == 0 && n == 0);
    vrbd_vm_disk_list_free(disks, n);
}

TEST(an_external_entity_is_never_read)
{
    char path[] = "/tmp/test-xml-util.XXXXXX";
    int fd = mkstemp(path);
    CLEANUP_FREE char *xml = NULL;
    vrbd_host_rbd_pool *p = xcalloc(1, sizeof(*p));

    REQUIRE(fd >= 0);
    CHECK(write(fd, "canary", 6) == 6);
    close(fd);
    xml = xasprintf("<!DOCTYPE pool [<!ENTITY x SYSTEM \"file://%s\">]>"
                    "<pool type='rbd'><source><name>&x;</name></source>"
                    "</pool>",
                    path);
    CHECK(vrbd_xml_parse(xml) == NULL);
    CHECK(!vrbd_host_rbd_pool_read(xml, p));
    CHECK(p->pool == NULL);
    vrbd_host_rbd_pool_list_free(p, 1);
    unlink(path);
}

TEST(an_external_dtd_is_refused_unfetched)
{
    /* port 9 (discard): nothing listens, and NONET would stop it anyway */
    CHECK(vrbd_xml_parse("<!DOCTYPE pool SYSTEM "
                         "\"http://127.0.0.1:9/pool.dtd\"><pool/>") == NULL);
}

int
main(void)
{
    RUN(libvirt_xml_is_read);
    RUN(the_host_uuid_is_read_from_capabilities_only);
    RUN(an_internal_entity_is_refused_with_its_doctype);
    RUN(a_billion_laughs_is_refused_unexpanded);
    RUN(an_external_entity_is_never_read);
    RUN(an_external_dtd_is_refused_unfetched);
    return harness_done();
}
