// Fuzz target: segment file bytes as recovery and `cairn log dump` read them (BatchScanner in
// both modes, the search for a valid batch after a bad one, and the index decoders), and the same
// bytes as a recovery-point file and a producer snapshot.
#include <cstdint>
#include <cstring>
#include <vector>

#include "protocol/types.h"
#include "storage/batch_scanner.h"
#include "storage/offset_index.h"
#include "storage/producer_state.h"
#include "storage/recovery.h"
#include "storage/time_index.h"

namespace {

using namespace cairn;
using namespace cairn::storage;

class BytesFile final : public File {
 public:
  explicit BytesFile(std::vector<std::byte> bytes) : bytes_(std::move(bytes)) {}
  Result<size_t> read_at(FilePosition pos, std::span<std::byte> out) const override {
    if (pos.value() >= bytes_.size()) return size_t{0};
    size_t n = std::min(out.size(), bytes_.size() - pos.value());
    std::memcpy(out.data(), bytes_.data() + pos.value(), n);
    return n;
  }
  Result<uint64_t> size() const override { return uint64_t{bytes_.size()}; }
  int native_handle() const override { return -1; }
  const std::filesystem::path& path() const override { return path_; }

 private:
  std::vector<std::byte> bytes_;
  std::filesystem::path path_ = "fuzz.log";
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::byte> bytes(reinterpret_cast<const std::byte*>(data),
                               reinterpret_cast<const std::byte*>(data) + size);
  BytesFile file(bytes);
  for (auto mode : {BatchScanner::Mode::kHeaders, BatchScanner::Mode::kVerify}) {
    BatchScanner scanner(file, FilePosition(0), size, mode);
    for (int i = 0; i < 10000 && scanner.next(); ++i) {
    }
  }
  if (auto from = search_start_after(file, FilePosition(0), size); from && from->value() <= size) {
    find_valid_batch(file, *from, size, Offset(0)).status().ignore_error();
  }
  decode_recovery_point(bytes).status().ignore_error();
  ProducerState::decode(bytes, 1000, Timestamp()).status().ignore_error();
  OffsetIndex::decode(Offset(0), bytes, size, 1 << 20).status().ignore_error();
  TimeIndex::decode(Offset(0), bytes, 1 << 20).status().ignore_error();
  return 0;
}
