/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host.c: the connection to this host's libvirt daemon and what it knows
 * about storage pools.  Secrets and RBD pool definitions build on it
 * elsewhere; this module only opens, lists and maps errors.
 */
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "internal.h"

struct vrbd_host {
    virConnectPtr conn;
    char *uri;
};

VRBD_DEFINE_CLEANUP(vrbd_host, vrbd_host_free)

int
vrbd_host_open(const char *uri, vrbd_host **out)
{
    CLEANUP(vrbd_host_free) vrbd_host *host = NULL;
    char *actual;

    vrbd_libvirt_init();
    if (!uri)
        uri = "qemu:///system";
    host = xcalloc(1, sizeof(*host));
    host->conn = virConnectOpen(uri);
    if (!host->conn)
        return vrbd_error_libvirt("check that libvirtd runs and that you may "
                                  "use its socket (or pass --connect URI)",
                                  "cannot connect to libvirt at '%s'", uri);
    actual = virConnectGetURI(host->conn);
    host->uri = xstrdup(actual ? actual : uri);
    free(actual);
    *out = TAKE(host);
    return 0;
}

void
vrbd_host_free(vrbd_host *host)
{
    if (!host)
        return;
    if (host->conn)
        virConnectClose(host->conn);
    free(host->uri);
    free(host);
}

const char *
vrbd_host_uri(const vrbd_host *host)
{
    return host->uri;
}

/* The type attribute of <pool type='...'>, or "unknown". */
static char *
pool_type(virStoragePoolPtr pool)
{
    CLEANUP_FREE char *xml = virStoragePoolGetXMLDesc(pool, 0);
    xmlDocPtr doc;
    xmlChar *type = NULL;
    char *res;

    if (!xml)
        return xstrdup("unknown");
    doc = xmlReadMemory(xml, (int)strlen(xml), "pool.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING);
    if (doc && xmlDocGetRootElement(doc))
        type = xmlGetProp(xmlDocGetRootElement(doc), BAD_CAST "type");
    res = xstrdup(type ? (const char *)type : "unknown");
    xmlFree(type);
    xmlFreeDoc(doc);
    return res;
}

static int
cmp_pool(const void *a, const void *b)
{
    return strcmp(((const vrbd_host_pool *)a)->name,
                  ((const vrbd_host_pool *)b)->name);
}

int
vrbd_host_pool_list(vrbd_host *host, vrbd_host_pool **pools, size_t *n_pools)
{
    virStoragePoolPtr *list = NULL;
    vrbd_host_pool *res;
    int n, i;

    n = virConnectListAllStoragePools(host->conn, &list, 0);
    if (n < 0)
        return vrbd_error_libvirt(NULL, "cannot list storage pools");
    res = xcalloc((size_t)n + 1, sizeof(*res));
    for (i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN] = "";
        int autostart = 0;

        res[i].name = xstrdup(virStoragePoolGetName(list[i]));
        virStoragePoolGetUUIDString(list[i], uuid);
        res[i].uuid = xstrdup(uuid);
        res[i].type = pool_type(list[i]);
        res[i].active = virStoragePoolIsActive(list[i]) == 1;
        res[i].persistent = virStoragePoolIsPersistent(list[i]) == 1;
        if (virStoragePoolGetAutostart(list[i], &autostart) == 0)
            res[i].autostart = autostart != 0;
        virStoragePoolFree(list[i]);
    }
    free(list);
    /* errors from the lookups above are not failures of the listing */
    virResetLastError();
    qsort(res, (size_t)n, sizeof(*res), cmp_pool);
    *pools = res;
    *n_pools = (size_t)n;
    return 0;
}

void
vrbd_host_pool_list_free(vrbd_host_pool *pools, size_t n)
{
    size_t i;

    if (!pools)
        return;
    for (i = 0; i < n; i++) {
        free(pools[i].name);
        free(pools[i].uuid);
        free(pools[i].type);
    }
    free(pools);
}
