/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host.c: the connection to this host's libvirt daemon and what it knows
 * about storage pools.  Secrets and RBD pool definitions build on it
 * elsewhere; this module only opens, lists and maps errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "clock.h"
#include "host-internal.h"
#include "internal.h"
#include "virt.h"
#include "xml-util.h"

struct vrbd_host {
    virConnectPtr conn;
    char *uri;       /* what libvirt says it is */
    char *asked;     /* what we opened: a reconnect opens it again */
    unsigned wait_s; /* how long a reconnect tries; 0: the default */
    char *label;     /* the fleet name, or NULL: the hostname */
};

VRBD_DEFINE_CLEANUP(vrbd_host, vrbd_host_free)

int
vrbd_host_open(const char *uri, vrbd_host **out)
{
    CLEANUP(vrbd_host_free) vrbd_host *host = NULL;
    char *actual;

    if (vrbd_libvirt_init() < 0)
        return -1;
    if (!uri)
        uri = "qemu:///system";
    host = xcalloc(1, sizeof(*host));
    host->conn = virConnectOpen(uri);
    if (!host->conn)
        return vrbd_error_libvirt(
            "check that libvirtd runs and that you may use its socket (or pass {uri} URI)",
            "cannot connect to libvirt at '%s'", uri);
    actual = virConnectGetURI(host->conn);
    host->uri = xstrdup(actual ? actual : uri);
    host->asked = xstrdup(uri);
    free(actual);
    *out = TAKE(host);
    return 0;
}

void
vrbd_host_set_timeout(vrbd_host *host, unsigned timeout_sec)
{
    host->wait_s = timeout_sec;
}

bool
vrbd_host_lost(vrbd_host *host)
{
    /* libvirt's words vary ("end of file while reading data", "client
     * socket is closed", "no connection"); the client's own state does
     * not: an RPC client that saw its socket close stays closed */
    return virConnectIsAlive(host->conn) == 0;
}

int
vrbd_host_reconnect(vrbd_host *host)
{
    unsigned wait_s = host->wait_s ? host->wait_s : VRBD_DEFAULT_TIMEOUT_SEC;
    double deadline = vrbd_now() + wait_s;
    virConnectPtr conn = NULL;

    vrbd_test_pause("reconnect");
    /* a restarting libvirtd refuses connections until it listens again */
    while (!(conn = virConnectOpen(host->asked)) && vrbd_now() < deadline)
        usleep(200000);
    if (!conn)
        return vrbd_error_libvirt(
            "check that libvirtd runs (systemctl status libvirtd), or raise {timeout_sec}",
            "libvirt at '%s' did not answer again within %u s", host->asked,
            wait_s);
    virResetLastError();
    virConnectClose(host->conn);
    host->conn = conn;
    vrbd_info("reconnected to libvirt at '%s'", host->asked);
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
    free(host->asked);
    free(host->label);
    free(host);
}

void
vrbd_host_set_label(vrbd_host *host, const char *label)
{
    free(host->label);
    host->label = label ? xstrdup(label) : NULL;
}

const char *
vrbd_host_label(vrbd_host *host)
{
    char name[256] = "";

    if (!host->label) {
        gethostname(name, sizeof(name) - 1);
        host->label = xstrdup(name);
    }
    return host->label;
}

char *
vrbd_host_caps_uuid_read(const char *xml)
{
    xmlDocPtr doc = vrbd_xml_parse(xml);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    char *res = NULL;

    if (root && strcmp((const char *)root->name, "capabilities") == 0)
        res =
            vrbd_xml_text(vrbd_xml_child(vrbd_xml_child(root, "host"), "uuid"));
    xmlFreeDoc(doc);
    if (res && !*res) {
        free(res);
        res = NULL;
    }
    return res;
}

int
vrbd_host_uuid(vrbd_host *host, char **uuid)
{
    CLEANUP_FREE char *caps = virConnectGetCapabilities(host->conn);
    char *res;

    if (!caps)
        return vrbd_error_libvirt(NULL, "cannot read the capabilities of '%s'",
                                  host->uri);
    res = vrbd_host_caps_uuid_read(caps);
    if (!res)
        return vrbd_error_set(VRBD_ERR_LIBVIRT, 0, NULL,
                              "libvirt at '%s' reports no host UUID",
                              host->uri);
    *uuid = res;
    return 0;
}

virConnectPtr
vrbd_host_conn(vrbd_host *host)
{
    return host->conn;
}

const char *
vrbd_host_uri(const vrbd_host *host)
{
    return host->uri;
}

