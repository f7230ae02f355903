// CPU feature detection for the kernels' runtime dispatch.
#include "ckernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static int detect(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return CK_ISA_PORTABLE;
  const unsigned fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28;
  if ((c & (fma | osxsave | avx)) != (fma | osxsave | avx)) return CK_ISA_PORTABLE;
  // The OS must save the XMM and YMM registers (XCR0 bits 1 and 2), and for AVX-512 the mask
  // and ZMM registers too (bits 5–7).
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  if ((lo & 6u) != 6u) return CK_ISA_PORTABLE;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return CK_ISA_PORTABLE;
  if (!(b & (1u << 5))) return CK_ISA_PORTABLE;
  const unsigned avx512f = 1u << 16;
  return (b & avx512f) && (lo & 0xE6u) == 0xE6u ? CK_ISA_AVX512 : CK_ISA_AVX2_FMA;
}
#else
static int detect(void) { return CK_ISA_PORTABLE; }
#endif

/// `CAMVIDEO_KERNELS` (`portable`, `avx2` or `avx512`) caps what the CPU would run, the way
/// `MKL_ENABLE_INSTRUCTIONS` does for MKL: to compare the paths on one machine, or to rule one
/// out. Any other value is ignored.
static int capped(int isa) {
  const char *cap = getenv("CAMVIDEO_KERNELS");
  if (!cap) return isa;
  int limit = strcmp(cap, "portable") == 0 ? CK_ISA_PORTABLE
              : strcmp(cap, "avx2") == 0   ? CK_ISA_AVX2_FMA
              : strcmp(cap, "avx512") == 0 ? CK_ISA_AVX512
                                           : isa;
  return isa < limit ? isa : limit;
}

int ck_isa(void) {
  // −1 until the first call; every thread computes the same value, so a race is harmless.
  static _Atomic int cached = -1;
  int isa = cached;
  if (isa < 0) {
    isa = capped(detect());
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
