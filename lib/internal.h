/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * internal.h: what every module of libvrbd shares and no program sees:
 * setting the thread's error, logging, and the libvirt/Ceph error mapping.
 */
#ifndef VRBD_INTERNAL_H
#define VRBD_INTERNAL_H

#include <rados/librados.h>

#include "vrbd.h"
#include "cleanup.h"
#include "kvfile.h"
#include "xalloc.h"

/*
 * Set the calling thread's error.  @hint may be NULL.  @fmt makes the
 * message: lower case, no final period, user values in 'quotes'.
 * Always returns -1 so callers can `return vrbd_error_set(...)`.
 */
int vrbd_error_set(vrbd_error_code code, int errnum, const char *hint,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Whether @opts, a vrbd_*_opts of name @type ("vrbd_copy_opts") whose
 * first member is its version, has a version this library reads: 1 to
 * @known (its VRBD_*_OPTS_VERSION).  0, or -1 with VRBD_ERR_INVALID for
 * NULL, version 0 (not set) or a newer version.  Every entry point taking
 * options checks them first; when a struct grows (a new version), the
 * fields it gains are read only when opts->version has them.
 */
int vrbd_opts_check(const void *opts, unsigned known, const char *type);

/*
 * The thread's error kept across cleanup that may set another: save it,
 * clean up, restore it.  vrbd_error_save() copies it into @s;
 * vrbd_error_restore() makes it the thread's error again, with @hint in
 * place of the saved one unless NULL, and releases @s; returns -1.
 * vrbd_error_saved_free() releases @s without restoring it.
 */
typedef struct vrbd_error_saved {
    vrbd_error_code code;
    int errnum;
    char *message;
    char *hint;
} vrbd_error_saved;
void vrbd_error_save(vrbd_error_saved *s);
int vrbd_error_restore(vrbd_error_saved *s, const char *hint);
void vrbd_error_saved_free(vrbd_error_saved *s);

/*
 * @text with libvrbd's tokens ("{force}", "{vrbd_volume_remove}": see
 * vrbd_words_set() and words.h) in the words of the installed
 * vrbd_words_fn, or the plain ones; free().  vrbd_error_set(), the log
 * and the doctor's checks pass what they are given through it.
 */
char *vrbd_words(const char *text);

/* Map a negative errno returned by librados/librbd to an error code. */
vrbd_error_code vrbd_error_from_ceph(int ret);

/*
 * Set the error from a librados/librbd return value @ret (-errno):
 * "<what>: <strerror>".  Returns -1.
 */
int vrbd_error_ceph(int ret, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copy libvirt's last error into the thread's error, prefixed by @what. */
int vrbd_error_libvirt(const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The fsid in a virt-rbd secret usage name ("virt-rbd/FSID/client.NAME"),
 * or NULL for any other name; free(). */
char *vrbd_secret_usage_fsid(const char *usage);

/* Load libvirt (virt.h) and silence its own printing of errors; every way
 * into libvirt starts here.  0, or -1 with the error set (libvirt is not
 * installed). */
int vrbd_libvirt_init(void);

/* Why @pool takes no more writes ("its quota of N bytes is reached"), or
 * NULL when it is not flagged full or the monitors cannot tell; free(). */
char *vrbd_pool_full_reason(vrbd_cluster *cl, const char *pool);
/* Why @pool's quota leaves less room than @need bytes ("its quota of 100
 * MiB leaves 20 MiB, and the data takes 256 MiB"), or NULL when it has
 * room, no quota, or the monitors cannot tell; free().  Ceph enforces
 * quotas late (on the next statistics, seconds after): this check is
 * what refuses an import that cannot fit before it starts. */
char *vrbd_pool_quota_short(vrbd_cluster *cl, const char *pool, uint64_t need);
#define VRBD_FULL_POOL_HINT                                                    \
    "raise the quota (ceph osd pool set-quota) or free space in the pool, "    \
    "then run it again"

/* A connection to the registered cluster with @fsid (NOT_FOUND when none
 * has it); the caller frees it. */
vrbd_cluster *vrbd_cluster_by_fsid(vrbd_registry *reg, const char *fsid,
                                   unsigned timeout);

/*
 * vrbd_cluster_connect(), the handle made with Ceph cluster name
 * @ceph_name (rados_create2(); NULL: "ceph", as rados_create() makes it).
 * librbd reads that name as "this cluster" in places: importing a mirror
 * peer refuses a remote site named as the importing handle is.
 */
int vrbd_cluster_connect_named(const vrbd_cluster_opts *opts,
                               const char *ceph_name, vrbd_cluster **out);

/* The rados handle of @cl, owned by it. */
rados_t vrbd_cluster_rados(vrbd_cluster *cl);

/*
 * Bulk transfer on @cl's handle from vrbd_cluster_bulk(cl, true) to the
 * matching (cl, false) (they nest): librbd without its cache (which
 * copies every write into it and reads ahead).  librbd reads it when it
 * opens an image and again on every refresh, so it holds for as long as
 * such images are open; other images opened on the handle meanwhile get
 * it too.
 */
void vrbd_cluster_bulk(vrbd_cluster *cl, bool on);

/* The timeout @cl was connected with, in seconds. */
unsigned vrbd_cluster_timeout(const vrbd_cluster *cl);

/*
 * @cl stopped answering: an operation ran out of its timeout.  From now
 * on its monitor commands wait a quarter of the timeout at most (a
 * diagnosis asked after the failure must not double its cost), and
 * clean-up that needs the cluster is skipped (vrbd_cluster_answers()).
 */
void vrbd_cluster_set_unanswered(vrbd_cluster *cl);
bool vrbd_cluster_answers(const vrbd_cluster *cl);
/*
 * vrbd_error_ceph() for a Ceph call on @cl that returned @ret: a timeout
 * names the cluster that did not answer and how long it was given (and
 * marks it unanswered), anything else is as vrbd_error_ceph(@ret, NULL).
 * Returns -1.
 */
int vrbd_cluster_error(vrbd_cluster *cl, int ret, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Close @img (an rbd_image_t of @cl) on a thread of its own: a cluster that
 * does not answer holds rbd_close() until the requests still in flight and
 * the release of the image's lock have run out of their timeouts.  @cl
 * stays connected until then, vrbd_cluster_free() or not; the process may
 * exit meanwhile.
 */
void vrbd_cluster_close_later(vrbd_cluster *cl, void *img);
/*
 * A thread of its own that still uses @cl (as vrbd_cluster_close_later()
 * does) holds it: @cl stays connected until the last holder releases it,
 * vrbd_cluster_free() or not, and vrbd_closing() counts the holders.
 */
void vrbd_cluster_hold(vrbd_cluster *cl);
void vrbd_cluster_release(vrbd_cluster *cl);
/*
 * Monitor addresses as libvirt wants them ("ip:port"), from a monmap
 * address vector such as "[v2:127.0.0.1:3300,v1:127.0.0.1:6789]": the v1
 * (msgr1) address when there is one, which every client speaks, else v2.
 * Returns a NULL-terminated array (vrbd_strv_free()) or NULL (INVALID).
 */
char **vrbd_mon_addrs_to_hosts(char *const *addrvecs, size_t n);
/* Every address (v1 and v2) of the monitors in @addrvecs, "ip:port" with
 * IPv6 in brackets: what a client may list.  As above otherwise. */
char **vrbd_mon_addrs_all(char *const *addrvecs, size_t n);

/* The p-th percentile (0..100) of @n sorted values, by nearest rank (the
 * benchmark's latencies). */
double vrbd_bench_percentile(const double *sorted, size_t n, double p);

/* Read a whole file of at most 1 MiB, NUL-terminated, its length in *@len;
 * NULL with errno set on failure (EFBIG: larger).  free() the result. */
char *vrbd_file_slurp(const char *path, size_t *len);

/* Write @text to @path via a temporary file in the same directory: a
 * reader never sees half a file.  0, or -1 with the error set. */
int vrbd_file_write_atomic(const char *path, const char *text);
/* The same with file mode @mode (0600: data of others' disks). */
int vrbd_file_write_mode(unsigned mode, const char *path, const char *text);

/* Make the registry's directory and its @subdir ("clusters", "hosts"). */
int vrbd_registry_mkdir(const vrbd_registry *reg, const char *subdir);

/* The names of the NAME.conf files in the registry's @subdir that
 * @name_ok accepts (others are a person's, left alone), sorted and
 * NULL-terminated; none when it does not exist.  NULL with the error set
 * when it cannot be read. */
char **vrbd_registry_names(const vrbd_registry *reg, const char *subdir,
                           int (*name_ok)(const char *));

/* "known @what: a, b" of @names, or @none when there are none; free(). */
char *vrbd_registry_known(char *const *names, const char *what,
                          const char *none);

/* -1 with the error set when @value cannot be a registry value. */
int vrbd_kv_value_check(const char *what, const char *value);

/* Parse the "key = value" file @path, calling @fn per pair (kvfile.h);
 * a missing file is empty when @missing_ok.  0, or -1 with the error
 * set (a malformed line named with its number). */
int vrbd_kv_file_read(const char *path, vrbd_kv_fn fn, void *opaque,
                      bool missing_ok);

/*
 * Tests only: when the environment variable VRBD_TEST_PAUSE_AT names
 * @point (one name, or several separated by commas), the process stops
 * itself there (SIGSTOP) until a test has done its fault and sends
 * SIGCONT.  The points: attach-before-device, attach-after-device,
 * connect-after-user, connect-secret-defined, connect-after-define,
 * move-copying (every copy started), move-pivot (before the pivot of
 * each disk), move-pivoted (every disk pivoted, the definition not yet
 * written), reconnect (before it tries), list-after-first (a long
 * listing has read its first image), rm-removing (vol rm: librbd has
 * deleted the first data objects), fence-blocklisted (vol fence: every
 * client is on the blocklist, no lock broken yet), dr-enable-first (dr
 * enable: the first disk mirrored and scheduled, the others not yet).  Costs
 * one getenv() when unset.
 */
void vrbd_test_pause(const char *point);

void vrbd_log(vrbd_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define vrbd_debug(...) vrbd_log(VRBD_LOG_DEBUG, __VA_ARGS__)
#define vrbd_info(...) vrbd_log(VRBD_LOG_INFO, __VA_ARGS__)
#define vrbd_warn(...) vrbd_log(VRBD_LOG_WARN, __VA_ARGS__)

#endif
