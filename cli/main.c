/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * main.c: the virt-rbd command table and dispatch.  Every command and
 * option is declared once, in a table; --help, `help COMMAND` and the
 * option parser are all made from those tables, so they cannot disagree.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cleanup.h"
#include "words.h"
#include "xalloc.h"

enum {
    G_CONFIG_DIR,
    G_JSON,
    G_VERBOSE,
    G_CONNECT,
    G_HOST,
    G_TIMEOUT,
    G_HELP,
    G_VERSION,
};

static const cli_opt global_opts[] = {
    [G_CONFIG_DIR] = {.name = "config-dir",
                      .short_name = 0,
                      .metavar = "DIR",
                      .help =
                          "the cluster registry (default: $VIRT_RBD_CONFIG_DIR "
                          "or /etc/virt-rbd)"},
    [G_JSON] = {.name = "json",
                .short_name = 0,
                .metavar = NULL,
                .help = "print data as JSON"},
    [G_VERBOSE] = {.name = "verbose",
                   .short_name = 'v',
                   .metavar = NULL,
                   .help = "say what is done on stderr (twice: debug)"},
    [G_CONNECT] = {.name = "connect",
                   .short_name = 'c',
                   .metavar = "URI",
                   .help = "libvirt URI (default: $VIRT_RBD_LIBVIRT_URI or "
                           "qemu:///system)"},
    [G_HOST] = {.name = "host",
                .short_name = 0,
                .metavar = "NAME",
                .help = "the registered fleet host NAME (see 'fleet add'), "
                        "in place of -c URI"},
    [G_TIMEOUT] = {.name = "timeout",
                   .short_name = 0,
                   .metavar = "SECONDS",
                   .help = "give up on any Ceph operation after this long "
                           "(default: 30)"},
    [G_HELP] = {.name = "help",
                .short_name = 'h',
                .metavar = NULL,
                .help = "show help and exit"},
    [G_VERSION] = {.name = "version",
                   .short_name = 0,
                   .metavar = NULL,
                   .help = "show the version and exit"},
    {.name = NULL},
};
#define N_GLOBAL ((int)(sizeof(global_opts) / sizeof(global_opts[0])) - 1)

static const cli_cmd *const groups[] = {
    cli_cmds_cluster, cli_cmds_pool,  cli_cmds_user,   cli_cmds_host,
    cli_cmds_fleet,   cli_cmds_dr,    cli_cmds_vol,    cli_cmds_trash,
    cli_cmds_copy,    cli_cmds_disk,  cli_cmds_vm,     cli_cmds_backup,
    cli_cmds_apply,   cli_cmds_bench, cli_cmds_doctor, cli_cmds_misc};

const cli_opt *
cli_global_opts(void)
{
    return global_opts;
}

const cli_cmd *
cli_cmd_group(size_t i)
{
    return i < sizeof(groups) / sizeof(groups[0]) ? groups[i] : NULL;
}

static void
for_each_cmd(void (*fn)(const cli_cmd *, void *), void *opaque)
{
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
        for (const cli_cmd *c = groups[g]; c->name; c++)
            fn(c, opaque);
}

struct find {
    const char *name;
    const cli_cmd *found;
};

static void
find_one(const cli_cmd *c, void *opaque)
{
    struct find *f = opaque;

    if (strcmp(c->name, f->name) == 0)
        f->found = c;
}

/* A table entry that is not bound to exactly one variable (written
 * without the CLI_* macros) would drop its value: refuse to run. */
static void
check_bound(const cli_cmd *c, void *opaque)
{
    for (const cli_opt *o = c->opts; o && o->name; o++) {
        int kinds = !!o->str + !!o->flag + !!o->count;

        if (kinds != 1 || !o->metavar != !!o->flag) {
            fprintf(stderr, "virt-rbd: bug: option --%s of '%s' is not bound\n",
                    o->name, c->name);
            abort();
        }
    }
}

/* old names that still work, not listed in --help */
static const struct {
    const char *alias, *name;
} aliases[] = {
    {"cluster remove", "cluster rm"},
};

