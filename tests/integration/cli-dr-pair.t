#require lab
#cleanup "$TESTDIR/../../scripts/lab" mirror-start zdata > /dev/null 2>&1; true
#cleanup for c in $(cat unset-sites 2> /dev/null); do ceph -c "$c" config-key rm rbd/mirror/site_name; done > /dev/null 2>&1; true
A pool of the lab's two clusters made a disaster-recovery pair (dr pair),
replicated by the rbd-mirror daemon the lab runs on each cluster, and its
state read back (dr status).  The rbd CLI is the oracle.  The runner's
sweep removes the pools' peers (whose connection settings hold a key, in
the clusters' config-key store) before the pools.  The site names dr pair
sets are cluster-wide: where a cluster had none, the clean-up removes it
again, so that later files see the lab as it was (with a site named
'ceph', an rbd CLI's default handle, named 'ceph' too, refuses to import
that site's bootstrap token: "cannot add self as remote peer").

  $ C=$VRBD_LAB_CEPH_CONF Z=$VRBD_LAB_ZDATA_CONF P=vrbdt-$UNIQ
  $ for c in "$C" "$Z"; do ceph -c "$c" config-key exists rbd/mirror/site_name > /dev/null 2>&1 || echo "$c" >> unset-sites; done; true
  $ for c in "$C" "$Z"; do ceph -c "$c" service dump -f json | python3 -c 'import json,sys; d=json.load(sys.stdin)["services"].get("rbd-mirror",{}).get("daemons",{}); print(sum(1 for v in d.values() if isinstance(v, dict)) or "no rbd-mirror daemon in the lab")'; done
  1
  1
  $ virt-rbd cluster add ceph --conf "$C" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$Z" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ virt-rbd pool create ceph:$P --pg 8 > /dev/null
  $ virt-rbd pool create zdata:$P --pg 8 > /dev/null

dr pair enables image mirroring on both pools and registers each as the
other's rx-tx peer; it waits for each side's daemon to lead the pool, so
both report at once (a site name is set only on a cluster that had none:
those lines are left out)

  $ virt-rbd dr pair $P zdata:$P > pair.out
  $ grep -v "^site name" pair.out | sed "s/$P/P/g; s/: [^ ]* on [^ ]* (ok, leader)/: D on H (ok, leader)/"
  mirroring enabled in image mode on pool 'P' of cluster 'ceph'
  mirroring enabled in image mode on pool 'P' of cluster 'zdata'
  pool 'P' of clusters 'ceph' and 'zdata' registered as mirror peers of each other (rx-tx)
  side: cluster ceph, pool P
    site name      ceph
    mirror mode    image
    peers          zdata (rx-tx)
    daemons        ok: D on H (ok, leader)
  side: cluster zdata, pool P
    site name      zdata
    mirror mode    image
    peers          ceph (rx-tx)
    daemons        ok: D on H (ok, leader)

The rbd CLI sees the same on both clusters

  $ for c in "$C" "$Z"; do rbd -c "$c" mirror pool info $P --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["mode"], d["site_name"], [(p["site_name"], p["direction"]) for p in d["peers"]])'; done
  image ceph [('zdata', 'rx-tx')]
  image zdata [('ceph', 'rx-tx')]

No key went anywhere but librbd: not in the registry, not in the output

  $ key=$(ceph -c "$C" auth get-key client.rbd-mirror-peer); test -n "$key" && ! grep -rqF "$key" pair.out "$VIRT_RBD_CONFIG_DIR" && echo "no key"
  no key

Again, in either order: nothing changes, and --json says so

  $ virt-rbd dr pair $P zdata:$P | sed -n 1p | sed "s/$P/P/"
  pool 'P' of clusters 'ceph' and 'zdata' is paired already: nothing changed
  $ virt-rbd --json dr pair zdata:$P ceph:$P | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["changed"], d["changes"], d["warnings"], [(s["cluster"], s["mode"], s["daemon_health"], [p["site_name"] for p in s["peers"]]) for s in d["sides"]])'
  False [] [] [('zdata', 'image', 'ok', ['ceph']), ('ceph', 'image', 'ok', ['zdata'])]
  $ for c in "$C" "$Z"; do rbd -c "$c" mirror pool info $P --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["peers"]))'; done
  1
  1

Pools of different names are refused with that reason, before anything
is changed

  $ virt-rbd dr pair $P zdata:other-$UNIQ 2>&1 | sed "s/$P/P/; s/other-$UNIQ/O/"
  virt-rbd: error: pools 'P' and 'O' have different names: rbd-mirror replicates a pool to the pool of the same name
  virt-rbd: hint: give pools of the same name on both clusters (create the missing one with virt-rbd pool create)
  [1]

