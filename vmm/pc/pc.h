/* The PC a Linux guest sees (docs/linux-guest.md, "The machine Linux
 * sees"): one CPU whose CPUID names its clocks, a local APIC in x2APIC
 * mode, a 16550A at COM1, a PCI host bridge, the CMOS clock, an 8259
 * pair, ACPI tables with the APIC, S5 and a reset register, and nothing
 * else. Flat guests have
 * no PC (vcpu->pc is NULL) and keep the guest ABI of docs/guest-abi.md.
 *
 * The machine's answers are pure functions here (pc_cpuid, pc_msr_*,
 * pc_port_*, acpi_tables_write), unit-tested without a CPU; pc_run.c joins
 * them to VM exits and entries. */
#ifndef HV_PC_H
#define HV_PC_H

#include <stdbool.h>
#include <stdint.h>

#include "dev/acpi_pm.h"
#include "dev/i8259.h"
#include "dev/ioapic.h"
#include "dev/lapic.h"
#include "dev/mc146818.h"
#include "dev/pci_host.h"
#include "dev/uart16550.h"
#include "pc/pc_keys.h"
#include "x86/cpu_ops.h"
#include "x86/x86.h"

/* COM1, the one UART (its eight registers from here), on ISA IRQ 4. */
#define PC_COM1 0x3f8u
#define PC_COM1_IRQ 4u
/* The CMOS clock's IRQ pin, through an inverter: ISA IRQ 8, the slave
 * 8259's IR0 and the I/O APIC's pin 8, edge-triggered and active high
 * (the ISA default; the MADT has no override for it). */
#define PC_RTC_IRQ 8u
/* The keyboard controller's status port: 0x01 (output full, input
 * empty) makes Linux's i8042 probe give up at once instead of after a
 * second of timeouts; 0xFE written to it is the PC's reset line. */
#define PC_I8042_STATUS 0x64u
#define PC_I8042_STATUS_VALUE 0x01u
#define PC_I8042_RESET 0xfeu
/* The reset control register of PCI-era chipsets: bit 2 resets. The
 * FADT names it as ACPI's reset register, with the value Linux writes
 * there (acpi_reboot): 6, a hard reset (bits 1 and 2). */
#define PC_RESET_CONTROL 0xcf9u
#define PC_RESET_CONTROL_RESET 0x04u
#define PC_ACPI_RESET_VALUE 0x06u
/* ACPI's fixed hardware (dev/acpi_pm.h): the PM1a event and control
 * blocks from this port, free on this PC (a PIIX4 puts its own where the
 * firmware programs it, e.g. 0xB000); the SCI is ISA IRQ 9, as on PIIX4
 * machines; \_S5 in the DSDT gives SLP_TYP 5 for soft-off, which ends the
 * run as a power-off. The CMOS byte that holds the century (FADT
 * CENTURY) is the IBM AT's. */
#define PC_ACPI_PM1A 0x600u
#define PC_ACPI_PM1A_CNT (PC_ACPI_PM1A + ACPI_PM1_EVT_LEN)
/* The PM timer's PM_TMR_BLK: the dword after the PM1a blocks, at the
 * offset from the PM base the PIIX4 and the ICH9 give theirs (+8). */
#define PC_ACPI_PM_TMR (PC_ACPI_PM1A + 8u)
#define PC_ACPI_SCI_IRQ 9u
#define PC_ACPI_SLP_TYP_S5 5u
#define PC_CMOS_CENTURY RTC_CENTURY
/* The I/O APIC (dev/ioapic.h) at IOAPIC_DEFAULT_BASE, its 24 pins GSIs
 * 0-23, ISA IRQ n on pin n but IRQ 0 on pin 2 (pin 0 is the 8259s'
 * INTR), as on PCs and in QEMU; the MADT says so. Its ID is 1, the first
 * after the one local APIC's 0: I/O APICs and local APICs share one ID
 * space on the APIC bus (82093AA 3.2.1, "IOAPICID—IOAPIC Identification
 * Register": each APIC device's ID unique), and 32-bit Linux gives an I/O
 * APIC whose ID a CPU has another one (io_apic_get_unique_id). */
