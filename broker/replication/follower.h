#pragma once

// Follower: makes this broker a copy of another (--replica-of HOST:PORT, README "Replication and
// failover"). One coroutine on shard 0 holds one connection to the leader. It learns the
// leader's topics from Metadata, creates those it lacks with the leader's settings (TopicConfig)
// and deletes those the leader no longer has, then fetches every partition with replica fetches
// (Fetch v1 with this broker's node id as replica id) from its own log end, appends what comes
// byte for byte at the leader's offsets (PartitionLog::append_replica), and takes the leader's
// high watermark as the limit of its own readers. A lost connection is made again after a short
// pause; after a restart it resumes from its log end. The broker's own topics (names starting
// with `__`) are copied too, as far as both brokers have them (internal_topics.h). With
// --replica-user it logs in (SCRAM) before anything else on each connection.
//
// Owned by the Broker: started once the shards run, stopped at the start of a graceful stop.
// Used on shard 0's thread only.

#include <memory>
#include <string>

namespace cairn::broker {

class BrokerServices;
class Operations;

// --replica-user and its password: the SCRAM login to a leader that requires SASL. An empty
// user: no login.
struct ReplicaLogin {
  std::string user;
  std::string password;
};

class Follower {
 public:
  Follower(BrokerServices& services, Operations& ops, ReplicaLogin login);
  ~Follower();
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // Starts following, on shard 0.
  void start();
  // Closes the connection; the follow loop ends without another fetch. Shard 0's thread.
  void stop();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace cairn::broker