A pool missing on one side is named

  $ virt-rbd dr pair ceph:none-$UNIQ zdata:none-$UNIQ 2>&1 | sed -n 1p | sed "s/none-$UNIQ/N/"
  virt-rbd: error: pool 'N' not found in cluster 'ceph'
  [1]

dr status before any image is mirrored: paired, both sides, a daemon on
each

  $ virt-rbd dr status $P | sed "s/$P/P/g; s/: [^ ]* on [^ ]* (ok, leader)/: D on H (ok, leader)/"
  pool 'P' of cluster 'ceph': paired
  this side: cluster ceph, pool P
    site name      ceph
    mirror mode    image
    peers          zdata (rx-tx)
    daemons        ok: D on H (ok, leader)
  peer side: cluster zdata, pool P
    site name      zdata
    mirror mode    image
    peers          ceph (rx-tx)
    daemons        ok: D on H (ok, leader)
  no mirrored images

An image mirrored by snapshots (rbd is the stand-in for dr enable, to
come) is replayed on zdata (and ceph's daemon has told zdata it holds the
primary); a mirror snapshot taken at T is the recovery point dr status
reads there: REPLAYED AT is T or later

  $ rbd -c "$C" create $P/disk --size 16M && rbd -c "$C" mirror image enable $P/disk snapshot
  Mirroring enabled
  $ sleep 1; T=$(date +%s); rbd -c "$C" mirror image snapshot $P/disk > /dev/null
  $ for i in $(seq 600); do rbd -c "$Z" mirror image status $P/disk --format json 2> /dev/null | python3 -c 'import json,sys,re; d=json.load(sys.stdin); m=re.search(r"\"local_snapshot_timestamp\":(\d+)", d["description"]); sys.exit(0 if d["state"] == "up+replaying" and m and int(m.group(1)) >= '$T' and any(p["site_name"] == "ceph" and p["state"] == "up+stopped" for p in d.get("peer_sites", [])) else 1)' 2> /dev/null && break; sleep 0.1; done; echo "waited ${i}00 ms" > /dev/null; [ $i -lt 600 ] && echo replayed
  replayed
  $ virt-rbd --json dr status zdata:$P > st.json
  $ python3 -c 'import json,sys; d=json.load(open("st.json")); print(d["paired"], [(s["cluster"], s["daemon_health"]) for s in d["sides"]]); im=d["images"][0]; print(im["name"], im["mode"], im["primary"], im["state"], sorted((s["site_name"], s["up"], s["state"]) for s in im["sites"]))'
  True [('zdata', 'ok'), ('ceph', 'ok')]
  disk snapshot False enabled [('ceph', True, 'stopped'), ('zdata', True, 'replaying')]
  $ python3 -c 'import json,calendar,time; d=json.load(open("st.json")); s=[s for s in d["images"][0]["sites"] if s["site_name"] == "zdata"][0]; t=calendar.timegm(time.strptime(s["replayed_at"], "%Y-%m-%dT%H:%M:%SZ")); print("recovery point at or after T" if t >= '$T' else ("too early", t))'
  recovery point at or after T

The text names the primary site on each of the image's rows

  $ virt-rbd dr status $P | awk '/^IMAGE/,0 {print $1, $2, $3, $4}'
  IMAGE PRIMARY SITE STATE
  disk ceph ceph up+stopped
  disk ceph zdata up+replaying

With zdata's daemon stopped (it leaves its mgr's service map at once), a
new pair still succeeds, and warns that nothing is replicated to zdata,
and how to start a daemon there; dr status shows the side without one.
The daemon started again leads the pool

  $ "$TESTDIR/../../scripts/lab" mirror-stop zdata > /dev/null
  $ Q=vrbdq-$UNIQ; virt-rbd pool create ceph:$Q --pg 8 > /dev/null && virt-rbd pool create zdata:$Q --pg 8 > /dev/null
  $ virt-rbd dr pair $Q zdata:$Q 2>&1 > /dev/null | sed "s/$Q/Q/"
  virt-rbd: warning: no rbd-mirror daemon reports for pool 'Q' on cluster 'zdata': nothing is replicated to it; start an rbd-mirror daemon for cluster 'zdata' (a cephx user with mon 'profile rbd-mirror' osd 'profile rbd', and CEPH_CONF naming the cluster's ceph.conf in its environment)
  $ virt-rbd dr status zdata:$Q | grep daemons | sed 's/: [^ ]* on [^ ]* (ok, leader)/: D on H (ok, leader)/'
    daemons        error: no rbd-mirror daemon
    daemons        ok: D on H (ok, leader)
  $ "$TESTDIR/../../scripts/lab" mirror-start zdata > /dev/null
  $ virt-rbd --json dr pair $Q zdata:$Q | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["changed"], d["warnings"], [(s["cluster"], s["daemon_health"]) for s in d["sides"]])'
  False [] [('ceph', 'ok'), ('zdata', 'ok')]
