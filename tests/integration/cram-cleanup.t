#require lab
The cram runner's cleanup after a lab file (tests/cli/cram.sh).  left.t
makes a libvirt domain, storage pool and secret, a domain on the lab's host
h2, a Ceph pool (mirrored, with an rbd-mirror peer, whose key the cluster
keeps in its config-key store) and a Ceph user, each named with its $UNIQ,
and fails midway; the runner removes each after the file (the pool's peer
before the pool, and the peer's key with it), saying so, and leaves alone
what does not carry that $UNIQ (a storage pool named with this file's)

  $ "$TESTDIR/../../scripts/lab" hosts 2 > /dev/null && eval "$("$TESTDIR/../../scripts/lab" env)"
  $ export OUTER=$PWD
  $ virsh -q -c qemu:///system pool-define-as keep-$UNIQ dir --target "$PWD" > /dev/null
  $ cat > left.t <<'EOF'
  > #require lab
  >   $ echo "$UNIQ" > "$OUTER/uniq"
  >   $ ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool create sweep-$UNIQ 8 > /dev/null 2>&1
  >   $ rbd -c "$VRBD_LAB_ZDATA_CONF" mirror pool enable sweep-$UNIQ image
  >   $ ceph-authtool --gen-print-key > k && rbd -c "$VRBD_LAB_ZDATA_CONF" mirror pool peer add sweep-$UNIQ client.sweep@sweep-$UNIQ --remote-mon-host "$VRBD_LAB_CEPH_MON_HOST" --remote-key-file k > "$OUTER/peer"
  >   $ ceph -c "$VRBD_LAB_CEPH_CONF" auth get-or-create client.sweep-$UNIQ > /dev/null
  >   $ virsh -q -c qemu:///system pool-define-as sweep-$UNIQ dir --target "$PWD" > /dev/null
  >   $ printf "<secret ephemeral='no' private='yes'><usage type='ceph'><name>sweep/%s</name></usage></secret>" "$UNIQ" > s.xml
  >   $ virsh -q -c qemu:///system secret-define s.xml > /dev/null
  >   $ printf "<domain type='qemu'><name>sweep-%s</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>" "$UNIQ" > d.xml
  >   $ virsh -q -c qemu:///system define d.xml > /dev/null
  >   $ virsh -q -c "$VRBD_LAB_H2_URI" define d.xml > /dev/null
  >   $ false
  > EOF
  $ "$TESTDIR/../cli/cram.sh" "$(command -v virt-rbd)" . left.t > left.tap; echo "exit $?"
  > grep -E '^(not ok|# cleanup)' left.tap | sed "s/$(cat uniq)/U/g"
  exit 1
  not ok 12 - left: false
  # cleanup: removed libvirt domain 'sweep-U'
  # cleanup: removed libvirt storage pool 'sweep-U'
  # cleanup: removed libvirt secret 'sweep/U'
  # cleanup: removed libvirt domain 'sweep-U' on host h2
  # cleanup: removed ceph user ceph:client.sweep-U
  # cleanup: removed rbd mirror peer [0-9a-f-]{36} of ceph pool zdata:sweep-U (re)
  # cleanup: removed ceph pool zdata:sweep-U

None of them is left; the storage pool without that $UNIQ is

  $ u=$(cat uniq); { virsh -q -c qemu:///system list --all --name; virsh -q -c "$VRBD_LAB_H2_URI" list --all --name; virsh -q -c qemu:///system pool-list --all --name; virsh -q -c qemu:///system secret-list
  > for c in CEPH ZDATA; do conf=VRBD_LAB_${c}_CONF; rados -c "${!conf}" lspools; ceph -c "${!conf}" auth ls 2> /dev/null | grep '^client\.'; done; } | grep -c "$u"
  0
  [1]
  $ [ -s peer ] && ceph -c "$VRBD_LAB_ZDATA_CONF" config-key ls | grep -c "rbd/mirror/peer/.*/$(cat peer)"
  0
  [1]
  $ virsh -q -c qemu:///system pool-info keep-$UNIQ > /dev/null && echo kept; virsh -q -c qemu:///system pool-undefine keep-$UNIQ > /dev/null
  kept
