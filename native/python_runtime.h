// The embedded interpreter's home: one dedicated native thread that initialises CPython, runs every request
// and finalizes it (docs/runtime-facts.md, fact 3), fed by a job queue from Node's main thread. Results and
// output travel back through the EventQueue, in order.
#pragma once
#include "py_ref.h"  // Python.h first, as CPython asks

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "event_queue.h"
#include "fd_capture.h"
#include "host_module.h"
#include "python_init.h"
#include "stream_batcher.h"

class PythonRuntime : public HostServices {
 public:
  explicit PythonRuntime(EventQueue& events);
  ~PythonRuntime() override;

  // Each returns the job id that its Reply event will carry. Called on Node's main thread.
  uint64_t start(InitOptions options);
  // `buffers`: the request's binary frames, handed to handle() as a list of bytes.
  uint64_t call(std::string method, std::string payload, std::vector<std::string> buffers);
  uint64_t stop();
  // Finalizes the running interpreter and starts one configured by `options`: an environment switch.
  uint64_t restart(InitOptions options);

  // Interrupts the running request (or a pending input()); false when nothing was running.
  bool interrupt();
  // Answers the pending input() or kernel request.
  void provide_answer(std::string text);
  // Waits for the Python thread to end (after stop()'s reply).
  void join();

  // HostServices, called from Python threads with the GIL held.
  void write(int stream, uint64_t job, const char* utf8, size_t size) override;
  void flush() override;
  void send(uint64_t job, std::string msg_type, std::string content, std::string metadata,
            std::vector<std::string> buffers) override;
  bool read_input(const std::string& prompt, bool password, std::string* reply) override;
  bool ask_kernel(const std::string& request, std::string* reply) override;

 private:
  struct Job {
    enum class Kind { Start, Call, Restart, Stop } kind;
    uint64_t id;
    std::string method;
    std::string payload;
    InitOptions init;
    std::vector<std::string> buffers{};  // Call only
  };

  uint64_t enqueue(Job job);
  void thread_main();
  void serve_jobs();
  void run_start(const Job& job);
  void run_call(const Job& job);
  void run_stop(const Job& job);
  void finalize_interpreter();
  std::string capture_fd_output();
  void flush_output();
  void reply(uint64_t job, bool ok, std::string payload);
  void reply_with(uint64_t job, const char* code, std::string payload);
  void set_running(uint64_t job);
  void clear_running();
  void discard_pending_interrupt();
  bool await_answer(Event question, std::string* answer);
  void bounce_gil();
  void join_bouncer();

  EventQueue& events_;
  StreamBatcher batcher_;
  std::unique_ptr<FdCapture> capture_;  // while the interpreter runs

  std::mutex jobs_mutex_;
  std::condition_variable jobs_ready_;
  std::deque<Job> jobs_;
  uint64_t next_job_ = 1;

  // Request state shared with interrupt() and provide_answer(), guarded by state_mutex_.
  std::mutex state_mutex_;
  std::condition_variable answer_ready_;
  std::atomic<uint64_t> current_job_{0};
  bool running_ = false;
  bool waiting_for_answer_ = false;
  bool answer_interrupted_ = false;
  std::optional<std::string> answer_;

  bool initialized_ = false;
  // libmpdec keeps process-wide state across interpreters: once _decimal has been initialised, each later
  // init of it prints a C warning on fd 2 (docs/ipykernel-parity.md). A re-init then loads it before fd 2 is
  // captured, so the warning goes to the kernel's log and not into the first cell that imports decimal.
  bool decimal_initialised_ = false;
  PyThreadState* main_thread_state_ = nullptr;
  PyRef handle_;  // pyswitch._kernel.handle while initialized

  std::atomic<bool> bounce_in_flight_{false};
  std::thread bouncer_;
  std::thread thread_;
};
