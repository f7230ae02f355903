// The packed GEMM behind 1×1 (and im2col) convolutions: Y = clamp(bias + A · X, lo, hi), with
// A (the weights) packed once at model load and X packed per call in blocks that stay in cache.
//
// Blocking: depth in blocks of KC (deeper, up to KCMAX, when the columns are few), columns in
// blocks of XBLOCK / depth (X's block is packed into 16-column micro-panels, zero past the last
// column, and stays in L2). For each 6-row weight panel (in L1) the 6×16 micro-tile (12 YMM
// accumulators, tile_avx2.c; on AVX-512 tiles of 48 and 32 columns, tile512.c) sweeps the block's
// micro-panels, so the output is written as six sequential streams (output rows are whole image
// planes apart, which would alias in L1 if many rows were written at once). Bias and clamp (and
// a fused residual Add) are applied when the last depth block stores the tile. Every tile
// prefetches the weights it reads `CK_WEIGHTS_AHEAD` floats ahead.
#include "avx2.h"
#include "ckernels.h"
#include "tiles.h"

#include <stdlib.h>
#include <string.h>


#define MR CK_PANEL_ROWS
#define NR 16
#define KC 256
/// The deepest block (its 6-row weight panel, 6·KCMAX floats, stays in L1).
#define KCMAX 1280
/// Floats of X packed per block: 96 K (384 KiB, under half of L2), so a block of KC rows has 384
/// columns and a shallow one (K = 16) 6144.
#define XBLOCK (96 * 1024)

/// Shallow 1×1 products on images of at least this many pixels read X in place
/// (``gemm_direct``), in chunks of `DIRECT_CHUNK / k` columns (64 KiB of X, in L2).
#define DIRECT_MAX_DEPTH 256
#define DIRECT_MIN_PIXELS 512
#define DIRECT_CHUNK (16 * 1024)

/// Zero floats after the panels: the column kernel reads 8 lanes from each 6-float step.
#define PANEL_SLACK 8

size_t ck_packed_weights_count(long m, long k) {
  return (size_t)((m + MR - 1) / MR) * MR * (size_t)k + PANEL_SLACK;
}

void ck_pack_weights(long m, long k, const float *a, long lda, float *packed) {
  size_t body = ck_packed_weights_count(m, k) - PANEL_SLACK;
  for (int i = 0; i < PANEL_SLACK; i++) packed[body + i] = 0.0f;
  for (long p = 0; p < m; p += MR) {
    float *dst = packed + p * k;
    for (long kk = 0; kk < k; kk++) {
      for (long r = 0; r < MR; r++) dst[kk * MR + r] = p + r < m ? a[(p + r) * lda + kk] : 0.0f;
    }
  }
}

/// Where a flattened column lives: image `c / hw`, pixel `c mod hw`.
static inline long offset_of(long c, long hw, long image_stride) {
  return (c / hw) * image_stride + c % hw;
}

/// Floats per depth row of a micro-panel `width` columns wide: 16, or `width` for a tail of at
/// most 4 columns on AVX2, which ``columns_avx2`` reads. Padded to 16, such a tail read one
/// float of every 64-byte line: a 7×7 map's 49th column took 15 % of the head's product.
static inline long panel_stride(int isa, long width) {
  return isa >= CK_ISA_AVX2_FMA && width <= 4 ? width : NR;
}

/// Packs rows `k0..<k0+kc` and columns `c0..<c0+nc` of X (rows `plane` floats apart) into
/// 16-column micro-panels (`dst[j][kk][0..<16]`), zero past `nc`; a narrow tail at
/// ``panel_stride``.
static void pack_x(int isa, const float *x, long hw, long plane, long image_stride, long k0,
                   long kc, long c0, long nc, float *dst) {
  for (long j = 0; j < nc; j += NR) {
    long width = nc - j < NR ? nc - j : NR;
    long c = c0 + j, ps = panel_stride(isa, width);
    float *panel = dst + j * kc;
    if ((c % hw) + width <= hw) {
      // The micro-panel's columns are consecutive pixels of one image.
      const float *src = x + offset_of(c, hw, image_stride) + k0 * plane;
      if (width == NR) {
        // Fixed-size copies, which the compiler inlines as vector moves (a memcpy call per 64
        // bytes cost more than the copy, and an element loop stays scalar as the buffers
        // might overlap).
        for (long kk = 0; kk < kc; kk++) memcpy(panel + kk * NR, src + kk * plane, NR * sizeof(float));
        continue;
      }
      for (long kk = 0; kk < kc; kk++) {
        float *d = panel + kk * ps;
        const float *r = src + kk * plane;
        for (long i = 0; i < ps; i++) d[i] = i < width ? r[i] : 0.0f;
      }
      continue;
    }
    for (long i = 0; i < ps; i++) {
      const float *src = i < width ? x + offset_of(c + i, hw, image_stride) + k0 * plane : NULL;
      for (long kk = 0; kk < kc; kk++) panel[kk * ps + i] = src ? src[kk * plane] : 0.0f;
    }
  }
}

