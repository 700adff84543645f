/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cluster.c: connections to Ceph clusters.  One vrbd_cluster owns one
 * rados_t for one (cluster, cephx user).  Every connection is bounded by
 * timeouts and refused when no monitor address is known, because librados
 * would then ask DNS for _ceph-mon._tcp, a query that leaves the machine.
 * This module does not know the registry of named clusters; it connects
 * with what it is given.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <rados/librados.h>
#include <rbd/librbd.h>

#include "cephconf.h"
#include "internal.h"
#include "json-util.h"
#include "keybuf.h"

struct vrbd_cluster {
    char *name;
    char *user; /* cephx id, without "client." */
    char fsid[64];
    rados_t rados;
    unsigned bulk;        /* vrbd_cluster_bulk() depth */
    char bulk_old[2][16]; /* the values it put aside */
    unsigned timeout;     /* seconds, as connected */
    unsigned trash_keep;  /* seconds: vrbd_cluster_trash_keep() */
    bool unanswered;      /* an operation timed out */
    /* images closing on threads of their own (vrbd_cluster_close_later());
     * the last of them frees @cl when vrbd_cluster_free() came first */
    pthread_mutex_t lock;
    unsigned closing;
    bool freed;
};

/* what bulk transfer changes, and to what */
/* rbd_disable_zero_copy_writes stays on: with zero-copy, librbd holds a
 * request's completion until the messenger lets go of the buffer, and a
 * stopped OSD that no longer reads its socket holds it for good, past
 * rados_osd_op_timeout (seen in cli-import-faults.t: the import hung) */
static const char *const bulk_keys[] = {"rbd_cache"};
#define N_BULK (sizeof(bulk_keys) / sizeof(bulk_keys[0]))

void
vrbd_cluster_bulk(vrbd_cluster *cl, bool on)
{
    if (on && cl->bulk++ == 0) {
        for (size_t i = 0; i < N_BULK; i++) {
            if (rados_conf_get(cl->rados, bulk_keys[i], cl->bulk_old[i],
                               sizeof(cl->bulk_old[i])) < 0)
                cl->bulk_old[i][0] = '\0';
            rados_conf_set(cl->rados, bulk_keys[i], "false");
        }
    } else if (!on && cl->bulk > 0 && --cl->bulk == 0) {
        for (size_t i = 0; i < N_BULK; i++)
            if (cl->bulk_old[i][0])
                rados_conf_set(cl->rados, bulk_keys[i], cl->bulk_old[i]);
    }
}

VRBD_DEFINE_CLEANUP(vrbd_cluster, vrbd_cluster_free)

static int
check_keyring(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0)
        return vrbd_error_set(
            errno == ENOENT ? VRBD_ERR_NOT_FOUND : VRBD_ERR_CONFIG, errno,
            "give the path of an existing keyring file ({keyring})",
            "cannot read keyring '%s': %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return vrbd_error_set(VRBD_ERR_CONFIG, 0,
                              "give the path of a keyring file",
                              "keyring '%s' is not a regular file", path);
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        CLEANUP_FREE char *hint = xasprintf("run: chmod 600 '%s'", path);

        return vrbd_error_set(
            VRBD_ERR_PERMISSION, EACCES, hint,
            "keyring '%s' is readable by group or others (mode %03o)", path,
            (unsigned)(st.st_mode & 0777));
    }
    if (access(path, R_OK) < 0)
        return vrbd_error_set(VRBD_ERR_PERMISSION, errno,
                              "run {prog_name} as a user that may read it",
                              "cannot read keyring '%s': %s", path,
                              strerror(errno));
    return 0;
}

/*
 * With no --keyring, the key comes from the conf's keyring list (or a key
 * set inline).  Find it now: librados would otherwise drop cephx, print to
 * stderr and fail obscurely.  The file found must pass check_keyring().
 */
