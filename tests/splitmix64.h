/* SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", 2014): the one seeded generator the test programs share, so a
 * seed printed by a failing run reproduces it anywhere. Header only. */
#ifndef BT86_TESTS_SPLITMIX64_H
#define BT86_TESTS_SPLITMIX64_H

#include <stdint.h>

/* Advances *state and returns the next 64 random bits. */
static inline uint64_t splitmix64_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
