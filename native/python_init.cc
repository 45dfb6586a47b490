#include "python_init.h"

#include <Python.h>

#include <cstring>
#include <memory>

#include "host_module.h"
#include "py_error.h"
#include "py_ref.h"

namespace {

#if PY_VERSION_HEX >= 0x03080000

std::string status_message(const PyStatus& status) {
  std::string message = status.err_msg ? status.err_msg : "unknown error";
  if (status.func) message = std::string(status.func) + ": " + message;
  if (PyStatus_IsExit(status)) message += " (exit code " + std::to_string(status.exitcode) + ")";
  return message;
}

std::string initialize_with_config(const InitOptions& options) {
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  // The kernel owns argv, signals and C stdio: Python must not parse Node's argv, install handlers behind
  // our back (the Python side installs SIGINT's on purpose), or change Node's stdio buffering.
  config.parse_argv = 0;
  config.install_signal_handlers = 0;
  config.configure_c_stdio = 0;

  struct ConfigGuard {
    PyConfig* config;
    ~ConfigGuard() { PyConfig_Clear(config); }
  } guard{&config};

  PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, options.executable.c_str());
  if (PyStatus_Exception(status)) return status_message(status);
  char empty[] = "";
  char* argv[] = {empty};
  status = PyConfig_SetBytesArgv(&config, 1, argv);
  if (PyStatus_Exception(status)) return status_message(status);
  status = Py_InitializeFromConfig(&config);
  if (PyStatus_Exception(status)) return status_message(status);
  return "";
}

#else  // Python 3.7: the legacy API, which aborts the process on a failed init (nothing to report)

struct RawMemFree {
  void operator()(wchar_t* p) const { PyMem_RawFree(p); }
};

std::string initialize_with_config(const InitOptions& options) {
  // Py_SetProgramName keeps the pointer: the string must outlive the interpreter.
  static std::unique_ptr<wchar_t, RawMemFree> program_name;
  program_name.reset(Py_DecodeLocale(options.executable.c_str(), nullptr));
  if (!program_name) return "cannot decode the interpreter path " + options.executable;
  Py_SetPath(nullptr);  // else the first path configuration sticks across re-inits (DESIGN fact 9)
  Py_SetProgramName(program_name.get());
  Py_InitializeEx(0);
  wchar_t empty[] = L"";
  wchar_t* argv[] = {empty};
  PySys_SetArgvEx(1, argv, 0);
  return "";
}

#endif

std::string extend_sys_path(const std::vector<std::string>& paths) {
  PyObject* sys_path = PySys_GetObject("path");  // borrowed
  if (!sys_path || !PyList_Check(sys_path)) return "sys.path is missing";
  for (const auto& path : paths) {
    PyRef entry(PyUnicode_DecodeFSDefault(path.c_str()));
    if (!entry || PyList_Append(sys_path, entry.get()) < 0) return take_python_error();
  }
  return "";
}

}  // namespace

std::string initialize_python(const InitOptions& options) {
  if (!register_host_module()) return "cannot register the _pyswitch_host module";
  std::string error = initialize_with_config(options);
  if (!error.empty()) return error;
  return extend_sys_path(options.paths);
}

void finalize_python() { Py_FinalizeEx(); }
