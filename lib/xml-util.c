/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xml-util.c: small libxml2 helpers shared by the libvirt modules. */
#include <limits.h>
#include <string.h>

#include <libxml/parser.h>

#include "internal.h"
#include "xml-util.h"

/*
 * libvirt writes no DOCTYPE, and one is where entities are declared:
 * stopping at it means that no entity of the document is ever expanded,
 * neither while parsing nor later by xmlNodeGetContent() (an entity
 * reference left in the tree is expanded there, a billion laughs
 * included), and that no external DTD or entity is even named.
 */
static void
refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id,
           const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;

    /* a stop alone would hand back the document so far, without a root */
    ctxt->wellFormed = 0;
    xmlStopParser(ctxt);
}

xmlDocPtr
vrbd_xml_parse(const char *xml)
{
    size_t len = strlen(xml);
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;

    if (len > INT_MAX)
        return NULL;
    ctxt = xmlNewParserCtxt();
    if (!ctxt)
        abort();
    ctxt->sax->internalSubset = refuse_dtd;
    /* NONET, and neither NOENT (substitute entities) nor DTDLOAD,
     * DTDATTR or DTDVALID (read a DTD) */
    doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "libvirt.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING);
    xmlFreeParserCtxt(ctxt);
    return doc;
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
