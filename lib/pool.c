/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pool.c: Ceph pools for RBD: planning their placement groups within the
 * monitors' budget, creating them ready for RBD, listing and removing
 * them.  Everything goes through mon commands built as JSON objects (no
 * string pasting) and librbd; nothing runs the ceph or rbd programs.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <rbd/librbd.h>

#include "internal.h"
#include "json-util.h"
#include "size.h"

/* Ceph's rule of thumb: about 100 PGs per OSD, shared by the pools. */
#define PGS_PER_OSD_TARGET 100

static unsigned
pow2_floor(uint64_t v)
{
    unsigned p = 1;

    if (v == 0)
        return 0;
    while ((uint64_t)p * 2 <= v && p < (1U << 30))
        p *= 2;
    return p;
}

/*
 * The pgcalc rounding: the nearest power of two, except that one more
 * than 25 % below the ideal gives way to the next one up.
 */
static unsigned
pow2_round(double ideal)
{
    unsigned lo;

    if (ideal <= 1)
        return 1;
    lo = pow2_floor((uint64_t)ideal);
    if ((double)lo >= ideal)
        return lo;
    if ((ideal - lo) / ideal > 0.25)
        return lo * 2;
    return lo;
}

int
vrbd_pool_plan_compute(const vrbd_pool_plan_input *in, vrbd_pool_plan *out)
{
    vrbd_pool_plan p = {0};
    uint64_t room;

    if (in->size == 0 || in->size > 10)
        return vrbd_error_set(VRBD_ERR_INVALID, 0,
                              "give a replica count from 1 to 10 ({size})",
                              "invalid pool size %u", in->size);
    if (in->target_ratio < 0 || in->target_ratio > 1 || isnan(in->target_ratio))
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "give a share of the data between 0 and 1, e.g. 0.5",
            "invalid target ratio %g", in->target_ratio);
    if (in->osds_in == 0)
        return vrbd_error_set(VRBD_ERR_UNSUPPORTED, 0,
                              "bring OSDs up and in first",
                              "the cluster has no OSD in");
    if (in->size > in->osds_in)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "lower {size}, or add OSDs",
            "size %u needs %u OSDs but only %u are in: its PGs would never become clean",
            in->size, in->size, in->osds_in);
    p.osds_in = in->osds_in;
    p.mon_max_pg_per_osd = in->mon_max_pg_per_osd;
    p.size = in->size;
    p.target_ratio = in->target_ratio > 0 ? in->target_ratio : 1.0;
    p.max_pgs = (uint64_t)in->mon_max_pg_per_osd * in->osds_in;
    for (size_t i = 0; i < in->n_pools; i++)
        p.used_pgs += (uint64_t)in->pools[i].pg_num * in->pools[i].size;
    p.ideal =
        (double)PGS_PER_OSD_TARGET * in->osds_in * p.target_ratio / in->size;
    p.recommended = pow2_round(p.ideal);
    room = p.max_pgs > p.used_pgs ? (p.max_pgs - p.used_pgs) / in->size : 0;
    p.largest_fit = pow2_floor(room);
    p.pg_num = p.recommended < p.largest_fit ? p.recommended : p.largest_fit;
    *out = p;
    return 0;
}

int
vrbd_pool_plan_check(const vrbd_pool_plan *plan, const char *pool,
                     unsigned pg_num)
{
    uint64_t total = plan->used_pgs + (uint64_t)pg_num * plan->size;
    CLEANUP_FREE char *hint = NULL;

    if (pg_num == 0)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0,
            "give a power of two such as 32 or 128, or {pg_num} auto",
            "pg_num 0 is not a placement group count");
    if (total > plan->max_pgs) {
        if (plan->largest_fit)
            hint = xasprintf("the largest power of two that fits is %u "
                             "({pg_num} %u, or {pg_num} auto)",
                             plan->largest_fit, plan->largest_fit);
        else
            hint = xstrdup("no room is left: remove pools, shrink their "
                           "pg_num, or add OSDs");
        return vrbd_error_set(
            VRBD_ERR_INVALID, ERANGE, hint,
            "pool '%s' with pg_num %u and size %u would bring the cluster to %llu PGs (%llu in use + %u x %u), over the monitors' limit of %llu (mon_max_pg_per_osd %u x %u OSDs in)",
            pool, pg_num, plan->size, (unsigned long long)total,
            (unsigned long long)plan->used_pgs, pg_num, plan->size,
            (unsigned long long)plan->max_pgs, plan->mon_max_pg_per_osd,
            plan->osds_in);
    }
    if (pg_num & (pg_num - 1)) {
        unsigned lo = pow2_floor(pg_num);

        hint = xasprintf("use %u or %u", lo, lo * 2);
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, hint,
            "pg_num %u is not a power of two: PGs would hold uneven shares of the data",
            pg_num);
    }
    return 0;
}

