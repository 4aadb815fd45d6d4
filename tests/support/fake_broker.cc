#include "tests/support/fake_broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "protocol/byte_io.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/init_producer_id.h"

namespace cairn::testing {

namespace {

using protocol::ApiKey;

bool read_exact(int fd, std::byte* p, size_t n) {
  while (n > 0) {
    ssize_t got = ::recv(fd, p, n, 0);
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool write_all(int fd, const std::vector<std::byte>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t put = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (put <= 0) return false;
    done += static_cast<size_t>(put);
  }
  return true;
}

std::vector<std::byte> response_frame(uint32_t correlation_id, uint16_t version,
                                      const FakeBroker::Answer& a) {
  std::vector<std::byte> out;
  protocol::Encoder e(out);
  protocol::begin_response(e, correlation_id, a.error, a.message);
  if (a.error == protocol::ErrorCode::kNone && a.body) a.body(e, version);
  e.end_frame();
  return out;
}

}  // namespace

FakeBroker::FakeBroker() {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("fake broker cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeBroker::~FakeBroker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
  }
  ::shutdown(listener_, SHUT_RDWR);
  ::close(listener_);
  acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads = std::move(threads_);
  }
  for (auto& t : threads) t.join();
  for (int fd : sockets_) ::close(fd);
}

void FakeBroker::on(ApiKey api, Handler handler) {
  std::lock_guard lock(mu_);
  handlers_[api] = std::move(handler);
}

void FakeBroker::add_topic(const std::string& name, int32_t partitions) {
  std::lock_guard lock(mu_);
  topics_[name] = partitions;
}

void FakeBroker::set_max_batch_bytes(uint32_t bytes) {
  std::lock_guard lock(mu_);
  max_batch_bytes_ = bytes;
}

void FakeBroker::set_max_frame_bytes(uint32_t bytes) {
  std::lock_guard lock(mu_);
  max_frame_bytes_ = bytes;
}

void FakeBroker::drop_connections() {
  std::lock_guard lock(mu_);
  for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
}

std::vector<FakeBroker::Request> FakeBroker::requests(ApiKey api) const {
  std::lock_guard lock(mu_);
  std::vector<Request> out;
  for (const auto& r : requests_) {
    if (r.api == api) out.push_back(r);
  }
  return out;
}

size_t FakeBroker::count(ApiKey api) const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::ranges::count_if(requests_, [api](const Request& r) {
    return r.api == api;
  }));
}

int FakeBroker::connections() const {
  std::lock_guard lock(mu_);
  return accepted_;
}

bool FakeBroker::wait_for_requests(ApiKey api, size_t n, std::chrono::milliseconds limit) const {
  std::unique_lock lock(mu_);
  return arrived_.wait_for(lock, limit, [&] {
    return static_cast<size_t>(std::ranges::count_if(
               requests_, [api](const Request& r) { return r.api == api; })) >= n;
  });
}

void FakeBroker::accept_loop() {
  for (;;) {
    int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    std::lock_guard lock(mu_);
    if (stopping_) {
      if (fd >= 0) ::close(fd);
      return;
    }
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockets_.push_back(fd);
    int id = ++accepted_;
    threads_.emplace_back([this, fd, id] { serve(fd, id); });
  }
}

void FakeBroker::serve(int fd, int id) {
  std::vector<Held> held;
  for (;;) {
    std::byte length_bytes[4];
    if (!read_exact(fd, length_bytes, 4)) break;
    uint32_t length = protocol::load_le<uint32_t>(length_bytes);
    if (length > (256u << 20)) break;
    std::vector<std::byte> frame(length);
    if (!read_exact(fd, frame.data(), length)) break;
    auto header = protocol::decode_request_header(frame);
    if (!header) {
      ADD_FAILURE() << "fake broker: malformed request header: " << header.error().to_string();
      break;
    }
    Request request;
    request.connection = id;
    request.api = static_cast<ApiKey>(header->header.api_key);
    request.version = header->header.api_version;
    request.correlation_id = header->header.correlation_id;
    request.client_id = header->header.client_id;
    request.body.assign(frame.begin() + static_cast<std::ptrdiff_t>(header->body_offset),
                        frame.end());
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    arrived_.notify_all();
    Answer answer = handle(request);
    if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
    if (answer.respond && answer.hold) {
      held.push_back({request.correlation_id, request.version, std::move(answer)});
      continue;
    }
    bool ok = true;
    if (answer.respond) {
      ok = write_all(fd, response_frame(request.correlation_id, request.version, answer));
    }
    if (ok && answer.release_held) {
      for (const auto& h : held) {
        ok = ok && write_all(fd, response_frame(h.correlation_id, h.version, h.answer));
      }
      held.clear();
    }
    if (!ok || answer.drop) break;
  }
  ::shutdown(fd, SHUT_RDWR);
}

FakeBroker::Answer FakeBroker::handle(const Request& request) {
  std::lock_guard serial(handler_mu_);
  Handler handler;
  {
    std::lock_guard lock(mu_);
    if (auto it = handlers_.find(request.api); it != handlers_.end()) handler = it->second;
  }
  if (handler) return handler(request);
  return default_answer(request);
}

FakeBroker::Answer FakeBroker::default_answer(const Request& request) {
  std::lock_guard lock(mu_);
  switch (request.api) {
    case ApiKey::kApiVersions: {
      protocol::ApiVersionsResponse r;
      r.apis.assign(protocol::supported_apis().begin(), protocol::supported_apis().end());
      r.broker_version = "fake";
      r.max_frame_bytes = max_frame_bytes_;
      r.max_inflight_requests = 1000;
      r.max_batch_bytes = max_batch_bytes_;
      return Answer::reply(r);
    }
    case ApiKey::kMetadata: {
      std::vector<std::byte> copy = request.body;
      auto req = protocol::MetadataRequest::decode(copy, request.version);
      protocol::MetadataResponse r;
      r.host = "127.0.0.1";
      r.port = port_;
      std::vector<std::string> names;
      if (req && req->topics) {
        names = *req->topics;
      } else {
        for (const auto& [name, n] : topics_) names.push_back(name);
      }
      for (const auto& name : names) {
        protocol::TopicMetadata& t = r.topics.emplace_back();
        t.name = name;
        auto it = topics_.find(name);
        if (it == topics_.end()) {
          t.error = protocol::ErrorCode::kUnknownTopicOrPartition;
          continue;
        }
        for (int32_t p = 0; p < it->second; ++p) t.partitions.push_back({.partition = p});
      }
      return Answer::reply(r);
    }
    case ApiKey::kInitProducerId:
      return Answer::reply(protocol::InitProducerIdResponse{protocol::ErrorCode::kNone,
                                                            next_producer_id_++, 0});
    default:
      return Answer::fail(protocol::ErrorCode::kUnknownServerError, "not scripted");
  }
}

}  // namespace cairn::testing
