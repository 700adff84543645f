/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-lab.c: the lab itself, through libvrbd: each Ceph cluster answers
 * with timeouts set, bad credentials and dead monitors fail the way they
 * should, libvirt answers, and the tiny guest boots from a local raw file
 * and leaves its marker.  Needs `eval "$(scripts/lab env)"`; without a lab
 * every test is skipped, never passed.
 */
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "harness.h"
#include "internal.h"

#define NO_LAB "no lab: run scripts/lab up and eval \"$(scripts/lab env)\""

static char *
lab_var(const char *cluster, const char *what)
{
    CLEANUP_FREE char *upper = xstrdup(cluster);

    for (char *p = upper; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    {
        CLEANUP_FREE char *name = xasprintf("VRBD_LAB_%s_%s", upper, what);
        const char *v = getenv(name);

        return v ? xstrdup(v) : NULL;
    }
}

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Call @fn for each lab cluster; false when there is no lab. */
static bool
each_cluster(void (*fn)(const char *cluster))
{
    const char *list = getenv("VRBD_LAB_CLUSTERS");
    CLEANUP_FREE char *copy = NULL;
    char *save = NULL, *c;

    if (!list || !*list)
        return false;
    copy = xstrdup(list);
    for (c = strtok_r(copy, " ", &save); c; c = strtok_r(NULL, " ", &save))
        fn(c);
    return true;
}

static void
check_cluster(const char *name)
{
    CLEANUP_FREE char *conf = lab_var(name, "CONF");
    CLEANUP_FREE char *keyring = lab_var(name, "KEYRING");
    CLEANUP_FREE char *fsid = lab_var(name, "FSID");
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .name = name,
                              .conf_path = conf,
                              .keyring = keyring,
                              .timeout_sec = 10};
    vrbd_cluster *cl = NULL;
    vrbd_cluster_status *st = NULL;

    if (vrbd_cluster_connect(&opts, &cl) < 0) {
        printf("# %s: %s\n", name, vrbd_error_last()->message);
        harness_cur_failed = true;
        return;
    }
    CHECK_STR(vrbd_cluster_fsid(cl), fsid);
    CHECK(vrbd_cluster_status_get(cl, &st) == 0);
    if (st) {
        printf("# %s: fsid %s %s, %u/%u OSDs up, %u/%u PGs active+clean\n",
               name, st->fsid, st->health, st->osds_up, st->osds,
               st->pgs_active_clean, st->pgs);
        CHECK_STR(st->fsid, fsid);
        CHECK(st->osds == 3 && st->osds_up == 3 && st->osds_in == 3);
        CHECK(st->n_mon_addrs == 1);
        CHECK(st->pgs > 0);
        CHECK(strncmp(st->health, "HEALTH_", 7) == 0);
    }
    vrbd_cluster_status_free(st);
    vrbd_cluster_free(cl);
}

TEST(each_lab_cluster_connects_and_reports_fsid_and_health)
{
    if (!each_cluster(check_cluster))
        SKIP(NO_LAB);
}

static void
check_mon_host_only(const char *name)
{
    CLEANUP_FREE char *mon = lab_var(name, "MON_HOST");
    CLEANUP_FREE char *keyring = lab_var(name, "KEYRING");
    CLEANUP_FREE char *fsid = lab_var(name, "FSID");
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .name = name,
                              .mon_host = mon,
                              .keyring = keyring,
                              .timeout_sec = 10};
    vrbd_cluster *cl = NULL;

    CHECK(vrbd_cluster_connect(&opts, &cl) == 0);
    if (cl)
        CHECK_STR(vrbd_cluster_fsid(cl), fsid);
    vrbd_cluster_free(cl);
}

TEST(mon_host_and_keyring_alone_connect_without_a_conf)
{
    if (!each_cluster(check_mon_host_only))
        SKIP(NO_LAB);
}

