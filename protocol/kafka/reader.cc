#include "protocol/kafka/reader.h"

#include <bit>

namespace cairn::protocol::kafka {

double Reader::read_float64(std::string_view field) {
  return std::bit_cast<double>(read_int<uint64_t>(field));
}

Uuid Reader::read_uuid(std::string_view field) {
  Uuid id;
  if (!ok()) return id;
  if (remaining() < id.bytes.size()) {
    fail(field, "truncated");
    return id;
  }
  std::memcpy(id.bytes.data(), data_.data() + pos_, id.bytes.size());
  pos_ += id.bytes.size();
  return id;
}

std::optional<uint64_t> Reader::read_uvarint_raw(int max_bytes) {
  uint64_t result = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (pos_ >= data_.size()) return std::nullopt;
    auto b = static_cast<uint8_t>(data_[pos_++]);
    result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) return result;
  }
  return std::nullopt;
}

uint32_t Reader::read_uvarint(std::string_view field) {
  if (!ok()) return 0;
  size_t start = pos_;
  auto v = read_uvarint_raw(5);
  if (!v || *v > UINT32_MAX) {
    pos_ = start;
    fail(field, v ? "varint overflows 32 bits" : "truncated or overlong varint");
    return 0;
  }
  return static_cast<uint32_t>(*v);
}

int32_t Reader::read_varint(std::string_view field) {
  return unzigzag32(read_uvarint(field));
}

int64_t Reader::read_varlong(std::string_view field) {
  if (!ok()) return 0;
  size_t start = pos_;
  auto v = read_uvarint_raw(10);
  if (!v) {
    pos_ = start;
    fail(field, "truncated or overlong varint");
    return 0;
  }
  return unzigzag64(*v);
}

std::optional<uint32_t> Reader::read_length(std::string_view field, bool compact,
                                            bool int16_length, bool nullable) {
  if (!ok()) return std::nullopt;
  int64_t n;
  if (compact) {
    n = static_cast<int64_t>(read_uvarint(field)) - 1;
  } else if (int16_length) {
    n = read_int<int16_t>(field);
  } else {
    n = read_int<int32_t>(field);
  }
  if (!ok()) return std::nullopt;
  if (n == -1) {
    if (!nullable) fail(field, "null where the field is not nullable");
    return std::nullopt;
  }
  if (n < 0) {
    fail(field, "negative length " + std::to_string(n));
    return std::nullopt;
  }
  if (static_cast<uint64_t>(n) > remaining()) {
    fail(field, "length " + std::to_string(n) + " runs past the end");
    return std::nullopt;
  }
  return static_cast<uint32_t>(n);
}

std::optional<uint32_t> Reader::read_count(std::string_view field, bool compact, bool nullable,
                                           size_t min_element_bytes) {
  if (!ok()) return std::nullopt;
  int64_t n = compact ? static_cast<int64_t>(read_uvarint(field)) - 1 : read_int<int32_t>(field);
  if (!ok()) return std::nullopt;
  if (n == -1) {
    if (!nullable) fail(field, "null array where the field is not nullable");
    return std::nullopt;
  }
  if (n < 0) {
    fail(field, "negative count " + std::to_string(n));
    return std::nullopt;
  }
  if (static_cast<uint64_t>(n) * min_element_bytes > remaining()) {
    fail(field, "count " + std::to_string(n) + " cannot fit in the " +
                    std::to_string(remaining()) + " bytes left");
    return std::nullopt;
  }
  return static_cast<uint32_t>(n);
}

Bytes Reader::take(size_t n) {
  if (!ok() || n > remaining()) return {};
  Bytes b = data_.subspan(pos_, n);
  pos_ += n;
  return b;
}

void Reader::skip(std::string_view field, size_t n) {
  if (!ok()) return;
  if (n > remaining()) {
    fail(field, "runs past the end");
    return;
  }
  pos_ += n;
}

std::string Reader::path(std::string_view field) const {
  std::string out;
  for (size_t i = 0; i < std::min(depth_, path_.size()); ++i) {
    out += path_[i].name;
    if (path_[i].index >= 0) {
      out += '[';
      out += std::to_string(path_[i].index);
      out += ']';
    }
    out += '.';
  }
  if (field.empty() && !out.empty()) out.pop_back();  // an array element: "Topics[2]"
  out += field;
  return out;
}

void Reader::fail(std::string_view field, std::string_view why) {
  if (!ok()) return;
  status_ = Status::invalid_argument(path(field) + ": " + std::string(why) + " at byte " +
                                     std::to_string(position()));
}

Status Reader::finish(std::string_view what) {
  if (ok() && remaining() != 0) {
    fail(what, std::to_string(remaining()) + " bytes left over");
  }
  return status_;
}

void Reader::enter(std::string_view name, int64_t index) {
  if (depth_ < path_.size()) path_[depth_] = PathItem{name, index};
  ++depth_;
}

void Reader::leave() { --depth_; }

}  // namespace cairn::protocol::kafka
