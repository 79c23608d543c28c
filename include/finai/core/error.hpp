// finai's error types. User and data errors name the offending thing (file, line, column, field,
// value, what was expected); invariant failures are Internal. Nothing in the library aborts: the
// command line maps an error kind to an exit code, a server to an HTTP status.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace finai {

enum class ErrorKind {
  kInvalidArgument,  // a parameter, flag or option the caller gave is wrong
  kInvalidData,      // the data (a file's content, a model file) is malformed
  kNotFound,         // a file, column or key does not exist
  kUnsupported,      // a valid request this build or version cannot honour
  kIoError,          // the operating system refused a read or write
  kCancelled,        // the caller asked the work to stop
  kInternal,         // a broken invariant: a bug in finai
};

std::string_view ErrorKindName(ErrorKind kind);

// Where in the input an error was found. Every field is optional; the message lists those that are set
// in the order file:line:column, then "<field_kind> '<field>'", value and what was expected.
struct ErrorLocation {
  std::string file;
  std::int64_t line = 0;    // 1-based physical line; 0 = unknown
  std::int64_t column = 0;  // 1-based byte column in that line; 0 = unknown
  std::string field;        // column / key / parameter name
  std::string field_kind;   // what the field is: "column" (default), "key", "option", "parameter", ...
  std::optional<std::string> value;
  std::string expected;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, ErrorLocation location = {});
  ErrorKind kind() const { return kind_; }
  // The message without the location prefix.
  const std::string& detail() const { return detail_; }
  const ErrorLocation& location() const { return location_; }

 private:
  ErrorKind kind_;
  std::string detail_;
  ErrorLocation location_;
};

#define FINAI_DEFINE_ERROR(Name, Kind)                                       \
  class Name : public Error {                                                \
   public:                                                                   \
    explicit Name(std::string message, ErrorLocation location = {})          \
        : Error(ErrorKind::Kind, std::move(message), std::move(location)) {} \
  };
FINAI_DEFINE_ERROR(InvalidArgument, kInvalidArgument)
FINAI_DEFINE_ERROR(InvalidData, kInvalidData)
FINAI_DEFINE_ERROR(NotFound, kNotFound)
FINAI_DEFINE_ERROR(Unsupported, kUnsupported)
FINAI_DEFINE_ERROR(IoError, kIoError)
FINAI_DEFINE_ERROR(Cancelled, kCancelled)
FINAI_DEFINE_ERROR(InternalError, kInternal)
#undef FINAI_DEFINE_ERROR

// Formats "file:line:column: field 'f': value 'v': detail; expected e" from the parts that are set.
std::string FormatErrorMessage(const std::string& detail, const ErrorLocation& location);

// Shortens a value for quoting in a message (long values are cut, control bytes escaped).
std::string QuoteValue(std::string_view value, std::size_t max_bytes = 64);

// Exit codes of the command line, one per error kind (BSD sysexits where one fits).
int ExitCodeFor(ErrorKind kind);

}  // namespace finai