const cli_cmd *
cli_find_cmd(const char *name)
{
    struct find f = {name, NULL};

    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(name, aliases[i].alias) == 0)
            f.name = aliases[i].name;

    for_each_cmd(find_one, &f);
    return f.found;
}

static void
print_opt(const cli_opt *o)
{
    char left[64];
    const char *sp = o->metavar ? " " : "";
    const char *mv = o->metavar ? o->metavar : "";

    if (o->short_name)
        snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
                 sp, mv);
    else
        snprintf(left, sizeof(left), "    --%s%s%s", o->name, sp, mv);
    printf("  %-26s %s\n", left, o->help);
}

static void
print_summary(const cli_cmd *c, void *opaque)
{
    printf("  %-18s %s\n", c->name, c->summary);
}

void
cli_print_main_help(void)
{
    printf("Usage: virt-rbd [OPTIONS] COMMAND [ARGS...]\n"
           "\n"
           "Manage Ceph RBD storage for KVM/libvirt hosts, on one Ceph "
           "cluster or many.\n"
           "\n"
           "Commands:\n");
    for_each_cmd(print_summary, NULL);
    printf("\nOptions (accepted before or after the command):\n");
    for (int i = 0; i < N_GLOBAL; i++)
        print_opt(&global_opts[i]);
    printf("\nRun 'virt-rbd help COMMAND' for a command's arguments and "
           "options.\n"
           "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

void
cli_print_cmd_help(const cli_cmd *c)
{
    printf("Usage: virt-rbd %s%s%s%s\n\n%s.\n", c->name,
           c->args && *c->args ? " " : "", c->args ? c->args : "",
           c->opts && c->opts[0].name ? " [OPTIONS]" : "", c->summary);
    if (c->description)
        printf("\n%s\n", c->description);
    if (c->opts && c->opts[0].name) {
        printf("\nOptions:\n");
        for (const cli_opt *o = c->opts; o->name; o++)
            print_opt(o);
    }
    printf("\nGlobal options (see 'virt-rbd --help'): --config-dir, --json, "
           "--verbose,\n--connect, --timeout.\n");
}

/* Store @arg (NULL for a flag) where option @o is bound. */
static int
set_opt(const cli_ctx *ctx, const cli_opt *o, const char *arg)
{
    char *end;
    unsigned long n;

    if (o->flag) {
        *o->flag = true;
    } else if (o->str) {
        *o->str = arg;
    } else if (o->count) {
        errno = 0;
        n = strtoul(arg, &end, 10);
        if (errno || *end || end == arg || arg[0] == '-' || n == 0 ||
            n > o->max)
            return cli_usage(
                ctx, "invalid --%s '%s': give a whole number from 1 to %u",
                o->name, arg, o->max);
        *o->count = (unsigned)n;
    }
    return CLI_OK;
}

/* Add @opts to the getopt tables, with values @base + index. */
static void
add_opts(const cli_opt *opts, int base, struct option *lo, int *n, char *shorts)
{
    for (int i = 0; opts && opts[i].name; i++) {
        lo[*n] = (struct option){
            opts[i].name, opts[i].metavar ? required_argument : no_argument,
            NULL, base + i};
        (*n)++;
        if (opts[i].short_name) {
            size_t len = strlen(shorts);

            shorts[len] = opts[i].short_name;
            shorts[len + 1] = opts[i].metavar ? ':' : '\0';
            shorts[len + 2] = '\0';
        }
    }
}

static int
set_global(cli_ctx *ctx, int idx, const char *arg)
{
    char *end;
    unsigned long v;

    switch (idx) {
    case G_JSON:
        ctx->json = true;
        break;
    case G_VERBOSE:
        ctx->verbose++;
        break;
    case G_CONFIG_DIR:
        ctx->config_dir = arg;
        break;
    case G_CONNECT:
        if (ctx->host_name)
            return cli_usage(ctx, "give either --host or -c/--connect");
        ctx->connect_uri = arg;
        ctx->connect_given = true;
        break;
    case G_HOST:
        if (ctx->connect_given)
            return cli_usage(ctx, "give either --host or -c/--connect");
        ctx->host_name = arg;
        break;
    case G_TIMEOUT:
        errno = 0;
        v = strtoul(arg, &end, 10);
        if (errno || *end || end == arg || v == 0 || v > 86400 || arg[0] == '-')
            return cli_usage(
                ctx,
                "invalid --timeout '%s': give whole seconds from 1 to 86400",
                arg);
        ctx->timeout_sec = (unsigned)v;
        break;
    default:
        break;
    }
    return CLI_OK;
}

/*
 * Parse options in argv[*optind_io..]; with @cmd NULL only global options
 * and stop at the first non-option (the command).  Returns -1 to go on, or
 * an exit code.
 */
static int
parse(cli_ctx *ctx, const cli_cmd *cmd, int argc, char **argv)
{
    struct option lo[CLI_MAX_OPTS * 2 + 1];
    char shorts[CLI_MAX_OPTS * 4 + 4] = "";
    int n = 0, c;

    strcpy(shorts, cmd ? ":" : "+:");
    add_opts(global_opts, 512, lo, &n, shorts);
    if (cmd)
        add_opts(cmd->opts, 256, lo, &n, shorts);
    lo[n] = (struct option){NULL, 0, NULL, 0};
    opterr = 0;
    while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        if (c == '?' || c == ':') {
            /* optopt is the short option's letter, or 0 (unknown long
             * option) or the table value (long option lacking a value) */
            char bad[3] = {'-', (char)optopt, '\0'};
            bool is_short = optopt > 0 && optopt < 256;
            const char *what = is_short ? bad : argv[optind - 1];

            if (c == ':')
                return cli_usage(ctx, "option '%s' needs a value", what);
            /* a name such as -pool/image reads as options (getopt is
             * still on its word when the bad letter is not its last) */
            if (is_short && optind < argc && argv[optind][0] == '-' &&
                strchr(argv[optind], optopt))
                what = argv[optind];
            if (cmd && strpbrk(what, "/:@"))
                return cli_usage(
                    ctx,
                    "'%s' reads as options: put a name that begins with '-' after '--'",
                    what);
            return cli_usage(ctx, "unknown option '%s'", what);
        }
        if (c < 256) {
            /* a short option: find which table entry it belongs to */
            for (int i = 0; i < N_GLOBAL; i++)
                if (global_opts[i].short_name == c)
                    c = 512 + i;
            for (int i = 0; cmd && cmd->opts && cmd->opts[i].name; i++)
                if (cmd->opts[i].short_name == c)
                    c = 256 + i;
        }
        if (c >= 512) {
            int r = set_global(ctx, c - 512, optarg);

            if (r != CLI_OK)
                return r;
            if (c - 512 == G_HELP) {
                if (cmd)
                    cli_print_cmd_help(cmd);
                else
                    cli_print_main_help();
                return CLI_OK;
            }
            if (c - 512 == G_VERSION) {
                printf("virt-rbd %s\n", vrbd_version());
                return CLI_OK;
            }
        } else if (cmd) {
            int r = set_opt(ctx, &cmd->opts[c - 256], optarg);

            if (r != CLI_OK)
                return r;
        }
    }
    return -1;
}

/* Whether some command starts with the words @prefix and more. */
static bool
is_group(const char *prefix)
{
    size_t len = strlen(prefix);

    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
        for (const cli_cmd *c = groups[g]; c->name; c++)
            if (strncmp(c->name, prefix, len) == 0 && c->name[len] == ' ')
                return true;
    return false;
}

static void
log_to_stderr(vrbd_log_level level, const char *msg, void *opaque)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};

    fprintf(stderr, "virt-rbd: %s: %s\n", names[level], msg);
}

