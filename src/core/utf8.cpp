#include "core/utf8.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>

namespace finai {

std::optional<TextProblem> CheckText(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // ASCII fast path, eight bytes at a time.
    while (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, s + i, 8);
      const bool ascii = (word & 0x8080808080808080ULL) == 0;
      const bool has_zero = ((word - 0x0101010101010101ULL) & ~word & 0x8080808080808080ULL) != 0;
      if (!ascii || has_zero) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = s[i];
    if (c == 0) return TextProblem{i, "NUL byte in text"};
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return TextProblem{i, fmt::format("invalid UTF-8 byte 0x{:02x}", c)};
    }
    if (i + len > n) return TextProblem{i, fmt::format("truncated UTF-8 sequence starting with byte 0x{:02x}", c)};
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        return TextProblem{i, fmt::format("invalid UTF-8 sequence starting with byte 0x{:02x}", c)};
      }
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return TextProblem{i, fmt::format("invalid UTF-8 sequence starting with byte 0x{:02x}", c)};
    }
    i += len;
  }
  return std::nullopt;
}

}  // namespace finai
