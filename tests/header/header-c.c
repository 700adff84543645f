/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * header-c.c: vrbd.h alone, as a program outside the tree sees it.  Built
 * as C99 with -pedantic-errors (and, as header-cxx.cc, as C++11), linked
 * against the shared library through its pkg-config file by
 * tests/header/pkgconfig.sh: the header needs nothing but itself, and
 * the error and options conventions it states hold.  No test harness: it
 * would bring headers of its own.
 */
#include "vrbd.h"

#include <stdio.h>
#include <string.h>

static int n_test;
static int n_failed;

static void
check(int ok, const char *what)
{
    n_test++;
    n_failed += !ok;
    printf("%sok %d - %s\n", ok ? "" : "not ", n_test, what);
}

int
main(void)
{
    vrbd_spec spec;
    const vrbd_error *e;
    vrbd_cluster_opts opts;
    vrbd_cluster *cl = NULL;

    check(vrbd_version() != NULL && strlen(vrbd_version()) > 0,
          "vrbd_version() names a version");
    check(strcmp(vrbd_error_code_name(VRBD_ERR_NOT_FOUND), "not-found") == 0,
          "error codes have their stable names");
    /* a failure sets the last error */
    check(vrbd_spec_parse("no spaces/in names", VRBD_SPEC_IMAGE, &spec) == -1,
          "a bad spec is refused");
    e = vrbd_error_last();
    check(e->code == VRBD_ERR_INVALID && strlen(e->message) > 0,
          "the failure set the last error");
    /* a success says nothing about it: it is meaningful only right after
     * a failure, as vrbd.h says */
    check(vrbd_spec_parse("pool/image", VRBD_SPEC_IMAGE, &spec) == 0,
          "a good spec is parsed");
    vrbd_spec_clear(&spec);
    e = vrbd_error_last();
    check(e->code == VRBD_ERR_INVALID,
          "a success leaves the last error as it was");
    vrbd_error_clear();
    e = vrbd_error_last();
    check(e->code == VRBD_ERR_OK && strcmp(e->message, "") == 0,
          "vrbd_error_clear() forgets it");
    /* options carry the version of the header they were built with */
    memset(&opts, 0, sizeof(opts));
    check(vrbd_cluster_connect(&opts, &cl) == -1 && cl == NULL &&
              vrbd_error_last()->code == VRBD_ERR_INVALID,
          "options without a version are refused");
    opts.version = VRBD_CLUSTER_OPTS_VERSION + 1;
    check(vrbd_cluster_connect(&opts, &cl) == -1 &&
              vrbd_error_last()->code == VRBD_ERR_INVALID,
          "options of a newer version are refused");
    printf("1..%d\n", n_test);
    return n_failed != 0;
}
