/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xml-util.c: small libxml2 helpers shared by the libvirt modules. */
#include <string.h>

#include <libxml/parser.h>

#include "host-internal.h"
#include "internal.h"

xmlDocPtr
vrbd_xml_parse(const char *xml)
{
    return xmlReadMemory(xml, (int)strlen(xml), "libvirt.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR |
                             XML_PARSE_NOWARNING);
}

char *
vrbd_xml_dump(xmlDocPtr doc)
{
    xmlChar *mem = NULL;
    int len = 0;
    const char *start;
    char *res;

    xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 1);
    xmlFreeDoc(doc);
    if (!mem)
        abort();
    /* libvirt's own dumps carry no <?xml ...?> declaration */
    start = (const char *)mem;
    if (strncmp(start, "<?xml", 5) == 0) {
        start = strstr(start, "?>");
        start = start ? start + 2 : (const char *)mem;
        while (*start == '\n')
            start++;
    }
    res = xstrdup(start);
    xmlFree(mem);
    return res;
}

char *
vrbd_xml_prop(xmlNodePtr node, const char *name)
{
    xmlChar *v = node ? xmlGetProp(node, BAD_CAST name) : NULL;
    char *res = v ? xstrdup((const char *)v) : NULL;

    xmlFree(v);
    return res;
}

bool
vrbd_xml_prop_is(xmlNodePtr node, const char *name, const char *value)
{
    CLEANUP_FREE char *v = vrbd_xml_prop(node, name);

    return v && strcmp(v, value) == 0;
}

xmlNodePtr
vrbd_xml_child(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE &&
            strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

char *
vrbd_xml_text(xmlNodePtr node)
{
    xmlChar *v = node ? xmlNodeGetContent(node) : NULL;
    char *res = v ? xstrdup((const char *)v) : NULL;

    xmlFree(v);
    return res;
}
