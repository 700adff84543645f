/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registry.c: the clusters this host knows, as one small file per cluster
 * under the config directory (see vrbd.h).  Files are written whole to a
 * temporary name and renamed, so a reader never sees half a file.  The
 * registry holds paths and addresses only; keys stay in keyring files (and,
 * on hosts, in libvirt secrets).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "kvfile.h"

struct vrbd_registry {
    char *dir;
};

int
vrbd_registry_open(const char *dir, vrbd_registry **out)
{
    vrbd_registry *reg;

    if (!dir)
        dir = getenv("VIRT_RBD_CONFIG_DIR");
    if (!dir || !*dir)
        dir = VRBD_DEFAULT_CONFIG_DIR;
    reg = xcalloc(1, sizeof(*reg));
    reg->dir = xstrdup(dir);
    *out = reg;
    return 0;
}

void
vrbd_registry_free(vrbd_registry *reg)
{
    if (!reg)
        return;
    free(reg->dir);
    free(reg);
}

const char *
vrbd_registry_dir(const vrbd_registry *reg)
{
    return reg->dir;
}

void
vrbd_cluster_entry_clear(vrbd_cluster_entry *e)
{
    free(e->name);
    free(e->fsid);
    free(e->conf_path);
    free(e->mon_host);
    free(e->user);
    free(e->keyring);
    memset(e, 0, sizeof(*e));
}

void
vrbd_cluster_entry_list_free(vrbd_cluster_entry *entries, size_t n)
{
    if (!entries)
        return;
    for (size_t i = 0; i < n; i++)
        vrbd_cluster_entry_clear(&entries[i]);
    free(entries);
}

static char *
cluster_path(const vrbd_registry *reg, const char *name)
{
    return xasprintf("%s/clusters/%s.conf", reg->dir, name);
}

char *
vrbd_file_slurp(const char *path, size_t *len)
{
    CLEANUP_FCLOSE FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0, n = 0, r;

    if (!f)
        return NULL;
    do {
        if (n + 4096 > cap)
            buf = xrealloc(buf, cap = cap ? cap * 2 : 8192);
        r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (n > (1 << 20)) {
            free(buf);
            errno = EFBIG;
            return NULL;
        }
    } while (r > 0);
    buf[n] = '\0';
    *len = n;
    return buf;
}

int
vrbd_file_write_mode(unsigned mode, const char *path, const char *text)
{
    CLEANUP_FREE char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
    size_t len = strlen(text);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);

    if (fd < 0)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL, "cannot write '%s': %s",
                              tmp, strerror(errno));
    if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0) {
        int e = errno;

        close(fd);
        unlink(tmp);
        return vrbd_error_set(VRBD_ERR_IO, e, NULL, "cannot write '%s': %s",
                              tmp, strerror(e));
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        int e = errno;

        unlink(tmp);
        return vrbd_error_set(VRBD_ERR_IO, e, NULL,
                              "cannot rename '%s' to '%s': %s", tmp, path,
                              strerror(e));
    }
    return 0;
}

int
vrbd_file_write_atomic(const char *path, const char *text)
{
    return vrbd_file_write_mode(0644, path, text);
}

int
vrbd_registry_mkdir(const vrbd_registry *reg, const char *subdir)
{
    CLEANUP_FREE char *sub = xasprintf("%s/%s", reg->dir, subdir);

    if ((mkdir(reg->dir, 0755) < 0 && errno != EEXIST) ||
        (mkdir(sub, 0755) < 0 && errno != EEXIST))
        return vrbd_error_set(VRBD_ERR_IO, errno,
                              "give a writable directory ({dir})",
                              "cannot create '%s': %s", sub, strerror(errno));
    return 0;
}

struct parse_ctx {
    const char *path;
    vrbd_cluster_entry *e;
    char *default_name;
};

