// Model files for gradient-boosted tree models (docs/model_format.md, field by field and byte by byte).
//
// Two encodings of the same content: JSON ("finai.gbdt", human-readable, for audit and review) and a compact
// binary (".fgb": magic "FINAIGB\0", little-endian sections, XXH3-64 checksum at the end). Both round-trip a
// model exactly: every double bit for bit, so a reloaded model predicts bit-identically.
//
// Readers treat the bytes as untrusted. Anything malformed, truncated, corrupt or written by a newer finai is
// finai::InvalidData naming the file and, for JSON, the key path (e.g. "trees[3].nodes.feature[7]") or, for
// binary, the byte offset, and what was expected; never a crash or an allocation sized by an unchecked count.
// Unknown JSON keys are errors, as in parameter files: a misspelt key must not be silently dropped. Files of
// every older format version keep loading; frozen examples live under tests/compat/gbdt_v<N>/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "finai/models/gbdt/model.hpp"

namespace finai::gbdt {

// The newest model format version this build writes and reads (JSON "format_version" and the binary header).
inline constexpr std::uint32_t kModelFormatVersion = 1;

// JSON text (UTF-8, 2-space indentation, arrays of plain values on one line, a final newline).
// InvalidArgument when the model is inconsistent (GbdtModel::Validate) or holds text that is not valid UTF-8
// or contains a NUL byte: a file that its own reader would refuse is never written.
std::string ModelToJson(const GbdtModel& model);
// source_name is the file named in error messages.
GbdtModel ModelFromJson(std::string_view text, std::string_view source_name);

// The binary encoding; same content and same InvalidArgument rules as ModelToJson.
std::string ModelToBinary(const GbdtModel& model);
GbdtModel ModelFromBinary(std::string_view bytes, std::string_view source_name);

// Writes by extension, ".json" or ".fgb" (lower case; anything else is InvalidArgument), atomically: readers
// see the old file or the new one, never half of one. IoError when the directory refuses.
void SaveModel(const GbdtModel& model, const std::string& path);
// Reads either encoding: binary when the file starts with the magic "FINAIGB\0" (or a prefix of it, which is
// then reported as truncated), JSON otherwise. NotFound / IoError from the file system.
GbdtModel LoadModel(const std::string& path);

// The checks every reader runs after decoding, for any source of models (model files, and importers of other
// libraries' models): GbdtModel::Validate() plus the rules of docs/model_format.md that Validate does not
// cover (unique non-empty feature names, categories only on categorical features and unique within one,
// monotone -1/0/1 on numeric features only, class labels matching the objective, finite base margins, text
// that is valid UTF-8 without NUL). InvalidData whose message starts with source_name.
void ValidateModelContent(const GbdtModel& model, std::string_view source_name);

}  // namespace finai::gbdt
