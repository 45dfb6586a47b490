// Turns a byte stream read in arbitrary chunks into valid UTF-8: a character split across two reads is
// joined, and each maximal invalid subpart becomes one U+FFFD (as Python's "replace" error handler does).
#pragma once
#include <cstddef>
#include <string>

class Utf8Decoder {
 public:
  // Appends the decoded text of `data` to `out`. An incomplete sequence at the end is held back for the
  // next call.
  void decode(const char* data, size_t size, std::string& out);
  // The input has ended: a held-back incomplete sequence becomes U+FFFD.
  void finish(std::string& out);

 private:
  unsigned char held_[4];
  size_t held_size_ = 0;
};