static int
find_keyring(vrbd_cluster *cl, const char *user)
{
    char list[4096] = "", probe[2] = "";
    CLEANUP_FREE char *hint = NULL;
    char *save = NULL, *path;
    int rk, rf;

    /* a 2-byte buffer only says whether a key is set inline: the key
     * itself never lands here (-ENAMETOOLONG means "set, and longer") */
    rk = rados_conf_get(cl->rados, "key", probe, sizeof(probe));
    if ((rk == 0 && *probe) || rk == -ENAMETOOLONG) {
        vrbd_keybuf_wipe(probe, sizeof(probe));
        return 0;
    }
    rf = rados_conf_get(cl->rados, "keyfile", probe, sizeof(probe));
    if ((rf == 0 && *probe) || rf == -ENAMETOOLONG)
        return 0;
    if (rados_conf_get(cl->rados, "keyring", list, sizeof(list)) < 0)
        *list = '\0';
    for (path = strtok_r(list, ",", &save); path;
         path = strtok_r(NULL, ",", &save)) {
        while (*path == ' ')
            path++;
        if (*path && access(path, F_OK) == 0)
            return check_keyring(path);
    }
    hint = xasprintf("give the keyring of client.%s ({keyring} FILE)", user);
    return vrbd_error_set(VRBD_ERR_CONFIG, ENOENT, hint,
                          "no keyring found for client.%s of cluster '%s'",
                          user, cl->name);
}

static int
conf_set(rados_t r, const char *cluster, const char *key, const char *value)
{
    int ret = rados_conf_set(r, key, value);

    if (ret < 0)
        return vrbd_error_ceph(ret, NULL, "cannot set '%s' for cluster '%s'",
                               key, cluster);
    return 0;
}

/*
 * librados prints its own complaints (bad auth method, missing keyring) on
 * stderr.  Setting err_to_stderr with rados_conf_set() does not silence
 * them in Pacific; the same setting read from a conf file does.  So read
 * one from memory, before the caller's conf, which may still override it.
 */
static void
quiet_librados(rados_t r)
{
    static const char quiet[] = "[global]\nerr_to_stderr = false\n"
                                "log_to_stderr = false\n";
    char path[64];
    int fd = memfd_create("vrbd-quiet.conf", MFD_CLOEXEC);

    if (fd < 0)
        return;
    if (write(fd, quiet, sizeof(quiet) - 1) == (ssize_t)(sizeof(quiet) - 1)) {
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        if (rados_conf_read_file(r, path) < 0)
            vrbd_debug("could not quiet librados's stderr");
    }
    close(fd);
}

/*
 * librados skips options it does not know without a word (Pacific: the
 * read returns 0, and rados_conf_get() of the name -ENOENT), so a
 * misspelt option, or one of a newer release, would silently do nothing.
 * Name them, once per file and process.  Names with '/' are the manager
 * modules' options, which librados never knows.  The probe is one byte,
 * wiped: no value, such as a "key", is ever copied out whole.
 */
struct unknown_scan {
    rados_t rados;
    char *list;
    size_t n;
};

static int
note_unknown(const char *name, int line, void *opaque)
{
    struct unknown_scan *u = opaque;
    char probe[1];
    char *next;

    if (strchr(name, '/') ||
        rados_conf_get(u->rados, name, probe, sizeof(probe)) != -ENOENT) {
        vrbd_keybuf_wipe(probe, sizeof(probe));
        return 0;
    }
    next = xasprintf("%s%s'%s' (line %d)", u->list ? u->list : "",
                     u->list ? ", " : "", name, line);
    free(u->list);
    u->list = next;
    u->n++;
    return 0;
}

