#!/usr/bin/env bash
# The VMCS mess stays behind its layer (vmm/vmcs/): VMREAD/VMWRITE and
# access by raw encoding only there (and in the instruction wrappers,
# vmm/x86/vmx_insn.h), bitmap bits only in the exit-policy builder
# (vmm/vmx/exit_policy.c); the exit layer names no machine; no circle
# between folders.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
SOURCES=(boot/*.[chS] vmm/*.[chS] vmm/*/*.[chS] guest/*.[chS])
only_in() { # what pattern allowed-files-regex
	local bad
	bad=$(grep -lE -- "$2" "${SOURCES[@]}" 2>/dev/null | grep -vE "$3")
	if [ -z "$bad" ]; then echo "ok - $1"; else echo "not ok - $1: also in $bad"; fail=1; fi
}
only_in "VMREAD/VMWRITE instructions only in x86/vmx_insn.h and the VMCS backend" \
	'\bvm(read|write)\b *\(|"vm(read|write) ' '^vmm/(x86/vmx_insn\.h|vmcs/vmcs_hw\.c|vmcs/vmcs_backend_hw\.h)$'
# The entry checker reads fields by their named VMCS_ENC_* constants.
only_in "access by encoding only in vmm/vmcs/ and the entry checker (vmm/check/)" \
	'vmcs_(read|write)_enc\(' '^vmm/(vmcs|check)/'
only_in "the VMX instruction error read only in vmm/vmcs/" \
	'VMCS_ENC_VM_INSTRUCTION_ERROR' '^vmm/vmcs/'
only_in "MSR/I/O bitmap bits only in the exit-policy builder" \
	'(msr|io_a|io_b)\[[^]]*\] *(\||&|\^|=)' '^vmm/vmx/exit_policy\.c$'
# The entry checker only reads them, to apply the SDM's address rules.
only_in "'use MSR/I/O bitmaps' and 'unconditional I/O exiting' set only by the policy builder" \
	'PROC_USE_(MSR|IO)_BITMAPS|PROC_UNCONDITIONAL_IO_EXITING' '^vmm/(vmx/exit_policy\.c|vmx/vmx_controls\.h|check/entry_check_controls\.c)$'
# Device models and loaders know nothing of VMX: the exit handlers
# translate between them and the VMCS, so they run on the host as they are.
bad=$(grep -lE 'vmcs|VMCS_|vmx/|exit/' vmm/dev/*.[ch] vmm/loader/*.[ch] 2>/dev/null)
if [ -z "$bad" ]; then
	echo "ok - vmm/dev/ and vmm/loader/ use neither the VMCS nor the exit layer"
else
	echo "not ok - vmm/dev/ or vmm/loader/ reach into VMX: $bad"; fail=1
fi
# The exit layer knows no machine (exit/machine.h): the flat guests' and
# the PC's are reached through vcpu->machine; a machine may use exit/'s
# helpers, never the other way.
bad=$(grep -lE '#include "(pc|flat)/|v->pc\b|[&=] *(pc|flat)_machine\b' vmm/exit/*.[ch] 2>/dev/null)
if [ -z "$bad" ]; then
	echo "ok - vmm/exit/ names no machine: no pc/ or flat/ include, no v->pc"
else
	echo "not ok - vmm/exit/ reaches into a machine: $bad"; fail=1
fi
# No circle between vmm's folders: each include "X/..." from folder Y is
# an edge Y -> X, and tsort finds any loop.
edges=$(for f in vmm/*/*.[ch]; do
	d=$(basename "$(dirname "$f")")
	grep -ho '^#include "[a-z0-9_]*/' "$f" | sed 's/^#include "//; s|/$||' |
		sort -u | while read -r t; do [ "$t" != "$d" ] && echo "$d $t"; done
done | sort -u)
if loop=$(tsort <<<"$edges" 2>&1 >/dev/null) && [ -z "$loop" ]; then
	echo "ok - no circle between vmm's folders ($(wc -l <<<"$edges") include edges)"
else
	echo "not ok - a circle between vmm's folders:"; sed 's/^/    /' <<<"$loop"; fail=1
fi
# Encodings as numbers: no 0xNNNN literal as a vmcs_*_enc() argument.
if grep -nE 'vmcs_(read|write)_enc\( *0x' boot/*.c vmm/*.c vmm/*/*.c guest/*.c | grep -v '^vmm/vmcs/'; then
	echo "not ok - raw encoding literals outside vmm/vmcs/"; fail=1
else
	echo "ok - no raw encoding literals outside vmm/vmcs/"
fi
exit $fail
