/* PCI configuration mechanism #1, the i440FX host bridge and the PIIX3 ISA
 * bridge (Intel 82441FX/82442FX and 82371SB datasheets for IDs and reset
 * defaults). */
#include "dev/pci.h"

#include <string.h>

#define CONFIG_ENABLE        0x80000000u
#define HEADER_MULTIFUNCTION 0x80

static uint32_t ones(int size)
{
    return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

void pci_config_set(struct pci_function *f, uint8_t offset, uint32_t value, int size)
{
    for (int i = 0; i < size && offset + i < 256; i++)
        f->config[offset + i] = (uint8_t)(value >> (8 * i));
}

uint32_t pci_config_get(const struct pci_function *f, uint8_t offset, int size)
{
    uint32_t v = 0;
    for (int i = 0; i < size && offset + i < 256; i++)
        v |= (uint32_t)f->config[offset + i] << (8 * i);
    return v;
}

static void set_mask(uint8_t *mask, uint8_t offset, uint32_t value, int size)
{
    for (int i = 0; i < size; i++)
        mask[offset + i] = (uint8_t)(value >> (8 * i));
}

void pci_function_init(struct pci_function *f, uint16_t vendor, uint16_t device,
                       uint32_t class_code, uint8_t revision, uint8_t header_type)
{
    memset(f, 0, sizeof *f);
    pci_config_set(f, PCI_VENDOR_ID, vendor, 2);
    pci_config_set(f, PCI_DEVICE_ID, device, 2);
    pci_config_set(f, PCI_REVISION_ID, revision, 1);
    pci_config_set(f, PCI_CLASS_PROG, class_code, 3);
    pci_config_set(f, PCI_HEADER_TYPE, header_type, 1);
    /* PCI 2.1, 6.2: command bits I/O, memory, bus master, special cycles,
     * MWI, VGA snoop, parity response, stepping, SERR#, fast back-to-back. */
    set_mask(f->wmask, PCI_COMMAND, 0x03ff, 2);
    /* Status: parity error, SERR, master/target aborts are write-1-to-clear. */
    set_mask(f->w1cmask, PCI_STATUS, 0xf900, 2);
    set_mask(f->wmask, PCI_CACHE_LINE_SIZE, 0xff, 1);
    set_mask(f->wmask, PCI_LATENCY_TIMER, 0xff, 1);
    set_mask(f->wmask, PCI_INTERRUPT_LINE, 0xff, 1);
}

uint32_t pci_config_default_read(struct pci_function *f, uint8_t offset, int size)
{
    return pci_config_get(f, offset, size);
}

void pci_config_default_write(struct pci_function *f, uint8_t offset, uint32_t value, int size)
{
    for (int i = 0; i < size && offset + i < 256; i++) {
        uint8_t o = (uint8_t)(offset + i), b = (uint8_t)(value >> (8 * i));
        uint8_t keep = f->config[o] & (uint8_t)~f->wmask[o];
        uint8_t v = keep | (b & f->wmask[o]);
        v &= (uint8_t) ~(b & f->w1cmask[o]);
        f->config[o] = v;
    }
}

static struct pci_function *lookup(struct pci_bus *bus, uint8_t bus_no, uint8_t devfn)
{
    if (bus_no != 0)
        return NULL;
    struct pci_function *f = bus->functions[devfn];
    if (!f)
        return NULL;
    if (devfn & 7) {
        /* Functions 1-7 exist only behind a multi-function function 0. */
        struct pci_function *f0 = bus->functions[devfn & ~7];
        if (!f0 || !(f0->config[PCI_HEADER_TYPE] & HEADER_MULTIFUNCTION))
            return NULL;
    }
    return f;
}

uint32_t pci_config_read(struct pci_bus *bus, uint8_t bus_no, uint8_t devfn, uint8_t offset,
                         int size)
{
    struct pci_function *f = lookup(bus, bus_no, devfn);
    if (!f)
        return ones(size); /* master abort: all-ones */
    if (f->ops && f->ops->read)
        return f->ops->read(f->opaque, f, offset, size);
    return pci_config_default_read(f, offset, size);
}

void pci_config_write(struct pci_bus *bus, uint8_t bus_no, uint8_t devfn, uint8_t offset,
                      uint32_t value, int size)
{
    struct pci_function *f = lookup(bus, bus_no, devfn);
    if (!f)
        return;
    if (f->ops && f->ops->write)
        f->ops->write(f->opaque, f, offset, value, size);
    else
        pci_config_default_write(f, offset, value, size);
}

void pci_bus_init(struct pci_bus *bus, const struct sys_hooks *hooks)
{
    memset(bus, 0, sizeof *bus);
    if (hooks)
        bus->hooks = *hooks;
}

bool pci_bus_add(struct pci_bus *bus, uint8_t devfn, struct pci_function *f)
{
    if (bus->functions[devfn])
        return false;
    bus->functions[devfn] = f;
    return true;
}

void pci_bus_reset(struct pci_bus *bus)
{
    bus->config_address = 0;
    bus->cf9 = 0;
}

static uint32_t io_read(void *opaque, uint32_t offset, int size)
{
    struct pci_bus *bus = opaque;
    uint32_t a = bus->config_address;
    if (offset < 4) {
        if (offset == 0 && size == 4)
            return a;
        if (offset == 1 && size == 1)
            return bus->cf9;
        return ones(size);
    }
    /* CONFIG_DATA: a config cycle only when the enable bit is set. */
    if (!(a & CONFIG_ENABLE))
        return ones(size);
    uint8_t reg = (uint8_t)((a & 0xfc) + (offset - 4));
    return pci_config_read(bus, (uint8_t)(a >> 16), (uint8_t)(a >> 8), reg, size);
}

static void io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct pci_bus *bus = opaque;
    uint32_t a = bus->config_address;
    if (offset < 4) {
        if (offset == 0 && size == 4) {
            /* Bits 30-24 reserved, bits 1-0 always 0 (type 0/1 select). */
            bus->config_address = value & 0x80fffffcu;
        } else if (offset == 1 && size == 1) {
            /* PIIX3 RC: bit 1 system reset type, bit 2 reset CPU. */
            bus->cf9 = value & 0x02;
            if (value & 0x04)
                sys_hooks_reset(&bus->hooks);
        }
        return;
    }
    if (!(a & CONFIG_ENABLE))
        return;
    uint8_t reg = (uint8_t)((a & 0xfc) + (offset - 4));
    pci_config_write(bus, (uint8_t)(a >> 16), (uint8_t)(a >> 8), reg, value, size);
}

