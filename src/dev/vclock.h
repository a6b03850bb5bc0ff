/* The virtual clock (DESIGN.md, Time): guest time is the retired-instruction count
 * times a fixed quantum, so a run is a pure function of its inputs. Devices arm
 * timers on it; the machine runs the CPU up to the earliest deadline, and when the
 * CPU halts it jumps time forward to that deadline instead of waiting. */
#ifndef BT86_DEV_VCLOCK_H
#define BT86_DEV_VCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define VCLOCK_NEVER      UINT64_MAX
#define VCLOCK_MAX_TIMERS 32

typedef void (*vtimer_fn)(void *opaque, uint64_t now_ns);

struct vtimer {
    vtimer_fn fire;
    void *opaque;
    uint64_t deadline_ns; /* VCLOCK_NEVER when disarmed */
    struct vclock *clock;
};

struct vclock {
    uint64_t now_ns; /* virtual time at the last sync */
    uint32_t ns_per_insn;
    struct vtimer *timers[VCLOCK_MAX_TIMERS];
    int timer_count;
};

void vclock_init(struct vclock *clock, uint32_t ns_per_insn);

/* The device owns the vtimer storage; registration makes the clock see it. */
void vtimer_init(struct vtimer *t, struct vclock *clock, vtimer_fn fire, void *opaque);
void vtimer_arm(struct vtimer *t, uint64_t deadline_ns);
void vtimer_disarm(struct vtimer *t);

static inline uint64_t vclock_now(const struct vclock *clock)
{
    return clock->now_ns;
}

/* The earliest armed deadline, or VCLOCK_NEVER. */
uint64_t vclock_next_deadline(const struct vclock *clock);

/* Advances time to now_ns (never backwards) and fires every timer whose deadline
 * has passed, earliest first; a timer may re-arm itself from its callback. */
void vclock_advance(struct vclock *clock, uint64_t now_ns);

#endif
