bench needs something to measure, and sane numbers

  $ virt-rbd bench
  virt-rbd: error: give --local PATH, a pool, or both
  virt-rbd: hint: see 'virt-rbd help bench'
  [2]
  $ virt-rbd bench --local . --size 3k
  virt-rbd: error: invalid --size '3k': give a whole number of MiB, 1M or more
  virt-rbd: hint: see 'virt-rbd help bench'
  [2]
  $ virt-rbd bench --local . --time 0
  virt-rbd: error: invalid --time '0': give a whole number from 1 to 3600
  virt-rbd: hint: see 'virt-rbd help bench'
  [2]
  $ virt-rbd bench --local . pool/img@snap
  virt-rbd: error: 'pool/img@snap' names a snapshot where [CLUSTER:]POOL[/NAMESPACE] is expected
  virt-rbd: hint: drop the '@SNAP' part
  [1]

It writes only to what it creates: an existing file is refused and left as it was

  $ echo precious > data.txt
  $ virt-rbd bench --local data.txt --size 1M --time 1
  virt-rbd: error: 'data.txt' exists: the benchmark writes only to a file it creates
  virt-rbd: hint: give a directory, a new file name or an empty block device
  [1]
  $ cat data.txt
  precious

A local run: every workload measured, with plausible numbers, and the scratch file gone

  $ mkdir scratch
  $ virt-rbd --json bench --local scratch --size 4M --time 1 > out.json
  $ python3 -c '
  > import json
  > rows = json.load(open("out.json"))
  > print(len(rows), sorted({r["target"] for r in rows}))
  > for r in rows:
  >     assert r["ops"] > 0 and r["iops"] > 0 and r["mb_per_s"] > 0, r
  >     assert 0 < r["lat_p50_us"] <= r["lat_p99_us"], r
  >     assert r["bytes"] == r["ops"] * r["block_size"], r
  >     print(r["workload"], r["block_size"], r["queue_depth"], r["write"], r["random"])
  > seq = rows[0]
  > print("the sequential write fills the set once:", seq["ops"] * seq["block_size"] == 4 << 20)
  > '
  6 ['local']
  seqwrite-1m-qd16 1048576 16 True False
  seqread-1m-qd16 1048576 16 False False
  randwrite-4k-qd1 4096 1 True True
  randwrite-4k-qd32 4096 32 True True
  randread-4k-qd1 4096 1 False True
  randread-4k-qd32 4096 32 False True
  the sequential write fills the set once: True
  $ ls -A scratch
  $ virt-rbd bench --local new.img --size 2M --time 1 | sed -n 1,2p
  working set 2 MiB per side, 1 s per timed workload; local (with O_DIRECT|through the page cache \(no O_DIRECT\)) (re)
  workload           target      IOPS      MB/s    p50 ms    p99 ms
  $ ls new.img
  ls: cannot access 'new.img': No such file or directory
  [2]
