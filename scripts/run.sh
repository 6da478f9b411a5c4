#!/usr/bin/env bash
# Boots an ESP image on one platform, shows the serial console live, and
# stops by itself: when the guest OS shuts the machine down (startup.nsh
# ending in "reset -s"), or, with --until-return, once hv.efi has returned
# and the firmware has shown it is in control again.
#
#   run.sh [--emu auto|bochs|qemu-kvm|qemu-tcg|kvm-in-bochs] [--image IMG]
#          [--out DIR] [--timeout SECONDS] [--until-return] [--quiet]
#          [--bench] [--type-after REGEX TEXT] [--interactive]
#          [--time0 SECONDS|utc] [--until REGEX]
#          [--bench] [--type-after REGEX TEXT] [--interactive] [--cpus N]
# kvm-in-bochs: Bochs boots Linux, whose QEMU/KVM boots IMG (the L1
# machine; its serial lines come back as "l1: ..."); Linux powers Bochs
# off when QEMU ends (--until-return: once hv.efi has returned and the L1
# firmware carried on). --bench (kvm-in-bochs only): that Linux also
# times KVM's own exits first (scripts/kvm-in-bochs/kvm_bench.c).
# --type-after REGEX TEXT (bochs): once a serial line matches REGEX (a
# Python regular expression), TEXT and Enter are typed on the serial
# console, into the firmware's console input (scripts/serial_pty.py: COM1
# is a pseudo-terminal then, not a file); given again, the pairs are
# worked in order (the next REGEX is looked for once the TEXT before it
# was typed: several guests in one boot). --interactive (bochs, qemu-*):
# the console is this terminal, both ways, until the machine stops or the
# user ends it (bochs: Ctrl-]; qemu: Ctrl-A X); the serial log is kept.
# --time0 (bochs): the CMOS clock's start, seconds since 1970 or "utc"
# for the host's time now (default 2000-01-01, the same every boot).
# --cpus N (bochs, qemu-*): N logical processors (1; resident mode's
# tests use 2).
# --until REGEX: stop the emulator once a cleaned serial line matches
# REGEX (an extended regular expression): a run that ends with a CPU
# halted on purpose, where nothing would power the machine off.
# Exit: 0 done, 1 the emulator ended before hv.efi returned or the
# firmware went silent after it (--until-return), 124 timed out, 2 usage,
# 3 platform unusable.
set -uo pipefail
export LC_ALL=C # byte offsets into the serial log
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/platform.sh
. "$here/platform.sh"

emu=auto image=build/hv.img out="" timeout=600 until_return=0 quiet=0 bench=0
until_re=""
type_after=() interactive=0 cpus=1
while [ $# -gt 0 ]; do
	case $1 in
	--emu) emu=$2; shift ;;
	--image) image=$2; shift ;;
	--out) out=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--until-return) until_return=1 ;;
	--until) until_re=$2; shift ;;
	--quiet) quiet=1 ;;
	--bench) bench=1 ;;
	--type-after) type_after+=(--type-after "$2" "$3"); shift 2 ;;
	--interactive) interactive=1 ;;
	--time0) export HV_BOCHS_TIME0=$2; shift ;;
	--cpus) cpus=$2; shift ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -f "$image" ] || { echo "run.sh: no image $image (run make first)" >&2; exit 2; }

if [ "$emu" = auto ]; then
	choose_platform
	emu=$EMU
	echo "run: platform $emu ($WHY)"
else
	case $emu in
	qemu-kvm)
		s=$(kvm_nested_status)
		[ "$s" = yes ] || { echo "run: qemu-kvm unusable: $s"; exit 3; }
		echo "run: platform qemu-kvm (asked for; nested KVM usable)" ;;
	bochs) echo "run: platform bochs (asked for; VMX emulated)" ;;
	qemu-tcg) echo "run: platform qemu-tcg (asked for; TCG has no VMX, so hv.efi must refuse and return)" ;;
	kvm-in-bochs) echo "run: platform kvm-in-bochs (asked for; Bochs runs Linux, whose nested KVM runs QEMU with hv.efi)" ;;
	*) echo "run.sh: unknown platform $emu (bochs, qemu-kvm, qemu-tcg, kvm-in-bochs)" >&2; exit 2 ;;
	esac
