/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * complete.c: the hidden `__complete` command that the shell's completion
 * script (docs/virt-rbd.bash-completion) asks.  Its arguments are the
 * words of the command line after "virt-rbd", the last one being the word
 * completed (possibly empty); it prints the candidates that begin with
 * it, one a line.  A candidate ending in ':' or '/' is a spec still being
 * written (the shell adds no space); the single line "@file" asks the
 * shell to complete file names.
 *
 * The words are read with the tables the option parser and --help use
 * (main.c), so completion cannot offer what the parser refuses.  Names
 * come from the registry (clusters, fleet hosts) and from the clusters
 * themselves (pools with the rbd application, images), asked with a short
 * timeout.  It never fails loudly: whatever cannot be asked completes
 * nothing, and the exit status is 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cleanup.h"
#include "xalloc.h"

/* a cluster that does not answer delays the shell this long at most */
#define COMPLETE_TIMEOUT_SEC 3
/* and the whole completion this long */
#define COMPLETE_DEADLINE_SEC 5

/* what a positional argument or an option's value is */
enum arg_kind {
    K_NONE,
    K_CLUSTER, /* a registered cluster's name */
    K_CL_ONLY, /* "CLUSTER:" before a name of another kind */
    K_POOL,    /* [CLUSTER:]POOL */
    K_IMAGE,   /* [CLUSTER:]POOL/IMAGE */
    K_FLEET,   /* a registered fleet host */
    K_FILE,    /* a local file */
};

struct state {
    const char *config_dir;
    const cli_cmd *cmd;
    char *words[4]; /* the words of the command name so far */
    int n_words;
    int n_args;                /* positional arguments after the command */
    const cli_opt *want_value; /* the word completed is this option's value */
    bool dashdash;
};

static const char *cur_prefix;

static void
offer(const char *cand)
{
    if (strncmp(cand, cur_prefix, strlen(cur_prefix)) == 0)
        printf("%s\n", cand);
}

/* @a then @b */
static void
offer2(const char *a, const char *b)
{
    CLEANUP_FREE char *s = xasprintf("%s%s", a, b);

    offer(s);
}

/* The option @word names ("--name", "--name=V", "-x"), among the global
 * ones and @cmd's; NULL when none. */
static const cli_opt *
find_opt(const cli_cmd *cmd, const char *word, bool *inline_value)
{
    const cli_opt *tables[2] = {cli_global_opts(), cmd ? cmd->opts : NULL};

    *inline_value = false;
    for (int t = 0; t < 2; t++) {
        for (const cli_opt *o = tables[t]; o && o->name; o++) {
            size_t len = strlen(o->name);

            if (word[1] == '-' && strncmp(word + 2, o->name, len) == 0 &&
                (word[2 + len] == '\0' || word[2 + len] == '=')) {
                *inline_value = word[2 + len] == '=';
                return o;
            }
            if (word[1] != '-' && o->short_name && word[1] == o->short_name) {
                *inline_value = word[2] != '\0';
                return o;
            }
        }
    }
    return NULL;
}

/* The command named by the first @n words of @st, or NULL. */
static const cli_cmd *
cmd_of(struct state *st, int n)
{
    CLEANUP_FREE char *name = NULL;

    for (int i = 0; i < n; i++) {
        char *s =
            xasprintf("%s%s%s", name ? name : "", i ? " " : "", st->words[i]);

        free(name);
        name = s;
    }
    return name ? cli_find_cmd(name) : NULL;
}

/* One positional word, before the word completed. */
static void
take_word(struct state *st, const char *w)
{
    if (!st->cmd || (st->n_args == 0 && st->n_words < 3)) {
        /* still in the command's name? "backup" then "list" */
        const cli_cmd *longer;

        if (st->n_words < 4)
            st->words[st->n_words++] = (char *)w;
        longer = cmd_of(st, st->n_words);
        if (longer) {
            st->cmd = longer;
            return;
        }
        if (!st->cmd)
            return;
        st->n_words--;
    }
    st->n_args++;
}

static void
scan(struct state *st, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *w = argv[i];
        const cli_opt *o;
        bool inline_value;

        if (st->dashdash || w[0] != '-' || w[1] == '\0') {
            take_word(st, w);
            continue;
        }
        if (strcmp(w, "--") == 0) {
            st->dashdash = true;
            continue;
        }
        o = find_opt(st->cmd, w, &inline_value);
        if (o && inline_value && strcmp(o->name, "config-dir") == 0)
            st->config_dir = strchr(w, '=') + 1;
        if (!o || !o->metavar || inline_value)
            continue;
        if (i + 1 == argc) {
            st->want_value = o;
            return;
        }
        if (strcmp(o->name, "config-dir") == 0)
            st->config_dir = argv[i + 1];
        i++;
    }
}

