/* Plain C helpers, with no hardware in them, that every part uses. */
#ifndef HV_UTIL_H
#define HV_UTIL_H

/* The number of elements of an array (not of a pointer). */
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

#endif
