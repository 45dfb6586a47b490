/* Fact 2: the size and field offsets of PyConfig differ between minor versions. */
#include <Python.h>
#include <stddef.h>
#include <stdio.h>

int main(void) {
  printf("%s sizeof(PyConfig)=%zu offsetof(home)=%zu offsetof(module_search_paths)=%zu\n", PY_VERSION,
         sizeof(PyConfig), offsetof(PyConfig, home), offsetof(PyConfig, module_search_paths));
  return 0;
}
