// libFuzzer target for the dataset file reader (docs/dataset_cache.md). The reader takes bytes from disk that
// anyone with write access to the cache directory may have shaped, so on any input it must either return a
// data set or throw a finai::Error that is not Internal: never crash, hang, allocate absurdly, or throw
// anything else (an escaping exception terminates the process, which libFuzzer reports).
//
// Each input is read twice: as given, and with its trailing checksum recomputed. Random bytes almost never
// carry a valid XXH3-64, so without the second read the fuzzer would only ever exercise the checksum test.
// Whatever reads successfully must re-encode to exactly the bytes read: the format has one encoding per data
// set, so a difference means the reader accepted something the writer never produces.
//
// Build (not wired into CMake): clang++ -std=c++20 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc
//   fuzz/dataset_cache_fuzzer.cpp src/data/*.cpp src/core/*.cpp -lfmt -lxxhash -fopenmp
// Seed corpus: files written by WriteDatasetFile (e.g. from tests/unit/data/dataset_cache_test.cpp).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "finai/core/error.hpp"
#include "finai/data/dataset_cache.hpp"

namespace {

void ReadOnce(std::string_view bytes) {
  try {
    const finai::CachedDataset dataset = finai::ReadDatasetBuffer(bytes, "fuzz-input");
    if (finai::EncodeDataset(dataset.frame, dataset.schema, dataset.key) != bytes) std::abort();
  } catch (const finai::Error& error) {
    if (error.kind() == finai::ErrorKind::kInternal) std::abort();  // a broken invariant is a bug in finai
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ReadOnce(bytes);
  if (size >= 8) {
    std::string resealed(bytes);
    const std::uint64_t checksum = finai::HashBytes(bytes.substr(0, size - 8));
    for (int i = 0; i < 8; ++i) resealed[size - 8 + i] = static_cast<char>((checksum >> (8 * i)) & 0xFF);
    ReadOnce(resealed);
  }
  return 0;
}