static void
check_wrong_key(const char *name)
{
    CLEANUP_FREE char *mon = lab_var(name, "MON_HOST");
    char path[] = "/tmp/vrbd-test-wrongkey-XXXXXX";
    int fd = mkstemp(path);
    static const char bad[] =
        "[client.admin]\n\tkey = AQDpZwVrJu9MLRAAjq1LMmBIsmqhCzQjztzsWQ==\n";
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .name = name,
                              .mon_host = mon,
                              .keyring = path,
                              .timeout_sec = 10};
    vrbd_cluster *cl = NULL;
    double t0 = now();

    REQUIRE(fd >= 0 && write(fd, bad, sizeof(bad) - 1) > 0);
    close(fd);
    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    printf("# %s: %s (%.1f s)\n", name, vrbd_error_last()->message, now() - t0);
    CHECK(vrbd_error_last()->code == VRBD_ERR_PERMISSION);
    CHECK(vrbd_error_last()->hint != NULL);
    /* the key itself never appears in what we say */
    CHECK(!strstr(vrbd_error_last()->message, "AQDp"));
    unlink(path);
}

TEST(a_wrong_key_is_refused_as_permission)
{
    if (!each_cluster(check_wrong_key))
        SKIP(NO_LAB);
}

TEST(a_dead_monitor_times_out_within_the_timeout)
{
    const char *list = getenv("VRBD_LAB_CLUSTERS");
    CLEANUP_FREE char *first = NULL;
    CLEANUP_FREE char *keyring = NULL;
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .name = "dead",
                              .mon_host = "127.0.0.1:9",
                              .timeout_sec = 2};
    vrbd_cluster *cl = NULL;
    double t0;

    if (!list || !*list)
        SKIP(NO_LAB);
    first = xstrndup(list, strcspn(list, " "));
    keyring = lab_var(first, "KEYRING");
    opts.keyring = keyring;
    t0 = now();
    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_TIMEOUT);
    CHECK(now() - t0 < 10);
}

TEST(libvirt_answers_and_lists_a_pool_we_create)
{
    const char *uri = getenv("VRBD_LAB_LIBVIRT_URI");
    char dir[] = "/tmp/vrbd-test-pool-XXXXXX";
    CLEANUP_FREE char *name = NULL;
    CLEANUP_FREE char *xml = NULL;
    vrbd_host *host = NULL;
    vrbd_host_pool *pools = NULL;
    size_t n = 0, i;
    virConnectPtr conn;
    virStoragePoolPtr pool;
    bool found = false;

    if (!uri)
        SKIP(NO_LAB);
    REQUIRE(mkdtemp(dir) != NULL);
    name = xasprintf("vrbdtest-%d", (int)getpid());
    xml = xasprintf("<pool type='dir'><name>%s</name><target><path>%s"
                    "</path></target></pool>",
                    name, dir);
    conn = virConnectOpen(uri);
    REQUIRE(conn != NULL);
    pool = virStoragePoolCreateXML(conn, xml, 0);
    CHECK(pool != NULL);

    CHECK(vrbd_host_open(uri, &host) == 0);
    if (host) {
        CHECK(vrbd_host_pool_list(host, &pools, &n) == 0);
        for (i = 0; i < n; i++)
            if (strcmp(pools[i].name, name) == 0) {
                found = true;
                CHECK_STR(pools[i].type, "dir");
                CHECK(pools[i].active);
                CHECK(!pools[i].persistent);
            }
        CHECK(found);
    }
    vrbd_host_pool_list_free(pools, n);
    vrbd_host_free(host);
    if (pool) {
        virStoragePoolDestroy(pool);
        virStoragePoolFree(pool);
    }
    virConnectClose(conn);
    rmdir(dir);
}

TEST(libvirt_errors_become_vrbd_errors)
{
    vrbd_host *host = NULL;

    if (!getenv("VRBD_LAB_LIBVIRT_URI"))
        SKIP(NO_LAB);
    CHECK(vrbd_host_open("test+unix:///nowhere?socket=/nonexistent", &host) ==
          -1);
    CHECK(host == NULL);
    CHECK(vrbd_error_last()->code != VRBD_ERR_OK);
    CHECK(strstr(vrbd_error_last()->message, "cannot connect to libvirt"));
}

