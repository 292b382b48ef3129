/* The two helpers of libgcc that bootlab's musl (built with gcc -m32) calls and TinyCC's
 * libtcc1.a lacks: gcc 12 turns a 64-bit division and remainder of the same operands into one
 * call. Compiled by the guest's tcc and added to its libtcc1.a, so static programs link against
 * the same libc.a the rest of bootlab uses. */
typedef unsigned long long u64;
typedef long long s64;

u64 __udivmoddi4(u64 a, u64 b, u64 *rem)
{
    u64 q = a / b;
    if (rem)
        *rem = a - q * b;
    return q;
}

s64 __divmoddi4(s64 a, s64 b, s64 *rem)
{
    s64 q = a / b;
    if (rem)
        *rem = a - q * b;
    return q;
}
