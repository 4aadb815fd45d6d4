#include "protocol/messages/sasl.h"

#include "protocol/messages/body_codec.h"

namespace cairn::protocol {

using body_codec::done;
using body_codec::kMinString;
using body_codec::read_error;
using body_codec::write_error;

namespace {

// More than the mechanisms there are; a bound before anything is allocated.
constexpr uint32_t kMaxMechanisms = 16;

std::string read_blob(Decoder& d, std::string_view field) {
  Bytes b = d.read_bytes32(field);
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

void write_blob(Encoder& e, const std::string& s) {
  e.write_bytes32(Bytes(reinterpret_cast<const std::byte*>(s.data()), s.size()));
}

}  // namespace

void SaslHandshakeRequest::encode(Encoder& e, uint16_t) const { e.write_string(mechanism); }

Result<SaslHandshakeRequest> SaslHandshakeRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  SaslHandshakeRequest r;
  r.mechanism = d.read_string("mechanism");
  return done(d, std::move(r), "SaslHandshake request");
}

void SaslHandshakeResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write_count(mechanisms.size());
  for (const auto& m : mechanisms) e.write_string(m);
}

Result<SaslHandshakeResponse> SaslHandshakeResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  SaslHandshakeResponse r;
  r.error = read_error(d);
  uint32_t n = d.read_count("mechanisms", kMinString, kMaxMechanisms);
  for (uint32_t i = 0; i < n && d.ok(); ++i) r.mechanisms.push_back(d.read_string("mechanism"));
  return done(d, std::move(r), "SaslHandshake response");
}

void SaslAuthenticateRequest::encode(Encoder& e, uint16_t) const { write_blob(e, auth_bytes); }

Result<SaslAuthenticateRequest> SaslAuthenticateRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  SaslAuthenticateRequest r;
  r.auth_bytes = read_blob(d, "auth bytes");
  return done(d, std::move(r), "SaslAuthenticate request");
}

void SaslAuthenticateResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write_string(message);
  write_blob(e, auth_bytes);
}

Result<SaslAuthenticateResponse> SaslAuthenticateResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  SaslAuthenticateResponse r;
  r.error = read_error(d);
  r.message = d.read_string("message");
  r.auth_bytes = read_blob(d, "auth bytes");
  return done(d, std::move(r), "SaslAuthenticate response");
}

}  // namespace cairn::protocol
