#include "dev/vclock.h"

#include <string.h>

void vclock_init(struct vclock *clock, uint32_t ns_per_insn)
{
    memset(clock, 0, sizeof *clock);
    clock->ns_per_insn = ns_per_insn ? ns_per_insn : 1;
}

void vtimer_init(struct vtimer *t, struct vclock *clock, vtimer_fn fire, void *opaque)
{
    *t = (struct vtimer){fire, opaque, VCLOCK_NEVER, clock};
    if (clock->timer_count < VCLOCK_MAX_TIMERS)
        clock->timers[clock->timer_count++] = t;
}

void vtimer_arm(struct vtimer *t, uint64_t deadline_ns)
{
    t->deadline_ns = deadline_ns;
}

void vtimer_disarm(struct vtimer *t)
{
    t->deadline_ns = VCLOCK_NEVER;
}

uint64_t vclock_next_deadline(const struct vclock *clock)
{
    uint64_t next = VCLOCK_NEVER;
    for (int i = 0; i < clock->timer_count; i++)
        if (clock->timers[i]->deadline_ns < next)
            next = clock->timers[i]->deadline_ns;
    return next;
}

void vclock_advance(struct vclock *clock, uint64_t now_ns)
{
    if (now_ns > clock->now_ns)
        clock->now_ns = now_ns;
    for (;;) {
        struct vtimer *due = NULL;
        for (int i = 0; i < clock->timer_count; i++) {
            struct vtimer *t = clock->timers[i];
            if (t->deadline_ns <= clock->now_ns && (!due || t->deadline_ns < due->deadline_ns))
                due = t;
        }
        if (!due)
            return;
        due->deadline_ns = VCLOCK_NEVER;
        due->fire(due->opaque, clock->now_ns);
    }
}
