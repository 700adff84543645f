/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * render-dr.c: the results of the dr commands (a pair of clusters
 * replicating a pool with rbd-mirror), as JSON and as text.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "render.h"
#include "xalloc.h"

static struct json_object *
side_json(const vrbd_dr_side *s)
{
    struct json_object *o = json_object_new_object();
    struct json_object *peers = json_object_new_array();
    struct json_object *daemons = json_object_new_array();

    for (size_t i = 0; i < s->n_peers; i++) {
        const vrbd_dr_peer *p = &s->peers[i];
        struct json_object *j = json_object_new_object();

        json_object_object_add(j, "uuid", cli_json_str(p->uuid));
        json_object_object_add(j, "site_name", cli_json_str(p->site_name));
        json_object_object_add(j, "client_name", cli_json_str(p->client_name));
        json_object_object_add(j, "direction", cli_json_str(p->direction));
        json_object_object_add(j, "mirror_uuid", cli_json_str(p->mirror_uuid));
        json_object_object_add(j, "last_seen", cli_json_utc(p->last_seen));
        json_object_array_add(peers, j);
    }
    for (size_t i = 0; i < s->n_daemons; i++) {
        const vrbd_dr_daemon *d = &s->daemons[i];
        struct json_object *j = json_object_new_object();

        json_object_object_add(j, "service_id", cli_json_str(d->service_id));
        json_object_object_add(j, "id", cli_json_str(d->id));
        json_object_object_add(j, "hostname", cli_json_str(d->hostname));
        json_object_object_add(j, "instance_id", cli_json_str(d->instance_id));
        json_object_object_add(j, "reporting",
                               json_object_new_boolean(d->reporting));
        json_object_object_add(j, "leader", json_object_new_boolean(d->leader));
        json_object_object_add(j, "health",
                               cli_json_str(vrbd_dr_health_name(d->health)));
        json_object_object_add(j, "callouts",
                               cli_json_strv(d->callouts, SIZE_MAX));
        json_object_array_add(daemons, j);
    }
    json_object_object_add(o, "cluster", cli_json_str(s->cluster));
    json_object_object_add(o, "fsid", cli_json_str(s->fsid));
    json_object_object_add(o, "pool", cli_json_str(s->pool));
    json_object_object_add(o, "site_name", cli_json_str(s->site_name));
    json_object_object_add(o, "mode", cli_json_str(s->mode));
    json_object_object_add(o, "peers", peers);
    json_object_object_add(
        o, "daemon_health",
        cli_json_str(s->error ? NULL : vrbd_dr_health_name(s->daemon_health)));
    json_object_object_add(o, "daemons", daemons);
    json_object_object_add(o, "error", cli_json_str(s->error));
    return o;
}

/* "zdata (rx-tx), x (rx-only)" or "none"; free() */
static char *
peers_text(const vrbd_dr_side *s)
{
    char *out = xstrdup(s->n_peers ? "" : "none");

    for (size_t i = 0; i < s->n_peers; i++) {
        char *next = xasprintf("%s%s%s (%s)", out, i ? ", " : "",
                               s->peers[i].site_name, s->peers[i].direction);
        free(out);
        out = next;
    }
    return out;
}

/* "ok: 1 daemon (drp on vm, leader)"; free() */
static char *
daemons_text(const vrbd_dr_side *s)
{
    char *out;

    if (s->n_daemons == 0)
        return xasprintf("%s: no rbd-mirror daemon",
                         vrbd_dr_health_name(s->daemon_health));
    out = xasprintf("%s:", vrbd_dr_health_name(s->daemon_health));
    for (size_t i = 0; i < s->n_daemons; i++) {
        const vrbd_dr_daemon *d = &s->daemons[i];
        CLEANUP_FREE char *callouts =
            d->callouts ? vrbd_strv_join(d->callouts, ", ", 3) : NULL;
        char *next = xasprintf(
            "%s%s %s on %s (%s%s%s%s)", out, i ? "," : "", d->id, d->hostname,
            vrbd_dr_health_name(d->health), d->leader ? ", leader" : "",
            callouts ? ": " : "", callouts ? callouts : "");
        free(out);
        out = next;
    }
    return out;
}

