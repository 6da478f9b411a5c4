/* Page allocation for the VMM, counted, so every run can prove it gave
 * back what it took. */
#ifndef HV_PAGES_H
#define HV_PAGES_H

#include <stddef.h>

void *hv_alloc_pages(size_t count);
void hv_free_pages(void *pages, size_t count);
/* Pages allocated and not yet freed. */
size_t hv_pages_outstanding(void);
/* Pages allocated since the app started, freed or not. */
size_t hv_pages_allocated(void);

/* For builders (EPT): one zeroed page at a time, counted the same way. */
struct page_source;
extern const struct page_source hv_page_source;

#endif
