#require lab
vol list -l reads each image's header object instead of opening the image
(lib/volume-scan.c).  On a pool of varied images it must show what opening
them shows (VRBD_TEST_LIST_OPEN=1 takes the old path, the oracle here),
and what rbd ls -l shows; images it cannot read that way are opened, and
an image removed while the listing runs is skipped, not a failure.

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create ceph:vrbdt-$UNIQ --pg 8 > /dev/null
  $ rbd() { command rbd -c "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" "$@"; }
  $ P=vrbdt-$UNIQ

The images: virt-rbd's defaults, with and without data; layering only (no
object map: USED unknown); 1 MiB objects and a size that is not a multiple
of them; a protected snapshot and a v1 clone of it with data of its own; a
v2 clone of an unprotected snapshot; owner metadata; a lock taken with
rbd lock add (not librbd's: not "locked"); fancy striping and a clone whose
parent is in the trash (both opened the old way)

  $ virt-rbd vol create $P/a --size 100M > /dev/null
  $ virt-rbd vol create $P/b --size 1G > /dev/null
  $ head -c 6M /dev/urandom > six.raw; virt-rbd import six.raw $P/data > /dev/null
  $ rbd create --size 50M --image-feature layering $P/plain
  $ rbd create --size 64M --image-feature layering,exclusive-lock,object-map,fast-diff --object-size 1M $P/odd
  $ rbd bench --io-type write --io-total 5M --io-size 1M $P/odd > /dev/null 2>&1
  $ rbd resize --size 70M --allow-shrink $P/odd 2> /dev/null
  $ rbd create --size 32M --stripe-unit 64K --stripe-count 4 $P/striped
  $ rbd snap create $P/a@s1 2> /dev/null; rbd snap protect $P/a@s1
  $ rbd clone --rbd-default-clone-format 1 $P/a@s1 $P/c1
  $ rbd bench --io-type write --io-total 12M --io-size 4M $P/c1 > /dev/null 2>&1
  $ rbd snap create $P/b@s2 2> /dev/null
  $ rbd clone --rbd-default-clone-format 2 $P/b@s2 $P/c2
  $ rbd image-meta set $P/b virt-rbd.owner "domain=d1 host=h1" > /dev/null
  $ rbd lock add $P/plain mylock
  $ virt-rbd vol create $P/golden --size 20M > /dev/null
  $ rbd snap create $P/golden@g 2> /dev/null
  $ rbd clone --rbd-default-clone-format 2 $P/golden@g $P/orphan
  $ rbd trash mv $P/golden

One image is in use: a writer holds its exclusive lock and watches it

  $ command rbd -c "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" bench --io-type write --io-size 4K --io-threads 1 --io-total 100G --io-pattern rand $P/b > /dev/null 2>&1 &
  $ echo $! > writer.pid
  $ for i in $(seq 300); do rbd lock ls $P/b 2> /dev/null | grep -q '^client.*auto ' && break; sleep 0.1; done; rbd lock ls $P/b | grep -c 'auto '
  1

Both paths and rbd ls -l while it writes (the writer keeps changing b's
used bytes: those are left out of the comparison)

  $ virt-rbd -v -v --json vol list -l $P > new.json 2> new.err
  $ VRBD_TEST_LIST_OPEN=1 virt-rbd --json vol list -l $P > old.json
  $ rbd ls -l --format json $P > rbd.json
  $ kill $(cat writer.pid); wait 2> /dev/null; true

The header path answered for every image but the striped one and the
clone of a trashed parent

  $ grep -o "image '[a-z0-9]*' read by opening it" new.err | sort
  image 'orphan' read by opening it
  image 'striped' read by opening it

It shows the same fields, with the same values, as opening the images;
the lock is the one difference: opened read-only, librbd cannot name a
lock owner (rbd_lock_get_owners fails without an exclusive-lock object),
so the old path never showed one.  rbd ls -l shows it, as the new one does

  $ python3 - <<'EOF'
  > import json
  > new = {v["name"]: v for v in json.load(open("new.json"))}
  > old = {v["name"]: v for v in json.load(open("old.json"))}
  > print(sorted(new) == sorted(old), sorted(new))
  > for n in sorted(new):
  >     a, b = dict(new[n]), dict(old[n])
  >     if n == "b":
  >         a.pop("used"); b.pop("used")
  >     if a != b:
  >         print(n, {k: (a.get(k), b.get(k)) for k in a if a.get(k) != b.get(k)})
  > EOF
  True ['a', 'b', 'c1', 'c2', 'data', 'odd', 'orphan', 'plain', 'striped']
  b {'locked': (True, False)}

Against rbd ls -l: sizes, parents and the lock (rbd names a parent in the
trash by its image name too).  rbd's LOCK counts any lock, the one rbd lock
add took on plain too; virt-rbd's, as rbd_lock_get_owners, only librbd's
exclusive lock

  $ python3 - <<'EOF'
  > import json
  > new = {v["name"]: v for v in json.load(open("new.json"))}
  > for r in json.load(open("rbd.json")):
  >     if "snapshot" in r:
  >         continue
  >     v = new[r["image"]]
  >     p = r.get("parent")
  >     parent = "%s/%s@%s" % (p["pool"], p["image"], p["snapshot"]) if p else None
  >     ok = (v["size"] == r["size"], v["parent"] == parent, v["locked"] == (r.get("lock_type") == "exclusive"))
  >     print(r["image"], ok, v["locked"]) if not all(ok) or v["locked"] else None
  > EOF
  b (True, True, True) True
  plain (True, True, False) False

The values themselves, in the table (b's writer, killed, leaves its used
bytes, lock and watch behind for a while: X)

  $ virt-rbd vol list -l $P | sed "s/$UNIQ/U/g" | awk '{ if ($1 == "b") $4 = $5 = $9 = $10 = "X"; $1 = $1; print }'
  NAME SIZE USED PARENT FMT PROT LOCK WATCHERS OWNER
  a 100 MiB 0 B - 2 yes - 0 -
  b 1 GiB X X - 2 - X X d1
  c1 100 MiB 12 MiB vrbdt-U/a@s1 2 - - 0 -
  c2 1 GiB 0 B vrbdt-U/b@s2 2 - - 0 -
  data 6 MiB 6 MiB - 2 - - 0 -
  odd 70 MiB 5 MiB - 2 - - 0 -
  orphan 20 MiB 0 B vrbdt-U/golden@g 2 - - 0 -
  plain 50 MiB ? - 2 - - 0 -
  striped 32 MiB 0 B - 2 - - 0 -

An image removed while the listing runs: the listing stops itself after
its first image (one at a time), the test removes zz-gone (still to come:
images go in directory order) and makes zz-new, then lets it go on; it
lists neither and succeeds

  $ virt-rbd vol create $P/zz-gone --size 8M > /dev/null
  $ VRBD_TEST_PAUSE_AT=list-after-first virt-rbd vol list -l $P --jobs 1 > paused.out 2>&1 &
  $ pid=$!; bash "$TESTDIR/waitstop" $pid && echo stopped
  stopped
  $ rbd rm $P/zz-gone 2> /dev/null; virt-rbd vol create $P/zz-new --size 8M > /dev/null
  $ kill -CONT $pid; wait $pid; echo "exit $?"
  exit 0
  $ awk 'NR > 1 {print $1}' paused.out | tr '\n' ' '; echo
  a b c1 c2 data odd orphan plain striped 

Plain vol list is untouched: one rbd_list2 call

  $ virt-rbd vol list $P | tr '\n' ' '; echo
  a b c1 c2 data odd orphan plain striped zz-new 
