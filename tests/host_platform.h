/* Test helpers around the host platform fakes. */
#ifndef HV_TESTS_HOST_PLATFORM_H
#define HV_TESTS_HOST_PLATFORM_H

/* Everything the code under test printed since the last reset. */
const char *host_output(void);
void host_output_reset(void);

/* What platform_get_time() gives in host tests. */
#define HOST_TIME_YEAR 2026
#define HOST_TIME_MONTH 12
#define HOST_TIME_DAY 6
#define HOST_TIME_HOUR 15
#define HOST_TIME_MINUTE 42
#define HOST_TIME_SECOND 21

#endif
