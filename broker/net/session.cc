#include "broker/net/session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <algorithm>
#include <cstring>

#include "broker/config.h"
#include "broker/memory_budget.h"
#include "broker/net/listener_sasl.h"
#include "broker/net/listener_tls.h"
#include "broker/net/session_tls_stream.h"
#include "broker/net/server.h"
#include "broker/shard.h"

namespace cairn::broker {

using asio::ip::tcp;

namespace {

// Small frames are cut out of this buffer; a larger frame is read straight into its own.
constexpr size_t kReadBufferBytes = size_t{8} * 1024;
constexpr size_t kMaxWriteBatch = 64;
// The reader takes no new request while the connection's requests hold this many bytes of work
// and unwritten responses: a client that does not read its responses cannot make the broker
// hold much more, nor take a large share of the shard's budget.
constexpr uint64_t kMaxConnectionBytes = 4 << 20;

// A frame's share of the shard's memory budget: released when this goes away, unless handed
// over to the request's handler. (A weak reference: sessions torn down with their shard find
// the budget gone.)
class FrameBudget {
 public:
  FrameBudget(std::weak_ptr<MemoryBudget> budget, uint64_t bytes)
      : budget_(std::move(budget)), bytes_(bytes) {}
  ~FrameBudget() {
    if (auto b = budget_.lock(); b && bytes_ > 0) b->release(bytes_);
  }
  FrameBudget(const FrameBudget&) = delete;
  FrameBudget& operator=(const FrameBudget&) = delete;
  uint64_t hand_over() { return std::exchange(bytes_, 0); }

 private:
  std::weak_ptr<MemoryBudget> budget_;
  uint64_t bytes_;
};

bool expected_disconnect(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::operation_aborted || ec == asio::error::broken_pipe ||
         ec == asio::error::bad_descriptor || ec == asio::error::shut_down;
}

// The first bytes of a TLS handshake record (content type 22, version 3.x): a TLS client at a
// plaintext listener. As a Cairn length prefix they would announce a first frame of 0x??010316
// bytes; the client would wait for the broker's answer to its hello while the broker waits for
// the rest of that frame, until a timeout.
bool looks_like_tls(const std::byte* prefix) {
  return prefix[0] == std::byte{0x16} && prefix[1] == std::byte{0x03} &&
         prefix[2] <= std::byte{0x04};
}

}  // namespace

Session::Slot::Slot(Shard& shard, std::shared_ptr<uint64_t> connection_total)
    : memory(std::make_unique<MemoryCharge>(shard.budget_handle(), std::move(connection_total))) {}
Session::Slot::~Slot() = default;

Session::Session(tcp::socket socket, Shard& shard, FrontEnd& front_end, const Limits& limits,
                 std::unique_ptr<ConnectionLease> lease, const ListenerTls* tls,
                 const ListenerSasl* sasl, const SessionMover* mover,
                 std::vector<std::byte> carried)
    : socket_(std::move(socket)),
      shard_(shard),
      front_end_(front_end),
      limits_(limits),
      lease_(std::move(lease)),
      tls_config_(tls),
      mover_(mover),
      carried_(std::move(carried)),
      placed_(mover == nullptr || tls != nullptr || sasl != nullptr || mover->shard_count < 2),
      writer_wake_(socket_.get_executor()),
      reader_wake_(socket_.get_executor()),
      watchdog_timer_(socket_.get_executor()),
      accepted_at_(std::chrono::steady_clock::now()),
      last_activity_(accepted_at_) {
  boost::system::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  peer_host_ = ec ? "unknown" : remote.address().to_string();
  peer_ = peer_host_ + ":" + std::to_string(ec ? 0 : remote.port());
  socket_.set_option(tcp::no_delay(true), ec);
  if (tls_config_ != nullptr) tls_ = std::make_unique<TlsStream>(socket_, tls_config_->context);
  if (sasl != nullptr) {
    sasl_ = std::make_unique<security::SaslAuthenticator>(
        security::SaslOptions{sasl->mechanisms, tls_config_ != nullptr, sasl->lookup});
  }
  first_request_read_ = !carried_.empty();
  shard_.sessions().insert(this);
}

Session::~Session() { shard_.sessions().erase(this); }

void Session::start() {
  asio::co_spawn(socket_.get_executor(), reader(shared_from_this()), asio::detached);
  asio::co_spawn(socket_.get_executor(), writer(shared_from_this()), asio::detached);
  asio::co_spawn(socket_.get_executor(), watchdog(shared_from_this()), asio::detached);
}

void Session::touch() { last_activity_ = std::chrono::steady_clock::now(); }

bool Session::before_authentication() const { return sasl_ && !sasl_->authenticated(); }

void Session::shutdown() {
  if (closed_) return;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_receive, ec);  // the pending read ends with EOF
  stop_reading();
}

void Session::stop_reading() {
  read_done_ = true;
  frame_started_.reset();  // bytes left unread are no longer the client's delay
  reader_wake_.notify_all();
  writer_wake_.notify_all();
}

