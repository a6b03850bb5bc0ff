/* 8259A PIC pair. Behaviour follows the Intel 8259A datasheet (order no.
 * 231468): ICW1-ICW4 initialisation, OCW1-OCW3, fully nested priority with
 * rotation, special mask mode, poll command, automatic EOI, and the spurious
 * IRQ 7 an INTA produces when the request has gone away. */
#include "dev/pic.h"

#include <string.h>

enum { MASTER = 0, SLAVE = 1, CASCADE_IRQ = 2 };

static uint8_t level_mask(const struct pic_chip *c)
{
    return c->ltim ? 0xff : c->elcr;
}

/* Priority 0 is the highest: the level after c->lowest (8259A: "rotation"). */
static int priority(const struct pic_chip *c, int irq)
{
    return (irq - c->lowest - 1) & 7;
}

static int highest(const struct pic_chip *c, uint8_t bits)
{
    for (int i = 0; i < 8; i++) {
        int irq = (c->lowest + 1 + i) & 7;
        if (bits & (1u << irq))
            return irq;
    }
    return -1;
}

/* The level this chip would present on INTA, or -1 (its INT output is low). */
static int chip_pending(const struct pic_chip *c, bool master)
{
    uint8_t pending = c->irr & ~c->imr;
    if (!pending)
        return -1;
    if (c->special_mask) {
        /* SMM: every unmasked level not itself in service may interrupt,
         * lower priorities included (datasheet, "Special Mask Mode"). */
        return highest(c, pending & ~c->isr);
    }
    int req = highest(c, pending);
    uint8_t in_service = c->isr;
    /* SFNM: a slave may interrupt again while its master input is in service. */
    if (master && c->sfnm)
        in_service &= ~c->icw3;
    int cur = highest(c, in_service);
    if (cur >= 0 && priority(c, req) >= priority(c, cur))
        return -1;
    return req;
}

static void chip_input(struct pic_chip *c, int n, int level)
{
    uint8_t mask = (uint8_t)(1u << n);
    if (level) {
        if ((level_mask(c) & mask) || !(c->input & mask))
            c->irr |= mask;
        c->input |= mask;
    } else {
        /* The request is withdrawn: the 8259A needs IR high until INTA, and
         * answers an INTA without a request with level 7 (spurious). */
        c->input &= (uint8_t)~mask;
        c->irr &= (uint8_t)~mask;
    }
}

static void chip_ack(struct pic_chip *c, int irq)
{
    uint8_t mask = (uint8_t)(1u << irq);
    /* An edge request is consumed; a level request stays while IR is high. */
    if (!(level_mask(c) & mask))
        c->irr &= (uint8_t)~mask;
    if (c->auto_eoi) {
        if (c->rotate_aeoi)
            c->lowest = (uint8_t)irq;
    } else {
        c->isr |= mask;
    }
}

static void pic_update(struct pic *pic)
{
    struct pic_chip *m = &pic->s.chip[MASTER];
    int slave_int = chip_pending(&pic->s.chip[SLAVE], false) >= 0;
    if (slave_int != !!(m->input & (1u << CASCADE_IRQ)))
        chip_input(m, CASCADE_IRQ, slave_int);
    int intr = chip_pending(m, true) >= 0;
    if (intr != pic->s.intr) {
        pic->s.intr = intr;
        irq_set(&pic->intr, intr);
    }
}

static void chip_reset(struct pic_chip *c, uint8_t elcr_mask)
{
    uint8_t input = c->input;
    memset(c, 0, sizeof *c);
    c->input = input;
    c->elcr_mask = elcr_mask;
    c->lowest = 7;
}

void pic_reset(struct pic *pic)
{
    /* PIIX3 ELCR1 bits 0-2 and ELCR2 bits 0 and 5 (IRQ 0, 1, 2, 8, 13) are
     * reserved: those inputs are always edge triggered. */
    chip_reset(&pic->s.chip[MASTER], 0xf8);
    chip_reset(&pic->s.chip[SLAVE], 0xde);
    pic->s.chip[MASTER].icw3 = 1u << CASCADE_IRQ;
    pic->s.chip[SLAVE].icw3 = CASCADE_IRQ;
    pic_update(pic);
}

void pic_init(struct pic *pic, const struct irq_line *intr)
{
    memset(pic, 0, sizeof *pic);
    if (intr)
        pic->intr = *intr;
    pic_reset(pic);
}

static void pic_line_set(void *opaque, int n, int level)
{
    pic_set_irq(opaque, n, level);
}

struct irq_line pic_irq_line(struct pic *pic, int n)
{
    return (struct irq_line){pic_line_set, pic, n};
}

void pic_set_irq(struct pic *pic, int n, int level)
{
    if (n < 0 || n > 15 || n == CASCADE_IRQ)
        return;
    chip_input(&pic->s.chip[n >> 3], n & 7, level != 0);
    pic_update(pic);
}

bool pic_has_interrupt(const struct pic *pic)
{
    return chip_pending(&pic->s.chip[MASTER], true) >= 0;
}

