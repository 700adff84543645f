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
  virt-rbd: hint: pick another name, or run 'virt-rbd cluster remove ceph' first
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
  virt-rbd: error: cluster 'x' refused the key of client.admin
  virt-rbd: hint: check that the keyring holds the current key of client.admin (ceph auth get client.admin)
  [1]

A wrong port fails within the timeout

  $ timeout 20 virt-rbd cluster check x --mon-host 127.0.0.1:3999 --keyring "$VRBD_LAB_CEPH_KEYRING" --timeout 2
  virt-rbd: error: monitors of cluster 'x' did not answer within 2 s
  virt-rbd: hint: check that the monitors at 127.0.0.1:3999 are up and reachable, or raise --timeout
  [1]

Changing the default moves unqualified names to the other cluster

  $ virt-rbd cluster default zdata
  zdata
  $ virt-rbd --json cluster check | python3 -c 'import json,sys; print(json.load(sys.stdin)["cluster"])'
  zdata
