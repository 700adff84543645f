#require lab
Register both lab clusters: the first is the default

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING"
  cluster 'ceph' added: fsid [0-9a-f-]{36}, client.admin \(the default cluster\) (re)
  $ virt-rbd cluster add zdata --mon-host "$VRBD_LAB_ZDATA_MON_HOST" --keyring "$VRBD_LAB_ZDATA_KEYRING"
  cluster 'zdata' added: fsid [0-9a-f-]{36}, client.admin (re)
  $ virt-rbd cluster list --json | python3 -c 'import json,sys; print([(c["name"], c["default"]) for c in json.load(sys.stdin)])'
  [('ceph', True), ('zdata', False)]

The fsid recorded is the cluster's

  $ test "$(virt-rbd --json cluster show zdata | python3 -c 'import json,sys; print(json.load(sys.stdin)["fsid"])')" = "$VRBD_LAB_ZDATA_FSID" && echo same
  same

A second name for the same cluster is refused

  $ virt-rbd cluster add zdata2 --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING"
  virt-rbd: error: cluster 'zdata2' has fsid [0-9a-f-]{36}, already registered as 'zdata' (re)
  virt-rbd: hint: use the name 'zdata' for it, or remove that one first
  [1]

A taken name is refused

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING"
  virt-rbd: error: cluster 'ceph' is already registered
  virt-rbd: hint: pick another name, or run 'virt-rbd cluster rm ceph' first
  [1]

Both clusters answer by name, the default without one

  $ virt-rbd --json cluster check | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["cluster"], d["osds_up"], d["osds_in"], len(d["mons"]))'
  ceph 3 3 1
  $ virt-rbd cluster check zdata | sed -n '1p;5p;8p'
  cluster:  zdata
  osds:     3 (3 up, 3 in)
  user:     client.admin: mon 'allow *' osd 'allow *' (unrestricted)

A wrong key says so in one line, with no librados noise

  $ printf '[client.admin]\n\tkey = AQDpZwVrJu9MLRAAjq1LMmBIsmqhCzQjztzsWQ==\n' > bad; chmod 600 bad
  $ virt-rbd cluster check x --mon-host "$VRBD_LAB_CEPH_MON_HOST" --keyring bad
  virt-rbd: error: cluster 'x' refused client.admin: its key is not the cluster's, or it has no mon caps
  virt-rbd: hint: compare the keyring with 'ceph auth get client.admin': the key must match, and the caps must include mon (e.g. mon 'profile rbd')
  [1]

A key that is no cephx key, and a user that has no caps, are each named

  $ printf '[client.admin]\n\tkey = notbase64!!\n' > junk; chmod 600 junk
  $ virt-rbd cluster check x --mon-host "$VRBD_LAB_CEPH_MON_HOST" --keyring junk
  virt-rbd: error: cannot connect to cluster 'x': the key of client.admin in its keyring is not a valid key
  virt-rbd: hint: the keyring's 'key =' line for client.admin must be a cephx key (ceph auth get-key client.admin)
  [1]
  $ ceph -c "$VRBD_LAB_CEPH_CONF" auth get-or-create client.nocaps-$UNIQ > nocaps; chmod 600 nocaps
  $ virt-rbd cluster check x --mon-host "$VRBD_LAB_CEPH_MON_HOST" --keyring nocaps --id nocaps-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: cluster 'x' refused client.nocaps-U: its key is not the cluster's, or it has no mon caps
  virt-rbd: hint: compare the keyring with 'ceph auth get client.nocaps-U': the key must match, and the caps must include mon (e.g. mon 'profile rbd')
  [1]
  $ ceph -c "$VRBD_LAB_CEPH_CONF" auth rm client.nocaps-$UNIQ 2>&1
  updated

A user whose caps do not reach the images is told which caps it takes

  $ ceph -c "$VRBD_LAB_CEPH_CONF" auth get-or-create client.monr-$UNIQ mon 'allow r' > monr; chmod 600 monr
  $ mkdir monrcfg; VIRT_RBD_CONFIG_DIR=monrcfg virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring monr --id monr-$UNIQ > /dev/null
  $ ceph -c "$VRBD_LAB_CEPH_CONF" osd pool create rbd-$UNIQ 8 > /dev/null 2>&1
  $ VIRT_RBD_CONFIG_DIR=monrcfg virt-rbd vol list ceph:rbd-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: cannot list images of pool 'rbd-U': Operation not permitted
  virt-rbd: hint: the user's caps do not allow it: images need mon 'profile rbd' and osd 'profile rbd pool=POOL' (virt-rbd cluster check shows the caps; virt-rbd user create makes such a user)
  [1]
  $ ceph -c "$VRBD_LAB_CEPH_CONF" osd pool rm rbd-$UNIQ rbd-$UNIQ --yes-i-really-really-mean-it 2>&1; ceph -c "$VRBD_LAB_CEPH_CONF" auth rm client.monr-$UNIQ 2>&1
  pool 'rbd-[a-z0-9]*' removed (re)
  updated

