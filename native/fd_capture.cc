#include "fd_capture.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <system_error>

#include "original_output.h"

namespace {

constexpr size_t kReadSize = 64 * 1024;
// How long sync() waits for the reader. It is normally done in microseconds; the bound only matters
// when the reader gets no CPU, or a background child keeps the pipe full.
constexpr auto kMaxSyncWait = std::chrono::milliseconds(100);
// See before_python_output(). A print loop writes every 200-500 ns; a child process takes hundreds of µs.
// At 20 µs a write costs only the clock read, and what children write stays in order with Python's own
// output. A printf from this process right between two prints (under 20 µs apart) may trail them, as in
// ipykernel; catching those too (a 500 ns gap) made a 200k-line print loop 1.1-1.7x slower here.
constexpr auto kQuietGap = std::chrono::microseconds(20);

std::string errno_text(const std::string& what) { return what + ": " + strerror(errno); }

// C code may have made stdio buffered (it is fully buffered on a pipe by default; Node makes it
// unbuffered): what it printf'd then sits in this process until flushed. A failed flush is the C code's
// own stream error, which it sees through ferror().
void flush_c_stdio() {
  fflush(stdout);
  fflush(stderr);
}

}  // namespace

FdCapture::FdCapture(Sink sink) : sink_(std::move(sink)) {}

std::unique_ptr<FdCapture> FdCapture::start(Sink sink, std::string* error) {
  std::unique_ptr<FdCapture> capture(new FdCapture(std::move(sink)));
  *error = capture->open();
  if (!error->empty()) return nullptr;  // the destructor undid whatever open() had done
  return capture;
}

std::string FdCapture::open() {
  const OriginalOutput& original = original_output();
  if (!original.error.empty()) return "cannot keep the kernel's own stdout and stderr: " + original.error;
  int wake[2];
  if (pipe2(wake, O_CLOEXEC) != 0) return errno_text("pipe2");
  wake_read_.reset(wake[0]);
  wake_write_.reset(wake[1]);
  flush_c_stdio();  // what C code wrote before the capture belongs to the kernel's log
  for (Captured& captured : captured_) {
    int ends[2];
    // Both ends close-on-exec: a child gets the write end only as its fd 1 or 2, which dup2 leaves
    // inheritable.
    if (pipe2(ends, O_CLOEXEC) != 0) return errno_text("pipe2");
    captured.read_end.reset(ends[0]);
    UniqueFd write_end(ends[1]);
    // Only our end is non-blocking: children expect a blocking stdout.
    int flags = fcntl(ends[0], F_GETFL);
    if (flags < 0 || fcntl(ends[0], F_SETFL, flags | O_NONBLOCK) != 0) return errno_text("fcntl(O_NONBLOCK)");
    if (dup2(write_end.get(), captured.target) < 0) {
      return errno_text("dup2 onto fd " + std::to_string(captured.target));
    }
    captured.redirected = true;
  }
  try {
    reader_ = std::thread([this] { reader_main(); });
  } catch (const std::system_error& failure) {
    return std::string("cannot start the output reader thread: ") + failure.what();
  }
  return "";
}

FdCapture::~FdCapture() {
  flush_c_stdio();  // C output written up to now still belongs to the cells
  for (Captured& captured : captured_) restore(captured);
  wake_write_.reset();  // the reader sees the hang-up
  if (reader_.joinable()) reader_.join();
}

void FdCapture::restore(Captured& captured) {
  if (!captured.redirected) return;
  int original = captured.target == 1 ? original_output().stdout_fd : original_output().stderr_fd;
  if (dup2(original, captured.target) < 0) {
    log_to_original_stderr(errno_text("fd capture: cannot restore fd " + std::to_string(captured.target)));
  }
  captured.redirected = false;
}

