/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * delayline.c: bench-delayline, a fixed one-way delay for the packets an
 * iptables NFQUEUE rule hands it, for kernels without sch_netem.
 * bench/import runs it inside the network namespace it puts the clients
 * in, with the packets leaving and entering that namespace's veth on one
 * queue: DELAY_US each way, twice that per round trip.
 *
 * Every packet is held from the moment it is read off the queue until
 * DELAY_US later, then accepted.  The queue's packet ids rise in arrival
 * order and every packet waits the same time, so the ones due are always a
 * prefix of the queue: one batch verdict ("accept everything up to id N")
 * releases them, and packets keep their order.  A timed wait ends by the
 * time ppoll usually oversleeps (a running mean), so that packets are held
 * DELAY_US on average rather than DELAY_US plus the wake-up latency.  Only the
 * metadata is copied to user space (NFQNL_COPY_META), GSO packets arrive whole,
 * and a full queue lets packets through rather than drop them (FAIL_OPEN).
 *
 *   bench-delayline QUEUE DELAY_US
 *
 * Runs until SIGINT/SIGTERM, then lets the held packets go and prints how
 * many it delayed.  Needs CAP_NET_ADMIN in the namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RING 65536 /* packets held at once; the queue's own limit too */

struct held {
    uint32_t id;
    uint64_t due; /* CLOCK_MONOTONIC ns */
};

static struct held ring[RING];
static unsigned head, tail; /* ring[tail..head) are held */
static volatile sig_atomic_t stop;
static uint16_t queue;
/* how late ppoll wakes, on average (ns): waits end that much early */
static uint64_t early;

static uint64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Appends one attribute to the message in BUF. */
static void
put_attr(char *buf, uint16_t type, const void *data, uint16_t len)
{
    struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
    struct nlattr *a = (struct nlattr *)(buf + NLMSG_ALIGN(nlh->nlmsg_len));

    a->nla_type = type;
    a->nla_len = (uint16_t)(NLA_HDRLEN + len);
    memcpy((char *)a + NLA_HDRLEN, data, len);
    nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Starts a queue message of TYPE in BUF. */
static void
start_msg(char *buf, uint16_t type, bool ack)
{
    struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
    struct nfgenmsg *g;

    memset(buf, 0, NLMSG_SPACE(sizeof(*g)));
    nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*g));
    nlh->nlmsg_type = (uint16_t)((NFNL_SUBSYS_QUEUE << 8) | type);
    nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | (ack ? NLM_F_ACK : 0));
    g = NLMSG_DATA(nlh);
    g->nfgen_family = AF_UNSPEC;
    g->version = NFNETLINK_V0;
    g->res_id = htons(queue);
}

/* Sends the message in BUF; with an ack asked for, waits for it. */
static int
send_msg(int fd, char *buf, bool ack)
{
    struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
    char reply[4096];
    ssize_t n;

    if (send(fd, buf, nlh->nlmsg_len, 0) < 0)
        return -errno;
    if (!ack)
        return 0;
    n = recv(fd, reply, sizeof(reply), 0);
    if (n < 0)
        return -errno;
    nlh = (struct nlmsghdr *)reply;
    if (nlh->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(nlh);
        return e->error;
    }
    return 0;
}

static int
bind_queue(int fd)
{
    char buf[256];
    struct nfqnl_msg_config_cmd cmd = {.command = NFQNL_CFG_CMD_BIND};
    struct nfqnl_msg_config_params params = {.copy_range = htonl(0),
                                             .copy_mode = NFQNL_COPY_META};
    uint32_t flags = htonl(NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN);
    uint32_t maxlen = htonl(RING);
    int r;

    start_msg(buf, NFQNL_MSG_CONFIG, true);
    put_attr(buf, NFQA_CFG_CMD, &cmd, sizeof(cmd));
    if ((r = send_msg(fd, buf, true)) < 0)
        return r;
    start_msg(buf, NFQNL_MSG_CONFIG, true);
    put_attr(buf, NFQA_CFG_PARAMS, &params, sizeof(params));
    put_attr(buf, NFQA_CFG_QUEUE_MAXLEN, &maxlen, sizeof(maxlen));
    put_attr(buf, NFQA_CFG_FLAGS, &flags, sizeof(flags));
    put_attr(buf, NFQA_CFG_MASK, &flags, sizeof(flags));
    return send_msg(fd, buf, true);
}

