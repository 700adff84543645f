An empty registry lists nothing and says how to add

  $ virt-rbd cluster list
  no cluster registered in .*/config \(add one: virt-rbd cluster add NAME \.\.\.\) (re)
  $ virt-rbd cluster list --json
  [
  ]

No default cluster yet

  $ virt-rbd cluster show
  virt-rbd: error: no default cluster in '*/config' (glob)
  virt-rbd: hint: none is registered: run 'virt-rbd cluster add'
  [1]
  $ virt-rbd cluster check
  virt-rbd: error: no default cluster in '*/config' (glob)
  virt-rbd: hint: none is registered: run 'virt-rbd cluster add'
  [1]

cluster add needs a name, monitors and a key

  $ virt-rbd cluster add
  virt-rbd: error: 'cluster add' needs NAME
  virt-rbd: hint: see 'virt-rbd help cluster add'
  [2]
  $ virt-rbd cluster add ceph --keyring kr
  virt-rbd: error: cluster 'ceph' needs monitors: give --conf FILE or --mon-host ADDRS
  virt-rbd: hint: see 'virt-rbd help cluster add'
  [2]
  $ virt-rbd cluster add ceph --mon-host 127.0.0.1:3300
  virt-rbd: error: cluster 'ceph' needs a key: give --keyring FILE (or --conf naming a keyring)
  virt-rbd: hint: see 'virt-rbd help cluster add'
  [2]

Bad cluster names are refused naming the character

  $ virt-rbd cluster add 'my cluster' --mon-host 127.0.0.1:3300 --keyring kr
  virt-rbd: error: cluster name 'my cluster' contains a space
  virt-rbd: hint: a cluster name may contain letters, digits, '_' and '-'
  [1]
  $ virt-rbd cluster add a/b --mon-host 127.0.0.1:3300 --keyring kr
  virt-rbd: error: cluster name 'a/b' contains '/'
  virt-rbd: hint: a cluster name may contain letters, digits, '_' and '-'
  [1]

A cluster whose monitors do not answer is not registered

  $ printf '[client.admin]\n\tkey = AQDpZwVrJu9MLRAAjq1LMmBIsmqhCzQjztzsWQ==\n' > kr; chmod 600 kr
  $ virt-rbd cluster add dead --mon-host 127.0.0.1:9 --keyring kr --timeout 2
  virt-rbd: error: monitors of cluster 'dead' did not answer within 2 s
  virt-rbd: hint: check that the monitors at 127.0.0.1:9 are up and reachable, or raise --timeout
  [1]
  $ virt-rbd cluster list
  no cluster registered in .*/config \(add one: virt-rbd cluster add NAME \.\.\.\) (re)

Hand-written entries are read, and unknown names are named

  $ mkdir -p config/clusters; printf 'fsid = f1\nmon_host = 127.0.0.1:9\nkeyring = /k\n' > config/clusters/lab.conf
  $ printf 'default_cluster = lab\n' > config/virt-rbd.conf
  $ virt-rbd cluster list
  NAME         DEFAULT FSID                                 USER             MONITORS
  lab          *       f1                                   admin            127.0.0.1:9
  $ virt-rbd cluster show lab
  name:     lab (default)
  fsid:     f1
  conf:     -
  mon_host: 127.0.0.1:9
  user:     client.admin
  keyring:  /k
  trash:    removed images kept 7d (the default)
  $ virt-rbd cluster show nope
  virt-rbd: error: cluster 'nope' is not registered
  virt-rbd: hint: known clusters: lab
  [1]
  $ virt-rbd cluster default
  lab
  $ virt-rbd cluster default nope
  virt-rbd: error: cluster 'nope' is not registered
  virt-rbd: hint: known clusters: lab
  [1]

--id and --keyring without monitors make no sense for check

  $ virt-rbd cluster check lab --keyring kr
  virt-rbd: error: --id and --keyring need --conf or --mon-host; a registered cluster uses its own
  virt-rbd: hint: see 'virt-rbd help cluster check'
  [2]

A typo in a registry file is reported with file and line

  $ printf 'fsid = f1\nmonhost = x\n' > config/clusters/lab.conf
  $ virt-rbd cluster list
  virt-rbd: error: */config/clusters/lab.conf:2: unknown key 'monhost' (glob)
  virt-rbd: hint: known keys: fsid, conf, mon_host, id, keyring, trash_keep
  [1]

How long vol rm keeps images in this cluster's trash: trash_keep, in
seconds; a value that is no number of seconds is named; cluster add
--trash-keep takes a duration

  $ printf 'fsid = f1\ntrash_keep = 172800\n' > config/clusters/lab.conf
  $ virt-rbd cluster show lab | tail -1
  trash:    removed images kept 2d
  $ virt-rbd --json cluster show lab | python3 -c 'import json, sys; print(json.load(sys.stdin)["trash_keep_sec"])'
  172800
  $ printf 'fsid = f1\ntrash_keep = 2d\n' > config/clusters/lab.conf
  $ virt-rbd cluster show lab
  virt-rbd: error: */config/clusters/lab.conf:2: trash_keep '2d' is no number of seconds (glob)
  virt-rbd: hint: give seconds, from 1 to 31622400 (366 days)
  [1]
  $ virt-rbd cluster add other --mon-host 127.0.0.1:9 --keyring kr --trash-keep forever
  virt-rbd: error: invalid --trash-keep 'forever': give a duration from 1s to 366d, such as 90s, 30m, 1h or 2d
  virt-rbd: hint: see 'virt-rbd help cluster add'
  [2]

rm forgets the entry (remove, the old name, is the same command)

  $ printf 'fsid = f1\n' > config/clusters/lab.conf
  $ virt-rbd cluster rm lab
  cluster 'lab' removed from the registry
  $ virt-rbd cluster list
  no cluster registered in .*/config \(add one: virt-rbd cluster add NAME \.\.\.\) (re)
  $ virt-rbd cluster remove lab
  virt-rbd: error: cluster 'lab' is not registered
  virt-rbd: hint: none is registered: run 'virt-rbd cluster add'
  [1]

--config-dir overrides the environment

  $ mkdir -p other/clusters; printf 'fsid = f9\n' > other/clusters/x.conf
  $ virt-rbd --config-dir other cluster list | tail -1
  x                    f9                                   admin            (from conf)
