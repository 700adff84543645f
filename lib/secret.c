/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * secret.c: libvirt secrets holding cephx keys.  The key goes from the
 * monitors ("auth get-key") into a vrbd_keybuf, is decoded from base64
 * into another, and is handed to virSecretSetValue(): it never touches
 * argv, a file or a log.  Secrets are private, and named and numbered
 * from (fsid, user) so that every host and every run converge on one.
 */
#include <errno.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "base64.h"
#include "host-internal.h"
#include "internal.h"
#include "json-util.h"
#include "keybuf.h"
#include "virt.h"
#include "xml-util.h"

char *
vrbd_secret_usage_name(const char *fsid, const char *entity)
{
    return xasprintf(VRBD_SECRET_USAGE_PREFIX "%s/%s", fsid, entity);
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* FNV-1a, 64 bits, from a given basis: spreads the user name over the
 * UUID; not for security (the UUID is no secret), only for uniqueness. */
static uint64_t
fnv1a(const char *s, uint64_t h)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

char *
vrbd_secret_uuid_for(const char *fsid, const char *entity)
{
    unsigned char b[16];
    uint64_t h1 = fnv1a(entity, 14695981039346656037ULL);
    uint64_t h2 = fnv1a(entity, 0x6c62272e07bb0142ULL ^ h1);
    size_t i, k = 0;

    for (i = 0; fsid[i] && k < 32; i++) {
        int v;

        if (fsid[i] == '-')
            continue;
        v = hexval(fsid[i]);
        if (v < 0)
            break;
        if (k % 2 == 0)
            b[k / 2] = (unsigned char)(v << 4);
        else
            b[k / 2] |= (unsigned char)v;
        k++;
    }
    if (k != 32 || fsid[i] != '\0') {
        vrbd_error_set(VRBD_ERR_INVALID, 0, NULL, "'%s' is not a cluster fsid",
                       fsid);
        return NULL;
    }
    for (i = 0; i < 8; i++) {
        b[i] ^= (unsigned char)(h1 >> (8 * i));
        b[8 + i] ^= (unsigned char)(h2 >> (8 * i));
    }
    /* RFC 9562 version 8 (custom), variant 10 */
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x80);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    return xasprintf(
        "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x"
        "%02x",
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
        b[11], b[12], b[13], b[14], b[15]);
}

char *
vrbd_secret_build_xml(const char *uuid, const char *usage,
                      const char *description)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "secret");
    xmlNodePtr u;

    xmlDocSetRootElement(doc, root);
    xmlNewProp(root, BAD_CAST "ephemeral", BAD_CAST "no");
    /* private: libvirt will not hand the key back to anyone */
    xmlNewProp(root, BAD_CAST "private", BAD_CAST "yes");
    xmlNewTextChild(root, NULL, BAD_CAST "uuid", BAD_CAST uuid);
    if (description)
        xmlNewTextChild(root, NULL, BAD_CAST "description",
                        BAD_CAST description);
    u = xmlNewChild(root, NULL, BAD_CAST "usage", NULL);
    xmlNewProp(u, BAD_CAST "type", BAD_CAST "ceph");
    xmlNewTextChild(u, NULL, BAD_CAST "name", BAD_CAST usage);
    return vrbd_xml_dump(doc);
}

/* Parse "virt-rbd/FSID/client.NAME" */
static void
parse_usage(const char *usage, char **fsid, char **entity)
{
    const char *p, *slash;

    *fsid = *entity = NULL;
    if (!usage || strncmp(usage, VRBD_SECRET_USAGE_PREFIX,
                          strlen(VRBD_SECRET_USAGE_PREFIX)) != 0)
        return;
    p = usage + strlen(VRBD_SECRET_USAGE_PREFIX);
    slash = strchr(p, '/');
    if (!slash || slash == p || strncmp(slash + 1, "client.", 7) != 0)
        return;
    *fsid = xstrndup(p, (size_t)(slash - p));
    *entity = xstrdup(slash + 1);
}

