/* An IRQ line is a small value handed to a device (STYLE.md, after TinyEMU): the
 * device raises or lowers it without knowing which controller it is wired to. */
#ifndef BT86_DEV_IRQ_H
#define BT86_DEV_IRQ_H

typedef void (*irq_set_fn)(void *opaque, int n, int level);

struct irq_line {
    irq_set_fn set;
    void *opaque;
    int n;
};

static inline void irq_set(const struct irq_line *irq, int level)
{
    if (irq->set)
        irq->set(irq->opaque, irq->n, level);
}

static inline void irq_raise(const struct irq_line *irq)
{
    irq_set(irq, 1);
}
static inline void irq_lower(const struct irq_line *irq)
{
    irq_set(irq, 0);
}

#endif