char *
vrbd_host_pool_type_read(const char *xml)
{
    xmlDocPtr doc;
    xmlChar *type = NULL;
    char *res;

    doc = vrbd_xml_parse(xml);
    if (doc && xmlDocGetRootElement(doc))
        type = xmlGetProp(xmlDocGetRootElement(doc), BAD_CAST "type");
    res = xstrdup(type ? (const char *)type : "unknown");
    xmlFree(type);
    xmlFreeDoc(doc);
    return res;
}

/* The type attribute of <pool type='...'>, or "unknown". */
static char *
pool_type(virStoragePoolPtr pool)
{
    CLEANUP_FREE char *xml = virStoragePoolGetXMLDesc(pool, 0);

    return xml ? vrbd_host_pool_type_read(xml) : xstrdup("unknown");
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

/* ------------------------------------------------------------ rbd pools */

char *
vrbd_rbd_pool_build_xml(const vrbd_rbd_pool_spec *spec)
{
    xmlDocPtr doc;
    xmlNodePtr root, src, auth, node;

    if (!spec->name || !*spec->name || !spec->pool || spec->n_hosts == 0 ||
        !spec->user || !spec->secret_uuid) {
        vrbd_error_set(
            VRBD_ERR_INVALID, 0, NULL,
            "an RBD pool needs a name, a Ceph pool, monitors, a user and a secret");
        return NULL;
    }
    if (spec->nspace) {
        vrbd_error_set(VRBD_ERR_UNSUPPORTED, 0,
                       "use the pool's default namespace",
                       "libvirt RBD pools cannot be limited to a namespace");
        return NULL;
    }
    doc = xmlNewDoc(BAD_CAST "1.0");
    root = xmlNewNode(NULL, BAD_CAST "pool");
    xmlDocSetRootElement(doc, root);
    xmlNewProp(root, BAD_CAST "type", BAD_CAST "rbd");
    xmlNewTextChild(root, NULL, BAD_CAST "name", BAD_CAST spec->name);
    src = xmlNewChild(root, NULL, BAD_CAST "source", NULL);
    xmlNewTextChild(src, NULL, BAD_CAST "name", BAD_CAST spec->pool);
    for (size_t i = 0; i < spec->n_hosts; i++) {
        const char *h = spec->hosts[i];
        const char *colon = strrchr(h, ':');
        CLEANUP_FREE char *name = NULL;

        if (!colon || colon == h || !colon[1]) {
            xmlFreeDoc(doc);
            vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                           "monitor address '%s' is not HOST:PORT", h);
            return NULL;
        }
        name = xstrndup(h, (size_t)(colon - h));
        if (name[0] == '[') { /* [ipv6]:port */
            memmove(name, name + 1, strlen(name));
            if (*name && name[strlen(name) - 1] == ']')
                name[strlen(name) - 1] = '\0';
        }
        node = xmlNewChild(src, NULL, BAD_CAST "host", NULL);
        xmlNewProp(node, BAD_CAST "name", BAD_CAST name);
        xmlNewProp(node, BAD_CAST "port", BAD_CAST(colon + 1));
    }
    auth = xmlNewChild(src, NULL, BAD_CAST "auth", NULL);
    xmlNewProp(auth, BAD_CAST "type", BAD_CAST "ceph");
    xmlNewProp(auth, BAD_CAST "username", BAD_CAST spec->user);
    node = xmlNewChild(auth, NULL, BAD_CAST "secret", NULL);
    xmlNewProp(node, BAD_CAST "uuid", BAD_CAST spec->secret_uuid);
    /* allocation from capacity: a refresh need not open every image */
    node = xmlNewChild(xmlNewChild(root, NULL, BAD_CAST "refresh", NULL), NULL,
                       BAD_CAST "volume", NULL);
    xmlNewProp(node, BAD_CAST "allocation", BAD_CAST "capacity");
    return vrbd_xml_dump(doc);
}

/* The addresses of monmap address vectors: with @all every one (v1 and
 * v2, in order), else one per monitor, v1 preferred. */
