#include "python_runtime.h"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include "py_error.h"

namespace {

constexpr auto kStreamMaxDelay = std::chrono::milliseconds(20);
constexpr size_t kStreamMaxBatch = 256 * 1024;
const char kEntryModule[] = "pyswitch._kernel";

// The interval timers a cell armed (signal.alarm, signal.setitimer) would fire into the next interpreter,
// or into the next image (execve keeps them), where no handler of the cell's is left and the signal's
// default action ends the process (docs/runtime-facts.md, fact 14).
void cancel_interval_timers() {
  const itimerval off{};
  for (int which : {ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF}) setitimer(which, &off, nullptr);
}
const char kEntryFunction[] = "handle";
// Error codes of failed replies.
const char kInitFailed[] = "init_failed";          // the interpreter did not start
const char kAlreadyRunning[] = "already_running";  // start while one runs
const char kNotRunning[] = "not_running";          // a call with no interpreter
const char kPythonError[] = "python_error";        // handle() raised, or did not return bytes

// pthread_kill(SIGINT) is only safe while a handler catches it: under SIG_DFL it kills the whole kernel.
bool sigint_is_handled() {
  struct sigaction current;
  if (sigaction(SIGINT, nullptr, &current) != 0) return false;
  if (current.sa_flags & SA_SIGINFO) return true;
  return current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN;
}

// A list of bytes objects; empty with a Python error set when memory ran out.
PyRef bytes_list(const std::vector<std::string>& items) {
  PyRef list(PyList_New(static_cast<Py_ssize_t>(items.size())));
  if (!list) return list;
  for (size_t i = 0; i < items.size(); ++i) {
    PyObject* item = PyBytes_FromStringAndSize(items[i].data(), static_cast<Py_ssize_t>(items[i].size()));
    if (!item) return PyRef();
    PyList_SET_ITEM(list.get(), static_cast<Py_ssize_t>(i), item);  // steals the reference
  }
  return list;
}

}  // namespace

PythonRuntime::PythonRuntime(EventQueue& events)
    : events_(events), batcher_(events, kStreamMaxDelay, kStreamMaxBatch), thread_([this] { thread_main(); }) {}

PythonRuntime::~PythonRuntime() {
  if (thread_.joinable()) {
    stop();
    thread_.join();
  }
  join_bouncer();
}

uint64_t PythonRuntime::start(InitOptions options) {
  return enqueue(Job{Job::Kind::Start, 0, "", "", std::move(options)});
}

uint64_t PythonRuntime::call(std::string method, std::string payload, std::vector<std::string> buffers) {
  return enqueue(Job{Job::Kind::Call, 0, std::move(method), std::move(payload), {}, std::move(buffers)});
}

uint64_t PythonRuntime::stop() { return enqueue(Job{Job::Kind::Stop, 0, "", "", {}}); }

uint64_t PythonRuntime::restart(InitOptions options) {
  return enqueue(Job{Job::Kind::Restart, 0, "", "", std::move(options)});
}

void PythonRuntime::join() {
  if (thread_.joinable()) thread_.join();
  join_bouncer();
}

uint64_t PythonRuntime::enqueue(Job job) {
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(jobs_mutex_);
    job.id = next_job_++;
    id = job.id;
    jobs_.push_back(std::move(job));
  }
  // After the unlock: a Python thread woken while Node still held the mutex would block on it at
  // once, and be woken a second time (docs/performance.md, "IPython mode's execute").
  jobs_ready_.notify_one();
  return id;
}

// The thread may also end without a stop job: a C++ exception, or pthread_exit() called by code the
// interpreter runs (its forced unwinding runs this destructor too; docs/reliability-facts.md, fact 4). Node is told, so that no request
// waits for a reply that cannot come.
namespace {
class ThreadEndReport {
 public:
  explicit ThreadEndReport(EventQueue& events) : events_(events) {}
  ~ThreadEndReport() {
    if (!stopped_) events_.push(Event{Event::Kind::ThreadEnded, 0, "", why_});
  }
  void stopped() { stopped_ = true; }
  void set_reason(std::string why) { why_ = std::move(why); }

 private:
  EventQueue& events_;
  bool stopped_ = false;
  std::string why_ = "the thread was ended by the code it ran (pthread_exit)";
};
}  // namespace

void PythonRuntime::thread_main() {
  ThreadEndReport report(events_);
  try {
    serve_jobs();
    report.stopped();
  } catch (const std::exception& error) {
    report.set_reason(std::string("a C++ exception ended it: ") + error.what());
  }
}

