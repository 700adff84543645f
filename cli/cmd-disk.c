/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd-disk.c: the `disk` commands: RBD disks of libvirt domains (attach,
 * detach, list). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "render.h"
#include "size.h"
#include "xalloc.h"

static struct {
    const char *target;
    const char *bus;
    const char *cache;
    bool live;
    bool config;
} attach_opt;
static const cli_opt attach_opts[] = {
    CLI_STR("target", 0, "DEV",
            "target device, e.g. vdb (default: the next free)",
            &attach_opt.target),
    CLI_STR("bus", 0, "BUS", "virtio (default) or scsi", &attach_opt.bus),
    CLI_STR("cache", 0, "MODE",
            "writeback (default), none, writethrough, directsync or unsafe",
            &attach_opt.cache),
    CLI_FLAG("live", 0, "only the running domain", &attach_opt.live),
    CLI_FLAG("config", 0, "only the persistent definition", &attach_opt.config),
    {.name = NULL},
};

static struct {
    bool live;
    bool config;
} detach_opt;
static const cli_opt detach_opts[] = {
    CLI_FLAG("live", 0, "only the running domain", &detach_opt.live),
    CLI_FLAG("config", 0, "only the persistent definition", &detach_opt.config),
    {.name = NULL},
};

static int
run_attach(cli_ctx *ctx)
{
    vrbd_attach_opts o = {.version = VRBD_ATTACH_OPTS_VERSION,
                          .target = attach_opt.target,
                          .bus = attach_opt.bus,
                          .cache = attach_opt.cache,
                          .live = attach_opt.live,
                          .config = attach_opt.config};
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    vrbd_host *host = NULL;
    char *target = NULL;
    int r = CLI_FAIL;

    if (vrbd_spec_parse(ctx->argv[1], VRBD_SPEC_IMAGE, &s) < 0)
        return cli_fail();
    host = cli_host(ctx);
    if (!host || cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    if (vrbd_vm_disk_attach(host, cl, ctx->argv[0], &s, &o, &target) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(
        ctx, &cli_view_disk_attached,
        &(cli_disk_attached){ctx->argv[0], target, vrbd_cluster_name(cl), &s});
    r = CLI_OK;

cleanup:
    free(target);
    vrbd_cluster_free(cl);
    vrbd_host_free(host);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_detach(cli_ctx *ctx)
{
    const char *which = ctx->argv[1];
    vrbd_host *host = cli_host(ctx);
    vrbd_cluster *cl = NULL;
    CLEANUP_FREE char *src = NULL;
    vrbd_spec s = {0};
    int r = CLI_FAIL;

    if (!host)
        return CLI_FAIL;
    /* a SPEC names the disk by its image; its cluster clears the owner */
    if (strchr(which, '/')) {
        if (vrbd_spec_parse(which, VRBD_SPEC_IMAGE, &s) < 0) {
            cli_fail();
            goto cleanup;
        }
        if (cli_connect(ctx, s.cluster, &cl) < 0)
            goto cleanup;
        free(s.cluster);
        s.cluster = NULL;
        which = vrbd_spec_format(&s);
    }
    if (vrbd_vm_disk_detach(host, cl, ctx->argv[0], which, detach_opt.live,
                            detach_opt.config, &src) < 0) {
        cli_fail();
        goto cleanup;
    }
    cli_show(ctx, &cli_view_disk_detached,
             &(cli_disk_detached){ctx->argv[0], src ? src : which});
    r = CLI_OK;

cleanup:
    if (which != ctx->argv[1])
        free((char *)which);
    vrbd_spec_clear(&s);
    vrbd_cluster_free(cl);
    vrbd_host_free(host);
    return r;
}

/* The size and use of RBD disk @d from its cluster @cname, when it
 * answers (else VRBD_UNKNOWN) */
static void
disk_usage(const cli_ctx *ctx, vrbd_registry *reg, const vrbd_vm_disk *d,
           const char *cname, uint64_t *size, uint64_t *used)
{
    vrbd_cluster *cl = NULL;
    vrbd_volume_info *v = NULL;
    vrbd_spec s;

    *size = *used = VRBD_UNKNOWN;
    if (!d->rbd || !cname)
        return;
    if (vrbd_registry_connect(reg, cname, ctx->timeout_sec, &cl) == 0 &&
        vrbd_spec_parse(d->source, VRBD_SPEC_IMAGE, &s) == 0) {
        if (vrbd_volume_info_get(cl, &s, &v) == 0) {
            *size = v->size;
            *used = v->used;
        }
        vrbd_spec_clear(&s);
    }
    vrbd_error_clear();
    vrbd_volume_info_free(v);
    vrbd_cluster_free(cl);
}

static int
run_list(cli_ctx *ctx)
{
    vrbd_registry *reg = cli_registry(ctx);
    vrbd_cluster_entry *clusters = NULL;
    vrbd_vm_disk *disks = NULL;
    vrbd_host *host = NULL;
    CLEANUP_FREE cli_disk_row *rows = NULL;
    size_t nc = 0, n = 0;
    int r = CLI_FAIL;

    if (!reg)
        return CLI_FAIL;
    if (vrbd_registry_list(reg, &clusters, &nc) < 0)
        nc = 0;
    host = cli_host(ctx);
    if (!host)
        goto cleanup;
    if (vrbd_vm_disk_list(host, ctx->argv[0], &disks, &n) < 0) {
        cli_fail();
        goto cleanup;
    }
    rows = xcalloc(n ? n : 1, sizeof(*rows));
    for (size_t i = 0; i < n; i++) {
        rows[i].disk = &disks[i];
        rows[i].cluster = cli_cluster_named(clusters, nc, disks[i].fsid);
        disk_usage(ctx, reg, &disks[i], rows[i].cluster, &rows[i].size,
                   &rows[i].used);
    }
    cli_show(ctx, &cli_view_disk_list, &(cli_disk_list){rows, n});
    r = CLI_OK;

cleanup:
    vrbd_vm_disk_list_free(disks, n);
    vrbd_cluster_entry_list_free(clusters, nc);
    vrbd_host_free(host);
    vrbd_registry_free(reg);
    return r;
}

const cli_cmd cli_cmds_disk[] = {
    {"disk attach", "DOMAIN [CLUSTER:]POOL[/NS]/IMAGE", 2, 2,
     "Attach an RBD image to a domain, from any registered cluster",
     "Writes a network disk with every current monitor of the image's\n"
     "cluster and the secret of this host's connection to its pool (made\n"
     "if missing), raw, cache=writeback, discard and detect_zeroes unmap,\n"
     "at the next free target.  Live and persistent (persistent only when\n"
     "the domain is off).  Refused while another client holds the image.\n"
     "Records the owner in the image's metadata (virt-rbd.owner) first.\n"
     "When libvirtd restarts meanwhile, it reconnects (for up to --timeout),\n"
     "looks at what libvirtd did and finishes it; the same attach run again\n"
     "also finishes one that was cut short.",
     attach_opts, run_attach},
    {"disk detach", "DOMAIN TARGET|SPEC", 2, 2,
     "Detach a disk (by target, or by its image) from a domain", NULL,
     detach_opts, run_detach},
    {"disk list", "DOMAIN", 1, 1,
     "List a domain's disks: cluster, pool, image, size, used", NULL, NULL,
     run_list},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
