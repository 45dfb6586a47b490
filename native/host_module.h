// `_pyswitch_host`: the builtin module through which the Python side reaches the kernel (stream output,
// iopub messages, stdin). Its functions run on whichever Python thread calls them, with the GIL held.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

class HostServices {
 public:
  virtual ~HostServices() = default;
  // `job`: the request the output belongs to (see caller_job below); 0 is the running one.
  virtual void write(int stream, uint64_t job, const char* utf8, size_t size) = 0;
  virtual void flush() = 0;
  // An iopub message: content and metadata as JSON ("" metadata means {}), then binary buffers.
  virtual void send(uint64_t job, std::string msg_type, std::string content, std::string metadata,
                    std::vector<std::string> buffers) = 0;
  // Blocks until the frontend answers; false when the wait was interrupted.
  virtual bool read_input(const std::string& prompt, bool password, std::string* reply) = 0;
  // Asks the kernel itself (JSON in, JSON out: the active environment, a switch after this cell, ...).
  // Blocks until it answers; false when the wait was interrupted.
  virtual bool ask_kernel(const std::string& request, std::string* reply) = 0;
};

// Hands the services to the module of the interpreter that has just started (the owner, PythonRuntime,
// outlives it). Before this, the module's functions raise RuntimeError. Returns "" or what failed; the
// caller holds the GIL.
std::string bind_host_services(HostServices* services);

// Output belongs to the request whose context made it: `_pyswitch_host.job`, a ContextVar, holds the job
// id of the request being served (enter_request sets it in the interpreter's main context as each
// request starts); asyncio tasks copy it with their context, and the Python side hands it to the threads
// a request starts (pyswitch/_thread_output.py). So a thread or task started by cell 1 prints into cell
// 1 while cell 2 runs. Both run on the Python thread with the GIL held.
void enter_request(uint64_t job);

// Adds the module to the interpreter's builtin table, once per interpreter life (finalize resets it).
bool register_host_module();