static int
entry_kv(const char *key, const char *value, int line, void *opaque)
{
    struct parse_ctx *ctx = opaque;
    char **slot = NULL;

    if (strcmp(key, "fsid") == 0)
        slot = &ctx->e->fsid;
    else if (strcmp(key, "conf") == 0)
        slot = &ctx->e->conf_path;
    else if (strcmp(key, "mon_host") == 0)
        slot = &ctx->e->mon_host;
    else if (strcmp(key, "id") == 0)
        slot = &ctx->e->user;
    else if (strcmp(key, "keyring") == 0)
        slot = &ctx->e->keyring;
    else if (strcmp(key, "trash_keep") == 0) {
        char *end;
        unsigned long v = strtoul(value, &end, 10);

        if (!*value || *end || v == 0 || v > 366UL * 86400)
            return vrbd_error_set(VRBD_ERR_CONFIG, 0,
                                  "give seconds, from 1 to 31622400 (366 days)",
                                  "%s:%d: trash_keep '%s' is no number of "
                                  "seconds",
                                  ctx->path, line, value);
        ctx->e->trash_keep_sec = (unsigned)v;
        return 0;
    }
    if (!slot)
        return vrbd_error_set(
            VRBD_ERR_CONFIG, 0,
            "known keys: fsid, conf, mon_host, id, keyring, trash_keep",
            "%s:%d: unknown key '%s'", ctx->path, line, key);
    free(*slot);
    *slot = *value ? xstrdup(value) : NULL;
    return 0;
}

static int
settings_kv(const char *key, const char *value, int line, void *opaque)
{
    struct parse_ctx *ctx = opaque;

    if (strcmp(key, "default_cluster") != 0)
        return vrbd_error_set(VRBD_ERR_CONFIG, 0, "known keys: default_cluster",
                              "%s:%d: unknown key '%s'", ctx->path, line, key);
    free(ctx->default_name);
    ctx->default_name = *value ? xstrdup(value) : NULL;
    return 0;
}

int
vrbd_kv_file_read(const char *path, vrbd_kv_fn fn, void *opaque,
                  bool missing_ok)
{
    CLEANUP_FREE char *text = NULL;
    const char *why = NULL;
    size_t len = 0;
    int line = 0;

    text = vrbd_file_slurp(path, &len);
    if (!text) {
        if (errno == ENOENT && missing_ok)
            return 0;
        return vrbd_error_set(
            errno == ENOENT ? VRBD_ERR_NOT_FOUND : VRBD_ERR_CONFIG, errno, NULL,
            "cannot read '%s': %s", path, strerror(errno));
    }
    if (vrbd_kv_parse(text, len, fn, opaque, &why, &line) < 0) {
        if (why)
            vrbd_error_set(VRBD_ERR_CONFIG, 0, "fix or remove that line",
                           "%s:%d: %s", path, line, why);
        return -1;
    }
    return 0;
}

/* The default cluster's name (owned), or NULL when none is set. */
static int
read_default(vrbd_registry *reg, char **name)
{
    CLEANUP_FREE char *path = xasprintf("%s/virt-rbd.conf", reg->dir);
    struct parse_ctx ctx = {.path = path};

    if (vrbd_kv_file_read(path, settings_kv, &ctx, true) < 0) {
        free(ctx.default_name);
        return -1;
    }
    *name = ctx.default_name;
    return 0;
}

static int
write_default(vrbd_registry *reg, const char *name)
{
    CLEANUP_FREE char *path = xasprintf("%s/virt-rbd.conf", reg->dir);
    CLEANUP_FREE char *text = xasprintf(
        "# virt-rbd settings.  default_cluster is used when a name has no "
        "CLUSTER: part.\ndefault_cluster = %s\n",
        name ? name : "");

    if (vrbd_registry_mkdir(reg, "clusters") < 0)
        return -1;
    return vrbd_file_write_atomic(path, text);
}

