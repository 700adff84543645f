/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply-parse.c: an apply file (YAML, read with libyaml's document API)
 * into the wanted state of apply-internal.h, checked as far as it can be
 * without asking a cluster or libvirt: its syntax (line and column), its
 * keys (an unknown one named with the nearest valid one), its values, two
 * objects of one name, and the keyrings' modes.  The format is in the man
 * page (APPLY FILES) and docs/examples/.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "apply-internal.h"
#include "internal.h"
#include "size.h"

typedef struct pctx {
    const char *path;
    yaml_document_t *doc;
    vrbd_apply *a;
} pctx;

static int perr(const pctx *c, const yaml_node_t *n, const char *hint,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

int
vrbd_apply_verror(const char *path, ap_where at, const char *hint,
                  const char *fmt, va_list ap)
{
    CLEANUP_FREE char *msg = NULL;

    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    return vrbd_error_set(VRBD_ERR_INVALID, 0, hint, "%s:%u:%u: %s", path,
                          at.line, at.column, msg);
}

/* An error at @n's line and column (the file's start without @n). */
static int
perr(const pctx *c, const yaml_node_t *n, const char *hint, const char *fmt,
     ...)
{
    va_list ap;
    ap_where at = {1, 1};
    int r;

    if (n)
        at = (ap_where){(unsigned)n->start_mark.line + 1,
                        (unsigned)n->start_mark.column + 1};
    va_start(ap, fmt);
    r = vrbd_apply_verror(c->path, at, hint, fmt, ap);
    va_end(ap);
    return r;
}

/* The thread's error (from a library check) again, at @n. */
static int
perr_last(const pctx *c, const yaml_node_t *n)
{
    CLEANUP_FREE char *msg = xstrdup(vrbd_error_last()->message);
    CLEANUP_FREE char *hint =
        vrbd_error_last()->hint ? xstrdup(vrbd_error_last()->hint) : NULL;

    return perr(c, n, hint, "%s", msg);
}

static ap_where
where(const yaml_node_t *n)
{
    return (ap_where){(unsigned)n->start_mark.line + 1,
                      (unsigned)n->start_mark.column + 1};
}

static yaml_node_t *
node(const pctx *c, int i)
{
    return yaml_document_get_node(c->doc, i);
}

static const char *
scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
                                            : NULL;
}

/* A plain "", "~" or "null": YAML's null. */
static bool
is_null(const yaml_node_t *n)
{
    const char *s = scalar(n);

    return s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0);
}

/* ---------------------------------------------------------------- nearest */

static size_t
distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), *row = xcalloc(lb + 1, sizeof(*row));
    size_t d;

    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];

        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);

            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    d = row[lb];
    free(row);
    return d;
}

const char *
vrbd_apply_nearest(const char *word, const char *const *valid)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;

    for (size_t i = 0; valid[i]; i++) {
        size_t d = distance(word, valid[i]);

        if (d < best_d) {
            best_d = d;
            best = valid[i];
        }
    }
    return best && best_d * 3 <= strlen(word) + 2 ? best : NULL;
}

/* ---------------------------------------------------------------- values */

/* @n's text with each ${NAME} replaced by the environment's NAME. */
static int
expand(const pctx *c, const yaml_node_t *n, const char *what, char **out)
{
    const char *s = scalar(n), *p;
    char *res = xstrdup("");

    if (!s) {
        free(res);
        return perr(c, n, "write a single value (a string or a number)",
                    "%s must be a value, not a list or a mapping", what);
    }
    if (is_null(n)) {
        free(res);
        return perr(c, n, "write a value after the ':', or leave the key out",
                    "%s has no value", what);
    }
    while ((p = strstr(s, "${"))) {
        const char *end = strchr(p, '}');
        CLEANUP_FREE char *var = NULL;
        const char *val;
        char *next;

        if (!end) {
            free(res);
            return perr(c, n, "write ${NAME}", "%s: '${' without '}'", what);
        }
        var = xstrndup(p + 2, end - p - 2);
        val = getenv(var);
        if (!val) {
            free(res);
            return perr(c, n, "set it in the environment, or write the value",
                        "%s: the environment has no variable '%s'", what, var);
        }
        next = xasprintf("%s%.*s%s", res, (int)(p - s), s, val);
        free(res);
        res = next;
        s = end + 1;
    }
    *out = xasprintf("%s%s", res, s);
    free(res);
    return 0;
}

