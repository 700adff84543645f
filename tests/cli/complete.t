Shell completion asks virt-rbd itself (the hidden __complete command: the
words so far, then the word completed).  Without a lab: commands, options,
files and registered names.  The bash script, through a line typed as an
interactive bash splits it, is tested here and, installed from the
package, in tests/integration/cli-package.t (with pools and images).

  $ C=$TESTDIR/complete-line.sh B=$TESTDIR/../../docs/virt-rbd.bash-completion
  $ mkdir -p "$VIRT_RBD_CONFIG_DIR/clusters" && for c in east west; do printf 'fsid = 1\nconf = /nonexistent/ceph.conf\nid = admin\n' > "$VIRT_RBD_CONFIG_DIR/clusters/$c.conf"; done

The first word: every command group, once each, in --help's order

  $ virt-rbd __complete "" | tr '\n' ' '; echo
  cluster pool user host fleet dr vm vol import export copy disk backup restore apply bench doctor help version 
  $ virt-rbd __complete c
  cluster
  copy
  $ virt-rbd __complete vol snap "" | tr '\n' ' '; echo
  create list rm rollback protect unprotect 

A command that is also a group's first word: its subcommands and its
argument (here a spec: the clusters first)

  $ virt-rbd __complete backup ""
  list
  verify
  prune
  east:
  west:

Options: the command's and the global ones, after options and their values

  $ virt-rbd __complete vol create --size 1G --fe
  --features
  $ virt-rbd __complete --json vol list --j
  --json
  --jobs
  $ virt-rbd __complete vol info --ti
  --timeout

An option's value: a cluster, a file; the command's arguments by position

  $ virt-rbd __complete copy --to w
  west:
  $ virt-rbd __complete cluster add x --keyring ""
  @file
  $ virt-rbd __complete export east:p/i ""
  @file
  $ virt-rbd __complete import ""
  @file
  $ virt-rbd __complete import f.raw ""
  east:
  west:
  $ virt-rbd __complete cluster check ""
  east
  west
  $ virt-rbd __complete user show ""
  east:
  west:
  $ virt-rbd __complete cluster add ""

--config-dir among the words (also as --config-dir=DIR) is the registry
asked; a cluster that cannot be reached completes nothing, silently (one
that does not answer is given 3 s, the whole completion 5 s)

  $ mkdir -p other/clusters && cp "$VIRT_RBD_CONFIG_DIR/clusters/east.conf" other/clusters/north.conf
  $ virt-rbd __complete --config-dir other cluster show ""
  north
  $ virt-rbd __complete vol list east:
  $ virt-rbd __complete --config-dir=other cluster show ""
  north
  $ virt-rbd __complete pool list ""
  east:
  west:
  $ virt-rbd __complete cluster check --host ""

Through bash: the script asks virt-rbd; a spec is one word although ':'
splits words for readline; --opt=VALUE completes the value

  $ PATH=$PATH "$C" "$B" 'virt-rbd vol sn'
  snap
  $ "$C" "$B" 'virt-rbd vol info we'
  west:
  $ "$C" "$B" 'virt-rbd copy --to=e'
  east:
  $ touch disk.qcow2 && "$C" "$B" 'virt-rbd import dis'
  disk.qcow2
  $ "$C" "$B" 'virt-rbd cluster rm '
  east
  west
