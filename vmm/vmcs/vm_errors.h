/*
 * VM-instruction error numbers: why a VMX instruction ended in
 * VMfailValid, as stored in the VM-instruction error field (0x4400).
 * SDM 3C 31.4 "VM Instruction Error Numbers" (Table 31-1).
 *
 *   X(NUMBER, ENUM_NAME, "lowercase_name", "SDM description")
 *
 * 14, 21 and 27 are reserved and absent.
 */
#ifndef HV_VM_ERRORS_H
#define HV_VM_ERRORS_H

#define VM_ERRORS(X)                                                        \
	X(1, VMCALL_IN_VMX_ROOT, "vmcall_in_vmx_root",                      \
	  "VMCALL executed in VMX root operation")                          \
	X(2, VMCLEAR_INVALID_ADDRESS, "vmclear_invalid_address",            \
	  "VMCLEAR with invalid physical address")                          \
	X(3, VMCLEAR_VMXON_POINTER, "vmclear_vmxon_pointer",                \
	  "VMCLEAR with VMXON pointer")                                     \
	X(4, VMLAUNCH_NONCLEAR_VMCS, "vmlaunch_nonclear_vmcs",              \
	  "VMLAUNCH with non-clear VMCS")                                   \
	X(5, VMRESUME_NONLAUNCHED_VMCS, "vmresume_nonlaunched_vmcs",        \
	  "VMRESUME with non-launched VMCS")                                \
	X(6, VMRESUME_AFTER_VMXOFF, "vmresume_after_vmxoff",                \
	  "VMRESUME after VMXOFF (VMXOFF and VMXON between VMLAUNCH "       \
	  "and VMRESUME)")                                                  \
	X(7, ENTRY_INVALID_CONTROL, "entry_invalid_control",                \
	  "VM entry with invalid control field(s)")                         \
	X(8, ENTRY_INVALID_HOST_STATE, "entry_invalid_host_state",          \
	  "VM entry with invalid host-state field(s)")                      \
	X(9, VMPTRLD_INVALID_ADDRESS, "vmptrld_invalid_address",            \
	  "VMPTRLD with invalid physical address")                          \
	X(10, VMPTRLD_VMXON_POINTER, "vmptrld_vmxon_pointer",               \
	  "VMPTRLD with VMXON pointer")                                     \
	X(11, VMPTRLD_BAD_REVISION, "vmptrld_bad_revision",                 \
	  "VMPTRLD with incorrect VMCS revision identifier")                \
	X(12, UNSUPPORTED_COMPONENT, "unsupported_component",               \
	  "VMREAD/VMWRITE from/to unsupported VMCS component")              \
	X(13, VMWRITE_READ_ONLY, "vmwrite_read_only",                       \
	  "VMWRITE to read-only VMCS component")                            \
	X(15, VMXON_IN_VMX_ROOT, "vmxon_in_vmx_root",                       \
	  "VMXON executed in VMX root operation")                           \
	X(16, ENTRY_INVALID_EXECUTIVE_VMCS, "entry_invalid_executive_vmcs", \
	  "VM entry with invalid executive-VMCS pointer")                   \
	X(17, ENTRY_NONLAUNCHED_EXECUTIVE_VMCS,                             \
	  "entry_nonlaunched_executive_vmcs",                               \
	  "VM entry with non-launched executive VMCS")                      \
	X(18, ENTRY_EXECUTIVE_NOT_VMXON, "entry_executive_not_vmxon",       \
	  "VM entry with executive-VMCS pointer not VMXON pointer "         \
	  "(when attempting to deactivate the dual-monitor treatment "      \
	  "of SMIs and SMM)")                                               \
	X(19, VMCALL_NONCLEAR_VMCS, "vmcall_nonclear_vmcs",                 \
	  "VMCALL with non-clear VMCS (when attempting to activate "        \
	  "the dual-monitor treatment of SMIs and SMM)")                    \
	X(20, VMCALL_INVALID_EXIT_CONTROLS, "vmcall_invalid_exit_controls", \
	  "VMCALL with invalid VM-exit control fields")                     \
	X(22, VMCALL_BAD_MSEG_REVISION, "vmcall_bad_mseg_revision",         \
	  "VMCALL with incorrect MSEG revision identifier (when "           \
	  "attempting to activate the dual-monitor treatment of SMIs "      \
	  "and SMM)")                                                       \
	X(23, VMXOFF_DUAL_MONITOR, "vmxoff_dual_monitor",                   \
	  "VMXOFF under dual-monitor treatment of SMIs and SMM")            \
	X(24, VMCALL_INVALID_SMM_FEATURES, "vmcall_invalid_smm_features",   \
	  "VMCALL with invalid SMM-monitor features (when attempting "      \
	  "to activate the dual-monitor treatment of SMIs and SMM)")        \
	X(25, ENTRY_INVALID_EXECUTIVE_CONTROLS,                             \
	  "entry_invalid_executive_controls",                               \
	  "VM entry with invalid VM-execution control fields in "           \
	  "executive VMCS (when attempting to return from SMM)")            \
	X(26, ENTRY_BLOCKED_BY_MOV_SS, "entry_blocked_by_mov_ss",           \
	  "VM entry with events blocked by MOV SS")                         \
	X(28, INVALID_INVEPT_INVVPID_OPERAND,                               \
	  "invalid_invept_invvpid_operand",                                 \
	  "Invalid operand to INVEPT/INVVPID")

enum vm_error {
#define VM_ERROR_X_ENUM(num, id, name, desc) VM_ERROR_##id = (num),
	VM_ERRORS(VM_ERROR_X_ENUM)
#undef VM_ERROR_X_ENUM
	/* One past the highest error number listed. */
	VM_ERROR_COUNT = 29
};

/* snake_case name of a VM-instruction error; NULL if none/reserved. */
const char *vm_error_name(unsigned int number);

/* The SDM's description; NULL if none/reserved. */
const char *vm_error_description(unsigned int number);

#endif
