/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vrbd.h: the public API of libvrbd, the library behind virt-rbd.
 *
 * libvrbd manages Ceph RBD storage for KVM/libvirt hosts: connections to
 * one or many Ceph clusters, and the libvirt objects that use them.
 *
 * Conventions, for every function below:
 * - Functions that can fail return int 0 on success and -1 on failure, or a
 *   pointer that is NULL on failure.  On failure they set the calling
 *   thread's last error (vrbd_error_last()); callers need not report again.
 *   A success does not clear it: read it only after a failure.
 * - Every opaque type has one constructor and one NULL-safe _free().
 * - A returned array of @n structs of type vrbd_T is freed, with what its
 *   elements own, by vrbd_T_list_free(list, n) (NULL-safe); a struct the
 *   caller provides and the library fills is emptied by vrbd_T_clear().
 * - Returned `const` pointers are borrowed from the object they came from
 *   and live as long as it does.  Owned results are returned through `**out`
 *   pointers, which are set only on success.
 * - The library never exits the process and never prints, except through
 *   the log handler a program installs.
 * - Every options struct a caller passes in, vrbd_X_opts, begins with
 *   `unsigned version`, which the caller sets to VRBD_X_OPTS_VERSION of
 *   the vrbd.h it is built with, the other fields zero unless set:
 *       vrbd_copy_opts o = {.version = VRBD_COPY_OPTS_VERSION, .verify = 1};
 *   A struct only ever grows at its end, each growth a new version.  The
 *   library reads only the fields the caller's version has (later ones
 *   take their zero defaults), so a program built against an older vrbd.h
 *   runs unchanged on a newer libvrbd; a version of 0 (not set) or newer
 *   than the library's is refused with VRBD_ERR_INVALID naming the struct.
 */
#ifndef VRBD_H
#define VRBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(VRBD_BUILDING_LIBRARY)
#define VRBD_API __attribute__((visibility("default")))
#else
#define VRBD_API
#endif

/* ---------------------------------------------------------------- version */

/* The version of libvrbd, e.g. "0.1.0".  Static storage. */
VRBD_API const char *vrbd_version(void);

typedef struct vrbd_versions {
    char librados[32]; /* "3.0.0" */
    char librbd[32];   /* "1.16.0" */
    char libvirt[32];  /* of the library loaded, "9.0.0"; "0.0.0" without */
} vrbd_versions;

/* The versions of the libraries libvrbd runs against, read at run time. */
VRBD_API void vrbd_versions_get(vrbd_versions *out);

/* ---------------------------------------------------------------- errors */

typedef enum {
    VRBD_ERR_OK = 0,
    VRBD_ERR_INTERNAL,    /* a bug in libvrbd or an unexpected answer */
    VRBD_ERR_INVALID,     /* bad input from the caller */
    VRBD_ERR_CONFIG,      /* missing or inconsistent configuration */
    VRBD_ERR_NOT_FOUND,   /* the named object does not exist */
    VRBD_ERR_EXISTS,      /* the object exists already and differs */
    VRBD_ERR_BUSY,        /* the object is in use */
    VRBD_ERR_PERMISSION,  /* refused: credentials, caps or file modes */
    VRBD_ERR_TIMEOUT,     /* the peer did not answer in time */
    VRBD_ERR_UNREACHABLE, /* the peer could not be reached at all */
    VRBD_ERR_IO,          /* a read or write failed */
    VRBD_ERR_UNSUPPORTED, /* the peer or this host lacks a feature */
    VRBD_ERR_LIBVIRT,     /* libvirt reported an error not mapped above */
    VRBD_ERR_CEPH,        /* Ceph reported an error not mapped above */
} vrbd_error_code;

typedef struct vrbd_error {
    vrbd_error_code code;
    int errnum;          /* positive errno behind the failure, or 0 */
    const char *message; /* one line, lower case, no final period */
    const char *hint;    /* how to fix it, or NULL */
} vrbd_error;

/*
 * The last error set on the calling thread.  Never NULL.  It is meaningful
 * only right after a call that failed: a call that succeeds leaves it as
 * it was (VRBD_ERR_OK with message "" if nothing failed on this thread
 * since vrbd_error_clear()).  Valid until the next libvrbd call on this
 * thread.
 */
VRBD_API const vrbd_error *vrbd_error_last(void);

/* Forget the calling thread's last error. */
VRBD_API void vrbd_error_clear(void);

/* A short stable name for a code, e.g. "not-found".  Static storage. */
VRBD_API const char *vrbd_error_code_name(vrbd_error_code code);

/*
 * Words for the caller's choices.  Where a message, hint, log line or
 * doctor check (message, fix) names something the caller chooses, libvrbd
 * names it by the library's own word, written as a token in braces:
 *   - an option by the field that holds it: "{force}" is
 *     vrbd_copy_opts.force, "{timeout_sec}" a timeout_sec field;
 *   - an action by the function that does it: "{vrbd_volume_remove}".
 * By default the token is written in plain words: an option as "the force
 * option", an action as "vrbd_volume_remove()".  A program
 * with words of its own for them (a CLI, its flags and commands) installs
 * @fn: it is given each token without the braces and returns its words
 * (storage that outlives the call), or NULL to keep the default.  Only
 * libvrbd's own tokens are replaced; other text in braces is left as it
 * is.  Install it at start-up, before other threads call libvrbd; NULL
 * restores the default.
 */
typedef const char *(*vrbd_words_fn)(const char *token, void *opaque);
VRBD_API void vrbd_words_set(vrbd_words_fn fn, void *opaque);

/* ---------------------------------------------------------------- logging */

typedef enum {
    VRBD_LOG_ERROR = 0,
    VRBD_LOG_WARN,
    VRBD_LOG_INFO,
    VRBD_LOG_DEBUG,
} vrbd_log_level;

typedef void (*vrbd_log_fn)(vrbd_log_level level, const char *msg,
                            void *opaque);

/*
 * Send messages at @max_level and below to @fn (NULL: drop all, the
 * default).  No message ever carries a secret.  Not thread-safe against
 * concurrent logging: call it once at start-up.
 */
VRBD_API void vrbd_log_set_handler(vrbd_log_fn fn, vrbd_log_level max_level,
                                   void *opaque);

/* ---------------------------------------------------------------- specs */

/*
 * How objects are named everywhere: [CLUSTER:]POOL[/NAMESPACE][/IMAGE][@SNAP]
 * With two path parts the second is the image ("rbd/vm1"); with three the
 * middle one is the namespace ("rbd/tenant/vm1").  Without CLUSTER the
 * default cluster is meant.  Names: cluster [A-Za-z0-9_-]{1,32}; pool and
 * namespace [A-Za-z0-9._-]{1,128} (not "." or ".."); image and snapshot
 * 1..255 printable characters other than space, '/', '@' and ':'.
 */
typedef struct vrbd_spec {
    char *cluster; /* NULL: the default cluster */
    char *pool;
    char *nspace; /* NULL: the default namespace */
    char *image;  /* NULL when the spec names a pool */
    char *snap;   /* NULL unless "@SNAP" */
} vrbd_spec;

typedef enum {
    VRBD_SPEC_POOL = 1 << 0,         /* a pool (or pool/namespace) is wanted */
    VRBD_SPEC_IMAGE = 1 << 1,        /* an image is wanted */
    VRBD_SPEC_SNAP_OK = 1 << 2,      /* "@SNAP" may follow an image */
    VRBD_SPEC_SNAP_NEED = 1 << 3,    /* "@SNAP" must follow an image */
    VRBD_SPEC_CLUSTER_ONLY = 1 << 4, /* "CLUSTER:" alone is accepted */
} vrbd_spec_flags;

/*
 * Parse @text as @flags allow.  Returns 0 and fills *@out (free it with
 * vrbd_spec_clear()), or -1 with VRBD_ERR_INVALID naming the bad part.
 */
VRBD_API int vrbd_spec_parse(const char *text, unsigned flags, vrbd_spec *out);
VRBD_API void vrbd_spec_clear(vrbd_spec *spec);

/* The canonical text of @spec ("zdata:rbd/ns/img@s"); caller frees. */
VRBD_API char *vrbd_spec_format(const vrbd_spec *spec);

/* ---------------------------------------------------------------- cluster */

/*
 * A connection to one Ceph cluster as one cephx user: one rados_t, owned by
 * the vrbd_cluster.  Every connection sets client_mount_timeout,
 * rados_mon_op_timeout and rados_osd_op_timeout, so no call hangs on a dead
 * cluster.  A connection needs a monitor address, from @mon_host or from
 * the mon_host of @conf_path: without one it is refused before librados is
 * asked (librados would otherwise look monitors up in DNS).
 */
typedef struct vrbd_cluster vrbd_cluster;

#define VRBD_CLUSTER_OPTS_VERSION 2
typedef struct vrbd_cluster_opts {
    unsigned version;      /* VRBD_CLUSTER_OPTS_VERSION */
    const char *name;      /* label for messages, e.g. "ceph"; NULL: "ceph" */
    const char *conf_path; /* ceph.conf to read, or NULL to read none */
    const char *mon_host;  /* monitor addresses; override conf's */
    const char *user;      /* cephx id without "client.", NULL: "admin" */
    const char *keyring;   /* keyring file, or NULL for conf's */
    unsigned timeout_sec;  /* per-operation timeout; 0: 30 seconds */
    const char *fsid;      /* the fsid the cluster must have; NULL: any */
    /* version 2: */
    unsigned trash_keep_sec; /* removed images stay in the trash this
                              * long; 0: VRBD_TRASH_KEEP_SEC */
} vrbd_cluster_opts;

#define VRBD_DEFAULT_TIMEOUT_SEC 30
/* How long a removed image stays in the trash by default: 7 days. */
#define VRBD_TRASH_KEEP_SEC (7 * 86400)

/*
 * Connect.  A keyring readable by group or others is refused
 * (VRBD_ERR_PERMISSION).  Errors: VRBD_ERR_CONFIG (no monitor address,
 * unreadable conf), VRBD_ERR_PERMISSION (wrong key, keyring mode),
 * VRBD_ERR_TIMEOUT / VRBD_ERR_UNREACHABLE (monitors do not answer).
 */
VRBD_API int vrbd_cluster_connect(const vrbd_cluster_opts *opts,
                                  vrbd_cluster **out);

/* Disconnect and free; NULL is fine.  When the cluster stopped answering
 * during an operation, images of it may still be closing on threads of
 * their own (a close waits out the timeouts of what is in flight): then the
 * connection goes when the last of them has closed, and this returns at
 * once. */
VRBD_API void vrbd_cluster_free(vrbd_cluster *cl);

/* How many images are still closing that way, over all connections.  A
 * program that exits meanwhile leaves by _exit(), not exit(): librados's
 * destructors must not run under those threads. */
VRBD_API unsigned vrbd_closing(void);

/* The label given at connect time.  Borrowed. */
VRBD_API const char *vrbd_cluster_name(const vrbd_cluster *cl);

/* The cephx id connected as, without "client.".  Borrowed. */
VRBD_API const char *vrbd_cluster_user(const vrbd_cluster *cl);

/* The cluster fsid, "xxxxxxxx-xxxx-...".  Borrowed. */
VRBD_API const char *vrbd_cluster_fsid(const vrbd_cluster *cl);

/* How long an image removed to the trash is kept on this cluster: its
 * registry entry's trash_keep, else VRBD_TRASH_KEEP_SEC (7 days). */
VRBD_API unsigned vrbd_cluster_trash_keep(const vrbd_cluster *cl);

typedef struct vrbd_cluster_status {
    char *fsid;
    char *health;         /* "HEALTH_OK", "HEALTH_WARN", "HEALTH_ERR" */
    char **health_checks; /* one "CODE: summary" per failing check */
    size_t n_health_checks;
    char **mon_addrs; /* every monitor, "[v2:ip:port,v1:ip:port]" */
    size_t n_mon_addrs;
    unsigned osds, osds_up, osds_in;
    unsigned pools, pgs, pgs_active_clean;
    uint64_t bytes_used, bytes_avail, bytes_total;
} vrbd_cluster_status;

/* Read the live cluster status (one mon command). */
VRBD_API int vrbd_cluster_status_get(vrbd_cluster *cl,
                                     vrbd_cluster_status **out);
VRBD_API void vrbd_cluster_status_free(vrbd_cluster_status *st);

/* ---------------------------------------------------------------- registry */

/*
 * The registry of clusters this host knows: a directory (default
 * /etc/virt-rbd, or $VIRT_RBD_CONFIG_DIR) holding one small file per
 * cluster, clusters/NAME.conf, and virt-rbd.conf naming the default
 * cluster.  Files are "key = value" lines a person may read and edit; they
 * hold paths and addresses, never keys.  The first cluster added becomes
 * the default.
 */
typedef struct vrbd_registry vrbd_registry;

#define VRBD_DEFAULT_CONFIG_DIR "/etc/virt-rbd"

typedef struct vrbd_cluster_entry {
    char *name;      /* [A-Za-z0-9_-]{1,32} */
    char *fsid;      /* as seen when added */
    char *conf_path; /* ceph.conf, or NULL */
    char *mon_host;  /* monitor addresses, or NULL (then from conf) */
    char *user;      /* cephx id without "client." */
    char *keyring;   /* keyring file, or NULL (then from conf) */
    bool is_default;
    unsigned trash_keep_sec; /* 'vol rm' keeps images in the trash this
                              * long; 0: VRBD_TRASH_KEEP_SEC */
} vrbd_cluster_entry;

/* Whether @name can name a cluster: [A-Za-z0-9_-]{1,32}.  0, or -1 with
 * VRBD_ERR_INVALID naming the bad character. */
VRBD_API int vrbd_cluster_name_check(const char *name);

/* Open the registry in @dir (NULL: $VIRT_RBD_CONFIG_DIR or the default).
 * The directory need not exist until something is added. */
VRBD_API int vrbd_registry_open(const char *dir, vrbd_registry **out);
VRBD_API void vrbd_registry_free(vrbd_registry *reg);
VRBD_API const char *vrbd_registry_dir(const vrbd_registry *reg);

/* Every registered cluster, sorted by name.  Free with
 * vrbd_cluster_entry_list_free().  A file that does not parse fails the
 * listing with VRBD_ERR_CONFIG naming file and line. */
VRBD_API int vrbd_registry_list(vrbd_registry *reg,
                                vrbd_cluster_entry **entries, size_t *n);
VRBD_API void vrbd_cluster_entry_list_free(vrbd_cluster_entry *entries,
                                           size_t n);

/* The entry for @name (NULL: the default cluster).  Free with
 * vrbd_cluster_entry_clear().  VRBD_ERR_NOT_FOUND names the known ones. */
VRBD_API int vrbd_registry_get(vrbd_registry *reg, const char *name,
                               vrbd_cluster_entry *out);
VRBD_API void vrbd_cluster_entry_clear(vrbd_cluster_entry *e);

