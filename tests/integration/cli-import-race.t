#require lab
Two imports to the same name at the same time: exactly one wins, the image
is that one's source, the other fails saying why and leaves nothing behind.
Each import reads a pipe the test holds open, so neither can finish before
the test lets it: both are shown past their "is the name free" check (their
first progress event comes after it; --queue-depth 1, as a pipe is read on
the engine's thread, which would otherwise wait for more input before it
writes) while both still run, then the one fed first finishes first.  The oracle: the sources untouched, the image equal to
the winner's source, no temporary or set-aside image and no stray id object
left in the pool.

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdt-$UNIQ --pg 8 > /dev/null
  $ for f in a b c; do head -c 16M /dev/urandom > $f.raw; done; sha256sum a.raw b.raw > src.sum
  $ race() {
  >   rm -f a.fifo b.fifo; mkfifo a.fifo b.fifo
  >   virt-rbd --json import - "vrbdt-$UNIQ/$1" --size 16M --queue-depth 1 "${@:2}" < a.fifo > a.out 2> a.err & pa=$!
  >   virt-rbd --json import - "vrbdt-$UNIQ/$1" --size 16M --queue-depth 1 "${@:2}" < b.fifo > b.out 2> b.err & pb=$!
  >   exec 3> a.fifo 4> b.fifo
  >   head -c 4M a.raw >&3; head -c 4M b.raw >&4
  >   bash "$TESTDIR/waitfor" a.out 0 && bash "$TESTDIR/waitfor" b.out 0 && kill -0 $pa $pb && echo "both past their check, both running"
  >   tail -c +4194305 a.raw >&3; exec 3>&-; wait $pa; echo "first: exit $?"
  >   tail -c +4194305 b.raw >&4; exec 4>&-; wait $pb; echo "second: exit $?"
  >   sed "s/$UNIQ/U/" b.err
  > }
  $ left() {
  >   rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | tr '\n' ' '
  >   echo "($(rados -c "$VRBD_LAB_CEPH_CONF" -p vrbdt-$UNIQ ls | grep -c '^rbd_id\.') id objects)"
  > }

The name is free for both: the first to finish takes it, the second finds it
taken at its rename (an exclusive create of the name's id object) and
removes its temporary image

  $ race img
  both past their check, both running
  first: exit 0
  second: exit 1
  virt-rbd: error: image 'vrbdt-U/img' was made by another client meanwhile
  virt-rbd: hint: run it again with --force to replace it
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/img - | cmp - a.raw && echo the image is the first one\'s source
  the image is the first one's source
  $ left
  img (1 id objects)

The same with --force on both, the name free: --force replaces what was
there when the run began, not an image another run made meanwhile

  $ race forced --force
  both past their check, both running
  first: exit 0
  second: exit 1
  virt-rbd: error: image 'vrbdt-U/forced' was made by another client meanwhile
  virt-rbd: hint: run it again with --force to replace it
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/forced - | cmp - a.raw && echo the image is the first one\'s source
  the image is the first one's source

With --force on both and an image there: the first replaces it, the second
finds the image it checked gone (the name held by one it never checked) and
replaces nothing (it used to replace the first one's image in turn)

  $ virt-rbd import c.raw vrbdt-$UNIQ/held > /dev/null
  $ race held --force
  both past their check, both running
  first: exit 0
  second: exit 1
  virt-rbd: error: image 'vrbdt-U/held' was replaced or removed by another client meanwhile: not replacing an image this run did not check
  virt-rbd: hint: run it again to replace the image there now
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/held - | cmp - a.raw && echo the image is the first one\'s source
  the image is the first one's source
  $ left
  forced held img (3 id objects)
  $ sha256sum -c --quiet src.sum && echo sources untouched
  sources untouched

Clean up

  $ for i in img forced held; do virt-rbd vol rm --now vrbdt-$UNIQ/$i > /dev/null; done
  $ virt-rbd pool rm vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
