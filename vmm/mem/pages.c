#include "mem/pages.h"

#include "mem/ept.h"
#include "platform.h"

static size_t outstanding, allocated;

void *hv_alloc_pages(size_t count)
{
	void *p = platform_alloc_pages(count);

	if (p) {
		outstanding += count;
		allocated += count;
	}
	return p;
}

void hv_free_pages(void *pages, size_t count)
{
	if (!pages)
		return;
	platform_free_pages(pages, count);
	outstanding -= count;
}

size_t hv_pages_outstanding(void)
{
	return outstanding;
}

size_t hv_pages_allocated(void)
{
	return allocated;
}

static void *source_alloc(void *ctx)
{
	(void)ctx;
	return hv_alloc_pages(1);
}

static void source_free(void *ctx, void *page)
{
	(void)ctx;
	hv_free_pages(page, 1);
}

const struct page_source hv_page_source = {source_alloc, source_free, 0};
