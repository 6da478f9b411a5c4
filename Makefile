# Minimal VT-x hypervisor: a gnu-efi UEFI application plus host tests.
#   make        build build/hv.efi (and the host tool build/host/vmcs)
#   make run    boot it (EMU=bochs|qemu-kvm|qemu-tcg to choose; GUEST=linux:
#               Debian's kernel as hv's guest, the serial console interactive)
#   make test   unit tests, lint, and boots under every usable platform

BUILD     := build
EFI_INC   := /usr/include/efi
EFI_LIB   := /usr/lib
CC        ?= gcc
HOSTCC    ?= gcc
EMU       ?=

WARN      := -Wall -Wextra -Werror
COMMON    := -std=gnu11 $(WARN) -O2 -g
# Freestanding, no SSE: the guest's XMM state is never switched, so the
# VMM must not touch vector registers. HV_VMCS_HW: the VMCS layer's
# backend is the processor itself, inline (vmm/vmcs/vmcs_backend_hw.h).
# HV_PERCPU_GS: each CPU's hv state is found through GS (vmm/percpu.h).
# HV_CPU_HW: every cpu_ops is the processor: a guest's CPUID exit runs
# CPUID inline (vmm/exit/handle_cpuid.c).
EFI_CFLAGS := $(COMMON) -fpic -ffreestanding -fno-stack-protector \
	-fno-stack-check -fshort-wchar -mno-red-zone -mgeneral-regs-only \
	-maccumulate-outgoing-args -DEFI_FUNCTION_WRAPPER \
	-I$(EFI_INC) -I$(EFI_INC)/x86_64 -Ivmm -DHV_VMCS_HW -DHV_PERCPU_GS -DHV_CPU_HW
HOST_CFLAGS := $(COMMON) -Ivmm -fsanitize=address,undefined

# vmm/ and its folders (README, Layout). Includes name the folder:
# #include "vmcs/vmcs.h", with -Ivmm.
VMM_SRCS  := $(wildcard vmm/*.c vmm/*/*.c)
# vmm/ files that touch the processor: app only, never in host tests.
VMM_HW_FILES := hv.c run.c percpu_hw.c x86/cpu_hw.c vmx/host_gdt.c x86/host_state_hw.c \
	vmcs/vmcs_hw.c vmx/vmcs_setup.c vmx/vmx.c x86/fpu.c \
	resident/resident_hw.c resident/resident_guest.c
