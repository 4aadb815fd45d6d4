#pragma once

// The data directory's security log for `cairn users` and `cairn acl`, opened with the broker
// stopped; failures end the command with one line (CliError).

#include <memory>
#include <string>

#include "broker/security/offline_security_store.h"

namespace cairn::tools {

enum class DataDir { kMayCreate, kMustExist };

// kMayCreate: for adding, which may come before the broker's first start. kMustExist: anything
// else, so that a mistyped path fails (exit code 4) instead of leaving a new directory behind.
std::unique_ptr<broker::security::OfflineSecurityStore> open_offline_store(const std::string& data_dir,
                                                                           DataDir mode);
void close_offline_store(broker::security::OfflineSecurityStore& store);

}  // namespace cairn::tools
