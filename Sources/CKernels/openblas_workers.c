// OpenBLAS's worker threads stopped as soon as it has started them.
//
// OpenBLAS reads its thread count when it is loaded, before `main`, and starts that many worker
// threads, which spin (sched_yield in a loop) for about 0.1 s before they sleep. The engine never
// hands OpenBLAS more than one thread (it splits its work itself, ``Parallel``), so those
// workers only took a core at every start: 0.1–0.2 s of CPU per command (`camvideo layers`: 3100
// sched_yield calls), while the model loads and decoding could use that core. This constructor
// runs right after the libraries' (the executable's, or the object linking CKernels, run after
// those of the libraries they need): it notes the count OpenBLAS started with, puts OpenBLAS on
// one thread and stops its workers. Nothing may call `openblas_set_num_threads` after that, not
// even with 1: it starts the thread server again, whose workers spin once more (2975
// sched_yield calls in a 16-frame render). Looked up by name, so it does nothing where OpenBLAS
// is not loaded or has no thread server (a serial build).
#include "ckernels.h"

#include <dlfcn.h>

static long started;

__attribute__((constructor)) static void stop_openblas_workers(void) {
  int (*get)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "openblas_get_num_threads");
  void (*set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
  int (*shutdown)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "blas_thread_shutdown_");
  if (!get || !set) return;
  started = get();
  set(1);
  if (shutdown) shutdown();
}

long ck_openblas_started_threads(void) { return started; }

int ck_openblas_server_running(void) {
  const int *avail = (const int *)dlsym(RTLD_DEFAULT, "blas_server_avail");
  return avail ? *avail != 0 : -1;
}
