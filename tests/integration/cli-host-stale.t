#require lab
A user whose caps name a pool removed since can still be given a new pool:
the gone pool drops out of its caps

  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ for p in a b; do virt-rbd pool create zdata:vrbdt-$UNIQ$p --pg 8 > /dev/null; done
  $ virt-rbd host connect zdata:vrbdt-${UNIQ}a --user client.vrbdt-$UNIQ > /dev/null
  $ virt-rbd host disconnect zdata:vrbdt-${UNIQ}a > /dev/null; virt-rbd pool rm zdata:vrbdt-${UNIQ}a --yes-i-really-mean-it > /dev/null
  $ virt-rbd -v host connect zdata:vrbdt-${UNIQ}b --user client.vrbdt-$UNIQ 2>&1 | grep dropping | sed "s/$UNIQ/U/g"
  virt-rbd: info: client.vrbdt-U: dropping pool 'vrbdt-Ua' from its caps: it no longer exists
  $ virt-rbd user show zdata:client.vrbdt-$UNIQ | sed "s/$UNIQ/U/g"
  user: client.vrbdt-U
  mon:  profile rbd
  osd:  profile rbd pool=vrbdt-Ub

Clean up

  $ virt-rbd host disconnect zdata:vrbdt-${UNIQ}b > /dev/null; virt-rbd user rm zdata:client.vrbdt-$UNIQ > /dev/null
  $ virt-rbd pool rm zdata:vrbdt-${UNIQ}b --yes-i-really-mean-it > /dev/null
