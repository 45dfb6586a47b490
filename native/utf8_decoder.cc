#include "utf8_decoder.h"

#include <algorithm>
#include <cstring>

namespace {

const char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// What starts at the front of a byte range (Unicode 15, table 3-7 "well-formed UTF-8 byte sequences").
struct Sequence {
  enum Kind { Valid, Invalid, Incomplete } kind;
  size_t length;  // Valid: the character's bytes. Invalid: the maximal subpart to replace.
};

Sequence classify(const unsigned char* p, size_t available) {
  unsigned char lead = p[0];
  if (lead < 0x80) return {Sequence::Valid, 1};
  size_t length;
  unsigned char low = 0x80, high = 0xBF;  // the range allowed for the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return {Sequence::Invalid, 1};
  }
  for (size_t i = 1; i < length; ++i) {
    if (i == available) return {Sequence::Incomplete, i};
    if (p[i] < low || p[i] > high) return {Sequence::Invalid, i};
    low = 0x80;
    high = 0xBF;
  }
  return {Sequence::Valid, length};
}

}  // namespace

void Utf8Decoder::decode(const char* data, size_t size, std::string& out) {
  auto bytes = reinterpret_cast<const unsigned char*>(data);
  size_t start = 0;
  if (held_size_ > 0) {
    // Complete the held-back sequence with the first bytes of this chunk (it needs at most 3 more).
    unsigned char joined[7];
    size_t taken = std::min<size_t>(size, 3);
    std::memcpy(joined, held_, held_size_);
    std::memcpy(joined + held_size_, bytes, taken);
    Sequence first = classify(joined, held_size_ + taken);
    if (first.kind == Sequence::Incomplete) {
      std::memcpy(held_ + held_size_, bytes, taken);
      held_size_ += taken;
      return;
    }
    if (first.kind == Sequence::Valid) {
      out.append(reinterpret_cast<const char*>(joined), first.length);
    } else {
      out.append(kReplacement);
    }
    // The held bytes were a valid prefix, so the sequence always reaches into this chunk.
    start = first.length - held_size_;
    held_size_ = 0;
  }
  size_t run = start;  // valid bytes are appended in runs, not one character at a time
  size_t i = start;
  while (i < size) {
    if (bytes[i] < 0x80) {
      ++i;
      continue;
    }
    Sequence next = classify(bytes + i, size - i);
    if (next.kind == Sequence::Valid) {
      i += next.length;
      continue;
    }
    out.append(data + run, i - run);
    if (next.kind == Sequence::Incomplete) {
      std::memcpy(held_, bytes + i, size - i);
      held_size_ = size - i;
      return;
    }
    out.append(kReplacement);
    i += next.length;
    run = i;
  }
  out.append(data + run, size - run);
}

void Utf8Decoder::finish(std::string& out) {
  if (held_size_ == 0) return;
  out.append(kReplacement);
  held_size_ = 0;
}
