#!/usr/bin/env bash
# The one KVM-in-Bochs boot that make test and make bench share:
#
#   boot.sh [--fresh] [--smp=N] [OUTDIR]   (default build/kvm-in-bochs/plan,
#                                            with --smp=N .../smpN)
#   boot.sh --image-only [OUTDIR]    only build the L1 disk, print its path
#
# The plan: an L1 machine of 2 CPUs and 512 MiB (QEMU -smp 2 -m 512,
# OVMF) whose startup.nsh runs, in one L1 boot: --caps, the tiny guest,
# both --break-entry cases, the hostile suite (tests/hostile_expect.txt,
# the good guest last), the fuzz guest's seeds for nested KVM
# (tests/fuzz_seeds_kvm.txt) and the bench guest twice, each with
# --quiet (the capability report once, in --caps: printed through the
# emulated UART it was most of each run's time); then resident mode on
# both CPUs (issue 18, docs/resident.md): hv.efi --resident, --resident
# again, --unload, and last --resident --chain= Debian's kernel
# (build/linux: /init's checks and hvutil's exits per CPU, then /init's
# power-off through ACPI ends QEMU). The Linux below also runs kvm_bench
# first, and QEMU -kernel with Debian's cloud kernel (the peer of hv's
# linux-cloud). Then boots it (scripts/run.sh --emu kvm-in-bochs) and
# leaves OUTDIR/serial.clean.
#
# --smp=N: the short resident plan alone, on an L1 machine of N CPUs
# (QEMU -smp N -m 512; no kvm_bench, no peer, /init's kib.watch lines
# every 60 s): the same four resident steps. Not in make test (-smp 4:
# docs/resident.md has its figures).
#
# Each step of the L1 script starts with a line "hv-test: step NAME" (the
# checks cut the log by them) and ends with "hv-test: NAME returned
# %lasterror%".
#
# Cached: Bochs with "clock: sync=none" replays the same boot from the
# same disk instruction for instruction, so the result is kept with the
# key of every input (OUTDIR/result.key) and reused while it matches
# (--fresh, or HV_KIB_FRESH=1, boots anyway). A lock lets make test's
# background boot and make bench's wait for each other instead of booting
# twice. Prints one line "kvm-in-bochs: ..." saying which; exit 0 when
# the boot ended by itself (the log still has to pass the checks), 1 not.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 2
. scripts/platform.sh
. tests/checks.sh # hv_step

fresh=${HV_KIB_FRESH:-0} image_only=0 plan=plan smp=2
[ "${1:-}" = --fresh ] && { fresh=1; shift; }
case ${1:-} in --smp=[1-9]*) smp=${1#--smp=} plan=smp$smp; shift ;; esac
# --image-only: build the L1 disk and print its path (for QEMU/KVM run
# directly on an Intel host with nested KVM: the same steps, no Bochs).
[ "${1:-}" = --image-only ] && { image_only=1; shift; }
out=${1:-build/kvm-in-bochs/$plan}
mkdir -p "$out"
exec 9>"$out.flock"
flock 9

# Both plans end in resident mode with Debian's kernel on top (build/linux).
scripts/linux-guest/build.sh >"$out/linux-build.log" 2>&1 || { echo "kvm-in-bochs: could not build build/linux:"; tail -n 20 "$out/linux-build.log"; exit 2; }
# The chained kernel's command line: build/linux's, the kernel's notices
# and worse on the console (loglevel=6), not its hundreds of info lines
# (each character an exit to QEMU in user space), /init's checks then its
# power-off (hv.test=1), nobody typing (hv.input=0).
linux_args="$(cat build/linux/cmdline) loglevel=6 hv.test=1 hv.input=0"
# resident_steps: hv below L1's firmware on every CPU, the same again,
# out again, then below it for good with the kernel's EFI stub chained.
resident_steps() {
	hv_step resident --resident
	hv_step again --resident
	hv_step unload --unload
	hv_step linux "--resident --chain=vmlinuz.efi --append=\"initrd=\\initrd.img $linux_args\""
}
files=(hv.efi=build/hv.efi startup.nsh="$out/l1.nsh.new" hvrt.efi=build/hvrt.efi
	vmlinuz.efi=build/linux/vmlinuz initrd.img=build/linux/initrd.img)
l1=$out/l1.img nsh=$out/l1.nsh
export HV_KIB_SMP=$smp HV_KIB_MEM=512
# The same kernel and command line booted without hv once the L1 machine
# has ended, on a machine like it (scripts/kvm-in-bochs/init's
# kib.alone): /init's checks there are the control for the resident
# boot's, its uptime at /init make bench's denominator.
alone=build/kvm-in-bochs/alone
mkdir -p "$alone"
cp build/linux/vmlinuz build/linux/initrd.img "$alone/"
echo "$linux_args" >"$alone/cmdline"
export HV_KIB_ALONE=$alone
l1mib=16
if [ "$plan" != plan ]; then
	{
		echo '@echo -off'
		echo 'fs0:'
		resident_steps
		echo 'reset -s'
	} >"$nsh.new"
	export HV_KIB_WATCH=60
else
	{
		echo '@echo -off'
		echo 'fs0:'
		hv_step caps --caps
		hv_step tiny --quiet
		hv_step break-host-tr "--quiet --break-entry=host-tr"
		hv_step break-guest-rflags "--quiet --break-entry=guest-rflags"
		# The guests that run until a bound stops them, with a smaller
		# bound: a quarter of the default time budget, an eighth of the
		# console's 64 KiB (each character an exit to QEMU's user space
		# here: 66 s of this Linux's clock at 64 KiB). The same bound
		# checked in less time (each of their minutes under nested KVM
		# is one of make test's).
		while read -r g _; do
			case $g in
			'') ;;
			hostile_spin | hostile_exit_spin) hv_step "$g" "--quiet --watchdog=100 $g.bin" ;;
			hostile_flood) hv_step "$g" "--quiet --console-limit=8192 $g.bin" ;;
			*) hv_step "$g" "--quiet $g.bin" ;;
			esac
		done <tests/hostile_expect.txt
		while read -r g _; do
			[ -n "$g" ] && hv_step "$g" "--quiet --kernel=$g.bzimage --mem=64"
		done <tests/hostile_pc_expect.txt
		# The fuzz guest's seeds for nested KVM (SEED:BATCHES), as make
		# fuzz runs them (scripts/fuzz.sh): hv_step fuzz-SEED:0:BATCHES.
		while read -r s _; do
			case $s in '' | '#'*) continue ;; esac
			hv_step "fuzz-${s%%:*}:0:${s#*:}" "--quiet fuzz.bin --guest-arg=${s%%:*}:0:${s#*:}"
		done <tests/fuzz_seeds_kvm.txt
		hv_step bench-1 "--quiet bench.bin"
		hv_step bench-2 "--quiet bench.bin"
		resident_steps
		echo 'reset -s'
	} >"$nsh.new"
	files+=(bench.bin=build/guest/bench.bin fuzz.bin=build/guest/fuzz.bin)
	while read -r g _; do
		[ -n "$g" ] && files+=("$g.bin=build/guest/$g.bin")
	done <tests/hostile_expect.txt
	while read -r g _; do
		[ -n "$g" ] && files+=("$g.bzimage=build/guest/pc/$g.bzimage")
	done <tests/hostile_pc_expect.txt
