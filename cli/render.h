/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * render.h: every result virt-rbd prints, as a view (cli.h): its JSON and
 * its text side by side in cli/render-<noun>.c.  A command gathers what it
 * prints in the result type named here and calls cli_show() with the view;
 * the comment on each view says what its @res points at.
 */
#ifndef VRBD_CLI_RENDER_H
#define VRBD_CLI_RENDER_H

#include <stdio.h>

#include "cli.h"

/* cluster add: the vrbd_cluster_entry stored */
extern const cli_view cli_view_cluster_added;
/* cluster show: a vrbd_cluster_entry */
extern const cli_view cli_view_cluster_entry;
/* cluster list */
typedef struct cli_cluster_list {
    const vrbd_cluster_entry *all;
    size_t n;
    const char *dir; /* the registry's directory */
} cli_cluster_list;
extern const cli_view cli_view_cluster_list;
/* cluster rm */
typedef struct cli_cluster_removed {
    const char *name;
    const char *new_default; /* NULL: unchanged or none */
} cli_cluster_removed;
extern const cli_view cli_view_cluster_removed;
/* cluster default: the name (a const char) */
extern const cli_view cli_view_cluster_default;
/* cluster check */
typedef struct cli_cluster_status {
    const char *cluster;
    const char *entity; /* client.NAME */
    const vrbd_cluster_status *st;
    const vrbd_user *caps; /* NULL: the user may not read its caps */
} cli_cluster_status;
extern const cli_view cli_view_cluster_status;

/* cluster blocklist */
typedef struct cli_blocklist {
    const char *cluster;
    const vrbd_blocklist_entry *list;
    size_t n;
} cli_blocklist;
extern const cli_view cli_view_blocklist;
/* cluster blocklist --rm */
typedef struct cli_unfenced {
    const char *cluster, *addr;
    bool removed; /* false: it was not listed */
} cli_unfenced;
extern const cli_view cli_view_unfenced;

/* dr pair */
typedef struct cli_dr_paired {
    const vrbd_dr_pair_result *res;
} cli_dr_paired;
extern const cli_view cli_view_dr_paired;
/* dr status: a vrbd_dr_status */
extern const cli_view cli_view_dr_status;
/* dr enable, sync, status DOM: a vrbd_dr_vm */
extern const cli_view cli_view_dr_vm;
/* dr status alone: vrbd_dr_vm rows */
extern const cli_list_view cli_list_dr_vms;
/* dr disable: the domain's name */
extern const cli_view cli_view_dr_disabled;
/* vm failover, vm failback */
typedef struct cli_failover {
    const char *domain;
    const vrbd_failover_result *res;
} cli_failover;
extern const cli_view cli_view_failover;
/* dr test */
typedef struct cli_dr_test {
    bool clean;
    const vrbd_dr_test_result *res;
} cli_dr_test;
extern const cli_view cli_view_dr_test;

/* pool plan */
typedef struct cli_pool_plan {
    const char *cluster, *pool;
    const vrbd_pool_plan *plan;
} cli_pool_plan;
extern const cli_view cli_view_pool_plan;
/* pool create */
typedef struct cli_pool_created {
    const char *cluster, *pool;
    bool created; /* false: it existed and is ready */
    const vrbd_pool_plan *plan;
    unsigned pg_num; /* what it was created with */
} cli_pool_created;
extern const cli_view cli_view_pool_created;
/* pool list: a row per pool */
typedef struct cli_pool_row {
    const char *cluster;
    const vrbd_pool_info *info;
} cli_pool_row;
extern const cli_list_view cli_view_pool_row;
/* pool rm */
typedef struct cli_pool_removed {
    const char *cluster, *pool;
} cli_pool_removed;
extern const cli_view cli_view_pool_removed;

/* user show: a vrbd_user */
extern const cli_view cli_view_user;
/* user list */
typedef struct cli_user_list {
    const vrbd_user *users;
    size_t n;
} cli_user_list;
extern const cli_view cli_view_user_list;
/* user create */
typedef struct cli_user_created {
    const char *cluster, *entity;
    bool created, updated; /* neither: it exists with these caps */
    const char *keyring;   /* the file written */
} cli_user_created;
extern const cli_view cli_view_user_created;
/* user rm */
typedef struct cli_user_removed {
    const char *cluster, *entity;
} cli_user_removed;
extern const cli_view cli_view_user_removed;

