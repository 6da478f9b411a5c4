/* The machine of the flat guests (docs/guest-abi.md). */
#ifndef HV_FLAT_MACHINE_H
#define HV_FLAT_MACHINE_H

#include "exit/machine.h"

extern const struct machine flat_machine;
extern const struct exit_policy flat_exit_policy;

#endif
