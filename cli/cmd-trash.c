/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-trash.c: the trash of a pool, where 'vol rm' puts images: list it,
 * bring an image back, purge it.
 */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "render.h"

static int
trash_pool(cli_ctx *ctx, const char *text, vrbd_spec *s, vrbd_cluster **cl,
           vrbd_host **host)
{
    if (vrbd_spec_parse(text, VRBD_SPEC_POOL, s) < 0)
        return cli_fail();
    if (cli_connect(ctx, s->cluster, cl) < 0)
        return CLI_FAIL;
    if (host && vrbd_host_open(ctx->connect_uri, host) < 0) {
        /* images need no libvirt: only the refresh is lost */
        vrbd_error_clear();
        *host = NULL;
    }
    return CLI_OK;
}

static int
run_list(cli_ctx *ctx)
{
    vrbd_trash_entry *e = NULL;
    vrbd_cluster *cl = NULL;
    vrbd_spec s = {0};
    size_t n = 0;
    int r;

    r = trash_pool(ctx, ctx->argv[0], &s, &cl, NULL);
    if (r == CLI_OK) {
        if (vrbd_trash_list(cl, s.pool, s.nspace, &e, &n) < 0)
            r = cli_fail();
        else
            cli_show(ctx, &cli_view_trash_list, &(cli_trash_list){e, n});
    }
    vrbd_trash_entry_list_free(e, n);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static struct {
    bool expired;
} purge_opt;
static const cli_opt purge_opts[] = {
    CLI_FLAG("expired", 0, "only the images whose keep time has ended",
             &purge_opt.expired),
    {.name = NULL},
};

static int
run_purge(cli_ctx *ctx)
{
    vrbd_trash_purge_result res = {0};
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    vrbd_spec s = {0};
    int r;

    r = trash_pool(ctx, ctx->argv[0], &s, &cl, &host);
    if (r == CLI_OK) {
        if (vrbd_trash_purge(host, cl, s.pool, s.nspace, purge_opt.expired,
                             &res) < 0)
            r = cli_fail();
        else
            cli_show(ctx, &cli_view_trash_purged,
                     &(cli_trash_purged){ctx->argv[0], &res});
    }
    vrbd_trash_purge_result_clear(&res);
    vrbd_host_free(host);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static struct {
    const char *id;
    const char *as;
} restore_opt;
static const cli_opt restore_opts[] = {
    CLI_STR("id", 0, "ID",
            "the trash entry of this id (when several have the name)",
            &restore_opt.id),
    CLI_STR("as", 0, "NAME", "come back under this name", &restore_opt.as),
    {.name = NULL},
};

static int
run_restore(cli_ctx *ctx)
{
    CLEANUP_FREE char *name = NULL;
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    vrbd_spec s = {0};
    int r = CLI_FAIL;

    /* by id, the pool alone will do */
    if (vrbd_spec_parse(ctx->argv[0], VRBD_SPEC_POOL | VRBD_SPEC_IMAGE, &s) < 0)
        return cli_fail();
    if (!s.image && !restore_opt.id) {
        vrbd_spec_clear(&s);
        return cli_usage(ctx, "give POOL/NAME, or --id ID");
    }
    if (cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_host_open(ctx->connect_uri, &host) < 0) {
        vrbd_error_clear();
        host = NULL;
    }
    if (vrbd_trash_restore(host, cl, &s, restore_opt.id, restore_opt.as,
                           &name) < 0) {
        cli_fail();
        goto cleanup;
    }
    {
        vrbd_spec c = s;
        CLEANUP_FREE char *full = NULL;

        c.cluster = (char *)vrbd_cluster_name(cl);
        c.image = name;
        full = vrbd_spec_format(&c);
        cli_show(ctx, &cli_view_trash_restored, full);
    }
    r = CLI_OK;

cleanup:
    vrbd_host_free(host);
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

#define POOL "[CLUSTER:]POOL[/NS]"

const cli_cmd cli_cmds_trash[] = {
    {"vol trash list", POOL, 1, 1, "List the images in a pool's trash",
     "What 'vol rm' put in the pool's RBD trash (and what others did): the\n"
     "name, the id, when it was removed and by which command, until when it\n"
     "is kept, its size and snapshots.  'vol restore' brings one back;\n"
     "'vol trash purge --expired' deletes those whose keep time ended.",
     NULL, run_list},
    {"vol trash purge", POOL, 1, 1, "Delete what is in a pool's trash",
     "Every image in the pool's trash is deleted for good, its snapshots\n"
     "first; with --expired only those whose keep time has ended.  An image\n"
     "that a clone still reads from (clone v2 keeps a removed parent in the\n"
     "trash) is left and named, as are rbd-mirror's and migrations' own\n"
     "entries.",
     purge_opts, run_purge},
    {"vol restore", "[CLUSTER:]POOL/NAME", 1, 1,
     "Bring an image back from the trash",
     "The image removed under NAME comes back whole, with its snapshots and\n"
     "metadata.  Refused when NAME is taken (--as NEWNAME), or when several\n"
     "removed images had that name (pick one with --id, as 'vol trash list'\n"
     "shows).  The host's libvirt pools for that pool are refreshed.",
     restore_opts, run_restore},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