void FdCapture::sync() {
  flush_c_stdio();
  if (!pipes_hold_data()) {
    // Empty pipes: every byte written so far has been read. Taking the lock waits out its delivery.
    std::lock_guard<std::mutex> lock(mutex_);
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  // With the lock held nothing is in flight: all that was written so far is delivered once the reader has
  // consumed what it had consumed before, plus what the pipe holds now. Later writes need not be waited for.
  uint64_t targets[2];
  for (size_t i = 0; i < captured_.size(); ++i) targets[i] = captured_[i].consumed + unread_bytes(captured_[i]);
  delivered_.wait_for(lock, kMaxSyncWait, [&] {
    return captured_[0].consumed >= targets[0] && captured_[1].consumed >= targets[1];
  });
}

uint64_t FdCapture::unread_bytes(const Captured& captured) {
  int bytes = 0;
  if (ioctl(captured.read_end.get(), FIONREAD, &bytes) != 0) {
    log_to_original_stderr(errno_text("fd capture: FIONREAD"));
    return 0;
  }
  return static_cast<uint64_t>(bytes);
}

// One poll() for both pipes, the cheapest check there is: it still costs a system call, so sync() is the
// fast path only when there is a reason to look (see before_python_output).
bool FdCapture::pipes_hold_data() {
  pollfd fds[2] = {{captured_[0].read_end.get(), POLLIN, 0}, {captured_[1].read_end.get(), POLLIN, 0}};
  int ready = poll(fds, 2, 0);
  return ready != 0;  // an error (EINTR from an interrupt) is taken as "maybe": sync() then checks exactly
}

// A system call per Python write would double the cost of printing (a loop printing 200k lines calls
// write 400k times), so the check is only made when something else ran on this thread since its previous
// Python output: a print loop writes every few hundred nanoseconds, while whatever could have written to
// fds 1 and 2 in between — at least a write system call, a child process waited for — takes longer. That
// covers C code too: Node leaves C stdout unbuffered, so a printf is such a write system call.
void FdCapture::before_python_output() {
  thread_local std::chrono::steady_clock::time_point previous;
  auto now = std::chrono::steady_clock::now();
  bool paused = now - previous >= kQuietGap;
  previous = now;
  if (paused) {
    sync();
    previous = std::chrono::steady_clock::now();  // the sync's own time is no pause in the Python output
  }
}

void FdCapture::reader_main() {
  pollfd fds[3] = {
      {captured_[0].read_end.get(), POLLIN, 0},
      {captured_[1].read_end.get(), POLLIN, 0},
      {wake_read_.get(), POLLIN, 0},
  };
  for (;;) {
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      log_to_original_stderr(errno_text("fd capture: poll") + "; output of fds 1 and 2 is no longer shown");
      break;
    }
    if (fds[2].revents != 0) break;
    // One chunk per ready pipe and round: a child flooding stdout does not hold back stderr, nor the stop.
    for (size_t i = 0; i < captured_.size(); ++i) {
      // A closed pipe (no writer left) is left out of later polls (poll skips negative fds).
      if (fds[i].revents != 0 && read_some(captured_[i]) == ReadResult::Closed) fds[i].fd = -1;
    }
  }
  // Stopping: fds 1 and 2 point elsewhere by now. Take what the pipes hold — not what a background child
  // goes on writing into them — then end the text.
  for (Captured& captured : captured_) {
    uint64_t target = captured.consumed + unread_bytes(captured);
    while (captured.consumed < target && read_some(captured) == ReadResult::Data) {
    }
    std::lock_guard<std::mutex> lock(mutex_);
    text_.clear();
    captured.decoder.finish(text_);
    if (!text_.empty()) sink_(captured.target, text_.data(), text_.size());
  }
}

FdCapture::ReadResult FdCapture::read_some(Captured& captured) {
  char buffer[kReadSize];
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ssize_t size = read(captured.read_end.get(), buffer, sizeof buffer);
    if (size < 0) {
      if (errno == EAGAIN || errno == EINTR) return ReadResult::Empty;
      log_to_original_stderr(errno_text("fd capture: read from fd " + std::to_string(captured.target)));
      return ReadResult::Closed;
    }
    if (size == 0) return ReadResult::Closed;
    captured.consumed += static_cast<uint64_t>(size);
    text_.clear();
    captured.decoder.decode(buffer, static_cast<size_t>(size), text_);
    sink_(captured.target, text_.data(), text_.size());
  }
  delivered_.notify_all();
  return ReadResult::Data;
}
