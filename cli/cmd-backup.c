/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-backup.c: backups of a VM's disks or of one image, to a pool on any
 * registered cluster or to a directory, and the list of them.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "clock.h"
#include "render.h"
#include "size.h"
#include "xalloc.h"

static struct {
    const char *to;
    bool skip_local;
    bool full;
} backup_opt;
static const cli_opt backup_opts[] = {
    CLI_STR("to", 0, "TARGET",
            "[CLUSTER:]POOL[/NS], or a directory (/PATH or ./PATH); "
            "default: the target of the last backup",
            &backup_opt.to),
    CLI_FLAG("skip-local", 0,
             "back up the RBD disks of a VM that has local ones too",
             &backup_opt.skip_local),
    CLI_FLAG("full", 0,
             "copy all the data, not only what changed (a directory target "
             "starts a new chain)",
             &backup_opt.full),
    {.name = NULL},
};

static volatile int cancelled;

static int
run_backup(cli_ctx *ctx)
{
    cli_bar b = {.tty = isatty(STDERR_FILENO)};
    vrbd_backup_opts o = {.version = VRBD_BACKUP_OPTS_VERSION,
                          .target = backup_opt.to,
                          .skip_local = backup_opt.skip_local,
                          .full = backup_opt.full,
                          .timeout_sec = ctx->timeout_sec,
                          .cancel = &cancelled,
                          .progress = cli_bar_show,
                          .opaque = &b};
    const char *what = ctx->argv[0];
    vrbd_backup_result res = {0};
    vrbd_registry *reg;
    vrbd_host *host = NULL;
    vrbd_cluster *cl = NULL;
    vrbd_spec s = {0};
    int r = CLI_FAIL, ret;

    if (!(reg = cli_registry(ctx)))
        return CLI_FAIL;
    cli_catch_signals(&cancelled);
    if (strchr(what, '/')) { /* an image */
        if (vrbd_spec_parse(what, VRBD_SPEC_IMAGE, &s) < 0) {
            cli_fail();
            goto cleanup;
        }
        if (cli_connect(ctx, s.cluster, &cl) < 0)
            goto cleanup;
        ret = vrbd_backup_image(reg, cl, &s, &o, &res);
    } else {
        if (!(host = cli_host(ctx)))
            goto cleanup;
        ret = vrbd_backup_vm(host, reg, what, &o, &res);
    }
    if (b.tty && b.last > 0)
        fputc('\n', stderr);
    if (ret < 0) {
        cli_fail();
        if (cancelled && cli_signal_caught())
            r = 128 + cli_signal_caught();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_backup_done, &res);
    r = CLI_OK;

cleanup:
    vrbd_backup_result_clear(&res);
    vrbd_spec_clear(&s);
    vrbd_cluster_free(cl);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

static struct {
    const char *from;
} list_opt;
static const cli_opt list_opts[] = {
    CLI_STR("from", 0, "TARGET",
            "the backups on this target (default: where the domain's "
            "disks were backed up to)",
            &list_opt.from),
    {.name = NULL},
};

static int
run_list(cli_ctx *ctx)
{
    const char *name = ctx->argc ? ctx->argv[0] : NULL;
    vrbd_backup_entry *e = NULL;
    vrbd_registry *reg;
    vrbd_host *host = NULL;
    size_t n = 0;
    int r = CLI_FAIL;

    if (!name && !list_opt.from)
        return cli_usage(ctx, "give DOMAIN, IMAGE or --from TARGET");
    if (!(reg = cli_registry(ctx)))
        return CLI_FAIL;
    if (!list_opt.from && !(host = cli_host(ctx)))
        goto cleanup;
    if (vrbd_backup_list(host, reg, list_opt.from, name, ctx->timeout_sec, &e,
                         &n) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_backup_list, &(cli_backup_list){e, n});
    r = CLI_OK;

cleanup:
    vrbd_backup_entry_list_free(e, n);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

static struct {
    const char *from;
} verify_opt;
static const cli_opt verify_opts[] = {
    CLI_STR("from", 0, "TARGET", "the backup target to read back",
            &verify_opt.from),
    {.name = NULL},
};

static int
run_verify(cli_ctx *ctx)
{
    vrbd_backup_verify_result res = {0};
    vrbd_registry *reg;
    vrbd_host *host;
    int r = CLI_FAIL;

    if (!verify_opt.from)
        return cli_usage(ctx, "give --from TARGET");
    if (!(reg = cli_registry(ctx)))
        return CLI_FAIL;
    host = cli_host_open(ctx, false); /* a domain's name needs no libvirt */
    if (vrbd_backup_verify(host, reg, verify_opt.from,
                           ctx->argc ? ctx->argv[0] : NULL, ctx->timeout_sec,
                           &res) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_backup_verified, &res);
    r = res.bad ? CLI_FAIL : CLI_OK;

cleanup:
    vrbd_backup_verify_result_clear(&res);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

static struct {
    const char *from;
    unsigned last, daily, weekly;
    bool dry_run;
} prune_opt;
static const cli_opt prune_opts[] = {
    CLI_STR("from", 0, "TARGET", "the backup target", &prune_opt.from),
    CLI_COUNT("keep-last", 0, "N", "keep the newest N backups (at least 1)",
              100000, &prune_opt.last),
    CLI_COUNT("keep-daily", 0, "N",
              "keep the newest backup of each of the last N days (UTC)", 100000,
              &prune_opt.daily),
    CLI_COUNT("keep-weekly", 0, "N",
              "keep the newest backup of each of the last N weeks (UTC, "
              "Monday to Sunday)",
              100000, &prune_opt.weekly),
    CLI_FLAG("dry-run", 0, "say what would go, change nothing",
             &prune_opt.dry_run),
    {.name = NULL},
};

static int
run_prune(cli_ctx *ctx)
{
    vrbd_backup_prune_opts o = {.version = VRBD_BACKUP_PRUNE_OPTS_VERSION,
                                .from = prune_opt.from,
                                .keep_last = prune_opt.last,
                                .keep_daily = prune_opt.daily,
                                .keep_weekly = prune_opt.weekly,
                                .dry_run = prune_opt.dry_run,
                                .timeout_sec = ctx->timeout_sec};
    vrbd_backup_prune_result res = {0};
    vrbd_registry *reg;
    vrbd_host *host;
    int r = CLI_FAIL;

    if (!prune_opt.from)
        return cli_usage(ctx, "give --from TARGET");
    if (!prune_opt.last && !prune_opt.daily && !prune_opt.weekly)
        return cli_usage(ctx, "say what to keep: --keep-last, --keep-daily or "
                              "--keep-weekly");
    if (!(reg = cli_registry(ctx)))
        return CLI_FAIL;
    host = cli_host_open(ctx, false); /* a domain's name needs no libvirt */
    if (vrbd_backup_prune(host, reg, ctx->argc ? ctx->argv[0] : NULL, &o,
                          &res) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_backup_pruned,
             &(cli_backup_pruned){&res, prune_opt.dry_run});
    r = CLI_OK;

cleanup:
    vrbd_backup_prune_result_clear(&res);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

static struct {
    const char *from;
    const char *as;
    const char *to;
    bool instant;
} restore_opt;
static const cli_opt restore_opts[] = {
    CLI_STR("from", 0, "TARGET",
            "the backup target (default: where the disks were backed up to)",
            &restore_opt.from),
    CLI_STR("as", 0, "NAME",
            "a new domain (disks NAME-vda...) or image of this name",
            &restore_opt.as),
    CLI_STR("to", 0, "[CLUSTER:]POOL[/NS]",
            "the images go here (default: where they were)", &restore_opt.to),
    CLI_FLAG("instant", 0,
             "clones of the backup snapshots, ready at once (a cluster "
             "target), flattened in the background",
             &restore_opt.instant),
    {.name = NULL},
};

/*
 * Flatten each restored clone in the background: a virt-rbd of its own
 * per image (vol flatten), detached from this one, its output in a
 * private log file.  Returns the number started; what is said goes to
 * *@log (free()).
 */
static size_t
flatten_later(const cli_ctx *ctx, char *const *images, char **log)
{
    char tmpl[] = "/tmp/virt-rbd-flatten-XXXXXX.log";
    char timeout[16];
    size_t started = 0;
    int fd = mkstemps(tmpl, 4);

    *log = NULL;
    if (fd < 0)
        return 0;
    *log = xstrdup(tmpl);
    snprintf(timeout, sizeof(timeout), "%u", ctx->timeout_sec);
    for (size_t i = 0; images && images[i]; i++) {
        const char *argv[10];
        size_t n = 0;
        pid_t pid;

        argv[n++] = "virt-rbd";
        if (ctx->config_dir) {
            argv[n++] = "--config-dir";
            argv[n++] = ctx->config_dir;
        }
        argv[n++] = "--timeout";
        argv[n++] = timeout;
        argv[n++] = "vol";
        argv[n++] = "flatten";
        argv[n++] = images[i];
        argv[n] = NULL;
        fflush(NULL);
        pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

            setsid();
            if (null >= 0)
                dup2(null, STDIN_FILENO);
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            execv("/proc/self/exe", (char *const *)argv);
            _exit(127);
        }
        started += pid > 0;
    }
    close(fd);
    return started;
}

static int
run_restore(cli_ctx *ctx)
{
    cli_bar b = {.tty = isatty(STDERR_FILENO)};
    CLEANUP_FREE char *name = xstrdup(ctx->argv[0]);
    char *at = strrchr(name, '@');
    vrbd_restore_opts o = {.version = VRBD_RESTORE_OPTS_VERSION,
                           .from = restore_opt.from,
                           .as = restore_opt.as,
                           .to = restore_opt.to,
                           .instant = restore_opt.instant,
                           .timeout_sec = ctx->timeout_sec,
                           .cancel = &cancelled,
                           .progress = cli_bar_show,
                           .opaque = &b};
    vrbd_restore_result res = {0};
    vrbd_registry *reg;
    vrbd_host *host = NULL;
    int r = CLI_FAIL;

    if (at) {
        *at = '\0';
        o.backup = at + 1;
    }
    if (!(reg = cli_registry(ctx)))
        return CLI_FAIL;
    /* an image restores without libvirt */
    host = strchr(name, '/') ? cli_host_open(ctx, false) : cli_host(ctx);
    if (!host && !strchr(name, '/'))
        goto cleanup;
    cli_catch_signals(&cancelled);
    if (vrbd_restore(host, reg, name, &o, &res) < 0) {
        if (b.tty && b.last > 0)
            fputc('\n', stderr);
        cli_fail();
        if (cancelled && cli_signal_caught())
            r = 128 + cli_signal_caught();
        goto cleanup;
    }
    if (b.tty && b.last > 0)
        fputc('\n', stderr);
    cli_show(ctx, &cli_view_restored, &res);
    if (res.instant) {
        CLEANUP_FREE char *log = NULL;
        size_t n = flatten_later(ctx, res.images, &log);

        fprintf(stderr,
                "virt-rbd: %zu image(s) flattening in the background (vol "
                "flatten; output in %s)\n",
                n, log ? log : "-");
    }
    r = CLI_OK;

cleanup:
    vrbd_restore_result_clear(&res);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

const cli_cmd cli_cmds_backup[] = {
    {"backup", "DOMAIN|[CLUSTER:]POOL[/NS]/IMAGE", 1, 1,
     "Back up a VM's disks, or an image, full or incremental",
     "Snapshot every RBD disk of DOMAIN at one instant, then send the data\n"
     "to TARGET: a pool on any registered cluster (each backup a snapshot\n"
     "of a replica image named bk.CLUSTER.POOL.IMAGE there) or a directory\n"
     "(a full file, then one diff file per backup, with an index; the\n"
     "format is in docs/backup-format.md).  The first backup to a target\n"
     "copies the data; each later one only what changed since the last\n"
     "backup snapshot (RBD's fast-diff), which stays on the source as the\n"
     "base of the next: incremental across VM restarts and host crashes.\n"
     "A running VM's filesystems are frozen by its guest agent around the\n"
     "snapshots; without an agent that answers within --timeout the VM is\n"
     "paused for that moment and the backup is crash-consistent, and says\n"
     "so.  A disk not on RBD refuses the backup unless --skip-local.  A\n"
     "full target pool refuses it.  A failed or interrupted backup leaves\n"
     "the earlier ones whole; the next run goes on from the last complete\n"
     "one.  One backup or prune of an image into a directory at a time.",
     backup_opts, run_backup},
    {"backup list", "[DOMAIN|[CLUSTER:]POOL[/NS]/IMAGE]", 0, 1,
     "List the backups of a VM or an image",
     "The backups on TARGET (--from), or on the targets DOMAIN's disks were\n"
     "backed up to: name (bk- and the UTC time), domain, disk, source,\n"
     "kind (full or incremental), bytes sent, image size, and how the\n"
     "disks were made consistent (frozen, paused, stopped, image).",
     list_opts, run_list},
    {"backup verify", "[DOMAIN|[CLUSTER:]POOL[/NS]/IMAGE]", 0, 1,
     "Read back every backup on a target and check it",
     "Read every backup on TARGET (--from), or those of DOMAIN or IMAGE: in\n"
     "a directory each file whole, every CRC-32C checked, and each\n"
     "incremental's predecessor there; on a cluster each backup snapshot's\n"
     "data.  Prints what is wrong, and exits 1 when anything is.",
     verify_opts, run_verify},
    {"backup prune", "[DOMAIN|[CLUSTER:]POOL[/NS]/IMAGE]", 0, 1,
     "Remove the backups that the keep rules do not keep",
     "Keep, image by image, the newest --keep-last N backups (at least the\n"
     "newest: the base of the next), the newest of each of the last\n"
     "--keep-daily N days and of the last --keep-weekly N weeks (UTC), and\n"
     "remove the others from TARGET (--from): on a cluster the replica's\n"
     "snapshots; in a directory a backup a later one follows is merged into\n"
     "it first (a full one into the next, which becomes full), so every\n"
     "backup kept still restores.  --dry-run says what would go.",
     prune_opts, run_prune},
    {"restore", "DOMAIN[@BACKUP]|[CLUSTER:]POOL[/NS]/IMAGE[@BACKUP]", 1, 1,
     "Bring a VM or an image back as it was at a backup",
     "Restore the newest backup, or BACKUP (bk-..., or a UTC time such as\n"
     "2026-12-07T08:15: the newest at or before it), of DOMAIN or IMAGE:\n"
     "each image written in full under a temporary name and renamed when\n"
     "complete, then the domain defined (not started) from the definition\n"
     "kept with the backup, its disks on the restored images.  Refused,\n"
     "with nothing changed, when the domain or an image exists (--as gives\n"
     "new names: the domain NAME with disks NAME-vda..., no UUID, MAC\n"
     "addresses or log files of the original's, its local disks left out)\n"
     "or when a file of the backup's chain is missing.  --to puts the\n"
     "images in another pool or cluster.  --instant (a cluster target)\n"
     "makes each image a clone of its backup snapshot on that cluster:\n"
     "the VM can start at once, while a 'vol flatten' of each, started in\n"
     "the background (its output in a file named on stderr), copies the\n"
     "data so that the clone no longer needs the backup.",
     restore_opts, run_restore},
    {.name = NULL},
};
