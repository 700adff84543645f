/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-header.c: the decoders of lib/header.c on replies built here byte
 * by byte as Ceph encodes them: each field lands where it should, every
 * truncation is refused, a struct of a version this code cannot read is
 * refused (the listing then opens the image), and librbd's rules for who
 * holds the lock and which objects count as used are followed.
 */
#include <string.h>

#include "cleanup.h"
#include "harness.h"
#include "header.h"

/* a reply under construction */
typedef struct {
    char b[4096];
    size_t n;
} buf;

static void
put(buf *o, uint64_t v, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++)
        o->b[o->n++] = (char)(v >> (8 * i));
}

static void
put_str(buf *o, const char *s)
{
    put(o, strlen(s), 4);
    memcpy(o->b + o->n, s, strlen(s));
    o->n += strlen(s);
}

/* ENCODE_START(v, compat): returns where the length goes */
static size_t
start(buf *o, uint8_t v, uint8_t compat)
{
    put(o, v, 1);
    put(o, compat, 1);
    put(o, 0, 4);
    return o->n - 4;
}

static void
finish(buf *o, size_t at)
{
    uint32_t len = (uint32_t)(o->n - at - 4);

    for (int i = 0; i < 4; i++)
        o->b[at + i] = (char)(len >> (8 * i));
}

/* every proper prefix of @o must be refused by @dec */
#define CHECK_PREFIXES(o, call)                                                \
    do {                                                                       \
        for (size_t cut_ = 0; cut_ < (o).n; cut_++) {                          \
            size_t len = cut_;                                                 \
            const char *b = (o).b;                                             \
            if ((call) == 0) {                                                 \
                printf("# accepted a reply cut at %zu of %zu\n", cut_, (o).n); \
                harness_cur_failed = true;                                     \
                break;                                                         \
            }                                                                  \
        }                                                                      \
    } while (0)

TEST(test_size)
{
    buf o = {0};
    int order = 0;
    uint64_t size = 0;

    put(&o, 22, 1);
    put(&o, 10737418240ULL, 8);
    CHECK(vrbd_header_size(o.b, o.n, &order, &size) == 0);
    CHECK(order == 22);
    CHECK_U64(size, 10737418240ULL);
    CHECK_PREFIXES(o, vrbd_header_size(b, len, &order, &size));
    /* trailing bytes: not a get_size reply */
    put(&o, 0, 1);
    CHECK(vrbd_header_size(o.b, o.n, &order, &size) < 0);
    /* an order no image has */
    o.n = 0;
    put(&o, 40, 1);
    put(&o, 1, 8);
    CHECK(vrbd_header_size(o.b, o.n, &order, &size) < 0);
}

TEST(test_features_flags)
{
    buf o = {0};
    uint64_t v = 0;

    /* get_features: features, then incompatible ones (ignored) */
    put(&o, 61, 8);
    put(&o, 1, 8);
    CHECK(vrbd_header_u64(o.b, o.n, &v) == 0);
    CHECK_U64(v, 61);
    CHECK(vrbd_header_u64(o.b, 7, &v) < 0);
    CHECK(vrbd_header_u64(NULL, 0, &v) < 0);
}

TEST(test_snaps)
{
    buf o = {0};
    CLEANUP_FREE uint64_t *ids = NULL;
    uint64_t *junk = NULL;
    size_t n = 99;

    put(&o, 9, 8); /* seq */
    put(&o, 2, 4);
    put(&o, 7, 8);
    put(&o, 4, 8);
    REQUIRE(vrbd_header_snaps(o.b, o.n, &ids, &n) == 0);
    CHECK(n == 2);
    CHECK_U64(ids[0], 7);
    CHECK_U64(ids[1], 4);
    CHECK_PREFIXES(o, vrbd_header_snaps(b, len, &junk, &n));
    /* no snapshots: no array */
    o.n = 0;
    put(&o, 0, 8);
    put(&o, 0, 4);
    CHECK(vrbd_header_snaps(o.b, o.n, &junk, &n) == 0);
    CHECK(n == 0 && junk == NULL);
    /* a count the reply cannot hold is refused without allocating it */
    o.n = 0;
    put(&o, 0, 8);
    put(&o, 0xffffffff, 4);
    CHECK(vrbd_header_snaps(o.b, o.n, &junk, &n) < 0);
}

