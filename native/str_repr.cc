#include "str_repr.h"

#include <cstring>

namespace {

// What one scan finds in ASCII text: a byte repr would escape (control characters, DEL, backslash),
// and which quotes occur. Blocks of bytes OR-ed together, so the compiler can vectorize the loop.
struct AsciiScan {
  bool escapes = false;
  bool single_quote = false;
  bool double_quote = false;

  // repr must escape something: a byte above, or the quote it chooses, when both kinds occur.
  bool repr_escapes() const { return escapes || (single_quote && double_quote); }
};

AsciiScan scan_ascii(const unsigned char* text, Py_ssize_t size) {
  constexpr Py_ssize_t kBlock = 4096;
  AsciiScan found;
  for (Py_ssize_t start = 0; start < size; start += kBlock) {
    const Py_ssize_t end = size - start < kBlock ? size : start + kBlock;
    unsigned char escapes = 0, single_quote = 0, double_quote = 0;
    for (Py_ssize_t i = start; i < end; ++i) {
      const unsigned char c = text[i];
      escapes |= static_cast<unsigned char>((c < 0x20) | (c == 0x7f) | (c == '\\'));
      single_quote |= static_cast<unsigned char>(c == '\'');
      double_quote |= static_cast<unsigned char>(c == '"');
    }
    found.escapes = found.escapes || escapes;
    found.single_quote = found.single_quote || single_quote;
    found.double_quote = found.double_quote || double_quote;
    if (found.repr_escapes()) break;  // CPython's repr, then: no need to scan on
  }
  return found;
}

}  // namespace

PyObject* text_repr(PyObject* obj) {
  if (!PyUnicode_CheckExact(obj)) return PyObject_Repr(obj);
#if PY_VERSION_HEX < 0x030C0000
  if (PyUnicode_READY(obj) < 0) return nullptr;  // a str made by the legacy API gets its canonical form first
#endif
  if (!PyUnicode_IS_ASCII(obj)) return PyObject_Repr(obj);
  const Py_ssize_t size = PyUnicode_GET_LENGTH(obj);
  const auto* text = static_cast<const unsigned char*>(PyUnicode_DATA(obj));
  const AsciiScan found = scan_ascii(text, size);
  if (found.repr_escapes()) return PyObject_Repr(obj);
  // repr quotes with ' unless the text has ' and no " (CPython's unicode_repr, 3.7 to 3.13).
  const char quote = found.single_quote ? '"' : '\'';
  PyObject* out = PyUnicode_New(size + 2, 127);
  if (!out) return nullptr;
  auto* data = static_cast<char*>(PyUnicode_DATA(out));
  data[0] = quote;
  std::memcpy(data + 1, text, static_cast<size_t>(size));
  data[size + 1] = quote;
  return out;
}
