#require lab
libvirtd restarting in the middle of `disk attach`, `host connect` and
`vm move --live`.
Each fault strikes at a named point: the command stops itself there
(VRBD_TEST_PAUSE_AT, SIGSTOP), the test restarts libvirtd (scripts/lab
restart-libvirtd) or cuts its connection, then lets it go on (SIGCONT).  A
relay between virt-rbd and libvirtd (rpc-cut) drops libvirtd's answer to
one call and closes the connection, as a restart right after the call
would: libvirtd did the work, virt-rbd never heard.

Set up: a pool, a running guest on RBD, a second (stopped) domain, three
data images

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create ceph:vrbdt-$UNIQ --pg 8 > /dev/null
  $ virt-rbd host connect ceph:vrbdt-$UNIQ --user client.vrbdt-$UNIQ > /dev/null
  $ for d in d1 d2 d3; do virt-rbd vol create vrbdt-$UNIQ/$d --size 16M > /dev/null; done
  $ virt-rbd vm create rs-$UNIQ --size 64M --pool vrbdt-$UNIQ --memory 128 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 hold=1800" --console-log "$PWD/console.log" --start > /dev/null
  $ virt-rbd vm create other-$UNIQ --size 64M --pool vrbdt-$UNIQ > /dev/null
  $ virt-rbd --json vol info vrbdt-$UNIQ/d1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["owner"])'
  None

libvirtd attaches the disk but its answer is lost with the connection: the
attach reconnects, finds the disk in the live and the persistent
definition, records the owner, and says what happened

  $ "$TESTDIR/rpc-cut" "$PWD/a.sock" /run/libvirt/libvirt-sock a.log 160 & relay=$!
  > for i in $(seq 100); do [ -S a.sock ] && break; sleep 0.1; done
  > virt-rbd --connect "qemu+unix:///system?socket=$PWD/a.sock" disk attach rs-$UNIQ vrbdt-$UNIQ/d1 2>&1 | sed "s/$UNIQ/U/g"; r=$?; kill $relay; (exit $r)
  virt-rbd: warning: the connection to libvirtd was lost while attaching vrbdt-U/d1 to 'rs-U' \(.*\); reconnected: libvirtd had attached it live and persistent (re)
  ceph:vrbdt-U/d1 attached to 'rs-U' as vdb
  $ grep cut a.log
  cut 160
  $ virsh -q -c qemu:///system domblklist rs-$UNIQ | awk '{print $1, $2}' | sed "s/$UNIQ/U/g"
  vda vrbdt-U/rs-U
  vdb vrbdt-U/d1
  $ virsh -q -c qemu:///system domblklist --inactive rs-$UNIQ | awk '{print $1, $2}' | sed "s/$UNIQ/U/g"
  vda vrbdt-U/rs-U
  vdb vrbdt-U/d1
  $ virt-rbd --json vol info vrbdt-$UNIQ/d1 | python3 -c 'import json,sys,os; print(json.load(sys.stdin)["owner"].split()[1].replace(os.environ["UNIQ"],"U"))'
  domain=rs-U

Another domain is refused the image, naming the holder; the same attach
again finds it done

  $ virt-rbd disk attach other-$UNIQ vrbdt-$UNIQ/d1 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: image 'vrbdt-U/d1' is in use by domain 'rs-U': two writers would corrupt it
  virt-rbd: hint: shut the guest down: virsh shutdown rs-U (or detach the disk)
  [1]
  $ virt-rbd disk attach rs-$UNIQ vrbdt-$UNIQ/d1 | sed "s/$UNIQ/U/g"
  ceph:vrbdt-U/d1 attached to 'rs-U' as vdb
  $ virsh -q -c qemu:///system domblklist --inactive rs-$UNIQ | grep -c d1
  1

And it detaches (once the guest has booted: it acknowledges the unplug)

  $ for i in $(seq 300); do grep -q VIRT-RBD-MARKER console.log 2>/dev/null && break; sleep 0.2; done
  $ virt-rbd disk detach rs-$UNIQ vrbdt-$UNIQ/d1 | sed "s/$UNIQ/U/g"
  vrbdt-U/d1 detached from 'rs-U'
  $ for i in $(seq 150); do virsh -q -c qemu:///system domblklist rs-$UNIQ | grep -q d1 || break; sleep 0.2; done
  $ virsh -q -c qemu:///system domblklist rs-$UNIQ | awk '{print $1, $2}' | sed "s/$UNIQ/U/g"
  vda vrbdt-U/rs-U
  $ virt-rbd --json vol info vrbdt-$UNIQ/d1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["owner"])'
  None

