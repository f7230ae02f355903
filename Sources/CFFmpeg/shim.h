// Umbrella for pkg-config discovery only; Swift code never imports CFFmpeg directly.
#include <libavutil/avutil.h>