/* The options (of VRBD_CLUSTER_OPTS_VERSION) that connect to the
 * registered cluster @e (its strings borrowed from @e), its recorded fsid
 * required. */
VRBD_API vrbd_cluster_opts vrbd_cluster_entry_opts(const vrbd_cluster_entry *e,
                                                   unsigned timeout_sec);

/*
 * Register @e: connect to it (which proves monitors and key), record its
 * fsid and write its file atomically.  Refused when the name is taken
 * (VRBD_ERR_EXISTS) or another name has the same fsid.  @e->fsid and
 * @e->is_default are ignored; relative paths are made absolute.  Returns
 * the entry as stored through @stored when it is not NULL.
 */
VRBD_API int vrbd_registry_add(vrbd_registry *reg, const vrbd_cluster_entry *e,
                               unsigned timeout_sec,
                               vrbd_cluster_entry *stored);

/* Forget @name.  When it was the default, the first remaining cluster by
 * name becomes the default; *@new_default (if not NULL) gets its name or
 * NULL.  Caller frees. */
VRBD_API int vrbd_registry_remove(vrbd_registry *reg, const char *name,
                                  char **new_default);

VRBD_API int vrbd_registry_set_default(vrbd_registry *reg, const char *name);

/* Connect to registered cluster @name (NULL: the default). */
VRBD_API int vrbd_registry_connect(vrbd_registry *reg, const char *name,
                                   unsigned timeout_sec, vrbd_cluster **out);

/* ---------------------------------------------------------------- pools */

/*
 * Placement-group planning.  The monitors refuse a pool when
 *   sum over pools (pg_num_target * size) + new_pg_num * new_size
 *     > mon_max_pg_per_osd * num_in_osds
 * with ERANGE; the plan computes the same numbers first, so virt-rbd can
 * refuse in plain words, with the largest count that fits.
 */
typedef struct vrbd_pool_usage {
    char *name;
    unsigned pg_num; /* the target, as the monitors count it */
    unsigned size;
} vrbd_pool_usage;

typedef struct vrbd_pool_plan_input {
    unsigned osds_in;
    unsigned mon_max_pg_per_osd;
    const vrbd_pool_usage *pools; /* the pools that exist */
    size_t n_pools;
    unsigned size;       /* replicas of the new pool */
    double target_ratio; /* share of the cluster's data, (0, 1]; 0: 1 */
} vrbd_pool_plan_input;

typedef struct vrbd_pool_plan {
    unsigned osds_in, mon_max_pg_per_osd, size;
    double target_ratio;
    uint64_t max_pgs;     /* mon_max_pg_per_osd * osds_in */
    uint64_t used_pgs;    /* sum of pg_num * size over existing pools */
    double ideal;         /* 100 * osds_in * target_ratio / size */
    unsigned recommended; /* ideal as a power of two */
    unsigned largest_fit; /* largest power of two that fits; 0: none */
    unsigned pg_num;      /* min(recommended, largest_fit), 0: no room */
} vrbd_pool_plan;

/* Compute a plan from numbers (pure; no cluster needed). */
VRBD_API int vrbd_pool_plan_compute(const vrbd_pool_plan_input *in,
                                    vrbd_pool_plan *out);

/*
 * Whether @pg_num fits @plan.  0, or -1 with VRBD_ERR_INVALID whose
 * message has the monitors' numbers and whose hint names the largest
 * count that fits.
 */
VRBD_API int vrbd_pool_plan_check(const vrbd_pool_plan *plan, const char *pool,
                                  unsigned pg_num);

/* Plan a new pool on the live cluster: reads OSDs in, pools and
 * mon_max_pg_per_osd.  @size 0: the cluster's osd_pool_default_size. */
VRBD_API int vrbd_pool_plan_get(vrbd_cluster *cl, unsigned size,
                                double target_ratio, vrbd_pool_plan *out);

#define VRBD_POOL_CREATE_OPTS_VERSION 1
typedef struct vrbd_pool_create_opts {
    unsigned version;  /* VRBD_POOL_CREATE_OPTS_VERSION */
    unsigned pg_num;   /* 0: as planned */
    unsigned size;     /* 0: the cluster's default */
    unsigned min_size; /* 0: size - size / 2 */
    double target_ratio;
} vrbd_pool_create_opts;

/*
 * Create pool @name for RBD: check the plan, create it (autoscaler off:
 * the count chosen stays), enable the rbd application and initialise it.
 * An existing pool is completed (application, init) and is success;
 * *@created says which.  @plan_out (may be NULL) gets the plan used.
 */
VRBD_API int vrbd_pool_create(vrbd_cluster *cl, const char *name,
                              const vrbd_pool_create_opts *opts, bool *created,
                              vrbd_pool_plan *plan_out);

typedef struct vrbd_pool_info {
    char *name;
    int64_t id;
    unsigned pg_num, size, min_size;
    char *applications; /* comma-separated, "" if none */
    int64_t images;     /* RBD images (default namespace); -1: unknown */
    uint64_t bytes_used;
    uint64_t objects;
    int64_t trashed; /* images in its RBD trash; -1: unknown */
} vrbd_pool_info;

/* Every pool of @cl, sorted by name. */
VRBD_API int vrbd_pool_list(vrbd_cluster *cl, vrbd_pool_info **pools,
                            size_t *n);
VRBD_API void vrbd_pool_info_list_free(vrbd_pool_info *pools, size_t n);

/* Delete @name, which must hold no RBD image (nor any in the trash).
 * VRBD_ERR_BUSY names what is left. */
VRBD_API int vrbd_pool_remove(vrbd_cluster *cl, const char *name);

/* ---------------------------------------------------------------- users */

/*
 * cephx users for RBD clients with the least privilege that works:
 * mon 'profile rbd' and osd 'profile rbd pool=P' per pool (or
 * 'profile rbd-read-only').  Keys leave the cluster only into keyring
 * files of mode 0600 (or libvirt secrets); these functions never return,
 * log or print them.
 */
typedef struct vrbd_user {
    char *entity;   /* "client.libvirt" */
    char *caps_mon; /* NULL when the user has no such cap */
    char *caps_osd;
    char *caps_mgr;
    bool unrestricted; /* some cap is 'allow *' */
} vrbd_user;

/* Check "client.NAME" (NAME: [A-Za-z0-9._-]{1,64}).  -1: INVALID. */
VRBD_API int vrbd_user_name_check(const char *entity);

/* The caps virt-rbd gives a user of @pools; caller frees both. */
VRBD_API void vrbd_user_caps_for(const char *const *pools, size_t n_pools,
                                 bool read_only, char **mon, char **osd);

#define VRBD_USER_CREATE_OPTS_VERSION 1
typedef struct vrbd_user_create_opts {
    unsigned version;         /* VRBD_USER_CREATE_OPTS_VERSION */
    const char *const *pools; /* at least one; each must exist */
    size_t n_pools;
    bool read_only;
    bool update_caps; /* an existing user with other caps gets ours */
} vrbd_user_create_opts;

/*
 * Create @entity with the caps for @opts, or reuse it when its caps are
 * exactly those.  An existing user with other caps is refused, naming
 * them (VRBD_ERR_EXISTS), unless opts->update_caps.  *@created says
 * whether it was made; *@updated whether its caps were changed.
 */
VRBD_API int vrbd_user_create(vrbd_cluster *cl, const char *entity,
                              const vrbd_user_create_opts *opts, bool *created,
                              bool *updated);

/*
 * Make sure @entity may use @pool: create it for that pool, or add the
 * pool to the 'profile rbd pool=...' caps virt-rbd gave it.  A user with
 * 'allow *' is left as it is (with a warning: `doctor` flags it); one with
 * caps of another shape that do not name the pool is refused.
 */
VRBD_API int vrbd_user_grant_pool(vrbd_cluster *cl, const char *entity,
                                  const char *pool, bool *created,
                                  bool *updated);

/* Read @entity's caps (never its key).  Free with vrbd_user_clear(). */
VRBD_API int vrbd_user_get(vrbd_cluster *cl, const char *entity,
                           vrbd_user *out);
VRBD_API void vrbd_user_clear(vrbd_user *u);

/* Every client.* user, sorted. */
VRBD_API int vrbd_user_list(vrbd_cluster *cl, vrbd_user **users, size_t *n);
VRBD_API void vrbd_user_list_free(vrbd_user *users, size_t n);

/* Delete @entity (client.admin is refused). */
VRBD_API int vrbd_user_remove(vrbd_cluster *cl, const char *entity);

/*
 * Write @entity's keyring to @path: created mode 0600 under a temporary
 * name and renamed, so it is never readable by others nor half-written.
 * An existing file is replaced only if @replace.
 */
VRBD_API int vrbd_user_write_keyring(vrbd_cluster *cl, const char *entity,
                                     const char *path, bool replace);

/* Write @entity's keyring to file descriptor @fd (for an explicit
 * --print-keyring; the caller decides that @fd is a fit place). */
VRBD_API int vrbd_user_print_keyring(vrbd_cluster *cl, const char *entity,
                                     int fd);

/* ---------------------------------------------------------------- host */

/*
 * A connection to the libvirt daemon of this host.  libvirt's own error
 * printing is silenced; its errors become the thread's vrbd_error.  As
 * libvirt requires, the program ignores SIGPIPE: else a call after
 * libvirtd restarted kills it instead of failing.
 */
typedef struct vrbd_host vrbd_host;

/* Open @uri (NULL: "qemu:///system"). */
VRBD_API int vrbd_host_open(const char *uri, vrbd_host **out);

/* Open @uri as vrbd_host_open does, but give up after @timeout_sec (0:
 * the default) when libvirtd does not answer: a hung daemon still
 * accepts connections and never replies.  The abandoned attempt finishes
 * (or not) in a thread of its own. */
VRBD_API int vrbd_host_open_within(const char *uri, unsigned timeout_sec,
                                   vrbd_host **out);

/* The host's libvirt host UUID (<host><uuid> of its capabilities): what
 * tells hosts apart, as hostnames may repeat.  Caller frees. */
VRBD_API int vrbd_host_uuid(vrbd_host *host, char **uuid);

/* The name this host goes by in what virt-rbd records about it (the
 * owner of an image): its fleet name once set, else the hostname. */
VRBD_API void vrbd_host_set_label(vrbd_host *host, const char *label);
VRBD_API const char *vrbd_host_label(vrbd_host *host);

/* How long an operation that lost its connection to libvirtd (a restart)
 * tries to open it again before it reports what state it left; 0: the
 * default (VRBD_DEFAULT_TIMEOUT_SEC). */
VRBD_API void vrbd_host_set_timeout(vrbd_host *host, unsigned timeout_sec);
VRBD_API void vrbd_host_free(vrbd_host *host);

/* The URI libvirt reports for this connection.  Borrowed. */
VRBD_API const char *vrbd_host_uri(const vrbd_host *host);

typedef struct vrbd_host_pool {
    char *name;
    char *uuid;
    char *type; /* libvirt pool type: "rbd", "dir", "logical" ... */
    bool active;
    bool autostart;
    bool persistent;
} vrbd_host_pool;

/* Every storage pool libvirt knows, active or not, sorted by name. */
VRBD_API int vrbd_host_pool_list(vrbd_host *host, vrbd_host_pool **pools,
                                 size_t *n_pools);
VRBD_API void vrbd_host_pool_list_free(vrbd_host_pool *pools, size_t n);

/* ---------------------------------------------------------------- secrets */

/*
 * libvirt secrets holding cephx keys.  virt-rbd keeps one secret per
 * (cluster, user), private (libvirt will not give the value back), with a
 * usage name and a UUID both derived from the cluster fsid and the user,
 * so every host converges on the same secret (and the same UUID, which
 * domain XML refers to: migration keeps working).
 */
#define VRBD_SECRET_USAGE_PREFIX "virt-rbd/"

/* "virt-rbd/FSID/client.NAME"; caller frees. */
VRBD_API char *vrbd_secret_usage_name(const char *fsid, const char *entity);

/* The UUID virt-rbd gives that secret ("xxxxxxxx-xxxx-..."); caller
 * frees.  NULL (VRBD_ERR_INVALID) when @fsid is not a UUID. */
VRBD_API char *vrbd_secret_uuid_for(const char *fsid, const char *entity);

/* Secret XML, built with libxml2; caller frees. */
VRBD_API char *vrbd_secret_build_xml(const char *uuid, const char *usage,
                                     const char *description);

typedef struct vrbd_host_secret {
    char uuid[37];
    char *usage;     /* usage name; NULL if the secret has none */
    bool ceph;       /* usage type ceph */
    bool is_private; /* libvirt refuses to give its value */
    bool ephemeral;
    char *fsid;   /* parsed from a virt-rbd usage name, else NULL */
    char *entity; /* likewise */
} vrbd_host_secret;

/* Every secret of type ceph on the host, sorted by usage. */
VRBD_API int vrbd_host_secret_list(vrbd_host *host, vrbd_host_secret **out,
                                   size_t *n);
VRBD_API void vrbd_host_secret_list_free(vrbd_host_secret *s, size_t n);

/*
 * Make sure the host has the secret for @entity of @cl holding its current
 * key: fetched from the monitors and handed to libvirt through the API
 * only (never argv, files or logs).  An existing secret with the same
 * usage is reused; a different secret holding the UUID we would use is a
 * clash (VRBD_ERR_EXISTS).  *@uuid_out gets the UUID (caller frees);
 * *@created whether a new secret was defined (the caller's rollback needs
 * it; set on failure too, and a secret made here has the UUID of
 * vrbd_secret_uuid_for()).
 */
VRBD_API int vrbd_host_secret_ensure(vrbd_host *host, vrbd_cluster *cl,
                                     const char *entity, char **uuid_out,
                                     bool *created);

/* Undefine the secret @uuid; a missing one is not an error. */
VRBD_API int vrbd_host_secret_remove(vrbd_host *host, const char *uuid);

/* ---------------------------------------------------------------- fleet */

/*
 * The fleet: the libvirt hosts that share the registered clusters, one
 * file each under the registry's hosts/ directory.  A host is known by
 * its libvirt host UUID, recorded when it is added.
 */
typedef struct vrbd_fleet_host {
    char *name;
    char *uri;     /* libvirt URI, valid from every host (migration) */
    char *uuid;    /* libvirt host UUID */
    char *address; /* where QEMU's migration stream goes, or NULL */
} vrbd_fleet_host;

VRBD_API void vrbd_fleet_host_clear(vrbd_fleet_host *h);
VRBD_API void vrbd_fleet_host_list_free(vrbd_fleet_host *h, size_t n);

/* A valid host name: letters, digits, '_', '-' and '.'; 0 or -1. */
VRBD_API int vrbd_host_name_check(const char *name);

/* Every registered host, sorted by name. */
VRBD_API int vrbd_fleet_list(vrbd_registry *reg, vrbd_fleet_host **out,
                             size_t *n);