static int
to_uint(const pctx *c, const yaml_node_t *n, const char *obj, const char *key,
        unsigned max, unsigned *out)
{
    CLEANUP_FREE char *what = xasprintf("%s: %s", obj, key);
    CLEANUP_FREE char *s = NULL;
    char *end;
    unsigned long v;

    if (expand(c, n, what, &s) < 0)
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-' || v == 0 || v > max)
        return perr(c, n, "write a whole number such as 1 or 512",
                    "%s '%s' is not a whole number from 1 to %u", what, s, max);
    *out = (unsigned)v;
    return 0;
}

static int
to_bool(const pctx *c, const yaml_node_t *n, const char *what, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", NULL};
    static const char *const no[] = {"false", "no", "off", NULL};
    const char *s = scalar(n);

    for (size_t i = 0; s && yes[i]; i++)
        if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
            *out = strcmp(s, yes[i]) == 0;
            return 0;
        }
    return perr(c, n, "write true or false", "%s must be true or false", what);
}

static int
to_size(const pctx *c, const yaml_node_t *n, const char *what, uint64_t *out)
{
    CLEANUP_FREE char *s = NULL;
    const char *why = NULL;

    if (expand(c, n, what, &s) < 0)
        return -1;
    if (vrbd_size_parse(s, out, &why) < 0 || *out == 0)
        return perr(c, n, "write a size such as 64M, 10G or 1073741824",
                    "%s '%s' is not a size%s%s", what, s, why ? ": " : "",
                    why ? why : "");
    return 0;
}

/* A list of values, or one value alone, into a NULL-terminated array. */
static int
to_list(const pctx *c, const yaml_node_t *n, const char *what, char ***out)
{
    size_t cap = 1, k = 0;
    char **v;

    if (n->type == YAML_SEQUENCE_NODE)
        cap += n->data.sequence.items.top - n->data.sequence.items.start;
    if (n->type == YAML_SEQUENCE_NODE && cap == 1)
        return perr(c, n, "name at least one, or leave the key out",
                    "%s is an empty list", what);
    v = xcalloc(cap + 1, sizeof(*v));
    if (n->type != YAML_SEQUENCE_NODE) {
        if (expand(c, n, what, &v[0]) < 0) {
            free(v);
            return -1;
        }
        *out = v;
        return 0;
    }
    for (yaml_node_item_t *i = n->data.sequence.items.start;
         i < n->data.sequence.items.top; i++)
        if (expand(c, node(c, *i), what, &v[k++]) < 0) {
            vrbd_cleanup_strv(&v);
            return -1;
        }
    *out = v;
    return 0;
}

/* ---------------------------------------------------------------- keys */

/* A mapping's value for @key, or NULL; its keys are checked against
 * @valid first (check_keys). */
static yaml_node_t *
get(const pctx *c, const yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        const char *k = scalar(node(c, p->key));

        if (k && strcmp(k, key) == 0)
            return node(c, p->value);
    }
    return NULL;
}

