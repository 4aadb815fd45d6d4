#include "protocol/kafka/records.h"

#include "protocol/kafka/writer.h"

namespace cairn::protocol::kafka {

Records Records::view(Bytes b) {
  Records r;
  r.null_ = false;
  r.view_ = b;
  r.size_ = b.size();
  return r;
}

bool Records::has_external() const {
  for (const Piece& p : pieces_) {
    if (p.kind == Piece::Kind::kExternal) return true;
  }
  return false;
}

void Records::append_view(Bytes b) {
  null_ = false;
  pieces_.push_back(Piece{Piece::Kind::kView, b, 0, static_cast<uint32_t>(b.size()), 0});
  size_ += b.size();
}

void Records::append_copy(Bytes b) {
  null_ = false;
  pieces_.push_back(
      Piece{Piece::Kind::kOwned, {}, owned_.size(), static_cast<uint32_t>(b.size()), 0});
  owned_.insert(owned_.end(), b.begin(), b.end());
  size_ += b.size();
}

void Records::append_external(uint32_t size, uint32_t source_id) {
  null_ = false;
  pieces_.push_back(Piece{Piece::Kind::kExternal, {}, 0, size, source_id});
  size_ += size;
}

bool Records::operator==(const Records& other) const {
  if (null_ || other.null_) return null_ == other.null_;
  if (size_ != other.size_) return false;
  std::vector<std::byte> mine, theirs;
  Writer a(mine), b(theirs);
  write_to(a);
  other.write_to(b);
  if (mine != theirs || a.external().size() != b.external().size()) return false;
  for (size_t i = 0; i < a.external().size(); ++i) {
    const ExternalBytes& x = a.external()[i];
    const ExternalBytes& y = b.external()[i];
    if (x.at != y.at || x.size != y.size || x.id != y.id) return false;
  }
  return true;
}

}  // namespace cairn::protocol::kafka
