#require lab
#cleanup "$TESTDIR/../../scripts/lab" mirror-resume zdata > /dev/null
#cleanup for c in "$VRBD_LAB_CEPH_CONF" "$VRBD_LAB_ZDATA_CONF"; do for u in $(rbd -c "$c" mirror pool info vrbdt-$UNIQ --format json 2> /dev/null | python3 -c 'import json, sys; print(" ".join(p["uuid"] for p in json.load(sys.stdin)["peers"]))'); do rbd -c "$c" mirror pool peer remove vrbdt-$UNIQ "$u"; done; done > /dev/null 2>&1; true
The lab's rbd-mirror daemons, proven with Ceph's own rbd and ceph CLIs (no
virt-rbd): each cluster runs one, as its own cephx user with the caps Ceph
documents, registered with its cluster's manager before any pairing.  A
pool of the same name on both clusters, mirrored in image mode and paired
by a bootstrap token (rx-tx); an image with snapshot mirroring on 'ceph' is
replayed on 'zdata' byte for byte, first whole and then a later mirror
snapshot of new writes.  A paused receiving daemon (mirror-pause) shows in
the image's status as "down" and replays nothing; resumed, it reports
again and replays what was made meanwhile.  This pauses the lab's zdata
rbd-mirror for about 30 s.

  $ lab() { "$TESTDIR/../../scripts/lab" "$@" > /dev/null; }
  $ umask 077

both CMD-ON-CEPH CMD-ON-ZDATA: the two at once (each ceph CLI call takes
a second or more), ceph's output first, failing if either fails

  $ both() { eval "$1" > c.out 2>&1 & local a=$!; eval "$2" > z.out 2>&1; local z=$?; wait $a; local c=$?; cat c.out z.out; return $((c | z)); }

Each cluster's daemon runs (the pid file 'lab env' names) as the user 'lab
env' names, with the documented caps, and its manager lists it (the
service map's metadata id is the user's id after "rbd-mirror.")

  $ for cl in CEPH ZDATA; do f=VRBD_LAB_${cl}_MIRROR_PIDFILE; readlink "/proc/$(cat "${!f}")/exe"; done
  /usr/bin/rbd-mirror
  /usr/bin/rbd-mirror
  $ echo "$VRBD_LAB_CEPH_MIRROR_ID $VRBD_LAB_ZDATA_MIRROR_ID"
  rbd-mirror.ceph rbd-mirror.zdata
  $ caps() { ceph -c "$1" auth get "client.$2" -f json 2> /dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["caps"])'; }
  $ svc() { ceph -c "$1" service dump -f json | python3 -c 'import json, sys; d = json.load(sys.stdin)["services"].get("rbd-mirror", {}).get("daemons", {}); print(" ".join(sorted(v["metadata"]["id"] for v in d.values() if isinstance(v, dict))))'; }
  $ both 'caps "$VRBD_LAB_CEPH_CONF" "$VRBD_LAB_CEPH_MIRROR_ID" && svc "$VRBD_LAB_CEPH_CONF"' 'caps "$VRBD_LAB_ZDATA_CONF" "$VRBD_LAB_ZDATA_MIRROR_ID" && svc "$VRBD_LAB_ZDATA_CONF"'
  {'mon': 'profile rbd-mirror', 'osd': 'profile rbd'}
  ceph
  {'mon': 'profile rbd-mirror', 'osd': 'profile rbd'}
  zdata

The pool on both clusters, mirroring on in image mode; a bootstrap token
made on ceph, imported on zdata in both directions: each side has the
other as its one peer, named by its site name (by default the fsid)

  $ j=(); for c in "$VRBD_LAB_CEPH_CONF" "$VRBD_LAB_ZDATA_CONF"; do { ceph -c "$c" osd pool create vrbdt-$UNIQ 8 8 > /dev/null 2>&1 && rbd -c "$c" pool init vrbdt-$UNIQ && rbd -c "$c" mirror pool enable vrbdt-$UNIQ image; } & j+=($!); done; wait ${j[0]} && wait ${j[1]}
  $ rbd -c "$VRBD_LAB_CEPH_CONF" mirror pool peer bootstrap create vrbdt-$UNIQ > token
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" mirror pool peer bootstrap import --direction rx-tx vrbdt-$UNIQ token
  $ peer() { rbd -c "$1" mirror pool info vrbdt-$UNIQ --format json | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["mode"], [(p["direction"], p["site_name"] == sys.argv[1]) for p in d["peers"]])' "$2"; }
  $ peer "$VRBD_LAB_CEPH_CONF" "$VRBD_LAB_ZDATA_FSID"; peer "$VRBD_LAB_ZDATA_CONF" "$VRBD_LAB_CEPH_FSID"
  image [('rx-tx', True)]
  image [('rx-tx', True)]

