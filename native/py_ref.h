// RAII for Python references and the GIL: every PyObject* we own is a PyRef, every scope that needs the GIL
// (or must drop it while blocking) says so with a guard.
#pragma once
#include <Python.h>

#include <utility>

class PyRef {
 public:
  PyRef() = default;
  // Takes ownership of a new reference (nullptr allowed: it means a Python error is set).
  explicit PyRef(PyObject* owned) : obj_(owned) {}
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;
  PyRef(PyRef&& other) noexcept : obj_(std::exchange(other.obj_, nullptr)) {}
  PyRef& operator=(PyRef&& other) noexcept {
    if (this != &other) {
      Py_XDECREF(obj_);
      obj_ = std::exchange(other.obj_, nullptr);
    }
    return *this;
  }
  ~PyRef() { Py_XDECREF(obj_); }

  PyObject* get() const { return obj_; }
  // Hands the reference over (to a function that steals it, or to the caller).
  PyObject* release() { return std::exchange(obj_, nullptr); }
  explicit operator bool() const { return obj_ != nullptr; }
  void reset() {
    Py_XDECREF(obj_);
    obj_ = nullptr;
  }

 private:
  PyObject* obj_ = nullptr;
};

// Holds the GIL for a scope, from any thread (creates a thread state when the thread has none).
class GilHold {
 public:
  GilHold() : state_(PyGILState_Ensure()) {}
  ~GilHold() { PyGILState_Release(state_); }
  GilHold(const GilHold&) = delete;
  GilHold& operator=(const GilHold&) = delete;

 private:
  PyGILState_STATE state_;
};

// The Python thread's own hold on the GIL while it serves a request: it takes the GIL back with the
// thread state it left in `saved` between requests, and leaves it there again at the end of the scope,
// so that the user's threads run between requests.
class GilResume {
 public:
  explicit GilResume(PyThreadState*& saved) : saved_(&saved) {
    PyEval_RestoreThread(saved);
    saved = nullptr;
  }
  // A thread that pthread_exit() unwinds through here may not hold the GIL (ctypes released it for the
  // foreign call): then there is nothing to give back (docs/reliability-facts.md, fact 4).
  ~GilResume() {
    if (saved_ && PyGILState_Check()) *saved_ = PyEval_SaveThread();
  }
  GilResume(const GilResume&) = delete;
  GilResume& operator=(const GilResume&) = delete;

  // The interpreter was finalized in this scope: no thread state is left to save.
  void finalized() { saved_ = nullptr; }

 private:
  PyThreadState** saved_;
};

// Drops the GIL for a scope in which the Python thread blocks on something that is not Python.
class GilRelease {
 public:
  GilRelease() : saved_(PyEval_SaveThread()) {}
  ~GilRelease() { PyEval_RestoreThread(saved_); }
  GilRelease(const GilRelease&) = delete;
  GilRelease& operator=(const GilRelease&) = delete;

 private:
  PyThreadState* saved_;
};
