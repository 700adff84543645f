/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * refresh.c: following a cluster's monitors.  libvirt freezes monitor
 * addresses into every RBD pool and every domain disk; when monitors move
 * those go stale one by one.  This rewrites them from the live monmap,
 * with libxml2 (only <host> elements change), through the libvirt API.
 */
#include <string.h>

#include "host-internal.h"
#include "internal.h"
#include "virt.h"
#include "xml-util.h"

void
vrbd_refresh_result_clear(vrbd_refresh_result *res)
{
    vrbd_strv_free(res->pools);
    vrbd_strv_free(res->domains);
    vrbd_strv_free(res->running);
    memset(res, 0, sizeof(*res));
}

bool
vrbd_xml_replace_hosts(xmlNodePtr src, char *const *hosts)
{
    xmlNodePtr anchor = NULL, next;
    CLEANUP_FREE char *before = xstrdup("");
    CLEANUP_FREE char *after = xstrdup("");

    for (xmlNodePtr c = src->children; c; c = next) {
        next = c->next;
        if (c->type != XML_ELEMENT_NODE ||
            strcmp((const char *)c->name, "host") != 0)
            continue;
        {
            CLEANUP_FREE char *n = vrbd_xml_prop(c, "name");
            CLEANUP_FREE char *p = vrbd_xml_prop(c, "port");
            char *b = xasprintf("%s%s:%s,", before, n ? n : "", p ? p : "");

            free(before);
            before = b;
        }
        if (!anchor) {
            anchor = xmlNewNode(NULL, BAD_CAST "anchor");
            xmlAddPrevSibling(c, anchor);
        }
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    if (!anchor) {
        xmlNodePtr name = vrbd_xml_child(src, "name");

        anchor = xmlNewNode(NULL, BAD_CAST "anchor");
        if (name)
            xmlAddNextSibling(name, anchor);
        else
            xmlAddChild(src, anchor);
    }
    for (size_t i = 0; hosts[i]; i++) {
        const char *h = hosts[i];
        const char *colon = strrchr(h, ':');
        CLEANUP_FREE char *name = xstrndup(h, (size_t)(colon - h));
        xmlNodePtr node = xmlNewNode(NULL, BAD_CAST "host");
        char *a;

        if (name[0] == '[') {
            memmove(name, name + 1, strlen(name));
            if (*name && name[strlen(name) - 1] == ']')
                name[strlen(name) - 1] = '\0';
        }
        xmlNewProp(node, BAD_CAST "name", BAD_CAST name);
        xmlNewProp(node, BAD_CAST "port", BAD_CAST(colon + 1));
        xmlAddPrevSibling(anchor, node);
        a = xasprintf("%s%s:%s,", after, name, colon + 1);
        free(after);
        after = a;
    }
    xmlUnlinkNode(anchor);
    xmlFreeNode(anchor);
    return strcmp(before, after) != 0;
}

static int
refresh_pools(vrbd_host *host, vrbd_cluster *cl, char *const *hosts,
              vrbd_refresh_result *res)
{
    virConnectPtr conn = vrbd_host_conn(host);
    vrbd_host_rbd_pool *pools = NULL;
    size_t np = 0;
    int ret = 0;

    if (vrbd_host_rbd_pool_list(host, &pools, &np) < 0)
        return -1;
    for (size_t i = 0; i < np && ret == 0; i++) {
        virStoragePoolPtr p;
        CLEANUP_FREE char *xml = NULL;
        xmlDocPtr doc;
        xmlNodePtr src;

        if (!pools[i].fsid || strcmp(pools[i].fsid, vrbd_cluster_fsid(cl)))
            continue;
        p = virStoragePoolLookupByName(conn, pools[i].name);
        if (!p)
            continue;
        xml = virStoragePoolGetXMLDesc(p, VIR_STORAGE_XML_INACTIVE);
        doc = xml ? vrbd_xml_parse(xml) : NULL;
        src = vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "source");
        if (src && vrbd_xml_replace_hosts(src, hosts)) {
            CLEANUP_FREE char *out = vrbd_xml_dump(doc);
            virStoragePoolPtr np2;

            doc = NULL;
            np2 = virStoragePoolDefineXML(conn, out, 0);
            if (!np2) {
                ret = vrbd_error_libvirt(NULL, "cannot redefine pool '%s'",
                                         pools[i].name);
            } else {
                /* a pool takes a new definition when it restarts */
                if (virStoragePoolIsActive(np2) == 1) {
                    virStoragePoolDestroy(np2);
                    if (virStoragePoolCreate(np2, 0) < 0)
                        ret = vrbd_error_libvirt(
                            NULL, "cannot restart pool '%s'", pools[i].name);
                }
                virStoragePoolFree(np2);
                vrbd_strv_add(&res->pools, xstrdup(pools[i].name));
            }
        }
        xmlFreeDoc(doc);
        virStoragePoolFree(p);
    }
    vrbd_host_rbd_pool_list_free(pools, np);
    return ret;
}

