#include "broker/producer_ids.h"

#include <charconv>
#include <string>

#include "protocol/byte_io.h"

namespace cairn::broker {

Status ProducerIds::load() {
  auto bytes = storage::read_whole_file(io_, file_);
  if (!bytes) {
    if (bytes.error().code() == Status::Code::kNotFound) return Status::ok();
    return bytes.error();
  }
  std::string_view text = protocol::as_string_view(*bytes);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) {
    return Status::corruption(file_.string() + " does not hold a producer id");
  }
  next_ = reserved_until_ = v;
  issued_below_.store(v, std::memory_order_release);
  return Status::ok();
}

Result<int64_t> ProducerIds::next() {
  if (next_ >= reserved_until_) {
    std::string text = std::to_string(next_ + kBlock) + "\n";
    CAIRN_RETURN_IF_ERROR(storage::write_file_atomically(io_, file_, protocol::as_bytes(text)));
    reserved_until_ = next_ + kBlock;
  }
  int64_t id = next_++;
  issued_below_.store(next_, std::memory_order_release);
  return id;
}

Status ProducerIds::advance_past(int64_t id) {
  if (id < next_) return Status::ok();
  next_ = id + 1;
  if (next_ >= reserved_until_) {
    std::string text = std::to_string(next_ + kBlock) + "\n";
    CAIRN_RETURN_IF_ERROR(storage::write_file_atomically(io_, file_, protocol::as_bytes(text)));
    reserved_until_ = next_ + kBlock;
  }
  issued_below_.store(next_, std::memory_order_release);
  return Status::ok();
}

}  // namespace cairn::broker
