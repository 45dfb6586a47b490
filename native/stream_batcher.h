// Turns many small writes to stdout/stderr into few `stream` messages: text is flushed when the stream
// changes, when another message must go out after it (ordering), when a batch is large, and at the latest
// `max_delay` after its first byte (a background timer, so `print(); time.sleep(60)` still shows at once).
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "event_queue.h"

class StreamBatcher {
 public:
  enum Stream { Stdout = 1, Stderr = 2 };

  StreamBatcher(EventQueue& events, std::chrono::milliseconds max_delay, size_t max_batch);
  ~StreamBatcher();
  StreamBatcher(const StreamBatcher&) = delete;
  StreamBatcher& operator=(const StreamBatcher&) = delete;

  void write(Stream stream, uint64_t job, const char* utf8, size_t size);
  void flush();

 private:
  void flush_locked();
  void timer_main();

  EventQueue& events_;
  const std::chrono::milliseconds max_delay_;
  const size_t max_batch_;

  std::mutex mutex_;
  std::condition_variable wake_timer_;
  Stream stream_ = Stdout;
  uint64_t job_ = 0;
  std::string pending_;
  std::chrono::steady_clock::time_point first_write_;
  bool stopping_ = false;
  std::thread timer_;
};
