#!/usr/bin/env bash
# The VMCS mess stays behind its layer (vmm/vmcs/): VMREAD/VMWRITE and
# access by raw encoding only there (and in the instruction wrappers of
# vmm/vmx/), bitmap bits only in the exit-policy builder (vmm/exit/).
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
SOURCES=(boot/*.[chS] vmm/*.[chS] vmm/*/*.[chS] guest/*.[chS])
only_in() { # what pattern allowed-files-regex
	local bad
	bad=$(grep -lE -- "$2" "${SOURCES[@]}" 2>/dev/null | grep -vE "$3")
	if [ -z "$bad" ]; then echo "ok - $1"; else echo "not ok - $1: also in $bad"; fail=1; fi
}
only_in "VMREAD/VMWRITE instructions only in vmx/vmx_insn.h and the VMCS backend" \
	'\bvm(read|write)\b *\(|"vm(read|write) ' '^vmm/(vmx/vmx_insn\.h|vmcs/vmcs_hw\.c|vmcs/vmcs_backend_hw\.h)$'
# The entry checker reads fields by their named VMCS_ENC_* constants.
only_in "access by encoding only in vmm/vmcs/ and the entry checker (vmm/check/)" \
	'vmcs_(read|write)_enc\(' '^vmm/(vmcs|check)/'
only_in "the VMX instruction error read only in vmm/vmcs/" \
	'VMCS_ENC_VM_INSTRUCTION_ERROR' '^vmm/vmcs/'
only_in "MSR/I/O bitmap bits only in the exit-policy builder" \
	'(msr|io_a|io_b)\[[^]]*\] *(\||&|\^|=)' '^vmm/exit/exit_policy\.c$'
# The entry checker only reads them, to apply the SDM's address rules.
only_in "'use MSR/I/O bitmaps' and 'unconditional I/O exiting' set only by the policy builder" \
	'PROC_USE_(MSR|IO)_BITMAPS|PROC_UNCONDITIONAL_IO_EXITING' '^vmm/(exit/exit_policy\.c|vmx/vmx_controls\.h|check/entry_check_controls\.c)$'
# Device models and loaders know nothing of VMX: the exit handlers
# translate between them and the VMCS, so they run on the host as they are.
bad=$(grep -lE 'vmcs|VMCS_|vmx/|exit/' vmm/dev/*.[ch] vmm/loader/*.[ch] 2>/dev/null)
if [ -z "$bad" ]; then
	echo "ok - vmm/dev/ and vmm/loader/ use neither the VMCS nor the exit layer"
else
	echo "not ok - vmm/dev/ or vmm/loader/ reach into VMX: $bad"; fail=1
fi
# Encodings as numbers: no 0xNNNN literal as a vmcs_*_enc() argument.
if grep -nE 'vmcs_(read|write)_enc\( *0x' boot/*.c vmm/*.c vmm/*/*.c guest/*.c | grep -v '^vmm/vmcs/'; then
	echo "not ok - raw encoding literals outside vmm/vmcs/"; fail=1
else
	echo "ok - no raw encoding literals outside vmm/vmcs/"
fi
exit $fail
