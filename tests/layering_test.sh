#!/usr/bin/env bash
# The VMCS mess stays behind its layer: VMREAD/VMWRITE and access by raw
# encoding only in vmm/vmcs* (and the instruction wrappers), bitmap bits
# only in the exit-policy builder.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
only_in() { # what pattern allowed-files-regex
	local bad
	bad=$(grep -lE -- "$2" boot/*.[chS] vmm/*.[chS] guest/*.[chS] 2>/dev/null | grep -vE "$3")
	if [ -z "$bad" ]; then echo "ok - $1"; else echo "not ok - $1: also in $bad"; fail=1; fi
}
only_in "VMREAD/VMWRITE instructions only in vmx_insn.h and the VMCS backend" \
	'\bvm(read|write)\b *\(|"vm(read|write) ' '^vmm/(vmx_insn\.h|vmcs_hw\.c|vmcs_backend_hw\.h)$'
# The entry checker reads fields by their named VMCS_ENC_* constants.
only_in "access by encoding only in vmm/vmcs* and the entry checker" \
	'vmcs_(read|write)_enc\(' '^vmm/(vmcs|entry_check)'
only_in "the VMX instruction error read only in vmm/vmcs*" \
	'VMCS_ENC_VM_INSTRUCTION_ERROR' '^vmm/vmcs'
only_in "MSR/I/O bitmap bits only in the exit-policy builder" \
	'(msr|io_a|io_b)\[[^]]*\] *(\||&|\^|=)' '^vmm/exit_policy\.c$'
# The entry checker only reads them, to apply the SDM's address rules.
only_in "'use MSR/I/O bitmaps' and 'unconditional I/O exiting' set only by the policy builder" \
	'PROC_USE_(MSR|IO)_BITMAPS|PROC_UNCONDITIONAL_IO_EXITING' '^vmm/(exit_policy\.c|vmx_controls\.h|entry_check_controls\.c)$'
# Encodings as numbers: no 0xNNNN literal as a vmcs_*_enc() argument.
if grep -nE 'vmcs_(read|write)_enc\( *0x' boot/*.c vmm/*.c guest/*.c | grep -v '^vmm/vmcs'; then
	echo "not ok - raw encoding literals outside vmm/vmcs*"; fail=1
else
	echo "ok - no raw encoding literals outside vmm/vmcs*"
fi
exit $fail