static void
warn_unknown_options(rados_t r, const char *path)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static char **warned;
    static size_t n_warned;
    struct unknown_scan u = {.rados = r};
    CLEANUP_FREE char *text = NULL;
    size_t len = 0;
    bool seen = false;

    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < n_warned && !seen; i++)
        seen = strcmp(warned[i], path) == 0;
    if (!seen) {
        warned = xreallocarray(warned, n_warned + 1, sizeof(*warned));
        warned[n_warned++] = xstrdup(path);
    }
    pthread_mutex_unlock(&lock);
    if (seen || !(text = vrbd_file_slurp(path, &len)))
        return;
    vrbd_cephconf_names(text, len, note_unknown, &u);
    if (u.n > 0)
        vrbd_warn(
            "'%s' sets %s librados does not know and ignores: %s; check the spelling, or whether this Ceph release has %s",
            path, u.n > 1 ? "options" : "an option", u.list,
            u.n > 1 ? "them" : "it");
    free(u.list);
}

static int
connect_error(int ret, const vrbd_cluster *cl, const char *mon_host,
              const char *user, unsigned timeout)
{
    CLEANUP_FREE char *hint = NULL;

    switch (-ret) {
    case ETIMEDOUT:
        hint = xasprintf("check that the monitors at %s are up and "
                         "reachable, or raise {timeout_sec}",
                         mon_host);
        return vrbd_error_set(
            VRBD_ERR_TIMEOUT, -ret, hint,
            "monitors of cluster '%s' did not answer within %u s", cl->name,
            timeout);
    case EACCES:
    case EPERM:
        /* the monitors say the same for a wrong key and for a user with
         * no mon caps at all */
        hint = xasprintf("compare the keyring with 'ceph auth get client.%s'"
                         ": the key must match, and the caps must include "
                         "mon (e.g. mon 'profile rbd')",
                         user);
        return vrbd_error_set(
            VRBD_ERR_PERMISSION, -ret, hint,
            "cluster '%s' refused client.%s: its key is not the cluster's, or it has no mon caps",
            cl->name, user);
    case EIO:
        /* what librados returns when the key is no cephx key at all */
        hint = xasprintf("the keyring's 'key =' line for client.%s must be "
                         "a cephx key (ceph auth get-key client.%s)",
                         user, user);
        return vrbd_error_set(
            VRBD_ERR_CONFIG, -ret, hint,
            "cannot connect to cluster '%s': the key of client.%s in its keyring is not a valid key",
            cl->name, user);
    case ENOENT:
        hint = xasprintf("give the keyring of client.%s ({keyring})", user);
        return vrbd_error_set(VRBD_ERR_CONFIG, -ret, hint,
                              "no key for client.%s to connect to cluster '%s'",
                              user, cl->name);
    default:
        return vrbd_error_ceph(ret, NULL, "cannot connect to cluster '%s'",
                               cl->name);
    }
}

/*
 * The monitors that answered are those of the cluster meant: the fsid
 * registered (opts->fsid) and the one the conf names.  A conf copied from
 * another cluster, or monitors moved to other hands, would otherwise put
 * images in the wrong cluster without a word.
 */
static int
check_fsid(const vrbd_cluster *cl, const vrbd_cluster_opts *opts,
           const char *conf)
{
    if (opts->fsid && *opts->fsid && strcasecmp(opts->fsid, cl->fsid) != 0)
        return vrbd_error_set(
            VRBD_ERR_CONFIG, 0,
            "if the cluster was rebuilt, register it again ({prog}{vrbd_registry_remove}, then {vrbd_registry_add})",
            "the monitors of cluster '%s' answer for fsid %s, but it was registered with fsid %s",
            cl->name, cl->fsid, opts->fsid);
    if (*conf && strcasecmp(conf, cl->fsid) != 0)
        return vrbd_error_set(
            VRBD_ERR_CONFIG, 0,
            "fix the fsid line of the ceph.conf, or give the conf of this cluster",
            "the monitors of cluster '%s' answer for fsid %s, but its ceph.conf names fsid %s",
            cl->name, cl->fsid, conf);
    return 0;
}

