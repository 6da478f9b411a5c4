#include "msr.h"

#include <stddef.h>

const char *msr_name(unsigned int index)
{
#define MSR_CASE(name, idx) \
	case idx:           \
		return #name;
	switch (index) {
		MSR_LIST(MSR_CASE)
	}
#undef MSR_CASE
	return NULL;
}