void PythonRuntime::serve_jobs() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(jobs_mutex_);
      jobs_ready_.wait(lock, [this] { return !jobs_.empty(); });
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    switch (job.kind) {
      case Job::Kind::Start: run_start(job); break;
      case Job::Kind::Call: run_call(job); break;
      case Job::Kind::Restart:
        current_job_ = job.id;
        finalize_interpreter();
        run_start(job);
        break;
      case Job::Kind::Stop: run_stop(job); return;
    }
  }
}

void PythonRuntime::reply(uint64_t job, bool ok, std::string payload) {
  reply_with(job, ok ? "ok" : kPythonError, std::move(payload));
}

// `code`: "ok", or the error code the TypeScript side sees (kernel/interpreter/embedded-python.ts).
void PythonRuntime::reply_with(uint64_t job, const char* code, std::string payload) {
  flush_output();  // a request's output always precedes its reply
  events_.push(Event{Event::Kind::Reply, job, code, std::move(payload)});
}

void PythonRuntime::run_start(const Job& job) {
  if (initialized_) return reply_with(job.id, kAlreadyRunning, "the interpreter is already running");
  current_job_ = job.id;
  std::string error = initialize_python(job.init);
  if (error.empty()) error = bind_host_services(this);
  if (error.empty() && decimal_initialised_) {
    PyRef decimal(PyImport_ImportModule("_decimal"));
    if (!decimal) PyErr_Clear();  // a build without it: nothing to warn about either
  }
  if (error.empty()) error = capture_fd_output();
  if (error.empty()) {
    PyRef module(PyImport_ImportModule(kEntryModule));
    handle_ = module ? PyRef(PyObject_GetAttrString(module.get(), kEntryFunction)) : PyRef();
    if (!handle_) error = "cannot load the kernel's Python side (" + take_python_error() + ")";
  }
  if (!error.empty()) {
    capture_.reset();
    if (Py_IsInitialized()) finalize_python();
    return reply_with(job.id, kInitFailed, error);
  }
  initialized_ = true;
  // initialize_python() left the GIL with this thread: between requests it waits without it (GilResume
  // takes it back for each request).
  main_thread_state_ = PyEval_SaveThread();
  reply(job.id, true, Py_GetVersion());
}

void PythonRuntime::run_call(const Job& job) {
  if (!initialized_) return reply_with(job.id, kNotRunning, "the interpreter is not running");
  bool ok;
  std::string payload;
  {
    GilResume gil(main_thread_state_);
    set_running(job.id);
    enter_request(job.id);
    PyRef buffers = bytes_list(job.buffers);
    PyRef result(buffers ? PyObject_CallFunction(handle_.get(), "sy#O", job.method.c_str(), job.payload.data(),
                                                 static_cast<Py_ssize_t>(job.payload.size()), buffers.get())
                         : nullptr);
    clear_running();
    ok = result && PyBytes_Check(result.get());
    if (ok) {
      payload.assign(PyBytes_AS_STRING(result.get()), static_cast<size_t>(PyBytes_GET_SIZE(result.get())));
    } else {
      payload = result ? "the kernel's handle() did not return bytes" : take_python_error();
    }
    discard_pending_interrupt();
  }  // the references go before the GIL does
  reply(job.id, ok, std::move(payload));
}

void PythonRuntime::run_stop(const Job& job) {
  current_job_ = job.id;
  finalize_interpreter();
  reply(job.id, true, "");
}

void PythonRuntime::finalize_interpreter() {
  if (!initialized_) return;
  cancel_interval_timers();
  GilResume gil(main_thread_state_);
  handle_.reset();
  {
    GilRelease released;  // a late interrupt's GIL bounce must be over before the interpreter goes
    join_bouncer();
  }
  if (PyDict_GetItemString(PyImport_GetModuleDict(), "_decimal")) decimal_initialised_ = true;  // borrowed
  finalize_python();
  gil.finalized();
  capture_.reset();  // after finalize: what atexit handlers and __del__ methods print is output too
  initialized_ = false;
}

// From the interpreter's start, not before: what Python prints while it initialises is a message for the
// kernel's log, not for a cell.
std::string PythonRuntime::capture_fd_output() {
  std::string error;
  capture_ = FdCapture::start(
      [this](int fd, const char* utf8, size_t size) {
        batcher_.write(fd == 2 ? StreamBatcher::Stderr : StreamBatcher::Stdout, current_job_, utf8, size);
      },
      &error);
  return capture_ ? "" : "cannot capture the output of fds 1 and 2: " + error;
}

