// Checks that text is valid UTF-8 without NUL bytes, as every string finai stores must be.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace finai {

struct TextProblem {
  std::size_t offset;  // of the first bad byte
  std::string detail;
};

// nullopt when the text is valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF) and has
// no NUL byte.
std::optional<TextProblem> CheckText(std::string_view text);

}  // namespace finai