A wrong port fails within the timeout

  $ timeout 20 virt-rbd cluster check x --mon-host 127.0.0.1:3999 --keyring "$VRBD_LAB_CEPH_KEYRING" --timeout 2
  virt-rbd: error: monitors of cluster 'x' did not answer within 2 s
  virt-rbd: hint: check that the monitors at 127.0.0.1:3999 are up and reachable, or raise --timeout
  [1]

Monitors that answer for another fsid than the one registered, or than the
ceph.conf names, are refused, naming both (a conf copied from the other
cluster, a cluster rebuilt under the same addresses)

  $ cp -r "$VIRT_RBD_CONFIG_DIR" moved; sed -i "s/^fsid = .*/fsid = $VRBD_LAB_ZDATA_FSID/" moved/clusters/ceph.conf
  $ VIRT_RBD_CONFIG_DIR=moved virt-rbd cluster check ceph 2>&1 | sed "s/$VRBD_LAB_CEPH_FSID/CEPH-FSID/; s/$VRBD_LAB_ZDATA_FSID/ZDATA-FSID/"
  virt-rbd: error: the monitors of cluster 'ceph' answer for fsid CEPH-FSID, but it was registered with fsid ZDATA-FSID
  virt-rbd: hint: if the cluster was rebuilt, register it again (virt-rbd cluster rm, then cluster add)
  [1]
  $ sed "s/^fsid = .*/fsid = $VRBD_LAB_ZDATA_FSID/" "$VRBD_LAB_CEPH_CONF" > other.conf
  $ virt-rbd cluster check x --conf other.conf --keyring "$VRBD_LAB_CEPH_KEYRING" 2>&1 | sed "s/$VRBD_LAB_CEPH_FSID/CEPH-FSID/; s/$VRBD_LAB_ZDATA_FSID/ZDATA-FSID/"
  virt-rbd: error: the monitors of cluster 'x' answer for fsid CEPH-FSID, but its ceph.conf names fsid ZDATA-FSID
  virt-rbd: hint: fix the fsid line of the ceph.conf, or give the conf of this cluster
  [1]

Changing the default moves unqualified names to the other cluster

  $ virt-rbd cluster default zdata
  zdata
  $ virt-rbd --json cluster check | python3 -c 'import json,sys; print(json.load(sys.stdin)["cluster"])'
  zdata

librados ignores options it does not know without a word.
A ceph.conf with an unknown option: warned once, naming option and file; it works

  $ sed '/^\[global\]/a foo_bar_unknown = 1' "$VRBD_LAB_CEPH_CONF" > unknown.conf; mkdir unkcfg
  $ VIRT_RBD_CONFIG_DIR=unkcfg virt-rbd cluster add unk --conf unknown.conf --keyring "$VRBD_LAB_CEPH_KEYRING" 2>&1 | sed "s|$TMPDIR_T/||; s/ fsid [0-9a-f-]*,/ fsid F,/"
  virt-rbd: warning: 'unknown.conf' sets an option librados does not know and ignores: 'foo_bar_unknown' (line 2); check the spelling, or whether this Ceph release has it
  cluster 'unk' added: fsid F, client.admin (the default cluster)
  $ VIRT_RBD_CONFIG_DIR=unkcfg virt-rbd cluster check unk 2>&1 >/dev/null | sed "s|$TMPDIR_T/||"
  virt-rbd: warning: 'unknown.conf' sets an option librados does not know and ignores: 'foo_bar_unknown' (line 2); check the spelling, or whether this Ceph release has it

cephx counts a ticket's lifetime from the client's own clock when it gets it,
so a client clock far off breaks nothing and there is no failure to explain.
The client log of the last command shows librados itself ran 30 days ahead and
took its tickets.  libfaketime is preloaded before ASan's runtime, so ASan's
link-order check is off for these commands (the plain build needs nothing).
The client's clock 2 h ahead, a day behind, 30 days ahead (libfaketime): all work

  $ virt-rbd pool create ceph:vrbdt-$UNIQ --pg 8 > /dev/null; head -c 4M /dev/urandom > skew.raw
  $ ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 faketime -f +2h virt-rbd --timeout 10 import skew.raw ceph:vrbdt-$UNIQ/skew > /dev/null
  $ ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 faketime -f -1d virt-rbd --timeout 10 export ceph:vrbdt-$UNIQ/skew back.raw > /dev/null && cmp skew.raw back.raw && echo identical
  identical
  $ sed "s|^log_file = /dev/null|log_file = $TMPDIR_T/skew.log\ndebug_auth = 10|" "$VRBD_LAB_CEPH_CONF" > skew.conf
  $ ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 faketime -f +30d virt-rbd --timeout 10 cluster check x --conf skew.conf --keyring "$VRBD_LAB_CEPH_KEYRING" | sed -n 1p
  cluster:  x
  $ python3 -c '
  > import datetime
  > log = open("skew.log").read()
  > t = datetime.datetime.strptime(log[:23], "%Y-%m-%dT%H:%M:%S.%f")
  > print("client clock %.0f days ahead" % ((t - datetime.datetime.utcnow()).total_seconds() / 86400))
  > print("tickets taken:", "verify_service_ticket_reply ticket expires" in log)
  > '
  client clock 30 days ahead
  tickets taken: True
  $ virt-rbd vol rm --now ceph:vrbdt-$UNIQ/skew > /dev/null; virt-rbd pool rm ceph:vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
