/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * watchers.h: the watchers of a RADOS object, asked asynchronously.  The
 * C API of librados 16 (Pacific) has no list-watchers call
 * (rados_list_watchers came in a later release), so this one piece goes
 * through librados's C++ API (watchers.cc); the rest of libvrbd stays C.
 */
#ifndef VRBD_WATCHERS_H
#define VRBD_WATCHERS_H

#include <stddef.h>
#include <stdint.h>

#include <rados/librados.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vrbd_watch_req vrbd_watch_req;

/* Send the request for @oid's watchers on @io (bounded by the cluster's
 * rados_osd_op_timeout); never NULL; finish it with vrbd_watchers_finish() */
vrbd_watch_req *vrbd_watchers_start(rados_ioctx_t io, const char *oid);

/* Wait for @req's answer and release it: the number of watchers, each
 * with its address in @addrs[i] (malloc'd, *addrs a malloc'd array;
 * NULL when none) and its client id and cookie; or a negative errno
 * (-ENOENT: the object is gone) */
int vrbd_watchers_finish(vrbd_watch_req *req, char ***addrs,
                         int64_t **client_ids, uint64_t **cookies);

#ifdef __cplusplus
}
#endif

#endif
