#require lab
Set up: both lab clusters registered

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null

The plan follows the budget arithmetic on the live cluster

  $ virt-rbd --json pool plan zdata:vrbdt-$UNIQ | python3 -c '
  > import json,sys; p=json.load(sys.stdin)
  > room=(p["max_pgs"]-p["used_pgs"])//p["size"]
  > assert p["max_pgs"] == p["mon_max_pg_per_osd"]*p["osds_in"]
  > assert p["pg_num"] & (p["pg_num"]-1) == 0 and p["pg_num"] <= room < 2*p["largest_fit"]
  > print(p["osds_in"], p["size"], p["max_pgs"], p["recommended"], p["max_pg_num_accepted"] == room)'
  3 3 750 128 True

A count over the budget is refused before the monitors, with their numbers

  $ virt-rbd pool create ceph:vrbdt-$UNIQ --pg 333
  virt-rbd: error: pool 'vrbdt-[a-z0-9]+' with pg_num 333 and size 3 would bring the cluster to [0-9]+ PGs \([0-9]+ in use \+ 333 x 3\), over the monitors' limit of 750 \(mon_max_pg_per_osd 250 x 3 OSDs in\) (re)
  virt-rbd: hint: the largest power of two that fits is [0-9]+ \(--pg [0-9]+, or --pg auto\) (re)
  [1]
  $ virt-rbd pool list ceph: | grep -c "vrbdt-$UNIQ"
  0
  [1]

Created with the planned count, the rbd application and autoscaling off, on both clusters at once

  $ virt-rbd pool create ceph:vrbdt-$UNIQ --pg 32
  pool 'vrbdt-[a-z0-9]+' created on cluster 'ceph': pg_num 32, size 3, application rbd, initialised (re)
  $ virt-rbd --json pool plan zdata:vrbdt-$UNIQ --size 2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pg_num"])' > planned
  $ virt-rbd pool create zdata:vrbdt-$UNIQ --size 2 | sed "s/$UNIQ/U/; s/pg_num $(cat planned),/pg_num PLANNED,/"
  pool 'vrbdt-U' created on cluster 'zdata': pg_num PLANNED, size 2, application rbd, initialised
  $ ceph -c "$VRBD_LAB_CEPH_CONF" osd pool ls detail -f json | python3 -c '
  > import json,sys,os; p=[x for x in json.load(sys.stdin) if x["pool_name"]=="vrbdt-"+os.environ["UNIQ"]][0]
  > print(p["pg_num"], p["size"], p["min_size"], list(p["application_metadata"]), p["pg_autoscale_mode"])'
  32 3 2 ['rbd'] off
  $ ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool get vrbdt-$UNIQ min_size
  min_size: 1

Both clusters in one command line

  $ virt-rbd pool list ceph: zdata: | awk -v p=vrbdt-$UNIQ '$2 == p {print $1, $3, $4, $5}'
  ceph 32 3/2 rbd
  zdata [0-9]+ 2/1 rbd (re)
  $ ceph -c "$VRBD_LAB_ZDATA_CONF" osd pool get vrbdt-$UNIQ pg_num | sed "s/ $(cat planned)\$/ PLANNED/"
  pg_num: PLANNED

Creating it again is success

  $ virt-rbd pool create ceph:vrbdt-$UNIQ
  pool 'vrbdt-[a-z0-9]+' exists on cluster 'ceph' and is ready for RBD (re)

It is listed with its numbers

  $ virt-rbd --json pool list ceph: | python3 -c '
  > import json,sys,os; p=[x for x in json.load(sys.stdin) if x["name"]=="vrbdt-"+os.environ["UNIQ"]][0]
  > print(p["pg_num"], p["size"], p["min_size"], p["applications"], p["images"])'
  32 3 2 rbd 0

A pool holding an image is not removed

  $ rbd -c "$VRBD_LAB_CEPH_CONF" create --size 1M vrbdt-$UNIQ/img
  $ virt-rbd pool rm ceph:vrbdt-$UNIQ --yes-i-really-mean-it
  virt-rbd: error: pool 'vrbdt-[a-z0-9]+' of cluster 'ceph' still holds 1 RBD image\(s\) (re)
  virt-rbd: hint: remove its images first \(virt-rbd vol list ceph:vrbdt-[a-z0-9]+\) (re)
  [1]
  $ rbd -c "$VRBD_LAB_CEPH_CONF" rm --no-progress vrbdt-$UNIQ/img

A pool whose images hide in a namespace is not removed either

  $ rbd -c "$VRBD_LAB_CEPH_CONF" namespace create vrbdt-$UNIQ/tenant
  $ virt-rbd pool rm ceph:vrbdt-$UNIQ --yes-i-really-mean-it 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: pool 'vrbdt-U' of cluster 'ceph' has RBD namespaces (first: 'tenant')
  virt-rbd: hint: remove the namespaces' images and the namespaces first
  [1]
  $ rbd -c "$VRBD_LAB_CEPH_CONF" namespace remove vrbdt-$UNIQ/tenant

An empty pool is removed, on both clusters

  $ virt-rbd pool rm ceph:vrbdt-$UNIQ --yes-i-really-mean-it
  pool 'vrbdt-[a-z0-9]+' removed from cluster 'ceph' (re)
  $ virt-rbd pool rm zdata:vrbdt-$UNIQ --yes-i-really-mean-it
  pool 'vrbdt-[a-z0-9]+' removed from cluster 'zdata' (re)
  $ virt-rbd pool rm zdata:vrbdt-$UNIQ --yes-i-really-mean-it
  virt-rbd: error: pool 'vrbdt-[a-z0-9]+' not found in cluster 'zdata' (re)
  [1]
