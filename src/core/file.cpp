#include "finai/core/file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "finai/core/error.hpp"

namespace finai {

namespace {
[[noreturn]] void ThrowOpenError(const std::string& path, int err) {
  if (err == ENOENT) throw NotFound("no such file", {.file = path});
  throw IoError(fmt::format("cannot open the file: {}", std::strerror(err)), {.file = path});
}
}  // namespace

std::uint64_t FileSize(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) ThrowOpenError(path, ec.value());
  return size;
}

FileBlockReader::FileBlockReader(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  if (std::filesystem::is_directory(path_, ec)) throw InvalidArgument("is a directory, not a file", {.file = path_});
  file_ = std::fopen(path_.c_str(), "rb");
  if (!file_) ThrowOpenError(path_, errno);
}

FileBlockReader::~FileBlockReader() {
  if (file_) std::fclose(file_);
}

FileBlockReader::FileBlockReader(FileBlockReader&& other) noexcept
    : path_(std::move(other.path_)), file_(std::exchange(other.file_, nullptr)) {}

FileBlockReader& FileBlockReader::operator=(FileBlockReader&& other) noexcept {
  if (this != &other) {
    if (file_) std::fclose(file_);
    path_ = std::move(other.path_);
    file_ = std::exchange(other.file_, nullptr);
  }
  return *this;
}

std::size_t FileBlockReader::ReadAppend(std::string& out, std::size_t max_bytes) {
  const std::size_t old_size = out.size();
  out.resize(old_size + max_bytes);
  const std::size_t got = std::fread(out.data() + old_size, 1, max_bytes, file_);
  out.resize(old_size + got);
  if (got < max_bytes && std::ferror(file_)) {
    throw IoError(fmt::format("read failed: {}", std::strerror(errno)), {.file = path_});
  }
  return got;
}

std::string ReadFileToString(const std::string& path) {
  FileBlockReader reader(path);
  std::string out;
  while (reader.ReadAppend(out, 1 << 20) > 0) {
  }
  return out;
}

void WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw IoError(fmt::format("cannot create the file: {}", std::strerror(errno)), {.file = tmp});
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size() && std::fflush(f) == 0 &&
                  ::fsync(::fileno(f)) == 0;
  const int err = errno;
  std::fclose(f);
  if (!ok) {
    std::remove(tmp.c_str());
    throw IoError(fmt::format("write failed: {}", std::strerror(err)), {.file = path});
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int rename_err = errno;
    std::remove(tmp.c_str());
    throw IoError(fmt::format("cannot rename the finished file into place: {}", std::strerror(rename_err)),
                  {.file = path});
  }
}

}  // namespace finai
