// The stdout and stderr the kernel was launched with (a terminal, the Jupyter server's log, a test's file),
// kept on duplicates for the kernel's own log once fds 1 and 2 carry cell output (see fd_capture.h).
#pragma once
#include <string>

struct OriginalOutput {
  int stdout_fd;
  int stderr_fd;
  std::string error;  // why a field is -1 (no descriptor could be duplicated); "" when both are open
};

// Duplicates fds 1 and 2 on first use; later calls return the same descriptors. They stay open for the
// process's life: Node writes its log to them until the very end.
const OriginalOutput& original_output();

// A line for the kernel's log from native code, where the TypeScript log() cannot be reached.
void log_to_original_stderr(const std::string& message);
