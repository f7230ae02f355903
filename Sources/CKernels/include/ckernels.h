// CKernels: the engine's hand-vectorised float kernels (AVX-512 or AVX2 + FMA where the CPU
// has them, portable C elsewhere), on plain pointers. No globals except the cached CPU-feature
// check; no printing; every buffer is the caller's except the kernels' own scratch (malloc'd
// per call).
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets a kernel may use: pass `ck_isa()` for the best this CPU runs, or
/// `CK_ISA_PORTABLE` to force the plain C path (the tests compare both).
enum {
  CK_ISA_PORTABLE = 0,
  CK_ISA_AVX2_FMA = 1,
  /// AVX-512 F on top of AVX2 + FMA: the kernels that have a 512-bit path take it, the others
  /// their AVX2 one.
  CK_ISA_AVX512 = 2,
};

/// The best instruction set of this CPU (checked once: CPUID and the OS's YMM and ZMM state),
/// capped by `CAMVIDEO_KERNELS` (`portable`, `avx2` or `avx512`) when that is set.
int ck_isa(void);

/// A per-thread flag: while set, the engine's loops on this thread do not split their work.
void ck_set_single_threaded(int on);
int ck_single_threaded(void);

/// A hint to the CPU that this thread is spinning on a flag (`pause` on x86).
void ck_cpu_relax(void);

/// The threads OpenBLAS started with (`OPENBLAS_NUM_THREADS` or the CPUs), noted when CKernels
/// put it on one thread and stopped its workers at load; 0 when OpenBLAS was not loaded then.
long ck_openblas_started_threads(void);
/// Whether OpenBLAS's thread server is running (its workers exist): 1 or 0, -1 when OpenBLAS
/// does not say (not loaded, or a serial build).
int ck_openblas_server_running(void);

/// Rows of the panels `ck_pack_weights` writes (the GEMM micro-tile's height).
#define CK_PANEL_ROWS 6

/// Floats `ck_pack_weights` writes for an `m × k` matrix: `⌈m / 6⌉ · 6 · k`.
size_t ck_packed_weights_count(long m, long k);

/// Packs the row-major `m × k` matrix `a` (row stride `lda`) into panels of 6 rows stored
/// k-major (`packed[p][kk][r] = a[6p + r][kk]`), the rows past `m` zero.
void ck_pack_weights(long m, long k, const float *a, long lda, float *packed);

/// `y[m, c] = clamp(bias[m] + Σ_k A[m, k] · x[k, c], lo, hi)` for rows `row_begin..<row_end`
/// (`row_begin` a multiple of 6) and columns `col_begin..<col_end` of an NCHW-style product:
/// column `c` is pixel `c mod hw` of image `c / hw`, so `x[k, c] = x[(c / hw) · x_image_stride +
/// k · hw + c mod hw]` and the same for `y` (rows of length `hw`). `A` is `packed` by
/// `ck_pack_weights(m, k, ...)`; `bias` may be NULL; `lo`/`hi` may be ∓∞. `residual`, when not
/// NULL, has `y`'s layout and is added after the clamp: `y = clamp(…) + residual` (a fused `Add`).
void ck_gemm_packed(int isa, const float *packed, long m, long k, const float *x, long hw,
                    long x_image_stride, long row_begin, long row_end, long col_begin,
                    long col_end, const float *bias, float lo, float hi, const float *residual,
                    float *y, long y_image_stride);

/// ``ck_gemm_packed`` on one image's strip of `columns` pixels whose planes are apart by
/// `x_plane` floats in `x` and by `y_plane` in `y` (and `residual`): rows of a larger image, or of
/// a ring. Rows `row_begin..<row_end` of `y`.
void ck_gemm_planes(int isa, const float *packed, long m, long k, const float *x, long x_plane,
                    long columns, long row_begin, long row_end, const float *bias, float lo,
                    float hi, const float *residual, float *y, long y_plane);

/// `ck_gemm_packed` for a `kh × kw` convolution (group 1) that reads its input directly
/// (implicit im2col, no unfolded copy): row `k = (ci·kh + ky)·kw + kx` and column `c` (output
/// pixel `(oy, ox)` of image `c / (oh·ow)`) of X is `x[c / (oh·ow) · x_image_stride + ci·h·w +
/// iy·w + ix]` with `iy = oy·stride_h − pad_top + ky·dilation_h`, `ix = ox·stride_w − pad_left +
/// kx·dilation_w`, and 0 outside the `h × w` input. `packed` is `ck_pack_weights(m,
/// channels·kh·kw, ...)`; `y` has `oh·ow` columns per image.
void ck_conv_packed(int isa, const float *packed, long m, long channels, long h, long w, long kh,
                    long kw, long stride_h, long stride_w, long dilation_h, long dilation_w,
                    long pad_top, long pad_left, long oh, long ow, const float *x,
                    long x_image_stride, long row_begin, long row_end, long col_begin,
                    long col_end, const float *bias, float lo, float hi, const float *residual,
                    float *y, long y_image_stride);

/// Whether ``ck_conv_small`` handles this convolution: at most 64 taps (`channels·kh·kw`),
/// square stride 1 or 2, dilation 1.
int ck_conv_small_supported(long channels, long kh, long kw, long stride_h, long stride_w,
                            long dilation_h, long dilation_w);

