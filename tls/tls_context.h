#pragma once

// TLS contexts for Cairn's listeners and clients, on Asio's SSL support (OpenSSL underneath).
//
// Both sides speak TLS 1.2 and 1.3 only, with forward-secret AEAD cipher suites for TLS 1.2
// (kTls12Ciphers) and OpenSSL's defaults for TLS 1.3; no compression, no renegotiation. A
// client always verifies the server: its chain against the CA file it is given (or the
// system's CAs), and its name with Asio's host_name_verification (a DNS name against the
// certificate's DNS names, an IP address against its IP addresses). A server given a client CA
// file requires every client to present a certificate signed by one of those CAs (mutual TLS).
//
// A context is built once at start and shared by every connection of a listener or client; it
// is not changed afterwards. Include this header only where Asio's SSL streams are used anyway.

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/status.h"

namespace cairn::tls {

// TLS 1.2 suites: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 (Mozilla's
// "intermediate" list without the finite-field DHE ones).
inline constexpr std::string_view kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

struct ServerTlsOptions {
  std::filesystem::path certificate_file;  // PEM: the server's certificate, then its chain
  std::filesystem::path private_key_file;  // PEM, unencrypted
  // PEM CAs whose certificates clients must present (mutual TLS); none: no client certificate
  // is asked for.
  std::optional<std::filesystem::path> client_ca_file;
};

struct ClientTlsOptions {
  // PEM CAs the server's certificate must chain to; none: the system's CAs.
  std::optional<std::filesystem::path> ca_file;
  // The host name or IP address the client dials, which the certificate must name.
  std::string server_host;
  // The client's own certificate and key, for a server that requires them (both or neither).
  std::optional<std::filesystem::path> certificate_file;
  std::optional<std::filesystem::path> private_key_file;
};

// kInvalidArgument naming the file and what is wrong with it (missing, unreadable, not PEM, a
// key that does not match the certificate).
Result<boost::asio::ssl::context> make_server_context(const ServerTlsOptions& options);
Result<boost::asio::ssl::context> make_client_context(const ClientTlsOptions& options);

// Sets the server name (SNI) on a client's SSL object before its handshake; does nothing for
// an IP address, which SNI cannot carry.
Status set_server_name(SSL* ssl, std::string_view host);

// Why certificate verification failed on `ssl` ("certificate has expired", "hostname
// mismatch"), or empty when it did not fail.
std::string verify_failure(const SSL* ssl);

// The subject of the peer's certificate, in RFC 2253 form ("CN=alice,O=Acme"), once the
// handshake verified it; nullopt when the peer sent none.
std::optional<std::string> peer_subject(const SSL* ssl);

}  // namespace cairn::tls
