#pragma once

// Writer: appends Kafka's primitive types to a caller-owned vector. SizeCounter has the same
// interface and only counts, so one encoder computes sizes and writes bytes alike.
//
// A frame may carry external bytes (protocol/codec.h's ExternalBytes): bytes the transport
// sends from elsewhere, such as a stored record batch sent from its file with sendfile. The
// writer records where they go instead of copying them; frame lengths include them.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/codec.h"
#include "protocol/kafka/wire.h"

namespace cairn::protocol::kafka {

class Writer {
 public:
  explicit Writer(std::vector<std::byte>& out) : out_(out) {}

  template <typename T>
  void write_int(T v) {
    size_t at = out_.size();
    out_.resize(at + sizeof(T));
    store_be<T>(out_.data() + at, v);
  }
  void write_uvarint(uint32_t v);
  void write_varint(int64_t v);  // zig-zag
  void write_uuid(const Uuid& id);
  void write_bytes(Bytes b) { out_.insert(out_.end(), b.begin(), b.end()); }
  // `size` bytes that the transport takes from source `id`, placed here.
  void write_external(uint32_t size, uint32_t id);

  // Starts a frame: reserves its int32 size. end_frame() fills it in, external bytes included;
  // requires the frame to be shorter than 2^31 bytes.
  void begin_frame();
  void end_frame();

  const std::vector<ExternalBytes>& external() const { return external_; }
  uint64_t external_size() const { return external_size_; }

 private:
  std::vector<std::byte>& out_;
  std::vector<ExternalBytes> external_;
  uint64_t external_size_ = 0;
  size_t frame_start_ = 0;
};

// Counts the bytes a Writer would produce (external bytes included).
class SizeCounter {
 public:
  template <typename T>
  void write_int(T) {
    size_ += sizeof(T);
  }
  void write_uvarint(uint32_t v) { size_ += uvarint_size(v); }
  void write_varint(int64_t v) { size_ += varint_size(v); }
  void write_uuid(const Uuid&) { size_ += 16; }
  void write_bytes(Bytes b) { size_ += b.size(); }
  void write_external(uint32_t size, uint32_t) { size_ += size; }

  uint64_t size() const { return size_; }

 private:
  uint64_t size_ = 0;
};

}  // namespace cairn::protocol::kafka
