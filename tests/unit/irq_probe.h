/* An irq_line sink for device tests that records edges against the virtual
 * clock: the current level, how many times it rose, and when it last rose. */
#ifndef BT86_TESTS_IRQ_PROBE_H
#define BT86_TESTS_IRQ_PROBE_H

#include "dev/irq.h"
#include "dev/vclock.h"

#include <stdint.h>

struct irq_probe {
    int level, rises;
    uint64_t last_rise_ns;
    struct vclock *clock;
};

static void irq_probe_set(void *opaque, int n, int level)
{
    (void)n;
    struct irq_probe *p = opaque;
    if (level && !p->level) {
        p->rises++;
        p->last_rise_ns = vclock_now(p->clock);
    }
    p->level = level;
}

/* Starts p low with no edges seen and returns the line a device drives it by. */
static inline struct irq_line irq_probe_line(struct irq_probe *p, struct vclock *clock, int n)
{
    *p = (struct irq_probe){0, 0, 0, clock};
    return (struct irq_line){irq_probe_set, p, n};
}

#endif
