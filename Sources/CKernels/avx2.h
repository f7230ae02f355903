// What the kernels' .c files share for their AVX2 + FMA and AVX-512 paths (not part of the
// module's API): the x86 switch, the per-function target attributes (the package builds for the
// baseline, the kernels are chosen at run time) and the lane masks of partial vectors.
#ifndef CKERNELS_AVX2_H
#define CKERNELS_AVX2_H

#if defined(__x86_64__)
#include <immintrin.h>
#define CK_X86 1
#define CK_AVX2 __attribute__((target("avx2,fma")))
#define CK_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define CK_INLINE __attribute__((always_inline)) inline

/// The first `n` (0…8) lanes set: the mask of a partial vector's loads and stores.
CK_AVX2 CK_INLINE static __m256i ck_lanes(long n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// The first `n` (0…16) lanes of a 512-bit vector. AVX-512's masked loads and stores are plain
/// loads and stores on AMD cores too (AVX2's `vmaskmovps` stores are microcode there).
CK_AVX512 CK_INLINE static __mmask16 ck_mask16(long n) {
  return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
}
#endif

#endif
