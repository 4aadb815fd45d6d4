#pragma once

// Certificates for TLS tests, made at test time by the `openssl` program (never committed):
// a CA, a server certificate for 127.0.0.1 and localhost, client certificates, and the ones a
// test must see refused (another CA's, an expired one). Keys are EC P-256, fast to make.

#include <filesystem>
#include <string>
#include <vector>

namespace cairn::testing {

struct CertAndKey {
  std::filesystem::path cert;
  std::filesystem::path key;
};

class TestPki {
 public:
  // Makes everything under `dir`; fails the calling test (ADD_FAILURE) if openssl does.
  explicit TestPki(const std::filesystem::path& dir);

  std::filesystem::path ca;        // the CA everyone trusts
  std::filesystem::path other_ca;  // a CA nobody trusts
  CertAndKey server;               // by `ca`, SAN IP:127.0.0.1 and DNS:localhost, CN=localhost
  CertAndKey server_by_other_ca;   // the same names, by `other_ca`
  CertAndKey client;               // by `ca`, subject O=Cairn Test, CN=client1
  CertAndKey client_by_other_ca;   // by `other_ca`, CN=client1
  CertAndKey expired_client;       // by `ca`, its validity ended before it began

 private:
  void run(const std::vector<std::string>& args);
  void make_ca(const std::string& name, const std::string& subject);
  CertAndKey make_leaf(const std::string& name, const std::string& subject,
                       const std::string& ca_name, const std::string& days,
                       const std::string& extensions);

  std::filesystem::path dir_;
};

}  // namespace cairn::testing
