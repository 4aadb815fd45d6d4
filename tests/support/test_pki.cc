#include "tests/support/test_pki.h"

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace cairn::testing {

namespace {

const std::string kOpenssl = CAIRN_OPENSSL_PATH;

}  // namespace

TestPki::TestPki(const std::filesystem::path& dir) : dir_(dir) {
  make_ca("ca", "/CN=Cairn Test CA");
  make_ca("other-ca", "/CN=Someone Else CA");
  ca = dir_ / "ca.pem";
  other_ca = dir_ / "other-ca.pem";
  const std::string server_ext = "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  server = make_leaf("server", "/CN=localhost", "ca", "2", server_ext);
  server_by_other_ca = make_leaf("server-other", "/CN=localhost", "other-ca", "2", server_ext);
  client = make_leaf("client", "/O=Cairn Test/CN=client1", "ca", "2", "");
  client_by_other_ca = make_leaf("client-other", "/CN=client1", "other-ca", "2", "");
  expired_client = make_leaf("client-expired", "/CN=client1", "ca", "-1", "");
}

void TestPki::run(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kOpenssl};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = run_program(argv, std::nullopt, std::chrono::seconds(30));
  if (r.exit_code != 0) ADD_FAILURE() << "openssl " << args[0] << " failed: " << r.err;
}

void TestPki::make_ca(const std::string& name, const std::string& subject) {
  auto base = (dir_ / name).string();
  run({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-keyout", base + ".key", "-out", base + ".pem", "-days", "2", "-subj", subject});
}

CertAndKey TestPki::make_leaf(const std::string& name, const std::string& subject,
                              const std::string& ca_name, const std::string& days,
                              const std::string& extensions) {
  auto base = (dir_ / name).string();
  auto ca_base = (dir_ / ca_name).string();
  run({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
       base + ".key", "-out", base + ".csr", "-subj", subject});
  std::vector<std::string> sign = {"x509", "-req", "-in", base + ".csr", "-CA", ca_base + ".pem",
                                   "-CAkey", ca_base + ".key", "-set_serial",
                                   std::to_string(std::hash<std::string>{}(name) % 1000000 + 2),
                                   "-out", base + ".pem", "-days", days};
  if (!extensions.empty()) {
    write_file(base + ".ext", extensions);
    sign.insert(sign.end(), {"-extfile", base + ".ext"});
  }
  run(sign);
  return {base + ".pem", base + ".key"};
}

}  // namespace cairn::testing
