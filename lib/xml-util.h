/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xml-util.h: small libxml2 helpers (xml-util.c) for the modules that
 * read and write libvirt's XML: a parser that refuses DTDs, and lookups
 * of attributes, children and text.
 */
#ifndef VRBD_XML_UTIL_H
#define VRBD_XML_UTIL_H

#include <stdbool.h>

#include <libxml/tree.h>

/* Parse @xml (no network, no DTD, no entities: a document with a DOCTYPE
 * is refused); NULL if it does not parse. */
xmlDocPtr vrbd_xml_parse(const char *xml);

/* Serialise @doc, indented, without the XML declaration, and free it. */
char *vrbd_xml_dump(xmlDocPtr doc);

/* Whether attribute @name of @node equals @value. */
bool vrbd_xml_prop_is(xmlNodePtr node, const char *name, const char *value);

/* Attribute @name of @node, or NULL; caller frees with free(). */
char *vrbd_xml_prop(xmlNodePtr node, const char *name);

/* The first child element of @node named @name, or NULL. */
xmlNodePtr vrbd_xml_child(xmlNodePtr node, const char *name);

/* The text content of @node, or NULL; caller frees with free(). */
char *vrbd_xml_text(xmlNodePtr node);

#endif