/// Output rows `oy_begin..<oy_end` of a `kh × kw` convolution (group 1) of one image with few
/// channels, read directly: `y[m, oy, ox] = clamp(bias[m] + Σ w[m, ci, ky, kx] · x[ci, oy·stride
/// − pad_top + ky, ox·stride − pad_left + kx], lo, hi)`, zero outside the `h × w` input. `packed`
/// is `ck_pack_weights(m, channels·kh·kw, …)`; `x` is `[channels, h, w]`, `y` `[m, oh, ow]`;
/// `bias` may be NULL. Returns 0, or −1 (nothing written) when the CPU has no AVX2 + FMA, the
/// convolution is not supported or its scratch cannot be allocated.
int ck_conv_small(const float *packed, long m, long channels, long h, long w, long kh, long kw,
                  long stride, long pad_top, long pad_left, long oh, long ow, const float *x,
                  long oy_begin, long oy_end, const float *bias, float lo, float hi, float *y);

/// Whether `ck_depthwise` handles this window: square stride 1 or 2, dilation 1, kernels up to
/// 7×7, pads smaller than the kernel.
int ck_depthwise_supported(long kh, long kw, long stride_h, long stride_w, long dilation_h,
                           long dilation_w, long pad_top, long pad_left, long pad_bottom,
                           long pad_right);

/// Depthwise convolution of `planes` planes (plane `p` is channel `(first_channel + p) mod
/// channels`): `y[p, oy, ox] = clamp(bias[c] + Σ w[c, ky, kx] · x[p, oy·s − pad_top + ky,
/// ox·s − pad_left + kx], lo, hi)`, zero outside the `h × w` input; the output is `oh × ow`.
/// `weights` is `[channels, kh, kw]`, `bias` `[channels]` or NULL. Returns 0, or −1 when its
/// scratch cannot be allocated.
int ck_depthwise(int isa, const float *x, long planes, long channels, long first_channel, long h,
                 long w, long kh, long kw, long stride, long pad_top, long pad_left, long oh,
                 long ow, const float *weights, const float *bias, float lo, float hi, float *y);

/// ``ck_depthwise`` (AVX2 + FMA only) vectorised over 8 planes at a time instead of over pixels,
/// for small planes (what ``ck_depthwise`` picks for narrow outputs). Returns 0, −1 when its
/// scratch cannot be allocated or the CPU path is not compiled in.
int ck_depthwise_c8(const float *x, long planes, long channels, long first_channel, long h,
                    long w, long kh, long kw, long stride, long pad_top, long pad_left, long oh,
                    long ow, const float *weights, const float *bias, float lo, float hi,
                    float *y);

/// ``ck_depthwise`` for output rows `oy_begin..<oy_end` only (of every plane; `y` is still the
/// whole `[planes, oh, ow]` output and `x` the whole input): reads only the input rows those
/// output rows need.
int ck_depthwise_rows(int isa, const float *x, long planes, long channels, long first_channel,
                      long h, long w, long kh, long kw, long stride, long pad_top, long pad_left,
                      long oh, long ow, long oy_begin, long oy_end, const float *weights,
                      const float *bias, float lo, float hi, float *y);

/// ``ck_depthwise_rows`` on `planes` channels (weights and bias from channel 0) whose planes
/// are `x_plane` floats apart in `x` and whose input row `iy` is row `iy mod ring` of its plane
/// (`ring` 0: row `iy`): output row `oy_begin + r` of plane `p` goes to `y[p·y_plane + r·ow]`.
int ck_depthwise_ring(int isa, const float *x, long x_plane, long ring, long planes, long h,
                      long w, long kh, long kw, long stride, long pad_top, long pad_left, long oh,
                      long ow, long oy_begin, long oy_end, const float *weights, const float *bias,
                      float lo, float hi, float *y, long y_plane);

/// Rows of the ring of expanded rows ``ck_mbconv`` keeps for strips of `strip` output rows:
/// `min(h, (strip − 1)·stride + kh)`.
long ck_mbconv_ring_rows(long h, long kh, long stride, long strip);

/// An inverted-residual block on images `image_begin..<image_end` and output rows
/// `oy_begin..<oy_end`, `strip` output rows at a time:
/// `e = clamp(expand_bias + E · x, expand_lo, expand_hi)` (1×1, `expand` packed by
/// `ck_pack_weights(expanded, cin, …)`; NULL: no expand, `e` is `x` and `expanded == cin`),
/// `d = clamp(depthwise_bias + depthwise ⋆ e, depthwise_lo, depthwise_hi)` (as
/// ``ck_depthwise``, weights `[expanded, kh, kw]`), `y = clamp(project_bias + P · d, project_lo,
/// project_hi) (+ residual)` (1×1, `project` packed as `cout × expanded`; `residual` NULL or laid
/// out as `y`). `x` is `[N, cin, h, w]` at `x_image_stride` floats per image, `y` `[N, cout, oh,
/// ow]` at `y_image_stride`. `e` (a ring of `expanded · ck_mbconv_ring_rows(h, kh, stride, strip)
/// · w` floats; unused without an expand) and `d` (`expanded·strip·ow`) are the caller's scratch,
/// reused for each image; a range of rows needs its own. Returns 0, or −1 when a scratch
/// allocation failed.
int ck_mbconv(int isa, const float *x, long x_image_stride, long image_begin, long image_end,
              long cin, long h, long w, const float *expand, long expanded,
              const float *expand_bias, float expand_lo, float expand_hi, long kh, long kw,
              long stride, long pad_top, long pad_left, long oh, long ow,
              const float *depthwise, const float *depthwise_bias, float depthwise_lo,
              float depthwise_hi, const float *project, long cout, const float *project_bias,
              float project_lo, float project_hi, const float *residual, long oy_begin,
              long oy_end, long strip, float *e, float *d, float *y, long y_image_stride);

#ifdef __cplusplus
}
#endif

#endif