static void
side_text(const char *role, const vrbd_dr_side *s)
{
    CLEANUP_FREE char *peers = NULL, *daemons = NULL;

    printf("%s: cluster %s, pool %s\n", role, s->cluster ? s->cluster : "?",
           s->pool ? s->pool : "?");
    if (s->site_name)
        cli_print_kv(16, "  site name", "%s", s->site_name);
    if (s->error && !s->mode) {
        cli_print_kv(16, "  error", "%s", s->error);
        return;
    }
    peers = peers_text(s);
    daemons = daemons_text(s);
    cli_print_kv(16, "  mirror mode", "%s", s->mode);
    cli_print_kv(16, "  peers", "%s", peers);
    cli_print_kv(16, "  daemons", "%s", daemons);
    if (s->error)
        cli_print_kv(16, "  error", "%s", s->error);
}

static struct json_object *
paired_json(const void *res)
{
    const cli_dr_paired *p = res;
    struct json_object *o = json_object_new_object();
    struct json_object *sides = json_object_new_array();

    for (int i = 0; i < 2; i++)
        json_object_array_add(sides, side_json(&p->res->sides[i]));
    json_object_object_add(o, "pool", cli_json_str(p->res->sides[0].pool));
    json_object_object_add(o, "changed",
                           json_object_new_boolean(p->res->changes != NULL));
    json_object_object_add(o, "changes",
                           cli_json_strv(p->res->changes, SIZE_MAX));
    json_object_object_add(o, "warnings",
                           cli_json_strv(p->res->warnings, SIZE_MAX));
    json_object_object_add(o, "sides", sides);
    return o;
}

static void
paired_text(const void *res)
{
    const cli_dr_paired *p = res;
    const vrbd_dr_side *a = &p->res->sides[0], *b = &p->res->sides[1];

    if (!p->res->changes)
        printf("pool '%s' of clusters '%s' and '%s' is paired already: "
               "nothing changed\n",
               a->pool, a->cluster, b->cluster);
    for (size_t i = 0; p->res->changes && p->res->changes[i]; i++)
        printf("%s\n", p->res->changes[i]);
    side_text("side", a);
    side_text("side", b);
}

const cli_view cli_view_dr_paired = {.json = paired_json, .text = paired_text};

static struct json_object *
status_json(const void *res)
{
    const vrbd_dr_status *st = res;
    struct json_object *o = json_object_new_object();
    struct json_object *sides = json_object_new_array();
    struct json_object *images = json_object_new_array();

    for (size_t i = 0; i < st->n_sides; i++)
        json_object_array_add(sides, side_json(&st->sides[i]));
    for (size_t i = 0; i < st->n_images; i++) {
        const vrbd_dr_image *im = &st->images[i];
        struct json_object *j = json_object_new_object();
        struct json_object *a = json_object_new_array();

        for (size_t k = 0; k < im->n_sites; k++) {
            const vrbd_dr_image_site *s = &im->sites[k];
            struct json_object *js = json_object_new_object();

            json_object_object_add(js, "site_name", cli_json_str(s->site_name));
            json_object_object_add(js, "up", json_object_new_boolean(s->up));
            json_object_object_add(js, "state", cli_json_str(s->state));
            json_object_object_add(js, "description",
                                   cli_json_str(s->description));
            json_object_object_add(js, "last_update",
                                   cli_json_utc(s->last_update));
            json_object_object_add(js, "replayed_at",
                                   cli_json_utc(s->replayed_at));
            json_object_array_add(a, js);
        }
        json_object_object_add(j, "name", cli_json_str(im->name));
        json_object_object_add(j, "id", cli_json_str(im->id));
        json_object_object_add(j, "global_id", cli_json_str(im->global_id));
        json_object_object_add(j, "mode", cli_json_str(im->mode));
        json_object_object_add(j, "state", cli_json_str(im->state));
        json_object_object_add(j, "primary",
                               json_object_new_boolean(im->primary));
        json_object_object_add(j, "sites", a);
        json_object_array_add(images, j);
    }
    json_object_object_add(o, "pool", cli_json_str(st->sides[0].pool));
    json_object_object_add(o, "paired", json_object_new_boolean(st->paired));
    json_object_object_add(o, "sides", sides);
    json_object_object_add(o, "images", images);
    return o;
}

/* The site where @im is primary, borrowed: this side's, or with one
 * peer, the peer's. */