static char **
mon_addrs(char *const *addrvecs, size_t n, bool all)
{
    char **res = xcalloc(1, sizeof(char *));
    size_t n_res = 0;

    for (size_t i = 0; i < n; i++) {
        CLEANUP_FREE char *copy = xstrdup(addrvecs[i]);
        char *p = copy, *save = NULL, *item, *v1 = NULL, *v2 = NULL;

        if (*p == '[')
            p++;
        if (*p && p[strlen(p) - 1] == ']')
            p[strlen(p) - 1] = '\0';
        for (item = strtok_r(p, ",", &save); item;
             item = strtok_r(NULL, ",", &save)) {
            char *slash = strrchr(item, '/'); /* "/nonce" */

            if (slash && !strchr(slash, ':') && !strchr(slash, ']'))
                *slash = '\0';
            if (strncmp(item, "v1:", 3) == 0)
                item += 3, v1 = v1 ? v1 : item;
            else if (strncmp(item, "v2:", 3) == 0)
                item += 3, v2 = v2 ? v2 : item;
            else if (strchr(item, ':'))
                v1 = v1 ? v1 : item; /* a bare legacy address */
            else
                continue;
            if (all) {
                res = xreallocarray(res, n_res + 2, sizeof(char *));
                res[n_res++] = xstrdup(item);
                res[n_res] = NULL;
            }
        }
        if (!v1 && !v2) {
            vrbd_strv_free(res);
            vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                           "monitor address '%s' has no v1 or v2 part",
                           addrvecs[i]);
            return NULL;
        }
        if (!all) {
            res = xreallocarray(res, n_res + 2, sizeof(char *));
            res[n_res++] = xstrdup(v1 ? v1 : v2);
            res[n_res] = NULL;
        }
    }
    return res;
}

char **
vrbd_mon_addrs_to_hosts(char *const *addrvecs, size_t n)
{
    return mon_addrs(addrvecs, n, false);
}

char **
vrbd_mon_addrs_all(char *const *addrvecs, size_t n)
{
    return mon_addrs(addrvecs, n, true);
}

bool
vrbd_host_rbd_pool_read(const char *xml, vrbd_host_rbd_pool *p)
{
    xmlDocPtr doc = vrbd_xml_parse(xml);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr src, auth;
    size_t n = 0;

    if (!root || !vrbd_xml_prop_is(root, "type", "rbd")) {
        xmlFreeDoc(doc);
        return false;
    }
    src = vrbd_xml_child(root, "source");
    p->pool = vrbd_xml_text(vrbd_xml_child(src, "name"));
    p->hosts = xcalloc(1, sizeof(char *));
    for (xmlNodePtr c = src ? src->children : NULL; c; c = c->next) {
        CLEANUP_FREE char *name = NULL;
        CLEANUP_FREE char *port = NULL;

        if (c->type != XML_ELEMENT_NODE ||
            strcmp((const char *)c->name, "host") != 0)
            continue;
        name = vrbd_xml_prop(c, "name");
        port = vrbd_xml_prop(c, "port");
        p->hosts = xreallocarray(p->hosts, n + 2, sizeof(char *));
        p->hosts[n++] =
            strchr(name ? name : "", ':')
                ? xasprintf("[%s]:%s", name, port ? port : "6789")
                : xasprintf("%s:%s", name ? name : "", port ? port : "6789");
        p->hosts[n] = NULL;
    }
    auth = vrbd_xml_child(src, "auth");
    p->user = vrbd_xml_prop(auth, "username");
    p->secret_uuid = vrbd_xml_prop(vrbd_xml_child(auth, "secret"), "uuid");
    xmlFreeDoc(doc);
    return true;
}

static int
cmp_rbd_pool(const void *a, const void *b)
{
    return strcmp(((const vrbd_host_rbd_pool *)a)->name,
                  ((const vrbd_host_rbd_pool *)b)->name);
}

/* The fsid in the virt-rbd usage name of secret @uuid, or NULL. */
static char *
secret_fsid(virConnectPtr conn, const char *uuid)
{
    virSecretPtr s = uuid ? virSecretLookupByUUIDString(conn, uuid) : NULL;
    char *res;

    if (!s) {
        virResetLastError();
        return NULL;
    }
    res = vrbd_secret_usage_fsid(virSecretGetUsageID(s));
    virSecretFree(s);
    return res;
}