static int
load_entry(vrbd_registry *reg, const char *name, const char *default_name,
           vrbd_cluster_entry *out)
{
    CLEANUP_FREE char *path = cluster_path(reg, name);
    vrbd_cluster_entry e = {0};
    struct parse_ctx ctx = {.path = path, .e = &e};

    if (vrbd_kv_file_read(path, entry_kv, &ctx, false) < 0) {
        vrbd_cluster_entry_clear(&e);
        return -1;
    }
    e.name = xstrdup(name);
    if (!e.user)
        e.user = xstrdup("admin");
    e.is_default = default_name && strcmp(default_name, name) == 0;
    *out = e;
    return 0;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
vrbd_registry_names(const vrbd_registry *reg, const char *subdir,
                    int (*name_ok)(const char *))
{
    CLEANUP_FREE char *sub = xasprintf("%s/%s", reg->dir, subdir);
    char **res = xcalloc(1, sizeof(*res));
    size_t n = 0;
    struct dirent *de;
    DIR *d = opendir(sub);

    if (!d && errno != ENOENT) {
        free(res);
        vrbd_error_set(VRBD_ERR_CONFIG, errno, NULL, "cannot read '%s': %s",
                       sub, strerror(errno));
        return NULL;
    }
    while (d && (de = readdir(d))) {
        size_t len = strlen(de->d_name);
        char *name;

        if (len <= 5 || strcmp(de->d_name + len - 5, ".conf") != 0 ||
            de->d_name[0] == '.')
            continue;
        name = xstrndup(de->d_name, len - 5);
        if (name_ok(name) < 0) {
            vrbd_error_clear();
            free(name); /* not ours: a person's backup copy, say */
            continue;
        }
        res = xreallocarray(res, n + 2, sizeof(*res));
        res[n++] = name;
        res[n] = NULL;
    }
    if (d)
        closedir(d);
    qsort(res, n, sizeof(*res), cmp_name);
    return res;
}

char *
vrbd_registry_known(char *const *names, const char *what, const char *none)
{
    char *res;

    if (!names || !names[0])
        return xstrdup(none);
    res = xasprintf("known %s:", what);
    for (size_t i = 0; names[i]; i++) {
        char *next = xasprintf("%s%s %s", res, i ? "," : "", names[i]);

        free(res);
        res = next;
    }
    return res;
}

int
vrbd_registry_list(vrbd_registry *reg, vrbd_cluster_entry **entries,
                   size_t *n_entries)
{
    CLEANUP_FREE char *default_name = NULL;
    CLEANUP_STRV char **names = NULL;
    vrbd_cluster_entry *res;
    size_t n = 0;

    if (read_default(reg, &default_name) < 0 ||
        !(names =
              vrbd_registry_names(reg, "clusters", vrbd_cluster_name_check)))
        return -1;
    while (names[n])
        n++;
    res = xcalloc(n + 1, sizeof(*res));
    for (size_t i = 0; i < n; i++)
        if (load_entry(reg, names[i], default_name, &res[i]) < 0) {
            vrbd_cluster_entry_list_free(res, i);
            return -1;
        }
    *entries = res;
    *n_entries = n;
    return 0;
}

static char *
known_names(vrbd_registry *reg)
{
    CLEANUP_STRV char **names =
        vrbd_registry_names(reg, "clusters", vrbd_cluster_name_check);

    vrbd_error_clear();
    return vrbd_registry_known(
        names, "clusters",
        "none is registered: run '{prog}{vrbd_registry_add}'");
}

int
vrbd_registry_get(vrbd_registry *reg, const char *name, vrbd_cluster_entry *out)
{
    CLEANUP_FREE char *default_name = NULL;
    CLEANUP_FREE char *path = NULL;

    if (read_default(reg, &default_name) < 0)
        return -1;
    if (!name) {
        if (!default_name) {
            CLEANUP_FREE char *known = known_names(reg);

            return vrbd_error_set(VRBD_ERR_NOT_FOUND, 0, known,
                                  "no default cluster in '%s'", reg->dir);
        }
        name = default_name;
    }
    if (vrbd_cluster_name_check(name) < 0)
        return -1;
    path = cluster_path(reg, name);
    if (access(path, F_OK) < 0) {
        CLEANUP_FREE char *known = known_names(reg);

        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, known,
                              "cluster '%s' is not registered", name);
    }
    return load_entry(reg, name, default_name, out);
}

