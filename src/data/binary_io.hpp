// Little-endian binary encoding for finai's binary files (the dataset cache; model files may follow).
// BinaryWriter streams its bytes out in blocks through an XXH3-64 digest, so a large file never has to sit
// whole in memory twice. BinaryReader reads untrusted bytes: every length read from the input is checked
// against the bytes that remain *before* anything is allocated or copied, so a corrupt or hostile file fails
// with InvalidData (naming the file and the byte offset) instead of crashing or exhausting memory.
#pragma once

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace finai::detail {

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big,
              "mixed-endian machines are not supported");

// Byte order on disk is little-endian; on a big-endian host every value is reversed on the way in and out.
template <class T>
T SwapToLittleEndian(T value) {
  static_assert(std::is_arithmetic_v<T>);
  if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
    auto* bytes = reinterpret_cast<unsigned char*>(&value);
    std::reverse(bytes, bytes + sizeof(T));
  }
  return value;
}

// Streaming XXH3-64: the same digest as XXH3_64bits over everything passed to Update, in order.
class Xxh3Stream {
 public:
  Xxh3Stream();
  void Update(std::string_view bytes);
  std::uint64_t Digest() const;

 private:
  struct StateDeleter {
    void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
  };
  std::unique_ptr<XXH3_state_t, StateDeleter> state_;
};

struct FileDigest {
  std::uint64_t hash = 0;  // XXH3-64 of the file's bytes
  std::uint64_t size = 0;  // bytes hashed
};
// Hashes a file in 1 MiB blocks, so files larger than memory work. NotFound / IoError name the path.
FileDigest DigestFile(const std::string& path);

class BinaryWriter {
 public:
  using Sink = std::function<void(std::string_view)>;
  explicit BinaryWriter(Sink sink);

  template <class T>
  void Put(T value) {
    value = SwapToLittleEndian(value);
    PutBytes(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  template <class T>
  void PutArray(std::span<const T> values) {
    if constexpr (std::endian::native == std::endian::little) {
      PutBytes(reinterpret_cast<const char*>(values.data()), values.size_bytes());
    } else {
      for (T v : values) Put(v);
    }
  }
  void PutBytes(const char* data, std::size_t size);
  // Appends the XXH3-64 of every byte written before it, then hands all remaining bytes to the sink.
  void FinishWithChecksum();
  std::uint64_t size() const { return flushed_ + buffer_.size(); }

 private:
  void Drain();

  Sink sink_;
  std::string buffer_;
  Xxh3Stream digest_;
  std::uint64_t flushed_ = 0;
};

class BinaryReader {
 public:
  // bytes: what may be read (offsets in messages count from its start); name: the file, for messages.
  BinaryReader(std::string_view bytes, std::string name) : bytes_(bytes), name_(std::move(name)) {}

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return bytes_.size() - offset_; }
  const std::string& name() const { return name_; }
  // The column that errors name from now on (empty: none).
  void set_field(std::string field) { field_ = std::move(field); }

  template <class T>
  T Get(const char* what) {
    T value;
    std::memcpy(&value, GetBytes(sizeof(T), what).data(), sizeof(T));
    return SwapToLittleEndian(value);
  }
  template <class T>
  std::vector<T> GetArray(std::uint64_t count, const char* what) {
    RequireFits(count, sizeof(T), what);
    std::vector<T> values(static_cast<std::size_t>(count));
    const std::string_view raw = GetBytes(values.size() * sizeof(T), what);
    if (!values.empty()) std::memcpy(values.data(), raw.data(), raw.size());
    if constexpr (std::endian::native == std::endian::big) {
      for (T& v : values) v = SwapToLittleEndian(v);
    }
    return values;
  }
  std::string_view GetBytes(std::size_t size, const char* what);
  // Fails unless `count` items of at least `min_bytes` each fit in the bytes left. Called before every loop
  // or allocation sized by a count read from the input, so a count of 2^60 fails at once.
  void RequireFits(std::uint64_t count, std::size_t min_bytes, const char* what) const;

  [[noreturn]] void Fail(const std::string& message) const { FailAt(offset_, message); }
  [[noreturn]] void FailAt(std::size_t offset, const std::string& message) const;

 private:
  std::string_view bytes_;
  std::size_t offset_ = 0;
  std::string name_;
  std::string field_;
};

// Writes a file so that its name only ever holds complete contents: body writes to "<path>.tmp.<pid>.<n>",
// the XXH3-64 trailer is appended, and the file is fsynced and renamed over path. On any failure the
// temporary file is removed and the error rethrown, leaving whatever path held before untouched.
// Unlike finai::WriteFileAtomically (core/file.hpp) the bytes stream out block by block, so a data set
// need not exist twice in memory, and the counter keeps two threads of one process apart.
void WriteStreamAtomically(const std::string& path, const std::function<void(BinaryWriter&)>& body);

}  // namespace finai::detail
