// Session's responses that carry stored batches: the bytes around them from memory, the
// batches from their files (sendfile on a plaintext connection, through memory under TLS).
#include <sys/sendfile.h>

#include <boost/asio/write.hpp>
#include <cerrno>
#include <stdexcept>
#include <vector>

#include "broker/net/session_tls_stream.h"

namespace cairn::broker {

using asio::ip::tcp;

awaitable<void> Session::write_with_files(OutboundFrame& frame) {
  size_t at = 0;
  for (const auto& ext : frame.external) {
    if (ext.at > at) {
      auto bytes = asio::buffer(frame.bytes.data() + at, ext.at - at);
      if (tls_) {
        co_await asio::async_write(tls_->stream, bytes, use_awaitable);
      } else {
        co_await asio::async_write(socket_, bytes, use_awaitable);
      }
    }
    at = ext.at;
    for (const auto& slice : frame.sources[ext.id]) co_await send_file(slice);
  }
  if (at < frame.bytes.size()) {
    auto bytes = asio::buffer(frame.bytes.data() + at, frame.bytes.size() - at);
    if (tls_) {
      co_await asio::async_write(tls_->stream, bytes, use_awaitable);
    } else {
      co_await asio::async_write(socket_, bytes, use_awaitable);
    }
  }
}

awaitable<void> Session::send_file(const storage::LogSlice& slice) {
  int fd = slice.file->native_handle();
  uint64_t remaining = slice.size_bytes;
  off_t offset = static_cast<off_t>(slice.position.value());
  if (fd < 0 || tls_) {
    // A file without a descriptor, or a connection that encrypts: copy it through memory, a
    // chunk at a time.
    constexpr uint64_t kChunk = uint64_t{256} * 1024;
    std::vector<std::byte> bytes(std::min(remaining, kChunk));
    storage::FilePosition at = slice.position;
    while (remaining > 0) {
      std::span<std::byte> chunk(bytes.data(), std::min<uint64_t>(remaining, bytes.size()));
      auto n = slice.file->read_at(at, chunk);
      if (!n || *n != chunk.size()) throw std::runtime_error("short read of a fetched slice");
      if (tls_) {
        co_await asio::async_write(tls_->stream, asio::buffer(chunk.data(), chunk.size()),
                                   use_awaitable);
      } else {
        co_await asio::async_write(socket_, asio::buffer(chunk.data(), chunk.size()),
                                   use_awaitable);
      }
      at = at + chunk.size();
      remaining -= chunk.size();
      touch();
    }
    co_return;
  }
  socket_.native_non_blocking(true);
  while (remaining > 0) {
    ssize_t n = ::sendfile(socket_.native_handle(), fd, &offset, remaining);
    if (n > 0) {
      remaining -= static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      co_await socket_.async_wait(tcp::socket::wait_write, use_awaitable);
      continue;
    }
    if (n == 0) throw std::runtime_error("fetched slice ends early (file truncated?)");
    throw boost::system::system_error(errno, boost::system::system_category(), "sendfile");
  }
}

}  // namespace cairn::broker
