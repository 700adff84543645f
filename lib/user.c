/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * user.c: least-privilege cephx users for RBD clients.  Caps are built
 * here and nowhere else; keys are fetched only to be written into a 0600
 * keyring (or handed to libvirt by the secret module) and live in
 * vrbd_keybuf buffers meanwhile.  Answers that carry keys are scrubbed
 * before they are parsed (see vrbd_cluster_mon_json_nokeys()).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "json-util.h"
#include "keybuf.h"

int
vrbd_user_name_check(const char *entity)
{
    const char *name;
    size_t len;

    if (!entity || strncmp(entity, "client.", 7) != 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "write the user as client.NAME",
                              "invalid user '%s': it must start with 'client.'",
                              entity ? entity : "");
    name = entity + 7;
    len = strlen(name);
    if (len == 0 || len > 64)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "give a name of 1 to 64 characters",
                              "invalid user '%s'", entity);
    for (size_t i = 0; i < len; i++) {
        char c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return vrbd_error_set(
                VRBD_ERR_INVALID, 0,
                "a user name may contain letters, digits, '.', '_' and '-'",
                "invalid user '%s': it contains '%c'", entity, c);
    }
    return 0;
}

void
vrbd_user_caps_for(const char *const *pools, size_t n_pools, bool read_only,
                   char **mon, char **osd)
{
    char *res = xstrdup("");

    for (size_t i = 0; i < n_pools; i++) {
        char *next = xasprintf("%s%sprofile %s pool=%s", res, i ? ", " : "",
                               read_only ? "rbd-read-only" : "rbd", pools[i]);

        free(res);
        res = next;
    }
    *mon = xstrdup("profile rbd");
    *osd = res;
}

/* Caps compare equal when they differ only in spacing around commas. */
static char *
norm_caps(const char *caps)
{
    char *res = xmalloc(strlen(caps ? caps : "") + 1), *o = res;
    const char *p = caps ? caps : "";

    while (*p == ' ')
        p++;
    for (; *p; p++) {
        if (*p == ',') {
            while (o > res && o[-1] == ' ')
                o--;
            *o++ = ',';
            while (p[1] == ' ')
                p++;
        } else {
            *o++ = *p;
        }
    }
    while (o > res && o[-1] == ' ')
        o--;
    *o = '\0';
    return res;
}

static bool
caps_equal(const char *a, const char *b)
{
    CLEANUP_FREE char *na = norm_caps(a);
    CLEANUP_FREE char *nb = norm_caps(b);

    return strcmp(na, nb) == 0;
}

static void
fill_user(struct json_object *e, vrbd_user *u)
{
    struct json_object *caps = vrbd_json_path(e, "caps");
    const char *c;

    memset(u, 0, sizeof(*u));
    u->entity = xstrdup(vrbd_json_str(e, "entity", "?"));
    c = vrbd_json_str(caps, "mon", NULL);
    u->caps_mon = c ? xstrdup(c) : NULL;
    c = vrbd_json_str(caps, "osd", NULL);
    u->caps_osd = c ? xstrdup(c) : NULL;
    c = vrbd_json_str(caps, "mgr", NULL);
    u->caps_mgr = c ? xstrdup(c) : NULL;
    u->unrestricted = (u->caps_mon && strstr(u->caps_mon, "allow *")) ||
                      (u->caps_osd && strstr(u->caps_osd, "allow *")) ||
                      (u->caps_mgr && strstr(u->caps_mgr, "allow *"));
}

void
vrbd_user_clear(vrbd_user *u)
{
    free(u->entity);
    free(u->caps_mon);
    free(u->caps_osd);
    free(u->caps_mgr);
    memset(u, 0, sizeof(*u));
}

int
vrbd_user_get(vrbd_cluster *cl, const char *entity, vrbd_user *out)
{
    CLEANUP(vrbd_json_put) struct json_object *res = NULL;
    struct json_object *cmd;

    if (vrbd_user_name_check(entity) < 0)
        return -1;
    cmd = vrbd_json_cmd("auth get");
    vrbd_json_add_str(cmd, "entity", entity);
    if (vrbd_cluster_mon_json_nokeys(cl, cmd, &res) < 0) {
        if (vrbd_error_last()->code == VRBD_ERR_NOT_FOUND)
            return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, NULL,
                                  "user %s not found in cluster '%s'", entity,
                                  vrbd_cluster_name(cl));
        return -1;
    }
    return vrbd_user_read(res, entity, out);
}