int
vrbd_cluster_connect(const vrbd_cluster_opts *opts, vrbd_cluster **out)
{
    return vrbd_cluster_connect_named(opts, NULL, out);
}

/* The trash keep time @opts give, or the default */
static unsigned
trash_keep_of(const vrbd_cluster_opts *opts)
{
    return opts->version >= 2 && opts->trash_keep_sec ? opts->trash_keep_sec
                                                      : VRBD_TRASH_KEEP_SEC;
}

int
vrbd_cluster_connect_named(const vrbd_cluster_opts *opts, const char *ceph_name,
                           vrbd_cluster **out)
{
    CLEANUP(vrbd_cluster_free) vrbd_cluster *cl = NULL;
    const char *user = opts->user ? opts->user : "admin";
    unsigned timeout =
        opts->timeout_sec ? opts->timeout_sec : VRBD_DEFAULT_TIMEOUT_SEC;
    char mon_host[4096] = "";
    char conf_fsid[64] = "";
    char tbuf[32];
    int ret;

    if (vrbd_opts_check(opts, VRBD_CLUSTER_OPTS_VERSION, "vrbd_cluster_opts") <
        0)
        return -1;
    if (strncmp(user, "client.", 7) == 0)
        user += 7;
    if (!*user || strpbrk(user, " \t\n:/"))
        return vrbd_error_set(
            VRBD_ERR_INVALID, EINVAL,
            "give a cephx id such as 'admin' or 'client.libvirt'",
            "invalid cephx user '%s'", user);
    if (opts->keyring && check_keyring(opts->keyring) < 0)
        return -1;

    cl = xcalloc(1, sizeof(*cl));
    pthread_mutex_init(&cl->lock, NULL);
    cl->timeout = timeout;
    cl->trash_keep = trash_keep_of(opts);
    cl->name = xstrdup(opts->name ? opts->name : "ceph");
    cl->user = xstrdup(user);
    if (ceph_name) {
        CLEANUP_FREE char *entity = xasprintf("client.%s", user);

        ret = rados_create2(&cl->rados, ceph_name, entity, 0);
    } else {
        ret = rados_create(&cl->rados, user);
    }
    if (ret < 0) {
        cl->rados = NULL;
        return vrbd_error_ceph(ret, NULL, "cannot create a rados handle");
    }
    quiet_librados(cl->rados);
    /* Read only the file we were given: rados_conf_read_file(NULL) would
     * search /etc/ceph and $CEPH_CONF, mixing clusters up. */
    if (opts->conf_path) {
        if (access(opts->conf_path, R_OK) < 0)
            return vrbd_error_set(
                errno == ENOENT ? VRBD_ERR_NOT_FOUND : VRBD_ERR_CONFIG, errno,
                "give the path of the cluster's ceph.conf ({conf_path})",
                "cannot read '%s': %s", opts->conf_path, strerror(errno));
        ret = rados_conf_read_file(cl->rados, opts->conf_path);
        if (ret < 0)
            return vrbd_error_ceph(ret, "check the file's syntax",
                                   "cannot parse '%s'", opts->conf_path);
        warn_unknown_options(cl->rados, opts->conf_path);
    }
    if (opts->mon_host &&
        conf_set(cl->rados, cl->name, "mon_host", opts->mon_host) < 0)
        return -1;
    if (rados_conf_get(cl->rados, "mon_host", mon_host, sizeof(mon_host)) < 0 ||
        !*mon_host)
        return vrbd_error_set(
            VRBD_ERR_CONFIG, 0,
            "give monitor addresses ({mon_host}) or a ceph.conf that sets mon_host",
            "no monitor address known for cluster '%s'", cl->name);
    if (opts->keyring &&
        conf_set(cl->rados, cl->name, "keyring", opts->keyring) < 0)
        return -1;
    if (!opts->keyring && find_keyring(cl, user) < 0)
        return -1;
    snprintf(tbuf, sizeof(tbuf), "%u", timeout);
    if (conf_set(cl->rados, cl->name, "client_mount_timeout", tbuf) < 0 ||
        conf_set(cl->rados, cl->name, "rados_mon_op_timeout", tbuf) < 0 ||
        conf_set(cl->rados, cl->name, "rados_osd_op_timeout", tbuf) < 0)
        return -1;
    /* one admin socket per short-lived process is clutter, not help */
    if (conf_set(cl->rados, cl->name, "admin_socket", "") < 0)
        return -1;

    /* read before the connect, which sets it from the monitors' map;
     * librados reports an unset fsid as all zeros */
    if (rados_conf_get(cl->rados, "fsid", conf_fsid, sizeof(conf_fsid)) < 0 ||
        strspn(conf_fsid, "0-") == strlen(conf_fsid))
        conf_fsid[0] = '\0';
    vrbd_debug(
        "connecting to cluster '%s' as client.%s (mon_host %s, timeout %u s)",
        cl->name, user, mon_host, timeout);
    ret = rados_connect(cl->rados);
    if (ret < 0)
        return connect_error(ret, cl, mon_host, user, timeout);
    ret = rados_cluster_fsid(cl->rados, cl->fsid, sizeof(cl->fsid));
    if (ret < 0)
        return vrbd_error_ceph(ret, NULL, "cannot read the fsid of '%s'",
                               cl->name);
    if (check_fsid(cl, opts, conf_fsid) < 0)
        return -1;
    *out = TAKE(cl);
    return 0;
}