/// What the GEMM's right-hand side is read from: an NCHW-style matrix (`conv == 0`: row k of
/// image n at `x + n·image_stride + k·plane`) or a convolution's input, unfolded on the fly.
typedef struct {
  const float *x;
  long image_stride;
  /// Columns (output pixels) per image.
  long hw;
  /// Floats between rows of X (`hw`, except for strips of rows of a larger plane).
  long plane;
  int conv;
  long channels, h, w, kh, kw, sh, sw, dh, dw, pad_top, pad_left, ow;
} source;

#if CK_X86
/// `d[i] = src[2i]` for `i < 16` (`src[0...30]` readable) with four loads and two shuffles per
/// eight outputs instead of sixteen scalar copies.
CK_AVX2 static void gather16_s2_avx2(const float *src, float *d) {
  __m256 a = _mm256_loadu_ps(src), b = _mm256_loadu_ps(src + 8);
  __m256 c = _mm256_loadu_ps(src + 16);
  // The last vector's lane 7 (src[31]) may lie past the input: a masked load.
  __m256 e = _mm256_maskload_ps(src + 24, _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, -1, 0));
  // [a0 a2 b0 b2 a4 a6 b4 b6] → [a0 a2 a4 a6 b0 b2 b4 b6]
  __m256 lo = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
  __m256 hi = _mm256_shuffle_ps(c, e, _MM_SHUFFLE(2, 0, 2, 0));
  _mm256_storeu_ps(d, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(lo), 0xD8)));
  _mm256_storeu_ps(d + 8, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(hi), 0xD8)));
}
#endif

/// One depth row of a micro-panel whose 16 columns lie in one output row: `d[i] = src[i·sw]`
/// for `i` in `lo..<hi` (the columns inside the input), zero for the others.
static inline void pack_row(int isa, const float *src, long sw, long lo, long hi, float *d) {
  if (lo == 0 && hi == NR) {
    if (sw == 1) {
      memcpy(d, src, NR * sizeof(float));
      return;
    }
#if CK_X86
    if (sw == 2 && isa >= CK_ISA_AVX2_FMA) {
      gather16_s2_avx2(src, d);
      return;
    }
#endif
    for (long i = 0; i < NR; i++) d[i] = src[i * sw];
    return;
  }
  (void)isa;
  for (long i = 0; i < NR; i++) d[i] = i >= lo && i < hi ? src[i * sw] : 0.0f;
}

