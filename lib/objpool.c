/*
 * objpool.c - the fixed-size-object allocator (objpool.h).
 */
#include "objpool.h"

struct free_obj {
    struct free_obj *next;
};

void objpool_init(struct objpool *p, const char *name, size_t size,
                  void *(*get_page)(void), uint32_t max_pages)
{
    size =
        ROUNDUP(size < sizeof(void *) ? sizeof(void *) : size, sizeof(void *));
    memset(p, 0, sizeof(*p));
    p->name = name;
    p->size = size > OBJPOOL_PAGE_SIZE / 2 ? OBJPOOL_PAGE_SIZE / 2 : size;
    p->get_page = get_page;
    p->max_pages = max_pages;
}

static bool grow(struct objpool *p)
{
    char *page;
    size_t off;

    if (p->max_pages && p->pages >= p->max_pages)
        return false;
    page = p->get_page();
    if (!page)
        return false;
    p->pages++;
    *(void **)(page + OBJPOOL_PAGE_SIZE - sizeof(void *)) = p->page_list;
    p->page_list = page;
    for (off = 0; off + p->size <= OBJPOOL_PAGE_SIZE - sizeof(void *);
         off += p->size) {
        struct free_obj *o = (struct free_obj *)(page + off);

        o->next = p->free;
        p->free = o;
    }
    return true;
}

void *objpool_alloc(struct objpool *p)
{
    struct free_obj *o;

    if (!p->free && !grow(p))
        return NULL;
    o = p->free;
    p->free = o->next;
    memset(o, 0, p->size);
    p->in_use++;
    return o;
}

void objpool_free(struct objpool *p, void *obj)
{
    struct free_obj *o = obj;

    if (!obj)
        return;
    o->next = p->free;
    p->free = o;
    p->in_use--;
}

uint32_t objpool_release(struct objpool *p, void (*put_page)(void *page))
{
    uint32_t n = 0;
    char *page;

    if (p->in_use)
        return 0;
    while ((page = p->page_list) != NULL) {
        p->page_list = *(void **)(page + OBJPOOL_PAGE_SIZE - sizeof(void *));
        put_page(page);
        n++;
    }
    p->free = NULL;
    p->pages = 0;
    return n;
}
