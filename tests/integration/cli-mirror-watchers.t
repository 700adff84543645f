#require lab
#cleanup for a in $(cat fenced.addrs 2> /dev/null); do ceph -c "$VRBD_LAB_CEPH_CONF" osd blocklist rm "$a" > /dev/null 2>&1; done; true
#cleanup for c in "$VRBD_LAB_CEPH_CONF" "$VRBD_LAB_ZDATA_CONF"; do for u in $(rbd -c "$c" mirror pool info vrbdt-$UNIQ --format json 2> /dev/null | python3 -c 'import json, sys; print(" ".join(p["uuid"] for p in json.load(sys.stdin)["peers"]))'); do rbd -c "$c" mirror pool peer remove vrbdt-$UNIQ "$u"; done; done > /dev/null 2>&1; true
The rbd-mirror daemons' own clients of a mirrored image are no VM: vol who
names them, vol rm and vol fence do not count them.  Mirroring is set up
with Ceph's rbd CLI (virt-rbd pairs nothing here): a pool of the same name
on both lab clusters in image mode, paired by a bootstrap token (rx-tx),
an image on 'ceph' with snapshot mirroring.  Then zdata's daemon watches
(and holds the lock of) zdata's non-primary copy, and through its peer
connection watches ceph's primary image.  rbd-writer (built next to
virt-rbd) is a librbd client on stdin standing in for a guest's QEMU.

  $ C=$VRBD_LAB_CEPH_CONF Z=$VRBD_LAB_ZDATA_CONF P=vrbdt-$UNIQ; umask 077
  $ W="$(dirname "$(command -v virt-rbd)")/../tests/integration/rbd-writer"
  $ virt-rbd cluster add ceph --conf "$C" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$Z" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ j=(); for c in "$C" "$Z"; do { ceph -c "$c" osd pool create $P 8 8 > /dev/null 2>&1 && rbd -c "$c" pool init $P && rbd -c "$c" mirror pool enable $P image; } & j+=($!); done; wait ${j[0]} && wait ${j[1]}
  $ rbd -c "$C" mirror pool peer bootstrap create $P > token
  $ rbd -c "$Z" mirror pool peer bootstrap import --direction rx-tx $P token
  $ rbd -c "$C" create --size 16M $P/img && rbd -c "$C" mirror image enable $P/img snapshot
  Mirroring enabled

Wait (90 s at most) until zdata's daemon replays the image: zdata's copy
has a watcher and a lock owner, ceph's primary a watcher (the oracle:
rbd status, rbd lock ls; zdata's copy is missing at first)

  $ w() { rbd -c "$1" status $P/img --format json 2> /dev/null | python3 -c 'import json, sys; print(" ".join(sorted(w["address"] for w in json.load(sys.stdin)["watchers"])))' 2> /dev/null; }
  > l() { rbd -c "$1" lock ls $P/img --format json 2> /dev/null | python3 -c 'import json, sys; print(" ".join(x["address"] for x in json.load(sys.stdin)))' 2> /dev/null; }
  $ for i in $(seq 180); do wz=$(w "$Z"); lz=$(l "$Z"); wc=$(w "$C"); [ -n "$wz" ] && [ "$lz" = "$wz" ] && [ -n "$wc" ] && break; sleep 0.5; done
  > [ -n "$wz" ] && [ "$lz" = "$wz" ] && [ -n "$wc" ] && echo "zdata's copy watched and locked, ceph's primary watched"
  zdata's copy watched and locked, ceph's primary watched

zdata's watcher is zdata's daemon: its client id is the instance id that
'rbd mirror pool status' gives zdata's daemon for the pool.  The daemon
reports that id through the manager's service map, which can lag behind
its watch (CI saw a stale id once): waited for, 60 s at most

  $ s() { inst=$(rbd -c "$Z" mirror pool status $P --verbose --format json | python3 -c 'import json, sys; print(" ".join(d.get("instance_id", "") for d in json.load(sys.stdin)["daemons"]))') && rbd -c "$Z" status $P/img --format json | python3 -c 'import json, sys; print([str(w["client"]) == sys.argv[1] for w in json.load(sys.stdin)["watchers"]])' "$inst"; }
  $ for i in $(seq 120); do [ "$(s)" = "[True]" ] && break; sleep 0.5; done; s
  [True]

vol who names each for what it is, and says it is no VM

  $ virt-rbd vol who zdata:$P/img | sed "s|$wz|WZ|; s/client\.[0-9]*/client.N/"
  client.N at WZ: rbd-mirror daemon of cluster 'zdata'
    no VM: rbd-mirror replicates this image and watches it for as long as it is mirrored; leave it
  $ virt-rbd vol who ceph:$P/img | sed "s|$wc|WC|; s/client\.[0-9]*/client.N/; s/$VRBD_LAB_ZDATA_FSID/ZDATA-FSID/"
  client.N at WC: rbd-mirror daemon of peer site 'ZDATA-FSID'
    no VM: rbd-mirror replicates this image and watches it for as long as it is mirrored; leave it
  $ virt-rbd --json vol who zdata:$P/img | python3 -c 'import json, sys; print([(w["rbd_mirror"], w["domain"]) for w in json.load(sys.stdin)["watchers"]])'
  [("rbd-mirror daemon of cluster 'zdata'", None)]
  $ virt-rbd --json vol clients zdata:$P/img | python3 -c 'import json, sys; print([(c["watcher"], c["lock_owner"], c["rbd_mirror"]) for c in json.load(sys.stdin)])'
  [(True, True, "rbd-mirror daemon of cluster 'zdata'")]

