/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply-internal.h: the wanted state read from an apply file (apply-parse.c)
 * and the plan made of it (apply.c).  Every object remembers the line of
 * the file that described it, for messages.
 */
#ifndef VRBD_APPLY_INTERNAL_H
#define VRBD_APPLY_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrbd.h"

typedef struct ap_where {
    unsigned line, column; /* 1-based */
} ap_where;

typedef struct ap_cluster {
    char *name;
    char *conf, *mon_host, *keyring, *user; /* user: cephx id, no "client." */
    bool is_default, absent;
    ap_where at;
    /* the plan: what the registry holds, kept by a modify */
    bool was_default, only_default;
    unsigned trash_keep_sec;
} ap_cluster;

typedef struct ap_pool {
    char *cluster, *name;
    unsigned pg;   /* 0: auto */
    unsigned size; /* 0: the cluster's default */
    bool absent;
    ap_where at;
} ap_pool;

typedef struct ap_user {
    char *cluster, *entity;
    char **pools; /* NULL-terminated */
    bool read_only, absent;
    ap_where at;
    char **rewrite; /* the plan: caps written anew for these pools */
} ap_user;

/* one Ceph pool a host is connected to */
typedef struct ap_conn {
    char *host; /* "this", or a registered fleet host's name */
    char *cluster, *pool;
    char *user; /* client.NAME, NULL: client.libvirt */
    ap_where at;
} ap_conn;

typedef struct ap_image {
    char *cluster, *pool, *name;
    char *import;     /* a local file to import, or NULL */
    uint64_t size;    /* without import: an empty image of this size */
    char **snapshots; /* NULL-terminated */
    bool absent;
    ap_where at;
} ap_image;

typedef struct ap_vm {
    char *name;
    char *from; /* golden CLUSTER:POOL/IMAGE@SNAP, or NULL */
    char *pool; /* without from: CLUSTER:POOL of an empty disk */
    uint64_t size;
    unsigned memory_mib, vcpus;
    char *network, *kernel, *initrd, *cmdline, *console_log;
    char **disks; /* NULL-terminated CLUSTER:POOL/IMAGE */
    bool started, absent;
    ap_where at;
} ap_vm;

struct vrbd_apply {
    char *path;
    ap_cluster *clusters;
    size_t n_clusters;
    ap_pool *pools;
    size_t n_pools;
    ap_user *users;
    size_t n_users;
    ap_conn *conns;
    size_t n_conns;
    ap_image *images;
    size_t n_images;
    ap_vm *vms;
    size_t n_vms;
    /* the plan (apply.c) */
    struct ap_step *steps;
    size_t n_steps;
    struct ap_link *links; /* clusters connected while planning */
    size_t n_links;
    struct {
        char *name;
        vrbd_host *host;
    } * hosts; /* fleet hosts opened while planning */
    size_t n_hosts;
};

/* VRBD_ERR_INVALID "PATH:LINE:COL: MESSAGE" (MESSAGE from @fmt); -1. */
int vrbd_apply_verror(const char *path, ap_where at, const char *hint,
                      const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* Read and check @path (no cluster or libvirt is asked) into *@out. */
int vrbd_apply_parse(const char *path, vrbd_apply *out);
void vrbd_apply_model_clear(vrbd_apply *a);

/* The nearest of @valid (NULL-terminated) to @word, or NULL when none is
 * close (an edit distance over a third of its length). */
const char *vrbd_apply_nearest(const char *word, const char *const *valid);

#endif
