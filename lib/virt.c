/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virt.c: loads libvirt when first needed (see virt.h for why).  Only the
 * loading lives here; what libvrbd does with libvirt is in host, secret,
 * domain, vm, move and the rest.
 */
#define VRBD_VIRT_LOADER
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "virt.h"

struct vrbd_virt_api vrbd_virt_api;

int
vrbd_virt_open(const char *soname, struct vrbd_virt_api *api, char *why,
               size_t size)
{
    struct vrbd_virt_api got;
    void *h, *sym;

    /* RTLD_LOCAL: its symbols stay out of the way of the caller's */
    h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(why, size, "%s", dlerror());
        return -1;
    }
#define VRBD_VIRT_LOOKUP(fn)                                                   \
    sym = dlsym(h, #fn);                                                       \
    if (!sym) {                                                                \
        snprintf(why, size, "%s has no %s()", soname, #fn);                    \
        dlclose(h);                                                            \
        return -1;                                                             \
    }                                                                          \
    memcpy(&got.fn, &sym, sizeof(sym));
    VRBD_VIRT_FUNCS(VRBD_VIRT_LOOKUP)
#undef VRBD_VIRT_LOOKUP
    /* never closed: libvirt keeps threads and handlers of its own */
    *api = got;
    return 0;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
/* why libvirt could not be loaded, set by load() */
static char failure[256];

static void
load(void)
{
    vrbd_virt_open("libvirt.so.0", &vrbd_virt_api, failure, sizeof(failure));
}

int
vrbd_virt_load(void)
{
    pthread_once(&once, load);
    if (!vrbd_virt_loaded())
        return vrbd_error_set(VRBD_ERR_UNSUPPORTED, 0,
                              "install libvirt (Debian: apt install libvirt0)",
                              "cannot load libvirt: %s", failure);
    return 0;
}

bool
vrbd_virt_loaded(void)
{
    /* set once, by load(), before pthread_once() returns to anyone */
    return vrbd_virt_api.virConnectOpen != NULL;
}
