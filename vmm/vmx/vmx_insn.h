/* The VMX instructions, each returning how it ended — SDM 3C 31.2:
 * VMsucceed clears CF and ZF, VMfailInvalid sets CF (no current VMCS),
 * VMfailValid sets ZF (the reason is in the VM-instruction error field). */
#ifndef HV_VMX_INSN_H
#define HV_VMX_INSN_H

#include <stdint.h>

enum vmx_result {
	VMX_SUCCEED = 0,
	VMX_FAIL_INVALID = 1,
	VMX_FAIL_VALID = 2,
};

#define VMX_RESULT_FROM_FLAGS(cf, zf) \
	((cf) ? VMX_FAIL_INVALID : (zf) ? VMX_FAIL_VALID : VMX_SUCCEED)

static inline enum vmx_result vmxon(uint64_t region_pa)
{
	uint8_t cf, zf;

	__asm__ volatile("vmxon %2"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : "m"(region_pa)
			 : "memory");
	return VMX_RESULT_FROM_FLAGS(cf, zf);
}

static inline enum vmx_result vmxoff(void)
{
	uint8_t cf, zf;

	__asm__ volatile("vmxoff" : "=@ccc"(cf), "=@ccz"(zf)::"memory");
	return VMX_RESULT_FROM_FLAGS(cf, zf);
}

static inline enum vmx_result vmclear(uint64_t vmcs_pa)
{
	uint8_t cf, zf;

	__asm__ volatile("vmclear %2"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : "m"(vmcs_pa)
			 : "memory");
	return VMX_RESULT_FROM_FLAGS(cf, zf);
}

static inline enum vmx_result vmptrld(uint64_t vmcs_pa)
{
	uint8_t cf, zf;

	__asm__ volatile("vmptrld %2"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : "m"(vmcs_pa)
			 : "memory");
	return VMX_RESULT_FROM_FLAGS(cf, zf);
}

static inline enum vmx_result vmread(uint64_t field, uint64_t *value)
{
	uint8_t cf, zf;

	__asm__ volatile("vmread %3, %2"
			 : "=@ccc"(cf), "=@ccz"(zf), "=rm"(*value)
			 : "r"(field));
	return VMX_RESULT_FROM_FLAGS(cf, zf);
}

static inline enum vmx_result vmwrite(uint64_t field, uint64_t value)
{
	uint8_t cf, zf;

	__asm__ volatile("vmwrite %3, %2"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : "r"(field), "rm"(value)
			 : "memory");
	return VMX_RESULT_FROM_FLAGS(cf, zf);
}

/* INVEPT / INVVPID descriptors and types — SDM 3C 31.3. */
struct invept_desc {
	uint64_t eptp, reserved;
};
struct invvpid_desc {
	uint64_t vpid, linear_address;
};
#define INVEPT_SINGLE_CONTEXT 1
#define INVEPT_ALL_CONTEXT 2
#define INVVPID_SINGLE_CONTEXT 1
#define INVVPID_ALL_CONTEXT 2

static inline enum vmx_result invept(uint64_t type, uint64_t eptp)
{
	struct invept_desc d = {eptp, 0};
	uint8_t cf, zf;

	__asm__ volatile("invept %2, %3"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : "m"(d), "r"(type)
			 : "memory");
	return VMX_RESULT_FROM_FLAGS(cf, zf);
}

static inline enum vmx_result invvpid(uint64_t type, uint16_t vpid)
{
	struct invvpid_desc d = {vpid, 0};
	uint8_t cf, zf;

	__asm__ volatile("invvpid %2, %3"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : "m"(d), "r"(type)
			 : "memory");
	return VMX_RESULT_FROM_FLAGS(cf, zf);
}

#endif
