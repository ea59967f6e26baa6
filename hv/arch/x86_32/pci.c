/*
 * pci.c (x86_32) - PCI configuration space through the legacy I/O ports
 * (0xcf8/0xcfc, configuration mechanism #1), and the enumeration of bus 0
 * for the drivers that ask. The firmware (SeaBIOS under QEMU) has assigned
 * every device its BARs and interrupt line before the hypervisor runs; this
 * file only reads them and turns a device's I/O decoding and bus mastering
 * on. Owns ports 0xcf8-0xcff.
 */
#include <hv/lib.h>
#include <asm/pci.h>
#include <asm/processor.h>

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc

static void select(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg)
{
    outl(PCI_ADDR, 0x80000000U | ((uint32_t)bus << 16) | ((uint32_t)dev << 11) |
                       ((uint32_t)fn << 8) | (reg & 0xfc));
}

uint32_t pci_read32(const struct pci_dev *p, uint8_t reg)
{
    select(p->bus, p->dev, p->fn, reg);
    return inl(PCI_DATA);
}

void pci_write16(const struct pci_dev *p, uint8_t reg, uint16_t v)
{
    select(p->bus, p->dev, p->fn, reg);
    outw(PCI_DATA + (reg & 2), v);
}

unsigned int pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out,
                      unsigned int max)
{
    unsigned int n = 0, dev;

    for (dev = 0; dev < 32 && n < max; dev++) {
        struct pci_dev p = { .bus = 0, .dev = (uint8_t)dev, .fn = 0 };
        uint32_t id = pci_read32(&p, 0x00), bar0;

        if ((id & 0xffff) != vendor || (id >> 16) != device)
            continue;
        bar0 = pci_read32(&p, 0x10);
        p.io_base = (bar0 & 1) ? (uint16_t)(bar0 & ~3U) : 0;
        p.irq = (uint8_t)(pci_read32(&p, 0x3c) & 0xff);
        /* Decode its I/O ports and let it reach memory (bus master). */
        pci_write16(&p, 0x04, (uint16_t)(pci_read32(&p, 0x04) | 0x5));
        out[n++] = p;
    }
    return n;
}
