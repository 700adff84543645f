/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-misc.c: `help` and `version`. */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "render.h"
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
    cli_show(ctx, &cli_view_versions, &v);
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
