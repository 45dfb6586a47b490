// Starting and stopping CPython. Everything here runs on the Python thread only (DESIGN fact 3).
#pragma once
#include <string>
#include <vector>

struct InitOptions {
  std::string executable;          // the interpreter whose configuration we take (a venv's bin/python, ...)
  std::vector<std::string> paths;  // appended to sys.path after start (the kernel's own Python package)
};

// Initialises the interpreter and leaves the GIL held by the calling thread. Returns "" on success, else a
// message saying what failed (the interpreter is then not initialised).
std::string initialize_python(const InitOptions& options);

// Finalizes; the caller holds the GIL.
void finalize_python();
