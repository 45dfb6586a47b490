// JSON string escaping for UTF-8 text we already trust (it comes from Python's UTF-8 encoder).
#pragma once
#include <string>

inline void append_json_string(std::string& out, const char* text, size_t size) {
  static const char hex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // copy unescaped runs in one go: most text needs no escaping
  for (size_t i = 0; i < size; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        out.append("\\u00");
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xf]);
    }
  }
  out.append(text + run, size - run);
  out.push_back('"');
}