static void
cluster_free_now(vrbd_cluster *cl)
{
    if (cl->rados)
        rados_shutdown(cl->rados);
    pthread_mutex_destroy(&cl->lock);
    free(cl->name);
    free(cl->user);
    free(cl);
}

void
vrbd_cluster_free(vrbd_cluster *cl)
{
    bool later;

    if (!cl)
        return;
    pthread_mutex_lock(&cl->lock);
    later = cl->closing > 0;
    cl->freed = true;
    pthread_mutex_unlock(&cl->lock);
    if (!later)
        cluster_free_now(cl);
}

unsigned
vrbd_cluster_timeout(const vrbd_cluster *cl)
{
    return cl->timeout;
}

unsigned
vrbd_cluster_trash_keep(const vrbd_cluster *cl)
{
    return cl->trash_keep;
}

void
vrbd_cluster_set_unanswered(vrbd_cluster *cl)
{
    char tbuf[32];

    if (cl->unanswered)
        return;
    cl->unanswered = true;
    snprintf(tbuf, sizeof(tbuf), "%u", cl->timeout >= 8 ? cl->timeout / 4 : 1);
    rados_conf_set(cl->rados, "rados_mon_op_timeout", tbuf);
}

bool
vrbd_cluster_answers(const vrbd_cluster *cl)
{
    return !cl->unanswered;
}

int
vrbd_cluster_error(vrbd_cluster *cl, int ret, const char *fmt, ...)
{
    CLEANUP_FREE char *what = NULL;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&what, fmt, ap) < 0)
        abort();
    va_end(ap);
    if (ret != -ETIMEDOUT)
        return vrbd_error_ceph(ret, NULL, "%s", what);
    vrbd_cluster_set_unanswered(cl);
    return vrbd_error_set(
        VRBD_ERR_TIMEOUT, ETIMEDOUT,
        "check the cluster's health (ceph -s), or raise {timeout_sec}",
        "%s: timed out, cluster '%s' did not answer for %u s", what, cl->name,
        cl->timeout);
}

struct closing {
    vrbd_cluster *cl;
    rbd_image_t img;
};

static atomic_uint n_closing; /* over all connections */

unsigned
vrbd_closing(void)
{
    return atomic_load(&n_closing);
}

void
vrbd_cluster_hold(vrbd_cluster *cl)
{
    atomic_fetch_add(&n_closing, 1);
    pthread_mutex_lock(&cl->lock);
    cl->closing++;
    pthread_mutex_unlock(&cl->lock);
}

