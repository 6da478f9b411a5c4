/* Every readable VMCS field, named and grouped by category. */
#ifndef HV_VMCS_DUMP_H
#define HV_VMCS_DUMP_H

/* Prints the current VMCS through the vmcs backend; fields the processor
 * does not implement (VMREAD fails) are left out. */
void vmcs_dump(void);

#endif
