/* Whether VT-x can be used at all, decided from the capabilities alone. */
#ifndef HV_VMX_CHECK_H
#define HV_VMX_CHECK_H

#include "hv.h"
#include "vmx_caps.h"

/* HV_OK, or a refusal (HV_NO_VMX, HV_VMX_DISABLED) already explained on
 * the console in words a user can act on. */
enum hv_status vmx_check_usable(const struct vmx_caps *caps);

#endif