/* vm create */
typedef struct cli_vm_created {
    const char *domain;
    bool started;
    double seconds;
    const char *cluster, *pool; /* where its disk is */
    bool cloned;                /* from a golden image */
} cli_vm_created;
extern const cli_view cli_view_vm_created;
/* vm rm */
typedef struct cli_vm_removed {
    const char *domain;
    bool disks; /* its RBD disks too */
    bool trash; /* to the trash */
} cli_vm_removed;
extern const cli_view cli_view_vm_removed;
/* vm restore */
typedef struct cli_vm_restored {
    const char *domain;
    const vrbd_vm_restore_result *res;
} cli_vm_restored;
extern const cli_view cli_view_vm_restored;
/* vm move --rollback: the domain's name (a const char) */
extern const cli_view cli_view_vm_rolled_back;
/* vm move */
typedef struct cli_vm_moved {
    const char *domain, *cluster, *pool;
    bool live, source_kept;
    const vrbd_move_result *res;
} cli_vm_moved;
extern const cli_view cli_view_vm_moved;
/* vm migrate */
typedef struct cli_vm_migrated {
    const char *domain, *from, *to;
    bool offline;
    const vrbd_migrate_result *res;
} cli_vm_migrated;
extern const cli_view cli_view_vm_migrated;
/* vm recover */
typedef struct cli_vm_recovered {
    const char *domain, *from, *on;
    const vrbd_recover_result *res;
} cli_vm_recovered;
extern const cli_view cli_view_vm_recovered;
/* fleet recover: a row per VM */
typedef struct cli_fleet_recovered {
    const char *domain;
    const char *on;    /* where it went, or NULL */
    const char *error; /* why not, or NULL */
    const vrbd_recover_result *res;
} cli_fleet_recovered;
extern const cli_list_view cli_view_fleet_recovered;
/* fleet unfence */
typedef struct cli_fleet_unfenced {
    const char *host;
    size_t lifted;
} cli_fleet_unfenced;
extern const cli_view cli_view_fleet_unfenced;
/* vm migrate on a terminal: one line on stderr, rewritten; @p NULL ends
 * it */
void cli_show_migrate_progress(const char *domain,
                               const vrbd_migrate_progress *p);
/* disk attach */
typedef struct cli_disk_attached {
    const char *domain, *target, *cluster;
    const vrbd_spec *image;
} cli_disk_attached;
extern const cli_view cli_view_disk_attached;
/* disk detach */
typedef struct cli_disk_detached {
    const char *domain;
    const char *disk; /* its source, or the target given */
} cli_disk_detached;
extern const cli_view cli_view_disk_detached;
/* disk list */
typedef struct cli_disk_row {
    const vrbd_vm_disk *disk;
    const char *cluster; /* registered name, NULL: none */
    uint64_t size, used; /* VRBD_UNKNOWN: its cluster did not answer */
} cli_disk_row;
typedef struct cli_disk_list {
    const cli_disk_row *rows;
    size_t n;
} cli_disk_list;
extern const cli_view cli_view_disk_list;

/* version: a vrbd_versions */
extern const cli_view cli_view_versions;
/* doctor */
typedef struct cli_checks {
    const vrbd_check *checks;
    size_t n;
} cli_checks;
extern const cli_view cli_view_checks;
/* bench */
typedef struct cli_bench {
    const vrbd_bench_result *res;
    size_t n;
    uint64_t size;  /* working set per side */
    double seconds; /* per timed workload */
    bool local;     /* a local side was measured */
} cli_bench;
extern const cli_view cli_view_bench;

/* import, export, copy: the end of a copy */
typedef struct cli_copied {
    FILE *out;        /* stdout, or stderr when the data went to stdout */
    const char *what; /* "imported", "exported", "copied" */
    const char *from, *to;
    const vrbd_copy_stats *st;
    bool up_to_date; /* copy --incremental: the target had SRC@SNAP */
} cli_copied;
extern const cli_view cli_view_copied;

/* host connect */
typedef struct cli_host_connected {
    const char *cluster, *pool, *user;
    const vrbd_host_connect_result *res;
} cli_host_connected;
extern const cli_view cli_view_host_connected;
/* host disconnect */
typedef struct cli_host_disconnected {
    const char *name; /* the libvirt pool */
    bool secret_removed;
} cli_host_disconnected;
extern const cli_view cli_view_host_disconnected;
/* host list: the RBD pools and secrets of this host */
typedef struct cli_host_lists {
    const vrbd_cluster_entry *clusters; /* the registered, to name them by */
    const vrbd_host_rbd_pool *pools;
    const vrbd_host_secret *secrets;
    size_t nc, np, ns;
    const char *const *reachable; /* per pool: "yes", "no" or "?" */
} cli_host_lists;
extern const cli_view cli_view_host_lists;
/* host ensure (a failed item is reported as an error apart) */
typedef struct cli_host_ensured {
    const vrbd_ensure_item *items;
    size_t n;
} cli_host_ensured;
extern const cli_view cli_view_host_ensured;
/* host refresh-mons: one item per cluster */
typedef struct cli_host_refreshed {
    const char *cluster;
    const vrbd_refresh_result *res;
} cli_host_refreshed;
extern const cli_list_view cli_view_host_refreshed;

