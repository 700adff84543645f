/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-spec.c: what the object-name parser accepts and refuses, as a golden
 * file (tests/unit/data/spec.golden): one line per case with the parsed
 * parts or the error.  VRBD_REGENERATE=1 rewrites it; review the diff.
 */
#include "harness.h"
#include "internal.h"

#define IMG (VRBD_SPEC_IMAGE)
#define IMG_SNAP (VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_OK)
#define SNAP (VRBD_SPEC_IMAGE | VRBD_SPEC_SNAP_NEED)
#define POOL (VRBD_SPEC_POOL)
#define POOL_CL (VRBD_SPEC_POOL | VRBD_SPEC_CLUSTER_ONLY)

static const struct {
    const char *flags_name;
    unsigned flags;
    const char *text;
} cases[] = {
    {"image", IMG, "rbd/vm1"},
    {"image", IMG, "ceph:libvirt-pool/vm1"},
    {"image", IMG, "zdata:rbd/tenant-a/vm1.disk0"},
    {"image", IMG, "rbd/vm1@snap"},
    {"image", IMG, "rbd"},
    {"image", IMG, "rbd/"},
    {"image", IMG, "/vm1"},
    {"image", IMG, "a/b/c/d"},
    {"image", IMG, "my pool/vm1"},
    {"image", IMG, "rbd/vm 1"},
    {"image", IMG, "bad!cluster:rbd/vm1"},
    {"image", IMG, ":rbd/vm1"},
    {"image", IMG, "ceph:"},
    {"image", IMG, ""},
    {"image", IMG, "./vm1"},
    {"image", IMG, "rbd/vm1:x"},
    {"image+snap", IMG_SNAP, "rbd/vm1@base"},
    {"image+snap", IMG_SNAP, "rbd/vm1"},
    {"image+snap", IMG_SNAP, "rbd/vm1@"},
    {"image+snap", IMG_SNAP, "rbd@s"},
    {"image+snap", IMG_SNAP, "rbd/vm1@a@b"},
    {"snap", SNAP, "zdata:rbd/ns/golden@v1"},
    {"snap", SNAP, "rbd/golden"},
    {"pool", POOL, "libvirt-pool"},
    {"pool", POOL, "zdata:libvirt-pool"},
    {"pool", POOL, "rbd/tenant"},
    {"pool", POOL, "rbd/tenant/vm1"},
    {"pool", POOL, "rbd/x@s"},
    {"pool", POOL, "zdata:"},
    {"pool", POOL, "pool/with/slashes/and/more"},
    {"pool+cluster", POOL_CL, "zdata:"},
    {"pool+cluster", POOL_CL, "zdata:rbd"},
    {"pool", POOL, "a-very-long-cluster-name-over-32-chars:rbd"},
};

static char *
describe(unsigned flags, const char *text)
{
    vrbd_spec s;

    if (vrbd_spec_parse(text, flags, &s) < 0)
        return xasprintf("error: %s", vrbd_error_last()->message);
    {
        CLEANUP_FREE char *canon = vrbd_spec_format(&s);
        char *res =
            xasprintf("cluster=%s pool=%s ns=%s image=%s snap=%s canonical=%s",
                      s.cluster ? s.cluster : "-", s.pool ? s.pool : "-",
                      s.nspace ? s.nspace : "-", s.image ? s.image : "-",
                      s.snap ? s.snap : "-", canon);

        vrbd_spec_clear(&s);
        return res;
    }
}

static const char *golden_path;

TEST(accepted_and_refused_names_match_the_golden_file)
{
    CLEANUP_FREE char *got = xstrdup("");
    CLEANUP_FREE char *want = NULL;
    size_t len = 0;
    FILE *f;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CLEANUP_FREE char *d = describe(cases[i].flags, cases[i].text);
        char *next = xasprintf("%s%-12s '%s' => %s\n", got, cases[i].flags_name,
                               cases[i].text, d);

        free(got);
        got = next;
    }
    if (getenv("VRBD_REGENERATE")) {
        f = fopen(golden_path, "w");
        REQUIRE(f != NULL);
        fputs(got, f);
        fclose(f);
        return;
    }
    f = fopen(golden_path, "r");
    REQUIRE(f != NULL);
    if (getdelim(&want, &len, '\0', f) < 0)
        want = xstrdup("");
    fclose(f);
    if (strcmp(got, want) != 0) {
        printf("# differs from %s; got:\n%s", golden_path, got);
        harness_cur_failed = true;
    }
}

TEST(canonical_text_parses_back_to_the_same_parts)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vrbd_spec a, b;
        CLEANUP_FREE char *canon = NULL;

        if (vrbd_spec_parse(cases[i].text, cases[i].flags, &a) < 0)
            continue;
        canon = vrbd_spec_format(&a);
        CHECK(vrbd_spec_parse(canon, cases[i].flags, &b) == 0);
        {
            CLEANUP_FREE char *again = vrbd_spec_format(&b);

            CHECK_STR(again, canon);
        }
        vrbd_spec_clear(&a);
        vrbd_spec_clear(&b);
    }
}

TEST(a_refusal_leaves_the_output_untouched)
{
    vrbd_spec s = {.pool = (char *)"sentinel"};

    CHECK(vrbd_spec_parse("bad pool/x", IMG, &s) == -1);
    CHECK_STR(s.pool, "sentinel");
    CHECK(vrbd_error_last()->code == VRBD_ERR_INVALID);
}

int
main(int argc, char **argv)
{
    golden_path = argc > 1 ? argv[1] : TEST_SRCDIR "/unit/data/spec.golden";
    RUN(accepted_and_refused_names_match_the_golden_file);
    RUN(canonical_text_parses_back_to_the_same_parts);
    RUN(a_refusal_leaves_the_output_untouched);
    return harness_done();
}
