package cairn.kafka;

import static cairn.kafka.Checks.check;
import static cairn.kafka.Checks.equal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * The Kafka listener with SASL SCRAM and the authorizer on, against Apache Kafka's Java client
 * and kafka-acls: logging in with SCRAM-SHA-256 and SCRAM-SHA-512, a wrong password, a topic an
 * ACL allows and one it refuses, bindings added, listed and removed by Kafka's own tool, and
 * transactions (Write on the transactional id and on each topic written; listing shows only the
 * ids one may describe).
 * Users and the first grants are made offline with `cairn users add` / `cairn acl add`.
 *
 * <p>Usage: SecurityTest CAIRND CAIRN
 */
public final class SecurityTest {
  static final String ACLS = "org.apache.kafka.tools.AclCommand";
  static final Map<String, String> PASSWORDS = Map.of("admin", "admin-secret", "alice", "alice-secret");

  static void cairn(String cairn, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(cairn));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) throw new IllegalStateException("cairn " + command + ": " + out);
  }

  static void setUp(String cairn, Path data) throws Exception {
    for (var user : PASSWORDS.entrySet()) {
      Path file = Files.createTempFile("cairn-password-", ".txt");
      Files.writeString(file, user.getValue() + "\n");
      cairn(cairn, "users", "add", user.getKey(), "--password-file", file.toString(), "--data-dir",
          data.toString());
      Files.delete(file);
    }
    cairn(cairn, "acl", "add", "--principal", "User:alice", "--operation", "read,write,describe",
        "--topic", "allowed", "--data-dir", data.toString());
    cairn(cairn, "acl", "add", "--principal", "User:alice", "--operation", "read", "--group",
        "alice-", "--prefix", "--data-dir", data.toString());
    cairn(cairn, "acl", "add", "--principal", "User:alice", "--operation", "write,describe",
        "--transactional-id", "alice-txn", "--data-dir", data.toString());
    cairn(cairn, "acl", "add", "--principal", "User:alice", "--operation", "describe",
        "--topic", "described", "--data-dir", data.toString());
  }

  static Map<String, Object> sasl(String user, String password, String mechanism) {
    Map<String, Object> m = new HashMap<>();
    m.put("security.protocol", "SASL_PLAINTEXT");
    m.put("sasl.mechanism", mechanism);
    m.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
        + "username=\"" + user + "\" password=\"" + password + "\";");
    return m;
  }

  static Map<String, Object> as(String user, String mechanism) {
    return sasl(user, PASSWORDS.get(user), mechanism);
  }

  static Admin admin(String bootstrap, Map<String, Object> sasl) {
    Map<String, Object> config = new HashMap<>(sasl);
    config.put("bootstrap.servers", bootstrap);
    config.put("request.timeout.ms", 30000);
    config.put("default.api.timeout.ms", 30000);
    return Admin.create(config);
  }

  static KafkaConsumer<String, String> consumer(String bootstrap, String group,
      Map<String, Object> sasl) {
    var p = Clients.consumerProperties(bootstrap, group);
    p.putAll(sasl);
    return new KafkaConsumer<>(p);
  }

  public static void main(String[] args) throws Exception {
    Checks checks = new Checks();
    String cairn = args[1];
    try (Broker broker = new Broker(args[0], data -> setUp(cairn, data), "--sasl-mechanisms",
            "SCRAM-SHA-256,SCRAM-SHA-512", "--authorizer", "on", "--super-users", "User:admin")) {
      String b = broker.kafka();
      try (Admin admin = admin(b, as("admin", "SCRAM-SHA-512"))) {
        admin.createTopics(List.of(new NewTopic("allowed", 1, (short) 1),
            new NewTopic("secret", 1, (short) 1), new NewTopic("described", 1, (short) 1)))
            .all().get();
      }
      checks.test("TheJavaClientLogsInWithScramSha256And512AndProducesAndConsumes", () -> {
        for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
          List<String> values = new ArrayList<>();
          for (int i = 0; i < 50; ++i) values.add(mechanism + "-" + i);
          Clients.produce(b, "allowed", values, as("alice", mechanism));
          List<String> got = new ArrayList<>();
          try (var c = consumer(b, "alice-java-" + mechanism, as("alice", mechanism))) {
            c.subscribe(List.of("allowed"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!got.containsAll(values) && System.nanoTime() < deadline) {
              c.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
            }
            c.commitSync();
          }
          check(got.containsAll(values), mechanism + ": read " + got.size() + " records");
        }
      });
      checks.test("AWrongPasswordFailsWithAnAuthenticationError", () -> {
        try (Admin admin = admin(b, sasl("alice", "wrong", "SCRAM-SHA-256"))) {
          admin.listTopics().names().get();
          throw new AssertionError("listed topics with a wrong password");
        } catch (ExecutionException e) {
          check(e.getCause() instanceof SaslAuthenticationException, "cause: " + e.getCause());
        }
      });
      checks.test("AnAclAllowsOneTopicAndRefusesAnotherWithTopicAuthorizationFailed", () -> {
        try (var c = consumer(b, null, as("alice", "SCRAM-SHA-256"))) {
          c.assign(List.of(new TopicPartition("secret", 0)));
          c.seekToBeginning(List.of(new TopicPartition("secret", 0)));
          try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) c.poll(Duration.ofMillis(200));
            throw new AssertionError("read an unauthorized topic without an error");
          } catch (TopicAuthorizationException e) {
            check(e.unauthorizedTopics().contains("secret"), "refused: " + e.unauthorizedTopics());
          }
        }
        try (Admin admin = admin(b, as("alice", "SCRAM-SHA-256"))) {
          var names = admin.listTopics().names().get();
          check(names.contains("allowed") && !names.contains("secret"), "listed: " + names);
        }
      });
      checks.test("KafkaAclsAddsListsAndRemovesABinding", () -> {
        Path config = broker.dir().resolve("admin.properties");
        StringBuilder text = new StringBuilder();
        as("admin", "SCRAM-SHA-256").forEach((k, v) -> text.append(k).append('=').append(v)
            .append('\n'));
        Files.writeString(config, text.toString());
        String[] common = {"--bootstrap-server", b, "--command-config", config.toString()};
        equal(0, ToolsTest.run(null, ACLS, concat(common, "--add", "--allow-principal",
            "User:bob", "--operation", "Read", "--operation", "Describe", "--topic", "bobs"))
            .exit(), "add");
        var listed = ToolsTest.run(null, ACLS, concat(common, "--list", "--topic", "bobs"));
        equal(0, listed.exit(), "list");
        check(listed.out().contains("principal=User:bob") && listed.out().contains("READ")
            && listed.out().contains("DESCRIBE"), "listed:\n" + listed.out());
        equal(0, ToolsTest.run(null, ACLS, concat(common, "--remove", "--force",
            "--allow-principal", "User:bob", "--operation", "Read", "--topic", "bobs")).exit(),
            "remove");
        var after = ToolsTest.run(null, ACLS, concat(common, "--list", "--topic", "bobs"));
        check(!after.out().contains("READ") && after.out().contains("DESCRIBE"),
            "after removing Read:\n" + after.out());
        // alice may not manage ACLs: CLUSTER_AUTHORIZATION_FAILED.
        Path alice = broker.dir().resolve("alice.properties");
        StringBuilder aliceText = new StringBuilder();
        as("alice", "SCRAM-SHA-256").forEach((k, v) -> aliceText.append(k).append('=').append(v)
            .append('\n'));
        Files.writeString(alice, aliceText.toString());
        var refused = ToolsTest.run(null, ACLS, "--bootstrap-server", b, "--command-config",
            alice.toString(), "--list");
        check((refused.out() + refused.err()).contains("ClusterAuthorizationException"),
            "alice listing:\n" + refused.out() + refused.err());
      });
      checks.test("TransactionsNeedWriteOnTheIdAndEachTopicReadOnTheGroupAndDescribeToBeSeen", () -> {
        Map<String, Object> alice = new HashMap<>(as("alice", "SCRAM-SHA-256"));
        alice.put("max.block.ms", 30000);
        Map<String, Object> bobs = new HashMap<>(alice);
        bobs.put("transactional.id", "bob-txn");
        try (var p = Clients.producer(b, bobs)) {
          p.initTransactions();
          throw new AssertionError("initialised a transactional id without Write on it");
        } catch (TransactionalIdAuthorizationException e) {
          // expected
        }
        alice.put("transactional.id", "alice-txn");
        try (var p = Clients.producer(b, alice)) {
          p.initTransactions();
          p.beginTransaction();
          p.send(new ProducerRecord<>("allowed", "k", "in-txn")).get();
          p.commitTransaction();
          p.beginTransaction();
          try {
            p.send(new ProducerRecord<>("described", "k", "refused")).get();
            throw new AssertionError("wrote a topic without Write in a transaction");
          } catch (ExecutionException e) {
            check(e.getCause() instanceof TopicAuthorizationException, "cause: " + e.getCause());
          }
          p.abortTransaction();
          // Offsets in a transaction need Read on the group: alice reads only alice-*.
          p.beginTransaction();
          p.send(new ProducerRecord<>("allowed", "k", "with-offsets")).get();
          try {
            p.sendOffsetsToTransaction(
                Map.of(new TopicPartition("allowed", 0), new OffsetAndMetadata(1)),
                new ConsumerGroupMetadata("bobs-group"));
            throw new AssertionError("added a group's offsets without Read on it");
          } catch (GroupAuthorizationException e) {
            // expected
          }
          p.abortTransaction();
        }
        Map<String, Object> adminTxn = new HashMap<>(as("admin", "SCRAM-SHA-256"));
        adminTxn.put("transactional.id", "admin-txn");
        try (var p = Clients.producer(b, adminTxn)) {
          p.initTransactions();
        }
        try (Admin admin = admin(b, as("alice", "SCRAM-SHA-256"))) {
          var ids = new java.util.TreeSet<String>();
          admin.listTransactions().all().get().forEach(t -> ids.add(t.transactionalId()));
          equal(new java.util.TreeSet<>(List.of("alice-txn")), ids, "alice lists");
          try {
            admin.describeTransactions(List.of("admin-txn")).all().get();
            throw new AssertionError("described a transaction without Describe on its id");
          } catch (ExecutionException e) {
            check(e.getCause() instanceof TransactionalIdAuthorizationException,
                "cause: " + e.getCause());
          }
        }
        try (Admin admin = admin(b, as("admin", "SCRAM-SHA-256"))) {
          var ids = new java.util.TreeSet<String>();
          admin.listTransactions().all().get().forEach(t -> ids.add(t.transactionalId()));
          equal(new java.util.TreeSet<>(List.of("admin-txn", "alice-txn")), ids, "admin lists");
        }
      });
    }
    System.exit(checks.finish());
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