fi

out=${out:-build/run-$emu}
mkdir -p "$out"
serial=$out/serial.log log=$out/emulator.log
: >"$serial"
: >"$log"
ovmf=/usr/share/ovmf/OVMF.fd

# What marks hv.efi's return in the serial log: its own line, from the
# start of a line (under kvm-in-bochs, after the L1 prefix).
returned='^(l1: )?hv: returning to firmware'
watch_return=$until_return
if [ "$interactive" = 1 ] || [ ${#type_after[@]} -gt 0 ]; then
	case $emu in
	bochs) ;;
	qemu-*) [ ${#type_after[@]} -eq 0 ] || { echo "run.sh: --type-after is for bochs only" >&2; exit 2; } ;;
	*) echo "run.sh: --interactive and --type-after are for bochs and qemu-* only" >&2; exit 2 ;;
	esac
fi
case $emu in
bochs)
	rm -f "$image.lock"
	bochs_config "$out" "$image" "$serial" "$log" 512 "$cpus"
	printf 'c\nquit\n' >"$out/bochs.rc"
	cmd=(bochs -q -f "$out/bochsrc" -rc "$out/bochs.rc")
	# Input: COM1 a pseudo-terminal, worked by scripts/serial_pty.py,
	# which still appends everything to $serial.
	if [ "$interactive" = 1 ] || [ ${#type_after[@]} -gt 0 ]; then
		# An absolute path for Bochs, whatever --out was.
		link=$(realpath -m "$out/com1")
		bochs_com1_term "$out/bochsrc" "$link"
		pty=(python3 "$here/serial_pty.py" --link "$link" --log "$serial"
			--times "$out/serial.times" "${type_after[@]}")
		[ "$interactive" = 1 ] && pty+=(--interactive --output "$log")
		cmd=("${pty[@]}" -- "${cmd[@]}")
	fi ;;
kvm-in-bochs)
	# The Bochs disk (cached under build/kvm-in-bochs/, rebuilt when an
	# input changed), then Bochs as for the bochs platform with the
	# memory Linux, QEMU and its guest need. The Linux inside powers
	# Bochs off itself, so the run ends when Bochs does.
	disk=build/kvm-in-bochs/disk-$(basename "$out").img
	end="exit"
	[ "$until_return" = 1 ] && end="return"
	# HV_KIB_PEER=DIR: QEMU -kernel boots that Linux guest's files under
	# KVM first (scripts/kvm-in-bochs/boot.sh sets it).
	if ! kib_build "$disk" "$image" "$end" "$bench" "$timeout" "${HV_KIB_PEER:-}" >"$out/build.log" 2>&1; then
		echo "run: could not build the kvm-in-bochs disk:"
		tail -n 20 "$out/build.log"
		exit 1
	fi
	image=$disk
	watch_return=0
	rm -f "$image.lock"
	bochs_config "$out" "$image" "$serial" "$log" 2048
	printf 'c\nquit\n' >"$out/bochs.rc"
	cmd=(bochs -q -f "$out/bochsrc" -rc "$out/bochs.rc") ;;
qemu-*)
	accel=(-accel tcg -cpu max)
	[ "$emu" = qemu-kvm ] && accel=(-enable-kvm -cpu "host,+vmx")
	cp "$ovmf" "$out/OVMF.fd"
	cmd=(qemu-system-x86_64 -machine pc "${accel[@]}" -m 512 -smp "$cpus"
		-drive "if=pflash,format=raw,file=$out/OVMF.fd"
		-drive "file=$image,format=raw,if=ide"
		-serial "file:$serial" -display none -net none -no-reboot
		-monitor none)
	if [ "$interactive" = 1 ]; then
		cmd=("${cmd[@]/#file:$serial/chardev:s0}" -chardev "stdio,id=s0,mux=on,logfile=$serial,signal=off")
	fi ;;
esac
echo "${cmd[*]}" >"$out/command"