VRBD_API int vrbd_fleet_get(vrbd_registry *reg, const char *name,
                            vrbd_fleet_host *out);

/* Register @h (name, uri, address): its UUID is read from the host,
 * which must answer within @timeout_sec; a name or UUID registered
 * already is refused.  *@stored (may be NULL) gets what was written. */
VRBD_API int vrbd_fleet_add(vrbd_registry *reg, const vrbd_fleet_host *h,
                            unsigned timeout_sec, vrbd_fleet_host *stored);
VRBD_API int vrbd_fleet_remove(vrbd_registry *reg, const char *name);

/* Open registered host @name within @timeout_sec, labelled with its
 * name, after checking that it still has the recorded UUID. */
VRBD_API int vrbd_fleet_open(vrbd_registry *reg, const char *name,
                             unsigned timeout_sec, vrbd_host **out);

/* The name of the registered host that @host is (same URI, or same host
 * UUID), or NULL (none; no fleet registered costs no call to libvirt);
 * caller frees. */
VRBD_API char *vrbd_fleet_name_of(vrbd_registry *reg, vrbd_host *host);

/* One way a host differs from the rest of the fleet. */
typedef struct vrbd_fleet_drift {
    char *kind;    /* "pool", "inactive", "secret", "monitors", "uuid" */
    char *pool;    /* libvirt pool, or NULL */
    char *cluster; /* registered cluster name, or its fsid, or NULL */
    char *detail;  /* what differs, one line */
} vrbd_fleet_drift;

typedef struct vrbd_fleet_status {
    char *name, *uri, *uuid; /* as registered */
    bool reachable;
    char *error;          /* why not, when not */
    int running, defined; /* domains; -1 when unreachable */
    char *fenced;         /* VMs whose recovery fenced it, or NULL */
    vrbd_fleet_drift *drift;
    size_t n_drift;
} vrbd_fleet_status;

/*
 * Probe every registered host at once, each bounded by @timeout_sec, and
 * compare them: a pool that some host has (same cluster and Ceph pool)
 * and another lacks or has inactive, a pool whose secret is missing, a
 * monitor list that differs from the cluster's current one (when the
 * cluster is registered and answers), a host UUID that changed.
 */
VRBD_API int vrbd_fleet_status_get(vrbd_registry *reg, unsigned timeout_sec,
                                   vrbd_fleet_status **out, size_t *n);
VRBD_API void vrbd_fleet_status_list_free(vrbd_fleet_status *s, size_t n);

/* ---------------------------------------------------------------- rbd pools */

typedef struct vrbd_rbd_pool_spec {
    const char *name;         /* libvirt pool name */
    const char *pool;         /* Ceph pool */
    const char *nspace;       /* RBD namespace, or NULL */
    const char *const *hosts; /* monitors, "ip:port" or "[ip6]:port" */
    size_t n_hosts;
    const char *user; /* cephx id without "client." */
    const char *secret_uuid;
} vrbd_rbd_pool_spec;

/*
 * RBD storage pool XML: every monitor, the ceph secret, and a refresh
 * that takes volume allocation from capacity, so refreshing a pool of
 * thousands of images does not open each one.  Caller frees.
 */
VRBD_API char *vrbd_rbd_pool_build_xml(const vrbd_rbd_pool_spec *spec);

typedef struct vrbd_host_rbd_pool {
    char *name; /* libvirt pool */
    char *uuid;
    bool active, autostart, persistent;
    char *pool; /* Ceph pool */
    char *nspace;
    char **hosts; /* NULL-terminated */
    char *user;   /* auth username */
    char *secret_uuid;
    char *fsid;      /* from the secret's virt-rbd usage, or NULL */
    int64_t volumes; /* -1 when inactive */
} vrbd_host_rbd_pool;

/* Every RBD storage pool libvirt knows, sorted by name. */
VRBD_API int vrbd_host_rbd_pool_list(vrbd_host *host, vrbd_host_rbd_pool **out,
                                     size_t *n);
VRBD_API void vrbd_host_rbd_pool_list_free(vrbd_host_rbd_pool *p, size_t n);

#define VRBD_HOST_CONNECT_OPTS_VERSION 1
typedef struct vrbd_host_connect_opts {
    unsigned version;         /* VRBD_HOST_CONNECT_OPTS_VERSION */
    const char *pool;         /* Ceph pool (must exist) */
    const char *entity;       /* NULL: "client.libvirt" */
    const char *name;         /* libvirt pool; NULL: "CLUSTER-POOL" */
    const char *cluster_name; /* for the default name; NULL: cl's name */
} vrbd_host_connect_opts;

typedef struct vrbd_host_connect_result {
    char name[256]; /* libvirt pool name */
    char secret_uuid[37];
    bool user_created, user_updated;
    bool secret_created;
    bool pool_defined; /* false: it existed already */
    bool pool_started; /* false: it was active already */
} vrbd_host_connect_result;

/*
 * Connect this host to a Ceph pool: a least-privilege user for it (made,
 * or extended by this pool), its key in a private libvirt secret, and an
 * RBD storage pool listing every current monitor, started and marked
 * autostart.  Idempotent.  On failure, what this call created is removed.
 */
VRBD_API int vrbd_host_connect(vrbd_host *host, vrbd_cluster *cl,
                               const vrbd_host_connect_opts *opts,
                               vrbd_host_connect_result *res);

/* Refresh the active libvirt RBD pools of Ceph pool @pool on cluster
 * @fsid, so images made or removed through librbd show at once.  Returns
 * how many were refreshed, or -1. */
VRBD_API int vrbd_host_refresh_pools_of(vrbd_host *host, const char *fsid,
                                        const char *pool);

/* The running domains with a disk whose RBD source is "pool[/ns]/image",
 * with the disk's target ("vda"): two NULL-terminated arrays of the same
 * length.  Caller frees. */
VRBD_API int vrbd_host_domains_with_image(vrbd_host *host, const char *name,
                                          char ***domains, char ***targets);

/* Tell running domain @domain that its disk @target grew to @bytes. */
VRBD_API int vrbd_host_block_resize(vrbd_host *host, const char *domain,
                                    const char *target, uint64_t bytes);

/* The names of the defined domains with a disk in RBD pool @pool whose
 * auth secret is @secret_uuid (NULL: any).  NULL-terminated; caller frees
 * each and the array. */
VRBD_API int vrbd_host_domains_using(vrbd_host *host, const char *pool,
                                     const char *secret_uuid, char ***names);

/*
 * Undo vrbd_host_connect for libvirt pool @name: refused (VRBD_ERR_BUSY,
 * naming them) while a defined domain uses its images; stops and
 * undefines the pool, and undefines its secret when nothing else uses it.
 * *@secret_removed says whether it did.
 */
VRBD_API int vrbd_host_disconnect(vrbd_host *host, const char *name,
                                  bool *secret_removed);

typedef struct vrbd_refresh_result {
    char **pools;   /* libvirt pools rewritten; NULL-terminated */
    char **domains; /* domains whose definition was rewritten */
    char **running; /* of those, the running ones: their live
                     * disks keep the old list until restarted */
} vrbd_refresh_result;

/*
 * After the monitors of @cl changed: rewrite the <host> list of every RBD
 * pool of that cluster (restarting the active ones so they use it) and of
 * every domain disk that points at it (the persistent definition; domains
 * are recognised by the cluster's secret).  Only definitions whose list
 * differs are touched.
 */
VRBD_API int vrbd_host_refresh_mons(vrbd_host *host, vrbd_cluster *cl,
                                    vrbd_refresh_result *res);
VRBD_API void vrbd_refresh_result_clear(vrbd_refresh_result *res);

typedef enum {
    VRBD_ENSURE_ACTIVE = 0, /* was active already */
    VRBD_ENSURE_STARTED,    /* started by this call */
    VRBD_ENSURE_FAILED,     /* could not be started in time */
} vrbd_ensure_state;

typedef struct vrbd_ensure_item {
    char *name;    /* libvirt pool, or domain with is_domain */
    char *cluster; /* registry name, or the fsid when unregistered */
    bool is_domain;
    vrbd_ensure_state state;
    double seconds; /* time waited for it */
    char *message;  /* why it failed, or NULL */
} vrbd_ensure_item;

#define VRBD_ENSURE_OPTS_VERSION 1
typedef struct vrbd_ensure_opts {
    unsigned version;   /* VRBD_ENSURE_OPTS_VERSION */
    unsigned wait_sec;  /* give up after this long in all; 0: one try */
    bool start_domains; /* then start inactive autostart domains whose
                         * RBD disks are all in active pools */
    vrbd_registry *reg; /* to probe clusters quickly; may be NULL */
} vrbd_ensure_opts;

/*
 * Bring up every RBD pool virt-rbd manages (those whose secret is one of
 * ours) that is not active: wait, with backoff and within opts->wait_sec,
 * until its cluster answers, then start and refresh it.  This is what
 * libvirt's own autostart does once at boot and never again, so a pool
 * whose cluster came up later stays inactive.  One item per pool (and per
 * domain started) is returned; the call fails only when libvirt cannot
 * be used at all.
 */
VRBD_API int vrbd_host_ensure(vrbd_host *host, const vrbd_ensure_opts *opts,
                              vrbd_ensure_item **items, size_t *n);
VRBD_API void vrbd_ensure_item_list_free(vrbd_ensure_item *items, size_t n);

/* ---------------------------------------------------------------- volumes */

/*
 * RBD images ("volumes"), through librbd.  Every function takes a parsed
 * spec; the cluster in it is the caller's business (it picked @cl).
 */
#define VRBD_FEATURES_DEFAULT_NAMES                                            \
    "layering,exclusive-lock,object-map,fast-diff,deep-flatten"

/* Parse "layering,exclusive-lock,..." into librbd feature bits, checking
 * their dependencies.  -1: INVALID naming the bad one. */
VRBD_API int vrbd_features_parse(const char *text, uint64_t *bits);

/* The names of @bits, comma-separated; caller frees. */
VRBD_API char *vrbd_features_format(uint64_t bits);

#define VRBD_VOLUME_CREATE_OPTS_VERSION 1
typedef struct vrbd_volume_create_opts {
    unsigned version; /* VRBD_VOLUME_CREATE_OPTS_VERSION */
    uint64_t size;
    uint64_t object_size;  /* power of two, 4 KiB .. 32 MiB; 0: 4 MiB */
    uint64_t features;     /* 0: VRBD_FEATURES_DEFAULT_NAMES */
    const char *data_pool; /* erasure-coded data pool, or NULL */
} vrbd_volume_create_opts;

/* Create a format 2 image.  VRBD_ERR_EXISTS if the name is taken. */
VRBD_API int vrbd_volume_create(vrbd_cluster *cl, const vrbd_spec *spec,
                                const vrbd_volume_create_opts *opts);

typedef struct vrbd_snap {
    uint64_t id;
    char *name;
    uint64_t size;
    bool is_protected;
    int64_t timestamp;
    char **children; /* "pool[/ns]/image", NULL-terminated */
} vrbd_snap;

typedef struct vrbd_watcher {
    char *addr; /* "127.0.0.1:0/2425040214" */
    int64_t client_id;
    uint64_t cookie;
} vrbd_watcher;

#define VRBD_UNKNOWN UINT64_MAX

typedef struct vrbd_volume_info {
    char *name;
    char *pool;
    char *nspace; /* NULL: default namespace */
    uint64_t size;
    uint64_t used; /* bytes allocated, VRBD_UNKNOWN if not known */
    uint64_t object_size;
    int order;
    uint64_t objects;
    char *id;
    char *block_name_prefix;
    int format;
    uint64_t features;
    uint64_t op_features;
    uint64_t flags;
    char *data_pool; /* NULL when none */
    char *parent;    /* "pool[/ns]/image@snap", NULL when none */
    int64_t created, modified, accessed; /* seconds since the epoch */
    vrbd_snap *snaps;
    size_t n_snaps;
    bool any_protected;
    size_t n_children; /* over all snapshots */
    vrbd_watcher *watchers;
    size_t n_watchers;
    char **lock_owners; /* exclusive lock owners, NULL-terminated */
    char *owner;        /* the virt-rbd.owner metadata, or NULL */
    bool error;         /* listing: the image could not be read */
    bool removing;      /* listing: a removal of it was interrupted (a
                         * killed run, a cluster that stopped answering);
                         * vrbd_volume_remove() finishes it */
} vrbd_volume_info;

/* Everything about one image (or one of its snapshots with spec->snap). */
VRBD_API int vrbd_volume_info_get(vrbd_cluster *cl, const vrbd_spec *spec,
                                  vrbd_volume_info **out);
VRBD_API void vrbd_volume_info_free(vrbd_volume_info *info);

/*
 * The images of a pool (or namespace), sorted.  Without @details only the
 * names are filled (one rbd_list2 call); with it every image's header is
 * read, @jobs images at a time (0: 16), for size, order, objects, id,
 * block name prefix, features, flags, used bytes (when fast-diff is
 * valid), parent, format, protection, lock and watchers, and the owner
 * metadata; an image its header cannot answer for is opened read-only
 * instead.  The snapshots themselves, op features, times and data pool
 * are vrbd_volume_info_get()'s.  Images that vanish meanwhile are skipped.
 * Free with vrbd_volume_info_list_free().
 */
VRBD_API int vrbd_volume_list(vrbd_cluster *cl, const char *pool,
                              const char *nspace, bool details, unsigned jobs,
                              vrbd_volume_info **out, size_t *n);
VRBD_API void vrbd_volume_info_list_free(vrbd_volume_info *list, size_t n);

/* A temporary image an import or a copy left: it did not finish (killed,
 * or the cluster stopped answering), or it is still running. */
typedef struct vrbd_partial {
    char *name;       /* the temporary image (".virt-rbd-import.IMAGE.PID") */
    char *image;      /* the image it was to become */
    const char *what; /* "import" or "copy" */
    uint64_t size;
    uint64_t done;   /* bytes written, as its mark says; VRBD_UNKNOWN if not */
    int64_t created; /* seconds since the epoch, 0 when not known */
    bool running;    /* open elsewhere: a run goes on, or was killed less
                        than osd_client_watch_timeout ago */
} vrbd_partial;

/* The temporary images of imports and copies in a pool (or namespace),
 * sorted by name; free with vrbd_partial_list_free(). */
VRBD_API int vrbd_partial_list(vrbd_cluster *cl, const char *pool,
                               const char *nspace, vrbd_partial **out,
                               size_t *n);
VRBD_API void vrbd_partial_list_free(vrbd_partial *list, size_t n);

/* One sentence on @p (in @pool, @nspace or NULL, of the cluster named
 * @cluster): what it is, how far it got, how old it is, and the commands
 * that continue or remove it; free(). */
VRBD_API char *vrbd_partial_describe(const vrbd_partial *p, const char *cluster,
                                     const char *pool, const char *nspace);

