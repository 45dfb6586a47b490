/* Fact 4: what it takes to interrupt Python code running on the thread that initialised Python, from
 * another thread. Usage: ./interrupt {loop|sleep} {flag|flag+bounce|flag+bounce+kill}
 * Prints how the cell ended and how long after the interrupt. */
#include <Python.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_t python_thread;
static const char* how;
static double interrupted_at;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void* interrupter(void* unused) {
  (void)unused;
  usleep(300 * 1000); /* the cell is running by then */
  interrupted_at = now();
#if PY_VERSION_HEX >= 0x030A0000
  PyErr_SetInterruptEx(SIGINT);
#else
  PyErr_SetInterrupt();
#endif
  if (strstr(how, "kill")) pthread_kill(python_thread, SIGINT);
  if (strstr(how, "bounce")) {
    PyGILState_STATE state = PyGILState_Ensure();
    PyGILState_Release(state);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  how = argv[2];
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.install_signal_handlers = 0;
  Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  /* as the kernel's Python side does: Python's own handler for SIGINT */
  PyRun_SimpleString("import signal, time; signal.signal(signal.SIGINT, signal.default_int_handler)");
  python_thread = pthread_self();
  pthread_t helper;
  pthread_create(&helper, NULL, interrupter, NULL);
  const char* cell = strcmp(argv[1], "loop") == 0
      ? "import time\nend = time.monotonic() + 3\nwhile time.monotonic() < end: pass\n"
      : "time.sleep(3)\n";
  PyObject* main_dict = PyModule_GetDict(PyImport_AddModule("__main__"));
  PyThreadState* saved = PyEval_SaveThread(); /* let the helper take the GIL */
  PyEval_RestoreThread(saved);
  PyObject* result = PyRun_String(cell, Py_file_input, main_dict, main_dict);
  double after = now() - interrupted_at;
  printf("%s %s %s: %s after %.0f ms\n", PY_VERSION, argv[1], how,
         result ? "ran to its end" : (PyErr_ExceptionMatches(PyExc_KeyboardInterrupt) ? "KeyboardInterrupt" : "other error"),
         after * 1000);
  PyErr_Clear();
  pthread_join(helper, NULL);
  return 0;
}
