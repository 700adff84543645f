/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-vm.c: the `vm` commands: VMs on RBD (create, move, rm). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "cleanup.h"
#include "clock.h"
#include "cli.h"
#include "render.h"
#include "size.h"
#include "xalloc.h"

static struct {
    const char *from;
    const char *size;
    const char *pool;
    unsigned memory;
    unsigned vcpus;
    const char *network;
    const char *kernel;
    const char *initrd;
    const char *cmdline;
    const char *console_log;
    bool start;
    const char *cache;
    const char *io;
    const char *discard;
    const char *boot;
    const char *location;
    const char *extra_args;
    const char *cdrom;
    bool preallocate;
} create_opt;
static const cli_opt create_opts[] = {
    CLI_STR("from", 0, "[CLUSTER:]POOL/IMAGE@SNAP", "golden image to clone",
            &create_opt.from),
    CLI_STR("size", 's', "SIZE", "without --from: an empty disk of this size",
            &create_opt.size),
    CLI_STR("pool", 0, "[CLUSTER:]POOL",
            "where the disk goes (default: --from's)", &create_opt.pool),
    CLI_COUNT("memory", 'm', "MIB", "memory in MiB (default: 1024)", 1 << 20,
              &create_opt.memory),
    CLI_COUNT("vcpus", 0, "N", "virtual CPUs (default: 1)", 256,
              &create_opt.vcpus),
    CLI_STR("network", 0, "[network:]NAME|bridge:BRIDGE",
            "one virtio NIC on this libvirt network or host bridge",
            &create_opt.network),
    CLI_STR(
        "cache", 0, "MODE",
        "disk cache: writeback (default), none, writethrough, directsync, unsafe",
        &create_opt.cache),
    CLI_STR("io", 0, "MODE",
            "disk io: native (with --cache none), threads, io_uring",
            &create_opt.io),
    CLI_STR("discard", 0, "unmap|ignore",
            "the guest's TRIM frees RBD space (unmap, default) or not",
            &create_opt.discard),
    CLI_FLAG("preallocate", 0, "with --size: write the disk full (not sparse)",
             &create_opt.preallocate),
    CLI_STR("boot", 0, "bios|uefi",
            "firmware: SeaBIOS (default) or OVMF with a per-VM NVRAM",
            &create_opt.boot),
    CLI_STR("cdrom", 0, "ISO", "install: boot this ISO once from a SATA CD-ROM",
            &create_opt.cdrom),
    CLI_STR(
        "location", 0, "DIR|ISO",
        "install: boot the installer's kernel+initrd from this tree or ISO once",
        &create_opt.location),
    CLI_STR("extra-args", 0, "TEXT",
            "with --location: the installer's command line",
            &create_opt.extra_args),
    CLI_STR("kernel", 0, "FILE", "boot this kernel directly",
            &create_opt.kernel),
    CLI_STR("initrd", 0, "FILE", "with --kernel: its initrd",
            &create_opt.initrd),
    CLI_STR("cmdline", 0, "TEXT", "with --kernel: its command line",
            &create_opt.cmdline),
    CLI_STR("console-log", 0, "FILE", "serial console to this file",
            &create_opt.console_log),
    CLI_FLAG("start", 0, "start the VM once defined", &create_opt.start),
    {.name = NULL},
};

static struct {
    bool disks;
    bool now;
    const char *keep;
} rm_opt;
static const cli_opt rm_opts[] = {
    CLI_FLAG("disks", 0, "also remove its RBD images (safely): to the trash",
             &rm_opt.disks),
    CLI_FLAG("now", 0, "with --disks: delete them at once, no trash",
             &rm_opt.now),
    CLI_STR(
        "keep", 0, "DURATION",
        "with --disks: how long the trash keeps them (default: the cluster's, 7d)",
        &rm_opt.keep),
    {.name = NULL},
};