static char *
absolute(const char *path)
{
    char buf[PATH_MAX];

    if (path[0] == '/')
        return xstrdup(path);
    if (!getcwd(buf, sizeof(buf)))
        return xstrdup(path);
    return xasprintf("%s/%s", buf, path);
}

int
vrbd_kv_value_check(const char *what, const char *value)
{
    if (value && !vrbd_kv_value_ok(value))
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "%s '%s' has a line break or edge spaces", what,
                              value);
    return 0;
}

/* The file of cluster entry @s. */
static char *
entry_text(const vrbd_cluster_entry *s)
{
    char keep[48] = "";

    if (s->trash_keep_sec)
        snprintf(keep, sizeof(keep), "trash_keep = %u\n", s->trash_keep_sec);
    return xasprintf(
        "# virt-rbd cluster '%s', written by 'virt-rbd cluster add'.\n# Keys: "
        "fsid, conf, mon_host, id, keyring, trash_keep (seconds).  No secret "
        "belongs here.\nfsid = %s\n%s%s%s%s%s%sid = %s\n%s%s%s%s",
        s->name, s->fsid, s->conf_path ? "conf = " : "",
        s->conf_path ? s->conf_path : "", s->conf_path ? "\n" : "",
        s->mon_host ? "mon_host = " : "", s->mon_host ? s->mon_host : "",
        s->mon_host ? "\n" : "", s->user, s->keyring ? "keyring = " : "",
        s->keyring ? s->keyring : "", s->keyring ? "\n" : "", keep);
}

int
vrbd_registry_add(vrbd_registry *reg, const vrbd_cluster_entry *e,
                  unsigned timeout_sec, vrbd_cluster_entry *stored)
{
    CLEANUP_FREE char *path = NULL;
    CLEANUP_FREE char *text = NULL;
    CLEANUP_FREE char *default_name = NULL;
    vrbd_cluster_entry *all = NULL;
    vrbd_cluster_entry s = {0};
    vrbd_cluster *cl = NULL;
    size_t n = 0;
    int ret = -1;

    if (!e->name || vrbd_cluster_name_check(e->name) < 0)
        return e->name ? -1
                       : vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                                        "a cluster needs a name");
    if (vrbd_kv_value_check("mon_host", e->mon_host) < 0 ||
        vrbd_kv_value_check("conf", e->conf_path) < 0 ||
        vrbd_kv_value_check("keyring", e->keyring) < 0 ||
        vrbd_kv_value_check("id", e->user) < 0)
        return -1;
    if (vrbd_registry_list(reg, &all, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].name, e->name) == 0) {
            CLEANUP_FREE char *hint = xasprintf(
                "pick another name, or run '{prog}{vrbd_registry_remove} %s' "
                "first",
                e->name);

            vrbd_error_set(VRBD_ERR_EXISTS, EEXIST, hint,
                           "cluster '%s' is already registered", e->name);
            goto cleanup;
        }

    s.name = xstrdup(e->name);
    s.conf_path = e->conf_path ? absolute(e->conf_path) : NULL;
    s.mon_host = e->mon_host ? xstrdup(e->mon_host) : NULL;
    s.user = xstrdup(e->user ? e->user : "admin");
    if (strncmp(s.user, "client.", 7) == 0)
        memmove(s.user, s.user + 7, strlen(s.user + 7) + 1);
    s.keyring = e->keyring ? absolute(e->keyring) : NULL;
    s.trash_keep_sec = e->trash_keep_sec;
    {
        vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                                  .name = s.name,
                                  .conf_path = s.conf_path,
                                  .mon_host = s.mon_host,
                                  .user = s.user,
                                  .keyring = s.keyring,
                                  .timeout_sec = timeout_sec};

        if (vrbd_cluster_connect(&opts, &cl) < 0)
            goto cleanup;
    }
    s.fsid = xstrdup(vrbd_cluster_fsid(cl));
    for (size_t i = 0; i < n; i++)
        if (all[i].fsid && strcmp(all[i].fsid, s.fsid) == 0) {
            CLEANUP_FREE char *hint =
                xasprintf("use the name '%s' for it, or remove that one first",
                          all[i].name);

            vrbd_error_set(
                VRBD_ERR_EXISTS, EEXIST, hint,
                "cluster '%s' has fsid %s, already registered as '%s'", s.name,
                s.fsid, all[i].name);
            goto cleanup;
        }

    text = entry_text(&s);
    path = cluster_path(reg, s.name);
    if (vrbd_registry_mkdir(reg, "clusters") < 0 ||
        vrbd_file_write_atomic(path, text) < 0)
        goto cleanup;
    if (read_default(reg, &default_name) < 0)
        goto cleanup;
    if (!default_name) {
        if (write_default(reg, s.name) < 0)
            goto cleanup;
        s.is_default = true;
    }
    if (stored) {
        *stored = s;
        memset(&s, 0, sizeof(s));
    }
    ret = 0;

