#include "host_module.h"

#include <Python.h>

#include <cstring>
#include <string>
#include <vector>

#include "json_pytext.h"
#include "original_output.h"
#include "py_error.h"
#include "py_ref.h"
#include "str_repr.h"

namespace {

const char kModuleName[] = "_pyswitch_host";

// The module's own state: the services, set by bind_host_services() once the interpreter is up (each
// function reaches them through its module, `self`, and nothing in the process is global), and the
// module's `job` ContextVar (borrowed: the module's `job` attribute holds it).
struct HostState {
  HostServices* services;
  PyObject* job_var;
};

HostState* state_of(PyObject* module) { return static_cast<HostState*>(PyModule_GetState(module)); }

HostServices* services_of(PyObject* module) {
  HostState* state = state_of(module);
  HostServices* services = state ? state->services : nullptr;
  if (!services && !PyErr_Occurred()) PyErr_SetString(PyExc_RuntimeError, "the kernel's host services are not bound");
  return services;
}

// The job id the caller's context carries, or 0 (none, or not an id: the running request's output).
uint64_t caller_job(PyObject* module) {
  HostState* state = state_of(module);
  PyObject* value = nullptr;
  if (!state || !state->job_var || PyContextVar_Get(state->job_var, nullptr, &value) < 0 || !value) {
    PyErr_Clear();
    return 0;
  }
  uint64_t job = PyLong_Check(value) ? PyLong_AsUnsignedLongLong(value) : 0;
  Py_DECREF(value);
  if (PyErr_Occurred()) {
    PyErr_Clear();
    return 0;
  }
  return job;
}

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
PyObject* write_text(PyObject* module, int stream, PyObject* text) {
  HostServices* services = services_of(module);
  if (!services) return nullptr;
  if (!PyUnicode_Check(text)) {
    PyErr_Format(PyExc_TypeError, "write() argument must be str, not %.100s", Py_TYPE(text)->tp_name);
    return nullptr;
  }
  const char* data;
  Py_ssize_t size;
  PyRef holder;
  if (!utf8_of(text, &data, &size, &holder)) return nullptr;
  services->write(stream, caller_job(module), data, static_cast<size_t>(size));
  return PyLong_FromSsize_t(PyUnicode_GET_LENGTH(text));
}

PyObject* host_write_stdout(PyObject* module, PyObject* text) { return write_text(module, 1, text); }

PyObject* host_write_stderr(PyObject* module, PyObject* text) { return write_text(module, 2, text); }

PyObject* host_flush(PyObject* module, PyObject*) {
  HostServices* services = services_of(module);
  if (!services) return nullptr;
  services->flush();
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

// Content is JSON bytes, or a tuple of JSON bytes and long str values, which join_json_pieces() writes into
// the message as JSON strings: the one copy of a big repr between Python and the wire.
bool content_of(PyObject* content, std::string* out) {
  if (!PyBytes_Check(content)) return join_json_pieces(content, out);
  out->assign(PyBytes_AS_STRING(content), static_cast<size_t>(PyBytes_GET_SIZE(content)));
  return true;
}

PyObject* host_send(PyObject* module, PyObject* args, PyObject* kwargs) {
  HostServices* services = services_of(module);
  if (!services) return nullptr;
  static const char* keywords[] = {"msg_type", "content", "metadata", "buffers", nullptr};
  const char* msg_type;
  PyObject* content;
  const char* metadata = "";
  Py_ssize_t metadata_size = 0;
  PyObject* buffers = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sO|y#O:send", const_cast<char**>(keywords), &msg_type, &content,
                                   &metadata, &metadata_size, &buffers)) {
    return nullptr;
  }
  std::string json;
  if (!content_of(content, &json)) return nullptr;
  std::vector<std::string> copied;
  if (!copy_buffers(buffers, &copied)) return nullptr;
  services->send(caller_job(module), msg_type, std::move(json), std::string(metadata, static_cast<size_t>(metadata_size)),
                 std::move(copied));
  Py_RETURN_NONE;
}