char *
vrbd_secret_usage_fsid(const char *usage)
{
    char *fsid = NULL, *entity = NULL;

    parse_usage(usage, &fsid, &entity);
    free(entity);
    return fsid;
}

static int
cmp_secret(const void *a, const void *b)
{
    const vrbd_host_secret *x = a, *y = b;

    return strcmp(x->usage ? x->usage : "", y->usage ? y->usage : "");
}

bool
vrbd_secret_xml_private(const char *xml)
{
    xmlDocPtr doc = vrbd_xml_parse(xml);
    bool priv =
        doc && vrbd_xml_prop_is(xmlDocGetRootElement(doc), "private", "yes");

    xmlFreeDoc(doc);
    return priv;
}

int
vrbd_host_secret_list(vrbd_host *host, vrbd_host_secret **out, size_t *n_out)
{
    virSecretPtr *list = NULL;
    vrbd_host_secret *res;
    size_t k = 0;
    int n;

    n = virConnectListAllSecrets(vrbd_host_conn(host), &list,
                                 VIR_CONNECT_LIST_SECRETS_EPHEMERAL |
                                     VIR_CONNECT_LIST_SECRETS_NO_EPHEMERAL);
    if (n < 0)
        return vrbd_error_libvirt(NULL, "cannot list libvirt secrets");
    res = xcalloc((size_t)n + 1, sizeof(*res));
    for (int i = 0; i < n; i++) {
        CLEANUP_FREE char *xml = virSecretGetXMLDesc(list[i], 0);
        xmlDocPtr doc = xml ? vrbd_xml_parse(xml) : NULL;
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        vrbd_host_secret *s = &res[k];

        if (virSecretGetUsageType(list[i]) != VIR_SECRET_USAGE_TYPE_CEPH ||
            !root) {
            xmlFreeDoc(doc);
            virSecretFree(list[i]);
            continue;
        }
        virSecretGetUUIDString(list[i], s->uuid);
        s->ceph = true;
        s->usage = virSecretGetUsageID(list[i])
                       ? xstrdup(virSecretGetUsageID(list[i]))
                       : NULL;
        s->is_private = vrbd_xml_prop_is(root, "private", "yes");
        s->ephemeral = vrbd_xml_prop_is(root, "ephemeral", "yes");
        parse_usage(s->usage, &s->fsid, &s->entity);
        k++;
        xmlFreeDoc(doc);
        virSecretFree(list[i]);
    }
    free(list);
    qsort(res, k, sizeof(*res), cmp_secret);
    *out = res;
    *n_out = k;
    return 0;
}

void
vrbd_host_secret_list_free(vrbd_host_secret *s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++) {
        free(s[i].usage);
        free(s[i].fsid);
        free(s[i].entity);
    }
    free(s);
}

/* Fetch @entity's key from @cl and set it as @secret's value. */
static int
set_value(vrbd_cluster *cl, const char *entity, virSecretPtr secret)
{
    struct json_object *cmd = json_object_new_object();
    unsigned char raw[256]; /* a cephx key is 28 bytes; room to spare */
    vrbd_keybuf *b64 = NULL;
    long len = -1;
    int r;

    vrbd_json_add_str(cmd, "prefix", "auth get-key");
    vrbd_json_add_str(cmd, "entity", entity);
    vrbd_json_add_str(cmd, "format", "plain");
    if (vrbd_cluster_mon_secret(cl, cmd, &b64) < 0)
        return -1;
    if (b64->len / 4 * 3 <= sizeof(raw))
        len = vrbd_base64_decode(b64->data, b64->len, raw);
    vrbd_keybuf_free(b64);
    if (len <= 0) {
        vrbd_keybuf_wipe(raw, sizeof(raw));
        return vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                              "the key of %s is not a cephx key", entity);
    }
    r = virSecretSetValue(secret, raw, (size_t)len, 0);
    vrbd_keybuf_wipe(raw, sizeof(raw));
    if (r < 0)
        return vrbd_error_libvirt(
            NULL, "cannot set the value of the secret for %s", entity);
    return 0;
}

