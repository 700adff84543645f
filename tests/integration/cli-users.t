#require lab
Set up: the ceph lab cluster registered, and a pool for the user

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdt-$UNIQ --pg 8 > /dev/null

A user for a missing pool is refused

  $ virt-rbd user create client.vrbdt-$UNIQ --pool vrbdt-$UNIQ,nope-$UNIQ
  virt-rbd: error: pool 'nope-[a-z0-9]+' not found in cluster 'ceph' (re)
  virt-rbd: hint: create it first: virt-rbd pool create ceph:nope-[a-z0-9]+ (re)
  [1]

The user gets exactly the rbd profile for its pool, and a 0600 keyring

  $ virt-rbd user create client.vrbdt-$UNIQ --pool vrbdt-$UNIQ
  client.vrbdt-[a-z0-9]+ created on cluster 'ceph'; keyring written to .*/config/keys/ceph.client.vrbdt-[a-z0-9]+.keyring \(mode 600\) (re)
  $ stat -c '%a %n' config/keys config/keys/* | sed "s/$UNIQ/U/"
  700 config/keys
  600 config/keys/ceph.client.vrbdt-U.keyring
  $ virt-rbd user show client.vrbdt-$UNIQ | sed "s/$UNIQ/U/"
  user: client.vrbdt-U
  mon:  profile rbd
  osd:  profile rbd pool=vrbdt-U

Its keyring works with the rbd tool in its pool

  $ rbd -c "$VRBD_LAB_CEPH_CONF" --id vrbdt-$UNIQ --keyring config/keys/ceph.client.vrbdt-$UNIQ.keyring ls vrbdt-$UNIQ && echo ok
  ok

No key in any output but --print-keyring

  $ virt-rbd user list | grep -c 'AQ' || true
  0
  $ virt-rbd --json user show client.vrbdt-$UNIQ | grep -c 'AQ' || true
  0
  $ virt-rbd user create client.vrbdt-$UNIQ --pool vrbdt-$UNIQ --print-keyring | sed "s/$UNIQ/U/; s/key = .*/key = KEY/"
  [client.vrbdt-U]
  	key = KEY

Running it again reuses the user; other caps are refused unless asked

  $ virt-rbd user create client.vrbdt-$UNIQ --pool vrbdt-$UNIQ | sed "s/$UNIQ/U/g; s|keyring written to .*|...|"
  client.vrbdt-U exists with these caps on cluster 'ceph'; ...
  $ virt-rbd user create client.vrbdt-$UNIQ --pool vrbdt-$UNIQ --read-only 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: user client.vrbdt-U of cluster 'ceph' exists with other caps (mon 'profile rbd' osd 'profile rbd pool=vrbdt-U')
  virt-rbd: hint: give --update-caps to set mon 'profile rbd' and the pools' osd caps, or pick another name
  [1]
  $ virt-rbd user create client.vrbdt-$UNIQ --pool vrbdt-$UNIQ --read-only --update-caps | sed "s/$UNIQ/U/g; s|keyring written to .*|...|"
  client.vrbdt-U given new caps on cluster 'ceph'; ...
  $ virt-rbd --json user show client.vrbdt-$UNIQ | python3 -c 'import json,sys; print(json.load(sys.stdin)["osd"].split(" pool=")[0])'
  profile rbd-read-only

A cluster registered with the restricted user works where its caps allow, and says what it lacks

  $ virt-rbd user create client.vrbdt-$UNIQ --pool vrbdt-$UNIQ --update-caps > /dev/null
  $ virt-rbd --config-dir restricted cluster add lv --mon-host "$VRBD_LAB_CEPH_MON_HOST" --id client.vrbdt-$UNIQ --keyring config/keys/ceph.client.vrbdt-$UNIQ.keyring | sed "s/$UNIQ/U/"
  cluster 'lv' added: fsid [0-9a-f-]{36}, client.vrbdt-U \(the default cluster\) (re)
  $ virt-rbd --config-dir restricted cluster check | sed -n '3p;8p' | sed "s/$UNIQ/U/"
  health:   HEALTH_OK
  user:     client.vrbdt-U (its caps do not allow reading them)
  $ virt-rbd --config-dir restricted pool list | grep -c "vrbdt-$UNIQ"
  1
  $ virt-rbd --config-dir restricted pool create other-$UNIQ 2>&1 | sed "s/$UNIQ/U/g"
  virt-rbd: error: client.vrbdt-U may not run 'osd pool create' on cluster 'lv': it lacks the caps
  virt-rbd: hint: 'osd pool create' needs mon 'allow rw': register cluster 'lv' with a user that has it (virt-rbd cluster add NAME --id admin --keyring FILE)
  [1]

Clean up: the user and the pool go

  $ virt-rbd user rm client.vrbdt-$UNIQ | sed "s/$UNIQ/U/"
  client.vrbdt-U removed from cluster 'ceph'
  $ virt-rbd user rm client.admin
  virt-rbd: error: refusing to delete client.admin
  [1]
  $ virt-rbd pool rm vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
