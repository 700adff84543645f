/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host-internal.h: what the libvirt-facing modules (host, secret, domain)
 * share: the raw connection, and what they read in libvirt's XML.
 */
#ifndef VRBD_HOST_INTERNAL_H
#define VRBD_HOST_INTERNAL_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "vrbd.h"
#include "virt.h"

/* The libvirt connection of @host, owned by it.  A reconnect replaces
 * it: hold it no longer than the call that uses it. */
virConnectPtr vrbd_host_conn(vrbd_host *host);

/* After a libvirt call failed: was it because the connection to libvirtd
 * is gone (libvirtd stopped or restarted)?  Resets libvirt's last error:
 * take it (vrbd_error_libvirt) first. */
bool vrbd_host_lost(vrbd_host *host);

/* Open @host's URI again, retrying for its timeout (a restarting libvirtd
 * takes a moment to listen), and replace its connection: domains, pools
 * and secrets looked up on the old one must be looked up again.  0, or
 * -1 with the error set and the old (dead) connection kept. */
int vrbd_host_reconnect(vrbd_host *host);

/* The current monitors of @cl as libvirt <host> addresses ("ip:port"),
 * from the live monmap: NULL-terminated, *@n of them; NULL on failure. */
char **vrbd_cluster_mon_hosts(vrbd_cluster *cl, size_t *n);

/* The user and secret of this host's connection to (cluster, pool), made
 * with vrbd_host_connect when missing (@entity: its user, NULL:
 * client.libvirt).  *@user is the cephx id without "client.". */
int vrbd_host_connection_for(vrbd_host *host, vrbd_cluster *cl,
                             const char *pool, const char *entity, char **user,
                             char uuid[37]);

/* vm.c: what a domain's disks record of it, computed once for all of
 * them; each write is one image open, safe on threads of their own. */
typedef struct vrbd_owner_record {
    char *owner;      /* "host=NAME domain=DOM uuid=UUID"; NULL: none */
    char *definition; /* persistent XML without secrets, or NULL */
} vrbd_owner_record;
void vrbd_owner_record_init(vrbd_owner_record *rec, vrbd_host *host,
                            virDomainPtr dom);
void vrbd_owner_record_write(const vrbd_owner_record *rec, vrbd_cluster *cl,
                             const vrbd_spec *image);
void vrbd_owner_record_clear(vrbd_owner_record *rec);
/* Record @dom (host, name, uuid) as the user of @image in its metadata
 * (virt-rbd.owner), and its definition (virt-rbd.domain); best effort,
 * errors cleared. */
void vrbd_vm_record_owner(vrbd_host *host, vrbd_cluster *cl,
                          const vrbd_spec *image, virDomainPtr dom);

/* recover.c: @fn on each Ceph pool (and namespace, or NULL) behind the
 * RBD pools of @on, on the
 * registered clusters (each connected once, within @timeout_sec; one that
 * does not answer is warned of and skipped).  0, or -1 with the error. */
typedef void (*vrbd_ceph_pool_fn)(void *opaque, vrbd_cluster *cl,
                                  const char *pool, const char *nspace);
int vrbd_host_each_ceph_pool(vrbd_host *on, vrbd_registry *reg,
                             unsigned timeout_sec, vrbd_ceph_pool_fn fn,
                             void *opaque);

/* migrate.c: the registered clusters of a domain's RBD disks (by the fsid
 * of their secrets), each connected once, with its current monitors. */
typedef struct vrbd_disk_cluster {
    char *fsid;
    const char *name; /* the cluster's, while @cl lives; NULL */
    vrbd_cluster *cl; /* NULL: not registered, or it did not answer */
    char **hosts;     /* its monitors, or NULL */
} vrbd_disk_cluster;
typedef struct vrbd_disk_clusters {
    vrbd_disk_cluster *c;
    size_t n;
} vrbd_disk_clusters;

void vrbd_disk_clusters_connect(vrbd_disk_clusters *dc, vrbd_registry *reg,
                                const vrbd_vm_disk *disks, size_t n_disks,
                                unsigned timeout_sec);
