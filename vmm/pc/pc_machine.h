/* The PC a Linux guest sees, as a machine (exit/machine.h); its state
 * is a struct pc (pc.h), the vCPU's machine_state. */
#ifndef HV_PC_MACHINE_H
#define HV_PC_MACHINE_H

#include "exit/machine.h"

extern const struct machine pc_machine;
extern const struct exit_policy pc_exit_policy;

#endif