int
vrbd_host_secret_ensure(vrbd_host *host, vrbd_cluster *cl, const char *entity,
                        char **uuid_out, bool *created)
{
    virConnectPtr conn = vrbd_host_conn(host);
    CLEANUP_FREE char *usage = NULL;
    CLEANUP_FREE char *xml = NULL;
    CLEANUP_FREE char *desc = NULL;
    CLEANUP_FREE char *uuid = NULL;
    virSecretPtr secret;
    char u[VIR_UUID_STRING_BUFLEN];

    *created = false;
    if (vrbd_user_name_check(entity) < 0)
        return -1;
    usage = vrbd_secret_usage_name(vrbd_cluster_fsid(cl), entity);
    secret = virSecretLookupByUsage(conn, VIR_SECRET_USAGE_TYPE_CEPH, usage);
    if (!secret) {
        virResetLastError();
        uuid = vrbd_secret_uuid_for(vrbd_cluster_fsid(cl), entity);
        if (!uuid)
            return -1;
        secret = virSecretLookupByUUIDString(conn, uuid);
        if (secret) {
            const char *other = virSecretGetUsageID(secret);
            CLEANUP_FREE char *hint = xasprintf(
                "undefine that secret if it is stale (virsh secret-undefine "
                "%s)",
                uuid);

            vrbd_error_set(
                VRBD_ERR_EXISTS, EEXIST, hint,
                "secret UUID clash: %s is taken by the secret for '%s', not '%s'",
                uuid, other ? other : "(no usage)", usage);
            virSecretFree(secret);
            return -1;
        }
        virResetLastError();
        desc = xasprintf("virt-rbd: cephx key of %s on cluster '%s' "
                         "(fsid %s)",
                         entity, vrbd_cluster_name(cl), vrbd_cluster_fsid(cl));
        xml = vrbd_secret_build_xml(uuid, usage, desc);
        secret = virSecretDefineXML(conn, xml, 0);
        if (!secret)
            return vrbd_error_libvirt(
                NULL, "cannot define the secret for %s of cluster '%s'", entity,
                vrbd_cluster_name(cl));
        *created = true;
        vrbd_info("defined private secret %s (%s)", uuid, usage);
        vrbd_test_pause("connect-secret-defined");
    }
    if (!*created) {
        CLEANUP_FREE char *cur = virSecretGetXMLDesc(secret, 0);

        if (!cur || !vrbd_secret_xml_private(cur)) {
            CLEANUP_FREE char *hint = NULL;

            virSecretGetUUIDString(secret, u);
            hint = xasprintf("undefine it (virsh secret-undefine %s) and "
                             "connect again: virt-rbd makes it private",
                             u);
            virSecretFree(secret);
            return vrbd_error_set(
                VRBD_ERR_PERMISSION, EPERM, hint,
                "secret %s for '%s' is not private: the key would be readable through libvirt",
                u, usage);
        }
    }
    virSecretGetUUIDString(secret, u);
    /* set every time: the key may have been rotated since */
    if (set_value(cl, entity, secret) < 0) {
        /* libvirtd gone: the caller is told it is still there */
        if (*created && virSecretUndefine(secret) == 0)
            *created = false;
        virResetLastError();
        virSecretFree(secret);
        return -1;
    }
    virSecretFree(secret);
    *uuid_out = xstrdup(u);
    return 0;
}

int
vrbd_host_secret_remove(vrbd_host *host, const char *uuid)
{
    virSecretPtr s = virSecretLookupByUUIDString(vrbd_host_conn(host), uuid);
    int r;

    if (!s) {
        virResetLastError();
        return 0;
    }
    r = virSecretUndefine(s);
    virSecretFree(s);
    if (r < 0)
        return vrbd_error_libvirt(NULL, "cannot undefine secret %s", uuid);
    return 0;
}
