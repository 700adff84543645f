/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * list2.c: bench-list2, the floor `virt-rbd vol list` is measured against.
 * It connects with an explicit ceph.conf and keyring, opens a pool and
 * times only rbd_list2 (grown and retried on -ERANGE), ROUNDS times,
 * printing each duration and the image count.  The buffer starts at 1024
 * entries as in libvrbd, so the first round of a big pool pays for one
 * -ERANGE call and the later rounds show a single call.  With --create N
 * it instead fills the pool with N empty 1 GiB images (the features
 * `virt-rbd vol create` gives by default) from --jobs threads, which is
 * the cheapest way to get thousands of images for bench/vol-list.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rados/librados.h>
#include <rbd/librbd.h>

#define IMAGE_SIZE (1ULL << 30)
#define IMAGE_FEATURES                                                         \
    (RBD_FEATURE_LAYERING | RBD_FEATURE_EXCLUSIVE_LOCK |                       \
     RBD_FEATURE_OBJECT_MAP | RBD_FEATURE_FAST_DIFF |                          \
     RBD_FEATURE_DEEP_FLATTEN)

static const char usage[] =
    "usage: bench-list2 CONF KEYRING POOL [ROUNDS]\n"
    "       bench-list2 --create N [--jobs J] CONF KEYRING POOL\n"
    "Times rbd_list2 on POOL ROUNDS times (default 1), or creates N empty\n"
    "1 GiB images bench-00000... from J threads (default 32).\n";

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
die_ceph(const char *what, int r)
{
    fprintf(stderr, "bench-list2: %s: %s\n", what, strerror(-r));
    exit(1);
}

static unsigned long
parse_count(const char *text, const char *what)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(text, &end, 10);
    if (errno || *end || end == text || v == 0) {
        fprintf(stderr, "bench-list2: invalid %s '%s'\n", what, text);
        exit(2);
    }
    return v;
}

struct create_job {
    rados_ioctx_t io;
    size_t n;
    atomic_size_t next;
    atomic_int error;
};

/* Worker: create images bench-NNNNN until the counter passes n. */
static void *
create_worker(void *arg)
{
    struct create_job *job = arg;
    rbd_image_options_t opts;
    size_t i;

    rbd_image_options_create(&opts);
    rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_FORMAT, 2);
    rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_FEATURES,
                                 IMAGE_FEATURES);
    rbd_image_options_set_uint64(opts, RBD_IMAGE_OPTION_ORDER, 22);
    while (!atomic_load(&job->error) &&
           (i = atomic_fetch_add(&job->next, 1)) < job->n) {
        char name[32];
        int r;

        snprintf(name, sizeof(name), "bench-%05zu", i);
        r = rbd_create4(job->io, name, IMAGE_SIZE, opts);
        /* a rerun on a half-filled pool just carries on */
        if (r < 0 && r != -EEXIST) {
            fprintf(stderr, "bench-list2: create %s: %s\n", name, strerror(-r));
            atomic_store(&job->error, r);
        }
    }
    rbd_image_options_destroy(opts);
    return NULL;
}

static int
create_images(rados_ioctx_t io, size_t n, unsigned jobs)
{
    struct create_job job = {.io = io, .n = n};
    pthread_t *threads;
    double t0 = now_ms();

    atomic_init(&job.next, 0);
    atomic_init(&job.error, 0);
    if (jobs > n)
        jobs = (unsigned)n;
    threads = calloc(jobs, sizeof(*threads));
    if (!threads)
        abort();
    for (unsigned t = 0; t < jobs; t++)
        if (pthread_create(&threads[t], NULL, create_worker, &job) != 0)
            abort();
    for (unsigned t = 0; t < jobs; t++)
        pthread_join(threads[t], NULL);
    free(threads);
    if (atomic_load(&job.error))
        return 1;
    printf("created %zu images in %.1f s (%u threads)\n", n,
           (now_ms() - t0) / 1e3, jobs);
    return 0;
}

/*
 * List the pool, growing and retrying as librbd asks (a call that returns
 * -ERANGE has listed everything already); returns the count, and in *calls
 * how many rbd_list2 calls it took.
 */
static size_t
list_once(rados_ioctx_t io, size_t *cap, rbd_image_spec_t **specs,
          unsigned *calls)
{
    size_t max;
    int r;

    for (*calls = 1;; (*calls)++) {
        max = *cap;
        r = rbd_list2(io, *specs, &max);
        if (r != -ERANGE)
            break;
        *cap = max;
        *specs = realloc(*specs, *cap * sizeof(**specs));
        if (!*specs)
            abort();
    }
    if (r < 0)
        die_ceph("rbd_list2", r);
    rbd_image_spec_list_cleanup(*specs, max);
    return max;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"create", required_argument, NULL, 'c'},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *conf, *keyring, *pool;
    unsigned long create = 0, jobs = 32, rounds = 1;
    rbd_image_spec_t *specs;
    size_t cap = 1024;
    rados_t cluster;
    rados_ioctx_t io;
    double t0;
    int c, r, rc = 0;

    while ((c = getopt_long(argc, argv, "c:j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            create = parse_count(optarg, "--create");
            break;
        case 'j':
            jobs = parse_count(optarg, "--jobs");
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (argc - optind < 3 || argc - optind > 4 ||
        (create && argc - optind != 3)) {
        fputs(usage, stderr);
        return 2;
    }
    conf = argv[optind];
    keyring = argv[optind + 1];
    pool = argv[optind + 2];
    if (argc - optind == 4)
        rounds = parse_count(argv[optind + 3], "ROUNDS");

    /* the same settings virt-rbd uses: only this conf, bounded waits */
    t0 = now_ms();
    if ((r = rados_create(&cluster, NULL)) < 0)
        die_ceph("rados_create", r);
    if ((r = rados_conf_read_file(cluster, conf)) < 0)
        die_ceph(conf, r);
    if ((r = rados_conf_set(cluster, "keyring", keyring)) < 0 ||
        (r = rados_conf_set(cluster, "client_mount_timeout", "30")) < 0 ||
        (r = rados_conf_set(cluster, "rados_mon_op_timeout", "30")) < 0 ||
        (r = rados_conf_set(cluster, "rados_osd_op_timeout", "30")) < 0 ||
        (r = rados_conf_set(cluster, "admin_socket", "")) < 0)
        die_ceph("rados_conf_set", r);
    if ((r = rados_connect(cluster)) < 0)
        die_ceph("rados_connect", r);
    if ((r = rados_ioctx_create(cluster, pool, &io)) < 0)
        die_ceph(pool, r);
    printf("connect %.3f ms\n", now_ms() - t0);

    if (create) {
        rc = create_images(io, create, (unsigned)jobs);
    } else {
        specs = malloc(cap * sizeof(*specs));
        if (!specs)
            abort();
        for (unsigned long i = 0; i < rounds; i++) {
            unsigned calls;
            size_t n;

            t0 = now_ms();
            n = list_once(io, &cap, &specs, &calls);
            printf("rbd_list2 %.3f ms %zu images %u calls\n", now_ms() - t0, n,
                   calls);
        }
        free(specs);
    }
    rados_ioctx_destroy(io);
    rados_shutdown(cluster);
    return rc;
}