int
vrbd_host_rbd_pool_list(vrbd_host *host, vrbd_host_rbd_pool **out,
                        size_t *n_out)
{
    virStoragePoolPtr *list = NULL;
    vrbd_host_rbd_pool *res;
    size_t k = 0;
    int n;

    n = virConnectListAllStoragePools(host->conn, &list,
                                      VIR_CONNECT_LIST_STORAGE_POOLS_RBD);
    if (n < 0)
        return vrbd_error_libvirt(NULL, "cannot list storage pools");
    res = xcalloc((size_t)n + 1, sizeof(*res));
    for (int i = 0; i < n; i++) {
        CLEANUP_FREE char *xml = virStoragePoolGetXMLDesc(list[i], 0);
        vrbd_host_rbd_pool *p = &res[k];
        char uuid[VIR_UUID_STRING_BUFLEN] = "";
        int autostart = 0;

        if (xml && vrbd_host_rbd_pool_read(xml, p)) {
            p->name = xstrdup(virStoragePoolGetName(list[i]));
            virStoragePoolGetUUIDString(list[i], uuid);
            p->uuid = xstrdup(uuid);
            p->active = virStoragePoolIsActive(list[i]) == 1;
            p->persistent = virStoragePoolIsPersistent(list[i]) == 1;
            if (virStoragePoolGetAutostart(list[i], &autostart) == 0)
                p->autostart = autostart != 0;
            p->volumes = p->active ? virStoragePoolNumOfVolumes(list[i]) : -1;
            p->fsid = secret_fsid(host->conn, p->secret_uuid);
            k++;
        }
        virStoragePoolFree(list[i]);
    }
    free(list);
    virResetLastError();
    qsort(res, k, sizeof(*res), cmp_rbd_pool);
    *out = res;
    *n_out = k;
    return 0;
}

void
vrbd_host_rbd_pool_list_free(vrbd_host_rbd_pool *p, size_t n)
{
    if (!p)
        return;
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].uuid);
        free(p[i].pool);
        free(p[i].nspace);
        vrbd_strv_free(p[i].hosts);
        free(p[i].user);
        free(p[i].secret_uuid);
        free(p[i].fsid);
    }
    free(p);
}

bool
vrbd_host_domain_uses(const char *xml, const char *pool, const char *secret,
                      const char *usage)
{
    xmlDocPtr doc = vrbd_xml_parse(xml);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNodePtr devices = vrbd_xml_child(root, "devices");
    size_t plen = strlen(pool);
    bool found = false;

    for (xmlNodePtr d = devices ? devices->children : NULL; d && !found;
         d = d->next) {
        xmlNodePtr src, sec;
        CLEANUP_FREE char *name = NULL;
        CLEANUP_FREE char *uuid = NULL;
        CLEANUP_FREE char *use = NULL;

        if (d->type != XML_ELEMENT_NODE ||
            strcmp((const char *)d->name, "disk") != 0 ||
            !vrbd_xml_prop_is(d, "type", "network"))
            continue;
        src = vrbd_xml_child(d, "source");
        if (!vrbd_xml_prop_is(src, "protocol", "rbd"))
            continue;
        name = vrbd_xml_prop(src, "name");
        if (!name || strncmp(name, pool, plen) != 0 || name[plen] != '/')
            continue;
        /* <auth> sits in <disk> (older) or in <source> (newer libvirt) */
        sec = vrbd_xml_child(vrbd_xml_child(src, "auth"), "secret");
        if (!sec)
            sec = vrbd_xml_child(vrbd_xml_child(d, "auth"), "secret");
        uuid = vrbd_xml_prop(sec, "uuid");
        use = vrbd_xml_prop(sec, "usage");
        if ((!secret && !usage) ||
            (secret && uuid && strcmp(uuid, secret) == 0) ||
            (usage && use && strcmp(use, usage) == 0))
            found = true;
    }
    xmlFreeDoc(doc);
    return found;
}

/* Whether any domain's XML mentions secret @uuid (by UUID or usage). */
static bool
secret_in_domains(vrbd_host *host, const char *uuid)
{
    virDomainPtr *doms = NULL;
    virSecretPtr sec = virSecretLookupByUUIDString(host->conn, uuid);
    CLEANUP_FREE char *usage = sec && virSecretGetUsageID(sec)
                                   ? xstrdup(virSecretGetUsageID(sec))
                                   : NULL;
    bool found = false;
    int n;

    if (sec)
        virSecretFree(sec);
    n = virConnectListAllDomains(host->conn, &doms, 0);
    for (int i = 0; i < n; i++) {
        CLEANUP_FREE char *live = virDomainGetXMLDesc(doms[i], 0);
        CLEANUP_FREE char *conf =
            virDomainGetXMLDesc(doms[i], VIR_DOMAIN_XML_INACTIVE);

        if ((live && strstr(live, uuid)) || (conf && strstr(conf, uuid)) ||
            (usage &&
             ((live && strstr(live, usage)) || (conf && strstr(conf, usage)))))
            found = true;
        virDomainFree(doms[i]);
    }
    free(doms);
    virResetLastError();
    return found;
}

