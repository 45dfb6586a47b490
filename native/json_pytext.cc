#include "json_pytext.h"

#include <cstring>
#include <vector>

namespace {

constexpr char kHex[] = "0123456789abcdef";

bool is_surrogate(Py_UCS4 c) { return c >= 0xD800 && c <= 0xDFFF; }

// The escape JSON needs for `c`, or nullptr when it needs the \uXXXX form (or none).
const char* short_escape(Py_UCS4 c) {
  switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    case '\b': return "\\b";
    case '\f': return "\\f";
    default: return nullptr;
  }
}

// Bytes of `c` in the literal.
size_t literal_size(Py_UCS4 c) {
  if (c >= 0x20 && c < 0x80) return (c == '"' || c == '\\') ? 2 : 1;
  if (c < 0x20) return short_escape(c) ? 2 : 6;
  if (c < 0x800) return 2;
  if (c < 0x10000) return is_surrogate(c) ? 6 : 3;
  return 4;
}

char* write_code_point(char* p, Py_UCS4 c) {
  if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
    *p++ = static_cast<char>(c);
  } else if (const char* escape = short_escape(c)) {
    *p++ = escape[0];
    *p++ = escape[1];
  } else if (c < 0x20 || is_surrogate(c)) {
    *p++ = '\\';
    *p++ = 'u';
    for (int shift = 12; shift >= 0; shift -= 4) *p++ = kHex[(c >> shift) & 0xf];
  } else if (c < 0x800) {
    *p++ = static_cast<char>(0xC0 | (c >> 6));
    *p++ = static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *p++ = static_cast<char>(0xE0 | (c >> 12));
    *p++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (c & 0x3F));
  } else {
    *p++ = static_cast<char>(0xF0 | (c >> 18));
    *p++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    *p++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (c & 0x3F));
  }
  return p;
}

// A str's code points in its own storage (1, 2 or 4 bytes each), read in place.
template <typename Char>
size_t literal_size_of(const Char* text, Py_ssize_t length) {
  size_t size = 2;  // the quotes
  for (Py_ssize_t i = 0; i < length; ++i) size += literal_size(text[i]);
  return size;
}

template <typename Char>
char* write_literal(char* p, const Char* text, Py_ssize_t length) {
  *p++ = '"';
  for (Py_ssize_t i = 0; i < length; ++i) p = write_code_point(p, text[i]);
  *p++ = '"';
  return p;
}

// How many bytes of ASCII text JSON must escape. Without branches, so that the compiler vectorizes it: most
// long text has none, and is then one memcpy (docs/performance.md, "10 M-char repr").
size_t ascii_escapes(const Py_UCS1* text, Py_ssize_t length) {
  size_t count = 0;
  for (Py_ssize_t i = 0; i < length; ++i) {
    Py_UCS1 c = text[i];
    count += static_cast<size_t>((c < 0x20) | (c == '"') | (c == '\\'));
  }
  return count;
}

// ASCII text goes in by runs between the bytes to escape, with one memcpy each; `size`, its literal's
// measured size, says whether there is any (each escape makes the literal longer than the text).
char* write_ascii_literal(char* p, const Py_UCS1* text, Py_ssize_t length, size_t size) {
  *p++ = '"';
  if (size == static_cast<size_t>(length) + 2) {
    std::memcpy(p, text, static_cast<size_t>(length));
    p += length;
    *p++ = '"';
    return p;
  }
  Py_ssize_t run = 0;
  for (Py_ssize_t i = 0; i < length; ++i) {
    Py_UCS1 c = text[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    std::memcpy(p, text + run, static_cast<size_t>(i - run));
    p = write_code_point(p + (i - run), c);
    run = i + 1;
  }
  std::memcpy(p, text + run, static_cast<size_t>(length - run));
  p += length - run;
  *p++ = '"';
  return p;
}

bool ready(PyObject* text) {
#if PY_VERSION_HEX < 0x030C0000
  return PyUnicode_READY(text) == 0;  // legacy strings get their compact form (3.12 has no others)
#else
  (void)text;
  return true;
#endif
}

size_t str_literal_size(PyObject* text) {
  Py_ssize_t length = PyUnicode_GET_LENGTH(text);
  const void* data = PyUnicode_DATA(text);
  if (PyUnicode_IS_ASCII(text) && ascii_escapes(static_cast<const Py_UCS1*>(data), length) == 0) {
    return static_cast<size_t>(length) + 2;
  }
  switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND: return literal_size_of(static_cast<const Py_UCS1*>(data), length);
    case PyUnicode_2BYTE_KIND: return literal_size_of(static_cast<const Py_UCS2*>(data), length);
    default: return literal_size_of(static_cast<const Py_UCS4*>(data), length);
  }
}

// `size`: what str_literal_size() measured of it.
char* write_str_literal(char* p, PyObject* text, size_t size) {
  Py_ssize_t length = PyUnicode_GET_LENGTH(text);
  const void* data = PyUnicode_DATA(text);
  if (PyUnicode_IS_ASCII(text)) return write_ascii_literal(p, static_cast<const Py_UCS1*>(data), length, size);
  switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND: return write_literal(p, static_cast<const Py_UCS1*>(data), length);
    case PyUnicode_2BYTE_KIND: return write_literal(p, static_cast<const Py_UCS2*>(data), length);
    default: return write_literal(p, static_cast<const Py_UCS4*>(data), length);
  }
}

}  // namespace

bool join_json_pieces(PyObject* pieces, std::string* out) {
  if (!PyTuple_Check(pieces)) {
    PyErr_Format(PyExc_TypeError, "content must be bytes or a tuple of bytes and str, not %.100s", Py_TYPE(pieces)->tp_name);
    return false;
  }
  Py_ssize_t count = PyTuple_GET_SIZE(pieces);
  // First the exact size of each piece, so the text is written once, into its final place.
  std::vector<size_t> sizes(static_cast<size_t>(count));
  size_t total = 0;
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyObject* piece = PyTuple_GET_ITEM(pieces, i);  // borrowed
    if (PyBytes_Check(piece)) {
      sizes[i] = static_cast<size_t>(PyBytes_GET_SIZE(piece));
      total += sizes[i];
    } else if (PyUnicode_Check(piece) && ready(piece)) {
      sizes[i] = str_literal_size(piece);
      total += sizes[i];
    } else {
      if (!PyErr_Occurred()) {
        PyErr_Format(PyExc_TypeError, "a content piece must be bytes or str, not %.100s", Py_TYPE(piece)->tp_name);
      }
      return false;
    }
  }
  out->resize(total);
  char* p = out->data();
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyObject* piece = PyTuple_GET_ITEM(pieces, i);
    if (PyBytes_Check(piece)) {
      std::memcpy(p, PyBytes_AS_STRING(piece), sizes[i]);
      p += sizes[i];
    } else {
      p = write_str_literal(p, piece, sizes[i]);
    }
  }
  return true;
}
