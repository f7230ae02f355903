// Errors, versions, options and the small helpers every shim file shares.
#include "cvshim.h"
#include "internal.h"

#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libswscale/swscale.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

const int CV_EOF = AVERROR_EOF;
const int CV_EAGAIN = AVERROR(EAGAIN);
const int CV_EXIT = AVERROR_EXIT;
const int CV_ERR_STREAM_NOT_FOUND = AVERROR_STREAM_NOT_FOUND;
const int CV_ERR_DECODER_NOT_FOUND = AVERROR_DECODER_NOT_FOUND;
const int CV_ERR_ENCODER_NOT_FOUND = AVERROR_ENCODER_NOT_FOUND;
const int CV_ERR_DEMUXER_NOT_FOUND = AVERROR_DEMUXER_NOT_FOUND;
const int CV_ERR_MUXER_NOT_FOUND = AVERROR_MUXER_NOT_FOUND;
const int CV_ERR_INVALIDDATA = AVERROR_INVALIDDATA;
const int CV_ERR_OPTION_NOT_FOUND = AVERROR_OPTION_NOT_FOUND;

void cv_strerror(int code, char *buf, size_t size) {
  if (!buf || size == 0) return;
  if (av_strerror(code, buf, size) < 0) snprintf(buf, size, "error %d", code);
}

const char *cv_ffmpeg_version(void) { return av_version_info(); }
unsigned cv_avformat_version(void) { return avformat_version(); }
unsigned cv_avcodec_version(void) { return avcodec_version(); }
unsigned cv_avutil_version(void) { return avutil_version(); }
unsigned cv_swscale_version(void) { return swscale_version(); }

void cv_set_log_level(int level) {
  cv_install_log_callback();
  av_log_set_level(level);
}

static void log_callback(void *avcl, int level, const char *fmt, va_list vl) {
  if (avcl && level <= AV_LOG_ERROR) {
    const AVClass *cls = *(const AVClass **)avcl;
    void *opaque = NULL;
    if (cls && !strcmp(cls->class_name, "AVCodecContext")) opaque = ((AVCodecContext *)avcl)->opaque;
    else if (cls && !strcmp(cls->class_name, "AVFormatContext")) opaque = ((AVFormatContext *)avcl)->opaque;
    cv_log_sink *sink = opaque;
    if (sink && sink->magic == CV_LOG_SINK_MAGIC) {
      atomic_fetch_add(&sink->errors, 1);
      int expected = 0;
      if (atomic_compare_exchange_strong(&sink->claimed, &expected, 1)) {
        va_list copy;
        va_copy(copy, vl);
        vsnprintf(sink->first_message, sizeof(sink->first_message), fmt, copy);
        va_end(copy);
        size_t n = strlen(sink->first_message);
        while (n > 0 && (sink->first_message[n - 1] == '\n' || sink->first_message[n - 1] == '.'))
          sink->first_message[--n] = 0;
      }
    }
  }
  av_log_default_callback(avcl, level, fmt, vl);
}

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static void install_log(void) {
  // A library does not print: FFmpeg is quiet unless the application raises the level
  // (cv_set_log_level); errors are still counted per input by the callback.
  av_log_set_level(AV_LOG_QUIET);
  av_log_set_callback(log_callback);
}
void cv_install_log_callback(void) { pthread_once(&log_once, install_log); }

// libavdevice is loaded when an input or output names a format no other library has (v4l2,
// lavfi, x11grab...), not linked: it pulls in about 90 more libraries (SDL, PulseAudio, X11,
// OpenGL...), whose symbol binding took 0.1 s of every start, for files and streams that never
// use them.
static pthread_once_t devices_once = PTHREAD_ONCE_INIT;
static void register_devices(void) {
  void *lib = dlopen("libavdevice.so." AV_STRINGIFY(LIBAVDEVICE_VERSION_MAJOR),
                     RTLD_NOW | RTLD_GLOBAL);
  if (!lib) return;  // no devices: their formats stay unknown, reported as such
  void (*register_all)(void) = (void (*)(void))dlsym(lib, "avdevice_register_all");
  if (register_all) register_all();
}
static void load_devices(void) { pthread_once(&devices_once, register_devices); }

const AVInputFormat *cv_find_demuxer(const char *name) {
  if (!name) return NULL;
  const AVInputFormat *f = av_find_input_format(name);
  if (f) return f;
  load_devices();
  return av_find_input_format(name);
}

const AVOutputFormat *cv_find_muxer(const char *name) {
  if (!name) return NULL;
  const AVOutputFormat *f = av_guess_format(name, NULL, NULL);
  if (f && strcmp(f->name, name) == 0) return f;
  load_devices();  // maybe an output device (v4l2, sdl...)
  const AVOutputFormat *device = av_guess_format(name, NULL, NULL);
  return device ? device : f;
}

int cv_has_muxer(const char *name) {
  const AVOutputFormat *f = cv_find_muxer(name);
  return f && strcmp(f->name, name) == 0;
}

int cv_has_demuxer(const char *name) { return cv_find_demuxer(name) != NULL; }

int cv_has_encoder(const char *name) {
  return name && avcodec_find_encoder_by_name(name) != NULL;
}

const char *cv_guess_muxer(const char *filename) {
  const AVOutputFormat *f = av_guess_format(NULL, filename, NULL);
  return f ? f->name : NULL;
}

// ---------------------------------------------------------------------------------------------

struct cv_options {
  AVDictionary *dict;
};

int cv_options_create(cv_options **out) {
  if (!out) return AVERROR(EINVAL);
  *out = av_mallocz(sizeof(cv_options));
  return *out ? 0 : AVERROR(ENOMEM);
}

int cv_options_set(cv_options *opts, const char *key, const char *value) {
  if (!opts || !key || !value) return AVERROR(EINVAL);
  return av_dict_set(&opts->dict, key, value, 0);
}

void cv_options_free(cv_options **opts) {
  if (!opts || !*opts) return;
  av_dict_free(&(*opts)->dict);
  av_freep(opts);
}

int cv_options_copy_dict(const cv_options *opts, AVDictionary **dst) {
  if (!opts || !opts->dict) return 0;
  return av_dict_copy(dst, opts->dict, 0);
}

void cv_copy_name(char *dst, size_t size, const char *src) {
  if (!dst || size == 0) return;
  if (!src) src = "";
  snprintf(dst, size, "%s", src);
}

double cv_ts_seconds(int64_t ts, AVRational tb) {
  if (ts == AV_NOPTS_VALUE || tb.den == 0) return -1.0;
  return (double)ts * av_q2d(tb);
}