/* Every key of mapping @map is one of @valid, and appears once. */
static int
check_keys(const pctx *c, const yaml_node_t *map, const char *what,
           const char *const *valid)
{
    if (map->type != YAML_MAPPING_NODE)
        return perr(c, map, "write its settings as 'key: value' lines below it",
                    "%s must be a mapping of settings", what);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = node(c, p->key);
        const char *k = scalar(kn), *near;
        bool known = false;
        CLEANUP_FREE char *hint = NULL;

        if (!k)
            return perr(c, kn, NULL, "%s: a key must be a plain word", what);
        for (size_t i = 0; valid[i] && !known; i++)
            known = strcmp(valid[i], k) == 0;
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++)
            if (strcmp(scalar(node(c, q->key)) ? scalar(node(c, q->key)) : "",
                       k) == 0)
                return perr(c, kn, "give each setting once",
                            "%s: '%s' is given twice (also line %zu)", what, k,
                            node(c, q->key)->start_mark.line + 1);
        if (known)
            continue;
        near = vrbd_apply_nearest(k, valid);
        if (near) {
            hint = xasprintf("did you mean '%s'?", near);
        } else {
            hint = xasprintf("the keys here are: %s", valid[0]);
            for (size_t i = 1; valid[i]; i++) {
                char *longer = xasprintf("%s, %s", hint, valid[i]);

                free(hint);
                hint = longer;
            }
        }
        return perr(c, kn, hint, "%s: unknown key '%s'", what, k);
    }
    return 0;
}

static int
opt_str(const pctx *c, const yaml_node_t *map, const char *key,
        const char *what, char **out)
{
    yaml_node_t *n = get(c, map, key);
    CLEANUP_FREE char *w = NULL;

    if (!n)
        return 0;
    w = xasprintf("%s: %s", what, key);
    return expand(c, n, w, out);
}

/* state: present (the default) or absent */
static int
opt_state(const pctx *c, const yaml_node_t *map, const char *what, bool *absent)
{
    yaml_node_t *n = get(c, map, "state");
    const char *s = scalar(n);

    if (!n)
        return 0;
    if (s && (strcmp(s, "present") == 0 || strcmp(s, "absent") == 0)) {
        *absent = strcmp(s, "absent") == 0;
        return 0;
    }
    return perr(c, n, "write present or absent",
                "%s: state must be present or absent", what);
}

/* A keyring or other file that must exist; a keyring must be private. */
static int
check_file(const pctx *c, const yaml_node_t *n, const char *what,
           const char *path, bool secret)
{
    struct stat st;
    CLEANUP_FREE char *hint = NULL;

    if (path[0] != '/')
        return perr(c, n, "write the absolute path",
                    "%s '%s' is not an absolute path", what, path);
    if (stat(path, &st) < 0)
        return perr(c, n, "give the path of an existing file", "%s '%s': %s",
                    what, path, strerror(errno));
    if (secret && (st.st_mode & 077)) {
        hint = xasprintf("chmod 600 %s", path);
        return perr(
            c, n, hint,
            "%s '%s' is readable by its group or others (mode %04o): a key must be private",
            what, path, (unsigned)(st.st_mode & 07777));
    }
    return 0;
}

/* ---------------------------------------------------------------- sections */

typedef int (*object_fn)(const pctx *c, const char *name,
                         const yaml_node_t *key, const yaml_node_t *val);

/* Each NAME: {settings} of section @sec, once per name. */
static int
each_object(const pctx *c, const yaml_node_t *sec, const char *what,
            object_fn fn)
{
    if (sec->type != YAML_MAPPING_NODE)
        return perr(c, sec, "write one 'NAME:' line per object below it",
                    "'%s' must be a mapping of names to settings", what);
    for (yaml_node_pair_t *p = sec->data.mapping.pairs.start;
         p < sec->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = node(c, p->key), *vn = node(c, p->value);
        CLEANUP_FREE char *k = NULL;

        if (!scalar(kn) || !*scalar(kn))
            return perr(c, kn, NULL, "%s: a name must be a plain word", what);
        if (expand(c, kn, what, &k) < 0)
            return -1;
        for (yaml_node_pair_t *q = sec->data.mapping.pairs.start; q < p; q++) {
            CLEANUP_FREE char *other = NULL;

            if (expand(c, node(c, q->key), what, &other) < 0)
                return -1;
            if (strcmp(other, k) == 0)
                return perr(c, kn, "give each object one name of its own",
                            "two %s are named '%s' (also line %zu)", what, k,
                            node(c, q->key)->start_mark.line + 1);
        }
        /* "name:" alone: every setting its default */
        if (is_null(vn)) {
            yaml_node_t empty = {.type = YAML_MAPPING_NODE,
                                 .start_mark = vn->start_mark};

            if (fn(c, k, kn, &empty) < 0)
                return -1;
            continue;
        }
        if (fn(c, k, kn, vn) < 0)
            return -1;
    }
    return 0;
}