/// Packs rows `k0..<k0+kc` (row k = (ci·kh + ky)·kw + kx) and columns `c0..<c0+nc` (output
/// pixels) of the implicit im2col matrix into 16-column micro-panels, zero outside the input.
static void pack_conv(int isa, const source *s, long k0, long kc, long c0, long nc, float *dst) {
  long taps = s->kh * s->kw, plane = s->h * s->w;
  for (long j = 0; j < nc; j += NR) {
    long width = nc - j < NR ? nc - j : NR;
    const float *base[NR];
    long iy0[NR], ix0[NR];
    for (long i = 0; i < width; i++) {
      long c = c0 + j + i, p = c % s->hw;
      base[i] = s->x + (c / s->hw) * s->image_stride;
      iy0[i] = (p / s->ow) * s->sh - s->pad_top;
      ix0[i] = (p % s->ow) * s->sw - s->pad_left;
    }
    // All 16 columns in one output row: per depth row, one bounds check and a strided copy of
    // the columns that fall inside the input (the others are padding).
    int row = width == NR && iy0[0] == iy0[NR - 1] && base[0] == base[NR - 1];
    long ps = panel_stride(isa, width);
    float *panel = dst + j * kc;
    long ci = k0 / taps, ky = (k0 % taps) / s->kw, kx = k0 % s->kw;
    for (long kk = 0; kk < kc; kk++) {
      float *d = panel + kk * ps;
      long dy = ky * s->dh, dx = kx * s->dw;
      if (row) {
        long iy = iy0[0] + dy;
        if (iy < 0 || iy >= s->h) {
          for (long i = 0; i < NR; i++) d[i] = 0.0f;
        } else {
          // Columns i with 0 <= ix0 + i·sw + dx < w.
          long first = ix0[0] + dx, lo = 0, hi = NR;
          if (first < 0) lo = (-first + s->sw - 1) / s->sw;
          if (first + (NR - 1) * s->sw >= s->w) hi = first >= s->w ? 0 : (s->w - 1 - first) / s->sw + 1;
          if (lo > hi) lo = hi;
          const float *src = base[0] + ci * plane + iy * s->w + first;
          pack_row(isa, src, s->sw, lo, hi, d);
        }
      } else {
        for (long i = 0; i < ps; i++) {
          float v = 0.0f;
          if (i < width) {
            long iy = iy0[i] + dy, ix = ix0[i] + dx;
            if (iy >= 0 && iy < s->h && ix >= 0 && ix < s->w) v = base[i][ci * plane + iy * s->w + ix];
          }
          d[i] = v;
        }
      }
      if (++kx == s->kw) {
        kx = 0;
        if (++ky == s->kh) {
          ky = 0;
          ci++;
        }
      }
    }
  }
}

static void pack_block(int isa, const source *s, long k0, long kc, long c0, long nc, float *dst) {
  if (s->conv) {
    pack_conv(isa, s, k0, kc, c0, nc, dst);
  } else {
    pack_x(isa, s->x, s->hw, s->plane, s->image_stride, k0, kc, c0, nc, dst);
  }
}

/// One micro-tile with portable C: `c[6][nv·8] (+)= a · b`, then bias and clamp when `last`.
static void tile_portable(long kc, const float *a, const float *b, float *c, long ldc, int nv,
                          int accumulate, int last, const float *bias, float lo, float hi,
                          const float *res) {
  float acc[MR][NR];
  long n = nv * 8;
  for (int r = 0; r < MR; r++) {
    for (long i = 0; i < n; i++) acc[r][i] = accumulate ? c[r * ldc + i] : 0.0f;
  }
  for (long kk = 0; kk < kc; kk++) {
    const float *bk = b + kk * NR;
    for (int r = 0; r < MR; r++) {
      float av = a[kk * MR + r];
      for (long i = 0; i < n; i++) acc[r][i] += av * bk[i];
    }
  }
  for (int r = 0; r < MR; r++) {
    for (long i = 0; i < n; i++) {
      float v = acc[r][i];
      if (last) {
        v += bias[r];
        v = v < lo ? lo : v;
        v = v > hi ? hi : v;
        if (res) v += res[r * ldc + i];
      }
      c[r * ldc + i] = v;
    }
  }
}

/// Runs one micro-tile into `c` (row stride `ldc`, `nv·8` columns all valid).
static inline void tile(int isa, long kc, const float *a, const float *b, float *c, long ldc,
                        int nv, int accumulate, int last, const float *bias, float lo, float hi,
                        const float *res) {
#if CK_X86
  if (isa >= CK_ISA_AVX2_FMA) {
    if (nv == 2) {
      ck_tile_avx2_16(kc, a, b, c, ldc, accumulate, last, bias, lo, hi, res);
    } else {
      ck_tile_avx2_8(kc, a, b, c, ldc, accumulate, last, bias, lo, hi, res);
    }
    return;
  }
#endif
  (void)isa;
  tile_portable(kc, a, b, c, ldc, nv, accumulate, last, bias, lo, hi, res);
}

