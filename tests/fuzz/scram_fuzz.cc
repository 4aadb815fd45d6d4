// Fuzz target: SCRAM and PLAIN messages as a broker and a client receive them. The input's
// first line goes to each side as its first message, the rest as its final one: a server that
// knows one user (RFC 7677's), and a client that has sent RFC 7677's client-first.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/text/base64.h"
#include "protocol/sasl/plain_message.h"
#include "protocol/sasl/scram_client.h"
#include "protocol/sasl/scram_server.h"

namespace {

using namespace cairn::protocol::sasl;
using cairn::protocol::text::base64_decode;

const ScramCredential& known_credential() {
  static const ScramCredential c = [] {
    auto salt = base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    auto made = make_scram_credential(ScramHash::kSha256, "pencil", 4096, *salt);
    if (!made) std::abort();
    return *made;
  }();
  return c;
}

void as_server(std::string_view first, std::string_view final_message) {
  ScramServerOptions o;
  o.lookup = [](std::string_view user) -> std::optional<ScramCredential> {
    if (user == "user") return known_credential();
    return std::nullopt;
  };
  o.make_nonce = [] {
    return cairn::Result<std::string>(std::string("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"));
  };
  ScramServer server(std::move(o));
  if (!server.receive(first)) return;
  auto reply = server.receive(final_message);
  // Only the one known user can be authenticated, and only with a server-final to show.
  if (server.authenticated() && (server.username() != "user" || !reply)) std::abort();
}

void as_client(std::string_view first, std::string_view final_message) {
  ScramClientOptions o;
  o.username = "user";
  o.password = "pencil";
  o.make_nonce = [] { return cairn::Result<std::string>(std::string("rOprNGfwEbeRWgbNEkqO")); };
  o.max_iterations = 4096;  // keeps each input cheap; the bound itself is under test too
  ScramClient client(std::move(o));
  if (!client.client_first()) std::abort();
  if (!client.receive_server_first(first)) return;
  client.receive_server_final(final_message).ignore_error();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view first = input.substr(0, newline);
  std::string_view rest = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  as_server(first, rest);
  as_client(first, rest);
  parse_plain_message(input).status().ignore_error();
  return 0;
}