Each peer's mon_host and key are in its cluster's config-key store, under
rbd/mirror/peer/POOLID/PEERUUID (never printed here)

  $ uuid() { rbd -c "$1" mirror pool info vrbdt-$UNIQ --format json | python3 -c 'import json, sys; print(" ".join(p["uuid"] for p in json.load(sys.stdin)["peers"]))'; }
  $ uc=$(uuid "$VRBD_LAB_CEPH_CONF") && uz=$(uuid "$VRBD_LAB_ZDATA_CONF") && [ -n "$uc" ] && [ -n "$uz" ]
  $ keys() { ceph -c "$1" config-key ls | python3 -c 'import json, sys; print(len([k for k in json.load(sys.stdin) if k.startswith("rbd/mirror/peer/") and k.endswith("/" + sys.argv[1])]))' "$2"; }
  $ both 'keys "$VRBD_LAB_CEPH_CONF" "$uc"' 'keys "$VRBD_LAB_ZDATA_CONF" "$uz"'
  1
  1

An image on ceph with 24 MiB of random data, snapshot mirroring enabled
(which takes the first mirror snapshot); more writes, a mirror snapshot of
them

  $ head -c 24M /dev/urandom > data.raw
  $ rbd -c "$VRBD_LAB_CEPH_CONF" import --no-progress data.raw vrbdt-$UNIQ/img
  $ rbd -c "$VRBD_LAB_CEPH_CONF" mirror image enable vrbdt-$UNIQ/img snapshot
  Mirroring enabled
  $ rbd -c "$VRBD_LAB_CEPH_CONF" bench --io-type write --io-size 256K --io-total 8M --io-pattern rand vrbdt-$UNIQ/img > /dev/null
  $ rbd -c "$VRBD_LAB_CEPH_CONF" mirror image snapshot vrbdt-$UNIQ/img | sed -n 's/^Snapshot ID: \([0-9]*\)$/\1/p' > snap1; [ -s snap1 ] && echo made
  made

synced.sh SNAPID: waits (up to 90 s) until zdata's image holds a
complete copy of ceph's mirror snapshot SNAPID (its non-primary mirror
snapshot names it as primary_snap_id) and zdata's status says
up+replaying, idle, local and remote snapshot times equal

  $ cat > synced.sh <<'EOS'
  > for i in $(seq 180); do
  >   s=$(rbd -c "$VRBD_LAB_ZDATA_CONF" mirror image status vrbdt-$UNIQ/img --format json 2> /dev/null) &&
  >   l=$(rbd -c "$VRBD_LAB_ZDATA_CONF" snap ls --all vrbdt-$UNIQ/img --format json 2> /dev/null) &&
  >   python3 -c '
  > import json, sys
  > s = json.loads(sys.argv[1]); snaps = json.loads(sys.argv[2]); want = int(sys.argv[3])
  > d = s["description"]; r = json.loads(d[d.index("{"):]) if "{" in d else {}
  > copied = any(x["namespace"].get("primary_snap_id") == want and x["namespace"].get("complete")
  >              for x in snaps if x.get("namespace", {}).get("type") == "mirror")
  > sys.exit(0 if copied and s["state"] == "up+replaying" and r.get("replay_state") == "idle"
  >          and r.get("local_snapshot_timestamp") == r.get("remote_snapshot_timestamp") else 1)' "$s" "$l" "$1" && exit 0
  >   sleep 0.5
  > done
  > echo "snapshot $1 not replayed after 90 s: $s"; exit 1
  > EOS
  $ bash synced.sh "$(cat snap1)" && echo replayed
  replayed

The same bytes on both sides; zdata's copy is non-primary, ceph's primary

  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/img c.raw && rbd -c "$VRBD_LAB_ZDATA_CONF" export --no-progress vrbdt-$UNIQ/img z.raw
  $ cmp c.raw z.raw && echo same
  same
  $ cmp -s c.raw data.raw || echo "not the imported file: the later writes are in"
  not the imported file: the later writes are in
  $ for c in "$VRBD_LAB_CEPH_CONF" "$VRBD_LAB_ZDATA_CONF"; do rbd -c "$c" info vrbdt-$UNIQ/img --format json | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["mirroring"]["mode"], d["mirroring"]["primary"])'; done
  snapshot True
  snapshot False

