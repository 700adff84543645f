No command prints the help and is a usage error

  $ virt-rbd | sed -n 1p
  Usage: virt-rbd [OPTIONS] COMMAND [ARGS...]
  [2]
  $ virt-rbd > /dev/null
  [2]

An unknown command names itself and points at --help

  $ virt-rbd frobnicate
  virt-rbd: error: unknown command 'frobnicate'
  virt-rbd: hint: see 'virt-rbd --help'
  [2]

A command group without a subcommand says so

  $ virt-rbd cluster
  virt-rbd: error: 'cluster' needs a subcommand
  virt-rbd: hint: see 'virt-rbd --help'
  [2]

An unknown subcommand of a known group

  $ virt-rbd cluster frob
  virt-rbd: error: unknown command 'cluster frob'
  virt-rbd: hint: see 'virt-rbd --help'
  [2]

Unknown options, long and short, name the option and the command's help

  $ virt-rbd cluster check --bogus
  virt-rbd: error: unknown option '--bogus'
  virt-rbd: hint: see 'virt-rbd help cluster check'
  [2]
  $ virt-rbd cluster check -Z
  virt-rbd: error: unknown option '-Z'
  virt-rbd: hint: see 'virt-rbd help cluster check'
  [2]

A name that begins with '-' reads as options: the error says to put it
after '--', where it is taken as a name

  $ virt-rbd vol info -pool/img
  virt-rbd: error: '-pool/img' reads as options: put a name that begins with '-' after '--'
  virt-rbd: hint: see 'virt-rbd help vol info'
  [2]
  $ virt-rbd vol info -- -pool/img 2>&1 | sed "s#$TMPDIR_T#T#"
  virt-rbd: error: no default cluster in 'T/config'
  virt-rbd: hint: none is registered: run 'virt-rbd cluster add'
  [1]

An option lacking its value

  $ virt-rbd cluster check --conf
  virt-rbd: error: option '--conf' needs a value
  virt-rbd: hint: see 'virt-rbd help cluster check'
  [2]

Too many arguments

  $ virt-rbd version extra
  virt-rbd: error: unexpected argument 'extra'
  virt-rbd: hint: see 'virt-rbd help version'
  [2]

A bad --timeout is refused with the accepted range, before or after the command

  $ virt-rbd --timeout 0 version
  virt-rbd: error: invalid --timeout '0': give whole seconds from 1 to 86400
  virt-rbd: hint: see 'virt-rbd --help'
  [2]
  $ virt-rbd version --timeout=-5
  virt-rbd: error: invalid --timeout '-5': give whole seconds from 1 to 86400
  virt-rbd: hint: see 'virt-rbd help version'
  [2]
  $ virt-rbd version --timeout 10x
  virt-rbd: error: invalid --timeout '10x': give whole seconds from 1 to 86400
  virt-rbd: hint: see 'virt-rbd help version'
  [2]
