#require lab
The whole cluster stops answering (SIGSTOP of every daemon, as a dead
host looks) in the middle of `disk attach` and of `host connect`: each
fails within --timeout, with nothing half-made in libvirt.  The fault
strikes at a named point: the command stops itself there
(VRBD_TEST_PAUSE_AT, SIGSTOP), the test pauses the cluster, then lets it
go on (SIGCONT).  This pauses the lab's cluster 'ceph': give it a lab of
its own.

Set up: a pool, a domain (stopped: the attach goes to its definition) and
an image

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create ceph:vrbdt-$UNIQ --pg 8 > /dev/null
  $ virt-rbd host connect ceph:vrbdt-$UNIQ --user client.vrbdt-$UNIQ > /dev/null
  $ virt-rbd vol create vrbdt-$UNIQ/d1 --size 16M > /dev/null
  $ virt-rbd vm create pa-$UNIQ --size 64M --pool vrbdt-$UNIQ > /dev/null
  $ virsh -q -c qemu:///system dumpxml --inactive pa-$UNIQ > before.xml

disk attach, the cluster paused once the checks are done (stopped at
attach-before-owner): it fails on the owner record, the last look at the
cluster before QEMU would open the image with no timeout of its own, and
attaches nothing

  $ VRBD_TEST_PAUSE_AT=attach-before-owner virt-rbd --timeout 4 disk attach pa-$UNIQ vrbdt-$UNIQ/d1 > a.out 2>&1 &
  > pid=$!; bash "$TESTDIR/waitstop" $pid && "$TESTDIR/../../scripts/lab" pause ceph > /dev/null; t0=$SECONDS; kill -CONT $pid; wait $pid; echo "exit $?"; [ $((SECONDS - t0)) -le 6 ] && echo "ended within 1.5 x --timeout"
  exit 1
  ended within 1.5 x --timeout
  $ sed "s/$UNIQ/U/g" a.out
  virt-rbd: error: nothing attached: cannot record domain 'pa-U' as the user of vrbdt-U/d1: cannot open image 'vrbdt-U/d1': Connection timed out
  virt-rbd: hint: see 'virt-rbd cluster check ceph'
  $ virsh -q -c qemu:///system dumpxml --inactive pa-$UNIQ | cmp - before.xml && echo definition unchanged
  definition unchanged
  $ "$TESTDIR/../../scripts/lab" resume ceph > /dev/null
  $ virt-rbd --json vol info vrbdt-$UNIQ/d1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["owner"])'
  None

Once the cluster answers, the same attach works

  $ virt-rbd disk attach pa-$UNIQ vrbdt-$UNIQ/d1 | sed "s/$UNIQ/U/g"
  ceph:vrbdt-U/d1 attached to 'pa-U' as vdb

host connect, the cluster paused after the user was made (stopped at
connect-after-user): the key cannot be read, the secret it defined goes
again, the pool is never defined, and the user it made (which a paused
cluster cannot remove) is named

  $ virt-rbd pool create ceph:vrbdh-$UNIQ --pg 8 > /dev/null
  $ VRBD_TEST_PAUSE_AT=connect-after-user virt-rbd --timeout 4 host connect ceph:vrbdh-$UNIQ --user client.vrbdh-$UNIQ > h.out 2>&1 &
  > pid=$!; bash "$TESTDIR/waitstop" $pid && "$TESTDIR/../../scripts/lab" pause ceph > /dev/null; t0=$SECONDS; kill -CONT $pid; wait $pid; echo "exit $?"; [ $((SECONDS - t0)) -le 6 ] && echo "ended within 1.5 x --timeout"
  exit 1
  ended within 1.5 x --timeout
  $ sed "s/$UNIQ/U/g" h.out
  virt-rbd: warning: user client.vrbdh-U made by this run is left: remove it with 'virt-rbd user rm ceph:client.vrbdh-U' once the cluster answers
  virt-rbd: error: cluster 'ceph' refused 'auth get-key': timed out
  $ virsh -q -c qemu:///system pool-list --all --name | grep -c "vrbdh-$UNIQ"
  0
  [1]
  $ virsh -q -c qemu:///system secret-list | grep -c "client.vrbdh-$UNIQ"
  0
  [1]
  $ "$TESTDIR/../../scripts/lab" resume ceph > /dev/null
  $ virt-rbd user rm ceph:client.vrbdh-$UNIQ | sed "s/$UNIQ/U/g"
  client.vrbdh-U removed from cluster 'ceph'

Clean up

  $ virt-rbd vm rm pa-$UNIQ --disks --now > /dev/null
  $ virt-rbd host disconnect ceph:vrbdt-$UNIQ > /dev/null
  $ virt-rbd user rm ceph:client.vrbdt-$UNIQ > /dev/null
  $ for p in vrbdt vrbdh; do virt-rbd pool rm ceph:$p-$UNIQ --yes-i-really-mean-it > /dev/null; done
