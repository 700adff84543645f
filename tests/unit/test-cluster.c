/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-cluster.c: what vrbd_cluster_connect refuses before it talks to any
 * monitor.  No network is used: every case fails before rados_connect().
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"

static char dir[] = "/tmp/vrbd-test-cluster-XXXXXX";

static char *
write_file(const char *name, const char *text, mode_t mode)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    fputs(text, f);
    fclose(f);
    chmod(path, mode);
    return path;
}

static const char keyring_text[] =
    "[client.admin]\n\tkey = AQDpZwVrJu9MLRAAjq1LMmBIsmqhCzQjztzsWQ==\n";

TEST(no_monitor_address_is_refused_before_connecting)
{
    CLEANUP_FREE char *conf = write_file("nomon.conf", "[global]\n", 0600);
    CLEANUP_FREE char *kr = write_file("kr", keyring_text, 0600);
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .name = "lab",
                              .conf_path = conf,
                              .keyring = kr};
    vrbd_cluster *cl = NULL;

    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(cl == NULL);
    CHECK(vrbd_error_last()->code == VRBD_ERR_CONFIG);
    CHECK_STR(vrbd_error_last()->message,
              "no monitor address known for cluster 'lab'");
    CHECK(vrbd_error_last()->hint &&
          strstr(vrbd_error_last()->hint, "the mon_host option"));
}

/* Options whose version the caller did not set, or that come from a
 * newer vrbd.h than this library's, are refused before anything is read
 * (vrbd.h: every options struct begins with its version). */
TEST(options_of_an_unknown_version_are_refused)
{
    vrbd_cluster_opts opts = {.mon_host = "127.0.0.1:1"};
    vrbd_cluster *cl = NULL;

    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(cl == NULL);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
    CHECK_STR(vrbd_error_last()->message,
              "vrbd_cluster_opts without a version (0): the caller did not "
              "set it");
    CHECK(vrbd_error_last()->hint &&
          strstr(vrbd_error_last()->hint, "VRBD_CLUSTER_OPTS_VERSION"));
    opts.version = VRBD_CLUSTER_OPTS_VERSION + 1;
    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(cl == NULL);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
    CHECK(strstr(vrbd_error_last()->message,
                 "vrbd_cluster_opts of version 3 is newer than this libvrbd") ==
          vrbd_error_last()->message);
}

TEST(no_conf_and_no_mon_host_is_refused)
{
    CLEANUP_FREE char *kr = write_file("kr", keyring_text, 0600);
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .keyring = kr};
    vrbd_cluster *cl = NULL;

    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_CONFIG);
}

TEST(keyring_readable_by_others_is_refused_with_chmod_hint)
{
    CLEANUP_FREE char *kr = write_file("kr644", keyring_text, 0644);
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .mon_host = "127.0.0.1:1",
                              .keyring = kr};
    vrbd_cluster *cl = NULL;

    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_PERMISSION);
    CHECK(strstr(vrbd_error_last()->message, "mode 644") != NULL);
    CHECK(vrbd_error_last()->hint &&
          strstr(vrbd_error_last()->hint, "chmod 600") != NULL);
}

TEST(keyring_readable_by_group_is_refused)
{
    CLEANUP_FREE char *kr = write_file("kr640", keyring_text, 0640);
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .mon_host = "127.0.0.1:1",
                              .keyring = kr};
    vrbd_cluster *cl = NULL;

    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_PERMISSION);
}

TEST(missing_keyring_is_not_found)
{
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .mon_host = "127.0.0.1:1",
                              .keyring = "/nonexistent/keyring"};
    vrbd_cluster *cl = NULL;

    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_NOT_FOUND);
}

TEST(no_keyring_anywhere_is_a_config_error)
{
    CLEANUP_FREE char *conf = write_file(
        "kr.conf", "[global]\nmon_host = 127.0.0.1:1\nkeyring = /nope\n", 0600);
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .conf_path = conf,
                              .user = "client.libvirt"};
    vrbd_cluster *cl = NULL;

    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_CONFIG);
    CHECK_STR(vrbd_error_last()->message,
              "no keyring found for client.libvirt of cluster 'ceph'");
}

TEST(invalid_user_is_refused)
{
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .mon_host = "127.0.0.1:1",
                              .user = "a b"};
    vrbd_cluster *cl = NULL;

    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
}

