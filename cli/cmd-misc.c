/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-misc.c: `help` and `version`. */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "xalloc.h"

static int
run_help(cli_ctx *ctx)
{
    CLEANUP_FREE char *name = NULL;
    const cli_cmd *cmd;

    if (ctx->argc == 0) {
        cli_print_main_help();
        return CLI_OK;
    }
    name = ctx->argc == 3
               ? xasprintf("%s %s %s", ctx->argv[0], ctx->argv[1], ctx->argv[2])
           : ctx->argc == 2 ? xasprintf("%s %s", ctx->argv[0], ctx->argv[1])
                            : xstrdup(ctx->argv[0]);
    cmd = cli_find_cmd(name);
    if (!cmd)
        return cli_usage(NULL, "unknown command '%s'", name);
    cli_print_cmd_help(cmd);
    return CLI_OK;
}

static int
run_version(cli_ctx *ctx)
{
    vrbd_versions v;

    vrbd_versions_get(&v);
    if (ctx->json) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "virt-rbd",
                               json_object_new_string(vrbd_version()));
        json_object_object_add(o, "librados",
                               json_object_new_string(v.librados));
        json_object_object_add(o, "librbd", json_object_new_string(v.librbd));
        json_object_object_add(o, "libvirt", json_object_new_string(v.libvirt));
        cli_print_json(o);
        return CLI_OK;
    }
    printf("virt-rbd %s\nlibrados %s\nlibrbd %s\nlibvirt %s\n", vrbd_version(),
           v.librados, v.librbd, v.libvirt);
    return CLI_OK;
}

const cli_cmd cli_cmds_misc[] = {
    {"help", "[COMMAND]", 0, 3, "Show help for virt-rbd or one command", NULL,
     NULL, run_help},
    {"version", "", 0, 0,
     "Show the versions of virt-rbd and the libraries it runs on", NULL, NULL,
     run_version},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
