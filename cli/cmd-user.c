/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-user.c: the `user` commands: least-privilege cephx users.  Keys go
 * to keyring files of mode 0600 under the registry's keys/ directory (or
 * where --keyring-file says), to stdout only with --print-keyring.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "render.h"
#include "xalloc.h"

static struct {
    const char *pool;
    bool read_only;
    bool update_caps;
    const char *keyring_file;
    bool print_keyring;
} create_opt;
static const cli_opt create_opts[] = {
    CLI_STR("pool", 0, "POOL[,POOL...]",
            "the pools the user may use (required)", &create_opt.pool),
    CLI_FLAG("read-only", 0, "read access only (profile rbd-read-only)",
             &create_opt.read_only),
    CLI_FLAG("update-caps", 0,
             "give an existing user with other caps these caps",
             &create_opt.update_caps),
    CLI_STR("keyring-file", 0, "FILE",
            "write the keyring here (default: DIR/keys/CLUSTER.client.NAME."
            "keyring)",
            &create_opt.keyring_file),
    CLI_FLAG("print-keyring", 0,
             "print the keyring on stdout instead of writing a file",
             &create_opt.print_keyring),
    {.name = NULL},
};

/* "[CLUSTER:]client.NAME" into an owned cluster (or NULL) and entity */
static int
parse_user(cli_ctx *ctx, const char *text, char **cluster, char **entity)
{
    const char *colon = strchr(text, ':');
    CLEANUP_FREE char *cl =
        colon ? xstrndup(text, (size_t)(colon - text)) : NULL;
    const char *ent = colon ? colon + 1 : text;

    if (cl && vrbd_cluster_name_check(cl) < 0)
        return cli_fail();
    if (vrbd_user_name_check(ent) < 0)
        return cli_fail();
    *cluster = TAKE(cl);
    *entity = xstrdup(ent);
    return CLI_OK;
}

static char **
split_pools(const char *list, size_t *n)
{
    CLEANUP_FREE char *copy = xstrdup(list);
    char **v = NULL, *save = NULL, *p;

    *n = 0;
    for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        while (*p == ' ')
            p++;
        v = xreallocarray(v, *n + 2, sizeof(char *));
        v[(*n)++] = xstrdup(p);
        v[*n] = NULL;
    }
    return v;
}

static char *
default_keyring_path(const cli_ctx *ctx, const char *cluster,
                     const char *entity)
{
    vrbd_registry *reg = cli_registry(ctx);
    char *dir, *path;

    if (!reg)
        return NULL;
    dir = xasprintf("%s/keys", vrbd_registry_dir(reg));
    vrbd_registry_free(reg);
    /* keys/ is private: 0700, whatever the umask */
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        fprintf(stderr, "virt-rbd: error: cannot create '%s': %s\n", dir,
                strerror(errno));
        free(dir);
        return NULL;
    }
    chmod(dir, 0700);
    path = xasprintf("%s/%s.%s.keyring", dir, cluster, entity);
    free(dir);
    return path;
}

static int
run_create(cli_ctx *ctx)
{
    const char *pools_opt = create_opt.pool;
    const char *kr_opt = create_opt.keyring_file;
    bool print = create_opt.print_keyring;
    CLEANUP_FREE char *cluster = NULL;
    CLEANUP_FREE char *entity = NULL;
    CLEANUP_FREE char *path = NULL;
    CLEANUP_STRV char **pools = NULL;
    vrbd_user_create_opts opts = {.version = VRBD_USER_CREATE_OPTS_VERSION};
    vrbd_cluster *cl = NULL;
    bool created = false, updated = false;
    size_t n = 0;
    int r;

    if (!pools_opt)
        return cli_usage(ctx, "a user needs --pool POOL[,POOL...]");
    if (print && kr_opt)
        return cli_usage(
            ctx, "--print-keyring and --keyring-file exclude each other");
    if ((r = parse_user(ctx, ctx->argv[0], &cluster, &entity)) != CLI_OK)
        return r;
    pools = split_pools(pools_opt, &n);
    if (n == 0)
        return cli_usage(ctx, "--pool names no pool");
    opts.pools = (const char *const *)pools;
    opts.n_pools = n;
    opts.read_only = create_opt.read_only;
    opts.update_caps = create_opt.update_caps;
    if (cli_connect(ctx, cluster, &cl) < 0)
        return CLI_FAIL;
    r = CLI_FAIL;
    if (vrbd_user_create(cl, entity, &opts, &created, &updated) < 0) {
        cli_fail();
        goto cleanup;
    }
    if (print) {
        fflush(stdout);
        if (vrbd_user_print_keyring(cl, entity, STDOUT_FILENO) < 0) {
            cli_fail();
            goto cleanup;
        }
        r = CLI_OK;
        goto cleanup;
    }
    path = kr_opt ? xstrdup(kr_opt)
                  : default_keyring_path(ctx, vrbd_cluster_name(cl), entity);
    if (!path || vrbd_user_write_keyring(cl, entity, path, true) < 0) {
        if (path)
            cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_user_created,
             &(cli_user_created){vrbd_cluster_name(cl), entity, created,
                                 updated, path});
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(cl);
    return r;
}