/// `y = clamp(bias + A · X, lo, hi) (+ residual)` for rows `row_begin..<row_end` and columns
/// `col_begin..<col_end`, X read from `src`, rows of Y `y_plane` floats apart; `residual` (NULL:
/// none) has `y`'s layout.
static void gemm(int isa, const float *packed, long m, long k, const source *src, long row_begin,
                 long row_end, long col_begin, long col_end, const float *bias, float lo,
                 float hi, const float *residual, float *y, long y_plane, long y_image_stride) {
  long hw = src->hw, yp = y_plane;
  if (row_end <= row_begin || col_end <= col_begin) return;
  if (row_end > m) row_end = m;
  if (k <= 0) {
    // No terms: the bias alone.
    for (long c = col_begin; c < col_end; c++) {
      float *yc = y + offset_of(c, hw, y_image_stride);
      for (long r = row_begin; r < row_end; r++) {
        float v = bias ? bias[r] : 0.0f;
        v = v < lo ? lo : v;
        v = v > hi ? hi : v;
        yc[r * yp] = residual ? v + residual[offset_of(c, hw, y_image_stride) + r * yp] : v;
      }
    }
    return;
  }
  // Depth per block: KC, or the whole depth when the columns are few (7×7 maps: K = 1152 with
  // 64 columns), so the output tiles are stored once instead of reloaded per depth block.
  long width16 = (col_end - col_begin + NR - 1) / NR * NR;
  long kcMax = XBLOCK / width16 > KC ? XBLOCK / width16 : KC;
  if (kcMax > KCMAX) kcMax = KCMAX;
  // A depth at most a quarter past the block is taken whole (480 as 472 + 8 stored and
  // reloaded every tile for 8 steps: 80×480 on a 14×14 map 4–7 % slower), a deeper one in
  // equal blocks.
  if (k <= kcMax + kcMax / 4 && k <= KCMAX) {
    kcMax = k;
  } else {
    long blocks = (k + kcMax - 1) / kcMax;
    kcMax = (k + blocks - 1) / blocks;
  }
  // Whole micro-panels, or all the columns when they fit (196 of a 14×14 map at depth 480
  // were a block of 192 and one of 4, whose tail could not join the last tile).
  long ncMax = XBLOCK / kcMax >= col_end - col_begin ? width16 : XBLOCK / kcMax / NR * NR;
  if (ncMax > width16) ncMax = width16;
  size_t bytes = (size_t)(ncMax * kcMax) * sizeof(float);
  float *xp = aligned_alloc(64, (bytes + 63) / 64 * 64);
  float local[KC * NR] __attribute__((aligned(64)));
  if (!xp) {
    // No memory for the block: one micro-panel at a time on the stack instead.
    ncMax = NR;
    if (kcMax > KC) kcMax = KC;
  }
  float *xpack = xp ? xp : local;
  for (long c0 = col_begin; c0 < col_end; c0 += ncMax) {
    long nc = col_end - c0 < ncMax ? col_end - c0 : ncMax;
    for (long k0 = 0; k0 < k; k0 += kcMax) {
      long kc = k - k0 < kcMax ? k - k0 : kcMax;
      int accumulate = k0 > 0, last = k0 + kc >= k;
      pack_block(isa, src, k0, kc, c0, nc, xpack);
      for (long r0 = row_begin; r0 < row_end; r0 += MR) {
        const float *a = packed + r0 * k + k0 * MR;
        long rows = row_end - r0 < MR ? row_end - r0 : MR;
        float bias6[MR] = {0};
        for (long r = 0; r < rows; r++) bias6[r] = bias ? bias[r0 + r] : 0.0f;
        for (long j = 0, step; j < nc; j += step) {
          long width = nc - j < NR ? nc - j : NR;
          long c = c0 + j;
          // On AVX-512, three whole micro-panels in one image are one 48-column tile, with the
          // block's compact tail of 1–4 columns when that follows in the same image; two are a
          // 32-column tile.
          long left = nc - j, tw = left - 3 * NR;
          int triple = isa >= CK_ISA_AVX512 && left >= 3 * NR && (c % hw) + 3 * NR <= hw;
          if (!triple || tw > 4 || (c % hw) + 3 * NR + tw > hw) tw = 0;
          int pair = isa >= CK_ISA_AVX512 && left >= 2 * NR && (c % hw) + 2 * NR <= hw;
          step = triple ? 3 * NR + tw : pair ? 2 * NR : NR;
          const float *b = xpack + j * kc;
          if (isa >= CK_ISA_AVX512 && width == NR && (c % hw) + width <= hw) {
            long o = offset_of(c, hw, y_image_stride) + r0 * yp;
            const float *rc = last && residual ? residual + o : NULL;
            if (triple) {
              ck_tile512_48(kc, a, b, b + NR * kc, b + 2 * NR * kc, NR, b + 3 * NR * kc, tw,
                            tw, y + o, yp, rows, accumulate, last, bias6, lo, hi, rc);
            } else if (pair) {
              ck_tile512(kc, a, b, b + NR * kc, NR, y + o, yp, rows, accumulate, last, bias6, lo,
                         hi, rc);
            } else {
              ck_tile512_16(kc, a, b, NR, y + o, yp, rows, accumulate, last, bias6, lo, hi, rc);
            }
            continue;
          }
          int nv = width > 8 ? 2 : 1;
          if (rows == MR && width == nv * 8 && (c % hw) + width <= hw) {
            long o = offset_of(c, hw, y_image_stride) + r0 * yp;
            const float *rc = last && residual ? residual + o : NULL;
            tile(isa, kc, a, b, y + o, yp, nv, accumulate, last, bias6, lo, hi, rc);
            continue;
          }
#if CK_X86
          if (isa >= CK_ISA_AVX2_FMA && !accumulate && last && width == NR &&
              (c % hw) + width <= hw) {
            // The last panel's 1–5 rows of a whole 16-column tile: the kernel stores only them
            // (through the 6×16 buffer below, a sixth of the stem's tiles cost more than the
            // other five).
            long o = offset_of(c, hw, y_image_stride) + r0 * yp;
            ck_tile_avx2_direct(kc, a, b, NR, y + o, yp, rows, bias6, lo, hi,
                             residual ? residual + o : NULL);
            continue;
          }
#endif
          long at[NR];
          for (long i = 0; i < width; i++) at[i] = offset_of(c + i, hw, y_image_stride) + r0 * yp;
#if CK_X86
          if (isa >= CK_ISA_AVX2_FMA && width <= 4) {
            ck_columns_avx2(kc, a, b, width, at, yp, rows, accumulate, last, bias6, lo, hi,
                         last ? residual : NULL, y);
            continue;
          }
#endif
          // A partial tile: through a 6×16 buffer.
          float t[MR * NR] = {0};
          if (accumulate) {
            for (long r = 0; r < rows; r++) {
              for (long i = 0; i < width; i++) t[r * NR + i] = y[at[i] + r * yp];
            }
          }
          tile(isa, kc, a, b, t, NR, nv, accumulate, last, bias6, lo, hi, NULL);
          const float *rp = last ? residual : NULL;
          for (long r = 0; r < rows; r++) {
            for (long i = 0; i < width; i++) {
              long o = at[i] + r * yp;
              y[o] = rp ? t[r * NR + i] + rp[o] : t[r * NR + i];
            }
          }
        }
      }
    }
  }
  free(xp);
}

