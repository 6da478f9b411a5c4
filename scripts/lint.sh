#!/usr/bin/env bash
# Style and static checks over the C sources given as arguments, and
# the shell scripts through shellcheck.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
status=0
if ! out=$(clang-format --dry-run --Werror "$@" 2>&1); then
	echo "$out" | head -n 40
	echo "lint: clang-format differs (run 'make format')"
	status=1
fi
c_files=()
for f in "$@"; do case $f in *.c) c_files+=("$f") ;; esac; done
# -U__ASSEMBLER__: a C file is never assembled, so cppcheck must not try
# the configuration where headers shared with .S files (vmx/vmx_entry.h)
# give their assembler half.
if ! cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
	--inline-suppr --suppress=missingIncludeSystem --suppress='constStatement:tests/*' -Ivmm -Itests \
	-D__x86_64__ -DEFI_FUNCTION_WRAPPER -U__ASSEMBLER__ "${c_files[@]}"; then
	echo "lint: cppcheck found problems"
	status=1
fi
# Shell: every script of scripts/ and tests/ (and the two /init scripts,
# KVM-in-Bochs's and the Linux guest's, busybox sh), sources followed. Not enforced: SC2015 ("A && B ||
# C is not if-then-else"), the tests' idiom "[ test ] && ok ... ||
# not_ok ...", where ok never fails; SC2001 (sed instead of ${var//}):
# the sed calls prefix every line of a multi-line value.
mapfile -t sh_files < <(ls scripts/*.sh scripts/kvm-in-bochs/*.sh scripts/linux-guest/*.sh tests/*.sh \
	scripts/kvm-in-bochs/init guest/linux/init)
if ! shellcheck -x -e SC2015,SC2001 "${sh_files[@]}"; then
	echo "lint: shellcheck found problems"
	status=1
fi
exit $status