/* A numeric config value as the monitors hold it, or @def. */
static uint64_t
mon_config_u64(vrbd_cluster *cl, const char *key, uint64_t def)
{
    CLEANUP(vrbd_json_put) struct json_object *res = NULL;
    struct json_object *cmd = vrbd_json_cmd("config get");

    vrbd_json_add_str(cmd, "who", "mon");
    vrbd_json_add_str(cmd, "key", key);
    if (vrbd_cluster_mon_json(cl, cmd, &res) < 0) {
        /* a restricted user may not read config: the defaults are
         * Ceph's, and the monitors will still have the last word */
        vrbd_debug("config get %s: %s; using %llu", key,
                   vrbd_error_last()->message, (unsigned long long)def);
        vrbd_error_clear();
        return def;
    }
    return vrbd_pool_config_read(res, def);
}

uint64_t
vrbd_pool_config_read(struct json_object *res, uint64_t def)
{
    const char *s;

    if (json_object_is_type(res, json_type_int))
        return json_object_get_uint64(res);
    s = json_object_get_string(res);
    return s && *s ? strtoull(s, NULL, 10) : def;
}

static int
read_pools(vrbd_cluster *cl, struct json_object **out)
{
    struct json_object *cmd = vrbd_json_cmd("osd pool ls");

    vrbd_json_add_str(cmd, "detail", "detail");
    return vrbd_cluster_mon_json(cl, cmd, out);
}

/* pg_num as the monitors' budget check counts it: the target. */
static unsigned
pool_pg_target(struct json_object *p)
{
    uint64_t t = vrbd_json_u64(p, "pg_num_target");

    return (unsigned)(t ? t : vrbd_json_u64(p, "pg_num"));
}

vrbd_pool_usage *
vrbd_pool_usage_read(struct json_object *pools, size_t *n_out)
{
    size_t n = vrbd_json_array_len(pools);
    vrbd_pool_usage *usage = xcalloc(n + 1, sizeof(*usage));

    for (size_t i = 0; i < n; i++) {
        struct json_object *p = json_object_array_get_idx(pools, i);

        usage[i].name = (char *)vrbd_json_str(p, "pool_name", "?");
        usage[i].pg_num = pool_pg_target(p);
        usage[i].size = (unsigned)vrbd_json_u64(p, "size");
    }
    *n_out = n;
    return usage;
}

int
vrbd_pool_plan_get(vrbd_cluster *cl, unsigned size, double target_ratio,
                   vrbd_pool_plan *out)
{
    CLEANUP(vrbd_json_put) struct json_object *stat = NULL;
    CLEANUP(vrbd_json_put) struct json_object *pools = NULL;
    vrbd_pool_plan_input in = {0};
    vrbd_pool_usage *usage;
    size_t n;
    int r;

    if (vrbd_cluster_mon_json(cl, vrbd_json_cmd("osd stat"), &stat) < 0 ||
        read_pools(cl, &pools) < 0)
        return -1;
    in.osds_in = (unsigned)vrbd_json_u64(stat, "num_in_osds");
    in.mon_max_pg_per_osd =
        (unsigned)mon_config_u64(cl, "mon_max_pg_per_osd", 250);
    in.size =
        size ? size : (unsigned)mon_config_u64(cl, "osd_pool_default_size", 3);
    in.target_ratio = target_ratio;
    usage = vrbd_pool_usage_read(pools, &n);
    in.pools = usage;
    in.n_pools = n;
    r = vrbd_pool_plan_compute(&in, out);
    free(usage);
    return r;
}

struct json_object *
vrbd_pool_find(struct json_object *pools, const char *name)
{
    size_t n = vrbd_json_array_len(pools);

    for (size_t i = 0; i < n; i++) {
        struct json_object *p = json_object_array_get_idx(pools, i);

        if (strcmp(vrbd_json_str(p, "pool_name", ""), name) == 0)
            return p;
    }
    return NULL;
}

