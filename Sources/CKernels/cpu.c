// CPU feature detection for the kernels' runtime dispatch.
#include "ckernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static int detect(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return CK_ISA_PORTABLE;
  const unsigned fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28;
  if ((c & (fma | osxsave | avx)) != (fma | osxsave | avx)) return CK_ISA_PORTABLE;
  // The OS must save the XMM and YMM registers (XCR0 bits 1 and 2).
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  if ((lo & 6u) != 6u) return CK_ISA_PORTABLE;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return CK_ISA_PORTABLE;
  return (b & (1u << 5)) ? CK_ISA_AVX2_FMA : CK_ISA_PORTABLE;
}
#else
static int detect(void) { return CK_ISA_PORTABLE; }
#endif

int ck_isa(void) {
  // −1 until the first call; every thread computes the same value, so a race is harmless.
  static _Atomic int cached = -1;
  int isa = cached;
  if (isa < 0) {
    isa = detect();
    cached = isa;
  }
  return isa;
}

/// Set on the threads that each run a part of a batch (``ExecutionPlan``), whose kernels must
/// not split their work again.
static _Thread_local int single_threaded;

void ck_set_single_threaded(int on) { single_threaded = on; }

int ck_single_threaded(void) { return single_threaded; }

void ck_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}
