/* What every guest may do freely and what traps. */
#ifndef HV_GUEST_POLICY_H
#define HV_GUEST_POLICY_H

#include "exit_policy.h"

extern const struct exit_policy guest_exit_policy;

#endif