void
vrbd_cluster_release(vrbd_cluster *cl)
{
    bool last;

    pthread_mutex_lock(&cl->lock);
    last = --cl->closing == 0 && cl->freed;
    pthread_mutex_unlock(&cl->lock);
    if (last)
        cluster_free_now(cl);
    /* last: librados is done with this connection */
    atomic_fetch_sub(&n_closing, 1);
}

static void *
close_image(void *arg)
{
    struct closing *c = arg;
    vrbd_cluster *cl = c->cl;

    rbd_close(c->img);
    free(c);
    vrbd_cluster_release(cl);
    return NULL;
}

void
vrbd_cluster_close_later(vrbd_cluster *cl, void *img)
{
    struct closing *c = xmalloc(sizeof(*c));
    pthread_attr_t a;
    pthread_t t;
    int r;

    c->cl = cl;
    c->img = img;
    vrbd_cluster_hold(cl);
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    r = pthread_create(&t, &a, close_image, c);
    pthread_attr_destroy(&a);
    if (r != 0) /* no thread: closed here, however long it takes */
        close_image(c);
}

const char *
vrbd_cluster_name(const vrbd_cluster *cl)
{
    return cl->name;
}

const char *
vrbd_cluster_user(const vrbd_cluster *cl)
{
    return cl->user;
}

const char *
vrbd_cluster_fsid(const vrbd_cluster *cl)
{
    return cl->fsid;
}

enum { MON_JSON = 0, MON_NOKEYS = 1, MON_SECRET = 2, MON_TEXT = 3 };

/* The mon cap a command needs, for telling a restricted user what it
 * lacks. */
static const char *
cap_needed(const char *prefix)
{
    if (strncmp(prefix, "auth", 4) == 0)
        return "mon 'allow *'";
    if (strncmp(prefix, "osd pool", 8) == 0 ||
        strncmp(prefix, "osd blocklist", 13) == 0 ||
        strcmp(prefix, "config set") == 0)
        return "mon 'allow rw'";
    return "mon 'allow r'";
}

static int
access_denied(vrbd_cluster *cl, const char *prefix, int ret)
{
    CLEANUP_FREE char *hint = xasprintf(
        "'%s' needs %s: register cluster '%s' with a user that has it "
        "({prog}{vrbd_registry_add} NAME {user} admin {keyring} FILE)",
        prefix, cap_needed(prefix), cl->name);

    return vrbd_error_set(
        VRBD_ERR_PERMISSION, -ret, hint,
        "client.%s may not run '%s' on cluster '%s': it lacks the caps",
        cl->user, prefix, cl->name);
}

/*
 * Run @cmd (taken).  MON_JSON parses the answer; MON_NOKEYS first erases
 * every "key" value in it and wipes the raw answer; MON_SECRET returns the
 * answer as a secret through @secret and wipes the raw answer; MON_TEXT
 * returns the answer as it is (NUL-terminated) through @text.
 */