int
vrbd_user_read(struct json_object *res, const char *entity, vrbd_user *out)
{
    if (!json_object_is_type(res, json_type_array) ||
        json_object_array_length(res) < 1)
        return vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                              "unexpected answer to 'auth get' for %s", entity);
    fill_user(json_object_array_get_idx(res, 0), out);
    return 0;
}

static int
cmp_user(const void *a, const void *b)
{
    return strcmp(((const vrbd_user *)a)->entity,
                  ((const vrbd_user *)b)->entity);
}

int
vrbd_user_list(vrbd_cluster *cl, vrbd_user **users, size_t *n_users)
{
    CLEANUP(vrbd_json_put) struct json_object *res = NULL;

    if (vrbd_cluster_mon_json_nokeys(cl, vrbd_json_cmd("auth ls"), &res) < 0)
        return -1;
    *users = vrbd_user_list_read(res, n_users);
    return 0;
}

vrbd_user *
vrbd_user_list_read(struct json_object *res, size_t *n_users)
{
    struct json_object *dump;
    vrbd_user *list;
    size_t n, i, k = 0;

    dump = vrbd_json_path(res, "auth_dump");
    n = vrbd_json_array_len(dump);
    list = xcalloc(n + 1, sizeof(*list));
    for (i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(dump, i);

        if (strncmp(vrbd_json_str(e, "entity", ""), "client.", 7) != 0)
            continue;
        fill_user(e, &list[k++]);
    }
    qsort(list, k, sizeof(*list), cmp_user);
    *n_users = k;
    return list;
}

void
vrbd_user_list_free(vrbd_user *users, size_t n)
{
    if (!users)
        return;
    for (size_t i = 0; i < n; i++)
        vrbd_user_clear(&users[i]);
    free(users);
}

static struct json_object *
caps_array(const char *mon, const char *osd)
{
    struct json_object *a = json_object_new_array();

    json_object_array_add(a, json_object_new_string("mon"));
    json_object_array_add(a, json_object_new_string(mon));
    json_object_array_add(a, json_object_new_string("osd"));
    json_object_array_add(a, json_object_new_string(osd));
    return a;
}

/* Each pool must exist: a user for a missing pool is a typo waiting. */
static int
check_pools(vrbd_cluster *cl, const char *const *pools, size_t n)
{
    if (n == 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "give the pools it may use ({pools} P1,P2)",
                              "a user needs at least one pool");
    for (size_t i = 0; i < n; i++) {
        vrbd_spec s;
        int64_t id;

        if (vrbd_spec_parse(pools[i], VRBD_SPEC_POOL, &s) < 0)
            return -1;
        if (s.cluster || s.nspace) {
            vrbd_spec_clear(&s);
            return vrbd_error_set(VRBD_ERR_INVALID, 0, "give plain pool names",
                                  "invalid pool name '%s'", pools[i]);
        }
        vrbd_spec_clear(&s);
        id = rados_pool_lookup(vrbd_cluster_rados(cl), pools[i]);
        if (id < 0) {
            CLEANUP_FREE char *hint =
                xasprintf("create it first: {prog}{vrbd_pool_create} %s:%s",
                          vrbd_cluster_name(cl), pools[i]);

            if (id == -ENOENT)
                return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, hint,
                                      "pool '%s' not found in cluster '%s'",
                                      pools[i], vrbd_cluster_name(cl));
            return vrbd_error_ceph((int)id, NULL, "cannot look up pool '%s'",
                                   pools[i]);
        }
    }
    return 0;
}

