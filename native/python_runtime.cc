#include "python_runtime.h"

#include <pthread.h>
#include <signal.h>

#include "py_error.h"

namespace {

constexpr auto kStreamMaxDelay = std::chrono::milliseconds(20);
constexpr size_t kStreamMaxBatch = 256 * 1024;
const char kEntryModule[] = "pyswitch._kernel";
const char kEntryFunction[] = "handle";

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
    : events_(events), batcher_(events, kStreamMaxDelay, kStreamMaxBatch), thread_([this] { thread_main(); }) {
  set_host_services(this);
}

PythonRuntime::~PythonRuntime() {
  if (thread_.joinable()) {
    stop();
    thread_.join();
  }
  join_bouncer();
  set_host_services(nullptr);
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
  std::lock_guard<std::mutex> lock(jobs_mutex_);
  job.id = next_job_++;
  uint64_t id = job.id;
  jobs_.push_back(std::move(job));
  jobs_ready_.notify_one();
  return id;
}

void PythonRuntime::thread_main() {
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
  flush_output();  // a request's output always precedes its reply
  events_.push(Event{Event::Kind::Reply, job, ok ? "ok" : "error", std::move(payload)});
}

void PythonRuntime::run_start(const Job& job) {
  if (initialized_) return reply(job.id, false, "the interpreter is already running");
  current_job_ = job.id;
  std::string error = initialize_python(job.init);
  if (error.empty()) error = capture_fd_output();
  if (error.empty()) {
    PyRef module(PyImport_ImportModule(kEntryModule));
    handle_ = module ? PyRef(PyObject_GetAttrString(module.get(), kEntryFunction)) : PyRef();
    if (!handle_) error = "cannot load the kernel's Python side (" + take_python_error() + ")";
  }
  if (!error.empty()) {
    capture_.reset();
    if (Py_IsInitialized()) finalize_python();
    return reply(job.id, false, error);
  }
  initialized_ = true;
  main_thread_state_ = PyEval_SaveThread();  // idle between requests without the GIL
  reply(job.id, true, Py_GetVersion());
}

void PythonRuntime::run_call(const Job& job) {
  if (!initialized_) return reply(job.id, false, "the interpreter is not running");
  PyEval_RestoreThread(main_thread_state_);
  set_running(job.id);
  PyRef buffers = bytes_list(job.buffers);
  PyRef result(buffers ? PyObject_CallFunction(handle_.get(), "sy#O", job.method.c_str(), job.payload.data(),
                                               static_cast<Py_ssize_t>(job.payload.size()), buffers.get())
                       : nullptr);
  clear_running();
  bool ok = result && PyBytes_Check(result.get());
  std::string payload;
  if (ok) {
    payload.assign(PyBytes_AS_STRING(result.get()), static_cast<size_t>(PyBytes_GET_SIZE(result.get())));
  } else {
    payload = result ? "the kernel's handle() did not return bytes" : take_python_error();
  }
  result.reset();
  buffers.reset();
  discard_pending_interrupt();
  main_thread_state_ = PyEval_SaveThread();
  reply(job.id, ok, std::move(payload));
}

void PythonRuntime::run_stop(const Job& job) {
  current_job_ = job.id;
  finalize_interpreter();
  reply(job.id, true, "");
}

void PythonRuntime::finalize_interpreter() {
  if (!initialized_) return;
  PyEval_RestoreThread(main_thread_state_);
  handle_.reset();
  {
    GilRelease released;  // a late interrupt's GIL bounce must be over before the interpreter goes
    join_bouncer();
  }
  finalize_python();
  capture_.reset();  // after finalize: what atexit handlers and __del__ methods print is output too
  initialized_ = false;
  main_thread_state_ = nullptr;
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
  // DESIGN fact 4: flag the interrupt, wake a blocking system call on the Python thread, and bounce the
  // GIL so the eval loop notices the flag (3.11 needs the bounce).
#if PY_VERSION_HEX >= 0x030A0000
  PyErr_SetInterruptEx(SIGINT);
#else
  PyErr_SetInterrupt();
#endif
  if (sigint_is_handled()) pthread_kill(thread_.native_handle(), SIGINT);
  bounce_gil();
  return true;
}

// The one Python C-API use off the Python thread, sanctioned by DESIGN fact 4: a short-lived helper takes
// and drops the GIL. It runs on its own thread so that Node's loop never waits for the GIL.
void PythonRuntime::bounce_gil() {
  if (bounce_in_flight_.exchange(true)) return;  // one bounce pending does the job of many
  if (bouncer_.joinable()) bouncer_.join();        // the previous one has finished: it cleared the flag
  bouncer_ = std::thread([this] {
    PyGILState_STATE state = PyGILState_Ensure();
    PyGILState_Release(state);
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

void PythonRuntime::write(int stream, const char* utf8, size_t size) {
  if (capture_) capture_->before_python_output();
  batcher_.write(stream == 2 ? StreamBatcher::Stderr : StreamBatcher::Stdout, current_job_, utf8, size);
}

void PythonRuntime::flush() { flush_output(); }

void PythonRuntime::send(std::string msg_type, std::string content, std::string metadata,
                         std::vector<std::string> buffers) {
  flush_output();
  events_.push(Event{Event::Kind::Iopub, current_job_, std::move(msg_type), std::move(content), false,
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
