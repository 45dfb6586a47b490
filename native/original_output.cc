#include "original_output.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

namespace {

// Above 2, so that a duplicate never lands on a standard descriptor; close-on-exec, so that child
// processes see only the captured fds 1 and 2. Node opens /dev/null on any of fds 0-2 that was closed at
// launch, so fds 1 and 2 always exist here.
int duplicate(int fd, std::string* error) {
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (copy < 0) *error += "cannot duplicate fd " + std::to_string(fd) + ": " + strerror(errno) + "; ";
  return copy;
}

OriginalOutput duplicate_both() {
  OriginalOutput fds;
  fds.stdout_fd = duplicate(1, &fds.error);
  fds.stderr_fd = duplicate(2, &fds.error);
  return fds;
}

}  // namespace

const OriginalOutput& original_output() {
  static const OriginalOutput fds = duplicate_both();  // thread-safe, once per process
  return fds;
}

void log_to_original_stderr(const std::string& message) {
  std::string line = "[pyswitch] " + message + "\n";
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t written = write(original_output().stderr_fd, data, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // the log has nowhere else to go
    data += written;
    left -= static_cast<size_t>(written);
  }
}