/* Resize; shrinking needs @allow_shrink (VRBD_ERR_INVALID otherwise). */
VRBD_API int vrbd_volume_resize(vrbd_cluster *cl, const vrbd_spec *spec,
                                uint64_t size, bool allow_shrink);

/*
 * Snapshot spec->snap of image spec->image (@spec names both).  Each
 * refusal names what is in the way: creating a snapshot that exists
 * (VRBD_ERR_EXISTS); any other verb on one that does not
 * (VRBD_ERR_NOT_FOUND); removing a protected snapshot or one with clones,
 * unprotecting one with clones, and rolling back an image in use (it has
 * watchers) (VRBD_ERR_BUSY).  Protecting a protected snapshot and
 * unprotecting an unprotected one succeed.
 */
VRBD_API int vrbd_snap_create(vrbd_cluster *cl, const vrbd_spec *spec);
VRBD_API int vrbd_snap_remove(vrbd_cluster *cl, const vrbd_spec *spec);
/* vrbd_snap_remove() refuses a snapshot that is the base of the next
 * backup to a target (vrbd_backup_vm()): this removes it all the same,
 * and that backup then copies everything. */
VRBD_API int vrbd_snap_remove_forced(vrbd_cluster *cl, const vrbd_spec *spec);
VRBD_API int vrbd_snap_rollback(vrbd_cluster *cl, const vrbd_spec *spec);
VRBD_API int vrbd_snap_protect(vrbd_cluster *cl, const vrbd_spec *spec);
VRBD_API int vrbd_snap_unprotect(vrbd_cluster *cl, const vrbd_spec *spec);

#define VRBD_CLONE_OPTS_VERSION 1
typedef struct vrbd_clone_opts {
    unsigned version;     /* VRBD_CLONE_OPTS_VERSION */
    bool snap_if_missing; /* create and protect the source snapshot */
    bool flatten;         /* copy the parent's data: no parent left */
    unsigned max_depth;   /* flatten when the chain gets deeper; 0: 5 */
} vrbd_clone_opts;

typedef struct vrbd_clone_result {
    unsigned depth; /* parents above the new image, after flattening */
    bool flattened; /* because asked or past max_depth */
    bool snap_created;
    bool clone_v1; /* the cluster refused v2: the snapshot got
                    * protected for a v1 clone */
} vrbd_clone_result;

/* Clone @src (with @SNAP) to @dst on the same cluster: a layered image
 * (clone v2 where the cluster allows, so protection is optional). */
VRBD_API int vrbd_volume_clone(vrbd_cluster *cl, const vrbd_spec *src,
                               const vrbd_spec *dst,
                               const vrbd_clone_opts *opts,
                               vrbd_clone_result *res);

/* Copy the parent's data into @spec, so it stands alone. */
VRBD_API int vrbd_volume_flatten(vrbd_cluster *cl, const vrbd_spec *spec);

typedef struct vrbd_holder {
    char *addr;        /* watcher address */
    int64_t client_id; /* client.N */
    bool local;        /* the address is this host's */
    char *domain;      /* the libvirt domain holding it, or NULL */
    char *advice;      /* what to do about it */
    char *rbd_mirror;  /* an rbd-mirror daemon's own client, no user of the
                        * image: who ("rbd-mirror daemon of cluster
                        * 'zdata'"); NULL for every other client */
} vrbd_holder;

/*
 * Who holds an image open: each watcher, mapped to the running libvirt
 * domain on this host whose disk is this image (@host may be NULL: no
 * mapping), to a local process that is no domain, or to a remote host,
 * with the owner recorded in the image's metadata, and advice.  The
 * watch of an rbd-mirror daemon on a mirrored image (this cluster's on a
 * non-primary copy, a peer site's on a primary) is listed with
 * rbd_mirror set: it is no user, and the refusals below ignore it.
 */
VRBD_API int vrbd_volume_who(vrbd_host *host, vrbd_cluster *cl,
                             const vrbd_spec *spec, vrbd_holder **out,
                             size_t *n, char **owner);
VRBD_API void vrbd_holder_list_free(vrbd_holder *h, size_t n);

#define VRBD_REMOVE_OPTS_VERSION 2
typedef struct vrbd_remove_opts {
    unsigned version; /* VRBD_REMOVE_OPTS_VERSION */
    bool force;       /* also remove the image's unprotected snapshots */
    bool trash;       /* move to the RBD trash instead of deleting */
    /* version 2: */
    uint64_t keep_sec; /* trash: kept this long before 'purge --expired'
                        * removes it; 0: vrbd_cluster_trash_keep() */
    const char *by;    /* trash: the command, recorded with the image
                        * (virt-rbd.removed: "vol rm"); NULL: "vrbd" */
} vrbd_remove_opts;

/*
 * Remove an image.  Refused while it has watchers other than rbd-mirror's
 * (the error names the holders, see vrbd_volume_who), children, protected
 * snapshots, or any snapshot without opts->force, and while mirroring is
 * enabled on it (removing a primary would remove the peer site's copy
 * too; a non-primary copy is rbd-mirror's).  With @host, its libvirt pools for
 * that Ceph pool are refreshed afterwards.
 */
VRBD_API int vrbd_volume_remove(vrbd_host *host, vrbd_cluster *cl,
                                const vrbd_spec *spec,
                                const vrbd_remove_opts *opts);

/* ------------------------------------------------------------------ trash */

/*
 * The RBD trash of a pool: images removed by 'vol rm' (and 'vm rm
 * --disks') stay there, whole with their snapshots, until they expire and
 * a purge removes them; until then they come back by name.  A clone v2
 * whose parent went to the trash keeps reading from it.
 */
typedef struct vrbd_trash_entry {
    char *id;        /* the image id: restore and purge by it */
    char *name;      /* the name it had */
    char *source;    /* librbd's: "user" (removed), "mirroring",
                      * "migration", "user_parent" */
    char *by;        /* the command that removed it ("vol rm", "vm rm"),
                      * NULL when not virt-rbd */
    char *domain;    /* 'vm rm --disks': the VM it was a disk of */
    int64_t deleted; /* when it went to the trash (Unix time) */
    int64_t expires; /* when its keep time ends (Unix time) */
    uint64_t size;   /* VRBD_UNKNOWN when it does not open */
    size_t n_snaps;
} vrbd_trash_entry;

/* The trash of @pool (@nspace may be NULL), oldest first. */
VRBD_API int vrbd_trash_list(vrbd_cluster *cl, const char *pool,
                             const char *nspace, vrbd_trash_entry **out,
                             size_t *n);
VRBD_API void vrbd_trash_entry_list_free(vrbd_trash_entry *e, size_t n);

/*
 * Bring @spec->image back from the trash of its pool: the entry of that
 * name (refused when several have it: pick one with @id), or the one of
 * @id.  It comes back as @as (NULL: its own name); refused when that name
 * is taken.  Only images removed by a user come back (not rbd-mirror's
 * or a migration's own entries).
 * With @host, its libvirt pools for that Ceph pool are refreshed.  The
 * name it came back as is set in *@restored (free()).
 */
VRBD_API int vrbd_trash_restore(vrbd_host *host, vrbd_cluster *cl,
                                const vrbd_spec *spec, const char *id,
                                const char *as, char **restored);

typedef struct vrbd_trash_purge_result {
    size_t removed; /* images deleted */
    size_t kept;    /* not expired yet (expired_only) */
    char **skipped; /* NULL-terminated: "NAME (ID): why" of each left */
} vrbd_trash_purge_result;
VRBD_API void vrbd_trash_purge_result_clear(vrbd_trash_purge_result *r);

/*
 * Delete what is in @pool's trash for good (with @expired_only, only the
 * entries whose keep time has ended), snapshots first.  An image a clone
 * still reads from, and mirroring's or migration's own entries, are left
 * and listed in res->skipped with why.  Each removal is bounded as in
 * vrbd_volume_remove.
 */
VRBD_API int vrbd_trash_purge(vrbd_host *host, vrbd_cluster *cl,
                              const char *pool, const char *nspace,
                              bool expired_only, vrbd_trash_purge_result *res);

/* ---------------------------------------------------------------- fencing */

/*
 * Fencing: making sure a client that lost an image (a hung host's QEMU)
 * can never write to it again, before the image is used elsewhere.  The
 * client's address is put on the cluster's OSD blocklist (the OSDs then
 * refuse every request of that client instance), and the image's
 * exclusive lock is broken so a new client can take it.  The monitors
 * allow adding to the blocklist to mon 'profile rbd' (the addresses of
 * single clients only); removing needs mon 'allow command "osd blocklist"'
 * (or 'allow rw').
 */

/* A client of an image: a watch on its header, its exclusive lock, or
 * both, merged by address. */
typedef struct vrbd_image_client {
    char *addr;        /* "127.0.0.1:0/2425040214" */
    int64_t client_id; /* N of client.N; -1 when not known */
    bool watcher;      /* it has a watch on the image */
    bool lock_owner;   /* it holds the image's lock */
    char *lock_cookie; /* that lock's cookie ("auto 1397..."), or NULL */
    char *rbd_mirror;  /* an rbd-mirror daemon (see vrbd_holder), or NULL */
} vrbd_image_client;

/*
 * Every client of image @spec: its watchers (rbd_watchers_list) and the
 * holders of its lock (rbd_list_lockers: the exclusive lock librbd
 * manages, and advisory locks), one entry per address, sorted by it.  The
 * image is opened read-only, so this process is no client (nor listed).
 * Free with vrbd_image_client_list_free().
 */
VRBD_API int vrbd_image_clients(vrbd_cluster *cl, const vrbd_spec *spec,
                                vrbd_image_client **out, size_t *n);
VRBD_API void vrbd_image_client_list_free(vrbd_image_client *list, size_t n);

#define VRBD_FENCE_DEFAULT_EXPIRE_SEC 3600
#define VRBD_FENCE_OPTS_VERSION 1
typedef struct vrbd_fence_opts {
    unsigned version;    /* VRBD_FENCE_OPTS_VERSION */
    unsigned expire_sec; /* how long the blocklist holds; 0: 3600 */
    const char *reason;  /* recorded with the fence; NULL: none */
} vrbd_fence_opts;

/* One client fenced: one per image and address. */
typedef struct vrbd_fenced {
    char *image; /* "pool[/ns]/image" */
    char *addr;
    int64_t client_id; /* -1 when not known */
    bool lock_broken;  /* its lock on the image was broken */
    char *rbd_mirror;  /* in spared: which rbd-mirror daemon it is */
} vrbd_fenced;

typedef struct vrbd_fence_result {
    vrbd_fenced *fenced; /* empty: no image had a client */
    size_t n_fenced;
    vrbd_fenced *spared; /* rbd-mirror's own clients, left alone */
    size_t n_spared;
    int64_t at, until; /* seconds since the epoch */
} vrbd_fence_result;

/*
 * Fence every client of the @n images @specs (all of @cl): each client's
 * address is blocklisted for opts->expire_sec ("osd blocklist add", once
 * per address), this client waits for the OSD map that says so, then each
 * image's locks are broken and the fence is recorded in its metadata
 * (key "virt-rbd.fence": {"addrs", "at", "until", "expire", "reason"}).
 * An image without clients is left as it is (nothing in *@res for it).
 * This process's own address, and an address without a client nonce
 * (which would fence a whole host), are never blocklisted; nor is an
 * rbd-mirror daemon (see vrbd_volume_who): fencing it would stop the
 * replication of every image it serves, and it writes no primary image
 * (a non-primary copy cannot be written by a VM); those are in spared.  A
 * missing image fails the whole call before anything is fenced (NOT_FOUND); a
 * user the monitors refuse fails with VRBD_ERR_PERMISSION naming the cap
 * it lacks.  Clear *@res with vrbd_fence_result_clear().
 */
VRBD_API int vrbd_fence(vrbd_cluster *cl, const vrbd_spec *specs, size_t n,
                        const vrbd_fence_opts *opts, vrbd_fence_result *res);
VRBD_API void vrbd_fence_result_clear(vrbd_fence_result *res);

/* The metadata key a fence is recorded under. */
#define VRBD_FENCE_KEY "virt-rbd.fence"

/* An entry of the OSD blocklist. */
typedef struct vrbd_blocklist_entry {
    char *addr;
    int64_t until; /* seconds since the epoch */
} vrbd_blocklist_entry;

/* The cluster's OSD blocklist ("osd blocklist ls"), sorted by address;
 * free with vrbd_blocklist_entry_list_free(). */
VRBD_API int vrbd_blocklist_list(vrbd_cluster *cl, vrbd_blocklist_entry **out,
                                 size_t *n);
VRBD_API void vrbd_blocklist_entry_list_free(vrbd_blocklist_entry *list,
                                             size_t n);

/*
 * Lift the blocklist entries of the @n addresses @addrs ("osd blocklist
 * rm"); an address that is not listed is skipped.  *@removed (may be
 * NULL) counts those that were.  A client instance that was blocklisted
 * stays unusable even then (librados gives up on it): a new one works.
 */
VRBD_API int vrbd_unfence(vrbd_cluster *cl, const char *const *addrs, size_t n,
                          size_t *removed);

/* ---------------------------------------------------------------- dr */

/*
 * Two registered clusters as a disaster-recovery pair: a pool and the pool
 * of the same name on the other cluster, replicated by Ceph's rbd-mirror
 * daemon (snapshot-based mirroring; one daemon per cluster, which libvrbd
 * does not start).  Every Ceph call is bounded by opts->timeout_sec.
 */
#define VRBD_DR_OPTS_VERSION 1
typedef struct vrbd_dr_opts {
    unsigned version;     /* VRBD_DR_OPTS_VERSION */
    unsigned timeout_sec; /* each cluster's; 0: VRBD_DEFAULT_TIMEOUT_SEC */
    /* vrbd_dr_pair(): how long to wait for an rbd-mirror daemon that runs
     * to lead the pool on each side; 0: VRBD_DR_DAEMON_WAIT_SEC */
    unsigned daemon_wait_sec;
} vrbd_dr_opts;

/* longer than a daemon's scan for new pools (30 s by default) */
#define VRBD_DR_DAEMON_WAIT_SEC 45

typedef enum {
    VRBD_DR_HEALTH_OK = 0,
    VRBD_DR_HEALTH_WARNING,
    VRBD_DR_HEALTH_ERROR,
} vrbd_dr_health;

/* "ok", "warning", "error".  Static storage. */
VRBD_API const char *vrbd_dr_health_name(vrbd_dr_health h);

/* A mirror peer registered on a pool (rbd_mirror_peer_site_list). */
typedef struct vrbd_dr_peer {
    char *uuid;
    char *site_name;       /* the other cluster's site name */
    char *client_name;     /* "client.rbd-mirror-peer" */
    char *mirror_uuid;     /* "" until its daemon has met it */
    const char *direction; /* "rx-only", "tx-only", "rx-tx"; static */
    int64_t last_seen;     /* seconds since the epoch, 0: never */
} vrbd_dr_peer;