static const char *
primary_site(const vrbd_dr_status *st, const vrbd_dr_image *im)
{
    if (im->primary)
        return st->sides[0].site_name;
    return st->sides[0].n_peers == 1 ? st->sides[0].peers[0].site_name
                                     : "a peer";
}

static void
status_text(const void *res)
{
    const vrbd_dr_status *st = res;
    vrbd_table *t;

    printf("pool '%s' of cluster '%s': %s\n", st->sides[0].pool,
           st->sides[0].cluster, st->paired ? "paired" : "not paired");
    for (size_t i = 0; i < st->n_sides; i++)
        side_text(i == 0 ? "this side" : "peer side", &st->sides[i]);
    if (strcmp(st->sides[0].mode, "disabled") == 0)
        return;
    if (st->n_images == 0) {
        printf("no mirrored images\n");
        return;
    }
    t = vrbd_table_new((const char *const[]){"IMAGE", "PRIMARY", "SITE",
                                             "STATE", "LAST UPDATE",
                                             "REPLAYED AT", NULL});
    for (size_t i = 0; i < st->n_images; i++) {
        const vrbd_dr_image *im = &st->images[i];

        for (size_t k = 0; k < im->n_sites; k++) {
            const vrbd_dr_image_site *s = &im->sites[k];
            CLEANUP_FREE char *state =
                xasprintf("%s+%s", s->up ? "up" : "down", s->state);
            CLEANUP_FREE char *upd = cli_utc(s->last_update);
            CLEANUP_FREE char *rep = cli_utc(s->replayed_at);

            VRBD_TABLE_ROW(t, im->name, primary_site(st, im), s->site_name,
                           state, upd, rep);
        }
    }
    cli_print_table(t);
}

const cli_view cli_view_dr_status = {.json = status_json, .text = status_text};

/* "5m", "2h", "1d", "90s" */
static char *
interval_text(unsigned sec)
{
    if (sec && sec % 86400 == 0)
        return xasprintf("%ud", sec / 86400);
    if (sec && sec % 3600 == 0)
        return xasprintf("%uh", sec / 3600);
    if (sec && sec % 60 == 0)
        return xasprintf("%um", sec / 60);
    return xasprintf("%us", sec);
}

static struct json_object *
vm_json(const void *res)
{
    const vrbd_dr_vm *vm = res;
    struct json_object *o = json_object_new_object();
    struct json_object *disks = json_object_new_array();

    for (size_t i = 0; i < vm->n_disks; i++) {
        const vrbd_dr_disk *d = &vm->disks[i];
        struct json_object *j = json_object_new_object();

        json_object_object_add(j, "target", cli_json_str(d->target));
        json_object_object_add(j, "cluster", cli_json_str(d->cluster));
        json_object_object_add(j, "peer", cli_json_str(d->peer));
        json_object_object_add(j, "pool", cli_json_str(d->pool));
        json_object_object_add(j, "image", cli_json_str(d->image));
        json_object_object_add(j, "state", cli_json_str(d->state));
        json_object_object_add(j, "primary",
                               json_object_new_boolean(d->primary));
        json_object_object_add(j, "peer_state", cli_json_str(d->peer_state));
        json_object_object_add(j, "peer_description",
                               cli_json_str(d->peer_description));
        json_object_object_add(j, "recovery_point",
                               cli_json_utc(d->recovery_point));
        json_object_object_add(j, "latest_snapshot",
                               cli_json_utc(d->latest_snapshot));
        json_object_object_add(j, "pending_snapshots",
                               json_object_new_int64(d->pending_snapshots));
        json_object_object_add(
            j, "last_sync_bytes",
            d->last_sync_bytes == UINT64_MAX
                ? NULL
                : json_object_new_int64((int64_t)d->last_sync_bytes));
        json_object_object_add(j, "syncing_percent",
                               d->syncing_percent < 0
                                   ? NULL
                                   : json_object_new_int(d->syncing_percent));
        json_object_object_add(j, "interval_sec",
                               json_object_new_int64(d->interval_sec));
        json_object_object_add(j, "split", json_object_new_boolean(d->split));
        json_object_object_add(j, "peer_primary",
                               json_object_new_boolean(d->peer_primary));
        json_object_object_add(j, "error", cli_json_str(d->error));
        json_object_array_add(disks, j);
    }
    json_object_object_add(o, "domain", cli_json_str(vm->domain));
    json_object_object_add(o, "cluster", cli_json_str(vm->cluster));
    json_object_object_add(o, "peer", cli_json_str(vm->peer));
    json_object_object_add(o, "interval_sec",
                           json_object_new_int64(vm->interval_sec));
    json_object_object_add(o, "recovery_point",
                           cli_json_utc(vm->recovery_point));
    json_object_object_add(o, "late", json_object_new_boolean(vm->late));
    json_object_object_add(o, "split", json_object_new_boolean(vm->split));
    json_object_object_add(o, "daemon_health",
                           cli_json_str(vrbd_dr_health_name(vm->daemons[0])));
    json_object_object_add(o, "peer_daemon_health",
                           cli_json_str(vrbd_dr_health_name(vm->daemons[1])));
    json_object_object_add(o, "disks", disks);
    return o;
}