/* "CLUSTER:REST" with both parts, split */
static int
split_cluster(const pctx *c, const yaml_node_t *kn, const char *name,
              const char *what, unsigned flags, vrbd_spec *spec)
{
    CLEANUP_FREE char *hint = NULL;

    if (!strchr(name, ':')) {
        hint = xasprintf("write CLUSTER:%s", name);
        return perr(c, kn, hint, "%s '%s' names no cluster", what, name);
    }
    if (vrbd_spec_parse(name, flags, spec) < 0)
        return perr_last(c, kn);
    return 0;
}

static const char *const cluster_keys[] = {
    "conf", "mon_host", "keyring", "user", "default", "state", NULL};

static int
read_cluster(const pctx *c, const char *name, const yaml_node_t *kn,
             const yaml_node_t *m)
{
    vrbd_apply *a = c->a;
    ap_cluster *cl;
    CLEANUP_FREE char *what = xasprintf("cluster '%s'", name);
    yaml_node_t *n;

    if (check_keys(c, m, what, cluster_keys) < 0)
        return -1;
    if (vrbd_cluster_name_check(name) < 0)
        return perr_last(c, kn);
    a->clusters =
        xreallocarray(a->clusters, a->n_clusters + 1, sizeof(*a->clusters));
    cl = &a->clusters[a->n_clusters++];
    *cl = (ap_cluster){.name = xstrdup(name), .at = where(kn)};
    if (opt_str(c, m, "conf", what, &cl->conf) < 0 ||
        opt_str(c, m, "mon_host", what, &cl->mon_host) < 0 ||
        opt_str(c, m, "keyring", what, &cl->keyring) < 0 ||
        opt_str(c, m, "user", what, &cl->user) < 0 ||
        opt_state(c, m, what, &cl->absent) < 0)
        return -1;
    if ((n = get(c, m, "default")) &&
        to_bool(c, n, "default", &cl->is_default) < 0)
        return -1;
    for (size_t i = 0; cl->is_default && i + 1 < a->n_clusters; i++)
        if (a->clusters[i].is_default && !a->clusters[i].absent)
            return perr(c, get(c, m, "default"), "make one of them the default",
                        "%s and cluster '%s' (line %u) are both the default",
                        what, a->clusters[i].name, a->clusters[i].at.line);
    if (cl->user && strncmp(cl->user, "client.", 7) == 0)
        memmove(cl->user, cl->user + 7, strlen(cl->user + 7) + 1);
    if (cl->absent)
        return 0;
    if (!cl->conf && !cl->mon_host)
        return perr(c, kn,
                    "add 'conf: /etc/ceph/ceph.conf' or 'mon_host: ADDRS'",
                    "%s needs monitors: conf or mon_host", what);
    if (!cl->keyring)
        return perr(c, kn, "add 'keyring: PATH' (a file of mode 0600)",
                    "%s needs a keyring path", what);
    if (cl->conf &&
        check_file(c, get(c, m, "conf"), "conf", cl->conf, false) < 0)
        return -1;
    return check_file(c, get(c, m, "keyring"), "keyring", cl->keyring, true);
}

static const char *const pool_keys[] = {"pg", "size", "state", NULL};

