// cvshim.h — camvideo's narrow C boundary over FFmpeg 5.1.
//
// Opaque handles and cv_<object>_<verb>() functions that return 0 (or a small positive
// status) or a negative AVERROR code; results go to out-parameters. No FFmpeg type appears
// here, so none can leak into Swift. No globals are mutated except FFmpeg's own one-time
// device registration and log level, no printing, no exit().
#ifndef CVSHIM_H
#define CVSHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------------------------
// Errors, versions, logging

/// End of stream (AVERROR_EOF), as a plain constant for Swift.
extern const int CV_EOF;
/// EAGAIN as an AVERROR (a live source has no data yet).
extern const int CV_EAGAIN;
/// AVERROR_EXIT: an interrupt callback asked the operation to stop.
extern const int CV_EXIT;
/// FFmpeg's own error tags, for classifying failures.
extern const int CV_ERR_STREAM_NOT_FOUND, CV_ERR_DECODER_NOT_FOUND, CV_ERR_ENCODER_NOT_FOUND,
    CV_ERR_DEMUXER_NOT_FOUND, CV_ERR_MUXER_NOT_FOUND, CV_ERR_INVALIDDATA, CV_ERR_OPTION_NOT_FOUND;

/// Writes FFmpeg's text for `code` into `buf` (always NUL-terminated).
void cv_strerror(int code, char *buf, size_t size);
/// FFmpeg's version string (e.g. "5.1.6-0+deb12u1").
const char *cv_ffmpeg_version(void);
/// Runtime versions of the libraries, packed as FFmpeg does (major << 16 | minor << 8 | micro).
unsigned cv_avformat_version(void);
unsigned cv_avcodec_version(void);
unsigned cv_avutil_version(void);
unsigned cv_swscale_version(void);
/// FFmpeg's own log level (AV_LOG_QUIET = -8 ... AV_LOG_DEBUG = 48). camvideo keeps it quiet and
/// reports damage through counters instead.
void cv_set_log_level(int level);

/// Whether libavformat knows a muxer of this name / a demuxer of this name.
int cv_has_muxer(const char *name);
int cv_has_demuxer(const char *name);
/// Whether libavcodec has an encoder of this name.
int cv_has_encoder(const char *name);
/// The muxer libavformat would pick for `filename` (by extension), or NULL.
const char *cv_guess_muxer(const char *filename);

// ---------------------------------------------------------------------------------------------
// Options: an ordered key/value list handed to libavformat/libavcodec.

typedef struct cv_options cv_options;
int cv_options_create(cv_options **out);
int cv_options_set(cv_options *opts, const char *key, const char *value);
void cv_options_free(cv_options **opts);

// ---------------------------------------------------------------------------------------------
// Input: demux + decode the best video stream, pass through audio packets.

typedef struct cv_input cv_input;
/// An encoded audio packet taken from an input, owned by whoever holds the handle.
typedef struct cv_packet cv_packet;

typedef struct cv_format_info {
  char name[64];            // demuxer short name(s), e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  char long_name[128];
  double duration_s;        // < 0 when unknown
  double start_time_s;      // < 0 when unknown
  int64_t bit_rate;         // 0 when unknown
  int nb_streams;
} cv_format_info;

typedef struct cv_stream_info {
  int index;
  char kind[16];            // "video", "audio", "subtitle", "data", "attachment", "unknown"
  char codec[64];           // codec short name, "none" when unknown
  int64_t nb_frames;        // from the container, 0 when unknown
  double duration_s;        // < 0 when unknown
  int tb_num, tb_den;
  int attached_pic;         // cover art rather than video
} cv_stream_info;