TEST(tiny_guest_boots_from_a_raw_file_and_writes_its_marker)
{
    const char *uri = getenv("VRBD_LAB_LIBVIRT_URI");
    const char *gdir = getenv("VRBD_LAB_GUEST_DIR");
    char tmp[] = "/tmp/vrbd-test-guest-XXXXXX";
    CLEANUP_FREE char *disk = NULL;
    CLEANUP_FREE char *kernel = NULL;
    CLEANUP_FREE char *initrd = NULL;
    CLEANUP_FREE char *cmdline = NULL;
    CLEANUP_FREE char *console = NULL;
    CLEANUP_FREE char *name = NULL;
    CLEANUP_FREE char *xml = NULL;
    CLEANUP_FREE char *want = NULL;
    char head[513] = "";
    virConnectPtr conn;
    virDomainPtr dom;
    int fd;
    double t0;

    if (!uri || !gdir)
        SKIP(NO_LAB " (and scripts/lab guest)");
    REQUIRE(mkdtemp(tmp) != NULL);
    disk = xasprintf("%s/disk.raw", tmp);
    console = xasprintf("%s/console.log", tmp);
    kernel = xasprintf("%s/vmlinuz", gdir);
    initrd = xasprintf("%s/initrd.img", gdir);
    name = xasprintf("vrbdtest-guest-%d", (int)getpid());
    cmdline = xasprintf("console=ttyS0 quiet panic=-1 marker=%s", name);

    fd = open(disk, O_CREAT | O_RDWR | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    CHECK(ftruncate(fd, 64 << 20) == 0);
    CHECK(pwrite(fd, "HELLO-FROM-HOST", 15, 8 * 512) == 15);
    close(fd);

    {
        vrbd_disk_spec d = {.kind = VRBD_DISK_FILE, .path = disk};
        vrbd_domain_spec spec = {.name = name,
                                 .kernel = kernel,
                                 .initrd = initrd,
                                 .cmdline = cmdline,
                                 .serial_log = console,
                                 .destroy_on_poweroff = true,
                                 .disks = &d,
                                 .n_disks = 1};

        xml = vrbd_domain_build_xml(&spec);
    }
    REQUIRE(xml != NULL);
    conn = virConnectOpen(uri);
    REQUIRE(conn != NULL);
    t0 = now();
    dom = virDomainCreateXML(conn, xml, 0);
    CHECK(dom != NULL);
    if (dom) {
        /* on_poweroff=destroy: the transient domain vanishes when done */
        while (now() - t0 < 180) {
            virDomainPtr d = virDomainLookupByName(conn, name);

            if (!d)
                break;
            virDomainFree(d);
            usleep(200 * 1000);
        }
        if (now() - t0 >= 180) {
            printf("# guest still running after 180 s: destroying it\n");
            virDomainDestroy(dom);
            harness_cur_failed = true;
        }
        virDomainFree(dom);
        printf("# guest booted, wrote, powered off in %.1f s\n", now() - t0);
    }
    virConnectClose(conn);

    fd = open(disk, O_RDONLY);
    REQUIRE(fd >= 0);
    CHECK(pread(fd, head, 512, 0) == 512);
    close(fd);
    want = xasprintf("nonce=%s read=[HELLO-FROM-HOST]", name);
    if (!strstr(head, want)) {
        printf("# marker missing; disk starts with '%.80s'\n", head);
        harness_cur_failed = true;
    }
    unlink(disk);
    unlink(console);
    rmdir(tmp);
}

int
main(void)
{
    RUN(each_lab_cluster_connects_and_reports_fsid_and_health);
    RUN(mon_host_and_keyring_alone_connect_without_a_conf);
    RUN(a_wrong_key_is_refused_as_permission);
    RUN(a_dead_monitor_times_out_within_the_timeout);
    RUN(libvirt_answers_and_lists_a_pool_we_create);
    RUN(libvirt_errors_become_vrbd_errors);
    RUN(tiny_guest_boots_from_a_raw_file_and_writes_its_marker);
    return harness_done();
}
