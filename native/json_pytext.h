// A message's JSON assembled around long Python str values without copying them more than once: each str
// is written straight from its code points into the message's one buffer (docs/performance.md, "The 10
// M-character repr").
#pragma once
#include "py_ref.h"  // Python.h first, as CPython asks

#include <string>

// `pieces`: a tuple of bytes (JSON as it is) and str (each written as a JSON string literal: UTF-8, with
// `"`, `\` and control characters escaped, and lone surrogates, which UTF-8 cannot carry, as \uXXXX, as
// Python's json module writes them). False with a Python error set when a piece is neither.
bool join_json_pieces(PyObject* pieces, std::string* out);