libvirtd restarts while the attach is about to call it (stopped at
attach-before-device): the call fails on the dead connection, the attach
reconnects, finds nothing done, and does it

  $ cat "$VRBD_LAB_DIR/libvirt/libvirtd.pid" > pid0
  $ VRBD_TEST_PAUSE_AT=attach-before-device virt-rbd disk attach rs-$UNIQ vrbdt-$UNIQ/d2 > b.out 2>&1 &
  > pid=$!; bash "$TESTDIR/waitstop" $pid && "$TESTDIR/../../scripts/lab" restart-libvirtd > /dev/null; kill -CONT $pid; wait $pid; echo "exit $?"
  exit 0
  $ cmp -s pid0 "$VRBD_LAB_DIR/libvirt/libvirtd.pid" || echo "libvirtd restarted while the attach was stopped"
  libvirtd restarted while the attach was stopped
  $ sed "s/$UNIQ/U/g" b.out
  virt-rbd: warning: the connection to libvirtd was lost while attaching vrbdt-U/d2 to 'rs-U' \(.*\); reconnected: attached it live and persistent (re)
  ceph:vrbdt-U/d2 attached to 'rs-U' as vdb
  $ virsh -q -c qemu:///system domblklist rs-$UNIQ | awk '{print $1, $2}' | sed "s/$UNIQ/U/g"
  vda vrbdt-U/rs-U
  vdb vrbdt-U/d2
  $ virsh -q -c qemu:///system domblklist --inactive rs-$UNIQ | awk '{print $1, $2}' | sed "s/$UNIQ/U/g"
  vda vrbdt-U/rs-U
  vdb vrbdt-U/d2
  $ virt-rbd --json vol info vrbdt-$UNIQ/d2 | python3 -c 'import json,sys,os; print(json.load(sys.stdin)["owner"].split()[1].replace(os.environ["UNIQ"],"U"))'
  domain=rs-U

libvirtd does not come back (the relay is gone): the attach gives up after
--timeout, saying it cannot know what was done; run again, it finishes

  $ "$TESTDIR/rpc-cut" "$PWD/c.sock" /run/libvirt/libvirt-sock c.log 0 & relay=$!
  > for i in $(seq 100); do [ -S c.sock ] && break; sleep 0.1; done
  > VRBD_TEST_PAUSE_AT=attach-before-device virt-rbd --timeout 3 --connect "qemu+unix:///system?socket=$PWD/c.sock" disk attach rs-$UNIQ vrbdt-$UNIQ/d3 > c.out 2>&1 &
  > pid=$!; bash "$TESTDIR/waitstop" $pid; kill $relay; wait $relay; t0=$SECONDS; kill -CONT $pid; wait $pid; echo "exit $?"; [ $((SECONDS - t0)) -le 6 ] && echo "ended within 2 x --timeout"
  exit 1
  ended within 2 x --timeout
  $ sed "s/$UNIQ/U/g; s|$PWD|PWD|g" c.out
  virt-rbd: error: vrbdt-U/d3 may or may not be attached to domain 'rs-U' as vdc: the connection to libvirtd was lost during the attach \(.*\), and libvirt at 'qemu\+unix:///system\?socket=PWD/c.sock' did not answer again within 3 s: .* (re)
  virt-rbd: hint: once libvirtd answers, run the same attach again: it finishes what libvirtd did, or does it (see 'virt-rbd disk list rs-U')
  $ virt-rbd disk attach rs-$UNIQ vrbdt-$UNIQ/d3 | sed "s/$UNIQ/U/g"
  ceph:vrbdt-U/d3 attached to 'rs-U' as vdc