static const struct io_ops pci_ops = {io_read, io_write};

bool pci_bus_register(struct pci_bus *bus, struct ioport_bus *io)
{
    return ioport_register(io, 0xcf8, 8, &pci_ops, bus);
}

/* Device-specific registers 0x40-0xFF are plain read/write storage here; a
 * board that needs PAM or PIRQ routing effects installs config_ops. */
static void make_device_space_writable(struct pci_function *f)
{
    memset(f->wmask + 0x40, 0xff, 0xc0);
}

static void i440fx_defaults(struct pci_function *f)
{
    pci_function_init(f, 0x8086, 0x1237, 0x060000, 0x02, 0x00);
    make_device_space_writable(f);
    pci_config_set(f, PCI_COMMAND, 0x0006, 2); /* memory and bus master enabled */
    pci_config_set(f, PCI_STATUS, 0x0280, 2);  /* medium DEVSEL, fast back-to-back */
}

static void piix3_defaults(struct pci_function *f)
{
    pci_function_init(f, 0x8086, 0x7000, 0x060100, 0x00, HEADER_MULTIFUNCTION);
    make_device_space_writable(f);
    pci_config_set(f, PCI_COMMAND, 0x0007, 2);
    pci_config_set(f, PCI_STATUS, 0x0200, 2);
    pci_config_set(f, 0x4c, 0x4d, 1);       /* IORT ISA I/O recovery */
    pci_config_set(f, 0x4e, 0x03, 1);       /* XBCS */
    pci_config_set(f, 0x60, 0x80808080, 4); /* PIRQA-D routing: disabled */
    pci_config_set(f, 0x69, 0x02, 1);       /* TOM */
    pci_config_set(f, 0x70, 0x80, 1);       /* MBIRQ0 */
    pci_config_set(f, 0x71, 0x80, 1);       /* MBIRQ1 */
    pci_config_set(f, 0x76, 0x0c, 1);       /* MBDMA0 */
    pci_config_set(f, 0x77, 0x0c, 1);       /* MBDMA1 */
    pci_config_set(f, 0xa0, 0x08, 1);       /* SMICNTL */
}

void pci_host_reset(struct pci_host *host)
{
    /* Keep any config_ops the board installed on the two bridges. */
    struct pci_function *fs[2] = {&host->i440fx, &host->piix3};
    const struct pci_config_ops *ops[2];
    void *opaque[2];
    for (int i = 0; i < 2; i++) {
        ops[i] = fs[i]->ops;
        opaque[i] = fs[i]->opaque;
    }
    pci_bus_reset(&host->bus);
    i440fx_defaults(&host->i440fx);
    piix3_defaults(&host->piix3);
    for (int i = 0; i < 2; i++) {
        fs[i]->ops = ops[i];
        fs[i]->opaque = opaque[i];
    }
}

void pci_host_init(struct pci_host *host, const struct sys_hooks *hooks)
{
    memset(host, 0, sizeof *host);
    pci_bus_init(&host->bus, hooks);
    pci_host_reset(host);
    pci_bus_add(&host->bus, PCI_DEVFN(0, 0), &host->i440fx);
    pci_bus_add(&host->bus, PCI_DEVFN(1, 0), &host->piix3);
}
