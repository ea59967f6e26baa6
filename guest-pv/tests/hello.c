/*
 * hello - the smallest useful guest: it checks it runs deprivileged in its
 * own address space and that the start-of-day state is what
 * public/xen.h promises (with modtext=TEXT on its command line, also that
 * the module it was given holds TEXT). Prints TAP. With "hang" on its
 * command line it then blocks for ever, with no timer: a domain still
 * running when the hypervisor's watchdog fires (the timeout line's test).
 */
#include <guest/test.h>

void test_main(void)
{
    uint32_t cs, pfn, mfn;
    char buf[32];

    printk("hello from %s (domain %u), %u pages\n", start_info->name,
           start_info->domid, start_info->nr_pages);
    asm volatile("mov %%cs, %0" : "=r"(cs));
    is(cs & 3, 3, "guest kernel runs in ring 3");
    is(cs, FLAT_KERNEL_CS, "with the kernel code selector");
    ok(!strcmp(start_info->magic, XEN_START_INFO_MAGIC), "start_info magic");
    is(start_info->virt_base, 0xC0000000, "pfn 0 is at virt_base");

    /* P2M and M2P agree for every pfn. */
    for (pfn = 0; pfn < start_info->nr_pages; pfn++) {
        mfn = pfn_to_mfn(pfn);
        if (machine_to_phys[mfn] != pfn)
            break;
    }
    is(pfn, start_info->nr_pages, "M2P inverts the P2M for every pfn");

    /* Hypervisor memory is out of reach: a read and a write both fault. */
    is(probe_read((void *)0xFE100000), 14, "reading hypervisor memory faults");
    is(probe_write((void *)0xFC400000, 1), 14, "writing the mapcache faults");
    is(probe_write((void *)MACH2PHYS_VIRT_START, 1), 14,
       "writing the read-only M2P faults");
    is(probe_write((void *)start_info->pt_base, 0), 14,
       "writing our own page directory faults");
    is(probe_write((void *)start_info->mfn_list, 0), 14,
       "writing the read-only P2M faults");
    ok(cmdline_get("greeting", buf, sizeof(buf)) && !strcmp(buf, "hi"),
       "command line reaches the guest");
    ok(monotonic_ns() > 0, "guest time runs");
    if (cmdline_get("modtext", buf, sizeof(buf))) {
        size_t n = strlen(buf);

        is(start_info->mod_len, n + 1, "the module has the expected length");
        ok(start_info->mod_start >= start_info->virt_base &&
               !memcmp((const void *)start_info->mod_start, buf, n),
           "the module's bytes are in our memory at mod_start");
    }
    if (cmdline_get("hang", buf, sizeof(buf)))
        test_done_hang();
}