static int
run_restore(cli_ctx *ctx)
{
    vrbd_vm_restore_result res = {0};
    vrbd_registry *reg;
    vrbd_host *host = NULL;
    int r = CLI_FAIL;

    if (!(reg = cli_registry(ctx)))
        return CLI_FAIL;
    if (!(host = cli_host(ctx)))
        goto cleanup;
    if (vrbd_vm_restore(host, reg, ctx->argv[0], ctx->timeout_sec, &res) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_vm_restored,
             &(cli_vm_restored){ctx->argv[0], &res});
    r = CLI_OK;

cleanup:
    vrbd_vm_restore_result_clear(&res);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

static struct {
    const char *to;
    bool offline;
    bool live;
    const char *bandwidth;
    const char *disks;
    bool keep_source;
    bool rollback;
} move_opt;
static const cli_opt move_opts[] = {
    CLI_STR("to", 0, "[CLUSTER:]POOL", "the destination pool (required)",
            &move_opt.to),
    CLI_FLAG("offline", 0, "copy while the VM is stopped (the default)",
             &move_opt.offline),
    CLI_FLAG("live", 0, "move while it runs (libvirt block copy, then pivot)",
             &move_opt.live),
    CLI_STR("bandwidth", 0, "SIZE",
            "live: copy at most SIZE per second per disk", &move_opt.bandwidth),
    CLI_STR("disks", 0, "vda,...",
            "only these targets (default: every local disk)", &move_opt.disks),
    CLI_FLAG("keep-source", 0, "keep the local files after the switch",
             &move_opt.keep_source),
    CLI_FLAG("rollback", 0, "put back the definition before the last move",
             &move_opt.rollback),
    {.name = NULL},
};

static volatile int move_cancelled;

static struct {
    const char *to;
    bool offline;
    unsigned bandwidth;
} migrate_opt;
static const cli_opt migrate_opts[] = {
    CLI_STR("to", 0, "HOST", "the registered host to move to (required)",
            &migrate_opt.to),
    CLI_FLAG("offline", 0, "move the definition of a stopped VM",
             &migrate_opt.offline),
    CLI_COUNT("bandwidth", 0, "MIB", "send at most MIB MiB per second", 1000000,
              &migrate_opt.bandwidth),
    {.name = NULL},
};

static bool
one_of(const char *v, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(v, *words) == 0)
            return true;
    return false;
}

/* --network [network:]NAME | bridge:BRIDGE into @o */
static int
parse_network(cli_ctx *ctx, const char *v, vrbd_vm_create_opts *o)
{
    if (!v)
        return CLI_OK;
    if (strncmp(v, "bridge:", 7) == 0)
        o->bridge = v + 7;
    else
        o->network = strncmp(v, "network:", 8) == 0 ? v + 8 : v;
    if ((o->bridge && !*o->bridge) || (o->network && !*o->network))
        return cli_usage(
            ctx, "invalid --network '%s': give [network:]NAME or bridge:BRIDGE",
            v);
    if (o->bridge && strlen(o->bridge) > 15)
        return cli_usage(
            ctx,
            "invalid --network '%s': a bridge name has at most 15 characters",
            v);
    return CLI_OK;
}

/* The disk, firmware and install options of vm create into @o: CLI_OK,
 * or a usage error */
static int
check_create_opts(cli_ctx *ctx, vrbd_vm_create_opts *o)
{
    static const char *const caches[] = {"writeback",  "none",   "writethrough",
                                         "directsync", "unsafe", NULL};
    static const char *const ios[] = {"native", "threads", "io_uring", NULL};
    const char *cache = create_opt.cache, *io = create_opt.io;
    const char *discard = create_opt.discard, *boot = create_opt.boot;

    if (cache && !one_of(cache, caches))
        return cli_usage(
            ctx,
            "invalid --cache '%s': use writeback, none, writethrough, directsync or unsafe",
            cache);
    if (io && !one_of(io, ios))
        return cli_usage(
            ctx, "invalid --io '%s': use native, threads or io_uring", io);
    if (io && strcmp(io, "native") == 0 &&
        (!cache || (strcmp(cache, "none") != 0 && strcmp(cache, "directsync"))))
        return cli_usage(
            ctx,
            "--io native needs --cache none (or directsync): it is O_DIRECT I/O");
    if (discard && strcmp(discard, "unmap") != 0 && strcmp(discard, "ignore"))
        return cli_usage(ctx, "invalid --discard '%s': use unmap or ignore",
                         discard);
    if (boot && strcmp(boot, "bios") != 0 && strcmp(boot, "uefi") != 0)
        return cli_usage(ctx, "invalid --boot '%s': use bios or uefi", boot);
    if (create_opt.preallocate && create_opt.from)
        return cli_usage(
            ctx,
            "--preallocate is for a new disk (--size): a clone's data is its golden image's");
    if ((create_opt.location || create_opt.cdrom) && create_opt.kernel)
        return cli_usage(ctx, "give one of --kernel, --location and --cdrom");
    if (create_opt.location && create_opt.cdrom)
        return cli_usage(ctx, "give one of --location and --cdrom");
    if (create_opt.extra_args && !create_opt.location)
        return cli_usage(ctx, "--extra-args goes with --location");
    o->cache = cache;
    o->io = io;
    o->no_discard = discard && strcmp(discard, "ignore") == 0;
    o->boot = boot && strcmp(boot, "uefi") == 0 ? VRBD_VM_BOOT_UEFI
                                                : VRBD_VM_BOOT_BIOS;
    o->location = create_opt.location;
    o->extra_args = create_opt.extra_args;
    o->cdrom = create_opt.cdrom;
    o->preallocate = create_opt.preallocate;
    return parse_network(ctx, create_opt.network, o);
}