static void
vm_text(const void *res)
{
    const vrbd_dr_vm *vm = res;
    CLEANUP_FREE char *every = interval_text(vm->interval_sec);
    CLEANUP_FREE char *rp = cli_utc(vm->recovery_point);
    int64_t age =
        vm->recovery_point ? (int64_t)time(NULL) - vm->recovery_point : 0;
    vrbd_table *t;

    printf("domain '%s': replicated from %s to %s, every %s\n", vm->domain,
           vm->cluster, vm->peer ? vm->peer : "?", every);
    if (vm->recovery_point)
        cli_print_kv(16, "recovery point", "%s (%lld s ago)%s", rp,
                     (long long)age, vm->late ? ": LATE" : "");
    else
        cli_print_kv(16, "recovery point", "none yet: LATE");
    if (vm->split)
        cli_print_kv(16, "split",
                     "forced over: the copies on %s are not in "
                     "step (primary there too, or not demoted); 'vm "
                     "failback' resynchronises them",
                     vm->peer ? vm->peer : "the peer");
    cli_print_kv(16, "daemons", "%s %s, %s %s", vm->cluster,
                 vrbd_dr_health_name(vm->daemons[0]), vm->peer ? vm->peer : "?",
                 vrbd_dr_health_name(vm->daemons[1]));
    t = vrbd_table_new((const char *const[]){
        "DISK", "IMAGE", "MIRROR", "PEER STATE", "RECOVERY POINT",
        "LATEST SNAPSHOT", "PENDING", "LAST SYNC", NULL});
    for (size_t i = 0; i < vm->n_disks; i++) {
        const vrbd_dr_disk *d = &vm->disks[i];
        CLEANUP_FREE char *img =
            xasprintf("%s:%s/%s", d->cluster, d->pool, d->image);
        CLEANUP_FREE char *mirror = xasprintf(
            "%s%s%s", d->state, d->primary ? ", primary" : ", non-primary",
            d->peer_primary ? ", SPLIT" : "");
        CLEANUP_FREE char *rec = cli_utc(d->recovery_point);
        CLEANUP_FREE char *latest = cli_utc(d->latest_snapshot);

        CLEANUP_FREE char *pending = xasprintf("%u", d->pending_snapshots);
        CLEANUP_FREE char *peer =
            d->syncing_percent >= 0
                ? xasprintf("%s %d%%", d->peer_state ? d->peer_state : "-",
                            d->syncing_percent)
                : xstrdup(d->peer_state ? d->peer_state : "-");
        CLEANUP_FREE char *last =
            d->last_sync_bytes == UINT64_MAX
                ? xstrdup("-")
                : xasprintf("%" PRIu64 " B", d->last_sync_bytes);

        VRBD_TABLE_ROW(t, d->target, img, mirror, peer, rec, latest, pending,
                       last);
    }
    cli_print_table(t);
    for (size_t i = 0; i < vm->n_disks; i++)
        if (vm->disks[i].error)
            printf("%s: %s\n", vm->disks[i].target, vm->disks[i].error);
}

const cli_view cli_view_dr_vm = {.json = vm_json, .text = vm_text};

static struct json_object *
disabled_json(const void *res)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "domain", cli_json_str(res));
    json_object_object_add(o, "protected", json_object_new_boolean(false));
    return o;
}

static void
disabled_text(const void *res)
{
    printf("domain '%s' is no longer protected: the other cluster's "
           "rbd-mirror daemon deletes its copies of the disks\n",
           (const char *)res);
}

const cli_view cli_view_dr_disabled = {.json = disabled_json,
                                       .text = disabled_text};