bool
vrbd_pool_app_other(struct json_object *pool, bool *rbd)
{
    struct json_object *apps = vrbd_json_path(pool, "application_metadata");
    struct json_object *r = NULL;

    if (json_object_is_type(apps, json_type_object) &&
        json_object_object_length(apps) > 0 &&
        !json_object_object_get_ex(apps, "rbd", &r))
        return true;
    *rbd = r != NULL;
    return false;
}

static int
check_pool_name(const char *name)
{
    vrbd_spec s;

    if (vrbd_spec_parse(name, VRBD_SPEC_POOL, &s) < 0)
        return -1;
    if (s.cluster || s.nspace) {
        vrbd_spec_clear(&s);
        return vrbd_error_set(VRBD_ERR_INVALID, 0, NULL,
                              "invalid pool name '%s'", name);
    }
    vrbd_spec_clear(&s);
    return 0;
}

static int
pool_set(vrbd_cluster *cl, const char *pool, const char *var, const char *val)
{
    struct json_object *cmd = vrbd_json_cmd("osd pool set");

    vrbd_json_add_str(cmd, "pool", pool);
    vrbd_json_add_str(cmd, "var", var);
    vrbd_json_add_str(cmd, "val", val);
    return vrbd_cluster_mon_json(cl, cmd, NULL);
}

static int
enable_rbd(vrbd_cluster *cl, const char *pool)
{
    struct json_object *cmd = vrbd_json_cmd("osd pool application enable");

    vrbd_json_add_str(cmd, "pool", pool);
    vrbd_json_add_str(cmd, "app", "rbd");
    json_object_object_add(cmd, "yes_i_really_mean_it",
                           json_object_new_boolean(1));
    return vrbd_cluster_mon_json(cl, cmd, NULL);
}

static int
init_rbd(vrbd_cluster *cl, const char *pool)
{
    rados_ioctx_t io;
    int r;

    r = rados_ioctx_create(vrbd_cluster_rados(cl), pool, &io);
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot open pool '%s' of cluster '%s'",
                               pool, vrbd_cluster_name(cl));
    r = rbd_pool_init(io, false);
    rados_ioctx_destroy(io);
    if (r < 0)
        return vrbd_error_ceph(r, NULL, "cannot initialise pool '%s' for RBD",
                               pool);
    return 0;
}

int
vrbd_pool_create(vrbd_cluster *cl, const char *name,
                 const vrbd_pool_create_opts *opts, bool *created,
                 vrbd_pool_plan *plan_out)
{
    CLEANUP(vrbd_json_put) struct json_object *pools = NULL;
    struct json_object *existing, *cmd;
    vrbd_pool_plan plan;
    unsigned pg, min_size;
    char buf[32];

    if (vrbd_opts_check(opts, VRBD_POOL_CREATE_OPTS_VERSION,
                        "vrbd_pool_create_opts") < 0)
        return -1;
    *created = false;
    if (check_pool_name(name) < 0)
        return -1;
    if (read_pools(cl, &pools) < 0)
        return -1;
    existing = vrbd_pool_find(pools, name);
    if (existing) {
        bool rbd = false;

        if (vrbd_pool_app_other(existing, &rbd))
            return vrbd_error_set(
                VRBD_ERR_EXISTS, EEXIST, "pick another name for the RBD pool",
                "pool '%s' of cluster '%s' exists and belongs to another application",
                name, vrbd_cluster_name(cl));
        if (plan_out)
            memset(plan_out, 0, sizeof(*plan_out));
        vrbd_info("pool '%s' exists: making sure it is ready for RBD", name);
        if (!rbd && enable_rbd(cl, name) < 0)
            return -1;
        return init_rbd(cl, name);
    }

    if (vrbd_pool_plan_get(cl, opts->size, opts->target_ratio, &plan) < 0)
        return -1;
    if (plan_out)
        *plan_out = plan;
    pg = opts->pg_num ? opts->pg_num : plan.pg_num;
    if (!opts->pg_num && plan.pg_num == 0)
        return vrbd_pool_plan_check(&plan, name, plan.recommended);
    if (vrbd_pool_plan_check(&plan, name, pg) < 0)
        return -1;
    min_size = opts->min_size ? opts->min_size : plan.size - plan.size / 2;
    if (min_size > plan.size)
        return vrbd_error_set(
            VRBD_ERR_INVALID, 0, "give a min_size from 1 to the size",
            "min_size %u is larger than size %u", min_size, plan.size);

    cmd = vrbd_json_cmd("osd pool create");
    vrbd_json_add_str(cmd, "pool", name);
    vrbd_json_add_int(cmd, "pg_num", pg);
    vrbd_json_add_int(cmd, "pgp_num", pg);
    vrbd_json_add_str(cmd, "pool_type", "replicated");
    vrbd_json_add_int(cmd, "size", plan.size);
    /* the count planned here stays: the autoscaler would merge PGs
     * behind the admin's back (and in the middle of benchmarks) */
    vrbd_json_add_str(cmd, "autoscale_mode", "off");
    vrbd_info("creating pool '%s': pg_num %u, size %u, min_size %u", name, pg,
              plan.size, min_size);
    if (vrbd_cluster_mon_json(cl, cmd, NULL) < 0)
        return -1;
    *created = true;
    snprintf(buf, sizeof(buf), "%u", min_size);
    if (pool_set(cl, name, "min_size", buf) < 0 || enable_rbd(cl, name) < 0 ||
        init_rbd(cl, name) < 0)
        return -1;
    return 0;
}

