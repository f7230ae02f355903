// Packed RGB24 to planar YUV 4:2:0 (BT.601, the matrix the outputs are tagged with), the last
// step before every H.264/MPEG-4/MJPEG encoder. Chroma is the mean of each 2x2 block (centred
// siting, as JPEG and MPEG-1); a picture with an odd size repeats its last column and row.
//
// swscale takes 4.4 ms for a 1280x720 frame here (its RGB24 input path filters chroma with the
// context's bicubic kernel); this takes a fraction of that, on the encoder's critical path.
#include "internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// 15-bit fixed-point coefficients.
#define FIX(x) ((int)((x) * (1 << 15) + ((x) < 0 ? -0.5 : 0.5)))

typedef struct {
  int yr, yg, yb, y0;
  int ur, ug, ub, vr, vg, vb;
} yuv_matrix;

static yuv_matrix matrix(int full_range) {
  // BT.601 luma weights; chroma (B − Y)/1.772 and (R − Y)/1.402; studio range scales luma to
  // 219 and chroma to 224 levels over 255.
  double ys = full_range ? 1.0 : 219.0 / 255.0, cs = full_range ? 1.0 : 224.0 / 255.0;
  yuv_matrix m = {
      FIX(0.299 * ys),         FIX(0.587 * ys),          FIX(0.114 * ys),
      (full_range ? 0 : 16) << 15,
      FIX(-0.168736 * cs),     FIX(-0.331264 * cs),      FIX(0.5 * cs),
      FIX(0.5 * cs),           FIX(-0.418688 * cs),      FIX(-0.081312 * cs),
  };
  return m;
}

typedef void row_pair_fn(const uint8_t *restrict s0, const uint8_t *restrict s1, int n,
                         uint8_t *restrict y0, uint8_t *restrict y1, uint8_t *restrict u,
                         uint8_t *restrict v, const yuv_matrix *m);

/// One row pair of whole 2x2 blocks: `n` (even) pixels of rows `s0` and `s1`. The definition,
/// in integers: ``row_pair_avx2`` computes the same sums, and takes this for its last pixels and
/// on CPUs without AVX2.
static void row_pair(const uint8_t *restrict s0, const uint8_t *restrict s1, int n,
                     uint8_t *restrict y0, uint8_t *restrict y1, uint8_t *restrict u,
                     uint8_t *restrict v, const yuv_matrix *m) {
  const int yround = m->y0 + (1 << 14), cbase = (128 << 17) + (1 << 16);
  for (int x = 0; x < n; x++)
    y0[x] = clip8((yround + m->yr * s0[3 * x] + m->yg * s0[3 * x + 1] + m->yb * s0[3 * x + 2]) >>
                  15);
  for (int x = 0; x < n; x++)
    y1[x] = clip8((yround + m->yr * s1[3 * x] + m->yg * s1[3 * x + 1] + m->yb * s1[3 * x + 2]) >>
                  15);
  for (int c = 0; c < n / 2; c++) {
    int r = s0[6 * c] + s0[6 * c + 3] + s1[6 * c] + s1[6 * c + 3];
    int g = s0[6 * c + 1] + s0[6 * c + 4] + s1[6 * c + 1] + s1[6 * c + 4];
    int b = s0[6 * c + 2] + s0[6 * c + 5] + s1[6 * c + 2] + s1[6 * c + 5];
    u[c] = clip8((cbase + m->ur * r + m->ug * g + m->ub * b) >> 17);
    v[c] = clip8((cbase + m->vr * r + m->vg * g + m->vb * b) >> 17);
  }
}

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2")))

