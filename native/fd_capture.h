// Output from below Python: what child processes (`os.system`, `subprocess.run`) and C code (printf)
// write to fds 1 and 2 while the interpreter runs. Both descriptors are pointed at pipes, and one reader
// thread drains them continuously — a child writing megabytes never blocks on a full pipe while the cell
// waits for it — and hands their text, decoded as UTF-8, to a sink.
//
// Python's own output does not pass through here (sys.stdout writes straight into the batcher, much
// faster than a pipe). Its order with fd output is kept by the writing side, which calls sync() or
// before_python_output() before it publishes anything that must come after the fd output so far.
//
// The kernel's own log must not follow fds 1 and 2 into the cells: it goes to original_output().
#pragma once
#include <array>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "unique_fd.h"
#include "utf8_decoder.h"

class FdCapture {
 public:
  // Receives the text written to fd 1 or 2, on the reader thread.
  using Sink = std::function<void(int fd, const char* utf8, size_t size)>;

  // Points fds 1 and 2 at pipes and starts the reader. On failure returns null with *error set, and fds 1
  // and 2 are as they were.
  static std::unique_ptr<FdCapture> start(Sink sink, std::string* error);
  // Points fds 1 and 2 back at the original output, delivers what the pipes still hold, ends the reader.
  ~FdCapture();
  FdCapture(const FdCapture&) = delete;
  FdCapture& operator=(const FdCapture&) = delete;

  // Returns once everything written to fds 1 and 2 so far (C stdio buffers included) has reached the
  // sink, or after a short bound: a reader starved of CPU may delay fd output, never the kernel.
  // Thread-safe; needs no GIL.
  void sync();
  // sync() when fd output may have been written since this thread's previous Python output (see .cc).
  void before_python_output();

 private:
  struct Captured {
    explicit Captured(int fd) : target(fd) {}
    int target;  // 1 or 2
    UniqueFd read_end;
    Utf8Decoder decoder;
    uint64_t consumed = 0;  // bytes taken from the pipe and delivered; guarded by mutex_
    bool redirected = false;
  };
  enum class ReadResult { Data, Empty, Closed };

  explicit FdCapture(Sink sink);
  std::string open();
  bool pipes_hold_data();
  uint64_t unread_bytes(const Captured& captured);
  void reader_main();
  ReadResult read_some(Captured& captured);
  void restore(Captured& captured);

  Sink sink_;
  // The reader holds it from read() until the text is with the sink: whoever holds it sees nothing in
  // flight, only bytes still in the pipes.
  std::mutex mutex_;
  std::condition_variable delivered_;
  std::array<Captured, 2> captured_{{Captured(1), Captured(2)}};
  std::string text_;  // the reader's decode buffer, kept to reuse its allocation
  UniqueFd wake_read_;  // hangs up when wake_write_ is closed: the reader must stop
  UniqueFd wake_write_;
  std::thread reader_;
};