cleanup:
    vrbd_cluster_free(cl);
    vrbd_cluster_entry_clear(&s);
    vrbd_cluster_entry_list_free(all, n);
    return ret;
}

int
vrbd_registry_remove(vrbd_registry *reg, const char *name, char **new_default)
{
    vrbd_cluster_entry e = {0};
    vrbd_cluster_entry *all = NULL;
    CLEANUP_FREE char *path = NULL;
    size_t n = 0;
    bool was_default;

    if (new_default)
        *new_default = NULL;
    if (vrbd_registry_get(reg, name, &e) < 0)
        return -1;
    was_default = e.is_default;
    vrbd_cluster_entry_clear(&e);
    path = cluster_path(reg, name);
    if (unlink(path) < 0)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                              "cannot remove '%s': %s", path, strerror(errno));
    if (!was_default)
        return 0;
    if (vrbd_registry_list(reg, &all, &n) < 0)
        return -1;
    if (write_default(reg, n ? all[0].name : NULL) < 0) {
        vrbd_cluster_entry_list_free(all, n);
        return -1;
    }
    if (new_default && n)
        *new_default = xstrdup(all[0].name);
    vrbd_cluster_entry_list_free(all, n);
    return 0;
}

int
vrbd_registry_set_default(vrbd_registry *reg, const char *name)
{
    vrbd_cluster_entry e = {0};

    if (vrbd_registry_get(reg, name, &e) < 0)
        return -1;
    vrbd_cluster_entry_clear(&e);
    return write_default(reg, name);
}

vrbd_cluster_opts
vrbd_cluster_entry_opts(const vrbd_cluster_entry *e, unsigned timeout_sec)
{
    return (vrbd_cluster_opts){.version = VRBD_CLUSTER_OPTS_VERSION,
                               .name = e->name,
                               .conf_path = e->conf_path,
                               .mon_host = e->mon_host,
                               .user = e->user,
                               .keyring = e->keyring,
                               .timeout_sec = timeout_sec,
                               .fsid = e->fsid,
                               .trash_keep_sec = e->trash_keep_sec};
}

int
vrbd_registry_connect(vrbd_registry *reg, const char *name,
                      unsigned timeout_sec, vrbd_cluster **out)
{
    vrbd_cluster_entry e = {0};
    vrbd_cluster_opts opts;
    int r;

    if (vrbd_registry_get(reg, name, &e) < 0)
        return -1;
    opts = vrbd_cluster_entry_opts(&e, timeout_sec);
    r = vrbd_cluster_connect(&opts, out);
    vrbd_cluster_entry_clear(&e);
    return r;
}
