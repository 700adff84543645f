#require lab
The fleet: the lab's three libvirt hosts (h1 the system libvirtd, h2 and h3
each a libvirtd in its own mount namespace, see scripts/lab hosts), one VM
moved between them live.  Every host is reached by the URI `lab env` gives,
which also works from inside the other hosts (peer-to-peer migration).

  $ for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; [ -n "${!u}" ] || echo "no $h in the lab"; done
  $ H1=$VRBD_LAB_H1_URI H2=$VRBD_LAB_H2_URI H3=$VRBD_LAB_H3_URI
  $ V="vm-$UNIQ"
  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create ceph:vrbdt-$UNIQ --pg 8 > /dev/null

fleet add records each host's UUID: three hosts, three UUIDs, one hostname

  $ for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; virt-rbd fleet add $h "${!u}" --address 127.0.0.1 | sed 's/[0-9a-f-]\{36\}/UUID/; s/socket=.*,/socket=S,/'; done
  host 'h1' added: qemu+unix:///system?socket=S, host UUID UUID
  host 'h2' added: qemu+unix:///system?socket=S, host UUID UUID
  host 'h3' added: qemu+unix:///system?socket=S, host UUID UUID
  $ sed -n 's/^uuid = //p' "$VIRT_RBD_CONFIG_DIR"/hosts/*.conf | sort -u | wc -l
  3
  $ virt-rbd fleet add again qemu:///system 2>&1 | sed 's/[0-9a-f-]\{36\}/UUID/'
  virt-rbd: error: libvirt at 'qemu:///system' has host UUID UUID, already registered as 'h1'
  virt-rbd: hint: use the name 'h1' for it, or remove that one first
  [1]
  $ ls "$VIRT_RBD_CONFIG_DIR/hosts"
  h1.conf
  h2.conf
  h3.conf

A pool connected on h1 only: fleet list names what h2 and h3 lack, and exits 1

  $ virt-rbd --host h1 host connect ceph:vrbdt-$UNIQ --user client.vrbdt-$UNIQ --name p-$UNIQ > /dev/null
#cleanup for h in "$VRBD_LAB_H1_URI" "$VRBD_LAB_H2_URI" "$VRBD_LAB_H3_URI"; do virsh -q -c "$h" pool-destroy p-$UNIQ; virsh -q -c "$h" pool-undefine p-$UNIQ; done > /dev/null 2>&1; true
  $ virt-rbd --json fleet list > list.json
  [1]
  $ python3 -c 'import json,os; u=os.environ["UNIQ"]; d=json.load(open("list.json")); print([(h["name"], h["reachable"], [k["kind"] for k in h["drift"] if (k["pool"] or "").endswith(u)]) for h in d["hosts"]])'
  [('h1', True, []), ('h2', True, ['pool']), ('h3', True, ['pool'])]
  $ virt-rbd fleet list | grep -c "has pool 'p-$UNIQ', this one has not"
  2
  [1]

fleet sync gives h2 and h3 the same pool and secret (same UUID); again it changes nothing

  $ virt-rbd fleet sync ceph:vrbdt-$UNIQ --json > sync.json 2>&1 || cat sync.json
  $ python3 -c 'import json,os; d=json.load(open("sync.json")); print(sorted((r["host"], r["ok"], r["pool_defined"], r["libvirt_pool"].replace(os.environ["UNIQ"], "U")) for r in d)); print(len({r["secret"] for r in d}))'
  [('h1', True, False, 'p-U'), ('h2', True, True, 'p-U'), ('h3', True, True, 'p-U')]
  1
  $ virt-rbd fleet sync ceph:vrbdt-$UNIQ | awk 'NR > 1 {print $1, $3}'
  h1 ok
  h2 ok
  h3 ok
  $ virt-rbd fleet list | grep -c "p-$UNIQ"
  0
  [1]
  $ for h in "$H2" "$H3"; do virsh -q -c "$h" pool-info p-$UNIQ | awk '/^State/ {print $2}'; done
  running
  running

A VM on h1 moves live to h2, then to h3, then home; its disk's recorded
owner follows it by fleet name (all hosts share one hostname)

  $ virt-rbd --host h1 vm create $V --size 64M --pool ceph:vrbdt-$UNIQ --memory 256 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 marker=m$UNIQ hold=900" --start > /dev/null
#cleanup for h in "$VRBD_LAB_H1_URI" "$VRBD_LAB_H2_URI" "$VRBD_LAB_H3_URI"; do virsh -q -c "$h" destroy vm-$UNIQ; virsh -q -c "$h" undefine vm-$UNIQ; done > /dev/null 2>&1; true
  $ virt-rbd --json vol info vrbdt-$UNIQ/$V | python3 -c 'import json,sys; print(json.load(sys.stdin)["owner"].split()[0])'
  host=h1
  $ virt-rbd --host h1 vm migrate $V --to h2 | sed "s/$UNIQ/U/; s/in [0-9.]* s/in N s/; s/paused [0-9]* ms/paused N ms/; s/[0-9.]* MiB sent/N MiB sent/"
  vm 'vm-U' migrated from 'h1' to 'h2' live in N s, paused N ms, N MiB sent; 1 RBD disk(s)
  $ virsh -q -c "$H2" domstate $V; virsh -q -c "$H1" domstate $V 2>&1 | sed "s/$UNIQ/U/"
  running
  error: failed to get domain 'vm-U'
  [1]
  $ virsh -q -c "$H2" dominfo $V | awk '/^Persistent/ {print $2}'
  yes
  $ virt-rbd --json vol info vrbdt-$UNIQ/$V | python3 -c 'import json,sys; print(json.load(sys.stdin)["owner"].split()[0])'
  host=h2
  $ rbd -c "$VRBD_LAB_CEPH_CONF" image-meta get vrbdt-$UNIQ/$V virt-rbd.domain | grep -c "<name>$V</name>"
  1
  $ virt-rbd --host h2 --json vm migrate $V --to h3 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["from"], d["to"], d["live"], d["rbd_disks"], d["downtime_ms"] >= 0, d["data_bytes"] > 0)'
  h2 h3 True 1 True True
  $ virt-rbd --host h3 vm migrate $V --to h1 > /dev/null
  $ virsh -q -c "$H1" domstate $V
  running
  $ virt-rbd --host h1 vm migrate $V --to h1 2>&1 | sed "s/$UNIQ/U/"
  virt-rbd: error: 'vm-U' runs on host 'h1' already (same host UUID)
  virt-rbd: hint: pick another --to, or select the source with --host
  [1]