int
vrbd_host_domains_using(vrbd_host *host, const char *pool,
                        const char *secret_uuid, char ***names)
{
    virDomainPtr *doms = NULL;
    CLEANUP_FREE char *usage = NULL;
    char **res;
    size_t k = 0;
    int n;

    /* a disk may name its secret by UUID or by usage */
    if (secret_uuid) {
        virSecretPtr sec = virSecretLookupByUUIDString(host->conn, secret_uuid);

        if (sec) {
            const char *u = virSecretGetUsageID(sec);

            usage = u ? xstrdup(u) : NULL;
            virSecretFree(sec);
        }
        virResetLastError();
    }
    n = virConnectListAllDomains(host->conn, &doms, 0);
    if (n < 0)
        return vrbd_error_libvirt(NULL, "cannot list domains");
    res = xcalloc((size_t)n + 1, sizeof(char *));
    for (int i = 0; i < n; i++) {
        /* the persistent definition and the live one may differ */
        CLEANUP_FREE char *live = virDomainGetXMLDesc(doms[i], 0);
        CLEANUP_FREE char *conf =
            virDomainIsPersistent(doms[i]) == 1
                ? virDomainGetXMLDesc(doms[i], VIR_DOMAIN_XML_INACTIVE)
                : NULL;

        if ((live && vrbd_host_domain_uses(live, pool, secret_uuid, usage)) ||
            (conf && vrbd_host_domain_uses(conf, pool, secret_uuid, usage)))
            res[k++] = xstrdup(virDomainGetName(doms[i]));
        virDomainFree(doms[i]);
    }
    free(doms);
    virResetLastError();
    *names = res;
    return (int)k;
}

char **
vrbd_cluster_mon_hosts(vrbd_cluster *cl, size_t *n)
{
    vrbd_cluster_status *st = NULL;
    char **hosts;

    if (vrbd_cluster_status_get(cl, &st) < 0)
        return NULL;
    hosts = vrbd_mon_addrs_to_hosts(st->mon_addrs, st->n_mon_addrs);
    *n = st->n_mon_addrs;
    vrbd_cluster_status_free(st);
    return hosts;
}

static int
ensure_started(virStoragePoolPtr pool, const char *name, bool *started)
{
    int active = virStoragePoolIsActive(pool);

    *started = false;
    if (active < 0)
        return vrbd_error_libvirt(NULL, "cannot read the state of pool '%s'",
                                  name);
    if (!active) {
        if (virStoragePoolCreate(pool, 0) < 0)
            return vrbd_error_libvirt(
                "check the pool with '{prog}{vrbd_doctor_run}'",
                "cannot start libvirt pool '%s'", name);
        *started = true;
    }
    if (virStoragePoolSetAutostart(pool, 1) < 0)
        return vrbd_error_libvirt(NULL, "cannot mark pool '%s' autostart",
                                  name);
    return 0;
}

/*
 * The libvirt half of vrbd_host_connect: the secret with the key, then
 * the pool (defined unless there), started and autostarted.  Each step
 * finds what is there already, so a second run after a lost connection
 * finishes what the first began.  *@pool_out gets the pool as soon as
 * there is one; @res's flags only ever turn true.
 */
static int
connect_libvirt(vrbd_host *host, vrbd_cluster *cl, const char *entity,
                const char *pool_name, char **hosts, size_t n_hosts,
                const char *cur_secret, vrbd_host_connect_result *res,
                virStoragePoolPtr *pool_out)
{
    CLEANUP_FREE char *xml = NULL;
    CLEANUP_FREE char *uuid = NULL;
    virStoragePoolPtr pool;
    bool created = false, started = false;
    int r;

    r = vrbd_host_secret_ensure(host, cl, entity, &uuid, &created);
    res->secret_created |= created;
    /* a secret made by a call that failed has the UUID virt-rbd gives it:
     * the caller's rollback undefines it by that */
    if (r < 0 && created)
        uuid = vrbd_secret_uuid_for(vrbd_cluster_fsid(cl), entity);
    if (uuid)
        snprintf(res->secret_uuid, sizeof(res->secret_uuid), "%s", uuid);
    if (r < 0)
        return -1;
    pool = virStoragePoolLookupByName(host->conn, res->name);
    if (pool) {
        if (cur_secret && strcmp(cur_secret, res->secret_uuid) != 0)
            vrbd_warn("libvirt pool '%s' uses secret %s, not %s", res->name,
                      cur_secret, res->secret_uuid);
    } else {
        vrbd_rbd_pool_spec spec = {
            .name = res->name,
            .pool = pool_name,
            .hosts = (const char *const *)hosts,
            .n_hosts = n_hosts,
            .user = entity + 7,
            .secret_uuid = res->secret_uuid,
        };

        virResetLastError();
        xml = vrbd_rbd_pool_build_xml(&spec);
        if (!xml)
            return -1;
        pool = virStoragePoolDefineXML(host->conn, xml, 0);
        if (!pool) {
            vrbd_error_libvirt(NULL, "cannot define libvirt pool '%s'",
                               res->name);
            if (strstr(vrbd_error_last()->message, "backend"))
                vrbd_error_set(
                    VRBD_ERR_UNSUPPORTED, 0,
                    "install libvirt's rbd storage backend (Debian: libvirt-daemon-driver-storage-rbd) and restart libvirtd",
                    "%s", vrbd_error_last()->message);
            return -1;
        }
        res->pool_defined = true;
        vrbd_test_pause("connect-after-define");
    }
    *pool_out = pool;
    r = ensure_started(pool, res->name, &started);
    res->pool_started |= started;
    return r;
}

