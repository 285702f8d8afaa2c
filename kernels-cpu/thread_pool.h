/* spikegrad CPU: a small fixed thread pool for parallel-for over work items.
 *
 * Why not OpenMP: how long OpenMP workers spin after a region is the runtime's
 * choice (GOMP_SPINCOUNT, OMP_WAIT_POLICY), not the kernels'; spinning threads
 * had taken cycles from the OpenBLAS calls that ran next. This pool's threads
 * poll for at most 1 ms after a region, since
 * the kernels of one training step come microseconds apart and a sleeping
 * worker took 50-100 us to wake on the development VM; then they sleep on a
 * condition variable. With more threads than usable CPUs they never poll.
 * Work is split into contiguous static ranges that depend only on the item
 * count and the thread count, and no kernel result depends on the split
 * (reductions go through per-item buffers summed in a fixed order). Range k is
 * worker k's unless the caller, done with range 0, finds it not yet started:
 * then the caller runs it. So any thread may run any range, and a range's
 * results must not stay in the running thread's thread_local scratch past the
 * body (weight_grad's index lives in the calling thread's, one per part). */
#ifndef SPIKEGRAD_THREAD_POOL_H
#define SPIKEGRAD_THREAD_POOL_H

#include <cstdint>
#include <functional>

namespace sg {

/* Runs body(part, begin, end) over [0, n) split into parts_for(n) contiguous
 * ranges, part = 0, 1, ...; returns when every range is done. The calling
 * thread takes part 0, and any part whose worker has not started when it is
 * done with that. body must not throw: kernels allocate their per-part
 * scratch before calling (see parts_for). body must not call parallel_for,
 * parts_for or num_threads either: the pool's lock is held while it runs, so
 * such a call never returns (read the thread count before the region). */
using RangeBody = std::function<void(int, int64_t, int64_t)>;
void parallel_for(int64_t n, const RangeBody& body);

/* How many parts parallel_for(n, ...) will use: min(n, num_threads()), >= 1. */
int parts_for(int64_t n);

int num_threads();
void set_num_threads(int n);

}  // namespace sg

#endif
