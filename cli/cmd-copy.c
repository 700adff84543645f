/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmd-copy.c: `import`, `export` and `copy`: the data mover between local
 * raw files (or block devices) and RBD images, and between RBD images.  Ctrl-C
 * and SIGTERM stop it cleanly: in-flight requests drain and nothing is left
 * under the final name (with --resume, a marked partial image to go on
 * from).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "clock.h"
#include "cli.h"
#include "render.h"
#include "size.h"
#include "xalloc.h"

static struct {
    const char *format;
    bool verify;
    bool force;
    bool resume;
    const char *size;
    unsigned queue_depth;
    const char *backing;
    bool allow_backing;
} import_opt;
static const cli_opt import_opts[] = {
    CLI_STR(
        "format", 0, "FORMAT",
        "auto (default: from the file's header), raw, qcow2, vmdk, vdi, vhdx, "
        "vpc",
        &import_opt.format),
    CLI_FLAG("verify", 0, "read the image back and compare before renaming",
             &import_opt.verify),
    CLI_FLAG("force", 0, "replace an existing image", &import_opt.force),
    CLI_FLAG(
        "resume", 0,
        "continue an interrupted import of the same file; keep the partial "
        "image if interrupted",
        &import_opt.resume),
    CLI_STR("size", 0, "SIZE",
            "with FILE -, a pipe: the image's size (default: what comes)",
            &import_opt.size),
    CLI_COUNT("queue-depth", 0, "N",
              "data in flight, in 2 MiB requests (default: 16)", 1024,
              &import_opt.queue_depth),
    CLI_STR("backing", 0, "FILE",
            "the backing file the image names, to be read with it (default: an "
            "image that names other files is refused)",
            &import_opt.backing),
    CLI_FLAG(
        "allow-backing", 0,
        "read whatever files the image names (backing file, data file, VMDK "
        "extents)",
        &import_opt.allow_backing),
    {.name = NULL},
};

static struct {
    const char *format;
    bool verify;
    bool force;
    unsigned queue_depth;
} export_opt;
static const cli_opt export_opts[] = {
    CLI_STR("format", 0, "FORMAT",
            "raw (default: a sparse raw file) or qcow2 (through qemu-nbd)",
            &export_opt.format),
    CLI_FLAG("verify", 0, "read the file back and compare before renaming",
             &export_opt.verify),
    CLI_FLAG("force", 0, "replace an existing file", &export_opt.force),
    CLI_COUNT("queue-depth", 0, "N",
              "data in flight, in 2 MiB requests (default: 16)", 1024,
              &export_opt.queue_depth),
    {.name = NULL},
};

static struct {
    bool verify;
    bool force;
    bool incremental;
    bool resume;
    unsigned queue_depth;
} copy_opt;
static const cli_opt copy_opts[] = {
    CLI_FLAG("verify", 0, "read what was copied back from both and compare",
             &copy_opt.verify),
    CLI_FLAG("force", 0,
             "replace an existing target (once the copy is complete)",
             &copy_opt.force),
    CLI_FLAG("incremental", 0,
             "bring an existing target up to SRC@SNAP from a common snapshot",
             &copy_opt.incremental),
    CLI_FLAG(
        "resume", 0,
        "continue an interrupted copy of the same SRC@SNAP; keep the partial "
        "image if interrupted",
        &copy_opt.resume),
    CLI_COUNT("queue-depth", 0, "N",
              "data in flight, in 2 MiB requests (default: 16)", 1024,
              &copy_opt.queue_depth),
    {.name = NULL},
};

static volatile int cancelled;

/* a failure's exit status: 128 + the signal when one stopped it, as a
 * shell reports a process the signal killed */
static int
failed(void)
{
    cli_fail();
    return cancelled && cli_signal_caught() ? 128 + cli_signal_caught()
                                            : CLI_FAIL;
}

struct progress {
    bool tty;
    bool json;
    FILE *out; /* JSON events: stdout, or stderr when the data goes there */
    double t0, last;
};

/* A bar on a terminal, JSON lines for programs, nothing otherwise. */
static void
show_progress(uint64_t done, uint64_t total, void *opaque)
{
    struct progress *p = opaque;
    double t = vrbd_now(), rate;
    char a[32], b[32], r[32];

    if (t - p->last < 0.5 && done < total)
        return;
    p->last = t;
    rate = t > p->t0 ? (double)done / (t - p->t0) : 0;
    if (p->json) {
        fprintf(p->out ? p->out : stdout,
                "{\"event\": \"progress\", \"done\": %llu, \"total\": "
                "%llu}\n",
                (unsigned long long)done, (unsigned long long)total);
        fflush(p->out ? p->out : stdout);
    } else if (p->tty && total == 0) { /* a pipe: no end known */
        fprintf(stderr, "\r%s  %s/s   ", vrbd_size_format(done, a, sizeof(a)),
                vrbd_size_format((uint64_t)rate, r, sizeof(r)));
    } else if (p->tty) {
        fprintf(stderr, "\r%3d%%  %s of %s  %s/s  ETA %.0f s   ",
                total ? (int)(done * 100 / total) : 100,
                vrbd_size_format(done, a, sizeof(a)),
                vrbd_size_format(total, b, sizeof(b)),
                vrbd_size_format((uint64_t)rate, r, sizeof(r)),
                rate > 0 ? (double)(total - done) / rate : 0.0);
    }
}