/* An rbd-mirror daemon in a cluster's service map, and how it reports for
 * one pool. */
typedef struct vrbd_dr_daemon {
    char *service_id; /* its gid in the service map */
    char *id;         /* its cephx id after "rbd-mirror." */
    char *hostname;
    char *instance_id; /* NULL when it does not report for the pool */
    bool reporting;    /* it reports status for the pool */
    bool leader;       /* it leads the pool's replication */
    vrbd_dr_health health;
    char **callouts; /* NULL-terminated, or NULL: none */
} vrbd_dr_daemon;

/* One side of a pair: a pool of one cluster. */
typedef struct vrbd_dr_side {
    char *cluster;   /* registered name; NULL when no registered cluster
                        has the site */
    char *fsid;      /* NULL unless read */
    char *pool;      /* NULL unless read */
    char *mode;      /* "disabled", "image", "pool"; NULL unless read */
    char *site_name; /* the cluster's mirror site name */
    vrbd_dr_peer *peers;
    size_t n_peers;
    vrbd_dr_daemon *daemons;
    size_t n_daemons;
    /* ERROR when no daemon reports for the pool, WARNING when none leads
     * it, else the worst daemon's */
    vrbd_dr_health daemon_health;
    char *error; /* why the side could not be read, or NULL */
} vrbd_dr_side;
VRBD_API void vrbd_dr_side_clear(vrbd_dr_side *s);

typedef struct vrbd_dr_pair_result {
    vrbd_dr_side sides[2]; /* the two pools as given, after pairing */
    char **changes;  /* what this call changed, NULL-terminated; NULL: none */
    char **warnings; /* NULL-terminated; NULL: none (e.g. a side without a
                        daemon reporting for the pool) */
} vrbd_dr_pair_result;

/*
 * Pair pool @a with pool @b (each [CLUSTER:]POOL of a registered cluster,
 * VRBD_SPEC_POOL, no namespace): refused (INVALID) when the pools' names
 * differ (rbd-mirror replicates a pool to the pool of the same name) or
 * both are on one cluster.  Each cluster without a mirror site name gets
 * its registered name as one; each pool gets mirror mode image (a pool in
 * pool mode is refused, EXISTS); then a bootstrap token made on @a's
 * cluster is imported rx-tx on @b's, which registers each pool as the
 * other's peer.  The token holds a cephx key: it is never logged, written
 * or passed on.  Idempotent: what is already so is left as it is, and
 * res->changes says what was done (NULL: nothing).  Then, where an
 * rbd-mirror daemon runs but does not lead the pool yet, it waits for one
 * to (opts->daemon_wait_sec).  A side where no daemon reports for the
 * pool is no failure: res->warnings names it and how to start one.  Clear @res
 * with vrbd_dr_pair_result_clear().
 */
VRBD_API int vrbd_dr_pair(vrbd_registry *reg, const vrbd_spec *a,
                          const vrbd_spec *b, const vrbd_dr_opts *opts,
                          vrbd_dr_pair_result *res);
VRBD_API void vrbd_dr_pair_result_clear(vrbd_dr_pair_result *res);

/* One site's view of a mirrored image (rbd_mirror_image_site_status_t). */
typedef struct vrbd_dr_image_site {
    char *site_name;
    bool up;             /* a daemon of that site reports for the image */
    char *state;         /* "unknown", "error", "syncing", "starting_replay",
                            "replaying", "stopping_replay", "stopped" */
    char *description;   /* the daemon's words, e.g. "local image is
                            primary", "replaying, {...}" */
    int64_t last_update; /* seconds since the epoch */
    /* a replaying site: when the last mirror snapshot it holds in full was
     * taken on the primary (the recovery point), 0 when not said */
    int64_t replayed_at;
} vrbd_dr_image_site;

typedef struct vrbd_dr_image {
    char *name;
    char *id;        /* the image's id in the pool */
    char *global_id; /* the same on every site */
    char *mode;      /* "snapshot", "journal" */
    char *state;     /* "enabled", "disabling", "disabled" */
    bool primary;    /* primary on the side asked */
    vrbd_dr_image_site *sites;
    size_t n_sites;
} vrbd_dr_image;

typedef struct vrbd_dr_status {
    /* [0]: the pool asked for; then, per peer of it, the registered
     * cluster with that site name and its pool of the same name */
    vrbd_dr_side *sides;
    size_t n_sides;
    /* [0] has peers, and each peer side is read, mirrors, and lists [0]
     * as its peer */
    bool paired;
    vrbd_dr_image *images; /* every mirrored image of sides[0], by name */
    size_t n_images;
} vrbd_dr_status;

/*
 * The state of pool @pool's mirroring ([CLUSTER:]POOL, no namespace): both
 * sides (peer sides found among the registered clusters by site name; one
 * that cannot be found or read has its error set, and is no failure), each
 * side's daemons, and every mirrored image's status per site.  Free with
 * vrbd_dr_status_free().
 */
VRBD_API int vrbd_dr_status_get(vrbd_registry *reg, const vrbd_spec *pool,
                                const vrbd_dr_opts *opts, vrbd_dr_status **out);
VRBD_API void vrbd_dr_status_free(vrbd_dr_status *st);

/*
 * A VM protected by replication: every RBD disk mirrored (snapshot mode)
 * from the cluster it is on to the cluster of the pair named by @to, a
 * mirror snapshot schedule per image in the primary cluster's manager
 * (rbd_support), and the VM's definition and DR settings in each image's
 * metadata (virt-rbd.domain, virt-rbd.dr), which rbd-mirror copies with
 * the image.
 */
#define VRBD_DR_VM_OPTS_VERSION 1
typedef struct vrbd_dr_vm_opts {
    unsigned version;     /* VRBD_DR_VM_OPTS_VERSION */
    vrbd_registry *reg;   /* the registered clusters */
    unsigned timeout_sec; /* each cluster's; 0: VRBD_DEFAULT_TIMEOUT_SEC */
    /* vrbd_dr_enable(): the registered cluster to replicate to */
    const char *to;
    /* vrbd_dr_enable(): minutes between mirror snapshots, as seconds (a
     * whole number of minutes); 0: VRBD_DR_INTERVAL_SEC */
    unsigned interval_sec;
    /* enable and sync: how long to wait until the other side holds the
     * new mirror snapshot of every disk in full; 0: do not wait */
    unsigned wait_sec;
    volatile int *cancel; /* set non-zero: stop waiting (EINTR) */
    /* vrbd_vm_failover(): the old cluster does not answer: promote what
     * the other side holds, without it */
    bool force;
    /* failover, failback: how long a running guest has to shut down; 0:
     * VRBD_DR_SHUTDOWN_SEC */
    unsigned shutdown_sec;
} vrbd_dr_vm_opts;

#define VRBD_DR_SHUTDOWN_SEC 120

#define VRBD_DR_INTERVAL_SEC 300

/* One disk of a protected VM. */
typedef struct vrbd_dr_disk {
    char *target;  /* "vda" */
    char *cluster; /* registered name of the cluster it is primary on */
    char *peer;    /* registered name of the other one, NULL: unknown */
    char *pool;
    char *image;
    char *state;      /* mirroring: "enabled", "disabling", "disabled" */
    bool primary;     /* primary on @cluster */
    char *peer_state; /* the peer site's status: "replaying"...; NULL */
    char *peer_description;
    /* when the newest mirror snapshot that the peer holds in full was
     * taken on the primary: the recovery point; 0: none yet */
    int64_t recovery_point;
    int64_t latest_snapshot; /* the newest mirror snapshot on the primary */
    /* mirror snapshots on the primary newer than the recovery point: taken,
     * not yet held in full by the peer */
    unsigned pending_snapshots;
    /* from the peer's daemon: the bytes it copied for the last snapshot it
     * synced, and how far it is through the one it syncs (UINT64_MAX, -1:
     * not said) */
    uint64_t last_sync_bytes;
    int syncing_percent;
    unsigned interval_sec; /* its schedule */
    /* a forced failover made it primary without demoting the old copy */
    bool split;
    /* the peer's copy is primary too (split-brain): vrbd_vm_failback() */
    bool peer_primary;
    char *error; /* why a part could not be read, or NULL */
} vrbd_dr_disk;

typedef struct vrbd_dr_vm {
    char *domain;
    char *cluster; /* where its disks are primary (the first disk's) */
    char *peer;
    unsigned interval_sec;  /* the shortest of its disks' schedules */
    int64_t recovery_point; /* the oldest of its disks': 0 when one has
                               none */
    /* the recovery point is older than twice the schedule (or missing) */
    bool late;
    bool split; /* a disk's is, or its peer copy is primary too */
    vrbd_dr_health daemons[2]; /* rbd-mirror on @cluster, on @peer */
    vrbd_dr_disk *disks;
    size_t n_disks;
    char *error; /* vrbd_dr_vm_list(): why its state could not be read */
} vrbd_dr_vm;
VRBD_API void vrbd_dr_vm_free(vrbd_dr_vm *vm);

/*
 * Protect @domain (on @host): every disk must be an RBD disk of a
 * registered cluster whose pool is paired (vrbd_dr_pair()) with the pool
 * of the same name on opts->to, with an rbd-mirror daemon reporting on
 * opts->to; a local disk, a pool not paired, no daemon, a clone whose
 * parent is not mirrored, or a disk mirrored already is refused before
 * anything changes.  Then per disk: the DR settings and definition in its
 * metadata, mirroring enabled (snapshot mode: the first mirror snapshot),
 * and a schedule added.  A failure midway undoes what this call did.
 * With opts->wait_sec, it waits for the first sync.  *@out (if not NULL)
 * gets the VM's state (vrbd_dr_vm_free()).
 */
VRBD_API int vrbd_dr_enable(vrbd_host *host, const char *domain,
                            const vrbd_dr_vm_opts *opts, vrbd_dr_vm **out);

/*
 * Stop protecting @domain: per disk mirrored by virt-rbd, its schedule
 * removed, mirroring disabled on the primary (the other side's daemon
 * then deletes its copy) and the DR settings removed.  A disk that is not
 * primary here is refused (fail over first).
 */
VRBD_API int vrbd_dr_disable(vrbd_host *host, const char *domain,
                             const vrbd_dr_vm_opts *opts);

/* A mirror snapshot of every protected disk of @domain now; with
 * opts->wait_sec, wait until the peer holds every one in full. */
VRBD_API int vrbd_dr_sync(vrbd_host *host, const char *domain,
                          const vrbd_dr_vm_opts *opts, vrbd_dr_vm **out);

/* Every protected domain of @host, by name, each as vrbd_dr_vm_status()
 * reads it (one that cannot be read has its error set); free each with
 * vrbd_dr_vm_free() and the array with free(). */
VRBD_API int vrbd_dr_vm_list(vrbd_host *host, const vrbd_dr_vm_opts *opts,
                             vrbd_dr_vm ***out, size_t *n);

/* The replication state of @domain (NOT_FOUND: no disk of it is
 * protected). */
VRBD_API int vrbd_dr_vm_status(vrbd_host *host, const char *domain,
                               const vrbd_dr_vm_opts *opts, vrbd_dr_vm **out);

/* What a failover or failback did. */
typedef struct vrbd_failover_result {
    char *from; /* the registered cluster the disks were primary on */
    char *to;   /* ... and are now */
    bool forced;
    bool destroyed; /* forced: the domain ran on and was stopped hard */
    bool started;   /* the domain ran before and was started again */
    unsigned disks;
    unsigned resynced; /* failback: images of @to resynchronised in full */
    /* the time of the data the VM has now: planned, the last snapshot
     * (nothing lost); forced, the newest mirror snapshot @to held */
    int64_t recovery_point;
    double downtime_sec; /* from shutdown to started again, 0: not run */
} vrbd_failover_result;
VRBD_API void vrbd_failover_result_clear(vrbd_failover_result *res);

/*
 * Move protected @domain (on @host) to cluster opts->to, whole.
 * Planned: the disks must be primary on the other cluster of their pair,
 * which must answer; a running guest is shut down (refused, and left
 * running, when it does not stop within opts->shutdown_sec), every image
 * demoted (a last mirror snapshot), and once opts->to holds it in full
 * (opts->wait_sec; else the images are promoted again and the guest
 * restarted) promoted there.  Forced (opts->force): for an old cluster
 * that does not answer: nothing of it is read or written; a running
 * domain is destroyed, and opts->to's copies are promoted as they are
 * (the newest mirror snapshot they hold in full: the recovery point), and
 * marked split (their DR settings) until vrbd_vm_failback().  Then the
 * new primaries get the DR settings and schedule (the old cluster as
 * peer), the domain is defined again with its disks on opts->to (its
 * monitors, this host's user and secret for the pool, made if missing)
 * and started if it ran.
 */
VRBD_API int vrbd_vm_failover(vrbd_host *host, const char *domain,
                              const vrbd_dr_vm_opts *opts,
                              vrbd_failover_result *res);

/*
 * Bring protected @domain home: its disks are primary on the cluster it
 * failed over to, and the other one (its peer) answers again.  Images of
 * the peer that are primary still (a forced failover: split) are demoted
 * and, as every copy in split-brain or error, resynchronised in full from
 * the current primaries (rbd_mirror_image_resync); it waits (while the
 * guest runs) until the peer holds a new mirror snapshot of every disk,
 * then fails over to the peer, planned.  opts->to is not used.
 */
VRBD_API int vrbd_vm_failback(vrbd_host *host, const char *domain,
                              const vrbd_dr_vm_opts *opts,
                              vrbd_failover_result *res);

/* What vrbd_dr_test() made. */
typedef struct vrbd_dr_test_result {
    char *domain;  /* "DOM-drtest" */
    char *cluster; /* where it runs: the peer of the VM's disks */
    unsigned disks;
    /* when the copies' newest complete mirror snapshot was taken there */
    int64_t snapshot_time;
} vrbd_dr_test_result;
VRBD_API void vrbd_dr_test_result_clear(vrbd_dr_test_result *res);

/*
 * Prove that protected @domain boots on the other cluster without failing
 * over: each protected disk's copy there, at its newest mirror snapshot
 * held in full, is copied (librbd, sparse; Pacific clones no mirror
 * snapshot) to IMAGE-drtest in the same pool, and domain DOM-drtest is
 * defined with those disks (the other cluster's monitors, this host's
 * user and secret), without network interfaces or other disks, its file
 * consoles renamed FILE.drtest, and started.  Replication is untouched.
 * Refused when DOM-drtest exists.  With @clean: DOM-drtest stopped and
 * undefined, and its images removed.
 */
VRBD_API int vrbd_dr_test(vrbd_host *host, const char *domain,
                          const vrbd_dr_vm_opts *opts, bool clean,
                          vrbd_dr_test_result *res);

