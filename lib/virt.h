/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virt.h: libvirt's C API, loaded when first needed instead of at program
 * start.  libvirt.so.0 pulls in some 55 libraries (Kerberos, LDAP, curl,
 * ICU, libnuma...): loading them took about 6 ms of every run, imports,
 * exports and copies included, which never talk to libvirt.  And a host
 * with Ceph but without libvirt (a storage node) can still move data.
 *
 * lib/ includes this, never <libvirt/libvirt.h> alone: every libvirt
 * function lib/ calls is a pointer in vrbd_virt_api, and its name stands
 * for that pointer below, so the callers read as libvirt's own API.  The
 * pointers are set by vrbd_virt_load(); every way into libvirt starts
 * there (vrbd_host_open(), vrbd_versions_get()).  libvrbd does not link
 * libvirt, so a call to a function missing from the list fails the link.
 */
#ifndef VRBD_VIRT_H
#define VRBD_VIRT_H

#include <stdbool.h>
#include <stddef.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* the functions lib/ calls, each one X(name) */
#define VRBD_VIRT_FUNCS(X)                                                     \
    X(virConnectClose)                                                         \
    X(virConnectGetCapabilities)                                               \
    X(virConnectGetLibVersion)                                                 \
    X(virConnectGetStoragePoolCapabilities)                                    \
    X(virConnectGetURI)                                                        \
    X(virConnectIsAlive)                                                       \
    X(virConnectListAllDomains)                                                \
    X(virConnectListAllSecrets)                                                \
    X(virConnectListAllStoragePools)                                           \
    X(virConnectOpen)                                                          \
    X(virDomainAbortJob)                                                       \
    X(virDomainAgentSetResponseTimeout)                                        \
    X(virDomainAttachDeviceFlags)                                              \
    X(virDomainBlockCopy)                                                      \
    X(virDomainBlockJobAbort)                                                  \
    X(virDomainBlockResize)                                                    \
    X(virDomainCreate)                                                         \
    X(virDomainDefineXML)                                                      \
    X(virDomainDestroy)                                                        \
    X(virDomainDetachDeviceFlags)                                              \
    X(virDomainFSFreeze)                                                       \
    X(virDomainFSThaw)                                                         \
    X(virDomainFree)                                                           \
    X(virDomainGetBlockInfo)                                                   \
    X(virDomainGetBlockJobInfo)                                                \
    X(virDomainGetConnect)                                                     \
    X(virDomainGetInfo)                                                        \
    X(virDomainGetJobStats)                                                    \
    X(virDomainGetName)                                                        \
    X(virDomainGetUUIDString)                                                  \
    X(virDomainGetXMLDesc)                                                     \
    X(virDomainIsActive)                                                       \
    X(virDomainIsPersistent)                                                   \
    X(virDomainLookupByName)                                                   \
    X(virDomainLookupByUUIDString)                                             \
    X(virDomainMigrateToURI3)                                                  \
    X(virDomainResume)                                                         \
    X(virDomainShutdown)                                                       \
    X(virDomainSuspend)                                                        \
    X(virDomainUndefineFlags)                                                  \
    X(virGetLastError)                                                         \
    X(virGetLastErrorMessage)                                                  \
    X(virGetVersion)                                                           \
    X(virNodeGetFreeMemory)                                                    \
    X(virResetLastError)                                                       \
    X(virSecretDefineXML)                                                      \
    X(virSecretFree)                                                           \
    X(virSecretGetUUIDString)                                                  \
    X(virSecretGetUsageID)                                                     \
    X(virSecretGetUsageType)                                                   \
    X(virSecretGetXMLDesc)                                                     \
    X(virSecretLookupByUUIDString)                                             \
    X(virSecretLookupByUsage)                                                  \
    X(virSecretSetValue)                                                       \
    X(virSecretUndefine)                                                       \
    X(virSetErrorFunc)                                                         \
    X(virStoragePoolCreate)                                                    \
    X(virStoragePoolDefineXML)                                                 \
    X(virStoragePoolDestroy)                                                   \
    X(virStoragePoolFree)                                                      \
    X(virStoragePoolGetAutostart)                                              \
    X(virStoragePoolGetName)                                                   \
    X(virStoragePoolGetUUIDString)                                             \
    X(virStoragePoolGetXMLDesc)                                                \
    X(virStoragePoolIsActive)                                                  \
    X(virStoragePoolIsPersistent)                                              \
    X(virStoragePoolLookupByName)                                              \
    X(virStoragePoolNumOfVolumes)                                              \
    X(virStoragePoolRefresh)                                                   \
    X(virStoragePoolSetAutostart)                                              \
    X(virStoragePoolUndefine)                                                  \
    X(virTypedParamsAddString)                                                 \
    X(virTypedParamsAddULLong)                                                 \
    X(virTypedParamsFree)                                                      \
    X(virTypedParamsGetLLong)                                                  \
    X(virTypedParamsGetULLong)