int pic_acknowledge(struct pic *pic)
{
    struct pic_chip *m = &pic->s.chip[MASTER], *s = &pic->s.chip[SLAVE];
    int vector;
    int irq = chip_pending(m, true);
    if (irq < 0) {
        vector = m->vector | 7; /* spurious IRQ 7: ISR untouched */
    } else {
        chip_ack(m, irq);
        if (irq == CASCADE_IRQ && !m->single) {
            int sirq = chip_pending(s, false);
            if (sirq < 0) {
                vector = s->vector | 7; /* spurious IRQ 15; master ISR2 stays set */
            } else {
                chip_ack(s, sirq);
                vector = s->vector + sirq;
            }
        } else {
            vector = m->vector + irq;
        }
    }
    pic_update(pic);
    return vector;
}

static void write_ocw2(struct pic_chip *c, uint8_t v)
{
    int level = v & 7;
    switch (v >> 5) {
    case 0: c->rotate_aeoi = false; break; /* clear rotate in AEOI mode */
    case 4: c->rotate_aeoi = true; break;  /* set rotate in AEOI mode */
    case 1:                                /* non-specific EOI */
    case 5: {                              /* rotate on non-specific EOI */
        int irq = highest(c, c->isr);
        if (irq < 0)
            break;
        c->isr &= (uint8_t) ~(1u << irq);
        if (v >> 5 == 5)
            c->lowest = (uint8_t)irq;
        break;
    }
    case 3: c->isr &= (uint8_t) ~(1u << level); break; /* specific EOI */
    case 7:                                            /* rotate on specific EOI */
        c->isr &= (uint8_t) ~(1u << level);
        c->lowest = (uint8_t)level;
        break;
    case 6: c->lowest = (uint8_t)level; break; /* set priority */
    default: break;                            /* 2: no operation */
    }
}

void pic_write(struct pic *pic, int chip, int a0, uint8_t v)
{
    struct pic_chip *c = &pic->s.chip[chip & 1];
    if (!a0) {
        if (v & 0x10) { /* ICW1 */
            uint8_t elcr = c->elcr, mask = c->elcr_mask, input = c->input;
            chip_reset(c, mask);
            c->elcr = elcr;
            c->input = input;
            c->icw3 = 7; /* "slave mode address set to 7" */
            c->icw4_needed = v & 1;
            c->single = v & 2;
            c->ltim = v & 8;
            /* The edge sense latch is reset: only level inputs request now. */
            c->irr = c->input & level_mask(c);
            c->init_step = 2;
        } else if (v & 0x08) { /* OCW3 */
            if (v & 0x04)
                c->poll = true;
            if (v & 0x02)
                c->read_isr = v & 1;
            if (v & 0x40)
                c->special_mask = v & 0x20;
        } else {
            write_ocw2(c, v);
        }
    } else {
        switch (c->init_step) {
        case 2:
            c->vector = v & 0xf8;
            c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
            break;
        case 3:
            c->icw3 = v;
            c->init_step = c->icw4_needed ? 4 : 0;
            break;
        case 4:
            c->auto_eoi = v & 2;
            c->sfnm = v & 0x10;
            c->init_step = 0;
            break;
        default: c->imr = v; break; /* OCW1 */
        }
    }
    pic_update(pic);
}

uint8_t pic_read(struct pic *pic, int chip, int a0)
{
    struct pic_chip *c = &pic->s.chip[chip & 1];
    if (a0)
        return c->imr;
    if (c->poll) {
        /* Poll: the read is the INTA; I bit 7, W2-W0 the level. */
        c->poll = false;
        int irq = chip_pending(c, chip == MASTER);
        if (irq < 0)
            return 0;
        chip_ack(c, irq);
        pic_update(pic);
        return (uint8_t)(0x80 | irq);
    }
    return c->read_isr ? c->isr : c->irr;
}

static uint32_t master_read(void *opaque, uint32_t offset, int size)
{
    return pic_read(opaque, MASTER, offset & 1);
}
static void master_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    pic_write(opaque, MASTER, offset & 1, (uint8_t)value);
}
static uint32_t slave_read(void *opaque, uint32_t offset, int size)
{
    return pic_read(opaque, SLAVE, offset & 1);
}
static void slave_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    pic_write(opaque, SLAVE, offset & 1, (uint8_t)value);
}

static uint32_t elcr_read(void *opaque, uint32_t offset, int size)
{
    struct pic *pic = opaque;
    return pic->s.chip[offset & 1].elcr;
}

static void elcr_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct pic *pic = opaque;
    struct pic_chip *c = &pic->s.chip[offset & 1];
    c->elcr = (uint8_t)value & c->elcr_mask;
    c->irr |= c->input & level_mask(c);
    pic_update(pic);
}

static const struct io_ops master_ops = {master_read, master_write};
static const struct io_ops slave_ops = {slave_read, slave_write};
static const struct io_ops elcr_ops = {elcr_read, elcr_write};

bool pic_register(struct pic *pic, struct ioport_bus *bus)
{
    return ioport_register(bus, 0x20, 2, &master_ops, pic) &&
           ioport_register(bus, 0xa0, 2, &slave_ops, pic) &&
           ioport_register(bus, 0x4d0, 2, &elcr_ops, pic);
}
