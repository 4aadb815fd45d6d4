#include "storage/batch_scanner.h"

#include <algorithm>
#include <string>

#include "protocol/wire_format.h"

namespace cairn::storage {

namespace pb = protocol::batch;

namespace {

constexpr uint64_t kHeaderChunk = 4096;
constexpr uint64_t kVerifyChunk = 256 << 10;

}  // namespace

Result<protocol::BatchHeader> check_stored_header(Bytes bytes, uint64_t bytes_available) {
  auto header = protocol::decode_batch_header(bytes);
  if (!header) return header.error();
  if (header->batch_length < pb::kHeaderSize || header->batch_length > pb::kMaxBatchLength ||
      header->batch_length > bytes_available) {
    return Status::corruption("batch length " + std::to_string(header->batch_length) +
                              " out of bounds (" + std::to_string(bytes_available) +
                              " bytes left)");
  }
  if (protocol::header_checksum(bytes) != header->header_checksum) {
    return Status::corruption("batch header checksum mismatch");
  }
  return header;
}

BatchScanner::BatchScanner(const File& file, FilePosition start, uint64_t end, Mode mode)
    : file_(file), position_(start), end_(end), mode_(mode) {}

Status BatchScanner::fill(uint64_t length) {
  uint64_t pos = position_.value();
  if (pos >= buffer_start_ && pos + length <= buffer_start_ + buffer_len_) return Status::ok();
  uint64_t chunk = mode_ == Mode::kVerify ? kVerifyChunk : kHeaderChunk;
  uint64_t want = std::min(std::max(length, chunk), end_ - pos);
  if (buffer_.size() < want) buffer_.resize(want);
  auto n = file_.read_at(position_, std::span<std::byte>(buffer_.data(), want));
  if (!n) return n.error();
  buffer_start_ = pos;
  buffer_len_ = *n;
  if (*n < length) {
    return Status::corruption("file ends " + std::to_string(pos + *n) + " before the batch at " +
                              std::to_string(pos) + " does");
  }
  return Status::ok();
}

std::optional<BatchScanner::Item> BatchScanner::next() {
  if (!status_.is_ok() || zero_tail_bytes_ > 0) return std::nullopt;
  auto item = read_next();
  if (!item) {
    if (item.error().is_corruption()) {
      auto zero = rest_is_zero();
      if (!zero) {
        status_ = zero.error();
        return std::nullopt;
      }
      if (*zero) {
        zero_tail_bytes_ = end_ - position_.value();
        return std::nullopt;
      }
    }
    status_ = item.error();
    return std::nullopt;
  }
  return *item;
}

Result<bool> BatchScanner::rest_is_zero() {
  std::vector<std::byte> chunk(std::min<uint64_t>(kVerifyChunk, end_ - position_.value()));
  for (uint64_t pos = position_.value(); pos < end_;) {
    uint64_t want = std::min<uint64_t>(chunk.size(), end_ - pos);
    auto n = file_.read_at(FilePosition(pos), std::span<std::byte>(chunk.data(), want));
    if (!n) return n.error();
    if (*n == 0) return false;  // the file is shorter than the range
    if (std::any_of(chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*n),
                    [](std::byte b) { return b != std::byte{0}; })) {
      return false;
    }
    pos += *n;
  }
  return true;
}

Result<std::optional<BatchScanner::Item>> BatchScanner::read_next() {
  uint64_t pos = position_.value();
  if (pos == end_) return std::optional<Item>();
  uint64_t left = end_ - pos;
  if (left < pb::kHeaderSize) {
    return Status::corruption("torn batch header: " + std::to_string(left) + " bytes at " +
                              std::to_string(pos));
  }
  CAIRN_RETURN_IF_ERROR(fill(pb::kHeaderSize));
  Bytes header_bytes(buffer_.data() + (pos - buffer_start_), pb::kHeaderSize);
  auto header = check_stored_header(header_bytes, left);
  if (!header) return header.error().with_context("at byte " + std::to_string(pos));
  Item item{position_, *header, header_bytes};
  if (mode_ == Mode::kVerify) {
    CAIRN_RETURN_IF_ERROR(fill(header->batch_length));
    Bytes whole(buffer_.data() + (pos - buffer_start_), header->batch_length);
    auto view = protocol::RecordBatchView::parse(whole, protocol::Verify::kStored);
    if (!view) return view.error().with_context("at byte " + std::to_string(pos));
    item.bytes = whole;
  }
  position_ = position_ + header->batch_length;
  return std::optional<Item>(item);
}

}  // namespace cairn::storage