Both daemons report healthy for the pool once paired

  $ health() { for i in $(seq 120); do h=$(rbd -c "$1" mirror pool status vrbdt-$UNIQ --verbose --format json | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["summary"]["daemon_health"], " ".join(x["client_id"] + ":" + x["health"] for x in d["daemons"]))'); [ "${h%% *}" = "$2" ] && break; sleep 0.5; done; echo "$h"; }
  $ both 'health "$VRBD_LAB_CEPH_CONF" OK' 'health "$VRBD_LAB_ZDATA_CONF" OK'
  OK ceph:OK
  OK zdata:OK

mirror-pause zdata: its daemon is stopped (state T); zdata's status of the
image turns "down+..." once the daemon's watch times out (~30 s, bounded
here at 90 s), and a mirror snapshot made meanwhile is not replayed

  $ lab mirror-pause zdata
  $ sed 's/.*) //' "/proc/$(cat "$VRBD_LAB_ZDATA_MIRROR_PIDFILE")/stat" | cut -d' ' -f1
  T
  $ state() { rbd -c "$VRBD_LAB_ZDATA_CONF" mirror image status vrbdt-$UNIQ/img --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])'; }
  $ for i in $(seq 180); do s=$(state); [[ $s == down+* ]] && break; sleep 0.5; done; echo "$s"
  down+replaying
  $ rbd -c "$VRBD_LAB_CEPH_CONF" bench --io-type write --io-size 256K --io-total 4M --io-pattern rand vrbdt-$UNIQ/img > /dev/null
  $ rbd -c "$VRBD_LAB_CEPH_CONF" mirror image snapshot vrbdt-$UNIQ/img | sed -n 's/^Snapshot ID: \([0-9]*\)$/\1/p' > snap2; [ -s snap2 ] && echo made
  made
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" snap ls --all vrbdt-$UNIQ/img --format json | python3 -c 'import json, sys; print([x for x in json.load(sys.stdin) if x["namespace"].get("primary_snap_id") == int(sys.argv[1])] or "not replayed")' "$(cat snap2)"
  not replayed

mirror-resume zdata: the daemon reports again and replays the snapshot
made while it was paused; the bytes are the same again

  $ lab mirror-resume zdata
  $ bash synced.sh "$(cat snap2)" && echo replayed
  replayed
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/img c2.raw && rbd -c "$VRBD_LAB_ZDATA_CONF" export --no-progress vrbdt-$UNIQ/img z2.raw && cmp c2.raw z2.raw && echo same
  same
  $ cmp -s c.raw c2.raw || echo "not the first copy: the writes made while paused are in"
  not the first copy: the writes made while paused are in
  $ health "$VRBD_LAB_ZDATA_CONF" OK
  OK zdata:OK

Clean-up: peers removed on both sides (their keys leave the clusters'
config-key stores: a removed pool would leave them there), mirroring
disabled on zdata's non-primary image (--force) before ceph's primary
(the other way round, zdata's daemon, until its next look at the peers,
sees the primary gone and deletes its copy: "remote image no longer
exists: scheduling deletion"), pools removed

  $ rbd -c "$VRBD_LAB_CEPH_CONF" mirror pool peer remove vrbdt-$UNIQ "$uc" && rbd -c "$VRBD_LAB_ZDATA_CONF" mirror pool peer remove vrbdt-$UNIQ "$uz"
  $ peer "$VRBD_LAB_CEPH_CONF" x; peer "$VRBD_LAB_ZDATA_CONF" x
  image []
  image []
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" mirror image disable --force vrbdt-$UNIQ/img && rbd -c "$VRBD_LAB_CEPH_CONF" mirror image disable vrbdt-$UNIQ/img
  Mirroring disabled
  Mirroring disabled
  $ rbd -c "$VRBD_LAB_CEPH_CONF" mirror pool disable vrbdt-$UNIQ && rbd -c "$VRBD_LAB_ZDATA_CONF" mirror pool disable vrbdt-$UNIQ
  $ both 'ceph -c "$VRBD_LAB_CEPH_CONF" osd pool rm vrbdt-$UNIQ vrbdt-$UNIQ --yes-i-really-really-mean-it && keys "$VRBD_LAB_CEPH_CONF" "$uc"' 'ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool rm vrbdt-$UNIQ vrbdt-$UNIQ --yes-i-really-really-mean-it && keys "$VRBD_LAB_ZDATA_CONF" "$uz"'
  pool 'vrbdt-*' removed (glob)
  0
  pool 'vrbdt-*' removed (glob)
  0