static int
cmp_info(const void *a, const void *b)
{
    return strcmp(((const vrbd_pool_info *)a)->name,
                  ((const vrbd_pool_info *)b)->name);
}

static int64_t
count_images(vrbd_cluster *cl, const char *pool)
{
    rados_ioctx_t io;
    rbd_image_spec_t *images = NULL;
    size_t max = 64;
    int r;

    if (rados_ioctx_create(vrbd_cluster_rados(cl), pool, &io) < 0)
        return -1;
    /* grow and retry, as librbd asks */
    for (;;) {
        images = xreallocarray(images, max, sizeof(*images));
        r = rbd_list2(io, images, &max);
        if (r != -ERANGE)
            break;
    }
    if (r >= 0)
        rbd_image_spec_list_cleanup(images, max);
    free(images);
    rados_ioctx_destroy(io);
    return r < 0 ? -1 : (int64_t)max;
}

/* The entries of @pool's RBD trash, -1 when they cannot be listed */
static int64_t
count_trash(vrbd_cluster *cl, const char *pool)
{
    rbd_trash_image_info_t one[1];
    size_t n = 1;
    rados_ioctx_t io;
    int r;

    if (rados_ioctx_create(vrbd_cluster_rados(cl), pool, &io) < 0)
        return -1;
    /* with room for one, librbd says how many there are */
    r = rbd_trash_list(io, one, &n);
    if (r > 0)
        rbd_trash_list_cleanup(one, (size_t)r);
    rados_ioctx_destroy(io);
    return r < 0 && r != -ERANGE ? -1 : (int64_t)n;
}

vrbd_pool_info *
vrbd_pool_list_read(struct json_object *pools, struct json_object *df,
                    int64_t (*count)(void *opaque, const char *pool),
                    void *opaque, size_t *n_out)
{
    struct json_object *dfpools;
    vrbd_pool_info *res;
    size_t n, i, j, m;

    n = vrbd_json_array_len(pools);
    dfpools = vrbd_json_path(df, "pools");
    m = vrbd_json_array_len(dfpools);
    res = xcalloc(n + 1, sizeof(*res));
    for (i = 0; i < n; i++) {
        struct json_object *p = json_object_array_get_idx(pools, i);
        struct json_object *apps = vrbd_json_path(p, "application_metadata");
        char *list = xstrdup("");
        bool is_rbd = false;

        res[i].name = xstrdup(vrbd_json_str(p, "pool_name", "?"));
        res[i].id = (int64_t)vrbd_json_u64(p, "pool_id");
        res[i].pg_num = (unsigned)vrbd_json_u64(p, "pg_num");
        res[i].size = (unsigned)vrbd_json_u64(p, "size");
        res[i].min_size = (unsigned)vrbd_json_u64(p, "min_size");
        if (apps && json_object_is_type(apps, json_type_object)) {
            json_object_object_foreach(apps, app, unused)
            {
                char *next = xasprintf("%s%s%s", list, *list ? "," : "", app);

                (void)unused;
                free(list);
                list = next;
                if (strcmp(app, "rbd") == 0)
                    is_rbd = true;
            }
        }
        res[i].applications = list;
        res[i].images = is_rbd && count ? count(opaque, res[i].name) : 0;
        for (j = 0; j < m; j++) {
            struct json_object *d = json_object_array_get_idx(dfpools, j);

            if (strcmp(vrbd_json_str(d, "name", ""), res[i].name) == 0) {
                res[i].bytes_used =
                    vrbd_json_u64(vrbd_json_path(d, "stats"), "bytes_used");
                res[i].objects =
                    vrbd_json_u64(vrbd_json_path(d, "stats"), "objects");
            }
        }
    }
    qsort(res, n, sizeof(*res), cmp_info);
    *n_out = n;
    return res;
}

