/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * watchers.cc: the watchers of a RADOS object through librados's C++ API
 * (see watchers.h for why).  No exception leaves this file: librados
 * reports through return values, and out of memory aborts, as libvrbd's
 * xmalloc family does.
 */
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <list>

#include <rados/librados.hpp>

#include "watchers.h"

struct vrbd_watch_req {
    librados::IoCtx io;
    librados::ObjectReadOperation op;
    librados::bufferlist out;
    std::list<obj_watch_t> watchers;
    int rval = 0;
    int sent = 0;
    librados::AioCompletion *c = nullptr;
};

vrbd_watch_req *
vrbd_watchers_start(rados_ioctx_t io, const char *oid)
{
    try {
        vrbd_watch_req *r = new vrbd_watch_req;

        librados::IoCtx::from_rados_ioctx_t(io, r->io);
        r->op.list_watchers(&r->watchers, &r->rval);
        r->c = librados::Rados::aio_create_completion();
        r->sent = r->io.aio_operate(oid, r->c, &r->op, &r->out);
        return r;
    } catch (...) {
        abort();
    }
}

static void *
xalloc_n(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p)
        abort();
    return p;
}

int
vrbd_watchers_finish(vrbd_watch_req *r, char ***addrs, int64_t **client_ids,
                     uint64_t **cookies)
{
    int ret = r->sent;

    try {
        if (ret == 0) {
            r->c->wait_for_complete();
            ret = r->c->get_return_value();
            if (ret == 0)
                ret = r->rval;
        }
        if (r->c)
            r->c->release();
        if (ret == 0) {
            size_t n = r->watchers.size(), i = 0;

            *addrs = n ? (char **)xalloc_n(n, sizeof(char *)) : nullptr;
            *client_ids = n ? (int64_t *)xalloc_n(n, sizeof(int64_t)) : nullptr;
            *cookies = n ? (uint64_t *)xalloc_n(n, sizeof(uint64_t)) : nullptr;
            for (const obj_watch_t &w : r->watchers) {
                (*addrs)[i] = strndup(w.addr, sizeof(w.addr));
                if (!(*addrs)[i])
                    abort();
                (*client_ids)[i] = w.watcher_id;
                (*cookies)[i] = w.cookie;
                i++;
            }
            ret = (int)n;
        }
        delete r;
        return ret;
    } catch (...) {
        abort();
    }
}
