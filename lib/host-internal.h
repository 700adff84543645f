/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host-internal.h: what the libvirt-facing modules (host, secret, domain)
 * share: the raw connection and small libxml2 helpers.
 */
#ifndef VRBD_HOST_INTERNAL_H
#define VRBD_HOST_INTERNAL_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "vrbd.h"
#include "virt.h"

/* The libvirt connection of @host, owned by it. */
virConnectPtr vrbd_host_conn(vrbd_host *host);

/* Parse @xml (no network, no entities); NULL if it does not parse. */
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

/* The current monitors of @cl as libvirt <host> addresses ("ip:port"),
 * from the live monmap: NULL-terminated, *@n of them; NULL on failure. */
char **vrbd_cluster_mon_hosts(vrbd_cluster *cl, size_t *n);

/* The user and secret of this host's connection to (cluster, pool), made
 * with vrbd_host_connect when missing (@entity: its user, NULL:
 * client.libvirt).  *@user is the cephx id without "client.". */
int vrbd_host_connection_for(vrbd_host *host, vrbd_cluster *cl,
                             const char *pool, const char *entity, char **user,
                             char uuid[37]);

/* Record @dom (host, name, uuid) as the user of @image in its metadata
 * (virt-rbd.owner); best effort, errors cleared. */
void vrbd_vm_record_owner(vrbd_cluster *cl, const vrbd_spec *image,
                          virDomainPtr dom);

#endif
