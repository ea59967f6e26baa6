/*
 * pci.h - PCI configuration space on bus 0 (pci.c): enough to find a
 * device, its I/O ports and its interrupt line.
 */
#ifndef __ASM_PCI_H__
#define __ASM_PCI_H__

#include <hv/lib.h>

struct pci_dev {
    uint8_t bus, dev, fn;
    uint8_t irq;      /* the interrupt line the firmware routed      */
    uint16_t io_base; /* BAR 0, if it is an I/O BAR; 0 otherwise     */
};

uint32_t pci_read32(const struct pci_dev *p, uint8_t reg);
void pci_write16(const struct pci_dev *p, uint8_t reg, uint16_t v);
/* Up to max devices of bus 0 with this vendor and device id, in slot
 * order, their I/O decoding and bus mastering on. Returns how many. */
unsigned int pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out,
                      unsigned int max);

#endif /* __ASM_PCI_H__ */