fi
for f in "${files[@]}"; do
	[ -f "${f#*=}" ] || { echo "kvm-in-bochs: ${f#*=} missing (run make all)"; exit 2; }
done
# The L1 disk is rebuilt only when what goes on it changed: mkfs and
# mtools stamp each build differently, and the cache below is keyed by
# the disk's inputs.
l1key=$(for f in "${files[@]}"; do echo "${f%%=*} $(sha256sum <"${f#*=}")"; done | sha256sum)
if [ ! -f "$l1" ] || [ "$(cat "$l1.key" 2>/dev/null)" != "$l1key" ]; then
	mv "$nsh.new" "$nsh"
	files[1]=startup.nsh=$nsh
	HV_IMG_MIB=$l1mib scripts/mkimage.sh "$l1" "${files[@]}" || exit 2
	echo "$l1key" >"$l1.key"
fi
rm -f "$nsh.new"
[ "$image_only" = 1 ] && { echo "$l1"; exit 0; }

disk=build/kvm-in-bochs/disk-$(basename "$out").img
# The whole boot's bound (HV_KIB_TIMEOUT: shorter, to see a failure
# reported).
timeout=${HV_KIB_TIMEOUT:-1800}
# The peer: Debian's cloud kernel and the project's initramfs, as hv.efi
# runs them in make test's step linux-cloud, booted by QEMU -kernel under
# KVM before the L1 machine starts (scripts/kvm-in-bochs/init). Left out
# when they cannot be built.
peer=build/linux-cloud bench=1
[ "$plan" != plan ] && peer="" bench=0
[ -n "$peer" ] && { scripts/linux-guest/build.sh "$peer" cloud-amd64 >"$out/peer-build.log" 2>&1 || peer=""; }
if ! kib_build "$disk" "$l1" exit "$bench" "$timeout" "$peer" >"$out/build.log" 2>&1; then
	echo "kvm-in-bochs: could not build the disk:"
	tail -n 20 "$out/build.log"
	exit 1
fi
key=$(cat "$disk.key" scripts/bochsrc.in scripts/run.sh | sha256sum | awk '{ print $1 }')
if [ "$fresh" != 1 ] && [ "$(cat "$out/result.key" 2>/dev/null)" = "$key" ] && [ -s "$out/serial.clean" ]; then
	echo "kvm-in-bochs: result reused (inputs unchanged since $(date -r "$out/result.key" '+%F %T'); HV_KIB_FRESH=1 boots anyway)"
	exit 0
fi
# A boot that failed with these very inputs is not repeated (make test's
# boot and then make bench's would take twice the time to fail twice).
if [ "$fresh" != 1 ] && [ "$(cat "$out/failed.key" 2>/dev/null)" = "$key" ]; then
	echo "kvm-in-bochs: the last boot with these inputs failed ($(date -r "$out/failed.key" '+%F %T')), stopped in phase: $(kib_phase "$out/serial.clean"); HV_KIB_FRESH=1 boots again"
	kib_tails "$out"
	exit 1
fi
rm -f "$out/result.key" "$out/failed.key"
start=$SECONDS
flags=()
[ "$bench" = 1 ] && flags+=(--bench)
HV_KIB_PEER=$peer scripts/run.sh --emu kvm-in-bochs --image "$l1" --out "$out" --timeout "$timeout" --quiet "${flags[@]}" >"$out/run.out" 2>&1
rc=$?
clean_serial "$out/serial.log" >"$out/serial.clean"
if [ "$rc" -ne 0 ] || ! grep -q '^kib: phase=poweroff' "$out/serial.clean"; then
	echo "kvm-in-bochs: the boot did not end by itself (run.sh exit $rc, $((SECONDS - start)) s); stopped in phase: $(kib_phase "$out/serial.clean")"
	kib_tails "$out"
	echo "$key" >"$out/failed.key"
	exit 1
fi
echo "$key" >"$out/result.key"
echo "kvm-in-bochs: booted in $((SECONDS - start)) s"