static int
read_pool(const pctx *c, const char *name, const yaml_node_t *kn,
          const yaml_node_t *m)
{
    vrbd_apply *a = c->a;
    CLEANUP_FREE char *what = xasprintf("pool '%s'", name);
    vrbd_spec s = {0};
    ap_pool *p;
    yaml_node_t *n;
    int r;

    if (check_keys(c, m, what, pool_keys) < 0 ||
        split_cluster(c, kn, name, "pool", VRBD_SPEC_POOL, &s) < 0)
        return -1;
    a->pools = xreallocarray(a->pools, a->n_pools + 1, sizeof(*a->pools));
    p = &a->pools[a->n_pools++];
    *p = (ap_pool){.cluster = s.cluster, .name = s.pool, .at = where(kn)};
    s.cluster = s.pool = NULL;
    r = s.nspace ? perr(c, kn, "write CLUSTER:POOL",
                        "%s: a namespace cannot be made here", what)
                 : 0;
    vrbd_spec_clear(&s);
    if (r < 0 || opt_state(c, m, what, &p->absent) < 0)
        return -1;
    n = get(c, m, "pg");
    if (n && !(scalar(n) && strcmp(scalar(n), "auto") == 0) &&
        to_uint(c, n, what, "pg", 65536, &p->pg) < 0)
        return -1;
    n = get(c, m, "size");
    return n ? to_uint(c, n, what, "size", 10, &p->size) : 0;
}

static const char *const user_keys[] = {"pools", "read_only", "state", NULL};

static int
read_user(const pctx *c, const char *name, const yaml_node_t *kn,
          const yaml_node_t *m)
{
    vrbd_apply *a = c->a;
    CLEANUP_FREE char *what = xasprintf("user '%s'", name);
    const char *colon = strchr(name, ':');
    ap_user *u;
    yaml_node_t *n;

    if (check_keys(c, m, what, user_keys) < 0)
        return -1;
    if (!colon) {
        CLEANUP_FREE char *hint = xasprintf("write CLUSTER:%s", name);

        return perr(c, kn, hint, "user '%s' names no cluster", name);
    }
    if (vrbd_user_name_check(colon + 1) < 0)
        return perr_last(c, kn);
    a->users = xreallocarray(a->users, a->n_users + 1, sizeof(*a->users));
    u = &a->users[a->n_users++];
    *u = (ap_user){.cluster = xstrndup(name, colon - name),
                   .entity = xstrdup(colon + 1),
                   .at = where(kn)};
    if (opt_state(c, m, what, &u->absent) < 0)
        return -1;
    if ((n = get(c, m, "read_only")) &&
        to_bool(c, n, "read_only", &u->read_only) < 0)
        return -1;
    n = get(c, m, "pools");
    if (!n && !u->absent)
        return perr(c, kn, "add 'pools: [POOL, ...]'",
                    "%s needs the pools it may use", what);
    return n ? to_list(c, n, "pools", &u->pools) : 0;
}

static const char *const host_keys[] = {"connect", "user", NULL};

static int
read_host(const pctx *c, const char *name, const yaml_node_t *kn,
          const yaml_node_t *m)
{
    vrbd_apply *a = c->a;
    CLEANUP_FREE char *what = xasprintf("host '%s'", name);
    CLEANUP_FREE char *user = NULL;
    CLEANUP_STRV char **pools = NULL;
    yaml_node_t *n;

    if (check_keys(c, m, what, host_keys) < 0 ||
        opt_str(c, m, "user", what, &user) < 0)
        return -1;
    if (user && vrbd_user_name_check(user) < 0)
        return perr_last(c, get(c, m, "user"));
    n = get(c, m, "connect");
    if (!n)
        return 0;
    if (to_list(c, n, "connect", &pools) < 0)
        return -1;
    for (size_t i = 0; pools[i]; i++) {
        vrbd_spec s = {0};
        ap_conn *k;

        if (split_cluster(c, n, pools[i], "pool", VRBD_SPEC_POOL, &s) < 0)
            return -1;
        for (size_t j = 0; j < a->n_conns; j++)
            if (strcmp(a->conns[j].host, name) == 0 &&
                strcmp(a->conns[j].cluster, s.cluster) == 0 &&
                strcmp(a->conns[j].pool, s.pool) == 0) {
                vrbd_spec_clear(&s);
                return perr(c, n, "give each pool once",
                            "%s: '%s' is given twice", what, pools[i]);
            }
        a->conns = xreallocarray(a->conns, a->n_conns + 1, sizeof(*a->conns));
        k = &a->conns[a->n_conns++];
        *k = (ap_conn){.host = xstrdup(name),
                       .cluster = s.cluster,
                       .pool = s.pool,
                       .user = user ? xstrdup(user) : NULL,
                       .at = where(n)};
        s.cluster = s.pool = NULL;
        vrbd_spec_clear(&s);
    }
    return 0;
}