/* Undo what this run of vrbd_host_connect made, naming what stays. */
static void
connect_rollback(vrbd_host *host, vrbd_cluster *cl, const char *entity,
                 virStoragePoolPtr pool, vrbd_host_connect_result *res)
{
    vrbd_error_saved saved;

    vrbd_error_save(&saved);
    if (pool && res->pool_defined) {
        if (virStoragePoolIsActive(pool) == 1)
            virStoragePoolDestroy(pool);
        if (virStoragePoolUndefine(pool) < 0)
            vrbd_warn("libvirt pool '%s' made by this run is left: %s",
                      res->name, virGetLastErrorMessage());
    }
    if (res->secret_created &&
        vrbd_host_secret_remove(host, res->secret_uuid) < 0)
        vrbd_warn("secret %s made by this run is left: %s", res->secret_uuid,
                  vrbd_error_last()->message);
    /* a cluster that timed out would only time out again: name the user */
    if (res->user_created &&
        (saved.code == VRBD_ERR_TIMEOUT || !vrbd_cluster_answers(cl) ||
         vrbd_user_remove(cl, entity) < 0))
        vrbd_warn(
            "user %s made by this run is left: remove it with '{prog}{vrbd_user_remove} %s:%s' once the cluster answers",
            entity, vrbd_cluster_name(cl), entity);
    virResetLastError();
    vrbd_error_restore(&saved, NULL);
}

/* Step 1 of vrbd_host_connect: is libvirt pool @res->name, if it exists,
 * an RBD pool of Ceph pool @pool?  @cur gets what it holds. */
static int
check_existing(vrbd_host *host, const char *pool, vrbd_host_rbd_pool *cur,
               vrbd_host_connect_result *res)
{
    virStoragePoolPtr p = virStoragePoolLookupByName(host->conn, res->name);
    CLEANUP_FREE char *xml = NULL;

    if (!p) {
        virResetLastError();
        return 0;
    }
    xml = virStoragePoolGetXMLDesc(p, 0);
    virStoragePoolFree(p);
    if (!xml || !vrbd_host_rbd_pool_read(xml, cur))
        return vrbd_error_set(
            VRBD_ERR_EXISTS, EEXIST,
            "choose another libvirt pool name ({name}), or remove that pool",
            "libvirt pool '%s' exists and is not an RBD pool", res->name);
    if (!cur->pool || strcmp(cur->pool, pool) != 0)
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "choose another libvirt pool name ({name})",
                              "libvirt pool '%s' exists for Ceph pool '%s'",
                              res->name, cur->pool ? cur->pool : "?");
    return 0;
}