#if CK_X86
/// The columns `*p0..<*p1` of image `n` that the column range `col_begin..<col_end` covers.
static inline void image_span(long n, long hw, long col_begin, long col_end, long *p0,
                              long *p1) {
  *p0 = col_begin > n * hw ? col_begin - n * hw : 0;
  *p1 = col_end < (n + 1) * hw ? col_end - n * hw : hw;
}

/// AVX-512 tiles of 32, then 16, columns of one image's X read in place (rows `ldb` apart), from
/// column `p` as long as they fit before `end`, for the weight panel `a` (rows `r0…`, `rows` of
/// them): bias, clamp and residual applied, output rows `y_plane` apart. Returns the first
/// column not done.
static long tiles512_in_place(long k, const float *a, const float *x, long ldb, long p,
                              long end, long r0, long rows, const float *bias6, float lo,
                              float hi, const float *rn, float *yn, long y_plane) {
  for (; p + 2 * NR <= end; p += 2 * NR) {
    long o = r0 * y_plane + p;
    ck_tile512(k, a, x + p, x + p + NR, ldb, yn + o, y_plane, rows, 0, 1, bias6, lo, hi,
               rn ? rn + o : NULL);
  }
  for (; p + NR <= end; p += NR) {
    long o = r0 * y_plane + p;
    ck_tile512_16(k, a, x + p, ldb, yn + o, y_plane, rows, 0, 1, bias6, lo, hi,
                  rn ? rn + o : NULL);
  }
  return p;
}

