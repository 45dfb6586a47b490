// repr() of a str without CPython's per-character pass where the answer is the text in quotes
// (docs/performance.md, "A str's repr in one scan").
#pragma once
#include <Python.h>

// repr(obj) for any object, as PyObject_Repr gives it. An exact str of printable ASCII with no
// backslash, and not both kinds of quote, is its text between the quote repr would choose: that case is
// found by one scan of its bytes and copied once; everything else is PyObject_Repr's.
PyObject* text_repr(PyObject* obj);
