#!/usr/bin/env bash
# Style and static checks over the C sources given as arguments.
set -uo pipefail
status=0
if ! out=$(clang-format --dry-run --Werror "$@" 2>&1); then
	echo "$out" | head -n 40
	echo "lint: clang-format differs (run 'make format')"
	status=1
fi
c_files=()
for f in "$@"; do case $f in *.c) c_files+=("$f") ;; esac; done
if ! cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
	--inline-suppr --suppress=missingIncludeSystem --suppress='constStatement:tests/*' -Ivmm -Itests \
	-D__x86_64__ -DEFI_FUNCTION_WRAPPER "${c_files[@]}"; then
	echo "lint: cppcheck found problems"
	status=1
fi
exit $status