# Interactive: the emulator in the foreground on this terminal, bounded.
if [ "$interactive" = 1 ]; then
	rm -f "$image.lock"
	echo "run: interactive serial console ($([ "$emu" = bochs ] && echo "Ctrl-] ends it" || echo "Ctrl-A X ends it")), at most $timeout s"
	timeout --foreground "$timeout" "${cmd[@]}"
	rc=$?
	rm -f "$image.lock"
	echo
	echo "run: serial log $serial, emulator log $log"
	[ "$rc" = 124 ] && exit 124
	exit 0
fi

setsid "${cmd[@]}" </dev/null >>"$log" 2>&1 &
pid=$!
stop() { kill -- -"$pid" 2>/dev/null; sleep 0.5; kill -9 -- -"$pid" 2>/dev/null; rm -f "$image.lock"; }
trap 'stop; exit 130' INT TERM

# Strip the firmware's terminal escapes so the live view stays readable.
clean() { clean_serial; }

# show [all]: prints the serial log's new whole lines (with "all", the
# rest too) and moves $shown past them. Byte counts throughout: NULs and
# escapes in the log neither repeat nor lose output.
chunk=$out/.live
show() {
	[ "$quiet" = 0 ] || return 0
	local size lines bytes
	size=$(stat -c %s "$serial")
	[ "$size" -gt "$shown" ] || return 0
	tail -c +"$((shown + 1))" "$serial" | head -c "$((size - shown))" >"$chunk"
	if [ "${1:-}" = all ]; then
		bytes=$((size - shown))
		tr '\0' ' ' <"$chunk" | clean
	else
		lines=$(tr -cd '\n' <"$chunk" | wc -c)
		[ "$lines" -gt 0 ] || return 0
		bytes=$(head -n "$lines" "$chunk" | wc -c)
		head -n "$lines" "$chunk" | tr '\0' ' ' | clean
	fi
	shown=$((shown + bytes))
}

# The firmware's boot manager or shell speaking after hv.efi returned.
firmware_back() {
	clean_serial "$serial" | awk '/^hv: returning to firmware/ { f = 1 }
		f && /BdsDxe|Shell>/ { m = 1 } END { exit !m }'
}

shown=0 start=$SECONDS status=0 returned_at=""
while :; do
	show
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
		rc=$?
		# With --until-return the emulator must outlive hv.efi's return;
		# otherwise a power-off (startup.nsh's "reset -s") is the end.
		if [ "$until_return" = 1 ] && [ -z "$returned_at" ] &&
			! clean_serial "$serial" | grep -qE "$returned"; then
			echo "run: $emu exited (status $rc) before hv.efi returned"
			status=1
		fi
		break
	fi
	if [ -n "$until_re" ] && clean_serial "$serial" | grep -qE "$until_re"; then
		show all
		echo "run: the serial log matched --until; stopping $emu"
		stop
		break
	fi
	if [ "$watch_return" = 1 ]; then
		if [ -z "$returned_at" ] && clean_serial "$serial" | grep -qE "$returned"; then
			returned_at=$SECONDS
		fi
		if [ -n "$returned_at" ] && firmware_back; then
			show all
			echo "run: hv.efi returned and the firmware carried on; stopping $emu"
			stop
			break
		fi
		if [ -n "$returned_at" ] && [ $((SECONDS - returned_at)) -gt 60 ]; then
			show all
			echo "run: hv.efi returned but the firmware said nothing for 60 s; stopping $emu"
			stop
			status=1
			break
		fi
	fi
	if [ $((SECONDS - start)) -ge "$timeout" ]; then
		show all
		echo "run: TIMEOUT after ${timeout}s on $emu; last serial lines:"
		[ "$emu" = kvm-in-bochs ] && echo "run: stopped in phase: $(clean_serial "$serial" >"$out/.clean"; kib_phase "$out/.clean")"
		clean <"$serial" | tail -n 25
		[ -s "$log" ] && { echo "run: last emulator log lines ($log):"; tail -n 10 "$log"; }
		stop
		status=124
		break
	fi
	sleep 0.5
done
show all
rm -f "$chunk"
trap - INT TERM
rm -f "$image.lock"
echo "run: serial log $serial, emulator log $log ($((SECONDS - start))s)"
exit $status
