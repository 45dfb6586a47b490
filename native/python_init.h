// Starting and stopping CPython. Everything here runs on the Python thread only
// (docs/runtime-facts.md, fact 3).
#pragma once
#include <optional>
#include <string>
#include <vector>

// An environment switch names the whole path configuration, computed beforehand by probing the target:
// nothing is left to Python's own path calculation, whose results can stick across re-inits
// (docs/runtime-facts.md, fact 9).
struct ExplicitPaths {
  std::string base_executable;
  std::string home;                              // the base installation's prefix (PYTHONHOME semantics)
  std::vector<std::string> module_search_paths;  // the pre-site path; site.py adds site-packages itself
};

struct InitOptions {
  std::string executable;          // the interpreter whose configuration we take (a venv's bin/python, ...)
  std::vector<std::string> paths;  // appended to sys.path after start (the kernel's own Python package), after "" goes first
  std::optional<ExplicitPaths> explicit_paths;
};

// Initialises the interpreter and leaves the GIL held by the calling thread. Returns "" on success, else a
// message saying what failed (the interpreter is then not initialised).
std::string initialize_python(const InitOptions& options);

// Finalizes; the caller holds the GIL.
void finalize_python();
