#require lab
Set up: both clusters registered, a pool on zdata

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ virt-rbd pool create zdata:vrbdt-$UNIQ --pg 8 > /dev/null

Local vs RBD side by side: each workload on both sides, plausible numbers, and
nothing left behind on either side

  $ mkdir scratch
  $ virt-rbd --json bench --local scratch --size 8M --time 1 zdata:vrbdt-$UNIQ > out.json
  $ python3 -c '
  > import json
  > rows = json.load(open("out.json"))
  > print(len(rows))
  > for a, b in zip(rows[::2], rows[1::2]):
  >     assert a["workload"] == b["workload"] and (a["target"], b["target"]) == ("local", "rbd"), (a, b)
  >     for r in (a, b):
  >         assert r["ops"] > 0 and r["mb_per_s"] > 0 and 0 < r["lat_p50_us"] <= r["lat_p99_us"], r
  >     print(a["workload"])
  > w = [r for r in rows if r["workload"] == "seqwrite-1m-qd16"]
  > print("both sides filled:", all(r["bytes"] == 8 << 20 for r in w))
  > '
  12
  seqwrite-1m-qd16
  seqread-1m-qd16
  randwrite-4k-qd1
  randwrite-4k-qd32
  randread-4k-qd1
  randread-4k-qd32
  both sides filled: True
  $ ls -A scratch; virt-rbd vol list zdata:vrbdt-$UNIQ
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ; rbd -c "$VRBD_LAB_ZDATA_CONF" trash ls vrbdt-$UNIQ

The table, RBD only

  $ virt-rbd bench --size 4M --time 1 zdata:vrbdt-$UNIQ | sed -E 's/[0-9]+(\.[0-9]+)?/N/g; s/ +/ /g' | awk '!seen[$0]++'
  working set N MiB per side, N s per timed workload; local not measured
  workload target IOPS MB/s pN ms pN ms
  seqwrite-Nm-qdN rbd N N N N
  seqread-Nm-qdN rbd N N N N
  randwrite-Nk-qdN rbd N N N N
  randread-Nk-qdN rbd N N N N

A pool that does not exist is named; nothing is made

  $ virt-rbd bench --local scratch --size 4M --time 1 zdata:nosuchpool-$UNIQ 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: pool 'nosuchpool-U' not found in cluster 'zdata'
  virt-rbd: hint: see 'virt-rbd pool list zdata:'
  [1]
  $ ls -A scratch

A block device holding data is refused and left as it was; an empty one is measured

  $ truncate -s 16M dev.img && printf 'KEEP-ME' | dd of=dev.img bs=512 seek=2048 conv=notrunc status=none
  $ losetup --find --show dev.img > loopdev
  $ virt-rbd bench --local "$(cat loopdev)" --size 4M --time 1 2>&1 | sed "s|$(cat loopdev)|LOOP|"
  virt-rbd: error: device 'LOOP' holds data: the benchmark writes only to empty devices
  virt-rbd: hint: give an empty device or a directory
  [1]
  $ dd if=dev.img bs=512 skip=2048 count=1 status=none | head -c 7; echo
  KEEP-ME
  $ losetup -d "$(cat loopdev)"; rm dev.img; truncate -s 16M empty.img
  $ losetup --find --show empty.img > loopdev
  $ virt-rbd --json bench --local "$(cat loopdev)" --size 4M --time 1 | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r), r[0]["direct"], r[0]["bytes"])'
  6 True 4194304
  $ losetup -d "$(cat loopdev)"

An image given where bench takes a pool is refused, naming the form it takes:
bench never runs on data it did not make; the image is left as it was

  $ head -c 4M /dev/urandom > data.raw; virt-rbd import data.raw zdata:vrbdt-$UNIQ/data > /dev/null
  $ virt-rbd bench --local scratch --size 4M --time 1 zdata:vrbdt-$UNIQ/data 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: 'zdata:vrbdt-U/data' names image 'data' of pool 'vrbdt-U': bench takes [CLUSTER:]POOL[/NAMESPACE] and never runs on an image it did not make
  virt-rbd: hint: give the pool (virt-rbd bench zdata:vrbdt-U): the benchmark makes and removes a scratch image of its own there
  [1]
  $ rbd -c "$VRBD_LAB_ZDATA_CONF" export vrbdt-$UNIQ/data - 2>/dev/null | cmp - data.raw && echo unchanged
  unchanged
  $ ls -A scratch; rbd -c "$VRBD_LAB_ZDATA_CONF" ls vrbdt-$UNIQ; rbd -c "$VRBD_LAB_ZDATA_CONF" namespace ls vrbdt-$UNIQ
  data

A namespace that does not exist is named as such

  $ virt-rbd bench --size 4M --time 1 zdata:vrbdt-$UNIQ/nons 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: namespace 'nons' not found in pool 'vrbdt-U' of cluster 'zdata'
  virt-rbd: hint: create it with 'rbd namespace create vrbdt-U/nons' (virt-rbd does not make namespaces), or leave the namespace out
  [1]
  $ virt-rbd vol rm --now zdata:vrbdt-$UNIQ/data > /dev/null

Clean up

  $ virt-rbd pool rm zdata:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
