/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cli.h: what the command modules of virt-rbd share: the command and
 * option tables (from which --help, `help COMMAND` and the parser are all
 * made), the parsed invocation, and output helpers.  The CLI uses only the
 * public libvrbd API and lib/util.
 */
#ifndef VRBD_CLI_H
#define VRBD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

#include "table.h"
#include "vrbd.h"

/* exit codes */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

#define CLI_MAX_OPTS 32

/*
 * An option, bound to the variable its value goes to (one command runs per
 * process: each command's options are a static struct of its file).  Made
 * with the macros below, so that the variable's type matches the option's
 * kind and a misspelt option is a compile error, not an abort at run time.
 */
typedef struct cli_opt {
    const char *name;    /* long name, without "--" */
    char short_name;     /* 0: none */
    const char *metavar; /* argument name, or NULL for a flag */
    const char *help;
    const char **str; /* a value option: its text, NULL when not given */
    bool *flag;       /* a flag: set when given */
    unsigned *count;  /* a count from 1 to @max: 0 when not given */
    unsigned max;
} cli_opt;

#define CLI_STR(name, short_name, metavar, help, var)                          \
    {                                                                          \
        (name), (short_name), (metavar), (help), .str = (var)                  \
    }
#define CLI_FLAG(name, short_name, help, var)                                  \
    {                                                                          \
        (name), (short_name), NULL, (help), .flag = (var)                      \
    }
/* a bad count is a usage error naming the range */
#define CLI_COUNT(name, short_name, metavar, help, max_, var)                  \
    {                                                                          \
        (name), (short_name), (metavar), (help), .count = (var), .max = (max_) \
    }

typedef struct cli_ctx cli_ctx;

typedef struct cli_cmd {
    const char *name;        /* "cluster check" */
    const char *args;        /* positional arguments, e.g. "[NAME]" */
    int min_args, max_args;  /* max -1: unbounded */
    const char *summary;     /* one line for --help */
    const char *description; /* paragraph(s) for `help COMMAND` */
    const cli_opt *opts;     /* terminated by {NULL} */
    int (*run)(cli_ctx *ctx);
} cli_cmd;

struct cli_ctx {
    const cli_cmd *cmd;
    /* global options */
    bool json;
    int verbose;
    const char *connect_uri;
    bool connect_given;     /* -c given (not only $VIRT_RBD_LIBVIRT_URI) */
    const char *host_name;  /* --host NAME: a registered fleet host */
    const char *config_dir; /* NULL: $VIRT_RBD_CONFIG_DIR or the default */
    unsigned timeout_sec;
    int argc;
    char **argv; /* positional arguments */
};

/* Print the thread's vrbd_error as "virt-rbd: error: ..." (+ hint) and
 * return CLI_FAIL. */
int cli_fail(void);

