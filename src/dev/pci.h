/* PCI bus 0 behind configuration mechanism #1 (PCI Local Bus Specification 2.1,
 * 3.7.4.1): CONFIG_ADDRESS at 0xCF8 (dword accesses only; bit 31 enable, bus,
 * device, function, register), CONFIG_DATA at 0xCFC-0xCFF (byte, word or dword
 * at any offset). Also the PIIX3 reset control register at 0xCF9 (a byte
 * access inside the 0xCF8 dword).
 *
 * Functions are entries of a table indexed by devfn (device << 3 | function).
 * Each owns a 256-byte configuration space with a write mask and a
 * write-1-to-clear mask; optional config_ops let a device intercept accesses
 * (BARs, PAM registers) and fall back on pci_config_default_read/write. A
 * function absent from the table, a function 1-7 whose function 0 is not
 * multi-function, or any bus but 0, reads as all-ones. */
#ifndef BT86_DEV_PCI_H
#define BT86_DEV_PCI_H

#include "dev/ioport.h"
#include "dev/syshooks.h"

#include <stdbool.h>
#include <stdint.h>

#define PCI_DEVFN(dev, fn) ((uint8_t)((dev) << 3 | (fn)))

enum {
    PCI_VENDOR_ID = 0x00,
    PCI_DEVICE_ID = 0x02,
    PCI_COMMAND = 0x04,
    PCI_STATUS = 0x06,
    PCI_REVISION_ID = 0x08,
    PCI_CLASS_PROG = 0x09,
    PCI_CLASS_DEVICE = 0x0a,
    PCI_CACHE_LINE_SIZE = 0x0c,
    PCI_LATENCY_TIMER = 0x0d,
    PCI_HEADER_TYPE = 0x0e,
    PCI_INTERRUPT_LINE = 0x3c,
    PCI_INTERRUPT_PIN = 0x3d,
};

struct pci_function;

struct pci_config_ops {
    uint32_t (*read)(void *opaque, struct pci_function *f, uint8_t offset, int size);
    void (*write)(void *opaque, struct pci_function *f, uint8_t offset, uint32_t value, int size);
};

struct pci_function {
    uint8_t config[256];              /* the state to save */
    uint8_t wmask[256];               /* bits a guest write may change */
    uint8_t w1cmask[256];             /* bits a guest write of 1 clears (status) */
    const struct pci_config_ops *ops; /* NULL: the default behaviour */
    void *opaque;
};

struct pci_bus {
    uint32_t config_address; /* 0xCF8; with cf9: the state to save */
    uint8_t cf9;             /* reset control register */
    struct pci_function *functions[256];
    struct sys_hooks hooks; /* reset requested through 0xCF9 */
};

/* The i440FX/PIIX3 board: the bus with its two standard functions. */
struct pci_host {
    struct pci_bus bus;
    struct pci_function i440fx; /* 00.0 host bridge */
    struct pci_function piix3;  /* 01.0 PCI-to-ISA bridge */
};

void pci_bus_init(struct pci_bus *bus, const struct sys_hooks *hooks);
/* False when devfn is taken. */
bool pci_bus_add(struct pci_bus *bus, uint8_t devfn, struct pci_function *f);
bool pci_bus_register(struct pci_bus *bus, struct ioport_bus *io); /* 0xCF8-0xCFF */
void pci_bus_reset(struct pci_bus *bus);

/* A function with vendor, device, class (base << 16 | sub << 8 | prog-if),
 * revision and header type set read-only, and the standard writable fields
 * (command, cache line, latency timer, interrupt line, status RW1C bits). */
void pci_function_init(struct pci_function *f, uint16_t vendor, uint16_t device,
                       uint32_t class_code, uint8_t revision, uint8_t header_type);
void pci_config_set(struct pci_function *f, uint8_t offset, uint32_t value, int size);
uint32_t pci_config_get(const struct pci_function *f, uint8_t offset, int size);
uint32_t pci_config_default_read(struct pci_function *f, uint8_t offset, int size);
void pci_config_default_write(struct pci_function *f, uint8_t offset, uint32_t value, int size);

/* Configuration accesses as mechanism #1 performs them (for tests and for a
 * future mechanism: MMCONFIG). size 1, 2 or 4; offset within the space. */
uint32_t pci_config_read(struct pci_bus *bus, uint8_t bus_no, uint8_t devfn, uint8_t offset,
                         int size);
void pci_config_write(struct pci_bus *bus, uint8_t bus_no, uint8_t devfn, uint8_t offset,
                      uint32_t value, int size);

void pci_host_init(struct pci_host *host, const struct sys_hooks *hooks);
void pci_host_reset(struct pci_host *host);

#endif
