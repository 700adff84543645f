#require lab
Pipes: export to standard output, import from standard input.  Set up: a
64 MiB source, 8 MiB of random data at 20 MiB, the rest holes.

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd pool create vrbdt-$UNIQ --pg 8 > /dev/null
  $ truncate -s 64M src.raw; head -c 8M /dev/urandom | dd of=src.raw bs=1M seek=20 conv=notrunc status=none
  $ sha256sum < src.raw > src.sum
  $ virt-rbd import src.raw vrbdt-$UNIQ/a > /dev/null

export to -: the whole image in order, holes as zeros; the summary goes to
stderr

  $ virt-rbd export vrbdt-$UNIQ/a - 2> err | sha256sum | cmp - src.sum && echo identical
  identical
  $ sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/" err
  exported ceph:vrbdt-U/a -> -: 64 MiB, 8 MiB of data (8 MiB written, rest zero or holes) in N s

import from a pipe with --size: identical, and thin (the zeros that came
through the pipe are not written)

  $ virt-rbd export vrbdt-$UNIQ/a - 2> /dev/null | virt-rbd import - vrbdt-$UNIQ/b --size 64M | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"
  imported - -> ceph:vrbdt-U/b: 64 MiB, 64 MiB of data (8 MiB written, rest zero or holes) in N s
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/b - 2>/dev/null | sha256sum | cmp - src.sum && echo identical
  identical
  $ rbd -c "$VRBD_LAB_CEPH_CONF" du vrbdt-$UNIQ/b 2>/dev/null | awk 'NR == 2 {print "used", $4, $5}'
  used 8 MiB

Less input than --size reads as zeros; more is refused and leaves nothing

  $ head -c 3M /dev/urandom > three.raw; cat three.raw | virt-rbd import - vrbdt-$UNIQ/c --size 4M > /dev/null
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/c - 2>/dev/null | cmp - <(cat three.raw; head -c 1M /dev/zero) && echo padded with zeros
  padded with zeros
  $ head -c 5M /dev/urandom | virt-rbd import - vrbdt-$UNIQ/d --size 4M
  virt-rbd: error: standard input holds more than 4194304 bytes
  virt-rbd: hint: give the size of the whole stream (--size)
  [1]
  $ virt-rbd vol list vrbdt-$UNIQ; rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | grep -c virt-rbd-import
  a
  b
  c
  0
  [1]

Without --size the image grows as the pipe delivers (from 256 MiB,
doubling) and ends at the input's length; an empty pipe makes nothing

  $ { head -c 290M /dev/zero; cat three.raw; head -c 100 /dev/urandom; } > grow.raw
  $ cat grow.raw | virt-rbd import - vrbdt-$UNIQ/g | sed "s/$UNIQ/U/; s/of data ([^)]*)/of data (N)/; s/in [0-9.]* s, .*\/s/in N s/"
  imported - -> ceph:vrbdt-U/g: 293(\.0)? MiB, [0-9.]+ MiB of data \(N\) in N s (re)
  $ virt-rbd --json vol info vrbdt-$UNIQ/g | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])'
  307233280
  $ rbd -c "$VRBD_LAB_CEPH_CONF" export --no-progress vrbdt-$UNIQ/g - 2>/dev/null | cmp - <(cat grow.raw; head -c 412 /dev/zero) && echo identical, padded to 512 bytes
  identical, padded to 512 bytes
  $ true | virt-rbd import - vrbdt-$UNIQ/empty
  virt-rbd: error: standard input is empty: nothing to import
  [1]
  $ rbd -c "$VRBD_LAB_CEPH_CONF" ls vrbdt-$UNIQ | grep -c 'virt-rbd-import\|empty'
  0
  [1]

A file redirected to standard input is read as a file (holes skipped, no
--size)

  $ virt-rbd import - vrbdt-$UNIQ/e < src.raw | sed "s/$UNIQ/U/; s/in [0-9.]* s, .*\/s/in N s/"
  imported - -> ceph:vrbdt-U/e: 64 MiB, 8 MiB of data (8 MiB written, rest zero or holes) in N s

Refusals: --verify from a pipe, --size for a file, a pipe as qcow2 or with
--resume, --verify to standard output, standard output on a terminal is
checked by the CLI

  $ cat src.raw | virt-rbd import - vrbdt-$UNIQ/x --verify
  virt-rbd: error: a pipe cannot be read back: no --verify with -
  virt-rbd: hint: import from a file to verify
  [1]
  $ virt-rbd import - vrbdt-$UNIQ/x --size 64M < src.raw
  virt-rbd: error: --size is for a pipe on standard input
  virt-rbd: hint: leave --size out: the file's own size is used
  [1]
  $ cat src.raw | virt-rbd import - vrbdt-$UNIQ/x --size 64M --format qcow2
  virt-rbd: error: a pipe is read as raw, not as qcow2
  virt-rbd: hint: convert it to a file first, or pipe raw data
  [1]
  $ cat src.raw | virt-rbd import - vrbdt-$UNIQ/x --size 64M --resume
  virt-rbd: error: a pipe cannot be resumed: --resume needs a file
  virt-rbd: hint: import from a file to resume
  [1]
  $ virt-rbd export vrbdt-$UNIQ/a - --verify > /dev/null
  virt-rbd: error: standard output cannot be read back: no --verify with -
  virt-rbd: hint: export to a file to verify it
  [1]

A reader that goes away is an error, not a silent SIGPIPE death

  $ virt-rbd export vrbdt-$UNIQ/a - 2> err | head -c 1M > /dev/null; echo "exit ${PIPESTATUS[0]}"; sed 's/byte [0-9]*/byte N/' err
  exit 1
  virt-rbd: error: cannot write to standard output at byte N: Broken pipe

Clean up

  $ for i in a b c e g; do virt-rbd vol rm --now vrbdt-$UNIQ/$i > /dev/null; done
  $ virt-rbd pool rm vrbdt-$UNIQ --yes-i-really-mean-it > /dev/null