TEST(test_protected)
{
    bool p = true;

    CHECK(vrbd_header_protected("\0", 1, &p) == 0 && !p);
    CHECK(vrbd_header_protected("\1", 1, &p) == 0 && !p); /* unprotecting */
    CHECK(vrbd_header_protected("\2", 1, &p) == 0 && p);
    CHECK(vrbd_header_protected("\3", 1, &p) < 0);
    CHECK(vrbd_header_protected("", 0, &p) < 0);
}

TEST(test_parent)
{
    buf o = {0};
    vrbd_header_parent p = {0};
    size_t at = start(&o, 1, 1);

    put(&o, 3, 8);
    put_str(&o, "ns1");
    put_str(&o, "10ab");
    put(&o, 5, 8);
    finish(&o, at);
    REQUIRE(vrbd_header_parent_get(o.b, o.n, &p) == 0);
    CHECK(p.pool_id == 3);
    CHECK_STR(p.pool_namespace, "ns1");
    CHECK_STR(p.image_id, "10ab");
    CHECK_U64(p.snap_id, 5);
    vrbd_header_parent_clear(&p);
    CHECK_PREFIXES(o, vrbd_header_parent_get(b, len, &p));

    /* no parent: pool -1, empty strings, CEPH_NOSNAP */
    o.n = 0;
    at = start(&o, 1, 1);
    put(&o, (uint64_t)-1, 8);
    put_str(&o, "");
    put_str(&o, "");
    put(&o, VRBD_HEADER_NOSNAP, 8);
    finish(&o, at);
    REQUIRE(vrbd_header_parent_get(o.b, o.n, &p) == 0);
    CHECK(p.pool_id == -1);
    vrbd_header_parent_clear(&p);

    /* version 2 that version-1 readers can read: the tail is skipped */
    o.n = 0;
    at = start(&o, 2, 1);
    put(&o, 3, 8);
    put_str(&o, "");
    put_str(&o, "10ab");
    put(&o, 5, 8);
    put_str(&o, "a field from the future");
    finish(&o, at);
    REQUIRE(vrbd_header_parent_get(o.b, o.n, &p) == 0);
    CHECK_STR(p.image_id, "10ab");
    vrbd_header_parent_clear(&p);

    /* a version 1 readers cannot read: refused, not guessed at */
    o.b[1] = 2;
    CHECK(vrbd_header_parent_get(o.b, o.n, &p) < 0);
}

TEST(test_overlap)
{
    buf o = {0};
    bool has = true;
    uint64_t v = 1;

    put(&o, 0, 1);
    CHECK(vrbd_header_overlap(o.b, o.n, &has, &v) == 0 && !has && v == 0);
    o.n = 0;
    put(&o, 1, 1);
    put(&o, 1 << 20, 8);
    CHECK(vrbd_header_overlap(o.b, o.n, &has, &v) == 0 && has);
    CHECK_U64(v, 1 << 20);
    CHECK_PREFIXES(o, vrbd_header_overlap(b, len, &has, &v));
    o.b[0] = 2;
    CHECK(vrbd_header_overlap(o.b, o.n, &has, &v) < 0);
}

TEST(test_string)
{
    buf o = {0};
    char *s = NULL;

    put_str(&o, "rbd_data.10ab");
    REQUIRE(vrbd_header_string(o.b, o.n, &s) == 0);
    CHECK_STR(s, "rbd_data.10ab");
    free(s);
    CHECK_PREFIXES(o, vrbd_header_string(b, len, &s));
    /* an embedded NUL cuts it, as xstrndup(buf, len) did before */
    o.n = 0;
    put(&o, 3, 4);
    memcpy(o.b + o.n, "a\0b", 3);
    o.n += 3;
    REQUIRE(vrbd_header_string(o.b, o.n, &s) == 0);
    CHECK_STR(s, "a");
    free(s);
}