/* ---------------------------------------------------------------- doctor */

typedef enum {
    VRBD_CHECK_OK = 0,
    VRBD_CHECK_WARN,
    VRBD_CHECK_FAIL,
} vrbd_check_status;

typedef struct vrbd_check {
    char *name; /* "libvirt", "cluster:ceph", "pool:ceph-rbd" ... */
    vrbd_check_status status;
    char *message; /* what was found */
    char *fix;     /* what to do, or NULL when ok */
} vrbd_check;

#define VRBD_DOCTOR_OPTS_VERSION 1
typedef struct vrbd_doctor_opts {
    unsigned version;     /* VRBD_DOCTOR_OPTS_VERSION */
    vrbd_registry *reg;   /* the clusters to check */
    const char *cluster;  /* only this one (and its pools); NULL: all */
    const char *uri;      /* libvirt URI, NULL: qemu:///system */
    unsigned timeout_sec; /* per cluster; 0: 10 */
} vrbd_doctor_opts;

/*
 * Check the whole chain: libvirt and its rbd storage backend, QEMU's rbd
 * block driver, each cluster (reachable, health, clock skew, keyring
 * mode), each RBD pool of this host (secret present and private, the
 * user's caps least-privilege, Ceph pool present, active, autostarted,
 * monitors current), and each domain's RBD disks (image present,
 * monitors current).  Fails only for bad options: problems are checks.
 */
VRBD_API int vrbd_doctor_run(const vrbd_doctor_opts *opts, vrbd_check **checks,
                             size_t *n);
VRBD_API void vrbd_check_list_free(vrbd_check *checks, size_t n);

/* ---------------------------------------------------------------- domain */

typedef enum {
    VRBD_DISK_FILE = 0, /* a local raw file or block device */
    VRBD_DISK_RBD,      /* an RBD image through QEMU's librbd driver */
} vrbd_disk_kind;

typedef struct vrbd_disk_spec {
    vrbd_disk_kind kind;
    const char *path;   /* VRBD_DISK_FILE: absolute path */
    const char *format; /* "raw" (NULL), "qcow2" ... */
    const char *target; /* "vda" ...; NULL: next free */
    bool read_only;
    const char *bus;   /* "virtio" (NULL) or "scsi" */
    const char *cache; /* NULL: "writeback" for RBD (see the man page),
                        * libvirt's default for files */
    /* VRBD_DISK_RBD */
    const char *rbd_name;     /* "pool[/ns]/image" */
    const char *const *hosts; /* monitors, "ip:port" */
    size_t n_hosts;
    const char *auth_user; /* cephx id without "client." */
    const char *secret_uuid;
    bool no_discard; /* RBD: discard='unmap' unless set */
    const char *io;  /* "native", "threads", "io_uring" or NULL: libvirt's
                      * default; "native" needs cache "none" or
                      * "directsync" (O_DIRECT) */
} vrbd_disk_spec;

/*
 * One <disk> element for @d (target @target, which must be set), as XML
 * built with libxml2.  RBD disks get: raw, cache='writeback' (librbd's
 * cache honours guest flushes, and stays writethrough until the first
 * flush for guests that never send one), discard='unmap' and
 * detect_zeroes='unmap' (a thin image stays thin), every monitor, and the
 * ceph secret.  Caller frees.
 */
VRBD_API char *vrbd_disk_build_xml(const vrbd_disk_spec *d, const char *target);

typedef struct vrbd_domain_spec {
    const char *name;
    const char *uuid;     /* NULL: libvirt picks one */
    unsigned memory_mib;  /* 0: 256 */
    unsigned vcpus;       /* 0: 1 */
    bool kvm;             /* false: TCG ("qemu" domain type) */
    const char *emulator; /* NULL: libvirt's default */
    const char *kernel;   /* direct kernel boot, or NULL */
    const char *initrd;
    const char *cmdline;
    const char *serial_log;   /* serial console to this file, or NULL */
    const char *network;      /* libvirt network for one virtio NIC, or NULL */
    bool destroy_on_poweroff; /* on_poweroff/reboot/crash: destroy */
    const vrbd_disk_spec *disks;
    size_t n_disks;
    /* fields added after 0.1: callers that zero the struct get the old
     * behaviour */
    const char *bridge;         /* host bridge for the NIC (not with
                                 * @network), or NULL */
    const char *loader;         /* UEFI: firmware code (read-only pflash),
                                 * or NULL: BIOS */
    const char *nvram_template; /* UEFI: variables template */
    const char *nvram;          /* UEFI: this VM's variables file, or NULL:
                                 * libvirt's default path */
    bool cdrom;                 /* a SATA CD-ROM drive, sda */
    const char *cdrom_source;   /* the ISO in it, or NULL: empty */
    bool boot_cdrom;            /* boot from the CD-ROM, then the disk */
    bool reboot_destroys;       /* on_reboot: destroy (an installer's boot:
                                 * its reboot ends it) */
} vrbd_domain_spec;

/*
 * Build libvirt domain XML for @spec with libxml2.  The domain gets the
 * guest agent's channel (org.qemu.guest_agent.0), as virt-install gives.
 * Returns a string the caller frees with free(), or NULL
 * (VRBD_ERR_INVALID names the field).
 */
VRBD_API char *vrbd_domain_build_xml(const vrbd_domain_spec *spec);

/* ---------------------------------------------------------------- copy */

#define VRBD_COPY_OPTS_VERSION 1
typedef struct vrbd_copy_opts {
    unsigned version;     /* VRBD_COPY_OPTS_VERSION */
    unsigned queue_depth; /* requests in flight, 2 MiB each; 0: 8 */
    bool verify;          /* read the target back and compare */
    bool force;           /* replace an existing target */
    bool incremental;     /* copy: bring an existing target up to @SNAP */
    bool resume;          /* import, full copy: continue an interrupted run
                           * of the same source (for a copy SRC@SNAP), and
                           * keep the partial image if interrupted */
    const char *format;   /* import: raw, qcow2, vmdk...; NULL: probe;
                           * export: raw (NULL) or qcow2 */
    uint64_t size; /* import from a pipe on standard input ("-"): its size */
    volatile int *cancel; /* set (from a signal handler) to stop */
    /* import: an image whose header names other files (a backing file, an
     * external data file, VMDK extents) is refused, unless @backing is the
     * backing file it names (and that names none), or @allow_backing */
    const char *backing;
    bool allow_backing;
    unsigned timeout_sec; /* import, export: a wait on qemu-nbd; 0: 30 */
    void (*progress)(uint64_t done, uint64_t total, void *opaque);
    void *opaque;
} vrbd_copy_opts;

typedef struct vrbd_copy_stats {
    uint64_t size;      /* virtual size */
    uint64_t data;      /* bytes read from the source's data extents */
    uint64_t written;   /* bytes written to the target */
    uint64_t zeroes;    /* bytes read but all zero: not written */
    uint64_t discarded; /* copy: bytes zeroed on an existing target */
    double seconds;
    bool verified;
    char from_snap[256];   /* copy --incremental: the common snapshot */
    uint64_t resumed_from; /* --resume: where it went on from */
} vrbd_copy_stats;

/*
 * Import a local raw file or block device into a new RBD image @dst.  Holes
 * are found without reading them (SEEK_DATA/SEEK_HOLE), zero runs in the
 * data are not written, writes are cut at object boundaries, many are in
 * flight.  The image is written under a temporary name and renamed only
 * when complete (and verified with opts->verify); an existing @dst is
 * refused unless opts->force.  Interrupted or failed, it leaves nothing
 * under the final name and removes the temporary image (with
 * opts->resume it keeps it, marked, and a later call with opts->resume
 * continues it).  The source is opened read-only.  @path "-" is standard
 * input: a file redirected there, or a pipe of opts->size bytes.
 */
VRBD_API int vrbd_import_file(vrbd_cluster *cl, const char *path,
                              const vrbd_spec *dst, const vrbd_copy_opts *opts,
                              vrbd_copy_stats *stats);

/*
 * Export RBD image @src (at its snapshot, if any) to a sparse local file
 * @path: only allocated extents are read (rbd_diff_iterate2), zero runs
 * become holes, the file is written under a temporary name (mode 0600)
 * and renamed when complete.  opts->format "qcow2" makes it a qcow2 file,
 * written through a qemu-nbd, only data clusters allocated.  @path "-" is
 * standard output: the raw image in order, holes as zeros.
 */
VRBD_API int vrbd_export_file(vrbd_cluster *cl, const vrbd_spec *src,
                              const char *path, const vrbd_copy_opts *opts,
                              vrbd_copy_stats *stats);

/*
 * Copy RBD image @src (at its snapshot, if any) on @scl to a new image
 * @dst on @dcl (the same or another cluster): only allocated extents are
 * read (rbd_diff_iterate2), zero runs are not written, many requests are
 * in flight, the target is written under a temporary name and renamed when
 * complete; the source's @SNAP is created on the target too.  With
 * opts->incremental and an existing @dst, only what changed in the source
 * between the target's newest snapshot (which the source must have too)
 * and @SNAP is written (removed data is zeroed), then @SNAP is created on
 * the target: stats->from_snap names the common snapshot.  A target
 * written or resized since that snapshot is refused (VRBD_ERR_EXISTS), one
 * open elsewhere too (VRBD_ERR_BUSY), both untouched.  An interrupted
 * incremental copy leaves the target at its newest snapshot plus part of
 * the change, marked (metadata virt-rbd.incremental-from); running it
 * again completes it, the ranges the target changed since its snapshot
 * copied again from the source.  An interrupted full copy
 * leaves nothing, or with opts->resume (which needs @SNAP) its temporary
 * image, marked with its progress and the snapshot's ids, which a later
 * call with opts->resume continues (stats->resumed_from).
 */
VRBD_API int vrbd_copy_image(vrbd_cluster *scl, const vrbd_spec *src,
                             vrbd_cluster *dcl, const vrbd_spec *dst,
                             const vrbd_copy_opts *opts,
                             vrbd_copy_stats *stats);

/* ---------------------------------------------------------------- backup */

/*
 * Backups of a VM's disks, or of one image, to a target: a pool on any
 * registered cluster ("[CLUSTER:]POOL[/NS]": each backup is a snapshot of
 * a replica image there) or a local directory (an absolute path, or one
 * beginning with "./" or "../": a full file, then one diff file per
 * backup, in the format of docs/backup-format.md, and an index).  The
 * first backup to a target copies the data; each later one only what
 * changed since the last backup snapshot, which stays on the source
 * (one per target) as the base of the next.
 */
#define VRBD_BACKUP_OPTS_VERSION 1
typedef struct vrbd_backup_opts {
    unsigned version;     /* VRBD_BACKUP_OPTS_VERSION */
    const char *target;   /* see above; NULL: the one the disks were backed
                           * up to last (refused when none, or several) */
    bool skip_local;      /* a VM: back up its RBD disks, leave local ones
                           * (else a local disk refuses the backup) */
    bool full;            /* copy everything, even when a base is there */
    unsigned timeout_sec; /* each cluster's, and the guest agent's for a
                           * freeze; 0: the default (30 s) */
    volatile int *cancel; /* set (from a signal handler) to stop */
    void (*progress)(uint64_t done, uint64_t total, void *opaque);
    void *opaque;
} vrbd_backup_opts;

/* How the disks of one backup were made consistent */
#define VRBD_BACKUP_FROZEN "frozen"   /* guest agent froze filesystems */
#define VRBD_BACKUP_PAUSED "paused"   /* crash-consistent: VM paused */
#define VRBD_BACKUP_STOPPED "stopped" /* the VM was not running */
#define VRBD_BACKUP_IMAGE "image"     /* one image, as its writers left it */

typedef struct vrbd_backup_disk {
    char *dev;       /* the VM's target ("vda"), or NULL */
    char *source;    /* "CLUSTER:POOL[/NS]/IMAGE" */
    char *stored;    /* "CLUSTER:POOL/IMAGE" or the file written */
    char *from_snap; /* incremental: the previous backup; NULL: full */
    uint64_t size;   /* the image's size */
    uint64_t sent;   /* bytes of data sent to the target */
    double seconds;
} vrbd_backup_disk;

typedef struct vrbd_backup_result {
    char *name;              /* the backup, "bk-YYYYMMDDTHHMMSSZ" (UTC) */
    int64_t when;            /* Unix time of its snapshots */
    char *target;            /* canonical: "CLUSTER:POOL[/NS]" or a directory */
    const char *consistency; /* VRBD_BACKUP_* */
    char *why;               /* paused: why not frozen (the agent's answer) */
    double paused_sec;       /* how long the VM was paused or frozen */
    vrbd_backup_disk *disks;
    size_t n_disks;
    char **skipped; /* NULL-terminated: local disks left ("vdb /path") */
} vrbd_backup_result;
VRBD_API void vrbd_backup_result_clear(vrbd_backup_result *r);

/*
 * Back up every RBD disk of domain @domain: snapshots of all of them at
 * one instant (the guest agent freezing the filesystems around it when it
 * answers, else the VM paused for that moment: crash-consistent, and
 * res->why says why), then each disk's data sent to the target, full or
 * since its base.  A failure leaves the earlier backups whole and the
 * next run continues from the last complete one (the new snapshot is
 * removed from the source).  The domain's definition is kept with the
 * backup.
 *
 * The agent gets @opts->timeout_sec to answer the freeze (libvirt's own
 * default waits for ever): the domain's agent response timeout is set
 * for it and left at libvirt's default ("block") after, since libvirt
 * cannot tell what it was.  Refused with nothing made: a target pool
 * that is full (VRBD_ERR_IO, errno EDQUOT; also when it fills midway),
 * an image directory of a directory target that another backup or prune
 * holds (VRBD_ERR_BUSY).
 */
VRBD_API int vrbd_backup_vm(vrbd_host *host, vrbd_registry *reg,
                            const char *domain, const vrbd_backup_opts *opts,
                            vrbd_backup_result *res);
/* The same for image @image of @cl (no domain: VRBD_BACKUP_IMAGE). */
VRBD_API int vrbd_backup_image(vrbd_registry *reg, vrbd_cluster *cl,
                               const vrbd_spec *image,
                               const vrbd_backup_opts *opts,
                               vrbd_backup_result *res);

/* One image's backup on a target */
typedef struct vrbd_backup_entry {
    char *name; /* "bk-..." */
    int64_t when;
    char *source;      /* "CLUSTER:POOL[/NS]/IMAGE" */
    char *domain;      /* or NULL */
    char *dev;         /* the domain's disk target, or NULL */
    char *from_snap;   /* incremental: the backup before; NULL: full */
    char *consistency; /* VRBD_BACKUP_* */
    uint64_t size, sent;
    char *stored;   /* the replica image, or the file */
    unsigned disks; /* a VM's backup: how many disks it took; 0: one
                     * image's, or not recorded */
} vrbd_backup_entry;
VRBD_API void vrbd_backup_entry_list_free(vrbd_backup_entry *e, size_t n);

