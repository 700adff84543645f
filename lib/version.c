/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* version.c: the library's own version and those of what it runs on. */
#include <stdio.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

#include "internal.h"
#include "vrbd-config.h"
#include "virt.h"

const char *
vrbd_version(void)
{
    return VRBD_VERSION;
}

void
vrbd_versions_get(vrbd_versions *out)
{
    int major = 0, minor = 0, extra = 0;
    unsigned long lv = 0;

    rados_version(&major, &minor, &extra);
    snprintf(out->librados, sizeof(out->librados), "%d.%d.%d", major, minor,
             extra);
    rbd_version(&major, &minor, &extra);
    snprintf(out->librbd, sizeof(out->librbd), "%d.%d.%d", major, minor, extra);
    /* without libvirt the version reads 0.0.0 */
    if (vrbd_libvirt_init() < 0 || virGetVersion(&lv, NULL, NULL) < 0)
        lv = 0;
    snprintf(out->libvirt, sizeof(out->libvirt), "%lu.%lu.%lu", lv / 1000000,
             lv / 1000 % 1000, lv % 1000);
}