void Session::close(std::string_view why) {
  if (closed_) return;
  closed_ = true;
  read_done_ = true;
  spdlog::debug("closing connection from {}: {}", peer_, why);
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  watchdog_timer_.cancel();
  reader_wake_.notify_all();
  writer_wake_.notify_all();
  shard_.budget().wake_all();  // a reader waiting for budget sees the connection is gone
}

awaitable<void> Session::reader(std::shared_ptr<Session> self) {
  const Limits& limits = limits_;
  constexpr size_t kPrefix = FrontEnd::kLengthPrefixBytes;
  std::vector<std::byte> buf(std::max(kReadBufferBytes, carried_.size()));
  size_t begin = 0, end = carried_.size();
  std::copy(carried_.begin(), carried_.end(), buf.begin());
  carried_ = {};
  if (tls_ && !co_await handshake()) co_return;
  try {
    while (!read_done_) {
      while (*held_bytes_ > kMaxConnectionBytes && !read_done_) co_await reader_wake_.wait();
      if (read_done_) break;
      while (end - begin < kPrefix) {
        if (begin > 0) {
          std::memmove(buf.data(), buf.data() + begin, end - begin);
          end -= begin;
          begin = 0;
        }
        auto space = asio::buffer(buf.data() + end, buf.size() - end);
        size_t n = 0;
        if (tls_) {
          n = co_await tls_->stream.async_read_some(space, use_awaitable);
        } else {
          n = co_await socket_.async_read_some(space, use_awaitable);
        }
        end += n;
        touch();
        if (!frame_started_) frame_started_ = last_activity_;
      }
      if (!first_request_read_ && !tls_ && looks_like_tls(buf.data() + begin)) {
        spdlog::info("{}: a TLS handshake at a listener without TLS; closing the connection",
                     peer_);
        break;
      }
      uint32_t length =
          front_end_.frame_length(std::span<const std::byte, kPrefix>(buf.data() + begin, kPrefix));
      uint32_t max_frame = before_authentication() ? sasl_->frame_limit(limits.max_frame_bytes)
                                                   : limits.max_frame_bytes;
      if (length < front_end_.min_frame_bytes() || length > max_frame) {
        spdlog::warn("{}: frame of {} bytes is outside [{}, {}]; closing the connection", peer_,
                     length, front_end_.min_frame_bytes(), max_frame);
        break;
      }
      if (!placed_ && end - begin >= kPrefix + length) {
        auto target = move_target({buf.data() + begin + kPrefix, length});
        if (target &&
            move_to(*target, std::vector<std::byte>(buf.begin() + static_cast<ptrdiff_t>(begin),
                                                    buf.begin() + static_cast<ptrdiff_t>(end)))) {
          co_return;
        }
      }
      // The whole frame's budget at once, before its body is read: readers that waited for
      // budget while each holding part of a frame could wait for each other forever.
      auto waiting_since = std::chrono::steady_clock::now();
      if (!co_await shard_.budget().acquire(length, read_done_)) break;
      FrameBudget frame_budget(shard_.budget_handle(), length);
      // Waiting for the broker's memory is not the client's delay.
      auto now = std::chrono::steady_clock::now();
      if (!first_request_read_) accepted_at_ += now - waiting_since;
      frame_started_ = now;
      auto frame = std::make_shared<FrameBuffer>(length);
      size_t have = std::min<size_t>(end - begin - kPrefix, length);
      std::memcpy(frame->data.get(), buf.data() + begin + kPrefix, have);
      begin += kPrefix + have;
      if (begin == end) begin = end = 0;
      if (have < length) co_await read_body(*frame, have);
      frame_started_.reset();
      if (end > begin) frame_started_ = last_activity_;

      auto head = front_end_.decode_head(frame->bytes());
      if (!head) {
        spdlog::warn("{}: malformed request header ({}); closing the connection", peer_,
                     head.error().message());
        break;
      }
      first_request_read_ = true;
      if (before_authentication() && !front_end_.allowed_before_authentication(*head)) {
        spdlog::info("{}: {} request before authentication; closing the connection", peer_,
                     front_end_.api_name(*head));
        break;
      }
      auto slot = std::make_shared<Slot>(shard_, held_bytes_);
      queue_.push_back(slot);
      if (queue_.size() > limits.max_inflight_requests) {
        // Refuse this request, answer the ones before it, then close.
        spdlog::warn("{}: more than {} requests in flight; closing the connection", peer_,
                     limits.max_inflight_requests);
        slot->frame =
            front_end_.error_frame(*head, protocol::ErrorCode::kResourceLimit,
                                   "more than " + std::to_string(limits.max_inflight_requests) +
                                       " requests in flight on one connection");
        slot->memory->add(slot->frame.bytes.size());
        slot->ready = true;
        slot->close_after = true;
        break;
      }
      ++handlers_running_;
      asio::co_spawn(socket_.get_executor(),
                     serve(self, frame, std::move(*head), slot, frame_budget.hand_over()),
                     asio::detached);
      // Let the handler start (and charge the work its request asks for) before the next
      // request is read, so that the memory checks above see it.
      co_await asio::post(socket_.get_executor(), use_awaitable);
      while (before_authentication() && handlers_running_ > 0 && !read_done_) {
        co_await reader_wake_.wait();
      }
    }
  } catch (const boost::system::system_error& e) {
    if (!expected_disconnect(e.code())) spdlog::debug("{}: read failed: {}", peer_, e.what());
  } catch (const std::exception& e) {
    spdlog::warn("{}: read failed: {}; closing the connection", peer_, e.what());
    close("read failed");
  }
  // Framing errors, the request over the in-flight limit and the client's EOF all end here:
  // the requests already read are answered, then the writer ends the connection.
  stop_reading();
}

