apply FILE: what is refused before anything is asked or changed (the lab's
tests, tests/integration/cli-apply.t, make the state).  Each error names
the file, line and column, and the fix.

  $ mkdir -p "$VIRT_RBD_CONFIG_DIR/clusters" && printf 'fsid = 1\nconf = /nonexistent/ceph.conf\nid = admin\n' > "$VIRT_RBD_CONFIG_DIR/clusters/east.conf"
  $ umask 077; printf '[client.admin]\n\tkey = x\n' > key; K=$PWD/key
  $ ok() { printf 'clusters:\n  west:\n    mon_host: 127.0.0.1:1\n    keyring: %s\n' "$K"; }

No such file; an empty one

  $ virt-rbd apply nope.yaml --plan
  virt-rbd: error: cannot open 'nope.yaml': No such file or directory
  virt-rbd: hint: give the path of an apply file
  [1]
  $ : > empty.yaml; virt-rbd apply empty.yaml
  virt-rbd: error: empty.yaml:1:1: the file is empty
  virt-rbd: hint: describe clusters, pools, users, hosts, images or vms
  [1]

A file that does not parse: where, and what libyaml says

  $ printf 'pools:\n  east:vms:\n    pg: [8\n' > bad.yaml; virt-rbd apply bad.yaml --plan
  virt-rbd: error: bad.yaml:4:1: did not find expected ',' or ']' while parsing a flow sequence
  virt-rbd: hint: the file must be YAML: see 'APPLY FILES' in the manual
  [1]

Unknown keys, with the nearest valid one (or the list)

  $ printf 'vm:\n  web1: {}\n' > k.yaml; virt-rbd apply k.yaml --plan
  virt-rbd: error: k.yaml:1:1: the file: unknown key 'vm'
  virt-rbd: hint: did you mean 'vms'?
  [1]
  $ printf 'vms:\n  web1:\n    from: east:p/g@v1\n    memroy: 512\n' > k.yaml; virt-rbd apply k.yaml --plan
  virt-rbd: error: k.yaml:4:5: vm 'web1': unknown key 'memroy'
  virt-rbd: hint: did you mean 'memory'?
  [1]
  $ printf 'pools:\n  east:vms:\n    placement: 8\n' > k.yaml; virt-rbd apply k.yaml --plan
  virt-rbd: error: k.yaml:3:5: pool 'east:vms': unknown key 'placement'
  virt-rbd: hint: the keys here are: pg, size, state
  [1]

Two objects of one name; one setting given twice

  $ printf 'vms:\n  web1:\n    from: east:p/g@v1\n  web1:\n    from: east:p/g@v2\n' > d.yaml; virt-rbd apply d.yaml --plan
  virt-rbd: error: d.yaml:4:3: two vms are named 'web1' (also line 2)
  virt-rbd: hint: give each object one name of its own
  [1]
  $ printf 'pools:\n  east:vms:\n    pg: 8\n    pg: 16\n' > d.yaml; virt-rbd apply d.yaml --plan
  virt-rbd: error: d.yaml:4:5: pool 'east:vms': 'pg' is given twice (also line 3)
  virt-rbd: hint: give each setting once
  [1]
  $ printf 'hosts:\n  this:\n    connect: [east:vms, east:vms]\n' > d.yaml; virt-rbd apply d.yaml --plan
  virt-rbd: error: d.yaml:3:14: host 'this': 'east:vms' is given twice
  virt-rbd: hint: give each pool once
  [1]

A keyring others can read; one that is not there; a relative path

  $ chmod 640 key; ok > c.yaml; virt-rbd apply c.yaml --plan 2>&1 | sed "s|$PWD|D|g"
  virt-rbd: error: c.yaml:4:14: keyring 'D/key' is readable by its group or others (mode 0640): a key must be private
  virt-rbd: hint: chmod 600 D/key
  [1]
  $ chmod 600 key; printf 'clusters:\n  west:\n    mon_host: 127.0.0.1:1\n    keyring: %s/nokey\n' "$PWD" > c.yaml; virt-rbd apply c.yaml --plan 2>&1 | sed "s|$PWD|D|g"
  virt-rbd: error: c.yaml:4:14: keyring 'D/nokey': No such file or directory
  virt-rbd: hint: give the path of an existing file
  [1]
  $ printf 'clusters:\n  west:\n    mon_host: 127.0.0.1:1\n    keyring: key\n' > c.yaml; virt-rbd apply c.yaml --plan
  virt-rbd: error: c.yaml:4:14: keyring 'key' is not an absolute path
  virt-rbd: hint: write the absolute path
  [1]
  $ printf 'clusters:\n  west:\n    keyring: %s\n' "$K" > c.yaml; virt-rbd apply c.yaml --plan
  virt-rbd: error: c.yaml:2:3: cluster 'west' needs monitors: conf or mon_host
  virt-rbd: hint: add 'conf: /etc/ceph/ceph.conf' or 'mon_host: ADDRS'
  [1]

A pool on a cluster neither in the file nor registered; one that names
no cluster

  $ printf 'pools:\n  north:vms: {pg: 8}\n' > u.yaml; virt-rbd apply u.yaml --plan
  virt-rbd: error: u.yaml:2:3: cluster 'north' is neither in the file nor registered
  virt-rbd: hint: describe it under 'clusters:' (conf or mon_host, and keyring), or register it: virt-rbd cluster add north ...
  [1]
  $ printf 'pools:\n  vms: {pg: 8}\n' > u.yaml; virt-rbd apply u.yaml --plan
  virt-rbd: error: u.yaml:2:3: pool 'vms' names no cluster
  virt-rbd: hint: write CLUSTER:vms
  [1]

