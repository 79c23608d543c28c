#include "finai/core/error.hpp"

#include <fmt/format.h>

#include "core/utf8.hpp"
#include "finai/core/check.hpp"

namespace finai {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return "InvalidArgument";
    case ErrorKind::kInvalidData: return "InvalidData";
    case ErrorKind::kNotFound: return "NotFound";
    case ErrorKind::kUnsupported: return "Unsupported";
    case ErrorKind::kIoError: return "IoError";
    case ErrorKind::kCancelled: return "Cancelled";
    case ErrorKind::kInternal: return "Internal";
  }
  return "Unknown";
}

int ExitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return 64;  // EX_USAGE
    case ErrorKind::kInvalidData: return 65;      // EX_DATAERR
    case ErrorKind::kNotFound: return 66;         // EX_NOINPUT
    case ErrorKind::kUnsupported: return 69;      // EX_UNAVAILABLE
    case ErrorKind::kInternal: return 70;         // EX_SOFTWARE
    case ErrorKind::kIoError: return 74;          // EX_IOERR
    case ErrorKind::kCancelled: return 130;       // as after SIGINT
  }
  return 70;
}

std::string QuoteValue(std::string_view value, std::size_t max_bytes) {
  const std::size_t full_size = value.size();
  const bool cut = full_size > max_bytes;
  if (cut) value = value.substr(0, max_bytes);
  std::string out;
  // Control bytes are escaped so that the message stays on one printable line, and so are all non-ASCII
  // bytes of a value that is not valid UTF-8, so that the message itself always is.
  const bool valid_utf8 = !CheckText(value).has_value();
  for (unsigned char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !valid_utf8)) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (cut) out += fmt::format("...({} bytes)", full_size);
  return out;
}

std::string FormatErrorMessage(const std::string& detail, const ErrorLocation& loc) {
  std::string out;
  if (!loc.file.empty()) {
    out += loc.file;
    if (loc.line > 0) out += fmt::format(":{}", loc.line);
    if (loc.column > 0) out += fmt::format(":{}", loc.column);
    out += ": ";
  }
  if (!loc.field.empty()) out += fmt::format("{} '{}': ", loc.field_kind.empty() ? "column" : loc.field_kind, loc.field);
  if (loc.value) out += fmt::format("value '{}': ", QuoteValue(*loc.value));
  out += detail;
  if (!loc.expected.empty()) out += fmt::format("; expected {}", loc.expected);
  return out;
}

Error::Error(ErrorKind kind, std::string message, ErrorLocation location)
    : std::runtime_error(FormatErrorMessage(message, location)),
      kind_(kind),
      detail_(std::move(message)),
      location_(std::move(location)) {}

namespace detail {
void ThrowCheckFailure(const char* condition, const char* file, int line, const std::string& message) {
  throw InternalError(fmt::format("internal check failed: {} at {}:{}{}{} (this is a bug in finai; please report it)",
                                  condition, file, line, message.empty() ? "" : ": ", message));
}
}  // namespace detail

}  // namespace finai