# The rest never touch it: built for both the app and the host unit tests.
VMM_PURE := $(filter-out $(addprefix vmm/,$(VMM_HW_FILES)),$(VMM_SRCS))
VMM_HW    := $(addprefix vmm/,$(VMM_HW_FILES))
VMM_ASM   := $(wildcard vmm/*.S vmm/*/*.S)
BOOT_SRCS := $(wildcard boot/*.c)
BOOT_ASM  := $(wildcard boot/*.S)

# Guests: freestanding 64-bit code linked at HV_GUEST_LOAD_ADDR, turned
# into flat images. Every guest links guest/lib.c, the exception stubs and
# the VMM's own printf (vmm/fmt.c).
GUEST_CFLAGS := $(COMMON) -ffreestanding -fno-pic -fno-pie -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-mcmodel=small -Iguest
GUEST_LIB := $(BUILD)/guest/crt0.o $(BUILD)/guest/exceptions.o \
	$(BUILD)/guest/lib.o $(BUILD)/guest/fmt.o
# The hostile suite (guest/hostile_*.c, expectations in
# tests/hostile_expect.txt) and the good guest that runs after it.
HOSTILE   := $(patsubst guest/%.c,%,$(wildcard guest/hostile_*.c))
GUESTS    := tiny abi_only bench good fuzz $(HOSTILE)
GUEST_BINS := $(patsubst %,$(BUILD)/guest/%.bin,$(GUESTS))
# Hostile PC guests (guest/pc/*.S): a few instructions each, wrapped as a
# bzImage (scripts/mkbzimage.py) and booted with --kernel=, so they get
# the PC a Linux guest gets. Expectations in tests/hostile_pc_expect.txt.
PC_GUESTS := $(patsubst guest/pc/%.S,$(BUILD)/guest/pc/%.bzimage,$(wildcard guest/pc/*.S))

EFI_OBJS  := $(patsubst %.c,$(BUILD)/efi/%.o,$(BOOT_SRCS) $(VMM_PURE) $(VMM_HW)) \
	     $(patsubst %.S,$(BUILD)/efi/%.o,$(VMM_ASM) $(BOOT_ASM))
HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(VMM_PURE))
UNIT_TESTS := $(patsubst tests/%.c,$(BUILD)/host/tests/%,$(wildcard tests/test_*.c))
VMCS_TOOL := $(BUILD)/host/vmcs
TEST_SUPPORT := tests/host_platform.c tests/cpu_fixtures.c

.PHONY: all bench coverage debug deps fuzz image linux run test unit lint format clean
all: deps $(BUILD)/hv.efi $(BUILD)/hvrt.efi $(BUILD)/hv.img $(VMCS_TOOL) $(GUEST_BINS) $(GUEST_BINS:.bin=.elf) \
	$(PC_GUESTS)

deps:
	@scripts/deps.sh

$(BUILD)/efi/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/efi/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/efi/boot/builtin_guests.o: $(GUEST_BINS)

$(BUILD)/guest/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/%.o: guest/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/fmt.o: vmm/fmt.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/%.elf: $(BUILD)/guest/%.o $(GUEST_LIB) guest/guest.ld
	ld -nostdlib -static --no-warn-rwx-segments -z noexecstack -T guest/guest.ld \
		$(GUEST_LIB) $< -o $@

# The fuzz guest (make fuzz): its INT n stubs are assembly.
$(BUILD)/guest/fuzz.elf: $(BUILD)/guest/fuzz.o $(BUILD)/guest/fuzz_ops.o $(GUEST_LIB) guest/guest.ld
	ld -nostdlib -static --no-warn-rwx-segments -z noexecstack -T guest/guest.ld \
		$(GUEST_LIB) $(BUILD)/guest/fuzz.o $(BUILD)/guest/fuzz_ops.o -o $@

# Written from docs/guest-abi.md alone: its own entry and linker script,
# none of the shared runtime.
$(BUILD)/guest/abi_only.elf: $(BUILD)/guest/abi_only.o guest/abi_only.ld
	ld -nostdlib -static --no-warn-rwx-segments -z noexecstack \
		-T guest/abi_only.ld $< -o $@

# Keep every intermediate file (the guests' objects and ELFs: debuggers
# and the tests want them), and make's "rm" off the end of make test.
.SECONDARY:

$(BUILD)/guest/%.bin: $(BUILD)/guest/%.elf
	objcopy -O binary $< $@

$(BUILD)/guest/pc/%.bzimage: $(BUILD)/guest/pc/%.o scripts/mkbzimage.py
	objcopy -O binary -j .text $< $(@:.bzimage=.code)
	scripts/mkbzimage.py $(@:.bzimage=.code) $@

# An EFI image: the objects linked as gnu-efi's shared object, whose
# sections objcopy then writes as a PE image.
EFI_LINK = ld -shared -Bsymbolic -nostdlib -z defs -T $(EFI_LIB)/elf_x86_64_efi.lds \
	$(EFI_LIB)/crt0-efi-x86_64.o $^ -L$(EFI_LIB) -lgnuefi -lefi -o $@
EFI_SECTIONS := -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
	-j .rel -j .rela -j .rel.* -j .rela.* -j .reloc

$(BUILD)/hv.so: $(EFI_OBJS)
	$(EFI_LINK)

$(BUILD)/hv.efi: $(BUILD)/hv.so
	objcopy $(EFI_SECTIONS) \
		--target efi-app-x86_64 --subsystem=10 $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

# The same objects as a runtime driver (PE subsystem 12): what hv.efi
# --resident loads from its own folder, which stays loaded when hv.efi
# returns (boot/resident_efi.c, docs/resident.md).
$(BUILD)/hvrt.efi: $(BUILD)/hv.so
	objcopy $(EFI_SECTIONS) \
		--target efi-rtdrv-x86_64 --subsystem=12 $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/libvmm.a: $(HOST_OBJS)
	ar rcs $@ $^

$(BUILD)/host/tests/%: tests/%.c $(TEST_SUPPORT) $(BUILD)/host/libvmm.a
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -Itests $< $(TEST_SUPPORT) $(BUILD)/host/libvmm.a \
		-lcmocka -o $@

$(VMCS_TOOL): scripts/vmcs_tool.c $(BUILD)/host/libvmm.a
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) $< tests/host_platform.c $(BUILD)/host/libvmm.a -o $@

# The image users dd to a USB stick, and the one make run and make test boot.
# A GPT disk with one EFI system partition: hv.efi as the removable-media
# boot loader, the default hv.cfg, and the guest images beside them.
$(BUILD)/hv.img: $(BUILD)/hv.efi $(BUILD)/hvrt.efi boot/hv.cfg $(GUEST_BINS) scripts/mkimage.sh
	scripts/mkimage.sh $@ EFI/BOOT/BOOTX64.EFI=$(BUILD)/hv.efi \
		EFI/BOOT/hvrt.efi=$(BUILD)/hvrt.efi \
		EFI/BOOT/hv.cfg=boot/hv.cfg \
		$(foreach g,$(GUEST_BINS),EFI/BOOT/$(notdir $(g))=$(g))

# The Linux guest (issue 12): Debian's kernel and a busybox initramfs,
# build/linux/ (scripts/linux-guest/build.sh, which fetches the packages
# and rebuilds only when an input changed), and a second USB-stick image
# that boots them as hv.efi's guest: hv.cfg names them, with the kernel
# command line of scripts/linux-guest/cmdline.
LINUX_DIR := $(BUILD)/linux
linux:
	@scripts/linux-guest/build.sh $(LINUX_DIR)

$(BUILD)/hv-linux.img: $(BUILD)/hv.efi linux scripts/mkimage.sh
	scripts/mkimage.sh $@ EFI/BOOT/BOOTX64.EFI=$(BUILD)/hv.efi \
		EFI/BOOT/hv.cfg=$(LINUX_DIR)/hv.cfg EFI/BOOT/vmlinuz=$(LINUX_DIR)/vmlinuz \
		EFI/BOOT/initrd.img=$(LINUX_DIR)/initrd.img

# A third stick, for hv below the OS (docs/resident.md): hv.efi --resident
# on every CPU, then the same kernel chained through its EFI stub
# (--chain=), the firmware's and then Linux's machine running on top.
$(BUILD)/hv-resident.cfg: $(LINUX_DIR)/cmdline
	printf '%s\n' '# hv.cfg of build/hv-resident.img (make image): hv resident, then Linux on top.' \
	  "--resident --chain=vmlinuz.efi --append=\"initrd=\\EFI\\BOOT\\initrd.img $$(cat $<)\"" >$@

$(LINUX_DIR)/cmdline: linux

$(BUILD)/hv-resident.img: $(BUILD)/hv.efi $(BUILD)/hvrt.efi linux $(BUILD)/hv-resident.cfg scripts/mkimage.sh
	scripts/mkimage.sh $@ EFI/BOOT/BOOTX64.EFI=$(BUILD)/hv.efi \
		EFI/BOOT/hvrt.efi=$(BUILD)/hvrt.efi EFI/BOOT/hv.cfg=$(BUILD)/hv-resident.cfg \
		EFI/BOOT/vmlinuz.efi=$(LINUX_DIR)/vmlinuz EFI/BOOT/initrd.img=$(LINUX_DIR)/initrd.img

image: $(BUILD)/hv.img $(BUILD)/hv-linux.img $(BUILD)/hv-resident.img

# Exit-path benchmark under Bochs: a table of ticks per round trip, twice.
bench: all
	scripts/bench.sh

# make fuzz's coverage build (FUZZ_COVERAGE=1): the same sources with
# GCC's -fsanitize-coverage=trace-pc and vmm/coverage.c's recorder, which
# prints each run's basic blocks after its summary (vmm/coverage.h).
COV_FLAGS := -DHV_COVERAGE -fsanitize-coverage=trace-pc
COV_OBJS  := $(patsubst $(BUILD)/efi/%,$(BUILD)/cov/%,$(EFI_OBJS))

$(BUILD)/cov/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) $(COV_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/cov/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/cov/boot/builtin_guests.o: $(GUEST_BINS)

$(BUILD)/cov/hv.so: $(COV_OBJS)
	$(EFI_LINK)

$(BUILD)/cov/hv.efi: $(BUILD)/cov/hv.so
	objcopy $(EFI_SECTIONS) \
		--target efi-app-x86_64 --subsystem=10 $< $@
	@echo "built $@ ($$(stat -c %s $@) bytes)"

coverage: deps $(BUILD)/cov/hv.efi

# The fuzz guest on Bochs, one boot, then its report (scripts/fuzz.sh):
# SEED=, FUZZ_RUNS= or FUZZ_EXITS=, BATCH= (replay one batch of SEED).
# On hv's coverage build, so that the report says which of hv's handlers
# and functions ran; FUZZ_COVERAGE=0: the ordinary build, about three
# times faster.
FUZZ_COVERAGE ?= 1
fuzz: all $(if $(filter 1,$(FUZZ_COVERAGE)),coverage)
	FUZZ_COVERAGE=$(FUZZ_COVERAGE) scripts/fuzz.sh

# A breakpoint in hv.efi (BREAK=SYMBOL, default handle_cpuid): Bochs's own
# debugger, or GDB on QEMU (EMU=bochs|qemu-kvm|qemu-tcg).
debug: all
	scripts/debug.sh $(if $(EMU),--emu $(EMU)) $(if $(BREAK),--break $(BREAK))

# Boots build/hv.img and stops once hv.efi has returned to the firmware.
# GUEST=linux: build/hv-linux.img, the serial console this terminal both
# ways (Bochs: Ctrl-] ends it) for the guest's shell, at most an hour.
RUN_LINUX := $(filter linux,$(GUEST))
run: all $(if $(RUN_LINUX),$(BUILD)/hv-linux.img)
	$(if $(filter-out linux,$(GUEST)),$(error GUEST=$(GUEST): the one guest make run knows by name is linux))
	scripts/run.sh $(if $(RUN_LINUX),--image $(BUILD)/hv-linux.img --interactive --timeout 3600 --time0 $$(date -u +%s),--until-return) \
		$(if $(EMU),--emu $(EMU))

unit: deps $(UNIT_TESTS) $(VMCS_TOOL)

test: all unit
	scripts/test.sh

C_FILES = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null)

lint:
	@scripts/lint.sh $(C_FILES)

format:
	clang-format -i $(C_FILES)

compile_commands.json:
	@scripts/deps.sh bear:/usr/bin/bear
	$(MAKE) clean
	bear --output $@ -- $(MAKE) all unit

clean:
	rm -rf $(BUILD)

# A build tree from before vmm/ had folders holds dependency files that
# name headers which have moved (make then stops with "No rule to make
# target"): its objects are rebuilt from scratch, once. Cached images
# under build/ are kept.
ifneq ($(shell cat $(BUILD)/.layout 2>/dev/null),vmm-folders)
$(shell rm -rf $(BUILD)/efi $(BUILD)/host $(BUILD)/guest; mkdir -p $(BUILD) && echo vmm-folders >$(BUILD)/.layout)
endif
# (Not under build/kvm-in-bochs: Debian packages unpacked there have
# folders named *.d.)
-include $(shell find $(BUILD) -path $(BUILD)/kvm-in-bochs -prune -o -name '*.d' -type f -print 2>/dev/null)