int
vrbd_host_connect(vrbd_host *host, vrbd_cluster *cl,
                  const vrbd_host_connect_opts *opts,
                  vrbd_host_connect_result *res)
{
    const char *entity = opts->entity ? opts->entity : "client.libvirt";
    const char *cname =
        opts->cluster_name ? opts->cluster_name : vrbd_cluster_name(cl);
    char **hosts = NULL;
    size_t n_hosts = 0;
    virStoragePoolPtr pool = NULL;
    vrbd_host_rbd_pool cur = {0};
    int64_t id;
    int ret = -1;

    if (vrbd_opts_check(opts, VRBD_HOST_CONNECT_OPTS_VERSION,
                        "vrbd_host_connect_opts") < 0)
        return -1;
    memset(res, 0, sizeof(*res));
    if (!opts->pool || !*opts->pool)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "host connect needs a Ceph pool");
    if (vrbd_user_name_check(entity) < 0)
        return -1;
    snprintf(res->name, sizeof(res->name), "%s", opts->name ? opts->name : "");
    if (!opts->name)
        snprintf(res->name, sizeof(res->name), "%s-%s", cname, opts->pool);

    /* 1. everything that can be checked before changing anything */
    id = rados_pool_lookup(vrbd_cluster_rados(cl), opts->pool);
    if (id < 0) {
        CLEANUP_FREE char *hint =
            xasprintf("create it first: {prog}{vrbd_pool_create} %s:%s", cname,
                      opts->pool);

        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, hint,
                              "pool '%s' not found in cluster '%s'", opts->pool,
                              cname);
    }
    if (check_existing(host, opts->pool, &cur, res) < 0)
        goto cleanup;
    hosts = vrbd_cluster_mon_hosts(cl, &n_hosts);
    if (!hosts)
        goto cleanup;

    /* 2. the user, then (on libvirt) its key in a secret, and the pool */
    if (vrbd_user_grant_pool(cl, entity, opts->pool, &res->user_created,
                             &res->user_updated) < 0)
        goto cleanup;
    vrbd_test_pause("connect-after-user");
    if (connect_libvirt(host, cl, entity, opts->pool, hosts, n_hosts,
                        cur.secret_uuid, res, &pool) < 0) {
        CLEANUP_FREE char *why = NULL;

        if (!vrbd_host_lost(host))
            goto rollback;
        /* libvirtd restarted: what it has kept, the next round finds */
        why = xstrdup(vrbd_error_last()->message);
        if (vrbd_host_reconnect(host) < 0) {
            CLEANUP_FREE char *hint = xasprintf(
                "once libvirtd answers, run the same '{prog}{vrbd_host_connect}' "
                "again: it finishes what this one began%s",
                res->user_created ? " (the user stays: the secret may "
                                    "hold its key)"
                                  : "");

            vrbd_error_set(
                VRBD_ERR_UNREACHABLE, 0, hint,
                "libvirt pool '%s' is connected in part: the connection to libvirtd was lost (%s), and %s",
                res->name, why, vrbd_error_last()->message);
            goto cleanup;
        }
        vrbd_warn(
            "the connection to libvirtd was lost while connecting libvirt pool '%s' (%s); reconnected: finishing it",
            res->name, why);
        if (pool)
            virStoragePoolFree(pool);
        pool = NULL;
        if (connect_libvirt(host, cl, entity, opts->pool, hosts, n_hosts,
                            cur.secret_uuid, res, &pool) < 0)
            goto rollback;
    }
    ret = 0;
    goto cleanup;

rollback:
    connect_rollback(host, cl, entity, pool, res);

cleanup:
    if (pool)
        virStoragePoolFree(pool);
    vrbd_strv_free(hosts);
    free(cur.pool);
    vrbd_strv_free(cur.hosts);
    free(cur.user);
    free(cur.secret_uuid);
    return ret;
}

int
vrbd_host_disconnect(vrbd_host *host, const char *name, bool *secret_removed)
{
    CLEANUP_FREE char *xml = NULL;
    vrbd_host_rbd_pool cur = {0};
    vrbd_host_rbd_pool *all = NULL;
    char **users = NULL;
    size_t n_all = 0;
    virStoragePoolPtr pool;
    int ret = -1, n;

    *secret_removed = false;
    pool = virStoragePoolLookupByName(host->conn, name);
    if (!pool)
        return vrbd_error_libvirt("see '{prog}{vrbd_host_rbd_pool_list}'",
                                  "no libvirt pool '%s'", name);
    xml = virStoragePoolGetXMLDesc(pool, 0);
    if (!xml || !vrbd_host_rbd_pool_read(xml, &cur)) {
        vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                       "libvirt pool '%s' is not an RBD pool", name);
        goto cleanup;
    }
    n = vrbd_host_domains_using(host, cur.pool, cur.secret_uuid, &users);
    if (n < 0)
        goto cleanup;
    if (n > 0) {
        CLEANUP_FREE char *list = xstrdup("");

        for (int i = 0; i < n; i++) {
            char *next = xasprintf("%s%s'%s'", list, i ? ", " : "", users[i]);

            free(list);
            list = next;
        }
        vrbd_error_set(VRBD_ERR_BUSY, EBUSY,
                       "detach those disks or undefine those domains first",
                       "libvirt pool '%s' is in use by domain(s) %s", name,
                       list);
        goto cleanup;
    }
    if (virStoragePoolIsActive(pool) == 1 && virStoragePoolDestroy(pool) < 0) {
        vrbd_error_libvirt(NULL, "cannot stop libvirt pool '%s'", name);
        goto cleanup;
    }
    if (virStoragePoolIsPersistent(pool) == 1 &&
        virStoragePoolUndefine(pool) < 0) {
        vrbd_error_libvirt(NULL, "cannot undefine libvirt pool '%s'", name);
        goto cleanup;
    }
    /* the secret goes when no other pool and no domain needs it */
    if (cur.secret_uuid && vrbd_host_rbd_pool_list(host, &all, &n_all) == 0) {
        bool needed = false;

        for (size_t i = 0; i < n_all; i++)
            if (all[i].secret_uuid &&
                strcmp(all[i].secret_uuid, cur.secret_uuid) == 0)
                needed = true;
        if (!needed && !secret_in_domains(host, cur.secret_uuid)) {
            if (vrbd_host_secret_remove(host, cur.secret_uuid) < 0)
                goto cleanup;
            *secret_removed = true;
        }
    }
    ret = 0;