#define PC_IOAPIC_ID 1u
#define PC_IRQ0_GSI 2u

/* IA32_APIC_BASE at power-on: the default base, the bootstrap
 * processor, globally enabled, in x2APIC mode (SDM 3A 11.12.1,
 * "Detecting and Enabling x2APIC Mode"). */
#define PC_APIC_BASE \
	(APIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_EXTD | APIC_BASE_EN)
/* The APIC's three states, as IA32_APIC_BASE's EN and EXTD give them
 * (SDM 3A table 11-5, "x2APIC Operating Mode Configurations"). */
enum pc_apic_mode {
	PC_APIC_DISABLED, /* EN=0 EXTD=0 */
	PC_APIC_XAPIC,	  /* EN=1 EXTD=0: registers in the MMIO page */
	PC_APIC_X2APIC,	  /* EN=1 EXTD=1: registers behind MSRs */
};
/* IA32_MISC_ENABLE: fast strings on (bit 0), no performance monitoring
 * (bit 7 clear), BTS and PEBS unavailable (bits 11, 12), CPUID not
 * limited (bit 22 clear): a CPU whose PMU is not the guest's (SDM 4,
 * table 2-2). */
#define PC_MISC_ENABLE 0x1801ull

struct pc {
	struct lapic lapic;
	struct uart16550 uart;
	struct pci_host pci;
	struct mc146818 rtc; /* the CMOS clock, ports 0x70/0x71 */
	struct i8259_pair pic;
	struct ioapic ioapic;
	uint16_t isa_lines; /* ISA IRQ lines as last seen (pc_irq.c) */
	/* accesses of the xAPIC page that are no register (pc_mmio.c) */
	uint64_t mmio_odd;
	uint64_t tsc_hz; /* CPUID 15H/16H: the TSC and APIC timer clock */
	/* XSAVE state components the guest may enable (x86/xsave.h); 0:
	 * no XSAVE, only FXSAVE's x87 and SSE */
	uint64_t xsave_components;
	uint64_t xcr0; /* the guest's XCR0 */
	uint64_t cr4;  /* the guest's CR4, as it wrote it */
	bool reset;    /* the guest pulled the reset line */
	struct acpi_pm pm;
	bool power_off;		     /* SLP_EN with \_S5's SLP_TYP: soft-off */
	enum pc_apic_mode apic_mode; /* IA32_APIC_BASE (pc_msr.c) */
	/* what hv saw of the machine, for the summary's hv lines */
	uint64_t irqs_injected;
	uint64_t input_bytes; /* console input given to the UART */
	struct pc_keys keys;  /* Ctrl-A, hv's escape key (pc_keys.h) */
	/* The CPU's APIC virtualization (vmx/vm_controls.h: apicv): the
	 * local APIC's page is the virtual-APIC page, the CPU delivers what
	 * its IRR holds and completes the EOIs; hv posts (pc_run.c). */
	bool apicv;
	uint32_t proc2_controls; /* secondary controls as now written */
	uint64_t eoi_exit[4];	 /* the EOI-exit bitmap as now written */
	uint64_t apic_writes;	 /* APIC-write exits */
	/* interrupts and timers (pc_run.c) */
	uint32_t proc_controls;	    /* primary controls as now written */
	unsigned int timer_rate;    /* preemption timer: TSC >> rate */
	uint64_t irqs_off_since;    /* TSC when IF=0 was first seen; 0: IF=1 */
	bool irqs_on_seen;	    /* the kernel has turned interrupts on */
	uint64_t irqs_off_bound;    /* TSC ticks allowed so; 0: no bound */
	uint64_t watchdog_kick_tsc; /* the firmware watchdog, rearmed then */
	uint64_t input_poll_tsc;    /* the firmware's console, read then */
};

/* The CPUID answer for the PC, from the host's @r already stripped of
 * what no guest may see (handle_cpuid.c): the FPU and SSE (the guest's
 * own state, switched around the run), x2APIC and TSC-deadline (the
 * emulated APIC), ARAT, and leaves 15H/16H with the TSC rate. @host is
 * the processor's own answer for the same leaf. */
