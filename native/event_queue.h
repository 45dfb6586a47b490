// The one road from the Python thread (and its helpers) to Node's main thread. Events keep the order in
// which they were pushed; the consumer is woken once per batch, not once per event.
#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

struct Event {
  enum class Kind { Iopub, Reply, InputRequest, KernelRequest, ThreadEnded };
  Kind kind;
  uint64_t job;          // the request that caused it; the TypeScript side maps it to a parent header
  std::string type;      // Iopub: msg_type. Reply: "ok" or an error code. InputRequest: the prompt
  std::string payload;   // Iopub: content JSON. Reply: JSON result or error text. KernelRequest: JSON.
                         // ThreadEnded: why the Python thread ended
  bool password = false; // InputRequest only
  std::string metadata{};              // Iopub: the message's metadata JSON; empty means {}
  std::vector<std::string> buffers{};  // Iopub: binary frames after the content (comm messages)
};

class EventQueue {
 public:
  // wake() is called (from any thread) when the queue goes from empty to non-empty.
  explicit EventQueue(std::function<void()> wake) : wake_(std::move(wake)) {}

  void push(Event event) {
    bool was_empty;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      was_empty = events_.empty();
      events_.push_back(std::move(event));
    }
    if (was_empty) wake_();
  }

  std::vector<Event> drain() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Event> out;
    out.swap(events_);
    return out;
  }

 private:
  std::function<void()> wake_;
  std::mutex mutex_;
  std::vector<Event> events_;
};