struct vrbd_virt_api {
#define VRBD_VIRT_MEMBER(fn) __typeof__(fn) *fn;
    VRBD_VIRT_FUNCS(VRBD_VIRT_MEMBER)
#undef VRBD_VIRT_MEMBER
};

/* Set by vrbd_virt_load(); NULL pointers before. */
extern struct vrbd_virt_api vrbd_virt_api;

/* Load the library @soname and look up every function above into *@api,
 * which is set only on success.  0, or -1 with the reason (dlerror(), or
 * the first function missing) in @why, @size bytes.  The library stays
 * loaded.  vrbd_virt_load() uses it; the unit tests call it directly. */
int vrbd_virt_open(const char *soname, struct vrbd_virt_api *api, char *why,
                   size_t size);

/* Load libvirt.so.0 and look up every function above, once per process
 * (later calls return the first outcome).  0, or -1 with VRBD_ERR_UNSUPPORTED
 * set: libvirt is not installed, or lacks one of the functions. */
int vrbd_virt_load(void);

/* Whether vrbd_virt_load() has succeeded. */
bool vrbd_virt_loaded(void);

#ifndef VRBD_VIRT_LOADER
#define virDomainAbortJob (vrbd_virt_api.virDomainAbortJob)
#define virDomainAgentSetResponseTimeout                                       \
    (vrbd_virt_api.virDomainAgentSetResponseTimeout)
#define virDomainGetInfo (vrbd_virt_api.virDomainGetInfo)
#define virNodeGetFreeMemory (vrbd_virt_api.virNodeGetFreeMemory)
#define virDomainGetJobStats (vrbd_virt_api.virDomainGetJobStats)
#define virDomainLookupByUUIDString (vrbd_virt_api.virDomainLookupByUUIDString)
#define virDomainMigrateToURI3 (vrbd_virt_api.virDomainMigrateToURI3)
#define virTypedParamsAddString (vrbd_virt_api.virTypedParamsAddString)
#define virTypedParamsAddULLong (vrbd_virt_api.virTypedParamsAddULLong)
#define virTypedParamsFree (vrbd_virt_api.virTypedParamsFree)
#define virTypedParamsGetULLong (vrbd_virt_api.virTypedParamsGetULLong)
#define virTypedParamsGetLLong (vrbd_virt_api.virTypedParamsGetLLong)
#define virConnectClose (vrbd_virt_api.virConnectClose)
#define virConnectGetCapabilities (vrbd_virt_api.virConnectGetCapabilities)
#define virConnectGetLibVersion (vrbd_virt_api.virConnectGetLibVersion)
#define virConnectGetStoragePoolCapabilities                                   \
    (vrbd_virt_api.virConnectGetStoragePoolCapabilities)
#define virConnectGetURI (vrbd_virt_api.virConnectGetURI)
#define virConnectIsAlive (vrbd_virt_api.virConnectIsAlive)
#define virConnectListAllDomains (vrbd_virt_api.virConnectListAllDomains)
#define virConnectListAllSecrets (vrbd_virt_api.virConnectListAllSecrets)
#define virConnectListAllStoragePools                                          \
    (vrbd_virt_api.virConnectListAllStoragePools)