/* one locker of get_info's reply */
static void
put_locker(buf *o, const char *cookie, const unsigned char ip[4], uint16_t port,
           uint32_t nonce)
{
    size_t id = start(o, 1, 1), info, addr;

    put(o, 8, 1);    /* entity_name_t type: client */
    put(o, 4207, 8); /* num */
    put_str(o, cookie);
    finish(o, id);
    info = start(o, 1, 1);
    put(o, 0, 4); /* expiration */
    put(o, 0, 4);
    put(o, 1, 1); /* entity_addr_t marker: the msgr2-era encoding */
    addr = start(o, 1, 1);
    put(o, 1, 4); /* type legacy */
    put(o, nonce, 4);
    put(o, 16, 4);        /* sockaddr_in length */
    put(o, 2, 2);         /* AF_INET, little-endian */
    put(o, port >> 8, 1); /* port, network order */
    put(o, port & 0xff, 1);
    for (int i = 0; i < 4; i++)
        put(o, ip[i], 1);
    put(o, 0, 8);
    finish(o, addr);
    put_str(o, "");
    finish(o, info);
}

static void
lock_reply(buf *o, const char *cookie, uint8_t type, const char *tag)
{
    static const unsigned char lo[4] = {127, 0, 0, 1};
    size_t at;

    o->n = 0;
    at = start(o, 1, 1);
    put(o, cookie ? 1 : 0, 4);
    if (cookie)
        put_locker(o, cookie, lo, 0, 4061228745U);
    put(o, type, 1);
    put_str(o, tag);
    finish(o, at);
}

TEST(test_lock)
{
    buf o = {0};
    bool locked = false;
    char *owner = NULL;

    lock_reply(&o, "auto 139703743500672", 1, "internal");
    REQUIRE(vrbd_header_lock(o.b, o.n, &locked, &owner) == 0);
    CHECK(locked);
    CHECK_STR(owner, "127.0.0.1:0/4061228745");
    free(owner);
    owner = NULL;
    CHECK_PREFIXES(o, vrbd_header_lock(b, len, &locked, &owner));

    /* no locker: not locked */
    lock_reply(&o, NULL, 0, "");
    CHECK(vrbd_header_lock(o.b, o.n, &locked, &owner) == 0 && !locked &&
          !owner);
    /* a lock `rbd lock add` took: not librbd's tag nor its cookie */
    lock_reply(&o, "mylock", 1, "");
    CHECK(vrbd_header_lock(o.b, o.n, &locked, &owner) == 0 && !locked);
    lock_reply(&o, "auto 12", 1, "other");
    CHECK(vrbd_header_lock(o.b, o.n, &locked, &owner) == 0 && !locked);
    lock_reply(&o, "auto x12", 1, "internal");
    CHECK(vrbd_header_lock(o.b, o.n, &locked, &owner) == 0 && !locked);
    /* shared: librbd's lock owners are exclusive only */
    lock_reply(&o, "auto 12", 2, "internal");
    CHECK(vrbd_header_lock(o.b, o.n, &locked, &owner) == 0 && !locked);
    /* exclusive ephemeral counts */
    lock_reply(&o, "auto 12", 3, "internal");
    CHECK(vrbd_header_lock(o.b, o.n, &locked, &owner) == 0 && locked);
    free(owner);
}

/* an object map of @elems objects with @states (one per object) */
static void
objmap(buf *o, uint64_t elems, const unsigned char *states)
{
    size_t hl;

    o->n = 0;
    put(o, 14, 4);
    hl = start(o, 1, 1);
    put(o, elems, 8);
    finish(o, hl);
    for (uint64_t i = 0; i < (elems + 3) / 4; i++) {
        unsigned char byte = 0;

        /* the first object in the high bits */
        for (uint64_t k = 0; k < 4 && i * 4 + k < elems; k++)
            byte |= (unsigned char)(states[i * 4 + k] << (2 * (3 - k)));
        put(o, byte, 1);
    }
    /* a footer: header CRC and data CRCs, not checked */
    put(o, 12, 4);
    put(o, 0xdeadbeef, 4);
    put(o, 1, 4);
    put(o, 0x12345678, 4);
}

