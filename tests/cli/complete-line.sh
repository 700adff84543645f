#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# complete-line.sh COMPLETION-FILE LINE: what bash's programmable completion
# offers for LINE typed with the cursor at its end, one candidate a line,
# as an interactive bash with bash-completion would: the completion file
# is loaded after /usr/share/bash-completion/bash_completion, and the line
# is split into COMP_WORDS as readline does (COMP_WORDBREAKS: blanks, and
# ':' and '=' as words of their own).
set -uo pipefail
. /usr/share/bash-completion/bash_completion || exit 3
. "$1" || exit 3
line=$2
COMP_LINE=$line
COMP_POINT=${#line}
split=${line//:/ : }
split=${split//=/ = }
read -ra COMP_WORDS <<< "$split"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMPREPLY=()
_virt_rbd virt-rbd "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
[ ${#COMPREPLY[@]} = 0 ] || printf '%s\n' "${COMPREPLY[@]}"
