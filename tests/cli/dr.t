dr pair and dr status refuse bad input before they connect: what names no
pool, a namespace, pools of different names (rbd-mirror replicates a pool
to the pool of the same name), the same cluster twice, an unknown cluster,
the wrong number of arguments

  $ mkdir -p config/clusters
  $ printf '[client.admin]\n\tkey = AQDpZwVrJu9MLRAAjq1LMmBIsmqhCzQjztzsWQ==\n' > kr; chmod 600 kr
  $ printf 'fsid = f1\nmon_host = 127.0.0.1:9\nkeyring = %s/kr\n' "$PWD" > config/clusters/a.conf
  $ printf 'fsid = f2\nmon_host = 127.0.0.1:9\nkeyring = %s/kr\n' "$PWD" > config/clusters/b.conf
  $ printf 'default_cluster = a\n' > config/virt-rbd.conf
  $ virt-rbd dr pair a:p/img b:p
  virt-rbd: error: 'a:p/img' names more than a pool: mirroring pairs whole pools
  virt-rbd: hint: give the pool alone: [CLUSTER:]POOL
  [1]
  $ virt-rbd dr pair a:p b:p/ns/img@s
  virt-rbd: error: 'b:p/ns/img@s' names a snapshot where [CLUSTER:]POOL[/NAMESPACE] is expected
  virt-rbd: hint: drop the '@SNAP' part
  [1]
  $ virt-rbd dr pair a:p/ns b:p/ns
  virt-rbd: error: 'a:p/ns' names more than a pool: mirroring pairs whole pools
  virt-rbd: hint: give the pool alone: [CLUSTER:]POOL
  [1]
  $ virt-rbd dr pair a:rbd b:vms
  virt-rbd: error: pools 'rbd' and 'vms' have different names: rbd-mirror replicates a pool to the pool of the same name
  virt-rbd: hint: give pools of the same name on both clusters (create the missing one with virt-rbd pool create)
  [1]
  $ virt-rbd dr pair a:rbd a:rbd
  virt-rbd: error: both pools are on cluster 'a': a pair needs two clusters
  virt-rbd: hint: give the pool on two different registered clusters
  [1]

Without CLUSTER: the default cluster is meant, so it is the same cluster

  $ virt-rbd dr pair rbd a:rbd
  virt-rbd: error: both pools are on cluster 'a': a pair needs two clusters
  virt-rbd: hint: give the pool on two different registered clusters
  [1]
  $ virt-rbd dr pair a:rbd nope:rbd
  virt-rbd: error: cluster 'nope' is not registered
  virt-rbd: hint: known clusters: a, b
  [1]
  $ virt-rbd dr status nope:rbd
  virt-rbd: error: cluster 'nope' is not registered
  virt-rbd: hint: known clusters: a, b
  [1]
  $ virt-rbd dr status a:rbd/ns
  virt-rbd: error: 'a:rbd/ns' names more than a pool: mirroring pairs whole pools
  virt-rbd: hint: give the pool alone: [CLUSTER:]POOL
  [1]
  $ virt-rbd dr pair a:rbd
  virt-rbd: error: 'dr pair' needs [CLUSTER:]POOL [CLUSTER:]POOL
  virt-rbd: hint: see 'virt-rbd help dr pair'
  [2]
  $ virt-rbd dr status a:rbd b:rbd
  virt-rbd: error: unexpected argument 'b:rbd'
  virt-rbd: hint: see 'virt-rbd help dr status'
  [2]

A cluster that does not answer fails within --timeout, naming it

  $ virt-rbd --timeout 2 dr pair a:rbd b:rbd
  virt-rbd: error: monitors of cluster 'a' did not answer within 2 s
  virt-rbd: hint: check that the monitors at 127.0.0.1:9 are up and reachable, or raise --timeout
  [1]
  $ virt-rbd --timeout 2 dr status b:rbd
  virt-rbd: error: monitors of cluster 'b' did not answer within 2 s
  virt-rbd: hint: check that the monitors at 127.0.0.1:9 are up and reachable, or raise --timeout
  [1]
