// Reading a pipe (standard input) with a timeout.
//
// FFmpeg's own pipe protocol blocks in read(2) and never consults the interrupt callback while
// it waits, so a pipe whose writer stalls (a paused `ffmpeg -re`, a camera relay that hangs)
// would hang camvideo forever and a Ctrl-C could not stop it. This AVIOContext polls the
// descriptor in short slices and asks the input's interrupt callback between them.
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

typedef struct pipe_io {
  int fd;
  int (*should_stop)(void *);
  void *opaque;
} pipe_io;

enum { PIPE_IO_BUFFER = 64 * 1024, PIPE_IO_SLICE_MS = 50 };

static int pipe_io_read(void *opaque, uint8_t *buf, int size) {
  pipe_io *p = opaque;
  for (;;) {
    struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
    int r = poll(&pfd, 1, PIPE_IO_SLICE_MS);
    if (r > 0) {
      ssize_t n = read(p->fd, buf, (size_t)size);
      if (n > 0) return (int)n;
      if (n == 0) return AVERROR_EOF;
      if (errno != EINTR && errno != EAGAIN) return AVERROR(errno);
    } else if (r < 0 && errno != EINTR) {
      return AVERROR(errno);
    }
    if (p->should_stop(p->opaque)) return AVERROR_EXIT;
  }
}

AVIOContext *cv_pipe_io_alloc(int fd, int (*should_stop)(void *), void *opaque) {
  pipe_io *p = av_mallocz(sizeof(*p));
  uint8_t *buffer = av_malloc(PIPE_IO_BUFFER);
  AVIOContext *pb = NULL;
  if (p && buffer) {
    p->fd = fd;
    p->should_stop = should_stop;
    p->opaque = opaque;
    pb = avio_alloc_context(buffer, PIPE_IO_BUFFER, 0, p, pipe_io_read, NULL, NULL);
  }
  if (!pb) {
    av_free(buffer);
    av_free(p);
    return NULL;
  }
  pb->seekable = 0;
  return pb;
}

void cv_pipe_io_free(AVIOContext **pb) {
  if (!pb || !*pb) return;
  av_freep(&(*pb)->opaque);
  av_freep(&(*pb)->buffer);
  avio_context_free(pb);
}
