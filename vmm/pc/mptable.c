/* The MP table, Intel MultiProcessor Specification 1.4: chapter 4, "MP
 * Configuration Table", 4.1 (the floating pointer structure), 4.2 (the
 * configuration table header) and 4.3.1 (processor entries). Linux finds
 * it by scanning 0xF0000-0xFFFFF (arch/x86/kernel/mpparse.c). */
#include "pc/pc.h"

#define MPF_SIZE 16u	   /* floating pointer */
#define MPC_HEADER_SIZE 44u /* configuration table header */
#define MPC_CPU_SIZE 20u   /* one processor entry */
#define MP_SPEC_REV 4u	   /* version 1.4 */
#define MPC_CPU_ENABLED 0x01u
#define MPC_CPU_BOOTSTRAP 0x02u
#define LAPIC_VERSION 0x14u /* an integrated APIC (lapic.c's VERSION) */
#define LAPIC_MMIO_BASE 0xfee00000u

static void put(uint8_t *p, unsigned int bytes, uint64_t v)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_text(uint8_t *p, const char *s, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = *s ? (uint8_t)*s++ : ' ';
}

/* Every byte of the structure, the checksum among them, sums to 0. */
static void checksum(uint8_t *p, unsigned int n, uint8_t *sum)
{
	uint8_t s = 0;

	*sum = 0;
	for (unsigned int i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	*sum = (uint8_t)-s;
}

unsigned int mptable_write(uint8_t *mem, uint64_t addr, uint32_t signature,
			   uint32_t features)
{
	uint8_t *mpf = mem + addr;
	uint8_t *mpc = mpf + MPF_SIZE;
	uint8_t *cpu = mpc + MPC_HEADER_SIZE;
	unsigned int mpc_len = MPC_HEADER_SIZE + MPC_CPU_SIZE;

	put_text(mpf, "_MP_", 4);
	put(mpf + 4, 4, addr + MPF_SIZE); /* the configuration table */
	mpf[8] = 1;			  /* length in 16-byte units */
	mpf[9] = MP_SPEC_REV;
	/* feature bytes 1-5 stay 0: a configuration table is present (no
	 * default configuration), no IMCR (virtual wire mode) */

	put_text(mpc, "PCMP", 4);
	put(mpc + 4, 2, mpc_len);
	mpc[6] = MP_SPEC_REV;
	put_text(mpc + 8, "HV", 8);	       /* OEM ID */
	put_text(mpc + 16, "HV-PC", 12);       /* product ID */
	put(mpc + 34, 2, 1);		       /* one entry */
	put(mpc + 36, 4, LAPIC_MMIO_BASE);     /* where an xAPIC would be */

	cpu[0] = 0;			       /* entry type: processor */
	cpu[1] = 0;			       /* local APIC ID */
	cpu[2] = LAPIC_VERSION;
	cpu[3] = MPC_CPU_ENABLED | MPC_CPU_BOOTSTRAP;
	put(cpu + 4, 4, signature);
	put(cpu + 8, 4, features);

	checksum(mpc, mpc_len, &mpc[7]);
	checksum(mpf, MPF_SIZE, &mpf[10]);
	return MPF_SIZE + mpc_len;
}