TEST(unreadable_conf_is_named)
{
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .conf_path = "/nonexistent/ceph.conf"};
    vrbd_cluster *cl = NULL;

    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_NOT_FOUND);
    CHECK(strstr(vrbd_error_last()->message, "/nonexistent/ceph.conf"));
}

TEST(a_key_set_inline_in_the_conf_is_accepted)
{
    /* no keyring file at all: the key sits in the conf itself, so the
     * connection gets as far as the (dead) monitor and times out */
    CLEANUP_FREE char *conf =
        write_file("inline.conf",
                   "[global]\nmon_host = 127.0.0.1:9\nkeyring = /nonexistent\n"
                   "key = AQDpZwVrJu9MLRAAjq1LMmBIsmqhCzQjztzsWQ==\n",
                   0600);
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .conf_path = conf,
                              .timeout_sec = 1};
    vrbd_cluster *cl = NULL;

    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(vrbd_error_last()->code == VRBD_ERR_TIMEOUT);
}

static int n_warnings;
static char last_warning[1024];

static void
capture(vrbd_log_level level, const char *msg, void *opaque)
{
    if (level != VRBD_LOG_WARN)
        return;
    n_warnings++;
    snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

TEST(unknown_conf_options_are_named_once_and_not_fatal)
{
    /* "mon-host" is no option (librados wants mon_host or "mon host"):
     * the connection goes on to refuse the conf for its missing monitors,
     * which shows the unknown options did not stop it */
    CLEANUP_FREE char *conf =
        write_file("unknown.conf",
                   "[global]\nfoo_bar_unknown = 1\nmon host =\n"
                   "mgr/dashboard/ssl = false\n[client]\nmon-host = x\n"
                   "key = AQDpZwVrJu9MLRAAjq1LMmBIsmqhCzQjztzsWQ==\n",
                   0600);
    CLEANUP_FREE char *want =
        xasprintf("'%s' sets options librados does not know and ignores: "
                  "'foo_bar_unknown' (line 2), 'mon-host' (line 6); check the "
                  "spelling, or whether this Ceph release has them",
                  conf);
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .conf_path = conf};
    vrbd_cluster *cl = NULL;

    vrbd_log_set_handler(capture, VRBD_LOG_WARN, NULL);
    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK_STR(vrbd_error_last()->message,
              "no monitor address known for cluster 'ceph'");
    CHECK(n_warnings == 1);
    CHECK_STR(last_warning, want);
    /* a second connection in the same process says nothing new */
    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(n_warnings == 1);
    vrbd_log_set_handler(NULL, VRBD_LOG_ERROR, NULL);
}

TEST(a_conf_of_known_options_warns_nothing)
{
    CLEANUP_FREE char *conf = write_file(
        "known.conf", "[global]\nmon host =\nrados osd op timeout = 5\n", 0600);
    vrbd_cluster_opts opts = {.version = VRBD_CLUSTER_OPTS_VERSION,
                              .conf_path = conf};
    vrbd_cluster *cl = NULL;

    n_warnings = 0;
    vrbd_log_set_handler(capture, VRBD_LOG_WARN, NULL);
    CHECK(vrbd_cluster_connect(&opts, &cl) == -1);
    CHECK(n_warnings == 0);
    vrbd_log_set_handler(NULL, VRBD_LOG_ERROR, NULL);
}

int
main(void)
{
    int r;

    if (!mkdtemp(dir))
        return 99;
    RUN(no_monitor_address_is_refused_before_connecting);
    RUN(options_of_an_unknown_version_are_refused);
    RUN(no_conf_and_no_mon_host_is_refused);
    RUN(keyring_readable_by_others_is_refused_with_chmod_hint);
    RUN(keyring_readable_by_group_is_refused);
    RUN(missing_keyring_is_not_found);
    RUN(no_keyring_anywhere_is_a_config_error);
    RUN(invalid_user_is_refused);
    RUN(unreadable_conf_is_named);
    RUN(a_key_set_inline_in_the_conf_is_accepted);
    RUN(unknown_conf_options_are_named_once_and_not_fatal);
    RUN(a_conf_of_known_options_warns_nothing);
    r = harness_done();
    {
        CLEANUP_FREE char *cmd = xasprintf("rm -rf '%s'", dir);

        if (system(cmd) != 0)
            r = 1;
    }
    return r;
}
