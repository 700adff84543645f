#require lab
The Debian packages: scripts/package builds them (dpkg-buildpackage, the
unit, xml and cli suites run by it, lintian with no error), they are
installed into a throwaway root (dpkg -x), and what they installed is
used from there: the CLI, the library's pkg-config file for a program of
one's own, and the bash completion, which completes from the lab's
clusters.

  $ top=$TESTDIR/../.. root=$PWD/root; umask 022
  $ "$top/scripts/package" "$PWD/pkg" > package.out 2>&1 || cat package.out
  $ grep -E '^==> .*(lintian warnings|built)' package.out | sed 's/^==> \[ *[0-9]*s\] //'
  0 lintian warnings, no error
  built libvrbd-dev_0.1.0_amd64.deb
  built libvrbd0-dbgsym_0.1.0_amd64.deb
  built libvrbd0_0.1.0_amd64.deb
  built virt-rbd-dbgsym_0.1.0_amd64.deb
  built virt-rbd_0.1.0_amd64.deb
  $ grep -E '^E: ' pkg/lintian.log
  [1]

The package build ran the suites that need no lab; the symbols file
lists exactly what the library exports (dh_makeshlibs checks it too, -c4)

  $ grep -E '^(Ok|Fail):' pkg/build.log | tr -s ' ' | sed 's/ *$//'
  Ok: [1-9][0-9]* (re)
  Fail: 0
  $ dpkg-deb -x pkg/libvrbd0_0.1.0_amd64.deb sym && objdump -T sym/usr/lib/*/libvrbd.so.0.1.0 | awk 'NF > 1 && $(NF-1) == "VRBD_0.1" && $NF != "VRBD_0.1" {print $NF}' | sort > exported && sed -n 's/^ \([a-z_0-9]*\)@VRBD_0.1 .*/\1/p' "$top/debian/libvrbd0.symbols" | sort > listed && cmp exported listed && wc -l < exported
  [0-9]+ (re)
  $ [ "$(grep -c '^VRBD_API' "$top/include/vrbd.h")" = "$(wc -l < listed)" ] && echo "as many as vrbd.h declares"
  as many as vrbd.h declares

What each package holds, and what it depends on: libvirt0 only
recommended (libvrbd loads it with dlopen when a call needs it)

  $ for p in virt-rbd libvrbd0 libvrbd-dev; do dpkg-deb -c pkg/${p}_0.1.0_amd64.deb | awk '$1 !~ /^d/ {print $6}' | sed "s|^|$p |"; done
  virt-rbd ./lib/systemd/system/virt-rbd-ensure.service
  virt-rbd ./usr/bin/virt-rbd
  virt-rbd ./usr/share/bash-completion/completions/virt-rbd
  virt-rbd ./usr/share/doc/virt-rbd/changelog.gz
  virt-rbd ./usr/share/doc/virt-rbd/copyright
  virt-rbd ./usr/share/man/man1/virt-rbd.1.gz
  libvrbd0 ./usr/lib/x86_64-linux-gnu/libvrbd.so.0.1.0
  libvrbd0 ./usr/share/doc/libvrbd0/changelog.gz
  libvrbd0 ./usr/share/doc/libvrbd0/copyright
  libvrbd0 ./usr/lib/x86_64-linux-gnu/libvrbd.so.0
  libvrbd-dev ./usr/include/vrbd.h
  libvrbd-dev ./usr/lib/x86_64-linux-gnu/pkgconfig/vrbd.pc
  libvrbd-dev ./usr/share/doc/libvrbd-dev/changelog.gz
  libvrbd-dev ./usr/share/doc/libvrbd-dev/copyright
  libvrbd-dev ./usr/lib/x86_64-linux-gnu/libvrbd.so
  $ dpkg-deb -f pkg/libvrbd0_0.1.0_amd64.deb Depends | tr ',' '\n' | sed 's/^ //; s/ .*//' | sort | tr '\n' ' '; echo
  libarchive13 libc6 libgcc-s1 libjson-c5 libnbd0 librados2 librbd1 libstdc++6 libxml2 libyaml-0-2 
  $ dpkg-deb -f pkg/libvrbd0_0.1.0_amd64.deb Recommends
  libvirt0 (>= 8.0.0)
  $ dpkg-deb -f pkg/virt-rbd_0.1.0_amd64.deb Depends Recommends
  Depends: libvrbd0 (= 0.1.0), libc6 (>= 2.34), libgcc-s1 (>= 3.0), libjson-c5 (>= 0.15)
  Recommends: libvirt0 (>= 8.0.0), libvirt-daemon-driver-storage-rbd, bash-completion
  $ dpkg-deb -x pkg/libvrbd0_0.1.0_amd64.deb probe && objdump -p probe/usr/lib/x86_64-linux-gnu/libvrbd.so.0.1.0 | awk '/NEEDED|SONAME/ {print $1, $2}' | grep -c libvirt
  0
  [1]