static int64_t
count_in(void *cl, const char *pool)
{
    return count_images(cl, pool);
}

int
vrbd_pool_list(vrbd_cluster *cl, vrbd_pool_info **out, size_t *n_out)
{
    CLEANUP(vrbd_json_put) struct json_object *pools = NULL;
    CLEANUP(vrbd_json_put) struct json_object *df = NULL;

    if (read_pools(cl, &pools) < 0 ||
        vrbd_cluster_mon_json(cl, vrbd_json_cmd("df"), &df) < 0)
        return -1;
    *out = vrbd_pool_list_read(pools, df, count_in, cl, n_out);
    for (size_t i = 0; i < *n_out; i++)
        (*out)[i].trashed = strstr((*out)[i].applications, "rbd")
                                ? count_trash(cl, (*out)[i].name)
                                : 0;
    return 0;
}

void
vrbd_pool_info_list_free(vrbd_pool_info *pools, size_t n)
{
    if (!pools)
        return;
    for (size_t i = 0; i < n; i++) {
        free(pools[i].name);
        free(pools[i].applications);
    }
    free(pools);
}

int
vrbd_pool_remove(vrbd_cluster *cl, const char *name)
{
    CLEANUP(vrbd_json_put) struct json_object *pools = NULL;
    struct json_object *cmd;
    rados_ioctx_t io;
    rbd_trash_image_info_t trash[1];
    size_t nt = 1;
    int64_t images;
    int r;

    if (check_pool_name(name) < 0 || read_pools(cl, &pools) < 0)
        return -1;
    if (!vrbd_pool_find(pools, name))
        return vrbd_error_set(VRBD_ERR_NOT_FOUND, ENOENT, NULL,
                              "pool '%s' not found in cluster '%s'", name,
                              vrbd_cluster_name(cl));
    images = count_images(cl, name);
    if (images < 0)
        return vrbd_error_set(
            VRBD_ERR_CEPH, EIO, "check the user's caps on the pool",
            "cannot count the images of pool '%s': not removing it", name);
    if (images > 0) {
        CLEANUP_FREE char *hint = xasprintf(
            "remove its images first ({prog}{vrbd_volume_list} %s:%s)",
            vrbd_cluster_name(cl), name);

        return vrbd_error_set(
            VRBD_ERR_BUSY, ENOTEMPTY, hint,
            "pool '%s' of cluster '%s' still holds %lld RBD image(s)", name,
            vrbd_cluster_name(cl), (long long)images);
    }
    r = rados_ioctx_create(vrbd_cluster_rados(cl), name, &io);
    if (r == 0) {
        char ns[1024];
        size_t ns_len = sizeof(ns);
        int nr = rbd_namespace_list(io, ns, &ns_len);

        /* images in namespaces are not in the default namespace's list */
        if (nr == -ERANGE || (nr >= 0 && ns_len > 0 && ns[0])) {
            rados_ioctx_destroy(io);
            return vrbd_error_set(
                VRBD_ERR_BUSY, ENOTEMPTY,
                "remove the namespaces' images and the namespaces first",
                "pool '%s' of cluster '%s' has RBD namespaces (first: '%s')",
                name, vrbd_cluster_name(cl), nr == -ERANGE ? "..." : ns);
        }
        r = rbd_trash_list(io, trash, &nt);
        if (r > 0)
            rbd_trash_list_cleanup(trash, 1);
        rados_ioctx_destroy(io);
        if (r > 0 || r == -ERANGE) {
            CLEANUP_FREE char *hint = xasprintf(
                "see {prog}{vrbd_trash_list} %s:%s; restore them, or delete "
                "them for good with {prog}{vrbd_trash_purge} %s:%s",
                vrbd_cluster_name(cl), name, vrbd_cluster_name(cl), name);

            /* with room for one, the list says how many there are */
            return vrbd_error_set(
                VRBD_ERR_BUSY, ENOTEMPTY, hint,
                "pool '%s' of cluster '%s' has %zu image(s) in its trash", name,
                vrbd_cluster_name(cl), nt);
        }
    }
    cmd = vrbd_json_cmd("osd pool rm");
    vrbd_json_add_str(cmd, "pool", name);
    vrbd_json_add_str(cmd, "pool2", name);
    json_object_object_add(cmd, "yes_i_really_really_mean_it",
                           json_object_new_boolean(1));
    if (vrbd_cluster_mon_json(cl, cmd, NULL) < 0) {
        if (vrbd_error_last()->errnum == EPERM)
            vrbd_error_set(
                VRBD_ERR_PERMISSION, EPERM,
                "set mon_allow_pool_delete = true on the monitors",
                "the monitors of cluster '%s' do not allow pool deletion",
                vrbd_cluster_name(cl));
        return -1;
    }
    return 0;
}