/* --host NAME: the registered host's URI stands for -c URI, for every
 * command (some open libvirt without cli_host()). */
static int
resolve_host(cli_ctx *ctx)
{
    static vrbd_fleet_host h;
    vrbd_registry *reg = cli_registry(ctx);
    int r;

    if (!reg)
        return CLI_FAIL;
    r = vrbd_fleet_get(reg, ctx->host_name, &h);
    vrbd_registry_free(reg);
    if (r < 0)
        return cli_fail();
    ctx->connect_uri = h.uri; /* kept until exit */
    return CLI_OK;
}

/* The usage error for argv[@first...], which name no command. */
static int
unknown_cmd(int argc, char **argv, int first)
{
    CLEANUP_FREE char *two =
        first + 1 < argc ? xasprintf("%s %s", argv[first], argv[first + 1])
                         : NULL;
    bool group = is_group(argv[first]);

    if (two && is_group(two) && first + 2 < argc)
        return cli_usage(NULL, "unknown command '%s %s'", two, argv[first + 2]);
    if (two && is_group(two))
        return cli_usage(NULL, "'%s' needs a subcommand", two);
    if (group && first + 1 < argc)
        return cli_usage(NULL, "unknown command '%s %s'", argv[first],
                         argv[first + 1]);
    if (group)
        return cli_usage(NULL, "'%s' needs a subcommand", argv[first]);
    return cli_usage(NULL, "unknown command '%s'", argv[first]);
}