host connect: libvirtd sets the secret's value but the answer is lost;
the command reconnects and finishes (pool defined, started, autostart: a
started RBD pool proves the secret holds the key)

  $ virt-rbd pool create ceph:vrbdh-$UNIQ --pg 8 > /dev/null
  $ "$TESTDIR/rpc-cut" "$PWD/d.sock" /run/libvirt/libvirt-sock d.log 144 & relay=$!
  > for i in $(seq 100); do [ -S d.sock ] && break; sleep 0.1; done
  > virt-rbd --connect "qemu+unix:///system?socket=$PWD/d.sock" host connect ceph:vrbdh-$UNIQ --user client.vrbdh-$UNIQ 2>&1 | sed -E "s/$UNIQ/U/g; s/[0-9a-f-]{36}/UUID/"; r=$?; kill $relay; (exit $r)
  virt-rbd: warning: the connection to libvirtd was lost while connecting libvirt pool 'ceph-vrbdh-U' \(.*\); reconnected: finishing it (re)
  host connected to ceph:vrbdh-U as libvirt pool 'ceph-vrbdh-U'
    user:   client.vrbdh-U (created)
    secret: UUID (private, created)
    pool:   defined, active, autostart
  $ grep cut d.log
  cut 144
  $ virsh -c qemu:///system pool-info ceph-vrbdh-$UNIQ | awk '/^(State|Persistent|Autostart)/ {print $1, $2}'
  State: running
  Persistent: yes
  Autostart: yes

host connect: libvirtd restarts between the secret's definition and its
value (stopped at connect-secret-defined): the command reconnects and
finishes

  $ virt-rbd pool create ceph:vrbdr-$UNIQ --pg 8 > /dev/null
  $ cat "$VRBD_LAB_DIR/libvirt/libvirtd.pid" > pid0
  $ VRBD_TEST_PAUSE_AT=connect-secret-defined virt-rbd host connect ceph:vrbdr-$UNIQ --user client.vrbdr-$UNIQ > e.out 2>&1 &
  > pid=$!; bash "$TESTDIR/waitstop" $pid && "$TESTDIR/../../scripts/lab" restart-libvirtd > /dev/null; kill -CONT $pid; wait $pid; echo "exit $?"
  exit 0
  $ cmp -s pid0 "$VRBD_LAB_DIR/libvirt/libvirtd.pid" || echo "libvirtd restarted while host connect was stopped"
  libvirtd restarted while host connect was stopped
  $ sed -E "s/$UNIQ/U/g; s/[0-9a-f-]{36}/UUID/" e.out
  virt-rbd: warning: the connection to libvirtd was lost while connecting libvirt pool 'ceph-vrbdr-U' \(.*\); reconnected: finishing it (re)
  host connected to ceph:vrbdr-U as libvirt pool 'ceph-vrbdr-U'
    user:   client.vrbdr-U (created)
    secret: UUID (private, created)
    pool:   defined, active, autostart
  $ virsh -c qemu:///system pool-info ceph-vrbdr-$UNIQ | awk '/^(State|Autostart)/ {print $1, $2}'
  State: running
  Autostart: yes

host connect: libvirtd does not come back after the pool's definition
(stopped at connect-after-define, the relay gone): the command says what
is half-made; run again, it finishes

  $ virt-rbd host disconnect ceph:vrbdr-$UNIQ > /dev/null
  $ "$TESTDIR/rpc-cut" "$PWD/g.sock" /run/libvirt/libvirt-sock g.log 0 & relay=$!
  > for i in $(seq 100); do [ -S g.sock ] && break; sleep 0.1; done
  > VRBD_TEST_PAUSE_AT=connect-after-define virt-rbd --timeout 3 --connect "qemu+unix:///system?socket=$PWD/g.sock" host connect ceph:vrbdr-$UNIQ --user client.vrbdr-$UNIQ > g.out 2>&1 &
  > pid=$!; bash "$TESTDIR/waitstop" $pid; kill $relay; wait $relay; kill -CONT $pid; wait $pid; echo "exit $?"
  exit 1
  $ sed "s/$UNIQ/U/g; s|$PWD|PWD|g" g.out
  virt-rbd: error: libvirt pool 'ceph-vrbdr-U' is connected in part: the connection to libvirtd was lost \(.*\), and libvirt at 'qemu\+unix:///system\?socket=PWD/g.sock' did not answer again within 3 s: .* (re)
  virt-rbd: hint: once libvirtd answers, run the same 'virt-rbd host connect' again: it finishes what this one began
  $ virsh -c qemu:///system pool-info ceph-vrbdr-$UNIQ | awk '/^(State|Autostart)/ {print $1, $2}'
  State: inactive
  Autostart: no
  $ virt-rbd host connect ceph:vrbdr-$UNIQ --user client.vrbdr-$UNIQ | sed -E "s/$UNIQ/U/g; s/[0-9a-f-]{36}/UUID/"
  host connected to ceph:vrbdr-U as libvirt pool 'ceph-vrbdr-U'
    user:   client.vrbdr-U (unchanged)
    secret: UUID (private, key refreshed)
    pool:   existed, active, autostart