/* Whether @pool is flagged full, by its quota or by the cluster; what the
 * monitors say, for an error message.  NULL when it is not full or when
 * the monitors cannot be asked (the caller's own error then stands). */
char *
vrbd_pool_full_reason(vrbd_cluster *cl, const char *pool)
{
    CLEANUP(vrbd_json_put) struct json_object *pools = NULL;

    if (read_pools(cl, &pools) < 0) {
        vrbd_error_clear();
        return NULL;
    }
    return vrbd_pool_full_reason_read(pools, pool);
}

char *
vrbd_pool_quota_short(vrbd_cluster *cl, const char *pool, uint64_t need)
{
    CLEANUP(vrbd_json_put) struct json_object *pools = NULL;
    rados_ioctx_t io = NULL;
    struct rados_pool_stat_t st;
    uint64_t max = 0, left;
    char a[32], b[32], c[32];
    size_t n;

    if (read_pools(cl, &pools) < 0) {
        vrbd_error_clear();
        return NULL;
    }
    n = vrbd_json_array_len(pools);
    for (size_t i = 0; i < n; i++) {
        struct json_object *p = json_object_array_get_idx(pools, i);

        if (strcmp(vrbd_json_str(p, "pool_name", ""), pool) == 0)
            max = vrbd_json_u64(p, "quota_max_bytes");
    }
    if (!max || rados_ioctx_create(vrbd_cluster_rados(cl), pool, &io) < 0)
        return NULL;
    if (rados_ioctx_pool_stat(io, &st) < 0) {
        rados_ioctx_destroy(io);
        return NULL;
    }
    rados_ioctx_destroy(io);
    left = st.num_bytes < max ? max - st.num_bytes : 0;
    if (need <= left)
        return NULL;
    vrbd_size_format(left, a, sizeof(a));
    vrbd_size_format(max, b, sizeof(b));
    vrbd_size_format(need, c, sizeof(c));
    return xasprintf("its quota of %s leaves %s, and the data takes %s", b, a,
                     c);
}

char *
vrbd_pool_full_reason_read(struct json_object *pools, const char *pool)
{
    size_t n = vrbd_json_array_len(pools);

    for (size_t i = 0; i < n; i++) {
        struct json_object *p = json_object_array_get_idx(pools, i);
        const char *flags = vrbd_json_str(p, "flags_names", "");
        uint64_t max_bytes = vrbd_json_u64(p, "quota_max_bytes");
        uint64_t max_objects = vrbd_json_u64(p, "quota_max_objects");

        if (strcmp(vrbd_json_str(p, "pool_name", ""), pool) != 0)
            continue;
        /* the flag outlives a quota removed until the next stats come in
         * (seconds): with no quota left the pool is not full */
        if (vrbd_csv_has(flags, "full_quota") && !max_bytes && !max_objects)
            return NULL;
        if (vrbd_csv_has(flags, "full_quota")) {
            if (max_bytes)
                return xasprintf("its quota of %llu bytes is reached",
                                 (unsigned long long)max_bytes);
            return xasprintf("its quota of %llu objects is reached",
                             (unsigned long long)max_objects);
        }
        if (vrbd_csv_has(flags, "full"))
            return xstrdup("the cluster is full");
        return NULL;
    }
    return NULL;
}
