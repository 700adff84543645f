#require lab
fleet evacuate: every running VM of the lab host h2 goes to h1 and h3,
spread by free memory, at most --parallel at once; a VM that cannot move
(a local disk) is named and stays, the others still go.

  $ H1=$VRBD_LAB_H1_URI H2=$VRBD_LAB_H2_URI H3=$VRBD_LAB_H3_URI
  $ A=ea-$UNIQ B=eb-$UNIQ C=ec-$UNIQ P=vrbdt-$UNIQ
  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create ceph:$P --pg 8 > /dev/null
  $ for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; virt-rbd fleet add $h "${!u}" --address 127.0.0.1 > /dev/null; done
  $ virt-rbd --host h2 host connect ceph:$P --user client.$P --name p-$UNIQ > /dev/null
#cleanup for h in "$VRBD_LAB_H1_URI" "$VRBD_LAB_H2_URI" "$VRBD_LAB_H3_URI"; do virsh -q -c "$h" pool-destroy p-$UNIQ; virsh -q -c "$h" pool-undefine p-$UNIQ; done > /dev/null 2>&1; true
  $ virt-rbd fleet sync ceph:$P > /dev/null
  $ vm() { virt-rbd --host h2 vm create $1 --size 64M --pool ceph:$P --memory 256 --kernel "$VRBD_LAB_GUEST_DIR/vmlinuz" --initrd "$VRBD_LAB_GUEST_DIR/initrd.img" --cmdline "console=ttyS0 quiet panic=-1 marker=m$UNIQ hold=900" --start > /dev/null; }
  $ where() { for h in h1 h2 h3; do u=VRBD_LAB_${h^^}_URI; [ "$(virsh -q -c "${!u}" domstate $1 2>/dev/null)" = running ] && echo -n "$h "; done; echo; }
#cleanup for h in "$VRBD_LAB_H1_URI" "$VRBD_LAB_H2_URI" "$VRBD_LAB_H3_URI"; do for d in ea-$UNIQ eb-$UNIQ ec-$UNIQ; do virsh -q -c "$h" destroy $d; virsh -q -c "$h" undefine $d; done; done > /dev/null 2>&1; true
  $ vm $A && vm $B

Two VMs on h2: both move, one at a time, in name order; the first goes to
the host with the most free memory, the second to the other one (the
first's 256 MiB counted against its host)

  $ virt-rbd fleet evacuate h2 | grep -e DOMAIN -e $UNIQ | sed "s/$UNIQ/U/; s/ h[13] / hN /; s/[0-9.]* s$/N s/"
  DOMAIN                   TO           RESULT   DETAIL
  ea-U            hN           moved    N s
  eb-U            hN           moved    N s
  $ where $A; where $B
  h[13]  (re)
  h[13]  (re)
  $ (where $A; where $B) | sort -u | wc -l
  2
  $ virsh -q -c "$H2" list --name | grep -c $UNIQ
  0
  [1]

Back to h2; --to h3: both go to h3, whatever h1's free memory

  $ for d in $A $B; do s=$(where $d); virt-rbd --host $s vm migrate $d --to h2 > /dev/null; done
  $ where $A; where $B
  h2 
  h2 
  $ virt-rbd --json fleet evacuate h2 --to h3 | python3 -c 'import json,sys,os; print(sorted((r["domain"].replace(os.environ["UNIQ"], "U"), r["to"], r["ok"], r["seconds"] > 0, r["error"]) for r in json.load(sys.stdin) if os.environ["UNIQ"] in r["domain"]))'
  [('ea-U', 'h3', True, True, None), ('eb-U', 'h3', True, True, None)]
  $ where $A; where $B
  h3 
  h3 
  $ virt-rbd --host h3 vm migrate $A --to h2 > /dev/null && virt-rbd --host h3 vm migrate $B --to h2 > /dev/null

A third VM with a local (file) disk too: it is named with the reason and
the 'vm move' hint and stays running on h2; the two others move to h3,
two at once; exit status 1

  $ vm $C
  $ truncate -s 16M $PWD/local.img && chmod 666 local.img && chmod 755 $PWD
  $ virsh -q -c "$H2" attach-disk $C $PWD/local.img vdb --persistent
  $ virt-rbd fleet evacuate h2 --parallel 2 --to h3 > out 2> err
  [1]
  $ grep $UNIQ out | sort | sed "s|$PWD|D|; s/$UNIQ/U/g; s/[0-9.]* s$/N s/"
  ea-U            h3           moved    N s
  eb-U            h3           moved    N s
  ec-U            h3           stayed   disk vdb of 'ec-U' is not on RBD (D/local.img): it would have to be copied
  $ grep -A1 "^ec-$UNIQ" out | tail -1 | sed 's/^ *//'
  hint: move its disks to Ceph first with 'virt-rbd vm move'
  $ cat err
  virt-rbd: error: 1 of 3 domains stayed on host 'h2'
  $ where $A; where $B; where $C
  h3 
  h3 
  h2 
