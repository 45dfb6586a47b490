#include "stream_batcher.h"

#include "json_text.h"

StreamBatcher::StreamBatcher(EventQueue& events, std::chrono::milliseconds max_delay, size_t max_batch)
    : events_(events), max_delay_(max_delay), max_batch_(max_batch), timer_([this] { timer_main(); }) {}

StreamBatcher::~StreamBatcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    flush_locked();
  }
  wake_timer_.notify_all();
  timer_.join();
}

void StreamBatcher::write(Stream stream, uint64_t job, const char* utf8, size_t size) {
  if (size == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!pending_.empty() && (stream != stream_ || job != job_)) flush_locked();
  if (pending_.empty()) {
    stream_ = stream;
    job_ = job;
    first_write_ = std::chrono::steady_clock::now();
    wake_timer_.notify_one();
  }
  pending_.append(utf8, size);
  if (pending_.size() >= max_batch_) flush_locked();
}

void StreamBatcher::flush() {
  std::lock_guard<std::mutex> lock(mutex_);
  flush_locked();
}

void StreamBatcher::flush_locked() {
  if (pending_.empty()) return;
  std::string content;
  content.reserve(pending_.size() + pending_.size() / 8 + 32);
  content.append(stream_ == Stdout ? "{\"name\":\"stdout\",\"text\":" : "{\"name\":\"stderr\",\"text\":");
  append_json_string(content, pending_.data(), pending_.size());
  content.push_back('}');
  pending_.clear();
  events_.push(Event{Event::Kind::Iopub, job_, "stream", std::move(content)});
}

void StreamBatcher::timer_main() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (pending_.empty()) {
      wake_timer_.wait(lock);
      continue;
    }
    auto due = first_write_ + max_delay_;
    if (std::chrono::steady_clock::now() >= due) {
      flush_locked();
    } else {
      wake_timer_.wait_until(lock, due);
    }
  }
}
