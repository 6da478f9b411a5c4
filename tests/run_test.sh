#!/usr/bin/env bash
# make run as a user runs it: it picks a platform and says why, shows the
# serial console live, and ends by itself once hv.efi has returned.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0
out=$(timeout 300 make -s run EMU=bochs 2>&1)
rc=$?
check() { # what regex
	if grep -qE -- "$2" <<<"$out"; then echo "ok - make run: $1"; else
		echo "not ok - make run: $1 (no line matching /$2/; exit $rc); last lines:"
		tail -n 8 <<<"$out" | sed 's/^/    /'
		fail=1
	fi
}
[ "$rc" -eq 0 ] && echo "ok - make run EMU=bochs ended by itself" ||
	{ echo "not ok - make run EMU=bochs exited $rc"; fail=1; }
check "says which platform and why" '^run: platform bochs \(asked for; VMX emulated\)'
check "shows the guest's console live" '^guest: tiny guest: 14 of 14 checks passed$'
check "shows the summary line whole" '^hv: summary guest=tiny result=ok exits=[0-9]+ .* cr3_load=2$'
check "stops once the firmware is back" '^run: hv.efi returned and the firmware carried on; stopping bochs'
out=$(timeout 300 make -s run 2>&1)
rc=$?
check "without EMU, chooses a platform and says why" '^run: platform (bochs|qemu-kvm) \((nested KVM|Bochs|.*usable)'
exit $fail