/* Whether disk @d's secret belongs to cluster @fsid. */
static bool
disk_on_cluster(virConnectPtr conn, xmlNodePtr d, const char *fsid)
{
    xmlNodePtr src = vrbd_xml_child(d, "source");
    xmlNodePtr sec = vrbd_xml_child(vrbd_xml_child(src, "auth"), "secret");
    CLEANUP_FREE char *usage = NULL;
    CLEANUP_FREE char *uuid = NULL;
    CLEANUP_FREE char *prefix = xasprintf(VRBD_SECRET_USAGE_PREFIX "%s/", fsid);

    if (!sec)
        sec = vrbd_xml_child(vrbd_xml_child(d, "auth"), "secret");
    usage = vrbd_xml_prop(sec, "usage");
    uuid = vrbd_xml_prop(sec, "uuid");
    if (!usage && uuid) {
        virSecretPtr s = virSecretLookupByUUIDString(conn, uuid);

        if (s) {
            const char *u = virSecretGetUsageID(s);

            usage = u ? xstrdup(u) : NULL;
            virSecretFree(s);
        }
        virResetLastError();
    }
    return usage && strncmp(usage, prefix, strlen(prefix)) == 0;
}

static int
refresh_domains(vrbd_host *host, vrbd_cluster *cl, char *const *hosts,
                vrbd_refresh_result *res)
{
    virConnectPtr conn = vrbd_host_conn(host);
    virDomainPtr *doms = NULL;
    int n, ret = 0;

    n = virConnectListAllDomains(conn, &doms,
                                 VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
    if (n < 0)
        return vrbd_error_libvirt(NULL, "cannot list domains");
    for (int i = 0; i < n; i++) {
        /* SECURE: keep graphics passwords when defining it back */
        CLEANUP_FREE char *xml = virDomainGetXMLDesc(
            doms[i], VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
        xmlDocPtr doc = xml ? vrbd_xml_parse(xml) : NULL;
        xmlNodePtr devices =
            vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");
        bool changed = false;

        for (xmlNodePtr d = devices ? devices->children : NULL; d;
             d = d->next) {
            xmlNodePtr src;

            if (d->type != XML_ELEMENT_NODE ||
                strcmp((const char *)d->name, "disk") != 0 ||
                !vrbd_xml_prop_is(d, "type", "network"))
                continue;
            src = vrbd_xml_child(d, "source");
            if (!vrbd_xml_prop_is(src, "protocol", "rbd") ||
                !disk_on_cluster(conn, d, vrbd_cluster_fsid(cl)))
                continue;
            if (vrbd_xml_replace_hosts(src, hosts))
                changed = true;
        }
        if (changed && ret == 0) {
            CLEANUP_FREE char *out = vrbd_xml_dump(doc);
            virDomainPtr nd;

            doc = NULL;
            nd = virDomainDefineXML(conn, out);
            if (!nd) {
                ret = vrbd_error_libvirt(NULL, "cannot redefine domain '%s'",
                                         virDomainGetName(doms[i]));
            } else {
                vrbd_strv_add(&res->domains,
                              xstrdup(virDomainGetName(doms[i])));
                if (virDomainIsActive(nd) == 1)
                    vrbd_strv_add(&res->running,
                                  xstrdup(virDomainGetName(doms[i])));
                virDomainFree(nd);
            }
        }
        xmlFreeDoc(doc);
        virDomainFree(doms[i]);
    }
    free(doms);
    return ret;
}

int
vrbd_host_refresh_mons(vrbd_host *host, vrbd_cluster *cl,
                       vrbd_refresh_result *res)
{
    size_t n_hosts = 0;
    char **hosts;
    int r;

    memset(res, 0, sizeof(*res));
    hosts = vrbd_cluster_mon_hosts(cl, &n_hosts);
    if (!hosts)
        return -1;
    if (!hosts[0]) {
        vrbd_strv_free(hosts);
        return vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                              "cluster '%s' reports no monitor",
                              vrbd_cluster_name(cl));
    }
    r = refresh_pools(host, cl, hosts, res);
    if (r == 0)
        r = refresh_domains(host, cl, hosts, res);
    vrbd_strv_free(hosts);
    return r;
}
