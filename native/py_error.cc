#include "py_error.h"

#include "py_ref.h"

std::string take_python_error() {
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyRef type_ref(type), value_ref(value), traceback_ref(traceback);
  if (!type_ref) return "an unknown Python error";
  std::string name = reinterpret_cast<PyTypeObject*>(type_ref.get())->tp_name;
  if (!value_ref) return name;
  PyRef text(PyObject_Str(value_ref.get()));
  const char* utf8 = text ? PyUnicode_AsUTF8(text.get()) : nullptr;
  if (!utf8) {
    PyErr_Clear();
    return name + " (unprintable)";
  }
  return name + ": " + utf8;
}
