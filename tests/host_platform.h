/* Test helpers around the host platform fakes. */
#ifndef HV_TESTS_HOST_PLATFORM_H
#define HV_TESTS_HOST_PLATFORM_H

/* Everything the code under test printed since the last reset. */
const char *host_output(void);
void host_output_reset(void);

#endif
