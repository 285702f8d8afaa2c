#include "thread_pool.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace sg {
namespace {

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
        quit_ = false;
        generation_ = 0;
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
        {
            std::lock_guard<std::mutex> lk(m_);
            body_ = &body;
            n_ = n;
            parts_ = parts;
            pending_ = parts - 1;
            ++generation_;
        }
        cv_.notify_all();
        body(0, 0, range_end(0));
        std::unique_lock<std::mutex> lk(m_);
        done_cv_.wait(lk, [this] { return pending_ == 0; });
        body_ = nullptr;
    }

private:
    int64_t range_begin(int k) const { return n_ * k / parts_; }
    int64_t range_end(int k) const { return n_ * (k + 1) / parts_; }

    void loop(int k) {
        uint64_t seen = 0;
        for (;;) {
            std::unique_lock<std::mutex> lk(m_);
            cv_.wait(lk, [&] { return quit_ || generation_ != seen; });
            if (quit_) return;
            seen = generation_;
            if (k >= parts_) continue;  // fewer ranges than threads this time
            const auto* body = body_;
            int64_t b = range_begin(k), e = range_end(k);
            lk.unlock();
            (*body)(k, b, e);
            lk.lock();
            if (--pending_ == 0) done_cv_.notify_one();
        }
    }

    void stop() {
        {
            std::lock_guard<std::mutex> lk(m_);
            quit_ = true;
        }
        cv_.notify_all();
        for (auto& w : workers_) w.join();
        workers_.clear();
    }

    std::mutex run_mutex_;
    std::mutex m_;
    std::condition_variable cv_, done_cv_;
    std::vector<std::thread> workers_;
    const RangeBody* body_ = nullptr;
    int64_t n_ = 0;
    int parts_ = 1;
    int pending_ = 0;
    uint64_t generation_ = 0;
    bool quit_ = false;
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
