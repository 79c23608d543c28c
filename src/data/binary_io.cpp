#include "binary_io.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <system_error>

#include "finai/core/check.hpp"
#include "finai/core/error.hpp"
#include "finai/core/file.hpp"

namespace finai::detail {
namespace {

// Large enough that sink calls and hash updates are cheap per byte, small enough to be nothing next to data.
constexpr std::size_t kBlockBytes = std::size_t{1} << 20;

std::string OsReason(int error_number) { return std::generic_category().message(error_number); }

}  // namespace

Xxh3Stream::Xxh3Stream() : state_(XXH3_createState()) {
  if (!state_) throw std::bad_alloc();
  XXH3_64bits_reset(state_.get());
}

void Xxh3Stream::Update(std::string_view bytes) {
  if (!bytes.empty()) XXH3_64bits_update(state_.get(), bytes.data(), bytes.size());
}

std::uint64_t Xxh3Stream::Digest() const { return XXH3_64bits_digest(state_.get()); }

FileDigest DigestFile(const std::string& path) {
  FileBlockReader reader(path);
  Xxh3Stream digest;
  FileDigest out;
  std::string block;
  block.reserve(kBlockBytes);
  for (;;) {
    block.clear();
    if (reader.ReadAppend(block, kBlockBytes) == 0) break;
    digest.Update(block);
    out.size += block.size();
  }
  out.hash = digest.Digest();
  return out;
}

BinaryWriter::BinaryWriter(Sink sink) : sink_(std::move(sink)) { buffer_.reserve(kBlockBytes); }

void BinaryWriter::PutBytes(const char* data, std::size_t size) {
  if (size >= kBlockBytes) {
    // A big array goes straight to the sink rather than through a copy in the buffer.
    Drain();
    const std::string_view bytes(data, size);
    digest_.Update(bytes);
    sink_(bytes);
    flushed_ += size;
    return;
  }
  buffer_.append(data, size);
  if (buffer_.size() >= kBlockBytes) Drain();
}

void BinaryWriter::Drain() {
  if (buffer_.empty()) return;
  digest_.Update(buffer_);
  sink_(buffer_);
  flushed_ += buffer_.size();
  buffer_.clear();
}

void BinaryWriter::FinishWithChecksum() {
  Drain();
  const std::uint64_t checksum = SwapToLittleEndian(digest_.Digest());
  const std::string_view bytes(reinterpret_cast<const char*>(&checksum), sizeof(checksum));
  sink_(bytes);
  flushed_ += bytes.size();
}

std::string_view BinaryReader::GetBytes(std::size_t size, const char* what) {
  if (size > remaining()) {
    Fail(fmt::format("truncated: {} needs {} bytes but only {} remain", what, size, remaining()));
  }
  const std::string_view out = bytes_.substr(offset_, size);
  offset_ += size;
  return out;
}

void BinaryReader::RequireFits(std::uint64_t count, std::size_t min_bytes, const char* what) const {
  FINAI_CHECK(min_bytes > 0);
  if (count > remaining() / min_bytes) {
    Fail(fmt::format("impossible size: {} {} need at least {} bytes each but only {} bytes remain", count, what,
                     min_bytes, remaining()));
  }
}

void BinaryReader::FailAt(std::size_t offset, const std::string& message) const {
  throw InvalidData(fmt::format("{} (at byte offset {})", message, offset), {.file = name_, .field = field_});
}

void WriteStreamAtomically(const std::string& path, const std::function<void(BinaryWriter&)>& body) {
  // The pid keeps processes apart and the counter keeps threads of one process apart, so two writers of the
  // same entry never share a temporary file; the last rename wins, with complete contents either way.
  static std::atomic<std::uint64_t> counter{0};
  const std::string temp_path = fmt::format("{}.tmp.{}.{}", path, ::getpid(), counter.fetch_add(1));
  struct Closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(temp_path.c_str(), "wb"));
  if (!file) throw IoError(fmt::format("cannot create the file: {}", OsReason(errno)), {.file = temp_path});
  try {
    BinaryWriter writer([&](std::string_view bytes) {
      if (std::fwrite(bytes.data(), 1, bytes.size(), file.get()) != bytes.size()) {
        throw IoError(fmt::format("write failed: {}", OsReason(errno)), {.file = temp_path});
      }
    });
    body(writer);
    writer.FinishWithChecksum();
    // Without the fsync a power loss after the rename could publish a name whose blocks never reached the disk.
    if (std::fflush(file.get()) != 0 || ::fsync(::fileno(file.get())) != 0) {
      throw IoError(fmt::format("flush to disk failed: {}", OsReason(errno)), {.file = temp_path});
    }
    if (std::fclose(file.release()) != 0) {
      throw IoError(fmt::format("close failed: {}", OsReason(errno)), {.file = temp_path});
    }
    if (std::rename(temp_path.c_str(), path.c_str()) != 0) {
      throw IoError(fmt::format("cannot rename {} into place: {}", temp_path, OsReason(errno)), {.file = path});
    }
  } catch (...) {
    file.reset();
    std::remove(temp_path.c_str());
    throw;
  }
}

}  // namespace finai::detail