static int
run_create(cli_ctx *ctx)
{
    const char *from = create_opt.from;
    const char *size = create_opt.size;
    const char *pool = create_opt.pool;
    cli_bar bar = {.tty = isatty(STDERR_FILENO), .label = "preallocating: "};
    vrbd_vm_create_opts o = {.version = VRBD_VM_CREATE_OPTS_VERSION,
                             .progress = cli_bar_show,
                             .opaque = &bar,
                             .kernel = create_opt.kernel,
                             .initrd = create_opt.initrd,
                             .cmdline = create_opt.cmdline,
                             .console_log = create_opt.console_log,
                             .start = create_opt.start,
                             .memory_mib = create_opt.memory,
                             .vcpus = create_opt.vcpus};
    vrbd_spec fs = {0}, ps = {0};
    const char *cluster = NULL;
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    double t0 = vrbd_now();
    int r;

    if (!from == !size)
        return cli_usage(ctx,
                         "give one of --from POOL/IMAGE@SNAP and --size SIZE");
    if (size && !pool)
        return cli_usage(
            ctx, "with --size, say where the disk goes: --pool [CLUSTER:]POOL");
    if ((o.initrd || o.cmdline) && !o.kernel)
        return cli_usage(ctx, "--initrd and --cmdline go with --kernel");
    if ((r = check_create_opts(ctx, &o)) != CLI_OK)
        return r;
    if (size) {
        const char *why = NULL;

        if (vrbd_size_parse(size, &o.size, &why) < 0 || o.size == 0)
            return cli_usage(ctx, "invalid --size '%s': %s", size,
                             why ? why : "an image needs a size");
    }
    if (from &&
        vrbd_spec_parse(from, VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_NEED, &fs) < 0)
        return cli_fail();
    if (pool && vrbd_spec_parse(pool, VRBD_SPEC_POOL, &ps) < 0) {
        vrbd_spec_clear(&fs);
        return cli_fail();
    }
    cluster = fs.cluster ? fs.cluster : ps.cluster;
    if (fs.cluster && ps.cluster && strcmp(fs.cluster, ps.cluster) != 0) {
        vrbd_spec_clear(&fs);
        vrbd_spec_clear(&ps);
        return cli_usage(
            ctx,
            "a clone lives on its golden image's cluster: --pool must name the same cluster");
    }
    r = CLI_FAIL;
    o.from = from ? &fs : NULL;
    o.pool = pool ? ps.pool : NULL;
    host = cli_host(ctx);
    if (!host || cli_connect(ctx, cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_vm_create(host, cl, ctx->argv[0], &o) < 0) {
        cli_fail();
        goto cleanup;
    }
    if (bar.shown)
        fputc('\n', stderr);
    cli_show(ctx, &cli_view_vm_created,
             &(cli_vm_created){ctx->argv[0], o.start || o.location || o.cdrom,
                               vrbd_now() - t0, vrbd_cluster_name(cl),
                               pool ? ps.pool : fs.pool, from != NULL});
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(cl);
    vrbd_host_free(host);
    vrbd_spec_clear(&fs);
    vrbd_spec_clear(&ps);
    return r;
}

static int
run_rm(cli_ctx *ctx)
{
    vrbd_vm_remove_opts o = {.version = VRBD_VM_REMOVE_OPTS_VERSION,
                             .disks = rm_opt.disks,
                             .now = rm_opt.now,
                             .timeout_sec = ctx->timeout_sec};
    vrbd_registry *reg;
    vrbd_host *host = NULL;
    int r = CLI_FAIL;

    if ((rm_opt.now || rm_opt.keep) && !rm_opt.disks)
        return cli_usage(ctx, "--now and --keep are for --disks");
    if ((r = cli_parse_keep(ctx, rm_opt.now, rm_opt.keep, &o.keep_sec)) !=
        CLI_OK)
        return r;
    r = CLI_FAIL;
    if (!(reg = cli_registry(ctx)))
        return CLI_FAIL;
    host = cli_host(ctx);
    if (!host)
        goto cleanup;
    if (vrbd_vm_remove(host, reg, ctx->argv[0], &o) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_vm_removed,
             &(cli_vm_removed){ctx->argv[0], rm_opt.disks,
                               rm_opt.disks && !rm_opt.now});
    r = CLI_OK;

cleanup:
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

/* vm move DOMAIN --rollback */
static int
move_rollback(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    vrbd_host *host = reg ? cli_host(ctx) : NULL;
    int r = CLI_FAIL;

    if (host && vrbd_vm_move_rollback(host, reg, ctx->argv[0]) == 0) {
        cli_show(ctx, &cli_view_vm_rolled_back, ctx->argv[0]);
        r = CLI_OK;
    } else if (host) {
        cli_fail();
    }
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

/* --disks A,B into *@list (NULL-terminated) and @o: CLI_OK, or a usage
 * error */
static int
parse_disks(cli_ctx *ctx, const char *disks, char ***list, vrbd_move_opts *o)
{
    CLEANUP_FREE char *copy = xstrdup(disks);
    char *save = NULL, *t;
    size_t n = 0;

    for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        *list = xreallocarray(*list, n + 2, sizeof(char *));
        (*list)[n++] = xstrdup(t);
        (*list)[n] = NULL;
    }
    if (n == 0)
        return cli_usage(ctx, "--disks names no disk");
    o->disks = (const char *const *)*list;
    o->n_disks = n;
    return CLI_OK;
}

/* The options of a move, checked into @o: CLI_OK, or a usage error */
static int
check_move_opts(cli_ctx *ctx, const char *to, char ***list, vrbd_move_opts *o)
{
    const char *disks = move_opt.disks;
    const char *bw = move_opt.bandwidth;

    if (!to)
        return cli_usage(ctx, "say where to: --to [CLUSTER:]POOL");
    if (move_opt.live && move_opt.offline)
        return cli_usage(ctx, "--live and --offline exclude each other");
    if (bw) {
        const char *why = NULL;

        if (!move_opt.live)
            return cli_usage(ctx, "--bandwidth goes with --live");
        if (vrbd_size_parse(bw, &o->bandwidth, &why) < 0 || o->bandwidth == 0)
            return cli_usage(ctx, "invalid --bandwidth '%s': %s", bw,
                             why ? why : "give a rate such as 64M");
    }
    return disks ? parse_disks(ctx, disks, list, o) : CLI_OK;
}

static int
run_move(cli_ctx *ctx)
{
    const char *to = move_opt.to;
    bool live = move_opt.live;
    vrbd_move_opts o = {.version = VRBD_MOVE_OPTS_VERSION,
                        .keep_source = move_opt.keep_source,
                        .timeout_sec = ctx->timeout_sec,
                        .cancel = &move_cancelled};
    vrbd_registry *reg = NULL;
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    CLEANUP_STRV char **list = NULL;
    vrbd_spec s = {0};
    vrbd_move_result res = {0};
    int r;

    if (move_opt.rollback) {
        if (to || move_opt.disks)
            return cli_usage(ctx, "--rollback takes no other option");
        return move_rollback(ctx);
    }
    if ((r = check_move_opts(ctx, to, &list, &o)) != CLI_OK)
        return r;
    if (vrbd_spec_parse(to, VRBD_SPEC_POOL, &s) < 0)
        return cli_fail();
    if (s.nspace) {
        vrbd_spec_clear(&s);
        return cli_usage(ctx, "--to takes [CLUSTER:]POOL");
    }
    o.pool = s.pool;
    r = CLI_FAIL;
    reg = cli_registry(ctx);
    host = reg ? cli_host(ctx) : NULL;
    if (!host || cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    if (live) /* Ctrl-C cancels the copies: the guest stays put */
        cli_catch_signals(&move_cancelled);
    if ((live ? vrbd_vm_move_live : vrbd_vm_move_offline)(
            host, cl, reg, ctx->argv[0], &o, &res) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_vm_moved,
             &(cli_vm_moved){ctx->argv[0], vrbd_cluster_name(cl), s.pool, live,
                             o.keep_source, &res});
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(cl);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    vrbd_spec_clear(&s);
    return r;
}

static struct {
    const char *from;
    const char *on;
    bool force;
    const char *expire;
} recover_opt;
static const cli_opt recover_opts[] = {
    CLI_STR("from", 0, "HOST", "the fleet host it ran on (required)",
            &recover_opt.from),
    CLI_STR("on", 0, "HOST",
            "the fleet host to start it on (default: this one, or --host)",
            &recover_opt.on),
    CLI_FLAG("force", 0,
             "even while that host answers and runs it (it is fenced)",
             &recover_opt.force),
    CLI_STR("expire", 0, "DURATION",
            "how long the fence holds (default 1h; 'fleet unfence' lifts it)",
            &recover_opt.expire),
    {.name = NULL},
};

static int
run_recover(cli_ctx *ctx)
{
    vrbd_registry *reg = NULL;
    vrbd_host *on = NULL;
    vrbd_recover_opts o = {.version = VRBD_RECOVER_OPTS_VERSION,
                           .from = recover_opt.from,
                           .force = recover_opt.force,
                           .timeout_sec = ctx->timeout_sec};
    vrbd_recover_result res = {0};
    int r;

    if (!o.from)
        return cli_usage(ctx, "say which host it ran on: --from HOST");
    if (recover_opt.expire &&
        (r = cli_parse_duration(ctx, "expire", recover_opt.expire,
                                &o.expire_sec)) != CLI_OK)
        return r;
    if (recover_opt.on && ctx->host_name &&
        strcmp(recover_opt.on, ctx->host_name) != 0)
        return cli_usage(ctx, "--on and --host name two hosts: give one");
    reg = cli_registry(ctx);
    if (reg && recover_opt.on) {
        if (vrbd_fleet_open(reg, recover_opt.on, ctx->timeout_sec, &on) < 0)
            cli_fail();
        else
            vrbd_host_set_timeout(on, ctx->timeout_sec);
    } else if (reg) {
        on = cli_host(ctx);
    }
    r = CLI_FAIL;
    o.reg = reg;
    if (on && vrbd_vm_recover(on, ctx->argv[0], &o, &res) == 0) {
        cli_show(ctx, &cli_view_vm_recovered,
                 &(cli_vm_recovered){ctx->argv[0], o.from, vrbd_host_label(on),
                                     &res});
        r = CLI_OK;
    } else if (on) {
        cli_fail();
    }
    vrbd_recover_result_clear(&res);
    vrbd_host_free(on);
    vrbd_registry_free(reg);
    return r;
}

static void
migrate_progress(const vrbd_migrate_progress *p, void *opaque)
{
    cli_show_migrate_progress(opaque, p);
}

/* The source and the destination, refused when they are one host. */
static int
migrate_hosts(cli_ctx *ctx, vrbd_registry *reg, vrbd_host **src,
              vrbd_host **dst)
{
    CLEANUP_FREE char *u1 = NULL, *u2 = NULL;

    *src = cli_host(ctx);
    if (!*src)
        return CLI_FAIL;
    if (vrbd_fleet_open(reg, migrate_opt.to, ctx->timeout_sec, dst) < 0 ||
        vrbd_host_uuid(*src, &u1) < 0 || vrbd_host_uuid(*dst, &u2) < 0)
        return cli_fail();
    if (strcmp(u1, u2) == 0) {
        fprintf(stderr,
                "virt-rbd: error: '%s' runs on host '%s' already (same host "
                "UUID)\nvirt-rbd: hint: pick another --to, or select the "
                "source with --host\n",
                ctx->argv[0], migrate_opt.to);
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int
run_migrate(cli_ctx *ctx)
{
    vrbd_registry *reg = NULL;
    vrbd_host *src = NULL, *dst = NULL;
    vrbd_fleet_host to = {0};
    vrbd_migrate_result res = {0};
    bool tty = isatty(STDERR_FILENO) && !ctx->json;
    vrbd_migrate_opts o = {.version = VRBD_MIGRATE_OPTS_VERSION,
                           .dest_name = migrate_opt.to,
                           .offline = migrate_opt.offline,
                           .bandwidth_mib = migrate_opt.bandwidth,
                           .timeout_sec = ctx->timeout_sec,
                           .cancel = &move_cancelled,
                           .progress = tty ? migrate_progress : NULL,
                           .opaque = (void *)ctx->argv[0]};
    int r = CLI_FAIL;

    if (!migrate_opt.to)
        return cli_usage(ctx, "say where to: --to HOST (see 'fleet list')");
    if (migrate_opt.offline && migrate_opt.bandwidth)
        return cli_usage(ctx, "--bandwidth goes with a live migration");
    reg = cli_registry(ctx);
    if (!reg)
        return CLI_FAIL;
    if (vrbd_fleet_get(reg, migrate_opt.to, &to) < 0) {
        cli_fail();
        goto cleanup;
    }
    if ((r = migrate_hosts(ctx, reg, &src, &dst)) != CLI_OK)
        goto cleanup;
    o.dest_uri = to.uri;
    o.dest_address = to.address;
    o.reg = reg;
    /* Ctrl-C aborts the job: the guest stays on the source */
    cli_catch_signals(&move_cancelled);
    r = vrbd_vm_migrate(src, dst, ctx->argv[0], &o, &res);
    if (tty)
        cli_show_migrate_progress(NULL, NULL);
    if (r < 0) {
        r = cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_vm_migrated,
             &(cli_vm_migrated){ctx->argv[0], vrbd_host_label(src),
                                migrate_opt.to, migrate_opt.offline, &res});
    r = CLI_OK;

cleanup:
    vrbd_fleet_host_clear(&to);
    vrbd_host_free(src);
    vrbd_host_free(dst);
    vrbd_registry_free(reg);
    return r;
}

const cli_cmd cli_cmds_vm[] = {
    {"vm create", "NAME", 1, 1,
     "Provision a VM on RBD: clone a golden image, define, start",
     "The disk POOL/NAME is a layered clone of --from (instant, whatever\n"
     "the size) or an empty image of --size in --pool (sparse, or written\n"
     "full with --preallocate).  The host is connected to the pool if\n"
     "needed, and a domain is defined around the disk (KVM where usable,\n"
     "else TCG).  --start starts it.  Disk defaults for RBD:\n"
     "cache=writeback (librbd's cache honours the guest's flushes),\n"
     "discard=unmap (the guest's TRIM frees RBD space), io left to QEMU.\n"
     "Install, as virt-install does: --cdrom ISO or --location DIR|ISO\n"
     "(the installer's kernel and initrd, from install.amd/, casper/ or\n"
     "images/pxeboot/, with --extra-args) is booted once, at once; the VM\n"
     "is then defined to boot from its disk.  --boot uefi: OVMF with an\n"
     "NVRAM file of its own.  When a step fails, what it made is removed.",
     create_opts, run_create},
    {"vm move", "DOMAIN", 1, 1, "Move a VM's disks to RBD, offline or live",
     "Offline (the VM stopped): each local raw disk (file or block device)\n"
     "and, when named in --disks, an RBD disk of another pool or cluster\n"
     "that virt-rbd attached (left in place) is copied with the data mover\n"
     "to DOMAIN-TARGET in the --to pool and verified, then the definition\n"
     "is switched in one step; the old one is\n"
     "kept for --rollback.  Boot order and PCI addresses are kept.  Without\n"
     "--keep-source the moved files are deleted (block devices are left).\n"
     "A failure before the switch leaves the VM as it was.\n"
     "\n"
     "Live (--live, the VM running): each disk (file or block device, raw,\n"
     "qcow2 or any format QEMU reads; an RBD disk of another pool or cluster\n"
     "when named in --disks) is mirrored by libvirt block copy into an\n"
     "empty DOMAIN-TARGET image; when all are in sync and the destination\n"
     "still answers, the guest is switched to them, then the persistent\n"
     "definition (the old one kept for --rollback).  A failure or Ctrl-C\n"
     "before the switch cancels the copies, removes the images and leaves\n"
     "the guest on its old disks with its definition unchanged.  RBD\n"
     "sources are left in place.  A copy\n"
     "without progress for --timeout seconds has its cluster probed.  When\n"
     "libvirtd restarts meanwhile, the move reconnects (for up to\n"
     "--timeout), keeps the disks that switched and cancels the rest.",
     move_opts, run_move},
    {"vm migrate", "DOMAIN", 1, 1,
     "Move a VM to another host of the fleet, live by default",
     "Libvirt's peer-to-peer migration from this host (-c or --host) to the\n"
     "registered host --to: memory only, as the disks are on Ceph; the\n"
     "definition goes with it (persistent there, undefined here).  Checked\n"
     "first, each refusal naming the fix: the VM's state, a job already\n"
     "running on it, a disk not on RBD ('vm move' first), the destination\n"
     "lacking a disk's secret (same UUID) or an active pool of its cluster\n"
     "('fleet sync'), a domain of the same name or UUID there.  Disks of\n"
     "registered clusters get the current monitors on the way.  The stream\n"
     "goes to the host's --address when it was added with one.  Progress\n"
     "on a terminal; a failure or Ctrl-C leaves the VM running here.\n"
     "--offline moves the definition of a stopped VM.",
     migrate_opts, run_migrate},
    {"vm recover", "DOMAIN", 1, 1,
     "Start a dead or hung host's VM on this host, fenced from split brain",
     "For a VM whose host (--from, a fleet host) is gone or hung.  Refused\n"
     "while that host answers and runs it ('vm migrate' is the way), unless\n"
     "--force.  Its definition comes from that host when it answers, else\n"
     "from its disks' metadata (kept when virt-rbd defines or migrates a\n"
     "VM).  Every disk must be on RBD, and this host must have each disk's\n"
     "secret and pool ('fleet sync').  Then every Ceph client of every disk,\n"
     "on each cluster, is fenced: its address is put on the OSD blocklist\n"
     "for --expire and its locks are broken, so a QEMU that was only hung\n"
     "cannot write when it wakes.  The VM is defined here with current\n"
     "monitors and started; a copy on a host that answers is stopped and\n"
     "undefined.  'fleet list' shows the fenced host; 'fleet unfence HOST'\n"
     "lifts the fence once it has been rebooted.",
     recover_opts, run_recover},
    {"vm rm", "NAME", 1, 1, "Undefine a stopped VM, with --disks its images",
     "Refused while the VM runs.  With --disks its RBD images are removed\n"
     "too, safely (see 'vol rm'): every cluster is reached and every image\n"
     "checked for other clients before the undefine, the images go after\n"
     "it.  Read-only and shareable disks are left, as other domains may use\n"
     "them.  The images go to their pools' trash for --keep (7 days),\n"
     "each with the VM's name and definition in its metadata: 'vm restore'\n"
     "brings the VM back whole.  --now deletes them at once.",
     rm_opts, run_rm},
    {"vm restore", "NAME", 1, 1, "Bring back a VM removed with its disks",
     "The disks that 'vm rm --disks' put in the trash (searched in the\n"
     "pools behind this host's RBD pools, on the registered clusters) are\n"
     "restored under their names, and the VM is defined again from the\n"
     "definition kept with them; it is not started.  Refused, with nothing\n"
     "changed, when a domain of that name exists, when an image of a disk's\n"
     "name does (restore that disk with 'vol restore --as', then define the\n"
     "VM by hand), or when a disk of the definition is not found (its\n"
     "cluster did not answer, or it was purged).",
     NULL, run_restore},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