static int
run_list(cli_ctx *ctx)
{
    vrbd_spec spec = {0};
    vrbd_cluster *cl = NULL;
    vrbd_user *users = NULL;
    size_t n = 0;
    int r;

    if (ctx->argc &&
        vrbd_spec_parse(ctx->argv[0], VRBD_SPEC_POOL | VRBD_SPEC_CLUSTER_ONLY,
                        &spec) < 0)
        return cli_fail();
    if (spec.pool) {
        vrbd_spec_clear(&spec);
        return cli_usage(
            ctx,
            "user list takes a cluster: write CLUSTER: (with the colon) or nothing");
    }
    r = CLI_FAIL;
    if (cli_connect(ctx, spec.cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_user_list(cl, &users, &n) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_user_list, &(cli_user_list){users, n});
    r = CLI_OK;

cleanup:
    vrbd_user_list_free(users, n);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&spec);
    return r;
}

static int
run_show(cli_ctx *ctx)
{
    CLEANUP_FREE char *cluster = NULL;
    CLEANUP_FREE char *entity = NULL;
    vrbd_cluster *cl = NULL;
    vrbd_user u = {0};
    int r;

    if ((r = parse_user(ctx, ctx->argv[0], &cluster, &entity)) != CLI_OK)
        return r;
    if (cli_connect(ctx, cluster, &cl) < 0)
        return CLI_FAIL;
    if (vrbd_user_get(cl, entity, &u) < 0) {
        vrbd_cluster_free(cl);
        return cli_fail();
    }
    cli_show(ctx, &cli_view_user, &u);
    vrbd_user_clear(&u);
    vrbd_cluster_free(cl);
    return CLI_OK;
}

static int
run_rm(cli_ctx *ctx)
{
    CLEANUP_FREE char *cluster = NULL;
    CLEANUP_FREE char *entity = NULL;
    vrbd_cluster *cl = NULL;
    int r;

    if ((r = parse_user(ctx, ctx->argv[0], &cluster, &entity)) != CLI_OK)
        return r;
    if (cli_connect(ctx, cluster, &cl) < 0)
        return CLI_FAIL;
    if (vrbd_user_remove(cl, entity) < 0) {
        vrbd_cluster_free(cl);
        return cli_fail();
    }
    cli_show(ctx, &cli_view_user_removed,
             &(cli_user_removed){vrbd_cluster_name(cl), entity});
    vrbd_cluster_free(cl);
    return CLI_OK;
}

const cli_cmd cli_cmds_user[] = {
    {"user create", "[CLUSTER:]client.NAME", 1, 1,
     "Create a least-privilege cephx user for RBD pools",
     "Creates the user with exactly mon 'profile rbd' and osd 'profile rbd\n"
     "pool=P' for each pool (or 'profile rbd-read-only' with --read-only),\n"
     "or reuses it when its caps are exactly those.  Its keyring is written\n"
     "to a file of mode 600 (default: the registry's keys/ directory); it\n"
     "is printed only with --print-keyring.",
     create_opts, run_create},
    {"user list", "[CLUSTER:]", 0, 1,
     "List a cluster's client users and their caps (never keys)", NULL, NULL,
     run_list},
    {"user show", "[CLUSTER:]client.NAME", 1, 1,
     "Show a user's caps (never its key)", NULL, NULL, run_show},
    {"user rm", "[CLUSTER:]client.NAME", 1, 1, "Delete a cephx user", NULL,
     NULL, run_rm},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