static int
mon_run(vrbd_cluster *cl, struct json_object *cmd, int mode,
        struct json_object **out, vrbd_keybuf **secret, char **text)
{
    const char *cmds[1] = {
        json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN)};
    CLEANUP_FREE char *prefix =
        xstrdup(vrbd_json_str(cmd, "prefix", "command"));
    char *outbuf = NULL, *outs = NULL;
    size_t outlen = 0, outslen = 0;
    struct json_object *obj = NULL;
    int ret;

    /* commands never carry keys (keys travel in answers), so this is safe
     * to log */
    vrbd_debug("cluster '%s': %s", cl->name, cmds[0]);
    ret = rados_mon_command(cl->rados, cmds, 1, "", 0, &outbuf, &outlen, &outs,
                            &outslen);
    json_object_put(cmd);
    if (ret == -ETIMEDOUT)
        vrbd_cluster_set_unanswered(cl);
    if (mode == MON_NOKEYS)
        vrbd_keybuf_scrub_json_keys(outbuf, outlen);
    if (ret < 0) {
        CLEANUP_FREE char *status = xstrndup(outs ? outs : "", outslen);
        char *st = status;

        if (mode != MON_JSON)
            vrbd_keybuf_wipe(outbuf, outlen);
        rados_buffer_free(outbuf);
        rados_buffer_free(outs);
        while (*st == ' ')
            st++;
        if (ret == -EACCES || ret == -EPERM) {
            /* EPERM also means "not allowed by settings" (pool delete):
             * only "access denied" is about caps */
            if (ret == -EACCES || strstr(st, "access denied"))
                return access_denied(cl, prefix, ret);
        }
        if (*st)
            return vrbd_error_set(vrbd_error_from_ceph(ret), -ret, NULL,
                                  "cluster '%s' refused '%s': %s", cl->name,
                                  prefix, st);
        return vrbd_error_ceph(ret, NULL, "cluster '%s' refused '%s'", cl->name,
                               prefix);
    }
    if (mode == MON_TEXT) {
        *text = xstrndup(outbuf ? outbuf : "", outlen);
        rados_buffer_free(outbuf);
        rados_buffer_free(outs);
        return 0;
    }
    if (mode == MON_SECRET) {
        *secret = vrbd_keybuf_new(outbuf ? outbuf : "", outlen);
        vrbd_keybuf_wipe(outbuf, outlen);
    } else if (out) {
        obj = vrbd_json_parse(outbuf, outlen);
    }
    if (mode != MON_JSON)
        vrbd_keybuf_wipe(outbuf, outlen);
    rados_buffer_free(outbuf);
    rados_buffer_free(outs);
    if (mode == MON_SECRET || !out)
        return 0;
    if (!obj)
        return vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                              "cluster '%s' answered '%s' with invalid JSON",
                              cl->name, prefix);
    *out = obj;
    return 0;
}

int
vrbd_cluster_mon_json(vrbd_cluster *cl, struct json_object *cmd,
                      struct json_object **out)
{
    return mon_run(cl, cmd, MON_JSON, out, NULL, NULL);
}

int
vrbd_cluster_mon_text(vrbd_cluster *cl, struct json_object *cmd, char **out)
{
    return mon_run(cl, cmd, MON_TEXT, NULL, NULL, out);
}

int
vrbd_cluster_mon_json_nokeys(vrbd_cluster *cl, struct json_object *cmd,
                             struct json_object **out)
{
    return mon_run(cl, cmd, MON_NOKEYS, out, NULL, NULL);
}

int
vrbd_cluster_mon_secret(vrbd_cluster *cl, struct json_object *cmd,
                        vrbd_keybuf **out)
{
    return mon_run(cl, cmd, MON_SECRET, NULL, out, NULL);
}

rados_t
vrbd_cluster_rados(vrbd_cluster *cl)
{
    return cl->rados;
}

/* "[v2:127.0.0.1:3300/0,v1:...]" from a mon dump addrvec, nonces dropped */
static char *
format_addrvec(struct json_object *mon)
{
    struct json_object *addrs = vrbd_json_path(mon, "public_addrs.addrvec");
    size_t i, n = vrbd_json_array_len(addrs);
    char *res = xstrdup("[");

    for (i = 0; i < n; i++) {
        struct json_object *a = json_object_array_get_idx(addrs, i);
        char *next = xasprintf("%s%s%s:%s", res, i ? "," : "",
                               vrbd_json_str(a, "type", "?"),
                               vrbd_json_str(a, "addr", "?"));

        free(res);
        res = next;
    }
    if (n == 0) {
        free(res);
        return xstrdup(vrbd_json_str(mon, "addr", "?"));
    }
    {
        char *next = xasprintf("%s]", res);

        free(res);
        return next;
    }
}