#define virConnectOpen (vrbd_virt_api.virConnectOpen)
#define virDomainAttachDeviceFlags (vrbd_virt_api.virDomainAttachDeviceFlags)
#define virDomainBlockCopy (vrbd_virt_api.virDomainBlockCopy)
#define virDomainBlockJobAbort (vrbd_virt_api.virDomainBlockJobAbort)
#define virDomainBlockResize (vrbd_virt_api.virDomainBlockResize)
#define virDomainCreate (vrbd_virt_api.virDomainCreate)
#define virDomainDefineXML (vrbd_virt_api.virDomainDefineXML)
#define virDomainDestroy (vrbd_virt_api.virDomainDestroy)
#define virDomainDetachDeviceFlags (vrbd_virt_api.virDomainDetachDeviceFlags)
#define virDomainFree (vrbd_virt_api.virDomainFree)
#define virDomainFSFreeze (vrbd_virt_api.virDomainFSFreeze)
#define virDomainFSThaw (vrbd_virt_api.virDomainFSThaw)
#define virDomainResume (vrbd_virt_api.virDomainResume)
#define virDomainSuspend (vrbd_virt_api.virDomainSuspend)
#define virDomainGetBlockInfo (vrbd_virt_api.virDomainGetBlockInfo)
#define virDomainGetBlockJobInfo (vrbd_virt_api.virDomainGetBlockJobInfo)
#define virDomainGetConnect (vrbd_virt_api.virDomainGetConnect)
#define virDomainGetName (vrbd_virt_api.virDomainGetName)
#define virDomainGetUUIDString (vrbd_virt_api.virDomainGetUUIDString)
#define virDomainGetXMLDesc (vrbd_virt_api.virDomainGetXMLDesc)
#define virDomainIsActive (vrbd_virt_api.virDomainIsActive)
#define virDomainShutdown (vrbd_virt_api.virDomainShutdown)
#define virDomainIsPersistent (vrbd_virt_api.virDomainIsPersistent)
#define virDomainLookupByName (vrbd_virt_api.virDomainLookupByName)
#define virDomainUndefineFlags (vrbd_virt_api.virDomainUndefineFlags)
#define virGetLastError (vrbd_virt_api.virGetLastError)
#define virGetLastErrorMessage (vrbd_virt_api.virGetLastErrorMessage)
#define virGetVersion (vrbd_virt_api.virGetVersion)
#define virResetLastError (vrbd_virt_api.virResetLastError)
#define virSecretDefineXML (vrbd_virt_api.virSecretDefineXML)
#define virSecretFree (vrbd_virt_api.virSecretFree)
#define virSecretGetUUIDString (vrbd_virt_api.virSecretGetUUIDString)
#define virSecretGetUsageID (vrbd_virt_api.virSecretGetUsageID)
#define virSecretGetUsageType (vrbd_virt_api.virSecretGetUsageType)
#define virSecretGetXMLDesc (vrbd_virt_api.virSecretGetXMLDesc)
#define virSecretLookupByUUIDString (vrbd_virt_api.virSecretLookupByUUIDString)
#define virSecretLookupByUsage (vrbd_virt_api.virSecretLookupByUsage)
#define virSecretSetValue (vrbd_virt_api.virSecretSetValue)
#define virSecretUndefine (vrbd_virt_api.virSecretUndefine)
#define virSetErrorFunc (vrbd_virt_api.virSetErrorFunc)
#define virStoragePoolCreate (vrbd_virt_api.virStoragePoolCreate)
#define virStoragePoolDefineXML (vrbd_virt_api.virStoragePoolDefineXML)
#define virStoragePoolDestroy (vrbd_virt_api.virStoragePoolDestroy)
#define virStoragePoolFree (vrbd_virt_api.virStoragePoolFree)
#define virStoragePoolGetAutostart (vrbd_virt_api.virStoragePoolGetAutostart)
#define virStoragePoolGetName (vrbd_virt_api.virStoragePoolGetName)
#define virStoragePoolGetUUIDString (vrbd_virt_api.virStoragePoolGetUUIDString)
#define virStoragePoolGetXMLDesc (vrbd_virt_api.virStoragePoolGetXMLDesc)
#define virStoragePoolIsActive (vrbd_virt_api.virStoragePoolIsActive)
#define virStoragePoolIsPersistent (vrbd_virt_api.virStoragePoolIsPersistent)
#define virStoragePoolLookupByName (vrbd_virt_api.virStoragePoolLookupByName)
#define virStoragePoolNumOfVolumes (vrbd_virt_api.virStoragePoolNumOfVolumes)
#define virStoragePoolRefresh (vrbd_virt_api.virStoragePoolRefresh)
#define virStoragePoolSetAutostart (vrbd_virt_api.virStoragePoolSetAutostart)
#define virStoragePoolUndefine (vrbd_virt_api.virStoragePoolUndefine)
#endif

#endif