/// The red, green and blue bytes of 16 packed pixels (48 bytes), widened to 16 bits: byte
/// 3i + c of the block is channel c of pixel i, so pixels 0–5 come from the first 16 bytes,
/// 5–10 from the next and 10–15 from the last.
AVX2 static inline void split16(const uint8_t *p, __m256i *r, __m256i *g, __m256i *b) {
  const __m128i a0 = _mm_loadu_si128((const __m128i *)p);
  const __m128i a1 = _mm_loadu_si128((const __m128i *)(p + 16));
  const __m128i a2 = _mm_loadu_si128((const __m128i *)(p + 32));
#define N -1
#define GATHER(m0, m1, m2)                                                                         \
  _mm256_cvtepu8_epi16(_mm_or_si128(                                                               \
      _mm_or_si128(_mm_shuffle_epi8(a0, _mm_setr_epi8 m0), _mm_shuffle_epi8(a1, _mm_setr_epi8 m1)), \
      _mm_shuffle_epi8(a2, _mm_setr_epi8 m2)))
  *r = GATHER((0, 3, 6, 9, 12, 15, N, N, N, N, N, N, N, N, N, N),
              (N, N, N, N, N, N, 2, 5, 8, 11, 14, N, N, N, N, N),
              (N, N, N, N, N, N, N, N, N, N, N, 1, 4, 7, 10, 13));
  *g = GATHER((1, 4, 7, 10, 13, N, N, N, N, N, N, N, N, N, N, N),
              (N, N, N, N, N, 0, 3, 6, 9, 12, 15, N, N, N, N, N),
              (N, N, N, N, N, N, N, N, N, N, N, 2, 5, 8, 11, 14));
  *b = GATHER((2, 5, 8, 11, 14, N, N, N, N, N, N, N, N, N, N, N),
              (N, N, N, N, N, 1, 4, 7, 10, 13, N, N, N, N, N, N),
              (N, N, N, N, N, N, N, N, N, N, 0, 3, 6, 9, 12, 15));
#undef GATHER
#undef N
}

/// `(round + kr·r + kg·g + kb·b) >> shift` of 16 pixels (16-bit channels) as 16 bytes with
/// `clip8`'s saturation; exactly the scalar sums (pmaddwd's products and pair sums are exact).
AVX2 static inline __m128i luma16(__m256i r, __m256i g, __m256i b, __m256i krg, __m256i kb0,
                                  __m256i round) {
  const __m256i zero = _mm256_setzero_si256();
  // Within each 128-bit half: pixels 0–3 (8–11) in the low unpack, 4–7 (12–15) in the high.
  __m256i lo = _mm256_add_epi32(
      _mm256_add_epi32(_mm256_madd_epi16(_mm256_unpacklo_epi16(r, g), krg),
                       _mm256_madd_epi16(_mm256_unpacklo_epi16(b, zero), kb0)),
      round);
  __m256i hi = _mm256_add_epi32(
      _mm256_add_epi32(_mm256_madd_epi16(_mm256_unpackhi_epi16(r, g), krg),
                       _mm256_madd_epi16(_mm256_unpackhi_epi16(b, zero), kb0)),
      round);
  // The packs undo the unpacks' order: halves [0–7 | 8–15] as 16-bit, then bytes.
  __m256i words = _mm256_packs_epi32(_mm256_srai_epi32(lo, 15), _mm256_srai_epi32(hi, 15));
  __m256i bytes = _mm256_packus_epi16(words, words);
  return _mm256_castsi256_si128(_mm256_permute4x64_epi64(bytes, 0x08));
}

/// `(base + kr·r + kg·g + kb·b) >> 17` of 8 chroma sums (32-bit) as 8 bytes with saturation.
AVX2 static inline __m128i chroma8(__m256i r, __m256i g, __m256i b, int kr, int kg, int kb,
                                   __m256i base) {
  __m256i sum = _mm256_add_epi32(
      _mm256_add_epi32(_mm256_mullo_epi32(r, _mm256_set1_epi32(kr)),
                       _mm256_mullo_epi32(g, _mm256_set1_epi32(kg))),
      _mm256_add_epi32(_mm256_mullo_epi32(b, _mm256_set1_epi32(kb)), base));
  __m256i words = _mm256_packs_epi32(_mm256_srai_epi32(sum, 17), _mm256_setzero_si256());
  __m256i bytes = _mm256_packus_epi16(words, words);
  // Bytes 0–3 of each half: chroma samples 0–3 and 4–7.
  return _mm_unpacklo_epi32(_mm256_castsi256_si128(bytes), _mm256_extracti128_si256(bytes, 1));
}

