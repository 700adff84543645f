/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cephconf.h: the option names a ceph.conf sets, as librados's own parser
 * reads the file: '#' and ';' start comments, "[section]" lines head
 * sections, a line ending in '\' goes on on the next one, and an option
 * line is "name = value".  Only names are handed out, never values (a
 * ceph.conf may set "key = " to a secret).  It checks nothing: librados
 * has already read the file by the time virt-rbd asks.
 */
#ifndef VRBD_UTIL_CEPHCONF_H
#define VRBD_UTIL_CEPHCONF_H

#include <stddef.h>

/* Called per option with its name as written (edge spaces trimmed, not
 * empty) and the 1-based line it begins on; return 0 to go on, -1 to stop
 * (the scan then returns -1). */
typedef int (*vrbd_cephconf_fn)(const char *name, int line, void *opaque);

/* Hand every option name in @len bytes of @text to @fn, in order. */
int vrbd_cephconf_names(const char *text, size_t len, vrbd_cephconf_fn fn,
                        void *opaque);

#endif