vol rm refuses both, for mirroring, not for the daemons' watches: the
primary (its removal would remove zdata's copy too) and the non-primary
copy (rbd-mirror's)

  $ virt-rbd vol rm --now ceph:$P/img
  virt-rbd: error: image 'vrbdt-*/img' is mirrored to a peer site: removing it would remove the copy there too (glob)
  virt-rbd: hint: disable its mirroring first (rbd mirror image disable POOL/IMAGE), knowing that the peer site's copy goes with it
  [1]
  $ virt-rbd vol rm --now zdata:$P/img
  virt-rbd: error: image 'vrbdt-*/img' is a non-primary mirror copy (glob)
  virt-rbd: hint: rbd-mirror keeps it in step with the primary: disable mirroring on the primary's cluster (it removes this copy), or promote this one first
  [1]

A writer (a VM's stand-in) on the primary: vol who names it beside the
daemon; vol fence fences the writer and leaves the daemon alone on both
clusters (nothing of the daemon's on either blocklist, zdata's lock still
the daemon's)

  $ mkfifo one.in; "$W" "$C" $P img one < one.in > one.out 2> one.err & pid=$!; exec 5> one.in
  $ echo "write 1" >&5; echo addr >&5; for i in $(seq 300); do grep -q "^addr " one.out && break; sleep 0.1; done; a1=$(sed -n 's/^addr //p' one.out); cat one.out | grep -v addr
  ok 1
  $ virt-rbd vol who ceph:$P/img | sed "s|$wc|WC|; s|$a1|A1|; s/client\.[0-9]*/client.N/; s/$VRBD_LAB_ZDATA_FSID/ZDATA-FSID/" | grep '^client' | sort
  client.N at A1: a local process (no libvirt domain)
  client.N at WC: rbd-mirror daemon of peer site 'ZDATA-FSID'
  $ echo $a1 >> fenced.addrs; virt-rbd vol fence ceph:$P/img --expire 10m | sed "s|$wc|WC|; s|$a1|A1|; s/client\.[0-9]*/client.N/; s/$VRBD_LAB_ZDATA_FSID/ZDATA-FSID/; s/$UNIQ/U/; s/until .* (/until T (/"
  left alone: client.N at WC (image vrbdt-U/img): rbd-mirror daemon of peer site 'ZDATA-FSID'
  fenced client.N at A1 (image vrbdt-U/img, its lock broken)
  blocklisted on cluster 'ceph' until T (600 s)
  $ virt-rbd vol fence zdata:$P/img | sed "s|$wz|WZ|; s/client\.[0-9]*/client.N/; s/$UNIQ/U/"
  left alone: client.N at WZ (image vrbdt-U/img): rbd-mirror daemon of cluster 'zdata'
  image zdata:vrbdt-U/img has no other clients: nothing to fence
  $ for x in "$C $wc" "$Z $wz"; do set -- $x; ceph -c "$1" osd blocklist ls 2> /dev/null | awk -v a="$2" '$1 == a {n++} END {print n + 0}'; done
  0
  0
  $ [ "$(l "$Z")" = "$wz" ] && echo "zdata's copy still locked by its daemon"
  zdata's copy still locked by its daemon
  $ exec 5>&-; wait $pid; true

Replication goes on after the fence: a mirror snapshot of ceph's primary
is replayed on zdata (waited for on the condition, 90 s at most: zdata's
non-primary mirror snapshot naming its id complete)

  $ id=$(rbd -c "$C" mirror image snapshot $P/img | sed -n 's/^Snapshot ID: \([0-9]*\)$/\1/p'); [ -n "$id" ] && echo made
  made
  $ for i in $(seq 180); do rbd -c "$Z" snap ls --all $P/img --format json 2> /dev/null | python3 -c 'import json, sys; sys.exit(0 if any(x["namespace"].get("primary_snap_id") == int(sys.argv[1]) and x["namespace"].get("complete") for x in json.load(sys.stdin)) else 1)' "$id" && break; sleep 0.5; done && echo replayed
  replayed

Mirroring disabled on the primary: zdata's daemon removes its copy (what
vol rm's refusal warned of; waited for, 90 s at most), and vol rm removes
the primary (a daemon's watch that lingers meanwhile does not stop it)

  $ rbd -c "$C" mirror image disable $P/img
  Mirroring disabled
  $ for i in $(seq 180); do rbd -c "$Z" info $P/img > /dev/null 2>&1 || break; sleep 0.5; done; rbd -c "$Z" info $P/img > /dev/null 2>&1 || echo "zdata's copy removed by its daemon"
  zdata's copy removed by its daemon
  $ virt-rbd vol rm --now ceph:$P/img
  image ceph:vrbdt-*/img removed (glob)

Clean-up: peers removed on both sides, mirroring disabled, pools removed

  $ for c in "$C" "$Z"; do for u in $(rbd -c "$c" mirror pool info $P --format json | python3 -c 'import json, sys; print(" ".join(p["uuid"] for p in json.load(sys.stdin)["peers"]))'); do rbd -c "$c" mirror pool peer remove $P "$u"; done; done
  $ for c in "$C" "$Z"; do rbd -c "$c" mirror pool disable $P && ceph -c "$c" osd pool rm $P $P --yes-i-really-really-mean-it 2>&1; done
  pool 'vrbdt-*' removed (glob)
  pool 'vrbdt-*' removed (glob)
