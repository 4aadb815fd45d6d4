// Session over TLS: the server side of the handshake (and the principal a client certificate
// names) and writes through the TLS stream.
#include <spdlog/spdlog.h>

#include <boost/asio/write.hpp>

#include "broker/net/listener_tls.h"
#include "broker/net/session_tls_stream.h"
#include "tls/tls_context.h"

namespace cairn::broker {

awaitable<bool> Session::handshake() {
  boost::system::error_code ec;
  co_await tls_->stream.async_handshake(asio::ssl::stream_base::server,
                                        asio::redirect_error(use_awaitable, ec));
  if (ec) {
    std::string why = tls::verify_failure(tls_->stream.native_handle());
    if (why.empty()) why = ec.message();
    if (!closed_) spdlog::info("{}: TLS handshake failed: {}; closing the connection", peer_, why);
    close("TLS handshake failed");
    co_return false;
  }
  if (tls_config_->principals) {
    auto subject = tls::peer_subject(tls_->stream.native_handle());
    if (subject) {
      auto principal = tls_config_->principals->principal_for(*subject);
      if (!principal) {
        spdlog::info("{}: no principal rule applies to the client certificate '{}'; closing", peer_,
                     *subject);
        close("no principal for the client certificate");
        co_return false;
      }
      principal_ = std::move(*principal);
      spdlog::debug("{}: client certificate '{}' is {}", peer_, *subject, principal_);
    }
  }
  touch();
  co_return true;
}

awaitable<void> Session::write_tls(const std::vector<asio::const_buffer>& buffers) {
  if (buffers.size() == 1) {
    co_await asio::async_write(tls_->stream, buffers, use_awaitable);
    co_return;
  }
  // One buffer: TLS would otherwise make a record (and a system call) of each response.
  std::vector<std::byte> joined(asio::buffer_size(buffers));
  asio::buffer_copy(asio::buffer(joined), buffers);
  co_await asio::async_write(tls_->stream, asio::buffer(joined), use_awaitable);
}

}  // namespace cairn::broker