// Whatever was written to fds 1 and 2 so far goes out before what the caller publishes next.
void PythonRuntime::flush_output() {
  if (capture_) capture_->sync();
  batcher_.flush();
}

void PythonRuntime::set_running(uint64_t job) {
  std::lock_guard<std::mutex> lock(state_mutex_);
  current_job_ = job;
  running_ = true;
}

void PythonRuntime::clear_running() {
  std::lock_guard<std::mutex> lock(state_mutex_);
  running_ = false;
}

// An interrupt that arrived as a request ended must not fire inside the next one.
void PythonRuntime::discard_pending_interrupt() {
  if (PyErr_CheckSignals() < 0) PyErr_Clear();
}

bool PythonRuntime::interrupt() {
  std::lock_guard<std::mutex> lock(state_mutex_);
  if (waiting_for_answer_) {
    answer_interrupted_ = true;
    answer_ready_.notify_all();
    return true;
  }
  if (!running_) return false;
  // docs/runtime-facts.md, fact 4: flag the interrupt, wake a blocking system call on the Python thread, and
  // bounce the GIL so the eval loop notices the flag (3.9-3.12 need the bounce).
#if PY_VERSION_HEX >= 0x030A0000
  PyErr_SetInterruptEx(SIGINT);
#else
  PyErr_SetInterrupt();
#endif
  if (sigint_is_handled()) pthread_kill(thread_.native_handle(), SIGINT);
  bounce_gil();
  return true;
}

// The one Python C-API use off the Python thread, sanctioned by docs/runtime-facts.md, fact 4: a
// short-lived helper takes and drops the GIL. It runs on its own thread so that Node's loop never waits for the GIL.
void PythonRuntime::bounce_gil() {
  if (bounce_in_flight_.exchange(true)) return;  // one bounce pending does the job of many
  if (bouncer_.joinable()) bouncer_.join();        // the previous one has finished: it cleared the flag
  bouncer_ = std::thread([this] {
    { GilHold bounce; }
    bounce_in_flight_ = false;
  });
}

void PythonRuntime::join_bouncer() {
  if (bouncer_.joinable()) bouncer_.join();
}

void PythonRuntime::provide_answer(std::string text) {
  std::lock_guard<std::mutex> lock(state_mutex_);
  if (!waiting_for_answer_) return;
  answer_ = std::move(text);
  answer_ready_.notify_all();
}

void PythonRuntime::write(int stream, uint64_t job, const char* utf8, size_t size) {
  if (capture_) capture_->before_python_output();
  batcher_.write(stream == 2 ? StreamBatcher::Stderr : StreamBatcher::Stdout, job ? job : current_job_.load(), utf8,
                 size);
}

void PythonRuntime::flush() { flush_output(); }

void PythonRuntime::send(uint64_t job, std::string msg_type, std::string content, std::string metadata,
                         std::vector<std::string> buffers) {
  flush_output();
  events_.push(Event{Event::Kind::Iopub, job ? job : current_job_.load(), std::move(msg_type), std::move(content), false,
                     std::move(metadata), std::move(buffers)});
}

bool PythonRuntime::read_input(const std::string& prompt, bool password, std::string* reply_text) {
  return await_answer(Event{Event::Kind::InputRequest, current_job_, prompt, "", password}, reply_text);
}

bool PythonRuntime::ask_kernel(const std::string& request, std::string* reply_text) {
  return await_answer(Event{Event::Kind::KernelRequest, current_job_, "", request}, reply_text);
}

// Hands Node a question and waits, without the GIL, for provide_answer() or an interrupt.
bool PythonRuntime::await_answer(Event question, std::string* answer) {
  flush_output();  // what the cell printed before asking comes first
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    waiting_for_answer_ = true;
    answer_interrupted_ = false;
    answer_.reset();
  }
  events_.push(std::move(question));
  GilRelease released;
  std::unique_lock<std::mutex> lock(state_mutex_);
  answer_ready_.wait(lock, [this] { return answer_.has_value() || answer_interrupted_; });
  waiting_for_answer_ = false;
  if (answer_interrupted_) return false;
  *answer = std::move(*answer_);
  answer_.reset();
  return true;
}