/* @s as "CLUSTER:POOL/IMAGE", with the cluster it was reached on. */
static char *
spec_on(const vrbd_spec *s, vrbd_cluster *cl)
{
    vrbd_spec c = *s;

    c.cluster = (char *)vrbd_cluster_name(cl);
    return vrbd_spec_format(&c);
}

static int
run_import(cli_ctx *ctx)
{
    struct progress p = {
        .tty = isatty(STDERR_FILENO), .json = ctx->json, .t0 = vrbd_now()};
    vrbd_copy_opts o = {.version = VRBD_COPY_OPTS_VERSION,
                        .verify = import_opt.verify,
                        .force = import_opt.force,
                        .resume = import_opt.resume,
                        .format = import_opt.format,
                        .backing = import_opt.backing,
                        .allow_backing = import_opt.allow_backing,
                        .queue_depth = import_opt.queue_depth,
                        .timeout_sec = ctx->timeout_sec,
                        .cancel = &cancelled,
                        .progress = show_progress,
                        .opaque = &p};
    vrbd_copy_stats st;
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    int r;

    if (import_opt.size) {
        const char *size = import_opt.size, *why = NULL;

        if (vrbd_size_parse(size, &o.size, &why) < 0 || o.size == 0)
            return cli_usage(ctx, "invalid --size '%s': %s", size,
                             why ? why : "an image needs a size");
    }
    if (vrbd_spec_parse(ctx->argv[1], VRBD_SPEC_IMAGE, &s) < 0)
        return cli_fail();
    r = CLI_FAIL;
    if (cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    cli_catch_signals(&cancelled);
    if (vrbd_import_file(cl, ctx->argv[0], &s, &o, &st) < 0) {
        if (p.tty)
            fputc('\n', stderr);
        r = failed();
        goto cleanup;
    }
    if (p.tty)
        fputc('\n', stderr);
    {
        CLEANUP_FREE char *to = spec_on(&s, cl);

        cli_show(
            ctx, &cli_view_copied,
            &(cli_copied){stdout, "imported", ctx->argv[0], to, &st, false});
    }
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_export(cli_ctx *ctx)
{
    struct progress p = {
        .tty = isatty(STDERR_FILENO), .json = ctx->json, .t0 = vrbd_now()};
    vrbd_copy_opts o = {.version = VRBD_COPY_OPTS_VERSION,
                        .force = export_opt.force,
                        .verify = export_opt.verify,
                        .format = export_opt.format,
                        .queue_depth = export_opt.queue_depth,
                        .timeout_sec = ctx->timeout_sec,
                        .cancel = &cancelled,
                        .progress = show_progress,
                        .opaque = &p};
    vrbd_copy_stats st;
    vrbd_spec s = {0};
    vrbd_cluster *cl = NULL;
    int r;

    if (strcmp(ctx->argv[1], "-") == 0) {
        /* the image goes to stdout: everything else to stderr, and a
         * reader that goes away is an error, not a signal */
        if (isatty(STDOUT_FILENO))
            return cli_usage(
                ctx,
                "standard output is a terminal: redirect it, or give a file");
        p.out = stderr;
        signal(SIGPIPE, SIG_IGN);
    } else {
        p.out = stdout;
    }
    if (vrbd_spec_parse(ctx->argv[0], VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_OK, &s) <
        0)
        return cli_fail();
    r = CLI_FAIL;
    if (cli_connect(ctx, s.cluster, &cl) < 0)
        goto cleanup;
    cli_catch_signals(&cancelled);
    if (vrbd_export_file(cl, &s, ctx->argv[1], &o, &st) < 0) {
        if (p.tty)
            fputc('\n', stderr);
        r = failed();
        goto cleanup;
    }
    if (p.tty)
        fputc('\n', stderr);
    {
        CLEANUP_FREE char *from = spec_on(&s, cl);

        cli_show_to(
            ctx, p.out, &cli_view_copied,
            &(cli_copied){p.out, "exported", from, ctx->argv[1], &st, false});
    }
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(cl);
    vrbd_spec_clear(&s);
    return r;
}

static int
run_copy(cli_ctx *ctx)
{
    struct progress p = {
        .tty = isatty(STDERR_FILENO), .json = ctx->json, .t0 = vrbd_now()};
    vrbd_copy_opts o = {.version = VRBD_COPY_OPTS_VERSION,
                        .incremental = copy_opt.incremental,
                        .resume = copy_opt.resume,
                        .verify = copy_opt.verify,
                        .force = copy_opt.force,
                        .queue_depth = copy_opt.queue_depth,
                        .cancel = &cancelled,
                        .progress = show_progress,
                        .opaque = &p};
    vrbd_copy_stats st;
    vrbd_spec s = {0}, d = {0};
    vrbd_cluster *scl = NULL, *dcl = NULL;
    CLEANUP_FREE char *from = NULL;
    CLEANUP_FREE char *to = NULL;
    int r;

    if (vrbd_spec_parse(ctx->argv[0], VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_OK, &s) <
        0)
        return cli_fail();
    if (vrbd_spec_parse(ctx->argv[1], VRBD_SPEC_IMAGE, &d) < 0) {
        vrbd_spec_clear(&s);
        return cli_fail();
    }
    r = CLI_FAIL;
    if (cli_connect(ctx, s.cluster, &scl) < 0 ||
        cli_connect(ctx, d.cluster, &dcl) < 0)
        goto cleanup;
    cli_catch_signals(&cancelled);
    if (vrbd_copy_image(scl, &s, dcl, &d, &o, &st) < 0) {
        if (p.tty)
            fputc('\n', stderr);
        r = failed();
        goto cleanup;
    }
    if (p.tty)
        fputc('\n', stderr);
    from = spec_on(&s, scl);
    to = spec_on(&d, dcl);
    cli_show(ctx, &cli_view_copied,
             &(cli_copied){stdout, "copied", from, to, &st,
                           st.from_snap[0] && s.snap &&
                               strcmp(st.from_snap, s.snap) == 0});
    r = CLI_OK;

cleanup:
    vrbd_cluster_free(scl);
    vrbd_cluster_free(dcl);
    vrbd_spec_clear(&s);
    vrbd_spec_clear(&d);
    return r;
}

const cli_cmd cli_cmds_copy[] = {
    {"import", "FILE|- [CLUSTER:]POOL[/NS]/IMAGE", 2, 2,
     "Import a disk image (raw, qcow2, vmdk...) or block device into a new "
     "RBD image",
     "Raw files, block devices and plain qcow2 files (no backing file,\n"
     "compression or encryption) are read directly, around the page cache\n"
     "(O_DIRECT; a file already in the cache from there); other qcow2, vmdk, vdi,\n"
     "vhdx and vpc images through a read-only qemu-nbd (--format, or detected\n"
     "from the file's header), whose allocation map (NBD block status) says\n"
     "what to skip.  Holes are skipped without reading them (SEEK_DATA/SEEK_HOLE) and\n"
     "zero runs are not written, so the image stays thin; writes are cut at\n"
     "object boundaries with many in flight.  The image is written under a\n"
     "temporary name and renamed only when complete (and verified with\n"
     "--verify).  Ctrl-C drains what is in flight and leaves nothing; with\n"
     "--resume it keeps the partial image, and a later import of the same\n"
     "file with --resume goes on where it stopped (also after a crash: the\n"
     "temporary image records its progress at 64 MiB, then every 64 MiB\n"
     "at most once a second).  An existing image is replaced only with\n"
     "--force.  FILE - reads standard input: a file redirected there as a\n"
     "file, a pipe as raw data (the image grows as it comes, or has --size\n"
     "bytes: less reads as zeros).  A progress bar shows on a terminal;\n"
     "--json prints JSON lines (progress events, then done).",
     import_opts, run_import},
    {"export", "[CLUSTER:]POOL[/NS]/IMAGE[@SNAP] FILE|-", 2, 2,
     "Export an RBD image (or snapshot) to a sparse raw or qcow2 file",
     "Only allocated extents are read; zero runs of 4 KiB or more become\n"
     "holes.  The file is written under a temporary name (mode 600) and\n"
     "renamed when complete (and verified with --verify); it is written\n"
     "back as it goes and not left in the page cache.  --format qcow2\n"
     "writes a qcow2 file through qemu-nbd, only the data clusters\n"
     "allocated.  FILE - writes the raw image to standard output, holes as\n"
     "zeros, in order (the summary goes to stderr).",
     export_opts, run_export},
    {"copy", "[CLUSTER:]POOL[/NS]/IMAGE[@SNAP] [CLUSTER:]POOL[/NS]/IMAGE", 2, 2,
     "Copy an RBD image (or snapshot) to a new image, on any cluster",
     "Only allocated extents are read and zero runs are not written; the\n"
     "target is written under a temporary name and renamed when complete,\n"
     "and the source's @SNAP is created on it.  With --incremental and an\n"
     "existing target, only what changed between the target's newest\n"
     "snapshot (the source must have it too) and SRC@SNAP is copied, then\n"
     "@SNAP is created on the target: a final sync of a stopped VM takes\n"
     "seconds; it only goes forward (a target at a newer snapshot is\n"
     "refused), and a target written or resized since its newest snapshot,\n"
     "or open elsewhere, is refused untouched.  An interrupted incremental\n"
     "copy is completed by running it again.  Ctrl-C drains what is in flight and leaves nothing; with\n"
     "--resume it keeps the partial image, and a later copy of the same\n"
     "SRC@SNAP with --resume goes on where it stopped (also after a crash:\n"
     "the temporary image records its progress at 64 MiB, then every\n"
     "64 MiB at most once a second).  --force replaces an existing target,\n"
     "once the copy is complete (not one that is in use, has clones or\n"
     "protected snapshots).",
     copy_opts, run_copy},
    {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
