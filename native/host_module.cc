#include "host_module.h"

#include <Python.h>

#include <cstring>

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

PyObject* host_write(PyObject*, PyObject* args) {
  int stream;
  PyObject* text;
  if (!PyArg_ParseTuple(args, "iU:write", &stream, &text)) return nullptr;
  if (stream != 1 && stream != 2) {
    PyErr_SetString(PyExc_ValueError, "stream must be 1 (stdout) or 2 (stderr)");
    return nullptr;
  }
  const char* data;
  Py_ssize_t size;
  PyRef holder;
  if (!utf8_of(text, &data, &size, &holder)) return nullptr;
  g_services->write(stream, data, static_cast<size_t>(size));
  return PyLong_FromSsize_t(PyUnicode_GET_LENGTH(text));
}

PyObject* host_flush(PyObject*, PyObject*) {
  g_services->flush();
  Py_RETURN_NONE;
}

PyObject* host_send(PyObject*, PyObject* args) {
  const char* msg_type;
  const char* content;
  Py_ssize_t content_size;
  if (!PyArg_ParseTuple(args, "sy#:send", &msg_type, &content, &content_size)) return nullptr;
  g_services->send(msg_type, std::string(content, static_cast<size_t>(content_size)));
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

PyMethodDef host_methods[] = {
    {"write", host_write, METH_VARARGS, "write(stream, text): queue text for stdout (1) or stderr (2)."},
    {"flush", host_flush, METH_NOARGS, "flush(): send queued stream text now."},
    {"send", host_send, METH_VARARGS, "send(msg_type, content_json_bytes): publish an iopub message."},
    {"input", host_input, METH_VARARGS, "input(prompt, password): ask the frontend for a line of input."},
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
