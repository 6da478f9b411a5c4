/* hv's host IDT in resident mode, the pure part (vmm/resident/host_idt.c):
 * 64-bit interrupt gates (SDM 3A 6.14.1, "64-Bit Mode IDT"), the vectors
 * with an error code, and whether an NMI that came in VMX root is
 * injected at a VM entry (SDM 3C 26.6, "Event Injection"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exit/exit_qual.h"
#include "resident/host_idt.h"
#include "x86/x86.h"

/* Figure 6-8's fields, read back from the two quadwords. */
static uint64_t gate_offset(struct idt_gate g)
{
	return (g.low & 0xffff) | ((g.low >> 48) & 0xffff) << 16 | g.high << 32;
}

static void gate_is_a_64bit_interrupt_gate(void **state)
{
	(void)state;
	struct idt_gate g = idt_interrupt_gate(0x123456789abcdef0ull, 0x38, 0);

	/* Offset 15:0 = def0, selector 38H, IST 0, type 14 with P (8EH),
	 * offset 31:16 = 9abc; offset 63:32 and a reserved dword. */
	assert_int_equal(g.low, 0x9abc8e000038def0ull);
	assert_int_equal(g.high, 0x12345678ull);
	assert_int_equal(gate_offset(g), 0x123456789abcdef0ull);
	assert_int_equal((g.low >> 16) & 0xffff, 0x38);
	assert_int_equal((g.low >> 40) & 0xf, TYPE_INTERRUPT_GATE);
	assert_int_equal((g.low >> 45) & 3, 0); /* DPL 0 */
	assert_int_equal((g.low >> 44) & 1, 0); /* S = 0: a system gate */
	assert_true(g.low & (1ull << 47));	/* present */
	assert_int_equal(g.high >> 32, 0);	/* bits 127:96 reserved */
}

static void gate_ist_field(void **state)
{
	(void)state;
	struct idt_gate g = idt_interrupt_gate(0, 0x08, 3);

	assert_int_equal((g.low >> 32) & 0xff, 3); /* byte 4, bits 2:0 */
	/* Only three bits: an out-of-range index cannot spill into the
	 * type. */
	g = idt_interrupt_gate(0, 0x08, 0xff);
	assert_int_equal((g.low >> 32) & 0xff, 7);
	assert_int_equal((g.low >> 40) & 0xff, 0x8e);
}

static void idt_fills_256_gates_to_the_stubs(void **state)
{
	(void)state;
	static struct idt_gate idt[HOST_IDT_VECTORS];
	const uint64_t stubs = 0x1f80a000;

	assert_int_equal(sizeof(idt), 4096); /* one page of the pool */
	memset(idt, 0xa5, sizeof(idt));
	host_idt_fill(idt, stubs, 0x38);
	for (unsigned int v = 0; v < HOST_IDT_VECTORS; v++) {
		assert_int_equal(gate_offset(idt[v]),
				 stubs + v * HOST_IDT_STUB_SIZE);
		assert_int_equal((idt[v].low >> 16) & 0xffff, 0x38);
		assert_int_equal((idt[v].low >> 32) & 0xff, 0); /* IST 0 */
		assert_int_equal((idt[v].low >> 40) & 0xff, 0x8e);
		assert_int_equal(idt[v].high >> 32, 0);
	}
}

/* SDM 3A 6.15, each exception's "Error Code" entry: the ones the stubs
 * must not push a 0 for (host_idt_entry.S reads the same mask). */
static void vectors_with_an_error_code(void **state)
{
	(void)state;
	static const unsigned int with[] = {EXC_DF, EXC_TS, EXC_NP, EXC_SS,
					    EXC_GP, EXC_PF, EXC_AC, EXC_CP};
	uint32_t mask = 0;

	for (size_t i = 0; i < sizeof(with) / sizeof(with[0]); i++)
		mask |= 1u << with[i];
	assert_int_equal(EXC_ERROR_CODE_VECTORS, mask);
	for (unsigned int v = 0; v < HOST_IDT_VECTORS; v++)
		assert_int_equal(exception_has_error_code(v),
				 v < 32 && (mask >> v) & 1);
}

/* The frame the stubs build: 15 registers, vector, error code, then the
 * processor's RIP, CS, RFLAGS, RSP, SS (SDM 3A 6.14.2). */
static void frame_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct host_idt_frame, r15), 0);
	assert_int_equal(offsetof(struct host_idt_frame, rax), 14 * 8);
	assert_int_equal(offsetof(struct host_idt_frame, vector), 15 * 8);
	assert_int_equal(offsetof(struct host_idt_frame, error_code), 16 * 8);
	assert_int_equal(offsetof(struct host_idt_frame, rip), 17 * 8);
	assert_int_equal(offsetof(struct host_idt_frame, ss), 21 * 8);
}