/// ``row_pair`` with intrinsics, 16 pixels of both rows at a time: the channels split with byte
/// shuffles, luma by 16-bit multiply-adds, and the 2×2 sums of chroma by adding the rows and
/// each pixel pair. The auto-vectorised loops widened every byte to 32 bits and multiplied
/// there. The same integer sums, so the same bytes; the last pixels go through ``row_pair``.
AVX2 static void row_pair_avx2(const uint8_t *restrict s0, const uint8_t *restrict s1, int n,
                               uint8_t *restrict y0, uint8_t *restrict y1, uint8_t *restrict u,
                               uint8_t *restrict v, const yuv_matrix *m) {
  const __m256i krg = _mm256_set1_epi32((m->yg << 16) | (m->yr & 0xFFFF));
  const __m256i kb0 = _mm256_set1_epi32(m->yb & 0xFFFF);
  const __m256i yround = _mm256_set1_epi32(m->y0 + (1 << 14));
  const __m256i cbase = _mm256_set1_epi32((128 << 17) + (1 << 16));
  const __m256i ones = _mm256_set1_epi16(1);
  int x = 0;
  for (; x + 16 <= n; x += 16) {
    __m256i r0, g0, b0, r1, g1, b1;
    split16(s0 + 3 * x, &r0, &g0, &b0);
    split16(s1 + 3 * x, &r1, &g1, &b1);
    _mm_storeu_si128((__m128i *)(y0 + x), luma16(r0, g0, b0, krg, kb0, yround));
    _mm_storeu_si128((__m128i *)(y1 + x), luma16(r1, g1, b1, krg, kb0, yround));
    // Each 2×2 block: the two rows added, then each pixel pair (pmaddwd by ones).
    __m256i r = _mm256_madd_epi16(_mm256_add_epi16(r0, r1), ones);
    __m256i g = _mm256_madd_epi16(_mm256_add_epi16(g0, g1), ones);
    __m256i b = _mm256_madd_epi16(_mm256_add_epi16(b0, b1), ones);
    _mm_storel_epi64((__m128i *)(u + x / 2), chroma8(r, g, b, m->ur, m->ug, m->ub, cbase));
    _mm_storel_epi64((__m128i *)(v + x / 2), chroma8(r, g, b, m->vr, m->vg, m->vb, cbase));
  }
  if (x < n) row_pair(s0 + 3 * x, s1 + 3 * x, n - x, y0 + x, y1 + x, u + x / 2, v + x / 2, m);
}
#endif

static row_pair_fn *choose_row_pair(void) {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) return row_pair_avx2;
#endif
  return row_pair;
}

int cv_rgb24_to_yuv420p(const uint8_t *rgb, int stride, int w, int h, uint8_t *y, int ystride,
                        uint8_t *u, int ustride, uint8_t *v, int vstride, int dw, int dh,
                        int full_range) {
  if (!rgb || !y || !u || !v || w <= 0 || h <= 0 || dw < w || dh < h || stride < 3 * w ||
      ystride < dw || ustride < (dw + 1) / 2 || vstride < (dw + 1) / 2)
    return AVERROR(EINVAL);
  const yuv_matrix m = matrix(full_range);
  row_pair_fn *pair = choose_row_pair();
  // Whole 2x2 blocks inside the picture run vectorised; the edge (odd sizes, and the padding up
  // to `dw`×`dh`) repeats the last column and row, one block at a time.
  const int whole = w & ~1;
  for (int cy = 0; cy < (dh + 1) / 2; cy++) {
    int r0 = 2 * cy < h ? 2 * cy : h - 1;
    int r1 = 2 * cy + 1 < h ? 2 * cy + 1 : h - 1;
    const uint8_t *s0 = rgb + (size_t)r0 * stride, *s1 = rgb + (size_t)r1 * stride;
    uint8_t *y0 = y + (size_t)(2 * cy) * ystride;
    uint8_t *y1 = 2 * cy + 1 < dh ? y0 + ystride : NULL;
    uint8_t *uo = u + (size_t)cy * ustride, *vo = v + (size_t)cy * vstride;
    // The last pair of an odd `dh` has one output row: all of it goes block by block.
    if (y1) pair(s0, s1, whole, y0, y1, uo, vo, &m);
    for (int cx = y1 ? whole / 2 : 0; cx < (dw + 1) / 2; cx++) {
      int c0 = 2 * cx < w ? 2 * cx : w - 1;
      int c1 = 2 * cx + 1 < w ? 2 * cx + 1 : w - 1;
      const uint8_t *p00 = s0 + 3 * c0, *p01 = s0 + 3 * c1;
      const uint8_t *p10 = s1 + 3 * c0, *p11 = s1 + 3 * c1;
      uint8_t a[6] = {p00[0], p00[1], p00[2], p01[0], p01[1], p01[2]};
      uint8_t b[6] = {p10[0], p10[1], p10[2], p11[0], p11[1], p11[2]};
      uint8_t ya[2], yb[2];
      row_pair(a, b, 2, ya, yb, uo + cx, vo + cx, &m);
      y0[2 * cx] = ya[0];
      if (2 * cx + 1 < dw) y0[2 * cx + 1] = ya[1];
      if (y1) {
        y1[2 * cx] = yb[0];
        if (2 * cx + 1 < dw) y1[2 * cx + 1] = yb[1];
      }
    }
  }
  return 0;
}
