/* FCOM/FUCOM/FTST condition codes and FXAM classification (SDM Vol. 2, FCOM,
 * FUCOM, FXAM; Vol. 1, 8.1.3.2). */
#include "cpu/fpu/f80_internal.h"

#define CC_UNORDERED (F80_C3 | F80_C2 | F80_C0)

/* Orders magnitudes: zero below every denormal/normal, infinity above them. */
static int compare_magnitude(enum f80_class ca, struct f80 a, enum f80_class cb, struct f80 b)
{
    struct f80_unpacked ua = f80_unpack(a), ub = f80_unpack(b);
    int32_t ea = ca == F80_CLASS_INF ? INT32_MAX : ca == F80_CLASS_ZERO ? INT32_MIN : ua.exp;
    int32_t eb = cb == F80_CLASS_INF ? INT32_MAX : cb == F80_CLASS_ZERO ? INT32_MIN : ub.exp;
    if (ea != eb)
        return ea < eb ? -1 : 1;
    if (ca == F80_CLASS_INF || ca == F80_CLASS_ZERO)
        return 0;
    if (ua.mant != ub.mant)
        return ua.mant < ub.mant ? -1 : 1;
    return 0;
}

uint16_t f80_compare(struct f80_env *env, struct f80 a, struct f80 b, bool quiet)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    if (ca == F80_CLASS_UNSUPPORTED || cb == F80_CLASS_UNSUPPORTED) {
        env->flags |= F80_IE;
        return CC_UNORDERED;
    }
    if (f80_is_nan_class(ca) || f80_is_nan_class(cb)) {
        /* FUCOM raises IE only for an SNaN, FCOM for any NaN. */
        if (!quiet || ca == F80_CLASS_SNAN || cb == F80_CLASS_SNAN)
            env->flags |= F80_IE;
        return CC_UNORDERED;
    }
    if (ca == F80_CLASS_DENORMAL || cb == F80_CLASS_DENORMAL)
        env->flags |= F80_DE;
    if (ca == F80_CLASS_ZERO && cb == F80_CLASS_ZERO)
        return F80_C3; /* +0 == -0 */
    bool sa = f80_sign(a), sb = f80_sign(b);
    int order;
    if (sa != sb) {
        order = sa ? -1 : 1;
    } else {
        order = compare_magnitude(ca, a, cb, b);
        if (sa)
            order = -order;
    }
    return order == 0 ? F80_C3 : order < 0 ? F80_C0 : 0;
}

uint16_t f80_fxam(struct f80 a)
{
    uint16_t sign = f80_sign(a) ? F80_C1 : 0;
    switch (f80_classify(a)) {
    case F80_CLASS_UNSUPPORTED: return sign;
    case F80_CLASS_QNAN:
    case F80_CLASS_SNAN: return sign | F80_C0;
    case F80_CLASS_NORMAL: return sign | F80_C2;
    case F80_CLASS_INF: return sign | F80_C2 | F80_C0;
    case F80_CLASS_ZERO: return sign | F80_C3;
    case F80_CLASS_DENORMAL: return sign | F80_C3 | F80_C2;
    }
    return sign;
}