static const char *const image_keys[] = {"import", "size", "snapshots", "state",
                                         NULL};

static int
read_image(const pctx *c, const char *name, const yaml_node_t *kn,
           const yaml_node_t *m)
{
    vrbd_apply *a = c->a;
    CLEANUP_FREE char *what = xasprintf("image '%s'", name);
    vrbd_spec s = {0};
    ap_image *im;
    yaml_node_t *n;

    if (check_keys(c, m, what, image_keys) < 0 ||
        split_cluster(c, kn, name, "image", VRBD_SPEC_IMAGE, &s) < 0)
        return -1;
    a->images = xreallocarray(a->images, a->n_images + 1, sizeof(*a->images));
    im = &a->images[a->n_images++];
    *im = (ap_image){
        .cluster = s.cluster, .pool = s.pool, .name = s.image, .at = where(kn)};
    s.cluster = s.pool = s.image = NULL;
    vrbd_spec_clear(&s);
    if (opt_state(c, m, what, &im->absent) < 0 ||
        opt_str(c, m, "import", what, &im->import) < 0)
        return -1;
    if ((n = get(c, m, "size")) && to_size(c, n, "size", &im->size) < 0)
        return -1;
    if ((n = get(c, m, "snapshots")) &&
        to_list(c, n, "snapshots", &im->snapshots) < 0)
        return -1;
    if (im->absent)
        return 0;
    if (!im->import == !im->size)
        return perr(c, kn, "give 'import: FILE' or 'size: SIZE'",
                    "%s needs either a file to import or a size", what);
    return im->import
               ? check_file(c, get(c, m, "import"), "import", im->import, false)
               : 0;
}

static const char *const vm_keys[] = {
    "from",   "pool",    "size",  "memory",      "vcpus",   "network", "kernel",
    "initrd", "cmdline", "disks", "console_log", "started", "state",   NULL};

static int
read_vm_values(const pctx *c, const yaml_node_t *m, const char *what, ap_vm *v)
{
    yaml_node_t *n;

    if (opt_state(c, m, what, &v->absent) < 0 ||
        opt_str(c, m, "from", what, &v->from) < 0 ||
        opt_str(c, m, "pool", what, &v->pool) < 0 ||
        opt_str(c, m, "network", what, &v->network) < 0 ||
        opt_str(c, m, "kernel", what, &v->kernel) < 0 ||
        opt_str(c, m, "initrd", what, &v->initrd) < 0 ||
        opt_str(c, m, "cmdline", what, &v->cmdline) < 0 ||
        opt_str(c, m, "console_log", what, &v->console_log) < 0)
        return -1;
    if ((n = get(c, m, "size")) && to_size(c, n, "size", &v->size) < 0)
        return -1;
    if ((n = get(c, m, "memory")) &&
        to_uint(c, n, what, "memory (MiB)", 1048576, &v->memory_mib) < 0)
        return -1;
    if ((n = get(c, m, "vcpus")) &&
        to_uint(c, n, what, "vcpus", 1024, &v->vcpus) < 0)
        return -1;
    v->started = true;
    if ((n = get(c, m, "started")) && to_bool(c, n, "started", &v->started) < 0)
        return -1;
    if ((n = get(c, m, "disks")) && to_list(c, n, "disks", &v->disks) < 0)
        return -1;
    return 0;
}

