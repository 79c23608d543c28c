// Reading files with errors that name the file and say what went wrong.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace finai {

// The whole file as bytes. NotFound when it does not exist, IoError when it cannot be read.
std::string ReadFileToString(const std::string& path);
std::uint64_t FileSize(const std::string& path);

// Reads a file front to back in blocks, for files larger than memory.
class FileBlockReader {
 public:
  explicit FileBlockReader(std::string path);
  ~FileBlockReader();
  FileBlockReader(const FileBlockReader&) = delete;
  FileBlockReader& operator=(const FileBlockReader&) = delete;
  FileBlockReader(FileBlockReader&& other) noexcept;
  FileBlockReader& operator=(FileBlockReader&& other) noexcept;

  // Appends up to max_bytes to out; returns how many were appended (0 at end of file).
  std::size_t ReadAppend(std::string& out, std::size_t max_bytes);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

// Writes a file under a temporary name and renames it into place, so that readers never see half a file
// and an existing file is replaced only once the new one is complete.
void WriteFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace finai
