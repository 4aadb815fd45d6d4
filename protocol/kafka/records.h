#pragma once

// Records: the value of a `records` field (Produce requests, Fetch responses). The message codec
// never looks inside it, so Produce and Fetch cost nothing per record:
// - decoding gives a view into the frame (bytes()), valid as long as the frame is;
// - to encode, a handler appends pieces: views of bytes in memory (which must outlive the
//   encode), small copies the Records owns (a translated batch header), and external pieces
//   that the transport sends from elsewhere (a stored batch sent from its file with sendfile).
// Null (the default) and empty are different values on the wire.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/byte_io.h"

namespace cairn::protocol::kafka {

class Records {
 public:
  Records() = default;  // null

  // Records holding `b` (a view; what decoding produces).
  static Records view(Bytes b);
  // Empty, not null.
  static Records empty() { return view({}); }

  bool is_null() const { return null_; }
  // The viewed bytes (a decoded field). Appended pieces are not included.
  Bytes bytes() const { return view_; }
  // Bytes on the wire: the view and every piece, external ones included.
  uint64_t size() const { return size_; }
  bool has_external() const;

  void append_view(Bytes b);
  void append_copy(Bytes b);
  void append_external(uint32_t size, uint32_t source_id);

  // Writes the bytes (not the length) to a Writer or SizeCounter.
  template <typename Sink>
  void write_to(Sink& sink) const {
    sink.write_bytes(view_);
    for (const Piece& p : pieces_) {
      switch (p.kind) {
        case Piece::Kind::kView: sink.write_bytes(p.view); break;
        case Piece::Kind::kOwned: sink.write_bytes(Bytes(owned_).subspan(p.offset, p.size)); break;
        case Piece::Kind::kExternal: sink.write_external(p.size, p.source_id); break;
      }
    }
  }

  // Equal when both are null, or both hold the same bytes and the same external pieces.
  bool operator==(const Records& other) const;

 private:
  struct Piece {
    enum class Kind : uint8_t { kView, kOwned, kExternal } kind;
    Bytes view;
    size_t offset = 0;
    uint32_t size = 0;
    uint32_t source_id = 0;
  };

  bool null_ = true;
  Bytes view_;
  std::vector<Piece> pieces_;
  std::vector<std::byte> owned_;
  uint64_t size_ = 0;
};

}  // namespace cairn::protocol::kafka
