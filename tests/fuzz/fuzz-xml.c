/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-xml.c: libFuzzer target for what libvrbd reads in the XML libvirt
 * gives back (host-internal.h): a storage pool's type, an RBD pool's
 * source, a domain's disks, one disk element, whether a domain uses a
 * pool, whether a secret is private.  The input is the XML text (up to
 * its first NUL byte), read as each of them.
 * Beyond not crashing or leaking: a document that parses has no DTD and
 * no entity reference left to expand; an RBD pool's monitors are
 * HOST:PORT; every disk read has a monitor list; the disk element of
 * each disk's target is found, and what it serialises parses again as a
 * <disk>.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "host-internal.h"
#include "internal.h"
#include "xml-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
no_entities(xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type == XML_DTD_NODE || n->type == XML_ENTITY_REF_NODE ||
            n->type == XML_ENTITY_DECL || n->type == XML_ENTITY_NODE)
            return false;
        if (n->type == XML_ELEMENT_NODE &&
            (!no_entities(n->children) ||
             !no_entities((xmlNodePtr)n->properties)))
            return false;
        if (n->type == XML_ATTRIBUTE_NODE && !no_entities(n->children))
            return false;
    }
    return true;
}

static void
parse(const char *xml)
{
    xmlDocPtr doc = vrbd_xml_parse(xml);

    if (doc &&
        (doc->intSubset || doc->extSubset || !no_entities(doc->children)))
        abort();
    xmlFreeDoc(doc);
}

static void
read_pool(const char *xml)
{
    vrbd_host_rbd_pool *p = xcalloc(1, sizeof(*p));

    free(vrbd_host_pool_type_read(xml));
    free(vrbd_host_caps_uuid_read(xml));
    if (vrbd_host_rbd_pool_read(xml, p)) {
        if (!p->hosts)
            abort();
        for (char **h = p->hosts; *h; h++)
            if (!strchr(*h, ':'))
                abort();
        (void)vrbd_host_domain_uses(xml, p->pool ? p->pool : "", p->secret_uuid,
                                    NULL);
    }
    vrbd_host_rbd_pool_list_free(p, 1);
}

static void
read_disk_element(const char *xml, const char *which)
{
    char *src = NULL;
    char *disk = vrbd_vm_disk_element(xml, which, &src);
    xmlDocPtr doc;

    if (!disk)
        abort();
    doc = vrbd_xml_parse(disk);
    if (!doc ||
        strcmp((const char *)xmlDocGetRootElement(doc)->name, "disk") != 0)
        abort();
    xmlFreeDoc(doc);
    free(disk);
    free(src);
}

static void
read_domain(const char *xml)
{
    vrbd_vm_disk *disks = NULL;
    size_t n = 0;

    if (vrbd_vm_disks_read(NULL, xml, &disks, &n) != 0)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (!disks[i].hosts || (!disks[i].rbd && disks[i].hosts[0]))
            abort();
        if (disks[i].target)
            read_disk_element(xml, disks[i].target);
    }
    vrbd_vm_disk_list_free(disks, n);
    free(vrbd_vm_disk_element(xml, "vda", NULL));
    (void)vrbd_host_domain_uses(xml, "rbd", NULL, NULL);
    (void)vrbd_host_domain_uses(xml, "vms", "5f31eb65", "virt-rbd/f/x");
    (void)vrbd_secret_xml_private(xml);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *xml = xmalloc(size + 1);

    memcpy(xml, data, size);
    xml[size] = '\0';
    parse(xml);
    read_pool(xml);
    read_domain(xml);
    free(xml);
    return 0;
}
