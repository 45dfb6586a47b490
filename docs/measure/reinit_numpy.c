/* Fact 6: numpy (single-phase init) across Py_FinalizeEx + Py_Initialize in one process. */
#include <Python.h>
#include <stdio.h>

int main(void) {
  for (int round = 1; round <= 2; ++round) {
    Py_InitializeEx(0);
    int rc = PyRun_SimpleString("import numpy; print('  import numpy:', numpy.__version__)");
    printf("  round %d: import %s\n", round, rc == 0 ? "ok" : "FAILED");
    fflush(stdout);
    Py_FinalizeEx();
  }
  Py_InitializeEx(0);
  printf("  third init: ok\n");
  return 0;
}
