#include "tls/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/verify_context.hpp>

#include <fstream>
#include <memory>

namespace cairn::tls {

namespace ssl = boost::asio::ssl;

namespace {

constexpr unsigned char kSessionIdContext[] = "cairn";

Status file_error(std::string_view what, const std::filesystem::path& file, std::string why) {
  return Status::invalid_argument("TLS " + std::string(what) + " " + file.string() + ": " + why);
}

// Checks that `file` can be opened before OpenSSL reads it, whose errors name no file.
Status check_readable(std::string_view what, const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return file_error(what, file, "no such file");
  }
  std::ifstream in(file);
  if (!in) return file_error(what, file, "cannot be read");
  return Status::ok();
}

// Loads a PEM file with `load` (an Asio call taking an error_code), naming the file on failure.
template <class Load>
Status load_pem(std::string_view what, const std::filesystem::path& file, Load load) {
  CAIRN_RETURN_IF_ERROR(check_readable(what, file));
  boost::system::error_code ec;
  load(file.string(), ec);
  ERR_clear_error();
  if (ec) return file_error(what, file, "not usable as PEM (" + ec.message() + ")");
  return Status::ok();
}

Status load_identity(ssl::context& ctx, const std::filesystem::path& certificate,
                     const std::filesystem::path& key) {
  CAIRN_RETURN_IF_ERROR(load_pem("certificate", certificate, [&](const std::string& f, auto& ec) {
    ctx.use_certificate_chain_file(f, ec);
  }));
  CAIRN_RETURN_IF_ERROR(check_readable("private key", key));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(key.c_str(), "r"), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr,
      EVP_PKEY_free);
  ERR_clear_error();
  if (!pkey) return file_error("private key", key, "not an unencrypted PEM private key");
  SSL_CTX* native = ctx.native_handle();
  if (X509_check_private_key(SSL_CTX_get0_certificate(native), pkey.get()) != 1) {
    ERR_clear_error();
    return file_error("private key", key, "does not match the certificate " + certificate.string());
  }
  if (SSL_CTX_use_PrivateKey(native, pkey.get()) != 1) {
    ERR_clear_error();
    return file_error("private key", key, "refused by OpenSSL");
  }
  return Status::ok();
}

// What both sides share: TLS 1.2 at least, the cipher list, no compression or renegotiation.
Result<ssl::context> base_context(ssl::context::method method) {
  ssl::context ctx(method);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, std::string(kTls12Ciphers).c_str()) != 1) {
    ERR_clear_error();
    return Status::unavailable("this OpenSSL cannot be limited to TLS 1.2+ with AEAD ciphers");
  }
  return ctx;
}

// Asio's host name check, which also records why it failed, so that the handshake's error
// can say "hostname mismatch" instead of only "certificate verify failed".
class HostNameCheck {
 public:
  explicit HostNameCheck(std::string host) : check_(host) {}
  bool operator()(bool preverified, ssl::verify_context& ctx) const {
    bool ok = check_(preverified, ctx);
    if (preverified && !ok) {
      X509_STORE_CTX_set_error(ctx.native_handle(), X509_V_ERR_HOSTNAME_MISMATCH);
    }
    return ok;
  }

 private:
  ssl::host_name_verification check_;
};

}  // namespace

Result<ssl::context> make_server_context(const ServerTlsOptions& options) {
  auto ctx = base_context(ssl::context::tls_server);
  if (!ctx) return ctx.error();
  CAIRN_RETURN_IF_ERROR(load_identity(*ctx, options.certificate_file, options.private_key_file));
  SSL_CTX_set_session_id_context(ctx->native_handle(), kSessionIdContext,
                                 sizeof kSessionIdContext - 1);
  if (!options.client_ca_file) return ctx;
  const auto& ca = *options.client_ca_file;
  CAIRN_RETURN_IF_ERROR(load_pem("client CA file", ca, [&](const std::string& f, auto& ec) {
    ctx->load_verify_file(f, ec);
  }));
  // Tells clients which CAs' certificates the server takes.
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca.c_str());
  if (names == nullptr) {
    ERR_clear_error();
    return file_error("client CA file", ca, "holds no CA certificate");
  }
  SSL_CTX_set_client_CA_list(ctx->native_handle(), names);
  ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  return ctx;
}

Result<ssl::context> make_client_context(const ClientTlsOptions& options) {
  if (options.server_host.empty()) {
    return Status::invalid_argument("TLS: the server's host name is needed to verify it");
  }
  if (options.certificate_file.has_value() != options.private_key_file.has_value()) {
    return Status::invalid_argument("TLS: a client certificate needs its key, and a key its certificate");
  }
  auto ctx = base_context(ssl::context::tls_client);
  if (!ctx) return ctx.error();
  if (options.ca_file) {
    CAIRN_RETURN_IF_ERROR(load_pem("CA file", *options.ca_file, [&](const std::string& f, auto& ec) {
      ctx->load_verify_file(f, ec);
    }));
  } else {
    boost::system::error_code ec;
    ctx->set_default_verify_paths(ec);
    ERR_clear_error();
    if (ec) return Status::unavailable("TLS: the system's CA certificates: " + ec.message());
  }
  if (options.certificate_file) {
    CAIRN_RETURN_IF_ERROR(load_identity(*ctx, *options.certificate_file, *options.private_key_file));
  }
  ctx->set_verify_mode(ssl::verify_peer);
  ctx->set_verify_callback(HostNameCheck(options.server_host));
  return ctx;
}

Status set_server_name(SSL* ssl, std::string_view host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(host), ec);
  if (!ec) return Status::ok();  // an IP address: no SNI
  if (SSL_set_tlsext_host_name(ssl, std::string(host).c_str()) != 1) {
    ERR_clear_error();
    return Status::invalid_argument("TLS: cannot send the server name " + std::string(host));
  }
  return Status::ok();
}

std::string verify_failure(const SSL* ssl) {
  long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) return "";
  return X509_verify_cert_error_string(result);
}

std::optional<std::string> peer_subject(const SSL* ssl) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl), X509_free);
  if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert.get()), 0,
                                 XN_FLAG_RFC2253) < 0) {
    ERR_clear_error();
    return std::nullopt;
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace cairn::tls
