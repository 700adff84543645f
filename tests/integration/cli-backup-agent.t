#require lab
Backups of running VMs and the guest agent.  The lab guest's stand-in
agent (agent=ok on its command line) answers libvirt's freeze and thaw:
before it answers a freeze it writes "VIRT-RBD-FREEZE NONCE N" to sector
8192 of every disk, before it answers a thaw "VIRT-RBD-THAW NONCE N" to
sector 8193.  A snapshot taken while the guest was frozen has the one
record and not the other.  agent=mute opens the port and answers
nothing; agent=stuck answers all but a freeze.

  $ C=$VRBD_LAB_CEPH_CONF Z=$VRBD_LAB_ZDATA_CONF P=vrbdt-$UNIQ; umask 077
  $ virt-rbd cluster add ceph --conf "$C" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$Z" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for c in ceph zdata; do virt-rbd pool create $c:$P --pg 8 > /dev/null && virt-rbd host connect $c:$P --user client.vrbdt-$UNIQ > /dev/null || echo "failed on $c"; done
  $ vm() { virt-rbd vm create $1-$UNIQ --size 16M --pool ceph:$P --memory 256 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 marker=m$UNIQ hold=600 agent=$2" --console-log "$PWD/$1.log" --start > /dev/null; }
  $ rec() { rbd -c "$1" export --no-progress "$2" r.raw && dd if=r.raw bs=512 skip=$3 count=1 status=none | tr -d '\000' | sed "s/m$UNIQ/M/" && rm r.raw && echo "."; }
  $ console() { for i in $(seq 300); do grep -q "$2" "$1.log" 2> /dev/null && return 0; sleep 0.2; done; echo "no '$2' on $1's console"; return 1; }
  $ agent_up() { for i in $(seq 300); do virsh -q -c "$VIRT_RBD_LIBVIRT_URI" qemu-agent-command $1 '{"execute":"guest-sync","arguments":{"id":7}}' 2> /dev/null | grep -q 7 && return 0; sleep 0.2; done; echo "no agent in $1"; return 1; }
  $ connected() { for i in $(seq 300); do x=$(virsh -q -c "$VIRT_RBD_LIBVIRT_URI" dumpxml $1) || return 1; case $x in *"name='org.qemu.guest_agent.0' state='connected'"*) return 0 ;; esac; sleep 0.2; done; echo "no agent connected in $1"; return 1; }
  $ snap() { python3 -c 'import json, sys; print(json.load(sys.stdin)["name"])'; }

A VM whose agent answers, with a disk on each cluster: the filesystems
are frozen around the snapshots, the VM is not paused, and the output
says so

  $ vm ok ok && head -c 16M /dev/zero > zero.raw && rbd -c "$Z" import --no-progress zero.raw $P/ok-data && virt-rbd disk attach ok-$UNIQ zdata:$P/ok-data > /dev/null
  $ agent_up ok-$UNIQ && console ok 'VIRT-RBD-MARKER dev=/dev/vdb'
  $ virt-rbd --json backup ok-$UNIQ --to zdata:$P > b1.json && s1=$(snap < b1.json) && python3 -c 'import json, sys; b = json.load(sys.stdin); print(b["consistency"], [(d["dev"], d["kind"]) for d in b["disks"]])' < b1.json
  frozen [('vda', 'full'), ('vdb', 'full')]
  $ tr -d '\r' < ok.log | grep '^GUEST-FREEZE\|^GUEST-THAW'
  GUEST-FREEZE 1
  GUEST-THAW 1
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" domstate ok-$UNIQ
  running

Each backup snapshot was taken inside the freeze: it has the freeze's
record and not the thaw's; the disks themselves have both

  $ rec "$Z" $P/bk.ceph.$P.ok-$UNIQ@$s1 8192; rec "$Z" $P/bk.ceph.$P.ok-$UNIQ@$s1 8193
  VIRT-RBD-FREEZE M 1
  .
  .
  $ rec "$Z" $P/bk.zdata.$P.ok-data@$s1 8192; rec "$Z" $P/bk.zdata.$P.ok-data@$s1 8193
  VIRT-RBD-FREEZE M 1
  .
  .
  $ rec "$C" $P/ok-$UNIQ 8193; rec "$Z" $P/ok-data 8193
  VIRT-RBD-THAW M 1
  .
  VIRT-RBD-THAW M 1
  .

The next backup is incremental and frozen again: its snapshots have the
second freeze and the first thaw

  $ virt-rbd backup ok-$UNIQ > b2.out && sed -n 2p b2.out && s2=$(awk 'NR == 1 {print $2}' b2.out)
  consistency: filesystems frozen by the guest agent (* s) (glob)
  $ awk 'NR > 3 {print $1, $3, $4}' b2.out | sed "s/$s1/S1/"
  vda since S1
  vdb since S1
  $ rec "$Z" $P/bk.zdata.$P.ok-data@$s2 8192; rec "$Z" $P/bk.zdata.$P.ok-data@$s2 8193
  VIRT-RBD-FREEZE M 2
  .
  VIRT-RBD-THAW M 1
  .

An agent that opened its port (libvirt sees it connected) and answers
nothing: the VM is paused for the snapshots instead, the output says
why, and a warning says how to thaw by hand, in case

  $ vm mute mute && console mute 'GUEST-AGENT-OPEN mute' && connected mute-$UNIQ
  $ virt-rbd --timeout 3 backup mute-$UNIQ --to zdata:$P 2> m.err > m.out && sed "s/$UNIQ/U/g" m.err && sed -n 2p m.out
  virt-rbd: warning: the guest agent of 'mute-U' did not answer a thaw either: if its filesystems are frozen, thaw them (virsh domfsthaw mute-U)
  consistency: crash-consistent: the VM was paused * s for the snapshots (no freeze: Guest agent is not responding: Guest agent not available for now) (glob)
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" domstate mute-$UNIQ
  running

An agent that never answers a freeze: libvirt would wait for it for
ever; the backup waits --timeout, thaws what the freeze may have frozen
(the thaw reached the guest), and pauses the VM instead

  $ vm stuck stuck && agent_up stuck-$UNIQ
  $ virt-rbd --timeout 3 backup stuck-$UNIQ --to zdata:$P > st.out && sed -n 2p st.out
  consistency: crash-consistent: the VM was paused * s for the snapshots (no freeze: Guest agent is not responding: *) (glob)
  $ tr -d '\r' < stuck.log | grep '^GUEST-FREEZE\|^GUEST-THAW'
  GUEST-FREEZE-STUCK
  GUEST-THAW 0
  $ virsh -q -c "$VIRT_RBD_LIBVIRT_URI" domstate stuck-$UNIQ
  running

Clean-up

  $ for d in ok mute stuck; do virsh -q -c "$VIRT_RBD_LIBVIRT_URI" destroy $d-$UNIQ > /dev/null && virt-rbd vm rm $d-$UNIQ --disks --now > /dev/null || echo "failed on $d"; done
  $ for c in "$Z" "$C"; do for i in $(rbd -c "$c" ls $P | sort -r); do rbd -c "$c" snap purge --no-progress $P/$i && rbd -c "$c" rm --no-progress $P/$i || echo "failed on $i"; done; done
  $ for c in ceph zdata; do virt-rbd vol trash purge $c:$P > /dev/null && virt-rbd host disconnect $c:$P > /dev/null && virt-rbd pool rm $c:$P --yes-i-really-mean-it > /dev/null || echo "failed on $c"; done
