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

/// How far ahead of a GEMM tile's depth step its weights are prefetched into L1: 768 floats,
/// 128 steps of a 6-row panel (past the panel's end, into the next panel, which follows it in
/// memory). At batch 1 a pass reads each layer's weights once, from L3 or memory, and a tile
/// stalled on the loads of each 6-float step. 150 alternating passes (batch 1, one thread, CPU
/// time, Zen 5): AVX-512 11-12 % faster than without (192 floats ahead 8 %, 384 to 1536 11-12
/// %, into L2 11 %), AVX2 4 %; both then ran 1.2-1.5 % faster still without the prefetch of the
/// next panel into L2 before each tile that they replace.
#define CK_WEIGHTS_AHEAD 768

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
