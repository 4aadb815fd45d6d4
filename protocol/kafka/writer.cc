#include "protocol/kafka/writer.h"

#include <cassert>

namespace cairn::protocol::kafka {

void Writer::write_uvarint(uint32_t v) {
  size_t at = out_.size();
  out_.resize(at + uvarint_size(v));
  store_uvarint(out_.data() + at, v);
}

void Writer::write_varint(int64_t v) {
  uint64_t u = zigzag64(v);
  size_t at = out_.size();
  out_.resize(at + uvarint_size(u));
  store_uvarint(out_.data() + at, u);
}

void Writer::write_uuid(const Uuid& id) {
  auto* p = reinterpret_cast<const std::byte*>(id.bytes.data());
  out_.insert(out_.end(), p, p + id.bytes.size());
}

void Writer::write_external(uint32_t size, uint32_t id) {
  external_.push_back(ExternalBytes{out_.size(), size, id});
  external_size_ += size;
}

void Writer::begin_frame() {
  frame_start_ = out_.size();
  write_int<int32_t>(0);
}

void Writer::end_frame() {
  uint64_t external_in_frame = 0;
  for (const auto& e : external_) {
    if (e.at > frame_start_) external_in_frame += e.size;
  }
  uint64_t length = out_.size() - frame_start_ - 4 + external_in_frame;
  assert(length <= INT32_MAX && "frame larger than its 31-bit size");
  store_be<int32_t>(out_.data() + frame_start_, static_cast<int32_t>(length));
}

}  // namespace cairn::protocol::kafka