/* Accepts every held packet due by NOW, with one batch verdict. */
static int
release(int fd, uint64_t now)
{
    char buf[128];
    struct nfqnl_msg_verdict_hdr v;
    uint32_t last = 0;
    bool any = false;

    while (tail != head && ring[tail % RING].due <= now + early) {
        last = ring[tail % RING].id;
        any = true;
        tail++;
    }
    if (!any)
        return 0;
    v.verdict = htonl(NF_ACCEPT);
    v.id = htonl(last);
    start_msg(buf, NFQNL_MSG_VERDICT_BATCH, false);
    put_attr(buf, NFQA_VERDICT_HDR, &v, sizeof(v));
    return send_msg(fd, buf, false);
}

/* Records the packets in one datagram; returns how many. */
static unsigned
take(const char *buf, size_t len, uint64_t now, uint64_t delay)
{
    const struct nlmsghdr *nlh;
    unsigned n = 0;

    for (nlh = (const struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
         nlh = NLMSG_NEXT(nlh, len)) {
        const struct nlattr *a;
        size_t left;

        if ((nlh->nlmsg_type & 0xff) != NFQNL_MSG_PACKET)
            continue;
        left = nlh->nlmsg_len - NLMSG_SPACE(sizeof(struct nfgenmsg));
        a = (const struct nlattr *)((const char *)NLMSG_DATA(nlh) +
                                    NLMSG_ALIGN(sizeof(struct nfgenmsg)));
        while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
               a->nla_len <= left) {
            if ((a->nla_type & NLA_TYPE_MASK) == NFQA_PACKET_HDR) {
                const struct nfqnl_msg_packet_hdr *ph =
                    (const void *)((const char *)a + NLA_HDRLEN);
                if (head - tail == RING) /* cannot happen: the queue is
                                            as long as the ring */
                    break;
                ring[head % RING].id = ntohl(ph->packet_id);
                ring[head % RING].due = now + delay;
                head++;
                n++;
                break;
            }
            left -= NLA_ALIGN(a->nla_len);
            a = (const struct nlattr *)((const char *)a +
                                        NLA_ALIGN(a->nla_len));
        }
    }
    return n;
}

int
main(int argc, char **argv)
{
    static char buf[1 << 16];
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    struct sigaction act = {.sa_handler = on_signal};
    unsigned long long packets = 0;
    uint64_t delay;
    int fd, one = 1, rcvbuf = 16 << 20, r;
    char *end;
    long q;

    if (argc != 3) {
        fprintf(stderr, "usage: bench-delayline QUEUE DELAY_US\n");
        return 2;
    }
    q = strtol(argv[1], &end, 10);
    if (*end || q < 0 || q > 65535) {
        fprintf(stderr, "bench-delayline: queue '%s' is not 0..65535\n",
                argv[1]);
        return 2;
    }
    queue = (uint16_t)q;
    delay = strtoull(argv[2], &end, 10) * 1000u;
    if (*end || !*argv[2]) {
        fprintf(stderr, "bench-delayline: delay '%s' is not microseconds\n",
                argv[2]);
        return 2;
    }
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    prctl(PR_SET_TIMERSLACK, 1UL); /* wake within a microsecond */

    fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        perror("bench-delayline: netlink socket");
        return 1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
    if ((r = bind_queue(fd)) < 0) {
        fprintf(stderr, "bench-delayline: cannot bind queue %u: %s\n", queue,
                strerror(-r));
        return 1;
    }
    fprintf(stderr, "bench-delayline: queue %u, %llu us each way\n", queue,
            (unsigned long long)(delay / 1000));

    while (!stop) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        struct timespec ts, *tsp = NULL;
        uint64_t now = now_ns(), wake = 0;
        ssize_t n;
        int ready;

        if (release(fd, now) < 0) {
            perror("bench-delayline: verdict");
            return 1;
        }
        if (tail != head) {
            uint64_t wait = ring[tail % RING].due - early - now;
            wake = now + wait;
            ts.tv_sec = (time_t)(wait / 1000000000u);
            ts.tv_nsec = (long)(wait % 1000000000u);
            tsp = &ts;
        }
        ready = ppoll(&p, 1, tsp, NULL);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            perror("bench-delayline: poll");
            return 1;
        }
        if (ready == 0) {
            /* one long stall (the CPU given elsewhere) must not make
               every later packet go at once: samples and mean capped */
            uint64_t late = now_ns() - wake;
            if (late > 200000)
                late = 200000;
            early = early - early / 8 + late / 8;
            if (early > delay / 4)
                early = delay / 4;
            continue;
        }
        n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;
            perror("bench-delayline: recv");
            return 1;
        }
        now = now_ns();
        packets += take(buf, (size_t)n, now, delay);
    }
    /* let the rest through before going */
    early = 0;
    release(fd, UINT64_MAX);
    printf("bench-delayline: %llu packets delayed\n", packets);
    return 0;
}