PyObject* host_input(PyObject* module, PyObject* args) {
  HostServices* services = services_of(module);
  if (!services) return nullptr;
  const char* prompt;
  int password;
  if (!PyArg_ParseTuple(args, "sp:input", &prompt, &password)) return nullptr;
  std::string reply;
  if (!services->read_input(prompt, password != 0, &reply)) {
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

PyObject* host_request(PyObject* module, PyObject* args) {
  HostServices* services = services_of(module);
  if (!services) return nullptr;
  const char* request;
  Py_ssize_t size;
  if (!PyArg_ParseTuple(args, "y#:request", &request, &size)) return nullptr;
  std::string reply;
  if (!services->ask_kernel(std::string(request, static_cast<size_t>(size)), &reply)) {
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    return nullptr;
  }
  return PyBytes_FromStringAndSize(reply.data(), static_cast<Py_ssize_t>(reply.size()));
}

PyObject* host_repr(PyObject*, PyObject* obj) { return text_repr(obj); }

PyMethodDef host_methods[] = {
    {"write_stdout", host_write_stdout, METH_O, "write_stdout(text): queue text for stdout."},
    {"write_stderr", host_write_stderr, METH_O, "write_stderr(text): queue text for stderr."},
    {"flush", host_flush, METH_NOARGS, "flush(): send queued stream text now."},
    {"send", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(host_send)), METH_VARARGS | METH_KEYWORDS,
     "send(msg_type, content, metadata=b'', buffers=None): publish an iopub message; content is JSON bytes,\n"
     "or a tuple of JSON bytes and str written as JSON strings; metadata is JSON bytes, buffers a sequence\n"
     "of bytes-like objects sent as binary frames."},
    {"input", host_input, METH_VARARGS, "input(prompt, password): ask the frontend for a line of input."},
    {"request", host_request, METH_VARARGS, "request(json_bytes): ask the kernel itself; returns JSON bytes."},
    {"log", host_log, METH_VARARGS, "log(message): a line in the kernel's own log, never a cell's output."},
    {"repr", host_repr, METH_O, "repr(obj): the same as the builtin repr(), faster for long plain ASCII str."},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef host_module_def = {
    PyModuleDef_HEAD_INIT, kModuleName, "The pyswitch kernel's host functions.", sizeof(HostState), host_methods,
    nullptr, nullptr, nullptr, nullptr,
};

PyObject* init_host_module() {
  PyRef module(PyModule_Create(&host_module_def));
  HostState* state = module ? state_of(module.get()) : nullptr;
  if (!state) return nullptr;
  *state = HostState{nullptr, nullptr};
  PyRef job_var(PyContextVar_New("pyswitch_job", nullptr));
  if (!job_var) return nullptr;
  state->job_var = job_var.get();
  if (PyModule_AddObject(module.get(), "job", job_var.get()) < 0) return nullptr;
  job_var.release();  // the module's attribute owns it now
  return module.release();
}

}  // namespace

std::string bind_host_services(HostServices* services) {
  PyRef module(PyImport_ImportModule(kModuleName));
  void* state = module ? PyModule_GetState(module.get()) : nullptr;
  if (!state) return "cannot bind the kernel's host services (" + take_python_error() + ")";
  static_cast<HostState*>(state)->services = services;
  return "";
}

void enter_request(uint64_t job) {
  // Looked up in sys.modules, not imported: an import goes through builtins.__import__, which a cell may
  // have replaced, and the output of every later request would then lose its request.
  PyObject* module = PyDict_GetItemString(PyImport_GetModuleDict(), kModuleName);  // borrowed
  // Only the kernel's own module has this state: sys.modules may hold anything under its name.
  bool ours = module && PyModule_Check(module) && PyModule_GetDef(module) == &host_module_def;
  HostState* state = ours ? state_of(module) : nullptr;
  PyRef id(state && state->job_var ? PyLong_FromUnsignedLongLong(job) : nullptr);
  PyRef token(id ? PyContextVar_Set(state->job_var, id.get()) : nullptr);
  if (!token) PyErr_Clear();  // output then goes to the running request, as without the variable
}

bool register_host_module() {
  for (const _inittab* entry = PyImport_Inittab; entry->name; ++entry) {
    if (std::strcmp(entry->name, kModuleName) == 0) return true;
  }
  return PyImport_AppendInittab(kModuleName, init_host_module) == 0;
}