awaitable<void> Session::serve(std::shared_ptr<Session> /*self: keeps us alive*/,
                               std::shared_ptr<FrameBuffer> frame, RequestHead head,
                               std::shared_ptr<Slot> slot, uint64_t budget_bytes) {
  try {
    InboundRequest request{head,          frame->bytes().subspan(head.body_offset),
                           frame,         peer_host_,
                           *slot->memory, principal_,
                           sasl_.get()};
    std::optional<OutboundFrame> out = co_await front_end_.handle(request);
    if (sasl_ && sasl_->authenticated() && principal_ != sasl_->principal()) {
      principal_ = sasl_->principal();
      spdlog::debug("{}: authenticated as {}", peer_, principal_);
    }
    if (out && out->then_close) {
      slot->close_after = true;
      stop_reading();
    }
    if (out) {
      slot->frame = std::move(*out);
    } else {
      slot->respond = false;
    }
  } catch (const std::exception& e) {
    spdlog::error("{}: {} {} request {} failed: {}", peer_, front_end_.name(),
                  front_end_.api_name(head), head.correlation_id, e.what());
    slot->frame = front_end_.error_frame(head, protocol::ErrorCode::kUnknownServerError, e.what());
  }
  shard_.budget().release(budget_bytes);
  slot->memory->add(slot->frame.bytes.size());
  --handlers_running_;
  slot->ready = true;
  writer_wake_.notify_all();
  reader_wake_.notify_all();  // a reader before authentication waits for this request
}

awaitable<void> Session::read_body(FrameBuffer& frame, size_t have) {
  constexpr size_t kChunk = size_t{256} * 1024;
  while (have < frame.size) {
    size_t chunk = std::min(kChunk, frame.size - have);
    auto into = asio::buffer(frame.data.get() + have, chunk);
    if (tls_) {
      co_await asio::async_read(tls_->stream, into, use_awaitable);
    } else {
      co_await asio::async_read(socket_, into, use_awaitable);
    }
    have += chunk;
    touch();
    frame_started_ = last_activity_;  // a frame that keeps arriving is not left half sent
  }
}

awaitable<void> Session::writer(std::shared_ptr<Session> /*self: keeps us alive*/) {
  try {
    for (;;) {
      if (closed_) co_return;
      if (!queue_.empty() && queue_.front()->ready) {
        std::vector<std::shared_ptr<Slot>> taken;
        std::vector<asio::const_buffer> buffers;
        bool close_after = false;
        while (!queue_.empty() && queue_.front()->ready && taken.size() < kMaxWriteBatch) {
          auto slot = queue_.front();
          if (!slot->respond) {
            queue_.pop_front();
            continue;
          }
          if (slot->frame.close_connection) {
            if (!taken.empty()) break;  // write what came before it first
            queue_.pop_front();
            close_after = true;
            break;
          }
          if (!slot->frame.external.empty() && !taken.empty()) break;
          queue_.pop_front();
          taken.push_back(slot);
          close_after = close_after || slot->close_after;
          if (!slot->frame.external.empty()) break;
          buffers.push_back(asio::buffer(slot->frame.bytes));
        }
        touch();  // answering is activity: a long poll that just ended is not idle time
        if (taken.size() == 1 && !taken[0]->frame.external.empty()) {
          co_await write_with_files(taken[0]->frame);
        } else if (!buffers.empty() && tls_) {
          co_await write_tls(buffers);
        } else if (!buffers.empty()) {
          co_await asio::async_write(socket_, buffers, use_awaitable);
        }
        touch();
        taken.clear();  // releases the requests' memory
        reader_wake_.notify_all();
        if (close_after) {
          co_await linger_close("limit exceeded");
          co_return;
        }
        continue;
      }
      if (read_done_ && queue_.empty()) {
        co_await linger_close("done");
        co_return;
      }
      co_await writer_wake_.wait();
    }
  } catch (const boost::system::system_error& e) {
    if (!expected_disconnect(e.code())) spdlog::debug("{}: write failed: {}", peer_, e.what());
    close("write failed");
  } catch (const std::exception& e) {
    spdlog::warn("{}: write failed: {}; closing the connection", peer_, e.what());
    close("write failed");
  }
}

awaitable<void> Session::linger_close(std::string_view why) {
  if (closed_) co_return;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  linger_started_ = std::chrono::steady_clock::now();
  std::vector<std::byte> sink(4096);
  while (!ec && !closed_) {
    co_await socket_.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
  }
  close(why);
}

}  // namespace cairn::broker