/* vol create */
typedef struct cli_vol_created {
    const char *name;
    uint64_t size;
} cli_vol_created;
extern const cli_view cli_view_vol_created;
/* vol list */
typedef struct cli_vol_list {
    const vrbd_volume_info *list;
    size_t n;
    bool details; /* -l */
} cli_vol_list;
extern const cli_view cli_view_vol_list;
/* vol info */
typedef struct cli_vol_info {
    const char *name; /* CLUSTER:POOL/IMAGE */
    const vrbd_volume_info *v;
} cli_vol_info;
extern const cli_view cli_view_vol_info;
/* vol resize */
typedef struct cli_vol_resized {
    const char *name;
    uint64_t old_size, size;
    const char *guest; /* a running domain told of it, or NULL */
} cli_vol_resized;
extern const cli_view cli_view_vol_resized;
/* vol snap create, rm, protect, unprotect, rollback */
typedef struct cli_snap_done {
    const char *name;  /* CLUSTER:POOL/IMAGE@SNAP */
    const char *verb;  /* "created", ... */
    const char *image; /* CLUSTER:POOL/IMAGE */
    const char *snap;
    bool rollback;
} cli_snap_done;
extern const cli_view cli_view_snap_done;
/* vol snap list: a vrbd_volume_info */
extern const cli_view cli_view_snap_list;
/* vol clone */
typedef struct cli_vol_cloned {
    const char *source, *image;
    const vrbd_clone_result *res;
} cli_vol_cloned;
extern const cli_view cli_view_vol_cloned;
/* vol flatten: the image as given (a const char) */
extern const cli_view cli_view_vol_flattened;
/* vol children */
typedef struct cli_vol_children {
    const vrbd_volume_info *v;
    const char *snap; /* only this snapshot's, or NULL: all */
} cli_vol_children;
extern const cli_view cli_view_vol_children;
/* vol who */
typedef struct cli_vol_who {
    const char *name;
    const vrbd_holder *holders;
    size_t n;
    const char *owner; /* the recorded owner, or NULL */
} cli_vol_who;
extern const cli_view cli_view_vol_who;
/* vol clients */
typedef struct cli_vol_clients {
    const char *name; /* CLUSTER:POOL/IMAGE */
    const vrbd_image_client *clients;
    size_t n;
} cli_vol_clients;
extern const cli_view cli_view_vol_clients;
/* vol fence */
typedef struct cli_vol_fenced {
    const char *cluster;
    const char *const *images; /* as given, canonical */
    size_t n_images;
    const vrbd_fence_result *res;
    unsigned expire;
    const char *reason;
} cli_vol_fenced;
extern const cli_view cli_view_vol_fenced;
/* vol rm */
typedef struct cli_vol_removed {
    const char *name;
    bool trash;
    int64_t until; /* trash: kept until (Unix time) */
} cli_vol_removed;
extern const cli_view cli_view_vol_removed;
/* vol trash list */
typedef struct cli_trash_list {
    const vrbd_trash_entry *e;
    size_t n;
} cli_trash_list;
extern const cli_view cli_view_trash_list;
/* vol trash purge */
typedef struct cli_trash_purged {
    const char *pool; /* as given */
    const vrbd_trash_purge_result *res;
} cli_trash_purged;
extern const cli_view cli_view_trash_purged;
/* vol restore: the image's full name (a const char) */
extern const cli_view cli_view_trash_restored;
/* fleet add: the vrbd_fleet_host stored */
extern const cli_view cli_view_fleet_added;
/* fleet rm: the name (a const char) */
extern const cli_view cli_view_fleet_removed;
/* fleet list */
typedef struct cli_fleet_list {
    const vrbd_fleet_status *st;
    size_t n;
    const char *dir;
} cli_fleet_list;
extern const cli_view cli_view_fleet_list;
/* fleet sync: a row per host and pool */
typedef struct cli_fleet_synced {
    const char *host;
    const char *cluster; /* NULL: the default */
    const char *pool;
    const vrbd_host_connect_result *res;
    const char *error; /* why not, or NULL */
} cli_fleet_synced;
extern const cli_list_view cli_view_fleet_synced;
/* fleet evacuate: a row per domain, a vrbd_evacuate_item */
extern const cli_list_view cli_view_fleet_evacuated;

/* backup */
extern const cli_view cli_view_backup_done; /* a vrbd_backup_result */
/* backup list */
typedef struct cli_backup_list {
    const vrbd_backup_entry *e;
    size_t n;
} cli_backup_list;
extern const cli_view cli_view_backup_list;

/* backup verify: a vrbd_backup_verify_result */
extern const cli_view cli_view_backup_verified;
/* restore: a vrbd_restore_result */
extern const cli_view cli_view_restored;

/* backup prune */
typedef struct cli_backup_pruned {
    const vrbd_backup_prune_result *res;
    bool dry_run;
} cli_backup_pruned;
extern const cli_view cli_view_backup_pruned;

/* apply: each step as it starts and ends */
typedef struct cli_apply_progress {
    const vrbd_apply_step *step;
    size_t i, n;
    bool done;
    double seconds; /* done: how long the step took */
} cli_apply_progress;
extern const cli_view cli_view_apply_progress;
/* apply, apply --plan */
typedef struct cli_apply_result {
    const char *file;
    const vrbd_apply *apply;
    bool planned;      /* --plan: nothing was run */
    size_t failed_at;  /* the step that failed, (size_t)-1: none */
    const char *error; /* why it failed, or NULL */
    double seconds;
} cli_apply_result;
extern const cli_view cli_view_apply_result;

#endif