/// ``gemm`` for a shallow 1×1 product on AVX2: whole 16-column tiles read X where it is (the
/// packing copy cost more than it saved when the weights have few panels to reuse it), in
/// chunks of columns that stay in L2 while every 6-row panel sweeps them; the tails of each
/// image go through ``gemm``.
static void gemm_direct(int isa, const float *packed, long m, long k, const source *src,
                        long row_begin, long row_end, long col_begin, long col_end,
                        const float *bias, float lo, float hi, const float *residual, float *y,
                        long y_plane, long y_image_stride) {
  long hw = src->hw;
  // Whole tiles per chunk: 16 columns, 32 on AVX-512 (a 16-column rest only at an image's end).
  long tile_width = isa >= CK_ISA_AVX512 ? 2 * NR : NR;
  long chunk = DIRECT_CHUNK / k / tile_width * tile_width;
  if (chunk < tile_width) chunk = tile_width;
  if (row_end > m) row_end = m;
  for (long n = col_begin / hw; n * hw < col_end; n++) {
    long p0, p1;
    image_span(n, hw, col_begin, col_end, &p0, &p1);
    long full = p0 + (p1 - p0) / NR * NR;
    const float *x = src->x + n * src->image_stride;
    float *yn = y + n * y_image_stride;
    const float *rn = residual ? residual + n * y_image_stride : NULL;
    for (long q0 = p0; q0 < full; q0 += chunk) {
      long q1 = full - q0 < chunk ? full : q0 + chunk;
      for (long r0 = row_begin; r0 < row_end; r0 += MR) {
        const float *a = packed + r0 * k;
        long rows = row_end - r0 < MR ? row_end - r0 : MR;
        float bias6[MR] = {0};
        for (long r = 0; r < rows; r++) bias6[r] = bias ? bias[r0 + r] : 0.0f;
        long p = q0;
        if (isa >= CK_ISA_AVX512) {
          p = tiles512_in_place(k, a, x, src->plane, p, q1, r0, rows, bias6, lo, hi, rn, yn,
                                y_plane);
        }
        for (; p < q1; p += NR) {
          long o = r0 * y_plane + p;
          ck_tile_avx2_direct(k, a, x + p, src->plane, yn + o, y_plane, rows, bias6, lo, hi,
                           rn ? rn + o : NULL);
        }
      }
    }
    if (full < p1) {
      gemm(isa, packed, m, k, src, row_begin, row_end, n * hw + full, n * hw + p1,
           bias, lo, hi, residual, y, y_plane, y_image_stride);
    }
  }
}

/// ``gemm`` for a small map on AVX-512 (48 to 511 pixels, depth up to `KCMAX`): X read where it
/// is, each image's columns by 48-column tiles whose last takes the image's last 1–4 columns
/// along, then tiles of 32 and 16; the columns left of each image (at most 15) go through
/// ``gemm``. An image's X (at most 2.6 MB, 225 KB for a 7×7 map at depth 1152) is swept by every
/// weight panel in turn.
static void gemm_map512(const float *packed, long m, long k, const source *src, long row_begin,
                        long row_end, long col_begin, long col_end, const float *bias, float lo,
                        float hi, const float *residual, float *y, long y_plane,
                        long y_image_stride) {
  long hw = src->hw, ldb = src->plane;
  if (row_end > m) row_end = m;
  for (long n = col_begin / hw; n * hw < col_end; n++) {
    long p0, p1;
    image_span(n, hw, col_begin, col_end, &p0, &p1);
    const float *x = src->x + n * src->image_stride;
    float *yn = y + n * y_image_stride;
    const float *rn = residual ? residual + n * y_image_stride : NULL;
    long done = p0;
    for (long r0 = row_begin; r0 < row_end; r0 += MR) {
      const float *a = packed + r0 * k;
      long rows = row_end - r0 < MR ? row_end - r0 : MR;
      float bias6[MR] = {0};
      for (long r = 0; r < rows; r++) bias6[r] = bias ? bias[r0 + r] : 0.0f;
      long p = p0;
      while (p + 3 * NR <= p1) {
        long tw = p1 - p - 3 * NR <= 4 ? p1 - p - 3 * NR : 0;
        long o = r0 * y_plane + p;
        ck_tile512_48(k, a, x + p, x + p + NR, x + p + 2 * NR, ldb, x + p + 3 * NR, ldb, tw,
                      yn + o, y_plane, rows, 0, 1, bias6, lo, hi, rn ? rn + o : NULL);
        p += 3 * NR + tw;
      }
      done = tiles512_in_place(k, a, x, ldb, p, p1, r0, rows, bias6, lo, hi, rn, yn, y_plane);
    }
    if (done < p1) {
      gemm(CK_ISA_AVX512, packed, m, k, src, row_begin, row_end, n * hw + done, n * hw + p1,
           bias, lo, hi, residual, y, y_plane, y_image_stride);
    }
  }
}
#endif