int
main(int argc, char **argv)
{
    cli_ctx ctx = {0};
    const cli_cmd *cmd = NULL;
    int r, first;

    ctx.timeout_sec = VRBD_DEFAULT_TIMEOUT_SEC;
    ctx.connect_uri = getenv("VIRT_RBD_LIBVIRT_URI");
    /* a write to libvirtd's socket after it restarted would kill us
     * silently (exit 141) instead of failing the call (libvirt's rule:
     * programs ignore SIGPIPE); output to a closed pipe fails as EPIPE */
    signal(SIGPIPE, SIG_IGN);
    /* libvrbd's messages name options and actions by its words */
    vrbd_words_set(cli_word, NULL);
    for_each_cmd(check_bound, NULL);
    /* the shell's completion asks (not a command: not in --help) */
    if (argc > 1 && strcmp(argv[1], "__complete") == 0)
        return cli_complete(argc - 2, argv + 2);

    optind = 1;
    r = parse(&ctx, NULL, argc, argv);
    if (r >= 0)
        return r;
    first = optind;
    if (first >= argc) {
        cli_print_main_help();
        return CLI_USAGE;
    }
    if (first + 2 < argc) {
        CLEANUP_FREE char *three = xasprintf("%s %s %s", argv[first],
                                             argv[first + 1], argv[first + 2]);

        cmd = cli_find_cmd(three);
        if (cmd)
            first += 3;
    }
    if (!cmd && first + 1 < argc) {
        CLEANUP_FREE char *two =
            xasprintf("%s %s", argv[first], argv[first + 1]);

        cmd = cli_find_cmd(two);
        if (cmd)
            first += 2;
    }
    if (!cmd) {
        cmd = cli_find_cmd(argv[first]);
        if (cmd)
            first += 1;
    }
    if (!cmd)
        return unknown_cmd(argc, argv, first);
    ctx.cmd = cmd;

    /* reparse what follows the command: its options and global ones */
    argv[first - 1] = argv[0];
    /* 0, not 1: glibc's getopt then forgets the state of the first scan */
    optind = 0;
    r = parse(&ctx, cmd, argc - first + 1, argv + first - 1);
    if (r >= 0)
        return r;
    ctx.argc = argc - first + 1 - optind;
    ctx.argv = argv + first - 1 + optind;
    if (ctx.argc < cmd->min_args)
        return cli_usage(&ctx, "'%s' needs %s", cmd->name, cmd->args);
    if (cmd->max_args >= 0 && ctx.argc > cmd->max_args)
        return cli_usage(&ctx, "unexpected argument '%s'",
                         ctx.argv[cmd->max_args]);

    if (ctx.host_name && (r = resolve_host(&ctx)) != CLI_OK)
        return r;
    if (ctx.verbose)
        vrbd_log_set_handler(log_to_stderr,
                             ctx.verbose > 1 ? VRBD_LOG_DEBUG : VRBD_LOG_INFO,
                             NULL);
    else
        vrbd_log_set_handler(log_to_stderr, VRBD_LOG_WARN, NULL);
    r = cmd->run(&ctx);
    if (vrbd_closing()) {
        /* an image of a cluster that stopped answering is still closing
         * on its own thread: exit() would run librados's destructors under
         * it (seen: "terminate called ... boost::bad_get", status 134) */
        fflush(stdout);
        fflush(stderr);
        _exit(r);
    }
    return r;
}