vrbd_disk_cluster *vrbd_disk_clusters_find(const vrbd_disk_clusters *dc,
                                           const char *fsid);
void vrbd_disk_clusters_clear(vrbd_disk_clusters *dc);
/* @xml with each RBD disk of a connected cluster listing its current
 * monitors; *@changed disks rewritten.  NULL when it does not parse. */
char *vrbd_disk_clusters_refresh_xml(const vrbd_disk_clusters *dc,
                                     const vrbd_vm_disk *disks, size_t n_disks,
                                     const char *xml, size_t *changed);
/* Record @dom on @host as the owner of each RBD disk (best effort). */
void vrbd_disk_clusters_record_owner(const vrbd_disk_clusters *dc,
                                     const vrbd_vm_disk *disks, size_t n_disks,
                                     vrbd_host *host, virDomainPtr dom);
/* migrate.c: -1 with the error naming the fix when host @dst (called
 * @dest) lacks RBD disk @d's secret or an active pool of its cluster and
 * Ceph pool among @pools (its RBD pools). */
int vrbd_host_check_disk(vrbd_host *dst, const char *dest,
                         const vrbd_vm_disk *d, const vrbd_host_rbd_pool *pools,
                         size_t np);

/* move.c: what a domain's RBD disks need on this host to reach pool
 * @pool of @cl: the user, the secret's UUID, the monitors (made with
 * vrbd_host_connection_for() when missing) */
struct vrbd_rbd_access {
    char *user;
    char uuid[37];
    char **hosts;
    size_t n_hosts;
};
int vrbd_rbd_access_get(vrbd_host *host, vrbd_cluster *cl, const char *pool,
                        struct vrbd_rbd_access *a);
void vrbd_rbd_access_clear(struct vrbd_rbd_access *a);
/* move.c: a new <disk> for RBD image @img in @doc, in place of @old
 * (target @target, its bus, boot order and PCI address kept); NULL with
 * the error set. */
xmlNodePtr vrbd_rbd_disk_node(xmlDocPtr doc, xmlNodePtr old,
                              const vrbd_spec *img, const char *target,
                              const char *const *hosts, size_t n_hosts,
                              const char *user, const char *uuid);

/*
 * What the modules read in the XML libvirt gives back, apart from asking
 * libvirt: functions of the XML text alone (any text), for the unit tests
 * and fuzz-xml.
 */

/* host.c: the type of a storage pool's XML (<pool type='...'>), or
 * "unknown"; free(). */
char *vrbd_host_pool_type_read(const char *xml);

/* refresh.c: replace the <host> children of <source> @src by @hosts
 * ("ip:port", "[ip6]:port"), where the first old one stood (else after
 * <name>).  Returns whether the list changed. */
bool vrbd_xml_replace_hosts(xmlNodePtr src, char *const *hosts);

/* host.c: the host UUID in capabilities XML @xml, or NULL; free(). */
char *vrbd_host_caps_uuid_read(const char *xml);

/* host.c: fill @p's Ceph pool, monitors, user and secret from a storage
 * pool's XML; false (@p untouched) when it is not an RBD pool. */
bool vrbd_host_rbd_pool_read(const char *xml, vrbd_host_rbd_pool *p);

/* host.c: does an RBD disk of domain XML @xml use Ceph pool @pool with
 * the secret @secret (by UUID) or @usage (by usage name)?  Both NULL: any
 * auth. */
bool vrbd_host_domain_uses(const char *xml, const char *pool,
                           const char *secret, const char *usage);

/* vm.c: the disks of domain XML @xml (vrbd_vm_disk_list_free()); an RBD
 * disk's cluster is looked up through its secret on @conn, none when
 * @conn is NULL.  Returns 0. */
int vrbd_vm_disks_read(virConnectPtr conn, const char *xml, vrbd_vm_disk **out,
                       size_t *n);

/* vm.c: the <disk> of domain XML @xml whose target or source is @which,
 * serialised, or NULL; *@source (if not NULL) gets its source. */
char *vrbd_vm_disk_element(const char *xml, const char *which, char **source);

/* secret.c: whether secret XML @xml says private='yes'. */
bool vrbd_secret_xml_private(const char *xml);

#endif
