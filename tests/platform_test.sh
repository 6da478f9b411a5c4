#!/usr/bin/env bash
# The nested-KVM detection (scripts/platform.sh) against fake hosts.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail=0
check() { # name expected-regex
	local got
	got=$(. "$here/scripts/platform.sh"; kvm_nested_status)
	if [[ "$got" =~ $2 ]]; then echo "ok - $1"; else echo "not ok - $1: got '$got'"; fail=1; fi
}
host() { # vendor flags nested [kvm: yes|no]
	printf 'vendor_id\t: %s\nflags\t\t: fpu %s sse2\n' "$1" "$2" >"$tmp/cpuinfo"
	rm -f "$tmp/nested" "$tmp/kvm"
	[ -n "$3" ] && echo "$3" >"$tmp/nested"
	[ "${4:-yes}" = yes ] && : >"$tmp/kvm"
	# shellcheck disable=SC2031 # read by the subshells check() starts
	export HV_CPUINFO=$tmp/cpuinfo HV_KVM_DEV=$tmp/kvm HV_KVM_NESTED=$tmp/nested
}

host GenuineIntel vmx Y;      check "Intel, vmx, nested=Y: usable" '^yes$'
host GenuineIntel vmx 1;      check "Intel, vmx, nested=1: usable" '^yes$'
host GenuineIntel vmx N;      check "nested=N: names the modprobe fix" 'nested=N .*modprobe kvm_intel nested=1'
host GenuineIntel vmx "";     check "kvm_intel not loaded" 'kvm_intel is not loaded'
host GenuineIntel "" Y;       check "no vmx flag" 'no vmx flag'
host AuthenticAMD svm Y;      check "AMD host" 'not Intel \(AuthenticAMD'
host GenuineIntel vmx Y no;   check "no /dev/kvm" 'missing \(load kvm_intel\)'

# choose_platform picks qemu-kvm only when usable, and says why.
host GenuineIntel vmx Y
(. "$here/scripts/platform.sh"; choose_platform; [ "$EMU" = qemu-kvm ]) &&
	echo "ok - choose_platform: qemu-kvm on a nested-KVM host" ||
	{ echo "not ok - choose_platform: qemu-kvm on a nested-KVM host"; fail=1; }
host AuthenticAMD svm Y
out=$(. "$here/scripts/platform.sh"; choose_platform; echo "$EMU: $WHY")
[[ "$out" =~ ^bochs:\ nested\ KVM\ unusable:\ host\ CPU\ is\ not\ Intel ]] &&
	echo "ok - choose_platform: Bochs elsewhere, with the reason" ||
	{ echo "not ok - choose_platform: Bochs elsewhere: got '$out'"; fail=1; }
# kib_phase names where a KVM-in-Bochs boot stopped, from its markers.
phase() { # expected-regex: the log built so far in $tmp/kib.log
	local got
	got=$(. "$here/scripts/platform.sh"; kib_phase "$tmp/kib.log")
	if [[ "$got" =~ $1 ]]; then echo "ok - kib_phase: $got"; else
		echo "not ok - kib_phase: got '$got', want /$1/"; fail=1; fi
}
: >"$tmp/kib.log";                                   phase '^OVMF '
echo 'kib: phase=kernel (OVMF shell starting the EFI stub)' >>"$tmp/kib.log"; phase '^kernel \(the EFI stub'
echo '[    0.000000] Linux version 6.1.0' >>"$tmp/kib.log";     phase '^kernel \(Linux never ran /init'
echo 'kib: phase=init (uptime 32.7 s)' >>"$tmp/kib.log";        phase '^kvm_intel$'
echo 'kib: kvm_intel: nested=Y ept=Y' >>"$tmp/kib.log";         phase '^init$'
echo 'kib: phase=kvm_bench' >>"$tmp/kib.log";                   phase '^kvm_bench$'
echo 'kvm_bench: done' >>"$tmp/kib.log";                        phase '^init$'
echo 'kib: phase=qemu (end=exit, bound 900 s)' >>"$tmp/kib.log"; phase '^QEMU '
echo 'l1: BdsDxe: loading Boot0001' >>"$tmp/kib.log";           phase '^L1 OVMF '
echo 'l1: hv: minimal VT-x hypervisor' >>"$tmp/kib.log";        phase '^hv\.efi .*last L1 line: l1: hv: minimal'
echo 'kib: phase=qemu_done rc=0' >>"$tmp/kib.log";              phase '^init \(after QEMU\)'
echo 'kib: FAILED phase=qemu: QEMU exited 1' >>"$tmp/kib.log";  phase '^qemu \(QEMU exited 1\)'
exit $fail
