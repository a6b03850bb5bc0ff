/* The 8259A programmable interrupt controller pair of the PC/AT: master at
 * 0x20/0x21 (IRQ 0-7), slave at 0xA0/0xA1 (IRQ 8-15) cascaded on master IR2, and
 * the PIIX3 edge/level control registers (ELCR) at 0x4D0/0x4D1.
 *
 * Inputs: one irq_line per IRQ (pic_irq_line). Output: the INTR level, reported
 * through the irq_line given to pic_init whenever it changes. The CPU side runs
 * the INTA cycle with pic_acknowledge, which returns the vector. */
#ifndef BT86_DEV_PIC_H
#define BT86_DEV_PIC_H

#include "dev/ioport.h"
#include "dev/irq.h"

#include <stdbool.h>
#include <stdint.h>

/* One 8259A. Plain data: this is the state to save. */
struct pic_chip {
    uint8_t irr;       /* interrupt request register */
    uint8_t isr;       /* in-service register */
    uint8_t imr;       /* interrupt mask register (OCW1) */
    uint8_t input;     /* current level of the IR inputs (edge detection) */
    uint8_t elcr;      /* 1 = level triggered (ELCR, or all levels with LTIM) */
    uint8_t elcr_mask; /* ELCR bits that exist on this chip */
    uint8_t vector;    /* ICW2: T7-T3 */
    uint8_t icw3;      /* master: slave bitmap; slave: its ID */
    uint8_t lowest;    /* the level with the lowest priority (rotation) */
    uint8_t init_step; /* 0 ready, 2/3/4 = next ICW expected */
    bool icw4_needed;  /* ICW1 IC4 */
    bool single;       /* ICW1 SNGL */
    bool ltim;         /* ICW1 LTIM: every level is level triggered */
    bool auto_eoi;     /* ICW4 AEOI */
    bool sfnm;         /* ICW4 special fully nested mode */
    bool rotate_aeoi;  /* OCW2 rotate in automatic EOI mode */
    bool special_mask; /* OCW3 SMM */
    bool read_isr;     /* OCW3 RIS: port A0=0 reads ISR instead of IRR */
    bool poll;         /* OCW3 P: the next read of A0=0 is a poll */
};

struct pic_state {
    struct pic_chip chip[2]; /* 0 master, 1 slave */
    int intr;                /* last INTR level reported */
};

struct pic {
    struct pic_state s;
    struct irq_line intr; /* to the CPU */
};

void pic_init(struct pic *pic, const struct irq_line *intr);
void pic_reset(struct pic *pic);
/* Claims 0x20-0x21, 0xA0-0xA1 and 0x4D0-0x4D1. */
bool pic_register(struct pic *pic, struct ioport_bus *bus);

/* The input line for IRQ n (0-15); IRQ 2 is the cascade and is not wired. */
struct irq_line pic_irq_line(struct pic *pic, int n);
void pic_set_irq(struct pic *pic, int n, int level);

/* INTR level: an unmasked request outranks everything in service. */
bool pic_has_interrupt(const struct pic *pic);
/* The INTA cycle: returns the vector (spurious IRQ 7 / 15 when the request went
 * away, as the 8259A does) and updates IRR/ISR. */
int pic_acknowledge(struct pic *pic);

/* Port-level access for tests and the board: chip 0/1, port offset 0/1. */
uint8_t pic_read(struct pic *pic, int chip, int a0);
void pic_write(struct pic *pic, int chip, int a0, uint8_t value);

#endif