/// Both entry points on one X: `hw` columns per image, X's rows `x_plane` floats apart and Y's
/// `y_plane`.
static void gemm_planes(int isa, const float *packed, long m, long k, const float *x, long hw,
                        long x_plane, long x_image_stride, long row_begin, long row_end,
                        long col_begin, long col_end, const float *bias, float lo, float hi,
                        const float *residual, float *y, long y_plane, long y_image_stride) {
  source s = {0};
  s.x = x;
  s.image_stride = x_image_stride;
  s.hw = hw;
  s.plane = x_plane;
#if CK_X86
  // Large images with shallow weights: reading X in place beat packing it (A/B on the
  // EfficientNet-Lite0 shapes: 32→16 at 112×112 0.37 → 0.27 ms, 24→144 at 56×56 0.37 → 0.31
  // ms); 7×7 and 14×14 maps stay packed (their tails and deep weights favour the packing).
  if (isa >= CK_ISA_AVX512 && k > 0 && k <= KCMAX && hw >= 3 * NR && hw < DIRECT_MIN_PIXELS) {
    gemm_map512(packed, m, k, &s, row_begin, row_end, col_begin, col_end, bias, lo, hi, residual,
                y, y_plane, y_image_stride);
    return;
  }
  if (isa >= CK_ISA_AVX2_FMA && k > 0 && k <= DIRECT_MAX_DEPTH && hw >= DIRECT_MIN_PIXELS) {
    gemm_direct(isa, packed, m, k, &s, row_begin, row_end, col_begin, col_end, bias, lo, hi,
                residual, y, y_plane, y_image_stride);
    return;
  }
#endif
  gemm(isa, packed, m, k, &s, row_begin, row_end, col_begin, col_end, bias, lo, hi, residual, y,
       y_plane, y_image_stride);
}

void ck_gemm_packed(int isa, const float *packed, long m, long k, const float *x, long hw,
                    long x_image_stride, long row_begin, long row_end, long col_begin,
                    long col_end, const float *bias, float lo, float hi, const float *residual,
                    float *y, long y_image_stride) {
  gemm_planes(isa, packed, m, k, x, hw, hw, x_image_stride, row_begin, row_end, col_begin,
              col_end, bias, lo, hi, residual, y, hw, y_image_stride);
}

void ck_gemm_planes(int isa, const float *packed, long m, long k, const float *x, long x_plane,
                    long columns, long row_begin, long row_end, const float *bias, float lo,
                    float hi, const float *residual, float *y, long y_plane) {
  gemm_planes(isa, packed, m, k, x, columns, x_plane, 0, row_begin, row_end, 0, columns, bias, lo,
              hi, residual, y, y_plane, 0);
}

void ck_conv_packed(int isa, const float *packed, long m, long channels, long h, long w, long kh,
                    long kw, long stride_h, long stride_w, long dilation_h, long dilation_w,
                    long pad_top, long pad_left, long oh, long ow, const float *x,
                    long x_image_stride, long row_begin, long row_end, long col_begin,
                    long col_end, const float *bias, float lo, float hi, const float *residual,
                    float *y, long y_image_stride) {
  source s = {x,          x_image_stride, oh * ow,    oh * ow,  1,          channels,
              h,          w,              kh,         kw,       stride_h,   stride_w,
              dilation_h, dilation_w,     pad_top,    pad_left, ow};
  gemm(isa, packed, m, channels * kh * kw, &s, row_begin, row_end, col_begin, col_end, bias, lo,
       hi, residual, y, oh * ow, y_image_stride);
}