Values: ${NAME} of an unset variable, numbers, a VM without a disk

  $ printf 'images:\n  east:p/g:\n    import: ${NO_SUCH_VAR}/seed.raw\n' > v.yaml; virt-rbd apply v.yaml --plan
  virt-rbd: error: v.yaml:3:13: image 'east:p/g': import: the environment has no variable 'NO_SUCH_VAR'
  virt-rbd: hint: set it in the environment, or write the value
  [1]
  $ printf 'vms:\n  web1:\n    from: east:p/g@v1\n    vcpus: many\n' > v.yaml; virt-rbd apply v.yaml --plan
  virt-rbd: error: v.yaml:4:12: vm 'web1': vcpus 'many' is not a whole number from 1 to 1024
  virt-rbd: hint: write a whole number such as 1 or 512
  [1]
  $ printf 'users:\n  east:client.a:\n    pools: []\n' > v.yaml; virt-rbd apply v.yaml --plan
  virt-rbd: error: v.yaml:3:12: pools is an empty list
  virt-rbd: hint: name at least one, or leave the key out
  [1]
  $ printf 'images:\n  east:p/g:\n    size: 1M\n    snapshots:\n' > v.yaml; virt-rbd apply v.yaml --plan
  virt-rbd: error: v.yaml:4:15: snapshots has no value
  virt-rbd: hint: write a value after the ':', or leave the key out
  [1]

Two default clusters; a second YAML document; an object on a cluster the
file says is absent

  $ printf 'clusters:\n  a:\n    mon_host: 127.0.0.1:1\n    keyring: %s\n    default: true\n  b:\n    mon_host: 127.0.0.1:2\n    keyring: %s\n    default: yes\n' "$K" "$K" > t.yaml; virt-rbd apply t.yaml --plan
  virt-rbd: error: t.yaml:9:14: cluster 'b' and cluster 'a' (line 2) are both the default
  virt-rbd: hint: make one of them the default
  [1]
  $ printf 'pools:\n  east:p: ~\n---\nvms: {}\n' > t.yaml; virt-rbd apply t.yaml --plan
  virt-rbd: error: t.yaml:4:1: a second YAML document: apply reads one
  virt-rbd: hint: put everything in one document (no '---')
  [1]
  $ printf 'clusters:\n  east: {state: absent}\npools:\n  east:p: ~\n' > t.yaml; virt-rbd apply t.yaml --plan
  virt-rbd: error: t.yaml:4:3: this uses cluster 'east', which the file says is absent
  virt-rbd: hint: leave the cluster present, or make this absent too
  [1]
  $ printf 'pools:\n  east:p: {state: absent}\nimages:\n  east:p/i: {size: 1M}\n' > t.yaml; virt-rbd apply t.yaml --plan
  virt-rbd: error: t.yaml:4:3: this uses pool 'east:p', which the file says is absent
  virt-rbd: hint: leave the pool present, or make this absent too
  [1]
  $ printf 'vms:\n  web1:\n    memory: 512\n' > v.yaml; virt-rbd apply v.yaml --plan
  virt-rbd: error: v.yaml:2:3: vm 'web1' needs a golden snapshot to clone or an empty disk's pool and size
  virt-rbd: hint: give 'from: CLUSTER:POOL/IMAGE@SNAP', or 'pool: CLUSTER:POOL' and 'size: SIZE'
  [1]
  $ printf 'vms:\n  web1:\n    from: east:p/g\n' > v.yaml; virt-rbd apply v.yaml --plan 2>&1 | head -n 1
  virt-rbd: error: v.yaml:3:11: * (glob)
  [1]

Nothing was written: the registry is as it was

  $ ls "$VIRT_RBD_CONFIG_DIR" "$VIRT_RBD_CONFIG_DIR/clusters"
  */config: (glob)
  clusters
  
  */config/clusters: (glob)
  east.conf

Without a cluster to ask: a registered cluster the file says is absent is
forgotten (the cluster itself untouched), --json gives each step and its
state; a second run has nothing to do

  $ printf 'clusters:\n  east: {state: absent}\n' > gone.yaml
  $ virt-rbd apply gone.yaml --plan
  plan for gone.yaml:
    delete   cluster    east                         forget it (the cluster is untouched)
  0 to create, 0 to modify, 1 to delete, 0 as the file says
  $ virt-rbd --json apply gone.yaml --plan | python3 -c 'import json, sys; d = json.load(sys.stdin); print([(s["action"], s["kind"], s["name"], s["state"]) for s in d["steps"]])'
  [('delete', 'cluster', 'east', 'planned')]
  $ virt-rbd --json apply gone.yaml | python3 -c 'import json, sys; d = json.load(sys.stdin); print([(s["action"], s["name"], s["state"]) for s in d["steps"]])'
  [('delete', 'east', 'done')]
  $ ls "$VIRT_RBD_CONFIG_DIR/clusters"
  $ virt-rbd apply gone.yaml
  nothing to do: the 1 object of gone.yaml is as it says
