#include "protocol/codec.h"

#include <cassert>

namespace cairn::protocol {

void Decoder::fail(std::string_view field, std::string_view why) {
  if (!ok()) return;
  status_ = Status::invalid_argument(std::string(field) + ": " + std::string(why) + " at byte " +
                                     std::to_string(reader_.position()));
}

std::string Decoder::read_string(std::string_view field) {
  auto len = read<uint16_t>(field);
  Bytes b;
  if (ok() && !reader_.read_bytes(len, b)) fail(field, "string runs past the end");
  return ok() ? std::string(as_string_view(b)) : std::string();
}

Bytes Decoder::read_bytes32(std::string_view field) {
  auto len = read<uint32_t>(field);
  Bytes b;
  if (ok() && !reader_.read_bytes(len, b)) fail(field, "bytes run past the end");
  return ok() ? b : Bytes();
}

uint32_t Decoder::read_count(std::string_view field, size_t min_element_bytes,
                             uint32_t max_count) {
  auto n = read<uint32_t>(field);
  if (ok() && n > max_count) {
    fail(field, "count " + std::to_string(n) + " is over the limit of " + std::to_string(max_count));
  }
  if (ok() && static_cast<uint64_t>(n) * min_element_bytes > reader_.remaining()) {
    fail(field, "count " + std::to_string(n) + " cannot fit in the bytes left");
  }
  return ok() ? n : 0;
}

std::optional<uint32_t> Decoder::read_nullable_count(std::string_view field,
                                                     size_t min_element_bytes) {
  auto n = read<int32_t>(field);
  if (!ok()) return 0;
  if (n == -1) return std::nullopt;
  if (n < 0) {
    fail(field, "negative count");
    return 0;
  }
  if (static_cast<uint64_t>(n) * min_element_bytes > reader_.remaining()) {
    fail(field, "count " + std::to_string(n) + " cannot fit in the bytes left");
    return 0;
  }
  return static_cast<uint32_t>(n);
}

Status Decoder::finish(std::string_view what) {
  if (ok() && !reader_.at_end()) {
    fail(what, std::to_string(reader_.remaining()) + " bytes left over");
  }
  return status_;
}

std::string_view clip_utf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  // Back up over continuation bytes (10xxxxxx) so that no character is cut in two.
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xc0) == 0x80) --end;
  return s.substr(0, end);
}

void Encoder::write_string(std::string_view s) {
  s = clip_utf8(s, kMaxStringBytes);
  write<uint16_t>(static_cast<uint16_t>(s.size()));
  out_.insert(out_.end(), reinterpret_cast<const std::byte*>(s.data()),
              reinterpret_cast<const std::byte*>(s.data()) + s.size());
}

void Encoder::write_message(std::string_view s) { write_string(clip_utf8(s, kMaxMessageBytes)); }

void Encoder::write_bytes32(Bytes b) {
  write<uint32_t>(static_cast<uint32_t>(b.size()));
  out_.insert(out_.end(), b.begin(), b.end());
}

void Encoder::write_external_bytes32(uint32_t size, uint32_t id) {
  write<uint32_t>(size);
  external_.push_back(ExternalBytes{out_.size(), size, id});
  external_size_ += size;
}

void Encoder::begin_frame() {
  frame_start_ = out_.size();
  write<uint32_t>(0);
}

void Encoder::end_frame() {
  uint64_t length = out_.size() - frame_start_ - 4 + external_size_;
  assert(length <= UINT32_MAX && "frame larger than its 32-bit length");
  store_le<uint32_t>(out_.data() + frame_start_, static_cast<uint32_t>(length));
}

}  // namespace cairn::protocol