typedef struct cv_video_info {
  int stream_index;
  char codec[64];
  char codec_long[128];
  char profile[64];
  char pix_fmt[32];
  int width, height;                 // as stored
  int coded_width, coded_height;     // as the decoder allocates them
  int display_width, display_height; // after rotation
  int rotation;                      // clockwise degrees applied for display: 0, 90, 180, 270
  int hflip;                         // mirrored display matrix
  int sar_num, sar_den;
  int fps_num, fps_den;              // nominal (r_frame_rate)
  int avg_fps_num, avg_fps_den;      // average (avg_frame_rate)
  int tb_num, tb_den;                // stream time base
  int64_t nb_frames;                 // from the container, 0 when unknown
  int64_t start_pts;                 // INT64_MIN when unknown
  double duration_s;                 // stream duration, < 0 when unknown
  int64_t bit_rate;
  int bits_per_raw_sample;
} cv_video_info;

typedef struct cv_audio_info {
  int stream_index;
  char codec[64];
  int sample_rate;
  int channels;
  char layout[64];
  int64_t bit_rate;
  int tb_num, tb_den;
  double duration_s;
} cv_audio_info;

typedef struct cv_input_config {
  const char *url;          // path, "-" (stdin, opened as pipe:0) or a URL
  const char *format_name;  // NULL: probe; else a demuxer or device ("v4l2", "lavfi", ...)
  const cv_options *format_options;   // may be NULL; protocol_whitelist belongs here
  int decoder_threads;      // 0 = automatic
  int64_t io_timeout_us;    // > 0: a blocking read that makes no progress this long fails
  int want_audio;           // deliver the best audio stream's packets too
} cv_input_config;

/// Opens the input, finds stream info, picks the best video stream and opens its decoder.
int cv_input_open(cv_input **out, const cv_input_config *config);
void cv_input_close(cv_input **in);
/// Asks a blocked cv_input_read to give up (safe from another thread or a signal handler).
void cv_input_interrupt(cv_input *in);

int cv_input_format_info(const cv_input *in, cv_format_info *out);
int cv_input_stream_info(const cv_input *in, int index, cv_stream_info *out);
int cv_input_video_info(const cv_input *in, cv_video_info *out);
/// 1 and `out` filled when the input has an audio stream, 0 otherwise.
int cv_input_audio_info(const cv_input *in, cv_audio_info *out);
/// The facts of audio stream `index` (0, or an error when it is not audio).
int cv_input_audio_info_at(const cv_input *in, int index, cv_audio_info *out);

enum {
  CV_READ_VIDEO = 1,  // a decoded frame is current: read it with cv_input_frame_*
  CV_READ_AUDIO = 2,  // an audio packet is waiting: take it with cv_input_take_audio
};

/// Reads until the next decoded video frame or audio packet. Returns CV_READ_VIDEO,
/// CV_READ_AUDIO, 0 at end of stream (after draining the decoder), or a negative error.
/// Damage that the decoder can skip (corrupt packets, truncated data) is counted in the stats,
/// not returned.
int cv_input_read(cv_input *in);

/// Decodes up to the first video frame and keeps it for the next cv_input_read (audio packets met
/// on the way are dropped): lets a caller see the frame's own display transform (EXIF) first.
/// Returns 1 when a frame is waiting, 0 at end of stream, or an error.
int cv_input_peek(cv_input *in);

typedef struct cv_frame_desc {
  int64_t pts;        // best_effort_timestamp in the stream time base (INT64_MIN if none)
  int64_t duration;   // in the stream time base, 0 when unknown
  int width, height;  // upright (display) size of this frame
  int key_frame;
  int corrupt;        // the decoder flagged this frame as damaged
  int rotation, hflip;// display transform applied to this frame
} cv_frame_desc;

int cv_input_frame_desc(const cv_input *in, cv_frame_desc *out);
/// Converts the current frame to packed RGB24, upright, at full resolution, into `dst`
/// (desc.height rows of `stride` bytes, stride >= 3 * desc.width).
int cv_input_frame_rgb(cv_input *in, uint8_t *dst, int stride);

/// Takes ownership of the waiting audio packet.
int cv_input_take_audio(cv_input *in, cv_packet **out);
double cv_packet_time_s(const cv_packet *pkt);
void cv_packet_free(cv_packet **pkt);

