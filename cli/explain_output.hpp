// What the `finai explain` writers share: where the output goes, and how the values were computed.
#pragma once

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "finai/core/error.hpp"

namespace finai::cli {

// Where the output goes: a file named by -o or standard output.
class Output {
 public:
  explicit Output(const std::string& path) : path_(path) {
    if (path.empty()) return;
    file_ = std::fopen(path.c_str(), "w");
    if (!file_) throw IoError("cannot create the output file", {.file = path});
  }
  ~Output() {
    if (file_ != stdout) std::fclose(file_);
  }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  void Write(const std::string& text) { std::fputs(text.c_str(), file_); }
  void Close() {
    if (file_ == stdout) return;
    const bool ok = std::fclose(file_) == 0;
    file_ = stdout;
    if (!ok) throw IoError("cannot write the output file", {.file = path_});
  }

 private:
  std::string path_;
  std::FILE* file_ = stdout;
};

// How the values were computed, as the JSON output records it.
struct Method {
  std::string name = "path-dependent TreeSHAP";
  std::string background;  // interventional: the background file and its rows
  std::int64_t background_rows = 0;
  void AddTo(nlohmann::ordered_json& doc) const {
    doc["method"] = name;
    if (!background.empty()) {
      doc["background"] = background;
      doc["background_rows"] = background_rows;
    }
  }
};

}  // namespace finai::cli