vm move --live: libvirtd restarts while the copy runs (stopped at
move-copying, every copy started, at 1 MiB/s): the move reconnects,
cancels the copy and removes its image; the guest runs on its old disk,
its definition unchanged; run again, it moves

  $ truncate -s 64M a.raw; head -c 8M /dev/urandom > data.bin; dd if=data.bin of=a.raw bs=1M seek=16 conv=notrunc status=none
  $ cat > dom.xml <<EOF
  > <domain type='qemu'><name>mv-$UNIQ</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
  > <os><type arch='x86_64' machine='q35'>hvm</type><kernel>$VRBD_LAB_GUEST_DIR/vmlinuz</kernel>
  > <initrd>$VRBD_LAB_GUEST_DIR/initrd.img</initrd><cmdline>console=ttyS0 quiet panic=-1 hold=1800</cmdline></os>
  > <on_poweroff>destroy</on_poweroff><devices>
  > <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$PWD/a.raw'/><target dev='vda' bus='virtio'/></disk>
  > <memballoon model='none'/></devices></domain>
  > EOF
  $ virsh -q -c qemu:///system define dom.xml > /dev/null && virsh -q -c qemu:///system start mv-$UNIQ > /dev/null
  $ virsh -q -c qemu:///system dumpxml --inactive mv-$UNIQ > before.xml
  $ cat "$VRBD_LAB_DIR/libvirt/libvirtd.pid" > pid0
  $ VRBD_TEST_PAUSE_AT=move-copying virt-rbd vm move mv-$UNIQ --live --to ceph:vrbdt-$UNIQ --bandwidth 1M > m.out 2>&1 &
  > pid=$!; bash "$TESTDIR/waitstop" $pid && virsh -q -c qemu:///system blockjob mv-$UNIQ vda --raw | grep -o "type=Block Copy" && "$TESTDIR/../../scripts/lab" restart-libvirtd > /dev/null; kill -CONT $pid; wait $pid; echo "exit $?"
  type=Block Copy
  exit 1
  $ cmp -s pid0 "$VRBD_LAB_DIR/libvirt/libvirtd.pid" || echo "libvirtd restarted while the copy ran"
  libvirtd restarted while the copy ran
  $ sed "s/$UNIQ/U/g" m.out
  virt-rbd: error: lost the connection to libvirtd during the live move of 'mv-U' \(cannot follow the copy of vda: .*\); reconnected and cancelled the copies that had not switched (re)
  virt-rbd: hint: move again: the disks that did not switch start over
  $ virsh -q -c qemu:///system blockjob mv-$UNIQ vda --raw
  $ virsh -q -c qemu:///system domblklist mv-$UNIQ | awk '{print $1, $2}' | sed "s|$PWD|PWD|"
  vda PWD/a.raw
  $ virsh -q -c qemu:///system dumpxml --inactive mv-$UNIQ | cmp - before.xml && echo definition unchanged
  definition unchanged
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | grep -c mv-
  0
  [1]

