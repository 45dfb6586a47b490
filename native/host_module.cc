#include "host_module.h"

#include <Python.h>

#include <cstring>
#include <string>
#include <vector>

#include "original_output.h"
#include "py_ref.h"

namespace {

HostServices* g_services = nullptr;
const char kModuleName[] = "_pyswitch_host";

// Python text as UTF-8; lone surrogates (which strict UTF-8 refuses) become U+FFFD instead of failing.
bool utf8_of(PyObject* text, const char** data, Py_ssize_t* size, PyRef* holder) {
  *data = PyUnicode_AsUTF8AndSize(text, size);
  if (*data) return true;
  if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) return false;
  PyErr_Clear();
  *holder = PyRef(PyUnicode_AsEncodedString(text, "utf-8", "replace"));
  if (!*holder) return false;
  *data = PyBytes_AS_STRING(holder->get());
  *size = PyBytes_GET_SIZE(holder->get());
  return true;
}

// One function per stream, each taking the text alone (METH_O): print() calls them directly, with no
// argument tuple to build or parse, 400,000 times for 200,000 lines.
PyObject* write_text(int stream, PyObject* text) {
  if (!PyUnicode_Check(text)) {
    PyErr_Format(PyExc_TypeError, "write() argument must be str, not %.100s", Py_TYPE(text)->tp_name);
    return nullptr;
  }
  const char* data;
  Py_ssize_t size;
  PyRef holder;
  if (!utf8_of(text, &data, &size, &holder)) return nullptr;
  g_services->write(stream, data, static_cast<size_t>(size));
  return PyLong_FromSsize_t(PyUnicode_GET_LENGTH(text));
}

PyObject* host_write_stdout(PyObject*, PyObject* text) { return write_text(1, text); }

PyObject* host_write_stderr(PyObject*, PyObject* text) { return write_text(2, text); }

PyObject* host_flush(PyObject*, PyObject*) {
  g_services->flush();
  Py_RETURN_NONE;
}

// The bytes of a bytes-like object, exported for as long as this lives.
class BufferView {
 public:
  BufferView() = default;
  BufferView(const BufferView&) = delete;
  BufferView& operator=(const BufferView&) = delete;
  ~BufferView() {
    if (held_) PyBuffer_Release(&view_);
  }

  // PyBUF_SIMPLE: contiguous bytes, else a BufferError (a strided view has no single byte run).
  bool acquire(PyObject* object) {
    held_ = PyObject_GetBuffer(object, &view_, PyBUF_SIMPLE) == 0;
    return held_;
  }
  std::string copy() const { return std::string(static_cast<const char*>(view_.buf), static_cast<size_t>(view_.len)); }

 private:
  Py_buffer view_{};
  bool held_ = false;
};

// Copies every item of a sequence of bytes-like objects (None: no buffers).
bool copy_buffers(PyObject* sequence, std::vector<std::string>* out) {
  if (sequence == Py_None) return true;
  PyRef items(PySequence_Fast(sequence, "buffers must be a sequence of bytes-like objects"));
  if (!items) return false;
  Py_ssize_t count = PySequence_Fast_GET_SIZE(items.get());
  out->reserve(static_cast<size_t>(count));
  for (Py_ssize_t i = 0; i < count; ++i) {
    BufferView view;
    if (!view.acquire(PySequence_Fast_GET_ITEM(items.get(), i))) return false;  // borrowed item
    out->push_back(view.copy());
  }
  return true;
}

PyObject* host_send(PyObject*, PyObject* args, PyObject* kwargs) {
  static const char* keywords[] = {"msg_type", "content", "metadata", "buffers", nullptr};
  const char* msg_type;
  const char* content;
  Py_ssize_t content_size;
  const char* metadata = "";
  Py_ssize_t metadata_size = 0;
  PyObject* buffers = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sy#|y#O:send", const_cast<char**>(keywords), &msg_type, &content,
                                   &content_size, &metadata, &metadata_size, &buffers)) {
    return nullptr;
  }
  std::vector<std::string> copied;
  if (!copy_buffers(buffers, &copied)) return nullptr;
  g_services->send(msg_type, std::string(content, static_cast<size_t>(content_size)),
                   std::string(metadata, static_cast<size_t>(metadata_size)), std::move(copied));
  Py_RETURN_NONE;
}

PyObject* host_input(PyObject*, PyObject* args) {
  const char* prompt;
  int password;
  if (!PyArg_ParseTuple(args, "sp:input", &prompt, &password)) return nullptr;
  std::string reply;
  if (!g_services->read_input(prompt, password != 0, &reply)) {
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    return nullptr;
  }
  return PyUnicode_DecodeUTF8(reply.data(), static_cast<Py_ssize_t>(reply.size()), "replace");
}

PyObject* host_log(PyObject*, PyObject* args) {
  PyObject* text;
  if (!PyArg_ParseTuple(args, "U:log", &text)) return nullptr;
  const char* data;
  Py_ssize_t size;
  PyRef holder;
  if (!utf8_of(text, &data, &size, &holder)) return nullptr;
  log_to_original_stderr(std::string(data, static_cast<size_t>(size)));
  Py_RETURN_NONE;
}

PyObject* host_request(PyObject*, PyObject* args) {
  const char* request;
  Py_ssize_t size;
  if (!PyArg_ParseTuple(args, "y#:request", &request, &size)) return nullptr;
  std::string reply;
  if (!g_services->ask_kernel(std::string(request, static_cast<size_t>(size)), &reply)) {
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    return nullptr;
  }
  return PyBytes_FromStringAndSize(reply.data(), static_cast<Py_ssize_t>(reply.size()));
}

PyMethodDef host_methods[] = {
    {"write_stdout", host_write_stdout, METH_O, "write_stdout(text): queue text for stdout."},
    {"write_stderr", host_write_stderr, METH_O, "write_stderr(text): queue text for stderr."},
    {"flush", host_flush, METH_NOARGS, "flush(): send queued stream text now."},
    {"send", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(host_send)), METH_VARARGS | METH_KEYWORDS,
     "send(msg_type, content, metadata=b'', buffers=None): publish an iopub message; content and metadata\n"
     "are JSON bytes, buffers a sequence of bytes-like objects sent as binary frames."},
    {"input", host_input, METH_VARARGS, "input(prompt, password): ask the frontend for a line of input."},
    {"request", host_request, METH_VARARGS, "request(json_bytes): ask the kernel itself; returns JSON bytes."},
    {"log", host_log, METH_VARARGS, "log(message): a line in the kernel's own log, never a cell's output."},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef host_module_def = {
    PyModuleDef_HEAD_INIT, kModuleName, "The pyswitch kernel's host functions.", -1, host_methods,
    nullptr, nullptr, nullptr, nullptr,
};

PyObject* init_host_module() { return PyModule_Create(&host_module_def); }

}  // namespace

void set_host_services(HostServices* services) { g_services = services; }

bool register_host_module() {
  for (const _inittab* entry = PyImport_Inittab; entry->name; ++entry) {
    if (std::strcmp(entry->name, kModuleName) == 0) return true;
  }
  return PyImport_AppendInittab(kModuleName, init_host_module) == 0;
}