static int
read_vm(const pctx *c, const char *name, const yaml_node_t *kn,
        const yaml_node_t *m)
{
    vrbd_apply *a = c->a;
    CLEANUP_FREE char *what = xasprintf("vm '%s'", name);
    ap_vm *v;

    if (check_keys(c, m, what, vm_keys) < 0)
        return -1;
    a->vms = xreallocarray(a->vms, a->n_vms + 1, sizeof(*a->vms));
    v = &a->vms[a->n_vms++];
    *v = (ap_vm){.name = xstrdup(name), .at = where(kn)};
    if (read_vm_values(c, m, what, v) < 0)
        return -1;
    if (v->absent)
        return 0;
    if (!v->from == !(v->pool && v->size))
        return perr(
            c, kn,
            "give 'from: CLUSTER:POOL/IMAGE@SNAP', or 'pool: CLUSTER:POOL' and 'size: SIZE'",
            "%s needs a golden snapshot to clone or an empty disk's pool and size",
            what);
    for (size_t i = 0; v->disks && v->disks[i]; i++) {
        vrbd_spec s = {0};

        if (split_cluster(c, get(c, m, "disks"), v->disks[i], "disk",
                          VRBD_SPEC_IMAGE, &s) < 0)
            return -1;
        vrbd_spec_clear(&s);
    }
    if (v->from) {
        vrbd_spec s = {0};

        if (split_cluster(c, get(c, m, "from"), v->from, "from",
                          VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_NEED, &s) < 0)
            return -1;
        vrbd_spec_clear(&s);
    }
    return 0;
}

static const struct {
    const char *name;
    object_fn fn;
} sections[] = {
    {"clusters", read_cluster}, {"pools", read_pool},   {"users", read_user},
    {"hosts", read_host},       {"images", read_image}, {"vms", read_vm},
};

static int
read_root(const pctx *c, const yaml_node_t *root)
{
    static const char *const names[] = {"clusters", "pools", "users", "hosts",
                                        "images",   "vms",   NULL};

    if (!root)
        return perr(c, NULL,
                    "describe clusters, pools, users, hosts, images or vms",
                    "the file is empty");
    if (check_keys(c, root, "the file", names) < 0)
        return -1;
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
        yaml_node_t *sec = get(c, root, sections[i].name);

        if (sec && each_object(c, sec, sections[i].name, sections[i].fn) < 0)
            return -1;
    }
    return 0;
}

int
vrbd_apply_parse(const char *path, vrbd_apply *a)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    CLEANUP_FCLOSE FILE *f = fopen(path, "r");
    pctx c = {.path = path, .doc = &doc, .a = a};
    int r;

    a->path = xstrdup(path);
    if (!f)
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, errno,
                              "give the path of an apply file",
                              "cannot open '%s': %s", path, strerror(errno));
    if (!yaml_parser_initialize(&parser))
        abort();
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        r = vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "the file must be YAML: see 'APPLY FILES' in the manual",
            "%s:%zu:%zu: %s%s%s", path, parser.problem_mark.line + 1,
            parser.problem_mark.column + 1,
            parser.problem ? parser.problem : "does not parse",
            parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return r;
    }
    r = read_root(&c, yaml_document_get_root_node(&doc));
    yaml_document_delete(&doc);
    if (r == 0 && yaml_parser_load(&parser, &doc)) {
        yaml_node_t *more = yaml_document_get_root_node(&doc);

        if (more)
            r = perr(&c, more, "put everything in one document (no '---')",
                     "a second YAML document: apply reads one");
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    return r;
}