vm move --live: libvirtd restarts just before the pivot (stopped at
move-pivot, the copy in sync: libvirt's live XML says ready): the pivot
fails on the dead connection, the move reconnects, finds the guest still
on its old disk, cancels the copy and removes its image; the guest keeps
running on its old disk, its data and definition unchanged

  $ VRBD_TEST_PAUSE_AT=move-pivot virt-rbd vm move mv-$UNIQ --live --to ceph:vrbdt-$UNIQ > p.out 2>&1 &
  > pid=$!; bash "$TESTDIR/waitstop" $pid && for i in $(seq 300); do virsh -q -c qemu:///system dumpxml mv-$UNIQ | grep -q "job='copy' ready='yes'" && break; sleep 0.1; done
  > virsh -q -c qemu:///system dumpxml mv-$UNIQ | grep -o "job='copy' ready='yes'" && "$TESTDIR/../../scripts/lab" restart-libvirtd > /dev/null; kill -CONT $pid; wait $pid; echo "exit $?"
  job='copy' ready='yes'
  exit 1
  $ cmp -s pid0 "$VRBD_LAB_DIR/libvirt/libvirtd.pid" || echo "libvirtd restarted before the pivot"
  libvirtd restarted before the pivot
  $ cat "$VRBD_LAB_DIR/libvirt/libvirtd.pid" > pid0
  $ sed "s/$UNIQ/U/g" p.out
  virt-rbd: error: lost the connection to libvirtd during the live move of 'mv-U' \(cannot switch vda to RBD: .*\); reconnected and cancelled the copies that had not switched (re)
  virt-rbd: hint: move again: the disks that did not switch start over
  $ virsh -q -c qemu:///system domstate mv-$UNIQ
  running
  $ virsh -q -c qemu:///system blockjob mv-$UNIQ vda --raw
  $ virsh -q -c qemu:///system domblklist mv-$UNIQ | awk '{print $1, $2}' | sed "s|$PWD|PWD|"
  vda PWD/a.raw
  $ virsh -q -c qemu:///system dumpxml --inactive mv-$UNIQ | cmp - before.xml && echo definition unchanged
  definition unchanged
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | grep -c mv-
  0
  [1]
  $ cmp <(dd if=a.raw bs=1M skip=16 count=8 status=none) data.bin && echo data intact
  data intact

vm move --live: libvirtd restarts after the pivot, before virt-rbd writes
the persistent definition (stopped at move-pivoted; libvirt has rewritten
the disk's source in both definitions at the pivot): the move reconnects,
writes the definition, keeps the one from before the move for a rollback,
and only then deletes the old file; live and persistent definitions agree
on the RBD image, which holds the data

  $ VRBD_TEST_PAUSE_AT=move-pivoted virt-rbd vm move mv-$UNIQ --live --to ceph:vrbdt-$UNIQ > q.out 2>&1 &
  > pid=$!; bash "$TESTDIR/waitstop" $pid && virsh -q -c qemu:///system domblklist mv-$UNIQ | awk '{print "live", $2}' && virsh -q -c qemu:///system domblklist --inactive mv-$UNIQ | awk '{print "persistent", $2}' && "$TESTDIR/../../scripts/lab" restart-libvirtd > /dev/null; kill -CONT $pid; wait $pid; echo "exit $?"
  live vrbdt-*/mv-*-vda (glob)
  persistent vrbdt-*/mv-*-vda (glob)
  exit 0
  $ cmp -s pid0 "$VRBD_LAB_DIR/libvirt/libvirtd.pid" || echo "libvirtd restarted after the pivot"
  libvirtd restarted after the pivot
  $ cat "$VRBD_LAB_DIR/libvirt/libvirtd.pid" > pid0
  $ sed "s/$UNIQ/U/g" q.out
  virt-rbd: warning: the connection to libvirtd was lost before the definition of 'mv-U' was updated; reconnected and updated it
  vm 'mv-U': 1 disk(s) moved to ceph:vrbdt-U while it ran; the old definition is kept for 'vm move mv-U --rollback'; 1 local file(s) deleted
  $ virsh -q -c qemu:///system domstate mv-$UNIQ
  running
  $ virsh -q -c qemu:///system domblklist mv-$UNIQ | awk '{print $1, $2}' | sed "s/$UNIQ/U/g"
  vda vrbdt-U/mv-U-vda
  $ virsh -q -c qemu:///system domblklist --inactive mv-$UNIQ | awk '{print $1, $2}' | sed "s/$UNIQ/U/g"
  vda vrbdt-U/mv-U-vda
  $ ls a.raw 2>&1
  ls: cannot access 'a.raw': No such file or directory
  [2]
  $ virt-rbd --json vol info vrbdt-$UNIQ/mv-$UNIQ-vda | python3 -c 'import json,sys,os; print(json.load(sys.stdin)["owner"].split()[1].replace(os.environ["UNIQ"],"U"))'
  domain=mv-U
  $ grep -o "source file='$PWD/a.raw'" config/rollback/mv-$UNIQ.xml | sed "s|$PWD|PWD|"
  source file='PWD/a.raw'
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/mv-$UNIQ-vda q.raw
  $ cmp <(dd if=q.raw bs=1M skip=16 count=8 status=none) data.bin && echo data intact
  data intact

The same move again: nothing is left to move

  $ virt-rbd vm move mv-$UNIQ --live --to ceph:vrbdt-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: domain 'mv-U' has no local disk to move
  virt-rbd: hint: see 'virt-rbd disk list'
  [1]

vm move --live: libvirtd pivots but its answer is lost (rpc-cut drops the
reply to remote procedure 237, virDomainBlockJobAbort; the move stopped at
move-pivot until libvirt's copy is ready, so that answer is the pivot's):
the move reconnects, finds the guest on the new image and finishes the
move; live and persistent definitions agree

  $ "$TESTDIR/rpc-cut" "$PWD/r.sock" /run/libvirt/libvirt-sock r.log 237 & relay=$!
  > for i in $(seq 100); do [ -S r.sock ] && break; sleep 0.1; done
  > VRBD_TEST_PAUSE_AT=move-pivot virt-rbd --connect "qemu+unix:///system?socket=$PWD/r.sock" vm move mv-$UNIQ --live --to ceph:vrbdh-$UNIQ --disks vda > r.out 2>&1 &
  > pid=$!; bash "$TESTDIR/waitstop" $pid && for i in $(seq 300); do virsh -q -c qemu:///system dumpxml mv-$UNIQ | grep -q "job='copy' ready='yes'" && break; sleep 0.1; done
  > virsh -q -c qemu:///system dumpxml mv-$UNIQ | grep -o "job='copy' ready='yes'"; kill -CONT $pid; wait $pid; r=$?; kill $relay; echo "exit $r"
  job='copy' ready='yes'
  exit 0
  $ grep cut r.log
  cut 237
  $ sed "s/$UNIQ/U/g" r.out
  virt-rbd: warning: the connection to libvirtd was lost while the disks of 'mv-U' switched to RBD; reconnected: libvirtd had switched every disk, finishing the move
  vm 'mv-U': 1 disk(s) moved to ceph:vrbdh-U while it ran; the old definition is kept for 'vm move mv-U --rollback'
  $ virsh -q -c qemu:///system domstate mv-$UNIQ
  running
  $ virsh -q -c qemu:///system domblklist mv-$UNIQ | awk '{print $1, $2}' | sed "s/$UNIQ/U/g"
  vda vrbdh-U/mv-U-vda
  $ virsh -q -c qemu:///system domblklist --inactive mv-$UNIQ | awk '{print $1, $2}' | sed "s/$UNIQ/U/g"
  vda vrbdh-U/mv-U-vda
  $ virt-rbd --json vol info vrbdh-$UNIQ/mv-$UNIQ-vda | python3 -c 'import json,sys,os; print(json.load(sys.stdin)["owner"].split()[1].replace(os.environ["UNIQ"],"U"))'
  domain=mv-U
  $ grep -o "<source protocol='rbd' name='vrbdt-$UNIQ/mv-$UNIQ-vda'" config/rollback/mv-$UNIQ.xml | sed "s/$UNIQ/U/g"
  <source protocol='rbd' name='vrbdt-U/mv-U-vda'
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdh-$UNIQ/mv-$UNIQ-vda r.raw
  $ cmp <(dd if=r.raw bs=1M skip=16 count=8 status=none) data.bin && echo data intact
  data intact

The same move again: the disk is there already, nothing to move (before,
the image the guest runs on was "in the way", to be removed)

  $ virt-rbd vm move mv-$UNIQ --live --to ceph:vrbdh-$UNIQ --disks vda 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: nothing to move: the named disks of 'mv-U' are on ceph:vrbdh-U already
  virt-rbd: hint: see 'virt-rbd disk list mv-U'
  [1]
  $ virsh -q -c qemu:///system domblklist mv-$UNIQ | awk '{print $1, $2}' | sed "s/$UNIQ/U/g"
  vda vrbdh-U/mv-U-vda
  $ virt-rbd vol rm --now vrbdt-$UNIQ/mv-$UNIQ-vda | sed "s/$UNIQ/U/g"
  image ceph:vrbdt-U/mv-U-vda removed

Clean up

  $ for d in rs mv; do virsh -q -c qemu:///system destroy $d-$UNIQ > /dev/null; virt-rbd vm rm $d-$UNIQ --disks --now > /dev/null; done
  $ virt-rbd vm rm other-$UNIQ --disks --now > /dev/null
  $ virt-rbd vol rm --now vrbdt-$UNIQ/d1 > /dev/null
  $ for p in vrbdt vrbdh vrbdr; do virt-rbd host disconnect ceph:$p-$UNIQ > /dev/null; virt-rbd user rm ceph:client.$p-$UNIQ > /dev/null; virt-rbd pool rm ceph:$p-$UNIQ --yes-i-really-mean-it > /dev/null; done
