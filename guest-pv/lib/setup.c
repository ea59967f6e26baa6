/*
 * setup.c - guest_start(): from start_info to guest_main(). Sets up the
 * library's view of memory, the trap table, the event callback and the
 * kernel stack used when user mode traps into the kernel. Test guests get
 * guest_main() from test.c (it runs test_main()); a kernel brings its own.
 */
#include <guest/guest.h>

start_info_t *start_info;
shared_info_t *shared_info;
const uint32_t *p2m;
bool xen_translated_mode;

/* The stack traps from user mode land on (stack_switch). */
static uint8_t kernel_stack[16384] __aligned(16);

void traps_init(void);
extern char hypervisor_callback[];

void guest_start(start_info_t *si)
{
    long rc;

    start_info = si;
    shared_info = (shared_info_t *)si->shared_info_va;
    p2m = (const uint32_t *)si->mfn_list;
    xen_translated_mode = si->flags & SIF_TRANSLATED;
    if (strcmp(si->magic, XEN_START_INFO_MAGIC))
        guest_shutdown(SHUTDOWN_crash);

    traps_init();
    rc = HYPERVISOR_set_callbacks(
        FLAT_KERNEL_CS, (unsigned long)hypervisor_callback, FLAT_KERNEL_CS, 0);
    if (rc)
        guest_panic("set_callbacks failed: %ld", rc);
    rc = HYPERVISOR_stack_switch(
        FLAT_KERNEL_SS, (unsigned long)(kernel_stack + sizeof(kernel_stack)));
    if (rc)
        guest_panic("stack_switch failed: %ld", rc);
    local_events_enable();

    guest_main();
    guest_shutdown(SHUTDOWN_poweroff);
}
