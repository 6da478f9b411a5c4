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
exit $fail