TEST(test_used)
{
    /* 4 MiB objects; image 18 MiB: 5 objects, the last one 2 MiB */
    const unsigned char st[5] = {1, 0, 3, 2, 1};
    buf o = {0};
    uint64_t used = 0;

    objmap(&o, 5, st);
    CHECK_U64(vrbd_header_objmap_len(18 << 20, 22), 18 + 2);
    REQUIRE(vrbd_header_used(o.b, o.n, 18 << 20, 22, &used) == 0);
    /* objects 0, 2, 3 (4 MiB each) and the short last one (2 MiB) */
    CHECK_U64(used, (3 * 4 + 2) << 20);
    /* read only up to the data's end, as the listing does */
    CHECK(vrbd_header_used(o.b, 18 + 2, 18 << 20, 22, &used) == 0);
    CHECK_U64(used, (3 * 4 + 2) << 20);
    CHECK(vrbd_header_used(o.b, 18 + 1, 18 << 20, 22, &used) < 0);
    /* a map longer than the image (shrunk): objects past it do not count */
    CHECK(vrbd_header_used(o.b, o.n, 5 << 20, 22, &used) == 0);
    CHECK_U64(used, 4 << 20);
    /* a map shorter than the image: the objects it lacks do not exist */
    CHECK(vrbd_header_used(o.b, o.n, 64 << 20, 22, &used) == 0);
    CHECK_U64(used, 16 << 20);
    /* empty */
    objmap(&o, 0, st);
    CHECK(vrbd_header_used(o.b, o.n, 0, 22, &used) == 0 && used == 0);
    /* a header of a version this code cannot read */
    objmap(&o, 5, st);
    o.b[5] = 2;
    CHECK(vrbd_header_used(o.b, o.n, 18 << 20, 22, &used) < 0);
    /* a count the reply cannot hold */
    objmap(&o, 5, st);
    o.b[10 + 7] = 0x7f;
    CHECK(vrbd_header_used(o.b, o.n, 18 << 20, 22, &used) < 0);
}

TEST(test_trash)
{
    buf o = {0};
    size_t at;
    char **ids = NULL;

    put(&o, 2, 4);
    put_str(&o, "10ab");
    at = start(&o, 2, 1);
    put(&o, 1, 1); /* source: removing */
    put_str(&o, "img");
    put(&o, 0, 8); /* deletion and deferment times */
    put(&o, 0, 8);
    put(&o, 0, 1);
    finish(&o, at);
    put_str(&o, "10cd");
    at = start(&o, 1, 1);
    put(&o, 0, 1);
    put_str(&o, "other");
    put(&o, 0, 8); /* deletion and deferment times */
    put(&o, 0, 8);
    finish(&o, at);
    REQUIRE(vrbd_header_trash_ids(o.b, o.n, &ids) == 0);
    CHECK_STR(ids[0], "10ab");
    CHECK_STR(ids[1], "10cd");
    CHECK(ids[2] == NULL);
    vrbd_strv_free(ids);
    CHECK_PREFIXES(o, vrbd_header_trash_ids(b, len, &ids));
}

TEST(test_encoders)
{
    char out[64];
    size_t n;

    CHECK(vrbd_header_enc_u64(out, sizeof(out), VRBD_HEADER_NOSNAP) == 8);
    CHECK(memcmp(out, "\xfe\xff\xff\xff\xff\xff\xff\xff", 8) == 0);
    CHECK(vrbd_header_enc_u64(out, 7, 1) == 0);
    n = vrbd_header_enc_string(out, sizeof(out), "key");
    CHECK(n == 7 && memcmp(out, "\3\0\0\0key", 7) == 0);
    CHECK(vrbd_header_enc_string(out, 6, "key") == 0);
    n = vrbd_header_enc_lock_info(out, sizeof(out), "rbd_lock");
    CHECK(n == 18 && memcmp(out, "\1\1\14\0\0\0\10\0\0\0rbd_lock", 18) == 0);
    CHECK(vrbd_header_enc_lock_info(out, 17, "rbd_lock") == 0);
    n = vrbd_header_enc_trash_list(out, sizeof(out), "", 256);
    CHECK(n == 12 && memcmp(out, "\0\0\0\0\0\1\0\0\0\0\0\0", 12) == 0);
}

int
main(void)
{
    RUN(test_size);
    RUN(test_features_flags);
    RUN(test_snaps);
    RUN(test_protected);
    RUN(test_parent);
    RUN(test_overlap);
    RUN(test_string);
    RUN(test_lock);
    RUN(test_used);
    RUN(test_trash);
    RUN(test_encoders);
    return harness_done();
}