/* What the @metavar of an option or positional argument of @cmd asks. */
static enum arg_kind
kind_of(const cli_cmd *cmd, const char *metavar)
{
    if (strstr(metavar, "LIBVIRT"))
        return K_NONE;
    if (strstr(metavar, "IMAGE") || strstr(metavar, "/NAME") ||
        strstr(metavar, "SPEC"))
        return K_IMAGE;
    if (strstr(metavar, "POOL"))
        return K_POOL;
    if (strstr(metavar, "CLUSTER:]"))
        return K_CL_ONLY;
    if (strstr(metavar, "CLUSTER"))
        return K_CLUSTER;
    if (strstr(metavar, "HOST"))
        return K_FLEET;
    if (strstr(metavar, "FILE") || strstr(metavar, "PATH"))
        return K_FILE;
    if (strstr(metavar, "NAME") && cmd) {
        /* a NAME that exists: a cluster's or a fleet host's */
        if (strncmp(cmd->name, "cluster ", 8) == 0 &&
            strcmp(cmd->name, "cluster add") != 0)
            return K_CLUSTER;
        if (strcmp(cmd->name, "fleet rm") == 0)
            return K_FLEET;
    }
    return K_NONE;
}

/* The @n-th (from 0) positional argument's metavar in @cmd->args; the
 * last one repeats when it ends with "...".  To free; NULL: none. */
static char *
arg_metavar(const cli_cmd *cmd, int n)
{
    CLEANUP_FREE char *args = xstrdup(cmd->args ? cmd->args : "");
    char *save = NULL, *tok, *last = NULL;
    int i = 0;

    for (tok = strtok_r(args, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save), i++) {
        if (i == n)
            return xstrdup(tok);
        last = tok;
    }
    return last && strstr(last, "...") ? xstrdup(last) : NULL;
}

static vrbd_registry *
registry(const struct state *st)
{
    vrbd_registry *reg = NULL;

    if (vrbd_registry_open(st->config_dir, &reg) < 0)
        return NULL;
    return reg;
}

/* Every registered cluster, as "NAME" (@suffix "") or "NAME:" */
static void
offer_clusters(const struct state *st, const char *suffix)
{
    vrbd_registry *reg = registry(st);
    vrbd_cluster_entry *all = NULL;
    size_t n = 0;

    if (reg && vrbd_registry_list(reg, &all, &n) == 0)
        for (size_t i = 0; i < n; i++)
            offer2(all[i].name, suffix);
    vrbd_cluster_entry_list_free(all, n);
    vrbd_registry_free(reg);
}

static void
offer_fleet(const struct state *st)
{
    vrbd_registry *reg = registry(st);
    vrbd_fleet_host *all = NULL;
    size_t n = 0;

    if (reg && vrbd_fleet_list(reg, &all, &n) == 0)
        for (size_t i = 0; i < n; i++)
            offer(all[i].name);
    vrbd_fleet_host_list_free(all, n);
    vrbd_registry_free(reg);
}

static vrbd_cluster *
connect_quietly(const struct state *st, const char *name)
{
    vrbd_registry *reg = registry(st);
    vrbd_cluster *cl = NULL;

    if (reg && vrbd_registry_connect(reg, name, COMPLETE_TIMEOUT_SEC, &cl) < 0)
        cl = NULL;
    vrbd_registry_free(reg);
    return cl;
}

/* @lead is "CLUSTER:" or "": the pools of @cl with the rbd application,
 * each followed by "/" when an image comes next */
static void
offer_pools(vrbd_cluster *cl, const char *lead, bool image)
{
    vrbd_pool_info *pools = NULL;
    size_t n = 0;

    if (vrbd_pool_list(cl, &pools, &n) < 0)
        return;
    for (size_t i = 0; i < n; i++) {
        CLEANUP_FREE char *s = NULL;

        if (!vrbd_csv_has(pools[i].applications, "rbd"))
            continue;
        s = xasprintf("%s%s%s", lead, pools[i].name, image ? "/" : "");
        offer(s);
    }
    vrbd_pool_info_list_free(pools, n);
}

static void
offer_images(vrbd_cluster *cl, const char *lead, const char *pool)
{
    vrbd_volume_info *vols = NULL;
    size_t n = 0;

    if (vrbd_volume_list(cl, pool, NULL, false, 0, &vols, &n) < 0)
        return;
    for (size_t i = 0; i < n; i++) {
        CLEANUP_FREE char *s = xasprintf("%s%s/%s", lead, pool, vols[i].name);

        offer(s);
    }
    vrbd_volume_info_list_free(vols, n);
}

