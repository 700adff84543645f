/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * header.c: decoding the replies of the RBD header object's class methods
 * and the object map (see header.h).  The layouts follow Ceph's encoders
 * (src/cls/rbd/cls_rbd.cc, cls_rbd_types.cc, src/cls/lock/cls_lock_*.h,
 * src/common/bit_vector.hpp, msg/msg_types.h); a reply that does not
 * match them is refused, never guessed at.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "header.h"
#include "xalloc.h"

/* A read cursor over a reply; any read past the end sets bad and yields
 * zeros, so a decoder checks once at its end */
typedef struct {
    const unsigned char *p;
    size_t left;
    bool bad;
} dec;

static dec
dec_init(const char *buf, size_t len)
{
    return (dec){(const unsigned char *)buf, buf ? len : 0, false};
}

static const unsigned char *
take(dec *d, size_t n)
{
    const unsigned char *p = d->p;

    if (d->bad || n > d->left) {
        d->bad = true;
        return NULL;
    }
    d->p += n;
    d->left -= n;
    return p;
}

static uint64_t
get_le(dec *d, size_t n)
{
    const unsigned char *p = take(d, n);
    uint64_t v = 0;

    for (size_t i = 0; p && i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint8_t
get8(dec *d)
{
    return (uint8_t)get_le(d, 1);
}

static uint32_t
get32(dec *d)
{
    return (uint32_t)get_le(d, 4);
}

static uint64_t
get64(dec *d)
{
    return get_le(d, 8);
}

/* A string (u32 length, bytes), malloc'd and cut at any NUL */
static char *
get_str(dec *d)
{
    uint32_t n = get32(d);
    const unsigned char *p = take(d, n);

    return p ? xstrndup((const char *)p, n) : NULL;
}

/* A string's bytes, borrowed */
static const unsigned char *
get_raw_str(dec *d, uint32_t *n)
{
    *n = get32(d);
    return take(d, *n);
}

/*
 * ENCODE_START: u8 version, u8 oldest version that can read it, u32
 * length.  @inner becomes a cursor over the struct, @d moves past it.
 * A struct that a reader of version @known cannot read (compat above it)
 * is refused: it is not what this code was written against.
 */
static bool
struct_start(dec *d, unsigned known, dec *inner)
{
    uint8_t compat, v = get8(d);
    uint32_t len;
    const unsigned char *p;

    (void)v;
    compat = get8(d);
    len = get32(d);
    p = take(d, len);
    if (!p || compat > known) {
        d->bad = true;
        return false;
    }
    *inner = (dec){p, len, false};
    return true;
}

/* the whole reply read, nothing left over */
static int
done(const dec *d)
{
    return d->bad || d->left ? -1 : 0;
}

int
vrbd_header_size(const char *buf, size_t len, int *order, uint64_t *size)
{
    dec d = dec_init(buf, len);
    uint8_t o = get8(&d);
    uint64_t s = get64(&d);

    if (done(&d) < 0 || o < 12 || o > 25)
        return -1;
    *order = o;
    *size = s;
    return 0;
}

int
vrbd_header_u64(const char *buf, size_t len, uint64_t *v)
{
    dec d = dec_init(buf, len);
    uint64_t x = get64(&d);

    if (d.bad)
        return -1;
    *v = x;
    return 0;
}

int
vrbd_header_snaps(const char *buf, size_t len, uint64_t **ids, size_t *n)
{
    dec d = dec_init(buf, len);
    uint32_t count;
    uint64_t *v = NULL;

    get64(&d); /* snap_seq */
    count = get32(&d);
    /* each id is 8 bytes: a count the reply cannot hold is refused
     * before anything is allocated for it */
    if (d.bad || count > d.left / 8)
        return -1;
    if (count)
        v = xcalloc(count, sizeof(*v));
    for (uint32_t i = 0; i < count; i++)
        v[i] = get64(&d);
    if (done(&d) < 0) {
        free(v);
        return -1;
    }
    *ids = v;
    *n = count;
    return 0;
}

int
vrbd_header_protected(const char *buf, size_t len, bool *prot)
{
    dec d = dec_init(buf, len);
    uint8_t s = get8(&d);

    /* RBD_PROTECTION_STATUS_UNPROTECTED (0), _UNPROTECTING (1),
     * _PROTECTED (2) */
    if (done(&d) < 0 || s > 2)
        return -1;
    *prot = s == 2;
    return 0;
}

void
vrbd_header_parent_clear(vrbd_header_parent *p)
{
    free(p->pool_namespace);
    free(p->image_id);
    p->pool_namespace = p->image_id = NULL;
}

int
vrbd_header_parent_get(const char *buf, size_t len, vrbd_header_parent *p)
{
    dec d = dec_init(buf, len), s;
    vrbd_header_parent r = {0};

    if (!struct_start(&d, 1, &s))
        return -1;
    r.pool_id = (int64_t)get64(&s);
    r.pool_namespace = get_str(&s);
    r.image_id = get_str(&s);
    r.snap_id = get64(&s);
    /* a newer version may append fields: the length skips them */
    if (s.bad || done(&d) < 0) {
        vrbd_header_parent_clear(&r);
        return -1;
    }
    *p = r;
    return 0;
}

int
vrbd_header_overlap(const char *buf, size_t len, bool *has, uint64_t *overlap)
{
    dec d = dec_init(buf, len);
    uint8_t present = get8(&d);
    uint64_t v = present ? get64(&d) : 0;

    if (done(&d) < 0 || present > 1)
        return -1;
    *has = present;
    *overlap = v;
    return 0;
}

int
vrbd_header_string(const char *buf, size_t len, char **s)
{
    dec d = dec_init(buf, len);
    char *v = get_str(&d);

    if (done(&d) < 0) {
        free(v);
        return -1;
    }
    *s = v;
    return 0;
}

/* "auto HANDLE": the cookie librbd's managed lock takes */
static bool
librbd_cookie(const unsigned char *c, uint32_t n)
{
    uint32_t i = 4;

    if (n < 6 || memcmp(c, "auto", 4) != 0)
        return false;
    if (c[i] != ' ' && c[i] != '\t')
        return false;
    while (i < n && (c[i] == ' ' || c[i] == '\t'))
        i++;
    if (i == n || c[i] < '0' || c[i] > '9')
        return false;
    while (i < n && c[i] >= '0' && c[i] <= '9')
        i++;
    return i == n;
}

/*
 * entity_addr_t as librbd prints a locker (get_legacy_str): "IP:PORT/NONCE",
 * IPv6 in brackets.  The OSD encodes it for this client: marker 1, then a
 * struct of type, nonce and the sockaddr (family little-endian, then the
 * port and address in network order).  The legacy form (marker 0) is not
 * sent to clients of this age: refused.
 */
static char *
get_addr(dec *d)
{
    dec a;
    uint32_t nonce, elen;
    uint16_t family;
    const unsigned char *sa;
    char ip[INET6_ADDRSTRLEN];
    uint16_t port;

    if (get8(d) != 1 || !struct_start(d, 1, &a))
        return NULL;
    get32(&a); /* type: legacy, msgr2, any: not printed */
    nonce = get32(&a);
    elen = get32(&a);
    if (a.bad || elen < 2)
        return NULL;
    family = (uint16_t)get_le(&a, 2);
    sa = take(&a, elen - 2);
    if (!sa)
        return NULL;
    if (family == AF_INET && elen - 2 >= 6) {
        port = (uint16_t)(sa[0] << 8 | sa[1]);
        if (!inet_ntop(AF_INET, sa + 2, ip, sizeof(ip)))
            return NULL;
        return xasprintf("%s:%u/%u", ip, port, nonce);
    }
    if (family == AF_INET6 && elen - 2 >= 22) {
        /* port, flowinfo (4), address (16) */
        port = (uint16_t)(sa[0] << 8 | sa[1]);
        if (!inet_ntop(AF_INET6, sa + 6, ip, sizeof(ip)))
            return NULL;
        return xasprintf("[%s]:%u/%u", ip, port, nonce);
    }
    return NULL;
}

int
vrbd_header_lock(const char *buf, size_t len, bool *locked, char **owner)
{
    dec d = dec_init(buf, len), r;
    uint32_t n, tag_len, cookie_len = 0;
    const unsigned char *tag, *cookie = NULL;
    CLEANUP_FREE char *addr = NULL;
    uint8_t type;

    if (!struct_start(&d, 1, &r))
        return -1;
    n = get32(&r);
    for (uint32_t i = 0; i < n && !r.bad; i++) {
        dec id, info;
        uint32_t clen;
        const unsigned char *c;

        /* locker_id_t: entity_name_t (u8 type, i64 num), cookie */
        if (!struct_start(&r, 1, &id) || !struct_start(&r, 1, &info))
            return -1;
        get8(&id);
        get64(&id);
        c = get_raw_str(&id, &clen);
        if (id.bad)
            return -1;
        /* locker_info_t: utime_t expiration, entity_addr_t, description;
         * only the first locker counts, as for librbd */
        if (i == 0) {
            cookie = c;
            cookie_len = clen;
            get32(&info);
            get32(&info);
            addr = get_addr(&info);
        }
    }
    type = get8(&r);
    tag = get_raw_str(&r, &tag_len);
    if (r.bad || done(&d) < 0)
        return -1;
    /* ClsLockType: 1 exclusive, 2 shared, 3 exclusive ephemeral */
    if (n == 0 || type == 2 || tag_len != 8 || memcmp(tag, "internal", 8) ||
        !librbd_cookie(cookie, cookie_len)) {
        *locked = false;
        *owner = NULL;
        return 0;
    }
    /* a locker librbd would name, at an address not decoded here */
    if (!addr)
        return -1;
    *locked = true;
    *owner = TAKE(addr);
    return 0;
}

uint64_t
vrbd_header_objmap_len(uint64_t size, int order)
{
    uint64_t os = 1ULL << order, objs = size / os + (size % os != 0);

    /* u32 header length, the header struct (6 + u64), 4 objects a byte */
    return 4 + 6 + 8 + (objs + 3) / 4;
}

int
vrbd_header_used(const char *buf, size_t len, uint64_t size, int order,
                 uint64_t *used)
{
    dec d = dec_init(buf, len), hb, h;
    uint64_t os, objs, elems, sum = 0;
    uint32_t hlen;
    const unsigned char *hp, *data;

    if (order < 12 || order > 25)
        return -1;
    os = 1ULL << order;
    objs = size / os + (size % os != 0);
    /* the header is a bufferlist (u32 length) holding a struct */
    hlen = get32(&d);
    hp = take(&d, hlen);
    if (!hp)
        return -1;
    hb = (dec){hp, hlen, false};
    if (!struct_start(&hb, 1, &h))
        return -1;
    elems = get64(&h);
    /* 4 objects a byte: a count the reply cannot hold is refused */
    if (h.bad || hb.left || elems / 4 > d.left)
        return -1;
    /* the data, then a footer of CRCs that is not needed to count */
    data = take(&d, (elems + 3) / 4);
    if (!data)
        return -1;
    /* librbd resizes a map that disagrees with the size in memory:
     * objects past its end do not exist */
    for (uint64_t i = 0; i < objs && i < elems; i++) {
        unsigned state = (data[i / 4] >> (2 * (3 - i % 4))) & 3;

        /* OBJECT_NONEXISTENT is 0; exists, pending, exists-clean count */
        if (state)
            sum += i == objs - 1 && size % os ? size % os : os;
    }
    *used = sum < size ? sum : size;
    return 0;
}

int
vrbd_header_trash_ids(const char *buf, size_t len, char ***ids)
{
    dec d = dec_init(buf, len);
    uint32_t n = get32(&d);
    char **v;

    /* each entry takes at least 4 + 6 bytes */
    if (d.bad || n > d.left / 10)
        return -1;
    v = xcalloc((size_t)n + 1, sizeof(char *));
    for (uint32_t i = 0; i < n && !d.bad; i++) {
        dec spec;

        v[i] = get_str(&d);
        /* TrashImageSpec: a struct whose length skips it */
        if (!struct_start(&d, 2, &spec))
            break;
    }
    if (done(&d) < 0) {
        vrbd_strv_free(v);
        return -1;
    }
    *ids = v;
    return 0;
}

static void
put_le(char *out, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(v >> (8 * i));
}

size_t
vrbd_header_enc_u64(char *out, size_t cap, uint64_t v)
{
    if (cap < 8)
        return 0;
    put_le(out, v, 8);
    return 8;
}

size_t
vrbd_header_enc_string(char *out, size_t cap, const char *s)
{
    size_t n = strlen(s);

    if (n > UINT32_MAX || cap < 4 || cap - 4 < n)
        return 0;
    put_le(out, n, 4);
    memcpy(out + 4, s, n);
    return 4 + n;
}

size_t
vrbd_header_enc_lock_info(char *out, size_t cap, const char *name)
{
    size_t n;

    /* cls_lock_get_info_op: ENCODE_START(1, 1), the lock's name */
    if (cap < 6)
        return 0;
    n = vrbd_header_enc_string(out + 6, cap - 6, name);
    if (!n)
        return 0;
    out[0] = 1;
    out[1] = 1;
    put_le(out + 2, n, 4);
    return 6 + n;
}

size_t
vrbd_header_enc_trash_list(char *out, size_t cap, const char *after,
                           uint64_t max)
{
    size_t n = vrbd_header_enc_string(out, cap, after);

    if (!n || cap - n < 8)
        return 0;
    put_le(out + n, max, 8);
    return n + 8;
}

char *
vrbd_header_put_u32(char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        *p++ = (char)((v >> (8 * i)) & 0xff);
    return p;
}

char *
vrbd_header_put_string(char *p, const char *s, size_t len)
{
    p = vrbd_header_put_u32(p, (uint32_t)len);
    memcpy(p, s, len);
    return p + len;
}
