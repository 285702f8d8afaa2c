#include "thread_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SG_PAUSE() _mm_pause()
#else
#define SG_PAUSE() std::this_thread::yield()
#endif

namespace sg {
namespace {

/* How long a thread polls before it blocks: a worker for the next region, the
 * caller for the workers to finish. The kernels of one training step come a few
 * microseconds apart, and a wake-up through the kernel costs more than that
 * (tens of microseconds under a hypervisor), so each region used to start late
 * on the workers and end late on the caller. 1 ms also spans the Java work
 * between kernels (a loss, an Adam step: 0.2-0.3 ms each); against 200 us the
 * bench's shd-ff median went 13.0 -> 11.6 ms (8 alternated pairs, faster in 7)
 * and shd-rec's was lower in 3 of 3. When there are more threads than cores,
 * polling would take a core from a thread with work: no polling then. */
constexpr std::chrono::microseconds kPoll{1000};

/* The region a worker is told about, in one word so that a worker reads the
 * generation and the part count of the same region: (generation << 16) | parts. */
constexpr int kPartBits = 16;
constexpr int kMaxThreads = (1 << kPartBits) - 1;

/* CPUs this process may run on (its affinity mask, which a container or taskset narrows),
 * else the machine's count; 0 when unknown. */
int usable_cpus() {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
#endif
    return static_cast<int>(std::thread::hardware_concurrency());
}

class Pool {
public:
    explicit Pool(int threads) { resize(threads); }
    ~Pool() { stop(); }

    int size() {
        std::lock_guard<std::mutex> g(run_mutex_);
        return static_cast<int>(workers_.size()) + 1;
    }

    void resize(int threads) {
        std::lock_guard<std::mutex> g(run_mutex_);
        stop();
        if (threads > kMaxThreads) threads = kMaxThreads;
        int cpus = usable_cpus();
        poll_ = cpus > 0 && threads <= cpus ? kPoll : std::chrono::microseconds{0};
        quit_.store(false);
        ticket_.store(0);
        taken_ = std::vector<std::atomic<uint64_t>>(threads > 0 ? threads : 1);
        for (int k = 1; k < threads; ++k) workers_.emplace_back([this, k] { loop(k); });
    }

    void run(int64_t n, const RangeBody& body) {
        std::lock_guard<std::mutex> g(run_mutex_);  // one parallel region at a time
        int parts = static_cast<int>(workers_.size()) + 1;
        if (n <= 1 || parts == 1) {
            if (n > 0) body(0, 0, n);
            return;
        }
        if (n < parts) parts = static_cast<int>(n);
        body_ = &body;
        n_ = n;
        parts_ = parts;
        pending_.store(parts - 1, std::memory_order_relaxed);
        uint64_t next = ((ticket_.load(std::memory_order_relaxed) >> kPartBits) + 1) << kPartBits;
        ticket_.store(next | static_cast<uint64_t>(parts));  // seq_cst: ordered before the sleepers_ load
        if (sleepers_.load() > 0) {
            std::lock_guard<std::mutex> lk(m_);
            cv_.notify_all();
        }
        const uint64_t gen = next >> kPartBits;
        body(0, 0, range_end(0));
        // a part whose worker has not started yet is the caller's too: a worker that the host
        // or another thread kept off its CPU (4 % of the regions of a shd-ff bench started
        // more than 1 ms late) would otherwise hold up the whole region
        for (int k = 1; k < parts; ++k) {
            if (claim(k, gen)) {
                body(k, range_begin(k), range_end(k));
                pending_.fetch_sub(1, std::memory_order_release);
            }
        }
        if (!poll_until([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
            std::unique_lock<std::mutex> lk(m_);
            caller_sleeping_.store(true);
            done_cv_.wait(lk, [this] { return pending_.load() == 0; });
            caller_sleeping_.store(false);
        }
        body_ = nullptr;
    }

private:
    /* Part k of region gen goes to whichever thread claims it first, its worker or the caller:
     * taken_[k] holds the last region whose part k was claimed, and regions only count up.
     * Which thread runs a part changes no result: parts write disjoint outputs, and a thread's
     * scratch is used by one part at a time. */
    bool claim(int k, uint64_t gen) {
        uint64_t seen = taken_[k].load(std::memory_order_relaxed);
        while (seen < gen)
            if (taken_[k].compare_exchange_weak(seen, gen, std::memory_order_acq_rel, std::memory_order_relaxed)) return true;
        return false;
    }

    int64_t range_begin(int k) const { return n_ * k / parts_; }
    int64_t range_end(int k) const { return n_ * (k + 1) / parts_; }

    // polls done() for up to poll_; true when it held
    template <class Done>
    bool poll_until(Done done) const {
        if (done()) return true;
        if (poll_.count() == 0) return false;
        auto until = std::chrono::steady_clock::now() + poll_;
        for (;;) {
            for (int k = 0; k < 32; ++k) {
                SG_PAUSE();
                if (done()) return true;
            }
            if (std::chrono::steady_clock::now() >= until) return done();
        }
    }

    void loop(int k) {
        uint64_t seen = 0;
        for (;;) {
            uint64_t t = 0;
            auto fresh = [&] {
                t = ticket_.load(std::memory_order_acquire);
                return t != seen || quit_.load(std::memory_order_relaxed);
            };
            if (!poll_until(fresh)) {
                std::unique_lock<std::mutex> lk(m_);
                sleepers_.fetch_add(1);  // seq_cst: before the ticket load in fresh()
                cv_.wait(lk, fresh);
                sleepers_.fetch_sub(1);
            }
            if (quit_.load()) return;
            seen = t;
            int parts = static_cast<int>(t & kMaxThreads);
            if (k >= parts) continue;  // fewer ranges than threads this time: not counted in pending_
            // the caller may have run this part already (and even finished the region): body_
            // and the ranges are only read once the part is ours, which keeps the region open
            if (!claim(k, t >> kPartBits)) continue;
            (*body_)(k, range_begin(k), range_end(k));
            if (pending_.fetch_sub(1) == 1 && caller_sleeping_.load()) {
                std::lock_guard<std::mutex> lk(m_);
                done_cv_.notify_one();
            }
        }
    }

    void stop() {
        {
            std::lock_guard<std::mutex> lk(m_);
            quit_.store(true);
        }
        cv_.notify_all();
        for (auto& w : workers_) w.join();
        workers_.clear();
    }

    std::mutex run_mutex_;
    std::mutex m_;
    std::condition_variable cv_, done_cv_;
    std::vector<std::thread> workers_;
    // written by the caller before the ticket that announces them; read by the
    // workers of that region, which the caller waits for before it writes them again
    const RangeBody* body_ = nullptr;
    int64_t n_ = 0;
    int parts_ = 1;
    std::atomic<uint64_t> ticket_{0};
    std::vector<std::atomic<uint64_t>> taken_;  // [threads] see claim()
    std::atomic<int> pending_{0};
    std::atomic<int> sleepers_{0};
    std::atomic<bool> caller_sleeping_{false};
    std::atomic<bool> quit_{false};
    std::chrono::microseconds poll_{0};
};

int default_threads() {
    unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
}

Pool& pool() {
    static Pool p(default_threads());
    return p;
}

}  // namespace

void parallel_for(int64_t n, const RangeBody& body) { pool().run(n, body); }
int num_threads() { return pool().size(); }
int parts_for(int64_t n) {
    int t = num_threads();
    return n < 1 ? 1 : (n < t ? (int)n : t);
}
void set_num_threads(int n) {
    if (n != num_threads()) pool().resize(n);
}

}  // namespace sg
