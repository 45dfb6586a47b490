/* Fact 7: after a failed Py_InitializeFromConfig, initialise the default (good) configuration again in the
 * same process. Prints the status of both attempts. */
#include <Python.h>
#include <stdio.h>

static int init(const char* home) {
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.install_signal_handlers = 0;
  if (home) PyConfig_SetBytesString(&config, &config.home, home);
  PyStatus status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    printf("  init(home=%s): FAILED: %s\n", home ? home : "default", status.err_msg ? status.err_msg : "?");
    return 0;
  }
  printf("  init(home=%s): ok\n", home ? home : "default");
  return 1;
}

int main(void) {
  printf("%s\n", PY_VERSION);
  init("/nonexistent-python-home");
  if (init(NULL)) {
    int rc = PyRun_SimpleString("import math, json; print('  after re-init: math.pi =', math.pi)");
    printf("  run after re-init: %s\n", rc == 0 ? "ok" : "FAILED");
  }
  return 0;
}