vrbd_cluster_status *
vrbd_cluster_status_read(struct json_object *status, struct json_object *mons,
                         const char *fsid)
{
    vrbd_cluster_status *st;
    struct json_object *osdmap, *checks, *states, *list;
    size_t i, n;

    st = xcalloc(1, sizeof(*st));
    st->fsid = xstrdup(vrbd_json_str(status, "fsid", fsid));
    st->health = xstrdup(vrbd_json_str(vrbd_json_path(status, "health"),
                                       "status", "HEALTH_UNKNOWN"));
    checks = vrbd_json_path(status, "health.checks");
    if (checks && json_object_is_type(checks, json_type_object)) {
        json_object_object_foreach(checks, code, check)
        {
            st->health_checks = xreallocarray(
                st->health_checks, st->n_health_checks + 1, sizeof(char *));
            st->health_checks[st->n_health_checks++] = xasprintf(
                "%s: %s", code,
                vrbd_json_str(vrbd_json_path(check, "summary"), "message", ""));
        }
    }
    /* Pacific has status.osdmap.num_osds; older releases nest osdmap. */
    osdmap = vrbd_json_path(status, "osdmap.osdmap");
    if (!osdmap)
        osdmap = vrbd_json_path(status, "osdmap");
    st->osds = vrbd_json_u64(osdmap, "num_osds");
    st->osds_up = vrbd_json_u64(osdmap, "num_up_osds");
    st->osds_in = vrbd_json_u64(osdmap, "num_in_osds");
    st->pools = vrbd_json_u64(vrbd_json_path(status, "pgmap"), "num_pools");
    st->pgs = vrbd_json_u64(vrbd_json_path(status, "pgmap"), "num_pgs");
    st->bytes_used =
        vrbd_json_u64(vrbd_json_path(status, "pgmap"), "bytes_used");
    st->bytes_avail =
        vrbd_json_u64(vrbd_json_path(status, "pgmap"), "bytes_avail");
    st->bytes_total =
        vrbd_json_u64(vrbd_json_path(status, "pgmap"), "bytes_total");
    states = vrbd_json_path(status, "pgmap.pgs_by_state");
    n = vrbd_json_array_len(states);
    for (i = 0; i < n; i++) {
        struct json_object *s = json_object_array_get_idx(states, i);

        if (strcmp(vrbd_json_str(s, "state_name", ""), "active+clean") == 0)
            st->pgs_active_clean += vrbd_json_u64(s, "count");
    }
    list = vrbd_json_path(mons, "mons");
    n = vrbd_json_array_len(list);
    st->mon_addrs = xcalloc(n + 1, sizeof(char *));
    for (i = 0; i < n; i++)
        st->mon_addrs[i] = format_addrvec(json_object_array_get_idx(list, i));
    st->n_mon_addrs = n;
    return st;
}

int
vrbd_cluster_status_get(vrbd_cluster *cl, vrbd_cluster_status **out)
{
    CLEANUP(vrbd_json_put) struct json_object *status = NULL;
    CLEANUP(vrbd_json_put) struct json_object *mons = NULL;

    if (vrbd_cluster_mon_json(cl, vrbd_json_cmd("status"), &status) < 0 ||
        vrbd_cluster_mon_json(cl, vrbd_json_cmd("mon dump"), &mons) < 0)
        return -1;
    *out = vrbd_cluster_status_read(status, mons, cl->fsid);
    return 0;
}

void
vrbd_cluster_status_free(vrbd_cluster_status *st)
{
    size_t i;

    if (!st)
        return;
    for (i = 0; i < st->n_health_checks; i++)
        free(st->health_checks[i]);
    for (i = 0; i < st->n_mon_addrs; i++)
        free(st->mon_addrs[i]);
    free(st->health_checks);
    free(st->mon_addrs);
    free(st->fsid);
    free(st->health);
    free(st);
}