/*
 * The backups on @target (NULL: each target the disks of @name were
 * backed up to, @name then required) of @name, a domain or an image
 * ("[CLUSTER:]POOL[/NS]/IMAGE"; NULL: all), oldest first.
 */
VRBD_API int vrbd_backup_list(vrbd_host *host, vrbd_registry *reg,
                              const char *target, const char *name,
                              unsigned timeout_sec, vrbd_backup_entry **out,
                              size_t *n);

/* What vrbd_backup_verify() found */
typedef struct vrbd_backup_verify_result {
    size_t checked; /* backups (of one image each) read whole */
    uint64_t bytes; /* data read */
    char **bad;     /* NULL-terminated: "WHERE: what is wrong", or NULL */
} vrbd_backup_verify_result;
VRBD_API void vrbd_backup_verify_result_clear(vrbd_backup_verify_result *r);

/*
 * Read back every backup of @name (as vrbd_backup_list() takes it; NULL:
 * all on @target): in a directory each file whole, every checksum checked,
 * and the chain of each back to its full backup; on a cluster every
 * backup snapshot's data.  Returns 0 with what is wrong in res->bad (the
 * backups themselves are not changed), or -1 when they cannot be listed.
 */
VRBD_API int vrbd_backup_verify(vrbd_host *host, vrbd_registry *reg,
                                const char *target, const char *name,
                                unsigned timeout_sec,
                                vrbd_backup_verify_result *res);

#define VRBD_BACKUP_PRUNE_OPTS_VERSION 1
typedef struct vrbd_backup_prune_opts {
    unsigned version;     /* VRBD_BACKUP_PRUNE_OPTS_VERSION */
    const char *from;     /* the backup target */
    unsigned keep_last;   /* the newest this many (at least 1: the base of
                           * the next backup is always kept) */
    unsigned keep_daily;  /* the newest of each of the last N days (UTC)
                           * that have backups */
    unsigned keep_weekly; /* the newest of each of the last N weeks
                           * (Monday to Sunday, UTC) that have backups */
    bool dry_run;         /* say what would go, change nothing */
    unsigned timeout_sec;
} vrbd_backup_prune_opts;

typedef struct vrbd_backup_prune_result {
    char **kept;    /* NULL-terminated: "SNAP SOURCE" of each kept */
    char **removed; /* ... of each removed (dry run: that would be) */
    size_t merged;  /* directory: files merged into a later backup */
} vrbd_backup_prune_result;
VRBD_API void vrbd_backup_prune_result_clear(vrbd_backup_prune_result *r);

/*
 * Remove the backups of @name (a domain or an image as vrbd_backup_list()
 * takes it; NULL: every image on the target) that the rules do not keep,
 * image by image.  On a cluster each is a snapshot of the replica, removed
 * alone; in a directory a backup that a later one follows is merged into
 * it first (a full one into the next, which becomes full), so every
 * backup kept still restores.  Each step leaves the index and the files
 * consistent: a run stopped midway leaves every listed backup whole.
 */
VRBD_API int vrbd_backup_prune(vrbd_host *host, vrbd_registry *reg,
                               const char *name,
                               const vrbd_backup_prune_opts *opts,
                               vrbd_backup_prune_result *res);

#define VRBD_RESTORE_OPTS_VERSION 1
typedef struct vrbd_restore_opts {
    unsigned version;   /* VRBD_RESTORE_OPTS_VERSION */
    const char *from;   /* the backup target; NULL: the one the domain's
                         * (or image's) disks were backed up to, which
                         * needs them to exist */
    const char *backup; /* "bk-..."; NULL: the newest */
    const char *as;     /* a new name: the domain's (its images then
                         * "NAME-vda"...), or the image's */
    const char *to;     /* "[CLUSTER:]POOL[/NS]" the images go to; NULL:
                         * where they were backed up from */
    bool instant;       /* a cluster target: each image a clone of its backup
                         * snapshot (on that cluster), ready at once; flatten it
                         * (vrbd_volume_flatten) to make it independent */
    unsigned timeout_sec;
    volatile int *cancel;
    void (*progress)(uint64_t done, uint64_t total, void *opaque);
    void *opaque;
} vrbd_restore_opts;

typedef struct vrbd_restore_result {
    char *backup;  /* the backup restored */
    char *domain;  /* the domain defined (not started), or NULL */
    char **images; /* NULL-terminated: "CLUSTER:POOL[/NS]/IMAGE" each */
    bool instant;  /* clones: flatten them */
} vrbd_restore_result;
VRBD_API void vrbd_restore_result_clear(vrbd_restore_result *r);

/*
 * Restore @name, a domain or an image ("[CLUSTER:]POOL[/NS]/IMAGE"), as
 * it was at a backup: its images written in full under a temporary name
 * each, renamed when complete, then (a domain) the domain defined from
 * the definition kept with the backup, its disks pointing at them (with
 * opts->as: a new name, no UUID, no MAC addresses, its local disks left
 * out).  Refused, with nothing changed, when the domain or an image
 * exists, or a file of the backup's chain is missing; a failure midway
 * removes what it made.
 */
VRBD_API int vrbd_restore(vrbd_host *host, vrbd_registry *reg, const char *name,
                          const vrbd_restore_opts *opts,
                          vrbd_restore_result *res);

/* ---------------------------------------------------------------- bench */

#define VRBD_BENCH_OPTS_VERSION 1
typedef struct vrbd_bench_opts {
    unsigned version; /* VRBD_BENCH_OPTS_VERSION */
    /* a directory (a scratch file is made in it), a new file name, or an
     * empty block device (refused when it holds data or is in use); NULL:
     * no local side */
    const char *local_path;
    /* POOL[/NS] where a scratch image is created and removed again;
     * NULL: no RBD side */
    const vrbd_spec *rbd;
    uint64_t size;  /* working set, a multiple of 1 MiB; 0: 256 MiB */
    double seconds; /* per timed workload; 0: 5 */
    volatile int *cancel;
    void (*progress)(size_t done, size_t total, void *opaque);
    void *opaque;
} vrbd_bench_opts;

typedef struct vrbd_bench_result {
    const char *target;   /* "local" or "rbd" (static) */
    const char *workload; /* "randread-4k-qd32", ... (static) */
    size_t block_size;
    unsigned queue_depth;
    bool write, random;
    bool direct; /* local: O_DIRECT (false on tmpfs) */
    uint64_t ops, bytes;
    double seconds, iops, mb_per_s;
    double lat_p50_us, lat_p99_us;
} vrbd_bench_result;

/*
 * Run the same workloads against a local scratch target and a scratch RBD
 * image on @cl (either may be left out): a 1 MiB sequential write that
 * fills the working set, then a timed 1 MiB sequential read, 4 KiB random
 * writes at queue depth 1 and 32, and 4 KiB random reads at 1 and 32; each
 * workload on both targets before the next.  Results come back in that
 * order (*out, freed with vrbd_bench_result_list_free()).  Everything the
 * benchmark made is removed again, on failure too.
 */
VRBD_API int vrbd_bench_run(vrbd_cluster *cl, const vrbd_bench_opts *opts,
                            vrbd_bench_result **out, size_t *n_out);
VRBD_API void vrbd_bench_result_list_free(vrbd_bench_result *list, size_t n);

/* ---------------------------------------------------------------- vms */

/* Whether this host can run KVM guests: /dev/kvm opens and the CPU has
 * vmx or svm.  (Nested setups where /dev/kvm opens but guests hang fail
 * the second test.) */
VRBD_API bool vrbd_kvm_usable(void);

#define VRBD_ATTACH_OPTS_VERSION 1
typedef struct vrbd_attach_opts {
    unsigned version;   /* VRBD_ATTACH_OPTS_VERSION */
    const char *target; /* NULL: the next free vdX (sdX on scsi) */
    const char *bus;    /* NULL: virtio */
    const char *cache;  /* NULL: writeback */
    bool live;          /* only the running domain */
    bool config;        /* only the persistent definition */
    const char *entity; /* user for a new host connection; NULL:
                         * client.libvirt */
} vrbd_attach_opts;

/*
 * Attach RBD image @image of @cl to @domain: a network disk listing every
 * current monitor, with the secret of this host's connection to the image's
 * pool (made when missing, as vrbd_host_connect does), RBD defaults (see
 * vrbd_disk_build_xml) and the next free target.  Refused while another
 * client holds the image.  Records the owner (host, domain, UUID) in the
 * image's metadata.  Live and persistent by default (persistent only when
 * the domain is not running).  *@target_out gets the target ("vdb");
 * caller frees.
 */
VRBD_API int vrbd_vm_disk_attach(vrbd_host *host, vrbd_cluster *cl,
                                 const char *domain, const vrbd_spec *image,
                                 const vrbd_attach_opts *opts,
                                 char **target_out);

typedef struct vrbd_vm_disk {
    char *target;
    char *bus;
    bool rbd;
    char *source;      /* file path, or "pool[/ns]/image" */
    char *secret_uuid; /* RBD: the auth secret */
    char *fsid;        /* RBD: the cluster, from a virt-rbd secret */
    char **hosts;      /* RBD: monitors, NULL-terminated */
    bool shared;       /* <readonly/> or <shareable/> */
} vrbd_vm_disk;

/* The disks of @domain (its live definition when running). */
VRBD_API int vrbd_vm_disk_list(vrbd_host *host, const char *domain,
                               vrbd_vm_disk **disks, size_t *n);
VRBD_API void vrbd_vm_disk_list_free(vrbd_vm_disk *disks, size_t n);

/*
 * Detach the disk of @domain whose target or RBD source is @which, live
 * and persistent as the domain allows (@live / @config to restrict).  When
 * @cl is the disk's cluster the owner metadata is cleared.
 * *@source (if not NULL) gets what was detached.
 */
VRBD_API int vrbd_vm_disk_detach(vrbd_host *host, vrbd_cluster *cl,
                                 const char *domain, const char *which,
                                 bool live, bool config, char **source);

/* How a new VM's firmware boots */
typedef enum {
    VRBD_VM_BOOT_BIOS = 0, /* SeaBIOS */
    VRBD_VM_BOOT_UEFI,     /* OVMF (Debian's ovmf, no secure boot), q35,
                            * a per-VM NVRAM file from its template */
} vrbd_vm_boot;

#define VRBD_VM_CREATE_OPTS_VERSION 2
typedef struct vrbd_vm_create_opts {
    unsigned version;      /* VRBD_VM_CREATE_OPTS_VERSION */
    const vrbd_spec *from; /* golden IMAGE@SNAP to clone, or NULL */
    uint64_t size;         /* without @from: an empty image of this size */
    const char *pool;      /* where the disk goes (default: @from's) */
    unsigned memory_mib;   /* 0: 1024 */
    unsigned vcpus;        /* 0: 1 */
    const char *network;   /* libvirt network, or NULL: no NIC */
    const char *kernel, *initrd, *cmdline;
    const char *console_log; /* serial console to this file */
    bool start;
    /* version 2 */
    const char *bridge;     /* one virtio NIC on this host bridge (not with
                             * @network) */
    const char *cache;      /* the disk's cache mode, NULL: "writeback" */
    const char *io;         /* the disk's io mode, NULL: libvirt's default */
    bool no_discard;        /* the guest's TRIM is ignored, not unmapped */
    vrbd_vm_boot boot;      /* BIOS (0) or UEFI */
    const char *location;   /* install tree (directory) or ISO: the
                             * installer's kernel and initrd are booted once
                             * (not with @kernel or @cdrom) */
    const char *extra_args; /* with @location: the installer's command
                             * line */
    const char *cdrom;      /* ISO in a SATA CD-ROM, booted once */
    bool preallocate;       /* without @from: the image written full
                             * (thick), not sparse */
    void (*progress)(uint64_t done, uint64_t total, void *opaque);
    void *opaque; /* @progress's, during @preallocate */
} vrbd_vm_create_opts;

/*
 * Provision a VM: its disk POOL/NAME cloned from the golden snapshot
 * (instant, layered) or created empty, this host connected to that pool,
 * a persistent domain defined around it (KVM where usable, else TCG),
 * started with opts->start.  With opts->location or opts->cdrom it is
 * installed the way virt-install does: defined and started with the
 * installer (its reboot ends that boot), then defined again to boot from
 * its disk; the kernel and initrd copied for the installer are removed
 * once QEMU has read them.  On failure nothing it made is left (a VM
 * whose plain start failed keeps its definition and disk).
 */
VRBD_API int vrbd_vm_create(vrbd_host *host, vrbd_cluster *cl, const char *name,
                            const vrbd_vm_create_opts *opts);

#define VRBD_VM_REMOVE_OPTS_VERSION 1
typedef struct vrbd_vm_remove_opts {
    unsigned version;     /* VRBD_VM_REMOVE_OPTS_VERSION */
    bool disks;           /* its RBD images too */
    bool now;             /* disks: deleted at once, not to the trash */
    uint64_t keep_sec;    /* trash: kept this long; 0: each disk's
                           * vrbd_cluster_trash_keep() */
    unsigned timeout_sec; /* each cluster's; 0: the default */
} vrbd_vm_remove_opts;

/*
 * Undefine @name (refused while it runs).  With disks, also remove its
 * RBD images safely (vrbd_volume_remove), connecting through @reg by the
 * fsid of each disk's secret; read-only and shareable disks are left, as
 * other domains may use them.  Every disk's cluster is reached and every
 * image checked for other clients first, so a missing cluster or a busy
 * image changes nothing; then the domain is undefined, then the images go
 * (a failure there leaves images, never a domain naming removed ones).
 * Unless now, they go to their pools' trash with the domain's definition
 * and name in their metadata, and vrbd_vm_restore() brings the VM back.
 */
VRBD_API int vrbd_vm_remove(vrbd_host *host, vrbd_registry *reg,
                            const char *name, const vrbd_vm_remove_opts *o);

/* What vrbd_vm_restore() brought back. */
typedef struct vrbd_vm_restore_result {
    char **images; /* NULL-terminated: "CLUSTER:POOL/IMAGE" of each */
    char *from;    /* where the definition came from ("the metadata of ...") */
} vrbd_vm_restore_result;
VRBD_API void vrbd_vm_restore_result_clear(vrbd_vm_restore_result *r);

/*
 * Bring back VM @name that vrbd_vm_remove() put in the trash: every disk
 * it trashed (found in the trash of the pools behind this host's RBD
 * pools, on the registered clusters) is restored, then the domain is
 * defined again from the definition kept with them (not started).
 * Refused, with nothing changed, when a domain of that name exists, when
 * no trashed disk names it, or when an image of a disk's name exists; a
 * failure midway puts the restored images back in the trash.
 */
VRBD_API int vrbd_vm_restore(vrbd_host *host, vrbd_registry *reg,
                             const char *name, unsigned timeout_sec,
                             vrbd_vm_restore_result *res);