void pc_cpuid(const struct pc *pc, uint32_t leaf, uint32_t subleaf,
	      const struct cpuid_regs *host, struct cpuid_regs *r);
/* The PC's CPUID answer for leaf 0DH (XSAVE), or false for another leaf
 * or a PC without XSAVE. */
bool pc_cpuid_xsave(const struct pc *pc, const struct cpu_ops *cpu,
		    uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);

enum pc_msr_result {
	PC_MSR_DONE,	 /* answered */
	PC_MSR_GP,	 /* the PC's MSR, but #GP for this access */
	PC_MSR_NOT_MINE, /* not one of the PC's: the common set decides */
};

enum pc_msr_result pc_msr_read(struct pc *pc, uint32_t msr, uint64_t now,
			       uint64_t *value);
enum pc_msr_result pc_msr_write(struct pc *pc, uint32_t msr, uint64_t value,
				uint64_t now);

/* IN and OUT of @size bytes (1, 2 or 4) at TSC @now. Ports the PC does
 * not have read all ones and ignore writes, as an ISA bus with nothing on
 * it does. False from pc_port_in: not one of the PC's ports (the
 * caller's denial log). */
bool pc_port_in(struct pc *pc, uint16_t port, unsigned int size, uint64_t now,
		uint32_t *value);
bool pc_port_out(struct pc *pc, uint16_t port, unsigned int size,
		 uint32_t value, uint64_t now);

/* The interrupt wiring (pc_irq.c). pc_irq_update: the devices' lines at
 * TSC @now to the 8259 pair and the I/O APIC, the I/O APIC's messages and
 * the local APIC's EOIs between them; before every entry, after any
 * device state changed. pc_irq_waiting: an interrupt would be taken if the guest
 * could (from the local APIC, or the 8259 through LINT0); pc_irq_take:
 * its vector, acknowledged, or -1. pc_irq_input_can_wake: console input
 * would interrupt a guest that waits for it (the UART's receive
 * interrupt enabled and routed). pc_irq_rtc_can_wake: the CMOS clock's
 * IRQ 8 will rise (mc146818_next_event) and be delivered as things are
 * set up. */
void pc_irq_update(struct pc *pc, uint64_t now);
bool pc_irq_waiting(const struct pc *pc);
int pc_irq_take(struct pc *pc);
/* What hv must inject itself: with APIC virtualization (pc->apicv) the
 * CPU delivers the local APIC's interrupts, and only the 8259's are
 * hv's; without it, all of them (pc_irq_waiting). */
bool pc_irq_to_inject(const struct pc *pc);
bool pc_irq_input_can_wake(const struct pc *pc);
bool pc_irq_rtc_can_wake(const struct pc *pc, uint64_t now);

/* The guest interrupt status and EOI-exit bitmap that APIC
 * virtualization needs for the next VM entry (lapic.h), the APIC as
 * IA32_APIC_BASE has it: a disabled one requests nothing. */
uint16_t pc_irq_guest_interrupt_status(const struct pc *pc);

/* A load or store of @size bytes at guest-physical @gpa outside guest
 * memory (pc_mmio.c): the xAPIC page or the I/O APIC. False: nothing of
 * the PC's is there. */
bool pc_mmio_read(struct pc *pc, uint64_t gpa, unsigned int size, uint64_t now,
		  uint64_t *value);
bool pc_mmio_write(struct pc *pc, uint64_t gpa, unsigned int size,
		   uint64_t value, uint64_t now);

/* The ACPI tables (acpi_tables.c): the RSDP at @addr, where Linux finds
 * it by scanning 0xE0000-0xFFFFF, then an XSDT listing a MADT naming one
 * local APIC (ID 0), the I/O APIC and the ISA IRQs it does not take as
 * they are (IRQ 0, the SCI), and a FADT, with its FACS and a DSDT that
 * holds \_S5 and the PCI root bridge. Returns the bytes written. */
#define ACPI_TABLES_ADDR 0xf0000ull
unsigned int acpi_tables_write(uint8_t *mem, uint64_t addr);

#endif
