#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""lib-words.py SRCDIR: libvrbd's messages speak the library's words.

The string literals of SRCDIR/lib (comments left out, adjacent literals
joined) name no CLI flag ("--force") and no virt-rbd command line
("virt-rbd vol rm"): they write a token ("{force}", "{vrbd_volume_remove}")
that the CLI maps to its words (cli/words.c).  Every token they use is one
of lib/words.h's (test-words checks that the CLI has words for each).
Other tools' flags ("virsh list --all"), argv elements ("--shared") and
written config-file text ("# ...") are not messages.  With --self-test,
it first shows that it catches each kind of mistake.  TAP.
"""
import os
import re
import sys
import tempfile

COMMANDS = ("vol|pool|cluster|host|user|vm|disk|doctor|bench|copy|import|"
            "export|help|version|%s")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
COMMAND = re.compile(r"virt-rbd (?:%s)\b" % COMMANDS)
TOKEN = re.compile(r"\{([a-z0-9_]+)\}")
# flags of other tools that messages name: virsh list --all, virsh
# blockjob --abort (virt-rbd has neither)
OTHER_FLAGS = {"--all", "--abort"}


def literals(text):
    """(line, joined literal) for each run of adjacent string literals."""
    out, i, n = [], 0, len(text)
    cur, cur_line, line = None, 0, 1
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c == "'":
            m = re.compile(r"'(\\.|[^'\\])*'").match(text, i)
            if cur is not None:
                out.append((cur_line, cur))
                cur = None
            i = m.end() if m else i + 1
        elif c == '"':
            j, s = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\":
                    s.append(text[j:j + 2])
                    j += 2
                else:
                    s.append(text[j])
                    j += 1
            if cur is None:
                cur, cur_line = "", line
            cur += "".join(s)
            line += text.count("\n", i, j)
            i = j + 1
        elif c.isspace():
            line += c == "\n"
            i += 1
        else:
            if cur is not None:
                out.append((cur_line, cur))
                cur = None
            i += 1
    if cur is not None:
        out.append((cur_line, cur))
    return out


def lib_tokens(srcdir):
    with open(os.path.join(srcdir, "lib", "words.h")) as f:
        return set(re.findall(r'^VRBD_WORD\("([a-z0-9_]+)"', f.read(), re.M))


def check(srcdir):
    """The three lists of offences: flags, command lines, unknown tokens."""
    known = lib_tokens(srcdir)
    flags, commands, tokens = [], [], []
    for root, dirs, files in os.walk(os.path.join(srcdir, "lib")):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith((".c", ".h")) or name == "words.h":
                continue
            path = os.path.join(root, name)
            where = os.path.relpath(path, srcdir)
            with open(path, errors="replace") as f:
                text = f.read()
            for line, lit in literals(text):
                at = "%s:%d: \"%s\"" % (where, line, lit)
                if lit.startswith(("--", "# ")):
                    continue
                if set(FLAG.findall(lit)) - OTHER_FLAGS:
                    flags.append(at)
                if COMMAND.search(lit):
                    commands.append(at)
                for t in TOKEN.findall(lit):
                    if t not in known:
                        tokens.append("%s: {%s}" % (at, t))
    return flags, commands, tokens


def self_test(n):
    """Each kind of mistake in a made-up lib/ is caught."""
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, "lib"))
        with open(os.path.join(d, "lib", "words.h"), "w") as f:
            f.write('VRBD_WORD("force", "the force option")\n')
        with open(os.path.join(d, "lib", "bad.c"), "w") as f:
            f.write('/* --comment virt-rbd vol rm {nope} */\n'
                    'f("give --force", "see \'virt-rbd "\n'
                    '  "vol who\'", "{nope} {force}");\n'
                    'g("see \'virsh list --all\'", "--shared", --x);\n')
        flags, commands, tokens = check(d)
    ok = (len(flags) == 1 and "give --force" in flags[0] and
          len(commands) == 1 and "bad.c:2" in commands[0] and
          len(tokens) == 1 and "{nope}" in tokens[0])
    print("%s %d - the check catches a flag, a command line split over "
          "literals and an unknown token" % ("ok" if ok else "not ok", n))
    if not ok:
        print("# got: %r %r %r" % (flags, commands, tokens))
    return ok


def main():
    args = sys.argv[1:]
    n, failed = 0, 0
    if args and args[0] == "--self-test":
        args = args[1:]
        n += 1
        failed += not self_test(n)
    flags, commands, tokens = check(args[0])
    for what, found in (
            ("lib/ messages name no CLI flag", flags),
            ("lib/ messages write no virt-rbd command line", commands),
            ("every token lib/ uses is one of lib/words.h", tokens)):
        n += 1
        if found:
            failed += 1
            print("not ok %d - %s" % (n, what))
            for f in found:
                print("# %s" % f)
        else:
            print("ok %d - %s" % (n, what))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