cleanup:
    vrbd_strv_free(users);
    vrbd_host_rbd_pool_list_free(all, n_all);
    free(cur.pool);
    vrbd_strv_free(cur.hosts);
    free(cur.user);
    free(cur.secret_uuid);
    virStoragePoolFree(pool);
    return ret;
}

int
vrbd_host_refresh_pools_of(vrbd_host *host, const char *fsid, const char *pool)
{
    vrbd_host_rbd_pool *pools = NULL;
    size_t np = 0;
    int k = 0;

    if (vrbd_host_rbd_pool_list(host, &pools, &np) < 0)
        return -1;
    for (size_t i = 0; i < np; i++) {
        virStoragePoolPtr p;

        if (!pools[i].active || !pools[i].fsid || !pools[i].pool ||
            strcmp(pools[i].fsid, fsid) != 0 || strcmp(pools[i].pool, pool))
            continue;
        p = virStoragePoolLookupByName(host->conn, pools[i].name);
        if (p && virStoragePoolRefresh(p, 0) == 0)
            k++;
        if (p)
            virStoragePoolFree(p);
    }
    virResetLastError();
    vrbd_host_rbd_pool_list_free(pools, np);
    return k;
}

int
vrbd_host_domains_with_image(vrbd_host *host, const char *name, char ***domains,
                             char ***targets)
{
    virDomainPtr *doms = NULL;
    char **dv = xcalloc(1, sizeof(char *)), **tv = xcalloc(1, sizeof(char *));
    size_t k = 0;
    int n;

    n = virConnectListAllDomains(host->conn, &doms,
                                 VIR_CONNECT_LIST_DOMAINS_ACTIVE);
    if (n < 0) {
        free(dv);
        free(tv);
        return vrbd_error_libvirt(NULL, "cannot list domains");
    }
    for (int i = 0; i < n; i++) {
        CLEANUP_FREE char *xml = virDomainGetXMLDesc(doms[i], 0);
        xmlDocPtr doc = xml ? vrbd_xml_parse(xml) : NULL;
        xmlNodePtr devices =
            vrbd_xml_child(doc ? xmlDocGetRootElement(doc) : NULL, "devices");

        for (xmlNodePtr d = devices ? devices->children : NULL; d;
             d = d->next) {
            xmlNodePtr src = vrbd_xml_child(d, "source");
            CLEANUP_FREE char *sn = NULL;

            if (d->type != XML_ELEMENT_NODE ||
                strcmp((const char *)d->name, "disk") != 0 ||
                !vrbd_xml_prop_is(src, "protocol", "rbd"))
                continue;
            sn = vrbd_xml_prop(src, "name");
            if (!sn || strcmp(sn, name) != 0)
                continue;
            dv = xreallocarray(dv, k + 2, sizeof(char *));
            tv = xreallocarray(tv, k + 2, sizeof(char *));
            dv[k] = xstrdup(virDomainGetName(doms[i]));
            tv[k] = vrbd_xml_prop(vrbd_xml_child(d, "target"), "dev");
            if (!tv[k])
                tv[k] = xstrdup("?");
            k++;
            dv[k] = tv[k] = NULL;
        }
        xmlFreeDoc(doc);
        virDomainFree(doms[i]);
    }
    free(doms);
    *domains = dv;
    *targets = tv;
    return (int)k;
}

int
vrbd_host_block_resize(vrbd_host *host, const char *domain, const char *target,
                       uint64_t bytes)
{
    virDomainPtr dom = virDomainLookupByName(host->conn, domain);
    int r;

    if (!dom)
        return vrbd_error_libvirt(NULL, "no domain '%s'", domain);
    r = virDomainBlockResize(dom, target, bytes, VIR_DOMAIN_BLOCK_RESIZE_BYTES);
    virDomainFree(dom);
    if (r < 0)
        return vrbd_error_libvirt(
            NULL, "cannot tell domain '%s' that disk %s grew", domain, target);
    return 0;
}