int
vrbd_user_create(vrbd_cluster *cl, const char *entity,
                 const vrbd_user_create_opts *opts, bool *created,
                 bool *updated)
{
    CLEANUP_FREE char *mon = NULL;
    CLEANUP_FREE char *osd = NULL;
    vrbd_user cur = {0};
    struct json_object *cmd;

    if (vrbd_opts_check(opts, VRBD_USER_CREATE_OPTS_VERSION,
                        "vrbd_user_create_opts") < 0)
        return -1;
    *created = *updated = false;
    if (vrbd_user_name_check(entity) < 0)
        return -1;
    if (strcmp(entity, "client.admin") == 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, "pick another name",
                              "client.admin is Ceph's own administrator");
    if (check_pools(cl, opts->pools, opts->n_pools) < 0)
        return -1;
    vrbd_user_caps_for(opts->pools, opts->n_pools, opts->read_only, &mon, &osd);

    if (vrbd_user_get(cl, entity, &cur) == 0) {
        bool same = caps_equal(cur.caps_mon, mon) &&
                    caps_equal(cur.caps_osd, osd) && !cur.caps_mgr;

        if (same) {
            vrbd_user_clear(&cur);
            return 0;
        }
        if (!opts->update_caps) {
            CLEANUP_FREE char *msg = xasprintf(
                "user %s of cluster '%s' exists with other caps (mon '%s' "
                "osd '%s'%s%s%s)",
                entity, vrbd_cluster_name(cl), cur.caps_mon ? cur.caps_mon : "",
                cur.caps_osd ? cur.caps_osd : "", cur.caps_mgr ? " mgr '" : "",
                cur.caps_mgr ? cur.caps_mgr : "", cur.caps_mgr ? "'" : "");

            vrbd_user_clear(&cur);
            return vrbd_error_set(
                VRBD_ERR_EXISTS, EEXIST,
                "give {update_caps} to set mon 'profile rbd' and the pools' osd caps, or pick another name",
                "%s", msg);
        }
        vrbd_user_clear(&cur);
        cmd = vrbd_json_cmd("auth caps");
        vrbd_json_add_str(cmd, "entity", entity);
        json_object_object_add(cmd, "caps", caps_array(mon, osd));
        if (vrbd_cluster_mon_json(cl, cmd, NULL) < 0)
            return -1;
        *updated = true;
        return 0;
    }
    if (vrbd_error_last()->code != VRBD_ERR_NOT_FOUND)
        return -1;
    vrbd_error_clear();
    /* auth add makes the key on the monitors: it never passes through us */
    cmd = vrbd_json_cmd("auth add");
    vrbd_json_add_str(cmd, "entity", entity);
    json_object_object_add(cmd, "caps", caps_array(mon, osd));
    if (vrbd_cluster_mon_json_nokeys(cl, cmd, NULL) < 0)
        return -1;
    *created = true;
    vrbd_info("created %s with mon '%s' osd '%s'", entity, mon, osd);
    return 0;
}

int
vrbd_user_remove(vrbd_cluster *cl, const char *entity)
{
    vrbd_user u = {0};
    struct json_object *cmd;

    if (vrbd_user_name_check(entity) < 0)
        return -1;
    if (strcmp(entity, "client.admin") == 0)
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "refusing to delete client.admin");
    if (vrbd_user_get(cl, entity, &u) < 0)
        return -1;
    vrbd_user_clear(&u);
    cmd = vrbd_json_cmd("auth del");
    vrbd_json_add_str(cmd, "entity", entity);
    return vrbd_cluster_mon_json(cl, cmd, NULL);
}

/* The keyring text for @entity, in a secret buffer. */
static vrbd_keybuf *
keyring_text(vrbd_cluster *cl, const char *entity)
{
    struct json_object *cmd;
    vrbd_keybuf *key = NULL, *text;
    char *buf;
    size_t len;

    if (vrbd_user_name_check(entity) < 0)
        return NULL;
    cmd = json_object_new_object();
    vrbd_json_add_str(cmd, "prefix", "auth get-key");
    vrbd_json_add_str(cmd, "entity", entity);
    vrbd_json_add_str(cmd, "format", "plain");
    if (vrbd_cluster_mon_secret(cl, cmd, &key) < 0) {
        if (vrbd_error_last()->code == VRBD_ERR_NOT_FOUND)
            vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, NULL,
                           "user %s not found in cluster '%s'", entity,
                           vrbd_cluster_name(cl));
        return NULL;
    }
    if (key->len == 0) {
        vrbd_keybuf_free(key);
        vrbd_error_set(VRBD_ERR_INTERNAL, 0, NULL,
                       "cluster '%s' gave an empty key for %s",
                       vrbd_cluster_name(cl), entity);
        return NULL;
    }
    len = strlen(entity) + key->len + 16;
    buf = xmalloc(len);
    snprintf(buf, len, "[%s]\n\tkey = %s\n", entity, key->data);
    vrbd_keybuf_free(key);
    /* the buffer becomes the keybuf as it is: no copy left behind */
    text = xcalloc(1, sizeof(*text));
    text->data = buf;
    text->len = strlen(buf);
    return text;
}

static int
write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);

        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int
