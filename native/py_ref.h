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
  static PyRef borrow(PyObject* borrowed) {
    Py_XINCREF(borrowed);
    return PyRef(borrowed);
  }
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
