/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rbd-writer: a client of one RBD image through librbd alone, driven on
 * standard input, for the fencing tests (cli-fence.t): a stand-in for a
 * guest's QEMU that a test can freeze (SIGSTOP), fence and thaw, and then
 * see whether its writes still land.  Not installed.
 *
 *   rbd-writer CONF POOL IMAGE NAME
 *
 * CONF is the cluster's ceph.conf (its keyring with it); NAME labels the
 * records.  Commands, one a line, each answered with one line:
 *   write N   record N (4 KiB at N * 4096: "NAME N" and zeros), written
 *             and flushed: "ok N", or "err N ERRNO" with librbd's errno
 *   read N    "rec N TEXT" with the record's text, or "rec N -" if none
 *   addr      "addr ADDRESS": this client's address on the cluster
 *   quit      close the image and exit 0
 * librbd's cache is off: "ok" means the OSDs have the record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

#define RECORD 4096

static int
do_write(rbd_image_t img, const char *name, unsigned long n)
{
    char buf[RECORD] = {0};
    ssize_t w;
    int r;

    snprintf(buf, sizeof(buf), "%s %lu", name, n);
    w = rbd_write(img, (uint64_t)n * RECORD, RECORD, buf);
    if (w < 0)
        return (int)w;
    if (w != RECORD)
        return -EIO;
    r = rbd_flush(img);
    return r < 0 ? r : 0;
}

static void
do_read(rbd_image_t img, unsigned long n)
{
    char buf[RECORD + 1] = {0};
    ssize_t r = rbd_read(img, (uint64_t)n * RECORD, RECORD, buf);

    if (r < 0)
        printf("rec %lu err %d\n", n, (int)-r);
    else if (buf[0] == '\0')
        printf("rec %lu -\n", n);
    else
        printf("rec %lu %s\n", n, buf);
}

int
main(int argc, char **argv)
{
    rados_t rados;
    rados_ioctx_t io;
    rbd_image_t img;
    char line[256];
    int r;

    if (argc != 5) {
        fprintf(stderr, "usage: rbd-writer CONF POOL IMAGE NAME\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if ((r = rados_create(&rados, NULL)) < 0 ||
        (r = rados_conf_read_file(rados, argv[1])) < 0 ||
        (r = rados_conf_set(rados, "rbd_cache", "false")) < 0 ||
        (r = rados_conf_set(rados, "client_mount_timeout", "30")) < 0 ||
        (r = rados_conf_set(rados, "rados_mon_op_timeout", "30")) < 0 ||
        (r = rados_conf_set(rados, "rados_osd_op_timeout", "30")) < 0 ||
        (r = rados_connect(rados)) < 0 ||
        (r = rados_ioctx_create(rados, argv[2], &io)) < 0 ||
        (r = rbd_open(io, argv[3], &img, NULL)) < 0) {
        fprintf(stderr, "rbd-writer: cannot open %s/%s: %s\n", argv[2], argv[3],
                strerror(-r));
        return 1;
    }
    while (fgets(line, sizeof(line), stdin)) {
        unsigned long n;

        if (sscanf(line, "write %lu", &n) == 1) {
            r = do_write(img, argv[4], n);
            if (r < 0)
                printf("err %lu %d\n", n, -r);
            else
                printf("ok %lu\n", n);
        } else if (sscanf(line, "read %lu", &n) == 1) {
            do_read(img, n);
        } else if (strncmp(line, "addr", 4) == 0) {
            char *a = NULL;

            if (rados_getaddrs(rados, &a) == 0)
                printf("addr %s\n", a);
            else
                printf("addr -\n");
            rados_buffer_free(a);
        } else if (strncmp(line, "quit", 4) == 0) {
            break;
        } else {
            printf("? %s", line);
        }
    }
    rbd_close(img);
    rados_ioctx_destroy(io);
    rados_shutdown(rados);
    return 0;
}
