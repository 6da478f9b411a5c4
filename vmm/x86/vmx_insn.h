/* The VMX instructions, each written once, with one macro per operand
 * shape (as Linux's vmx_ops.h does), and one way to read how they ended —
 * SDM 3C 31.2, "Conventions": VMsucceed clears CF and ZF; VMfailInvalid
 * sets CF (no current VMCS); VMfailValid sets ZF (the reason is in the
 * VM-instruction error field). "Below or equal" (CF or ZF) is a failure,
 * CF alone tells which: when only success matters, the compiler keeps
 * the one "below or equal" branch. */
#ifndef HV_VMX_INSN_H
#define HV_VMX_INSN_H

#include <stdbool.h>
#include <stdint.h>

enum vmx_result {
	VMX_SUCCEED = 0,
	VMX_FAIL_INVALID = 1,
	VMX_FAIL_VALID = 2,
};

/* The flag outputs every VMX instruction below starts with: %0 and %1. */
#define VMX_FLAGS(failed, invalid) "=@ccbe"(failed), "=@ccc"(invalid)

static inline enum vmx_result vmx_result(bool failed, bool invalid)
{
	if (__builtin_expect(!failed, 1))
		return VMX_SUCCEED;
	return invalid ? VMX_FAIL_INVALID : VMX_FAIL_VALID;
}

/* No operand: VMXOFF. */
#define VMX_INSN_NONE(name)                                               \
	static inline enum vmx_result name(void)                          \
	{                                                                 \
		bool failed, invalid;                                     \
                                                                          \
		__asm__ volatile(#name                                    \
				 : VMX_FLAGS(failed, invalid)::"memory"); \
		return vmx_result(failed, invalid);                       \
	}

/* One 64-bit physical address in memory: VMXON, VMCLEAR, VMPTRLD. */
#define VMX_INSN_ADDRESS(name)                                \
	static inline enum vmx_result name(uint64_t pa)       \
	{                                                     \
		bool failed, invalid;                         \
                                                              \
		__asm__ volatile(#name " %2"                  \
				 : VMX_FLAGS(failed, invalid) \
				 : "m"(pa)                    \
				 : "memory");                 \
		return vmx_result(failed, invalid);           \
	}

/* A type in a register and a 128-bit descriptor (struct NAME_desc) in
 * memory: INVEPT, INVVPID — SDM 3C 31.3, "VMX Instructions". */
#define VMX_INSN_INVALIDATE(name)                                          \
	static inline enum vmx_result name##_by_desc(uint64_t type,        \
						     struct name##_desc d) \
	{                                                                  \
		bool failed, invalid;                                      \
                                                                           \
		__asm__ volatile(#name " %2, %3"                           \
				 : VMX_FLAGS(failed, invalid)              \
				 : "m"(d), "r"(type)                       \
				 : "memory");                              \
		return vmx_result(failed, invalid);                        \
	}

VMX_INSN_NONE(vmxoff)
VMX_INSN_ADDRESS(vmxon)
VMX_INSN_ADDRESS(vmclear)
VMX_INSN_ADDRESS(vmptrld)

/* The field's encoding in a register; the value in a register or memory. */
static inline enum vmx_result vmread(uint64_t field, uint64_t *value)
{
	bool failed, invalid;

	__asm__ volatile("vmread %3, %2"
			 : VMX_FLAGS(failed, invalid), "=rm"(*value)
			 : "r"(field));
	return vmx_result(failed, invalid);
}

static inline enum vmx_result vmwrite(uint64_t field, uint64_t value)
{
	bool failed, invalid;

	__asm__ volatile("vmwrite %3, %2"
			 : VMX_FLAGS(failed, invalid)
			 : "r"(field), "rm"(value)
			 : "memory");
	return vmx_result(failed, invalid);
}

/* INVEPT / INVVPID descriptors and types — SDM 3C 31.3, "VMX
 * Instructions". */
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

VMX_INSN_INVALIDATE(invept)
VMX_INSN_INVALIDATE(invvpid)

static inline enum vmx_result invept(uint64_t type, uint64_t eptp)
{
	return invept_by_desc(type, (struct invept_desc){eptp, 0});
}

static inline enum vmx_result invvpid(uint64_t type, uint16_t vpid)
{
	return invvpid_by_desc(type, (struct invvpid_desc){vpid, 0});
}

#endif
