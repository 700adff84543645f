cluster check of an unregistered cluster needs a monitor address: it never asks DNS

  $ virt-rbd cluster check lab --keyring kr
  virt-rbd: error: --id and --keyring need --conf or --mon-host; a registered cluster uses its own
  virt-rbd: hint: see 'virt-rbd help cluster check'
  [2]

A conf without mon_host is refused before connecting

  $ printf '[global]\n' > c.conf; printf '[client.admin]\n\tkey = AQDpZwVrJu9MLRAAjq1LMmBIsmqhCzQjztzsWQ==\n' > kr; chmod 600 kr
  $ virt-rbd cluster check lab --conf c.conf --keyring kr
  virt-rbd: error: no monitor address known for cluster 'lab'
  virt-rbd: hint: give monitor addresses (--mon-host) or a ceph.conf that sets mon_host
  [1]

A keyring others can read is refused with the fix

  $ printf '[client.admin]\n\tkey = AQDpZwVrJu9MLRAAjq1LMmBIsmqhCzQjztzsWQ==\n' > kr; chmod 644 kr
  $ virt-rbd cluster check --mon-host 127.0.0.1:9 --keyring kr
  virt-rbd: error: keyring 'kr' is readable by group or others (mode 644)
  virt-rbd: hint: run: chmod 600 'kr'
  [1]

A missing conf file is named

  $ virt-rbd cluster check --conf /nonexistent/ceph.conf
  virt-rbd: error: cannot read '/nonexistent/ceph.conf': No such file or directory
  virt-rbd: hint: give the path of the cluster's ceph.conf (--conf)
  [1]

Monitors that do not answer time out within --timeout, with a hint

  $ printf '[client.admin]\n\tkey = AQDpZwVrJu9MLRAAjq1LMmBIsmqhCzQjztzsWQ==\n' > kr; chmod 600 kr
  $ timeout 20 virt-rbd cluster check dead --mon-host 127.0.0.1:9 --keyring kr --timeout 2
  virt-rbd: error: monitors of cluster 'dead' did not answer within 2 s
  virt-rbd: hint: check that the monitors at 127.0.0.1:9 are up and reachable, or raise --timeout
  [1]
