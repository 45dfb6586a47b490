#include "python_init.h"

#include <Python.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "host_module.h"
#include "py_error.h"
#include "py_ref.h"

namespace {

struct RawMemFree {
  void operator()(wchar_t* p) const { PyMem_RawFree(p); }
};

#if PY_VERSION_HEX >= 0x03080000

std::string status_message(const PyStatus& status) {
  std::string message = status.err_msg ? status.err_msg : "unknown error";
  if (status.func) message = std::string(status.func) + ": " + message;
  if (PyStatus_IsExit(status)) message += " (exit code " + std::to_string(status.exitcode) + ")";
  return message;
}

PyStatus set_explicit_paths(PyConfig* config, const std::string& executable, const ExplicitPaths& paths) {
  PyStatus status = PyConfig_SetBytesString(config, &config->executable, executable.c_str());
  if (PyStatus_Exception(status)) return status;
#if PY_VERSION_HEX >= 0x03090000  // PyConfig.base_executable is public from 3.9
  status = PyConfig_SetBytesString(config, &config->base_executable, paths.base_executable.c_str());
  if (PyStatus_Exception(status)) return status;
#endif
  status = PyConfig_SetBytesString(config, &config->home, paths.home.c_str());
  if (PyStatus_Exception(status)) return status;
  config->module_search_paths_set = 1;
  for (const auto& path : paths.module_search_paths) {
    std::unique_ptr<wchar_t, RawMemFree> wide(Py_DecodeLocale(path.c_str(), nullptr));
    if (!wide) return PyStatus_Error("cannot decode a module search path");
    status = PyWideStringList_Append(&config->module_search_paths, wide.get());
    if (PyStatus_Exception(status)) return status;
  }
  return PyStatus_Ok();
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
  if (options.explicit_paths) {
    status = set_explicit_paths(&config, options.executable, *options.explicit_paths);
    if (PyStatus_Exception(status)) return status_message(status);
  }
  char empty[] = "";
  char* argv[] = {empty};
  status = PyConfig_SetBytesArgv(&config, 1, argv);
  if (PyStatus_Exception(status)) return status_message(status);
  status = Py_InitializeFromConfig(&config);
  if (PyStatus_Exception(status)) return status_message(status);
  return "";
}

#else  // Python 3.7: the legacy API, which aborts the process on a failed init (nothing to report)

std::string initialize_with_config(const InitOptions& options) {
  // Py_SetProgramName and Py_SetPythonHome keep the pointers: the strings must outlive the interpreter.
  static std::unique_ptr<wchar_t, RawMemFree> program_name, home;
  program_name.reset(Py_DecodeLocale(options.executable.c_str(), nullptr));
  if (!program_name) return "cannot decode the interpreter path " + options.executable;
  home.reset(nullptr);
  if (options.explicit_paths) {
    // The legacy API has no explicit search path that keeps sys.prefix: the home fixes the base
    // installation and the path follows from it (the same stdlib, zip and lib-dynload).
    home.reset(Py_DecodeLocale(options.explicit_paths->home.c_str(), nullptr));
    if (!home) return "cannot decode the home path " + options.explicit_paths->home;
  }
  // Else the first path configuration sticks across re-inits (docs/runtime-facts.md, fact 9).
  Py_SetPath(nullptr);
  Py_SetProgramName(program_name.get());
  Py_SetPythonHome(home.get());
  Py_InitializeEx(0);
  wchar_t empty[] = L"";
  wchar_t* argv[] = {empty};
  PySys_SetArgvEx(1, argv, 0);
  return "";
}

#endif

// The kernel's own package goes last, where it shadows nothing of the user's. The working directory's ""
// comes later, from the package's startup (kernel/lang/pyswitch/_lifecycle.py): the kernel's own imports
// must not find a file of the user's named like a module of the standard library.
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
  // A supported fault-injection switch (README, "Fault injection"), for tests of what follows a failed init
  // (docs/runtime-facts.md, fact 7): PYSWITCH_FAULT_INIT names an interpreter whose init fails, as a broken
  // environment's would, before any interpreter is touched. Unset, it costs one getenv per init.
  const char* fault = std::getenv("PYSWITCH_FAULT_INIT");
  if (fault && options.executable == fault) return "initialisation failed (PYSWITCH_FAULT_INIT)";
  std::string error = initialize_with_config(options);
  if (!error.empty()) return error;
  return extend_sys_path(options.paths);
}

void finalize_python() { Py_FinalizeEx(); }