vrbd_user_write_keyring(vrbd_cluster *cl, const char *entity, const char *path,
                        bool replace)
{
    CLEANUP_FREE char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
    vrbd_keybuf *text;
    int fd, e;

    if (!replace && access(path, F_OK) == 0)
        return vrbd_error_set(VRBD_ERR_EXISTS, EEXIST,
                              "remove it, or give another path",
                              "keyring '%s' exists already", path);
    text = keyring_text(cl, entity);
    if (!text)
        return -1;
    /* O_EXCL and 0600 from the first byte: never readable by others */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        e = errno;
        vrbd_keybuf_free(text);
        return vrbd_error_set(
            VRBD_ERR_IO, e, "check that its directory exists and is writable",
            "cannot write keyring '%s': %s", path, strerror(e));
    }
    if (write_all(fd, text->data, text->len) < 0 || fsync(fd) < 0) {
        e = errno;
        close(fd);
        unlink(tmp);
        vrbd_keybuf_free(text);
        return vrbd_error_set(VRBD_ERR_IO, e, NULL,
                              "cannot write keyring '%s': %s", path,
                              strerror(e));
    }
    vrbd_keybuf_free(text);
    close(fd);
    if (rename(tmp, path) < 0) {
        e = errno;
        unlink(tmp);
        return vrbd_error_set(VRBD_ERR_IO, e, NULL,
                              "cannot write keyring '%s': %s", path,
                              strerror(e));
    }
    return 0;
}

int
vrbd_user_print_keyring(vrbd_cluster *cl, const char *entity, int fd)
{
    vrbd_keybuf *text = keyring_text(cl, entity);
    int r;

    if (!text)
        return -1;
    r = write_all(fd, text->data, text->len);
    vrbd_keybuf_free(text);
    if (r < 0)
        return vrbd_error_set(VRBD_ERR_IO, errno, NULL,
                              "cannot print the keyring: %s", strerror(errno));
    return 0;
}

/* The pools of caps made only of "profile rbd pool=X" items, or NULL when
 * the caps have any other shape. */
static char **
profile_pools(const char *osd, size_t *n)
{
    CLEANUP_FREE char *copy = norm_caps(osd);
    char **v = NULL, *save = NULL, *item;

    *n = 0;
    for (item = strtok_r(copy, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        if (strncmp(item, "profile rbd pool=", 17) != 0 || !item[17] ||
            strchr(item + 17, ' ')) {
            for (size_t i = 0; i < *n; i++)
                free(v[i]);
            free(v);
            *n = 0;
            return NULL;
        }
        v = xreallocarray(v, *n + 1, sizeof(char *));
        v[(*n)++] = xstrdup(item + 17);
    }
    return v;
}

int
vrbd_user_grant_pool(vrbd_cluster *cl, const char *entity, const char *pool,
                     bool *created, bool *updated)
{
    const char *one[] = {pool};
    vrbd_user_create_opts opts = {
        .version = VRBD_USER_CREATE_OPTS_VERSION, .pools = one, .n_pools = 1};
    vrbd_user u = {0};
    char **pools = NULL;
    size_t n = 0;
    int r = -1;

    *created = *updated = false;
    if (vrbd_user_get(cl, entity, &u) < 0) {
        if (vrbd_error_last()->code != VRBD_ERR_NOT_FOUND)
            return -1;
        vrbd_error_clear();
        return vrbd_user_create(cl, entity, &opts, created, updated);
    }
    if (u.unrestricted) {
        vrbd_warn(
            "%s has 'allow *' caps: libvirt should use a least-privilege user",
            entity);
        vrbd_user_clear(&u);
        return 0;
    }
    pools = profile_pools(u.caps_osd, &n);
    if (!pools) {
        CLEANUP_FREE char *want = xasprintf("pool=%s", pool);
        bool names_it = u.caps_osd && strstr(u.caps_osd, want);

        if (!names_it)
            vrbd_error_set(
                VRBD_ERR_EXISTS, EEXIST,
                "use another {entity}, or give it the pool's caps",
                "%s of cluster '%s' has caps virt-rbd did not make (osd '%s') and they do not name pool '%s'",
                entity, vrbd_cluster_name(cl), u.caps_osd ? u.caps_osd : "",
                pool);
        vrbd_user_clear(&u);
        return names_it ? 0 : -1;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(pools[i], pool) == 0) {
            r = 0;
            goto done;
        }
    /* pools removed since are dropped from the caps: the monitors would
     * accept them, but the check before the update would refuse */
    {
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
            if (rados_pool_lookup(vrbd_cluster_rados(cl), pools[i]) ==
                -ENOENT) {
                vrbd_info(
                    "%s: dropping pool '%s' from its caps: it no longer exists",
                    entity, pools[i]);
                free(pools[i]);
                continue;
            }
            pools[k++] = pools[i];
        }
        n = k;
    }
    pools = xreallocarray(pools, n + 1, sizeof(char *));
    pools[n++] = xstrdup(pool);
    opts.pools = (const char *const *)pools;
    opts.n_pools = n;
    opts.update_caps = true;
    r = vrbd_user_create(cl, entity, &opts, created, updated);

done:
    for (size_t i = 0; i < n; i++)
        free(pools[i]);
    free(pools);
    vrbd_user_clear(&u);
    return r;
}