static void vector_names(void **state)
{
	(void)state;
	char buf[16];

	assert_string_equal(host_idt_vector_name(EXC_GP, buf, sizeof(buf)),
			    "#GP");
	assert_string_equal(host_idt_vector_name(EXC_PF, buf, sizeof(buf)),
			    "#PF");
	assert_string_equal(host_idt_vector_name(EXC_DF, buf, sizeof(buf)),
			    "#DF");
	assert_string_equal(host_idt_vector_name(EXC_MC, buf, sizeof(buf)),
			    "#MC");
	assert_string_equal(host_idt_vector_name(15, buf, sizeof(buf)),
			    "vector 15"); /* reserved */
	assert_string_equal(host_idt_vector_name(200, buf, sizeof(buf)),
			    "vector 200");
}

static void nmi_intr_info(void **state)
{
	(void)state;
	uint32_t info = intr_info_nmi();
	struct intr_info d = intr_info_decode(info);

	assert_int_equal(info, 0x80000202u);
	assert_true(d.valid);
	assert_int_equal(d.type, INTR_TYPE_NMI);
	assert_int_equal(d.vector, EXC_NMI);
	assert_false(d.has_error_code);
}

static void nmi_injectable(void **state)
{
	(void)state;
	const uint32_t gp = intr_info_hardware_exception(EXC_GP);

	/* Nothing else injected, no blocking, active or HLT: now. */
	assert_true(host_nmi_injectable(0, 0, ACTIVITY_STATE_ACTIVE));
	assert_true(host_nmi_injectable(0, 0, ACTIVITY_STATE_HLT));
	/* A valid bit only counts: a leftover type or vector does not. */
	assert_true(host_nmi_injectable(gp & ~INTR_INFO_VALID, 0,
					ACTIVITY_STATE_ACTIVE));
	/* One event per entry: the exit layer's #GP goes first. */
	assert_false(host_nmi_injectable(gp, 0, ACTIVITY_STATE_ACTIVE));
	/* The guest's own NMI handler runs: blocking by NMI. */
	assert_false(
		host_nmi_injectable(0, BLOCKING_BY_NMI, ACTIVITY_STATE_ACTIVE));
	/* MOV SS: VM entry would fail (SDM 3C 27.3.1.5); STI: wait too. */
	assert_false(host_nmi_injectable(0, BLOCKING_BY_MOV_SS,
					 ACTIVITY_STATE_ACTIVE));
	assert_false(
		host_nmi_injectable(0, BLOCKING_BY_STI, ACTIVITY_STATE_ACTIVE));
	/* SMI blocking alone does not block NMIs. */
	assert_true(
		host_nmi_injectable(0, BLOCKING_BY_SMI, ACTIVITY_STATE_ACTIVE));
	/* Wait-for-SIPI takes no event; shutdown is not a state hv keeps. */
	assert_false(host_nmi_injectable(0, 0, ACTIVITY_STATE_WAIT_FOR_SIPI));
	assert_false(host_nmi_injectable(0, 0, ACTIVITY_STATE_SHUTDOWN));
}

static void nmi_pending_until_injected(void **state)
{
	(void)state;
	struct host_nmi n = {0};

	/* None pending: nothing to do, whatever the guest's state. */
	assert_false(host_nmi_before_entry(&n, 0, 0, ACTIVITY_STATE_ACTIVE));
	assert_int_equal(n.passed_on, 0);

	/* Two NMIs in VMX root before the next entry: one pending, as the
	 * processor keeps one (SDM 3A 6.7.1). */
	host_nmi_taken(&n);
	host_nmi_taken(&n);
	assert_true(n.pending);
	assert_int_equal(n.taken, 2);

	/* The guest blocks NMIs at this entry: kept... */
	assert_false(host_nmi_before_entry(&n, 0, BLOCKING_BY_NMI,
					   ACTIVITY_STATE_ACTIVE));
	assert_true(n.pending);
	/* ...and at the next, where hv injects a #GP: kept again... */
	assert_false(host_nmi_before_entry(&n,
					   intr_info_hardware_exception(EXC_GP),
					   0, ACTIVITY_STATE_ACTIVE));
	assert_true(n.pending);
	assert_int_equal(n.passed_on, 0);
	/* ...then injected, once. */
	assert_true(host_nmi_before_entry(&n, 0, 0, ACTIVITY_STATE_ACTIVE));
	assert_false(n.pending);
	assert_int_equal(n.passed_on, 1);
	assert_false(host_nmi_before_entry(&n, 0, 0, ACTIVITY_STATE_ACTIVE));
	assert_int_equal(n.passed_on, 1);
	assert_int_equal(n.taken, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gate_is_a_64bit_interrupt_gate),
		cmocka_unit_test(gate_ist_field),
		cmocka_unit_test(idt_fills_256_gates_to_the_stubs),
		cmocka_unit_test(vectors_with_an_error_code),
		cmocka_unit_test(frame_layout),
		cmocka_unit_test(vector_names),
		cmocka_unit_test(nmi_intr_info),
		cmocka_unit_test(nmi_injectable),
		cmocka_unit_test(nmi_pending_until_injected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