typedef struct cv_input_stats {
  int64_t packets_read;
  int64_t video_packets;
  int64_t frames_decoded;
  int64_t decode_errors;    // packets the decoder rejected
  int64_t corrupt_frames;   // frames flagged corrupt
  int64_t read_errors;      // demuxer errors other than end of file (stream ends there)
  int last_error;           // last such error code, 0 if none
  int64_t logged_errors;    // error messages FFmpeg logged about this input (demuxer/decoder)
  int64_t corrupt_packets;  // packets the demuxer flagged as corrupt
  char first_message[160];  // the first such message, e.g. "error while decoding MB 25 6"
  int timed_out;            // the source made no progress for io_timeout_us
  int interrupted;          // cv_input_interrupt was called
} cv_input_stats;

int cv_input_stats_get(const cv_input *in, cv_input_stats *out);

// ---------------------------------------------------------------------------------------------
// Scaler: packed RGB24 → packed RGB24 at another size, with a fit.

typedef struct cv_scaler cv_scaler;

enum { CV_FIT_STRETCH = 0, CV_FIT_CROP = 1, CV_FIT_PAD = 2 };
enum { CV_SCALE_BILINEAR = 0, CV_SCALE_AREA = 1, CV_SCALE_BICUBIC = 2 };

typedef struct cv_rect { int x, y, width, height; } cv_rect;

int cv_scaler_create(cv_scaler **out);
void cv_scaler_free(cv_scaler **s);
/// Resizes `src` into `dst` with the given fit. `content` receives where the source landed in
/// `dst` (pad) or which part of the source was used (crop); may be NULL. `pad_value` fills the
/// letterbox bars.
int cv_scaler_scale(cv_scaler *s, const uint8_t *src, int src_w, int src_h, int src_stride,
                    uint8_t *dst, int dst_w, int dst_h, int dst_stride, int fit, int filter,
                    uint8_t pad_value, cv_rect *content);

// ---------------------------------------------------------------------------------------------
// Output: encode RGB frames and mux them (with audio) to any libavformat output.

typedef struct cv_output cv_output;

typedef struct cv_output_config {
  const char *url;          // where bytes go: a path (a temp file), "pipe:1", or a URL
  const char *name_for_format; // file name used to guess the muxer (the final name), may be NULL
  const char *format_name;  // explicit muxer, may be NULL
  const char *codec_name;   // encoder, e.g. "libx264"
  int width, height;        // frame size the caller delivers (odd sizes are padded if needed)
  int tb_num, tb_den;       // time base of the pts the caller delivers
  int fps_num, fps_den;     // nominal frame rate (a hint for rate control; VFR pts still pass)
  int crf;                  // < 0: codec default
  const char *preset;       // NULL: codec default
  int threads;              // 0 = automatic
  int gop;                  // 0 = codec default
  int seekable;             // the output is a regular file (faststart possible)
  const cv_options *codec_options;  // may be NULL
  const cv_options *format_options; // may be NULL
} cv_output_config;

int cv_output_open(cv_output **out, const cv_output_config *config);
/// Releases everything; does not write a trailer (use cv_output_finish first).
void cv_output_close(cv_output **out);

enum { CV_AUDIO_NONE = 0, CV_AUDIO_COPY = 1, CV_AUDIO_TRANSCODE = 2 };

/// Adds an audio stream carrying `in`'s audio: copied when the container takes the codec,
/// otherwise re-encoded (AAC for MP4/MOV/MKV and most others, Opus for WebM). Returns
/// CV_AUDIO_COPY, CV_AUDIO_TRANSCODE, CV_AUDIO_NONE (no encoder fits: caller warns), or an error.
/// Must be called before the first write.
int cv_output_add_audio(cv_output *out, const cv_input *in);
/// Name of the audio codec written (after cv_output_add_audio), "" if none.
const char *cv_output_audio_codec(const cv_output *out);

