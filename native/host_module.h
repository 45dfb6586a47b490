// `_pyswitch_host`: the builtin module through which the Python side reaches the kernel (stream output,
// iopub messages, stdin). Its functions run on whichever Python thread calls them, with the GIL held.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

class HostServices {
 public:
  virtual ~HostServices() = default;
  virtual void write(int stream, const char* utf8, size_t size) = 0;
  virtual void flush() = 0;
  // An iopub message: content and metadata as JSON ("" metadata means {}), then binary buffers.
  virtual void send(std::string msg_type, std::string content, std::string metadata,
                    std::vector<std::string> buffers) = 0;
  // Blocks until the frontend answers; false when the wait was interrupted.
  virtual bool read_input(const std::string& prompt, bool password, std::string* reply) = 0;
  // Asks the kernel itself (JSON in, JSON out: the active environment, a switch after this cell, ...).
  // Blocks until it answers; false when the wait was interrupted.
  virtual bool ask_kernel(const std::string& request, std::string* reply) = 0;
};

// One embedded interpreter per process, so one set of services; set before the interpreter starts.
void set_host_services(HostServices* services);

// Adds the module to the interpreter's builtin table, once per interpreter life (finalize resets it).
bool register_host_module();
