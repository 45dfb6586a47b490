// docs/performance.md, "The interrupt's path, timed": what handing a job to another thread and
// getting the answer back costs on this machine, with a condition variable (as the kernel's job
// queue, native/python_runtime.cc) and with a spinning waiter, back to back and with a pause
// before each round trip (the waiter has gone to sleep, as between two requests).
//   g++ -O2 -pthread docs/measure/thread_wake.cc -o /tmp/thread_wake && /tmp/thread_wake
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRounds = 2000;

struct Percentiles {
  double p50, p90;
};

Percentiles summarise(std::vector<double> micros) {
  std::sort(micros.begin(), micros.end());
  return {micros[micros.size() / 2], micros[micros.size() * 9 / 10]};
}

template <typename RoundTrip>
Percentiles time_round_trips(int pause_us, RoundTrip round_trip) {
  std::vector<double> micros;
  for (int i = 0; i < kRounds; i++) {
    if (pause_us > 0) usleep(pause_us);
    auto started = Clock::now();
    round_trip();
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started).count());
  }
  return summarise(micros);
}

Percentiles condition_variable_round_trips(int pause_us) {
  std::mutex mutex;
  std::condition_variable changed;
  int asked = 0, answered = 0;
  bool quit = false;
  std::thread worker([&] {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      changed.wait(lock, [&] { return asked != answered || quit; });
      if (quit) return;
      answered = asked;
      changed.notify_all();
    }
  });
  Percentiles result = time_round_trips(pause_us, [&] {
    std::unique_lock<std::mutex> lock(mutex);
    asked++;
    changed.notify_all();
    changed.wait(lock, [&] { return answered == asked; });
  });
  {
    std::lock_guard<std::mutex> lock(mutex);
    quit = true;
  }
  changed.notify_all();
  worker.join();
  return result;
}

Percentiles spinning_round_trips(int pause_us) {
  std::atomic<int> asked{0}, answered{0};
  std::atomic<bool> quit{false};
  std::thread worker([&] {
    int seen = 0;
    while (!quit.load()) {
      int now = asked.load();
      if (now != seen) answered.store(seen = now);
    }
  });
  Percentiles result = time_round_trips(pause_us, [&] {
    int mine = asked.fetch_add(1) + 1;
    while (answered.load() != mine) {
    }
  });
  quit = true;
  worker.join();
  return result;
}

}  // namespace

int main() {
  for (int pause_us : {0, 200, 1000}) {
    Percentiles waiting = condition_variable_round_trips(pause_us);
    Percentiles spinning = spinning_round_trips(pause_us);
    std::printf("pause %4d us: condition variable p50 %.1f us, p90 %.1f us; spinning p50 %.2f us, p90 %.2f us\n",
                pause_us, waiting.p50, waiting.p90, spinning.p50, spinning.p90);
  }
  return 0;
}