/// Encodes one packed RGB24 frame (width x height of the config) with pts in the config's
/// time base.
int cv_output_write_video(cv_output *out, const uint8_t *rgb, int stride, int64_t pts,
                          int64_t duration);
/// Writes (or transcodes) one audio packet taken from the input given to cv_output_add_audio.
/// The packet stays owned by the caller.
int cv_output_write_audio(cv_output *out, const cv_packet *pkt);
/// Drains the encoders, writes the trailer and closes the file. Call once.
int cv_output_finish(cv_output *out);

typedef struct cv_output_info {
  char muxer[64];
  char codec[64];
  char pix_fmt[32];
  int width, height;        // encoded size (even where 4:2:0 needs it)
  int64_t frames_written;
  int64_t audio_packets_written;
} cv_output_info;

int cv_output_info_get(const cv_output *out, cv_output_info *info);

// ---------------------------------------------------------------------------------------------
// Pixel conversions the shim runs itself where swscale is slow.

/// Shrinks packed RGB24 `sw`×`sh` to `dw`×`dh` (each no larger) by area averaging with OpenCV's
/// INTER_AREA weights (area.c).
int cv_resize_area_rgb24(const uint8_t *src, int sw, int sh, int sstride, uint8_t *dst, int dw,
                         int dh, int dstride);
/// Packed RGB24 `w`×`h` to YUV 4:2:0 planes of `dw`×`dh` (at least `w`×`h`; the last column and
/// row repeat), BT.601, studio range unless `full_range` (rgb_yuv.c).
int cv_rgb24_to_yuv420p(const uint8_t *rgb, int stride, int w, int h, uint8_t *y, int ystride,
                        uint8_t *u, int ustride, uint8_t *v, int vstride, int dw, int dh,
                        int full_range);
/// Planar YUV 4:4:4 `w`×`h` (8-bit) to packed RGB24 with swscale's `coefficients` for the colour
/// space (`sws_getCoefficients`), studio range unless `full_range` (yuv_rgb.c).
int cv_yuv444p_to_rgb24(const uint8_t *y, int ystride, const uint8_t *u, int ustride,
                        const uint8_t *v, int vstride, int w, int h, const int *coefficients,
                        int full_range, uint8_t *rgb, int stride);

// JPEG (jpeg.c): RGB24 pictures to baseline JPEG with libavcodec's MJPEG encoder.

typedef struct cv_jpeg cv_jpeg;
/// `quality` is the JPEG quantiser scale, 2 (best) to 31.
int cv_jpeg_open(cv_jpeg **out, int width, int height, int quality);
/// Encodes one width x height RGB24 picture; `*data` stays valid until the next call.
int cv_jpeg_encode(cv_jpeg *j, const uint8_t *rgb, int stride, const uint8_t **data, int *size);
void cv_jpeg_close(cv_jpeg **j);

// ---------------------------------------------------------------------------------------------
// V4L2 cameras (camera.c): read-only queries on a device node. Functions return 0/1 (1: an
// entry was filled, 0: no more entries) or a negative errno.

typedef struct cv_camera_caps {
  char card[64];
  char driver[32];
  char bus[64];
  int can_capture;
} cv_camera_caps;

typedef struct cv_camera_format_desc {
  uint32_t fourcc;
  int compressed;
  char description[64];
} cv_camera_format_desc;

typedef struct cv_camera_size_desc {
  uint32_t width, height;
  uint32_t min_width, min_height;  // stepwise sizes: the range's smallest
  int stepwise;
} cv_camera_size_desc;

int cv_camera_open(const char *path, int *fd_out);
void cv_camera_close(int fd);
int cv_camera_info(int fd, cv_camera_caps *out);
int cv_camera_format(int fd, int index, cv_camera_format_desc *out);
int cv_camera_size(int fd, uint32_t fourcc, int index, cv_camera_size_desc *out);
int cv_camera_interval(int fd, uint32_t fourcc, uint32_t width, uint32_t height, int index,
                       uint32_t *num, uint32_t *den);

#ifdef __cplusplus
}
#endif
#endif
