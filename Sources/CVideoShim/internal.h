// Shared between the shim's .c files; never seen by Swift.
#ifndef CVSHIM_INTERNAL_H
#define CVSHIM_INTERNAL_H

#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <stdint.h>

#include "cvshim.h"

/// A function compiled for AVX2 and for the baseline, the dynamic loader choosing one for the
/// CPU: for plain loops the compiler vectorises (yuv_rgb.c).
#if defined(__x86_64__)
#define CV_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define CV_MULTIVERSION
#endif

/// `v` saturated to a byte: the last step of the pixel conversions (rgb_yuv.c, yuv_rgb.c).
static inline uint8_t clip8(int v) { return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v; }

/// The demuxer or input device called `name`, loading the devices when no library linked has it.
const AVInputFormat *cv_find_demuxer(const char *name);
/// The muxer or output device `name` names (as `av_guess_format`), loading the devices when no
/// library linked has one of exactly that name.
const AVOutputFormat *cv_find_muxer(const char *name);

/// An AVIOContext reading file descriptor `fd` (a pipe) that polls in short slices and gives up
/// with AVERROR_EXIT when `should_stop(opaque)` says so (timeout, interrupt). Free with
/// cv_pipe_io_free after avformat_close_input.
AVIOContext *cv_pipe_io_alloc(int fd, int (*should_stop)(void *), void *opaque);
void cv_pipe_io_free(AVIOContext **pb);

/// Log messages FFmpeg emits about a demuxer or decoder whose `opaque` is a cv_log_sink are
/// counted there (and still printed when FFmpeg's log level asks for it).
typedef struct cv_log_sink {
  uint32_t magic;               // CV_LOG_SINK_MAGIC
  _Atomic int64_t errors;
  _Atomic int claimed;          // first_message written
  char first_message[160];
} cv_log_sink;
#define CV_LOG_SINK_MAGIC 0x63766c67u
/// Installs the counting log callback (once per process).
void cv_install_log_callback(void);
int cv_options_copy_dict(const cv_options *opts, AVDictionary **dst);
void cv_copy_name(char *dst, size_t size, const char *src);
double cv_ts_seconds(int64_t ts, AVRational tb);

/// An audio packet in flight, plus the time base its timestamps use.
struct cv_packet {
  AVPacket *pkt;
  AVRational time_base;
};

/// What an output needs to carry an input's audio stream.
const AVCodecParameters *cv_input_audio_params(const cv_input *in, AVRational *time_base);

/// Rotates/mirrors a packed RGB24 image: `rotation` clockwise degrees (0/90/180/270), `hflip`
/// applied after rotation. dst must be (rotation 90/270 ? h x w : w x h).
void cv_rgb_transform(const uint8_t *src, int w, int h, int src_stride, uint8_t *dst,
                      int dst_stride, int rotation, int hflip);

#endif