static struct json_object *
failover_json(const void *res)
{
    const cli_failover *f = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "domain", cli_json_str(f->domain));
    json_object_object_add(o, "from", cli_json_str(f->res->from));
    json_object_object_add(o, "to", cli_json_str(f->res->to));
    json_object_object_add(o, "forced",
                           json_object_new_boolean(f->res->forced));
    json_object_object_add(o, "destroyed",
                           json_object_new_boolean(f->res->destroyed));
    json_object_object_add(o, "started",
                           json_object_new_boolean(f->res->started));
    json_object_object_add(o, "disks", json_object_new_int(f->res->disks));
    json_object_object_add(o, "resynced",
                           json_object_new_int(f->res->resynced));
    json_object_object_add(o, "recovery_point",
                           cli_json_utc(f->res->recovery_point));
    json_object_object_add(o, "downtime_sec",
                           json_object_new_double(f->res->downtime_sec));
    return o;
}

static void
failover_text(const void *res)
{
    const cli_failover *f = res;
    CLEANUP_FREE char *rp = cli_utc(f->res->recovery_point);

    if (f->res->resynced)
        printf("%u image(s) on '%s' resynchronised in full\n", f->res->resynced,
               f->res->to);
    printf("domain '%s' %s from %s to %s (%u disk(s))%s\n", f->domain,
           f->res->forced ? "forced over" : "failed over",
           f->res->from ? f->res->from : "?", f->res->to, f->res->disks,
           f->res->destroyed ? ": it was destroyed, its cluster lost" : "");
    if (f->res->forced)
        printf("recovery point: %s: what was written after it is lost; the "
               "old copies are split until 'vm failback'\n",
               rp);
    else
        printf("nothing lost: the last snapshot, %s, holds every write\n", rp);
    if (f->res->started)
        printf("started on %s, down %.1f s\n", f->res->to,
               f->res->downtime_sec);
    else
        printf("defined on %s, not started (it was not running)\n", f->res->to);
}

const cli_view cli_view_failover = {.json = failover_json,
                                    .text = failover_text};

static struct json_object *
test_json(const void *res)
{
    const cli_dr_test *t = res;
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "domain", cli_json_str(t->res->domain));
    json_object_object_add(o, "cluster", cli_json_str(t->res->cluster));
    json_object_object_add(o, "removed", json_object_new_boolean(t->clean));
    json_object_object_add(o, "disks", json_object_new_int(t->res->disks));
    json_object_object_add(o, "snapshot_time",
                           cli_json_utc(t->res->snapshot_time));
    return o;
}

static void
test_text(const void *res)
{
    const cli_dr_test *t = res;
    CLEANUP_FREE char *when = cli_utc(t->res->snapshot_time);

    if (t->clean) {
        printf("test domain '%s' and its images on %s removed\n",
               t->res->domain, t->res->cluster);
        return;
    }
    printf("test domain '%s' started on %s: %u disk(s) as of %s, no "
           "network; replication untouched\n",
           t->res->domain, t->res->cluster, t->res->disks, when);
}

const cli_view cli_view_dr_test = {.json = test_json, .text = test_text};

static void
vms_header(void)
{
    printf("%-20s %-8s %-8s %-6s %-22s %s\n", "DOMAIN", "ON", "TO", "EVERY",
           "RECOVERY POINT", "STATE");
}

static void
vms_row(const void *item)
{
    const vrbd_dr_vm *vm = item;
    CLEANUP_FREE char *every = interval_text(vm->interval_sec);
    CLEANUP_FREE char *rp = cli_utc(vm->recovery_point);

    if (vm->error) {
        printf("%-20s %s\n", vm->domain, vm->error);
        return;
    }
    printf("%-20s %-8s %-8s %-6s %-22s %s\n", vm->domain, vm->cluster,
           vm->peer ? vm->peer : "?", every, rp,
           vm->split  ? "SPLIT"
           : vm->late ? "LATE"
                      : "ok");
}

static struct json_object *
vms_json(const void *item)
{
    const vrbd_dr_vm *vm = item;
    struct json_object *o = vm_json(item);

    json_object_object_add(o, "error", cli_json_str(vm->error));
    return o;
}

const cli_list_view cli_list_dr_vms = {
    .json = vms_json, .header = vms_header, .row = vms_row};