/* Print a usage error and a pointer to the command's help; CLI_USAGE. */
int cli_usage(const cli_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Open the cluster registry the global options point at; NULL after
 * printing the error. */
vrbd_registry *cli_registry(const cli_ctx *ctx);

/* Connect to registered cluster @name (NULL: the default); on failure
 * print the error and return -1. */
int cli_connect(const cli_ctx *ctx, const char *name, vrbd_cluster **out);

/* @t (seconds since the epoch) as "YYYY-MM-DDTHH:MM:SSZ", "-" when 0 or
 * less; to free(). */
char *cli_utc(int64_t t);
/* The same as a JSON string; null when 0 or less. */
struct json_object *cli_json_utc(int64_t t);
/* A duration option @opt's value @v ("90", "90s", "30m", "1h", "2d", from
 * 1 s to 366 days) into *@sec: CLI_OK, or a usage error. */
int cli_parse_duration(const cli_ctx *ctx, const char *opt, const char *v,
                       unsigned *sec);
/* --keep @keep (unless NULL) into *@sec, refused with --now: CLI_OK, or a
 * usage error. */
int cli_parse_keep(const cli_ctx *ctx, bool now, const char *keep,
                   uint64_t *sec);

/* Open libvirt at the URI the options name; NULL after printing the
 * error. */
vrbd_host *cli_host(const cli_ctx *ctx);
/* The same, printing nothing when @report is false. */
vrbd_host *cli_host_open(const cli_ctx *ctx, bool report);

/*
 * A result's two forms, written side by side in cli/render-*.c: its JSON
 * (a new object) and its text (printed on stdout).  Commands print every
 * result with cli_show(), never by testing --json themselves, so that no
 * command can forget --json and both forms stay in step.
 */
typedef struct cli_view {
    struct json_object *(*json)(const void *res);
    void (*text)(const void *res);
    bool json_line; /* one line (a JSON event among others), not pretty */
} cli_view;

/* Print @res through @view, as JSON with --json, else as text.  The JSON
 * goes to stdout, with cli_show_to to @out (a text view that prints
 * elsewhere finds where in its result). */
void cli_show(const cli_ctx *ctx, const cli_view *view, const void *res);
void cli_show_to(const cli_ctx *ctx, FILE *out, const cli_view *view,
                 const void *res);

/*
 * A list printed as it comes (rows from one cluster after another): text
 * rows at once, under a header; with --json, one array at the end, printed
 * only when the list completed.
 */
typedef struct cli_list_view {
    struct json_object *(*json)(const void *item);
    void (*header)(void);
    void (*row)(const void *item);
} cli_list_view;
typedef struct cli_list cli_list;

cli_list *cli_list_begin(const cli_ctx *ctx, const cli_list_view *view);
void cli_list_add(cli_list *l, const void *item);
/* Print the JSON array when @complete; free @l. */
void cli_list_end(cli_list *l, bool complete);

/* A JSON string, or JSON null for NULL. */
struct json_object *cli_json_str(const char *s);

/* The registered name of the cluster @fsid among @all (@n entries),
 * borrowed: NULL, or for cli_cluster_name "?", when none has it. */
const char *cli_cluster_named(const vrbd_cluster_entry *all, size_t n,
                              const char *fsid);
const char *cli_cluster_name(const vrbd_cluster_entry *all, size_t n,
                             const char *fsid);

/* A JSON array of the strings of @v: @n of them, or up to a NULL (give
 * SIZE_MAX for a NULL-terminated list). */
struct json_object *cli_json_strv(char *const *v, size_t n);

/* SIGINT and SIGTERM set *@flag (a cancel flag libvrbd polls) from now on;
 * cli_signal_caught() says which came last (0: none). */
void cli_catch_signals(volatile int *flag);
int cli_signal_caught(void);

/* A copy's progress on stderr, when it is a terminal: "LABEL DONE of
 * TOTAL", at most twice a second (a vrbd_copy_opts progress callback;
 * @opaque is the cli_bar).  @shown says whether anything was printed. */
typedef struct cli_bar {
    bool tty, shown;
    double last;
    const char *label; /* NULL: none */
} cli_bar;
void cli_bar_show(uint64_t done, uint64_t total, void *opaque);

/* Print @t (table.h) and free it. */
void cli_print_table(vrbd_table *t);

/* "key:   value" lines for text output, aligned at @width. */
void cli_print_kv(int width, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The command named @name ("cluster check"), or NULL. */
const cli_cmd *cli_find_cmd(const char *name);
void cli_print_main_help(void);
/* The global options' table; the @i-th command group (NULL past the
 * last), in --help's order. */
const cli_opt *cli_global_opts(void);
const cli_cmd *cli_cmd_group(size_t i);
/* `virt-rbd __complete WORD... CUR`: the shell's candidates (complete.c) */
int cli_complete(int argc, char **argv);
void cli_print_cmd_help(const cli_cmd *cmd);

/* command groups, each in cmd-<noun>.c */
extern const cli_cmd cli_cmds_cluster[];
extern const cli_cmd cli_cmds_host[];
extern const cli_cmd cli_cmds_fleet[];
extern const cli_cmd cli_cmds_dr[];
extern const cli_cmd cli_cmds_doctor[];
extern const cli_cmd cli_cmds_vol[];
extern const cli_cmd cli_cmds_trash[];
extern const cli_cmd cli_cmds_backup[];
extern const cli_cmd cli_cmds_disk[];
extern const cli_cmd cli_cmds_vm[];
extern const cli_cmd cli_cmds_copy[];
extern const cli_cmd cli_cmds_bench[];
extern const cli_cmd cli_cmds_misc[];
extern const cli_cmd cli_cmds_apply[];
extern const cli_cmd cli_cmds_pool[];
extern const cli_cmd cli_cmds_user[];

#endif