The unit is installed, neither enabled nor started by the package's
scripts: its postinst, run as on a fresh install with systemd's helpers
standing in (they log what they are asked; nothing was installed before),
only records the unit's state

  $ dpkg-deb -e pkg/virt-rbd_0.1.0_amd64.deb ctl && mkdir fake && for h in deb-systemd-helper deb-systemd-invoke systemctl; do printf '#!/bin/sh\necho "%s $*" >> %s/calls\ncase "$*" in *debian-installed*|*was-enabled*) exit 1;; esac\n' $h "$PWD" > fake/$h; chmod +x fake/$h; done
  $ PATH=$PWD/fake:$PATH sh ctl/postinst configure && cat calls
  deb-systemd-helper debian-installed virt-rbd-ensure.service
  deb-systemd-helper update-state virt-rbd-ensure.service

Installed into a throwaway root: the CLI runs from it, with the library
from it

  $ for d in pkg/virt-rbd_0.1.0_amd64.deb pkg/libvrbd0_0.1.0_amd64.deb pkg/libvrbd-dev_0.1.0_amd64.deb; do dpkg -x "$d" root || echo "dpkg -x $d failed"; done
  $ lib=$root/usr/lib/x86_64-linux-gnu
  $ LD_LIBRARY_PATH=$lib "$root/usr/bin/virt-rbd" --version
  virt-rbd 0.1.0
  $ LD_LIBRARY_PATH=$lib ldd "$root/usr/bin/virt-rbd" | grep libvrbd | sed "s|$root|ROOT|; s/ (0x.*//" | tr -d '\t'
  libvrbd.so.0 => ROOT/usr/lib/x86_64-linux-gnu/libvrbd.so.0
  $ MANWIDTH=80 man -l "$root/usr/share/man/man1/virt-rbd.1.gz" 2> /dev/null | grep -m1 -A1 '^NAME'
  NAME
         virt-rbd - manage Ceph RBD storage for KVM/libvirt hosts

A program of one's own builds against the dev package through pkg-config

  $ cat > mine.c <<'C'
  > #include <stdio.h>
  > #include <vrbd.h>
  > int main(void) { printf("libvrbd %s\n", vrbd_version()); return 0; }
  > C
  $ export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$lib/pkgconfig
  $ pkg-config --cflags --libs vrbd | sed "s|$root|ROOT|g"
  -IROOT/usr/include -LROOT/usr/lib/x86_64-linux-gnu -lvrbd 
  $ cc -Wall -Werror -o mine mine.c $(pkg-config --cflags --libs vrbd) && LD_LIBRARY_PATH=$lib ./mine
  libvrbd 0.1.0

The installed completion, asking the installed virt-rbd: commands,
options, cluster names, and CLUSTER:POOL/IMAGE specs from the clusters

  $ virt-rbd cluster add ceph --conf "$VRBD_LAB_CEPH_CONF" --keyring "$VRBD_LAB_CEPH_KEYRING" > /dev/null
  $ virt-rbd cluster add zdata --conf "$VRBD_LAB_ZDATA_CONF" --keyring "$VRBD_LAB_ZDATA_KEYRING" > /dev/null
  $ P=vrbdt-$UNIQ; virt-rbd pool create zdata:$P --pg 8 > /dev/null && virt-rbd vol create zdata:$P/disk-a --size 1M > /dev/null && virt-rbd vol create zdata:$P/disk-b --size 1M > /dev/null
  $ comp() { PATH=$root/usr/bin:/usr/bin:/bin LD_LIBRARY_PATH=$lib "$TESTDIR/../cli/complete-line.sh" "$root/usr/share/bash-completion/completions/virt-rbd" "$1"; }
  $ comp 'virt-rbd vol sn'
  snap
  $ comp 'virt-rbd vol create --fe'
  --features
  $ comp 'virt-rbd cluster check '
  ceph
  zdata
  $ comp 'virt-rbd vol info z'
  zdata:
  $ comp "virt-rbd vol info zdata:vrbdt-$UNIQ" | sed "s/$UNIQ/U/"
  vrbdt-U/
  $ comp "virt-rbd vol info zdata:$P/" | sed "s/$UNIQ/U/"
  vrbdt-U/disk-a
  vrbdt-U/disk-b
  $ comp "virt-rbd vol info zdata:$P/disk-b" | sed "s/$UNIQ/U/"
  vrbdt-U/disk-b
  $ comp "virt-rbd vol list zdata:vrbdt-$UNIQ" | sed "s/$UNIQ/U/"
  vrbdt-U