/* [CLUSTER:]POOL[/IMAGE], from what @cur holds so far */
static void
offer_spec(const struct state *st, const char *cur, enum arg_kind kind)
{
    const char *colon = strchr(cur, ':');
    const char *rest = colon ? colon + 1 : cur;
    const char *slash = strchr(rest, '/');
    CLEANUP_FREE char *name = colon ? xstrndup(cur, colon - cur) : NULL;
    CLEANUP_FREE char *lead = xstrndup(cur, rest - cur);
    CLEANUP_FREE char *pool = slash ? xstrndup(rest, slash - rest) : NULL;
    vrbd_cluster *cl;

    if (!colon && !slash)
        offer_clusters(st, ":");
    if (kind == K_CL_ONLY || (slash && kind != K_IMAGE))
        return;
    /* "POOL" alone means the default cluster's pool: ask it only once a
     * letter is typed, as the clusters' names come first */
    if (!colon && !slash && !*cur)
        return;
    cl = connect_quietly(st, name);
    if (!cl)
        return;
    if (slash)
        offer_images(cl, lead, pool);
    else
        offer_pools(cl, lead, kind == K_IMAGE);
    vrbd_cluster_free(cl);
}

static void
offer_kind(const struct state *st, enum arg_kind kind, const char *cur)
{
    switch (kind) {
    case K_CLUSTER:
        offer_clusters(st, "");
        break;
    case K_FLEET:
        offer_fleet(st);
        break;
    case K_FILE:
        printf("@file\n");
        break;
    case K_CL_ONLY:
    case K_POOL:
    case K_IMAGE:
        offer_spec(st, cur, kind);
        break;
    default:
        break;
    }
}

static void
offer_opts(const cli_opt *opts)
{
    for (const cli_opt *o = opts; o && o->name; o++)
        offer2("--", o->name);
}

/* The words that can follow @st->words in a command's name, each once
 * ("vol snap create" and "vol snap list" give one "snap"). */
static void
offer_next_words(const struct state *st)
{
    CLEANUP_FREE char *typed = xstrdup("");
    const char *seen[256];
    size_t n_seen = 0;
    const cli_cmd *all;
    char *word;

    for (int i = 0; i < st->n_words; i++) {
        char *s = xasprintf("%s%s ", typed, st->words[i]);

        free(typed);
        typed = s;
    }
    for (size_t g = 0; (all = cli_cmd_group(g)); g++)
        for (const cli_cmd *c = all; c->name; c++) {
            const char *next;
            size_t len;
            bool dup = false;

            if (strncmp(c->name, typed, strlen(typed)) != 0)
                continue;
            next = c->name + strlen(typed);
            len = strcspn(next, " ");
            for (size_t i = 0; i < n_seen && !dup; i++)
                dup = strcspn(seen[i], " ") == len &&
                      strncmp(seen[i], next, len) == 0;
            if (dup || len == 0 || n_seen == sizeof(seen) / sizeof(seen[0]))
                continue;
            seen[n_seen++] = next;
            word = xstrndup(next, len);
            offer(word);
            free(word);
        }
}

int
cli_complete(int argc, char **argv)
{
    struct state st = {0};
    const char *cur = argc > 0 ? argv[argc - 1] : "";
    CLEANUP_FREE char *metavar = NULL;

    /* however many clusters, pools or timeouts: the shell waits no more
     * than this (SIGALRM's default ends the process; nothing is offered) */
    alarm(COMPLETE_DEADLINE_SEC);
    cur_prefix = cur;
    st.config_dir = getenv("VIRT_RBD_CONFIG_DIR");
    scan(&st, argc > 0 ? argc - 1 : 0, argv);
    if (st.want_value) {
        /* an option's NAME is its own, not the command's argument's */
        offer_kind(&st,
                   strcmp(st.want_value->name, "host") == 0
                       ? K_FLEET
                       : kind_of(NULL, st.want_value->metavar),
                   cur);
        return CLI_OK;
    }
    if (cur[0] == '-' && !st.dashdash) {
        offer_opts(cli_global_opts());
        if (st.cmd)
            offer_opts(st.cmd->opts);
        return CLI_OK;
    }
    if (!st.cmd || (st.n_args == 0 && st.n_words < 3))
        offer_next_words(&st);
    if (!st.cmd)
        return CLI_OK;
    metavar = arg_metavar(st.cmd, st.n_args);
    if (metavar)
        offer_kind(&st, kind_of(st.cmd, metavar), cur);
    return CLI_OK;
}