#define VRBD_MOVE_OPTS_VERSION 1
typedef struct vrbd_move_opts {
    unsigned version;         /* VRBD_MOVE_OPTS_VERSION */
    const char *pool;         /* destination Ceph pool on the cluster */
    const char *const *disks; /* targets to move; NULL: every local disk */
    size_t n_disks;
    bool keep_source; /* keep the local files after the switch */
    /* live moves only */
    uint64_t bandwidth;   /* bytes/s per disk; 0: as fast as it goes */
    unsigned timeout_sec; /* a copy without progress this long has its
                           * destination probed; 0: 30 */
    volatile int *cancel; /* set (from a signal handler) to stop */
    void (*progress)(const char *target, uint64_t done, uint64_t total,
                     void *opaque);
    void *opaque;
} vrbd_move_opts;

/* What a move did. */
typedef struct vrbd_move_result {
    size_t moved;   /* disks now on RBD */
    size_t deleted; /* local files deleted after the switch */
} vrbd_move_result;

/*
 * Move the local raw disks (files, block devices) of stopped domain
 * @domain to RBD images DOMAIN-TARGET in opts->pool: each copied with the
 * data mover and verified, then the definition switched in one step (the
 * old one kept in the registry's rollback/ directory for
 * vrbd_vm_move_rollback()).  Without opts->keep_source the moved files are
 * deleted afterwards (block devices are left alone).  A failure before the
 * switch leaves the domain as it was and removes the images it made.
 * *@res says how many disks moved and how many files were deleted.
 */
VRBD_API int vrbd_vm_move_offline(vrbd_host *host, vrbd_cluster *cl,
                                  vrbd_registry *reg, const char *domain,
                                  const vrbd_move_opts *opts,
                                  vrbd_move_result *res);

/*
 * Move the disks of running domain @domain to RBD images DOMAIN-TARGET in
 * opts->pool of @cl while it runs: local files and block devices in any
 * format QEMU reads, and RBD disks of another pool or cluster when named
 * in opts->disks.  Each image is made empty at the disk's size, libvirt
 * block copy mirrors the disk into it, and once every copy is in sync and
 * the destination still answers, each disk is pivoted; then the persistent
 * definition is made to match (the old one kept for
 * vrbd_vm_move_rollback()).  A failure or opts->cancel before the pivots
 * cancels the copies and removes the images: the guest stays on its old
 * disks and its definition is unchanged.  Without opts->keep_source moved
 * files are deleted after the switch.  *@res as for the offline move; after
 * a failure it still counts the disks that did switch.
 */
VRBD_API int vrbd_vm_move_live(vrbd_host *host, vrbd_cluster *cl,
                               vrbd_registry *reg, const char *domain,
                               const vrbd_move_opts *opts,
                               vrbd_move_result *res);

/* Put back the definition @domain had before its last move. */
VRBD_API int vrbd_vm_move_rollback(vrbd_host *host, vrbd_registry *reg,
                                   const char *domain);

/* ---------------------------------------------------------------- migration */

/* How a live migration goes, from libvirt's job statistics. */
typedef struct vrbd_migrate_progress {
    double elapsed;        /* seconds since it started */
    uint64_t memory_total; /* bytes of guest memory */
    uint64_t memory_remaining;
    uint64_t data_processed;   /* bytes sent so far */
    uint64_t memory_iteration; /* pass over memory, from 1 */
} vrbd_migrate_progress;

#define VRBD_MIGRATE_OPTS_VERSION 1
typedef struct vrbd_migrate_opts {
    unsigned version;         /* VRBD_MIGRATE_OPTS_VERSION */
    const char *dest_uri;     /* the destination as the source host dials it */
    const char *dest_name;    /* its fleet name (messages, owner records) */
    const char *dest_address; /* QEMU's stream goes there; NULL: libvirt's
                               * choice (the destination's hostname) */
    bool offline;             /* move the definition of a stopped domain */
    unsigned bandwidth_mib;   /* MiB/s; 0: libvirt's default */
    unsigned timeout_sec;     /* cluster connections; 0: the default */
    vrbd_registry *reg;       /* monitors of the disks' clusters */
    volatile int *cancel;     /* set (from a signal handler) to stop */
    void (*progress)(const vrbd_migrate_progress *p, void *opaque);
    void *opaque;
} vrbd_migrate_opts;

typedef struct vrbd_migrate_result {
    double seconds;        /* the migration call, from start to end */
    int64_t downtime_ms;   /* the guest's pause, -1 when not reported */
    uint64_t data_bytes;   /* sent; 0 when not reported */
    size_t disks;          /* RBD disks */
    size_t mons_refreshed; /* disks whose monitor list was rewritten */
    bool cancelled;
} vrbd_migrate_result;

/*
 * Move domain @domain from @src to @dst (the same host as opts->dest_uri):
 * live by default (peer to peer: @src's libvirtd drives it), the
 * definition made persistent on @dst and undefined on @src; no storage is
 * copied, as every disk must be on RBD.  Checked first, each refusal with
 * its fix: the domain's state, a job already running on it, a disk that is
 * not on RBD, @dst lacking a disk's secret (same UUID) or an active pool of
 * its cluster and Ceph pool, a domain of the same name or UUID on @dst.
 * Disks of a registered cluster get its current monitors on the way.  A
 * failed or cancelled migration leaves the domain running on @src.
 * Records @dst as the owner of each disk.
 */
VRBD_API int vrbd_vm_migrate(vrbd_host *src, vrbd_host *dst, const char *domain,
                             const vrbd_migrate_opts *opts,
                             vrbd_migrate_result *res);

/* ---------------------------------------------------------------- recovery */

#define VRBD_RECOVER_OPTS_VERSION 1
typedef struct vrbd_recover_opts {
    unsigned version;     /* VRBD_RECOVER_OPTS_VERSION */
    vrbd_registry *reg;   /* the fleet and the clusters */
    const char *from;     /* the fleet host the domain ran on */
    bool force;           /* even while that host answers and runs it */
    unsigned expire_sec;  /* the fence's; 0: VRBD_FENCE_DEFAULT_EXPIRE_SEC */
    unsigned timeout_sec; /* asking the old host, the clusters; 0: default */
} vrbd_recover_opts;

typedef struct vrbd_recover_result {
    bool from_answered; /* the old host answered */
    char *definition;   /* where the definition came from, in words */
    char **fenced;      /* "CLUSTER ADDRESS" of each client fenced */
    size_t n_fenced;
    int64_t fence_until; /* seconds since the epoch */
    size_t disks;        /* RBD disks */
    double seconds;      /* from the call to the domain started */
} vrbd_recover_result;

/*
 * Start domain @domain of fleet host opts->from, which is gone or hung,
 * on @on.  Refused while the old host answers and runs it (unless
 * opts->force).  Its definition comes from the old host when that answers,
 * else from the metadata of its disks (kept when virt-rbd defined or
 * migrated it; the pools @on reaches are searched).  Every disk must be on
 * RBD and @on must have its secret and pool.  Then every Ceph client of
 * every disk is fenced (vrbd_fence(), on each cluster: a hung QEMU cannot
 * write after this), recorded in the registry's hosts/FROM.fence, and the
 * domain is defined on @on (current monitors) and started.  When the old
 * host answered, its stopped copy is undefined.
 */
VRBD_API int vrbd_vm_recover(vrbd_host *on, const char *domain,
                             const vrbd_recover_opts *opts,
                             vrbd_recover_result *res);
VRBD_API void vrbd_recover_result_clear(vrbd_recover_result *res);

/* The domains fleet host @host ran, by the owner metadata of the images
 * in the pools @on reaches: a NULL-terminated array in the order found
 * (free each string, then the array). */
VRBD_API int vrbd_fleet_domains_of(vrbd_host *on, vrbd_registry *reg,
                                   const char *host, unsigned timeout_sec,
                                   char ***domains);

/* A client of a fleet host fenced by vrbd_vm_recover(). */
typedef struct vrbd_fence_record {
    char *fsid; /* its cluster */
    char *addr;
    int64_t until;
    char *domain; /* recovered elsewhere */
} vrbd_fence_record;

VRBD_API int vrbd_fleet_fence_records(vrbd_registry *reg, const char *host,
                                      vrbd_fence_record **out, size_t *n);
VRBD_API void vrbd_fence_record_list_free(vrbd_fence_record *r, size_t n);

/*
 * Lift the fences of host @host once it is back (rebooted): it must answer
 * within @timeout_sec and run none of the domains recovered elsewhere
 * (refused, naming it); their stale definitions there are undefined, the
 * blocklist entries removed, the record dropped.  *@lifted counts the
 * entries removed.
 */
VRBD_API int vrbd_fleet_unfence(vrbd_registry *reg, const char *host,
                                unsigned timeout_sec, size_t *lifted);

/* ------------------------------------------------------------ evacuation */

/* What became of one domain of an evacuated host. */
typedef struct vrbd_evacuate_item {
    const char *domain;
    const char *to;    /* the fleet host picked for it, or NULL (none) */
    bool ok;           /* it runs there now */
    double seconds;    /* the migration, when it ran */
    const char *error; /* why it stayed, when not @ok */
    const char *hint;  /* how to fix that, or NULL */
} vrbd_evacuate_item;

/* A destination left out: it did not answer (or is the source). */
typedef struct vrbd_evacuate_skip {
    const char *host;
    const char *why;
} vrbd_evacuate_skip;

#define VRBD_EVACUATE_OPTS_VERSION 1
typedef struct vrbd_evacuate_opts {
    unsigned version;      /* VRBD_EVACUATE_OPTS_VERSION */
    const char *const *to; /* fleet names to spread over; NULL: all others */
    size_t n_to;
    unsigned parallel;      /* migrations at once; 0 or 1: one at a time */
    unsigned bandwidth_mib; /* per migration; 0: libvirt's default */
    unsigned timeout_sec;   /* each host must answer within it */
    volatile int *cancel;   /* set to abort the running ones, start no more */
    /* called as each domain ends, one call at a time, from a worker
     * thread; the item and its strings are borrowed for the call */
    void (*done)(const vrbd_evacuate_item *it, void *opaque);
    /* called from the calling thread for each destination left out */
    void (*skipped)(const vrbd_evacuate_skip *s, void *opaque);
    void *opaque;
} vrbd_evacuate_opts;

typedef struct vrbd_evacuate_result {
    size_t domains; /* running on the host when it started */
    size_t moved;
    size_t failed;
} vrbd_evacuate_result;

/*
 * Live-migrate every running domain off registered host @host with
 * vrbd_vm_migrate(), at most opts->parallel at once (each worker with its
 * own connections), onto the other registered hosts, or only opts->to.
 * Each domain (in name order) goes to
 * the destination with the most free memory less what this run assigned
 * to it already.  A destination that does not answer within
 * opts->timeout_sec is skipped (opts->skipped).  A domain that cannot
 * move (refused by vrbd_vm_migrate's checks, or failed) stays running
 * where it is and is reported through opts->done.  Returns 0 when every
 * domain moved; -1 with the error set when the evacuation could not start
 * (no such host, no destination answers) or a domain stayed (the error
 * counts them); @res is filled in either case.
 */
VRBD_API int vrbd_fleet_evacuate(vrbd_registry *reg, const char *host,
                                 const vrbd_evacuate_opts *opts,
                                 vrbd_evacuate_result *res);

/* ---------------------------------------------------------------- apply */

/*
 * A described state made true: an apply file (YAML; the format is the
 * man page's APPLY FILES) names clusters, pools, users, this host's
 * connections, images with their snapshots, and VMs.  Loading reads and
 * checks it without asking anyone; planning asks the clusters and libvirt
 * and gives every object one step; running does the steps that change
 * something, in order, through the calls the single commands use.
 */
typedef struct vrbd_apply vrbd_apply;

/*
 * Read and check @path: YAML syntax (line and column), keys (an unknown
 * one named with the nearest valid one), values, two objects of one name,
 * keyrings readable by group or others, ${NAME} of an unset variable, a
 * cluster neither in the file nor registered in @reg.  All errors are
 * VRBD_ERR_INVALID (VRBD_ERR_NOT_FOUND: no such file) with "FILE:LINE:COL:"
 * first.  Free with vrbd_apply_free().
 */
VRBD_API int vrbd_apply_load(const char *path, vrbd_registry *reg,
                             vrbd_apply **out);
VRBD_API void vrbd_apply_free(vrbd_apply *a);

/* Whether planning and running need libvirt (host connections, VMs). */
VRBD_API bool vrbd_apply_needs_host(const vrbd_apply *a);

typedef enum {
    VRBD_APPLY_NOTHING, /* as the file says already */
    VRBD_APPLY_CREATE,
    VRBD_APPLY_MODIFY,
    VRBD_APPLY_DELETE, /* only what the file says is absent */
} vrbd_apply_action;

typedef struct vrbd_apply_step {
    vrbd_apply_action action;
    const char *kind;   /* "cluster", "pool", "user", "connection",
                         * "image", "snapshot", "vm" */
    const char *name;   /* "ceph:vms", "this -> ceph:vms", "web1" */
    const char *detail; /* what changes, or what is there */
} vrbd_apply_step;

/*
 * Plan: connect to every cluster the file names (the file's settings for
 * the clusters it describes, which proves them) and ask what exists, with
 * @host (may be NULL when !vrbd_apply_needs_host()).  Fails, changing
 * nothing, on what the run would be refused: a PG count over the
 * monitors' limit (counting the pools the plan makes before it), a VM's
 * golden image or disk, or a pool, that is neither there nor made by the
 * file, a non-empty pool or a running VM to be absent.  Steps are in
 * dependency order, deletions last.  Planning again replaces the plan.
 */
VRBD_API int vrbd_apply_plan(vrbd_apply *a, vrbd_registry *reg, vrbd_host *host,
                             unsigned timeout_sec);
VRBD_API size_t vrbd_apply_step_count(const vrbd_apply *a);
/* Step @i of the plan, borrowed from @a (NULL past the last). */
VRBD_API const vrbd_apply_step *vrbd_apply_step_at(const vrbd_apply *a,
                                                   size_t i);

/* Called before (@done false) and after each step that changes something. */
typedef void (*vrbd_apply_progress_fn)(const vrbd_apply_step *step, size_t i,
                                       size_t n, bool done, void *opaque);

/*
 * Do the plan's steps that change something, in order.  The first that
 * fails stops the run: -1 with its error, *@failed_at (may be NULL) its
 * index; the steps before it are done, those after it are not.  Planning
 * and running again goes on from there.
 */
VRBD_API int vrbd_apply_run(vrbd_apply *a, vrbd_registry *reg, vrbd_host *host,
                            unsigned timeout_sec, vrbd_apply_progress_fn fn,
                            void *opaque, size_t *failed_at);

#ifdef __cplusplus
}
#endif

#endif /* VRBD_H */
