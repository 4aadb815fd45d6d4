package cairn.kafka;

import static cairn.kafka.Checks.check;
import static cairn.kafka.Checks.equal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * Apache Kafka's transactional producer against cairnd (KIP-98): commit and abort seen by
 * read_committed and read_uncommitted consumers, zombie fencing by a second instance, the admin
 * client's view of the transactions, and a consume-transform-produce loop that commits its
 * group's offsets in the transaction.
 *
 * <p>Usage: TransactionTest CAIRND
 */
public final class TransactionTest {
  private static KafkaProducer<String, String> transactional(String bootstrap, String id) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60000);
    config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60000);
    return Clients.producer(bootstrap, config);
  }

  /** Every value of `topic`'s partitions from the start with `isolation`, within 60 s. */
  private static List<String> read(String bootstrap, String topic, int partitions, int expected,
      String isolation) {
    Properties p = Clients.consumerProperties(bootstrap, null);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    List<String> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<String, String>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; ++i) tps.add(new TopicPartition(topic, i));
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
      }
      // Anything past what was expected shows up within another poll.
      consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(r.value()));
    }
    return out;
  }

  private static long endOffsets(String bootstrap, String topic, int partitions) {
    try (var consumer = new KafkaConsumer<String, String>(
        Clients.consumerProperties(bootstrap, null))) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; ++i) tps.add(new TopicPartition(topic, i));
      return consumer.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static void send(KafkaProducer<String, String> producer, String topic, String prefix,
      int n) throws Exception {
    var futures = new ArrayList<java.util.concurrent.Future<?>>();
    for (int i = 0; i < n; ++i) {
      futures.add(producer.send(new ProducerRecord<>(topic, "k" + i, prefix + i)));
    }
    producer.flush();
    for (var f : futures) f.get();
  }

  private static boolean causedBy(Throwable t, Class<?> type) {
    for (; t != null; t = t.getCause()) {
      if (type.isInstance(t)) return true;
    }
    return false;
  }

  public static void main(String[] args) throws Exception {
    Checks checks = new Checks();
    try (Broker broker = new Broker(args[0])) {
      String bootstrap = broker.kafka();

      checks.test("CommittedRecordsAreReadCommittedAndAbortedOnesOnlyReadUncommitted", () -> {
        Clients.createTopic(bootstrap, "txn-out", 3);
        try (var producer = transactional(bootstrap, "java-txn")) {
          producer.initTransactions();
          producer.beginTransaction();
          send(producer, "txn-out", "first-", 10);
          producer.commitTransaction();
          producer.beginTransaction();
          send(producer, "txn-out", "aborted-", 5);
          producer.abortTransaction();
          producer.beginTransaction();
          send(producer, "txn-out", "second-", 10);
          producer.commitTransaction();
        }
        List<String> committed = read(bootstrap, "txn-out", 3, 20, "read_committed");
        equal(20, committed.size(), "records read committed: " + committed);
        check(committed.stream().noneMatch(v -> v.startsWith("aborted-")), "no aborted record");
        List<String> all = read(bootstrap, "txn-out", 3, 25, "read_uncommitted");
        equal(25, all.size(), "records read uncommitted: " + all);
        // Each transaction left a marker in each partition it wrote to.
        check(endOffsets(bootstrap, "txn-out", 3) > 25, "markers take offsets past the records");
      });

      checks.test("ASecondInstanceFencesTheFirstWhoseTransactionIsAborted", () -> {
        Clients.createTopic(bootstrap, "txn-fence", 1);
        try (var zombie = transactional(bootstrap, "java-fence");
            var successor = transactional(bootstrap, "java-fence")) {
          zombie.initTransactions();
          zombie.beginTransaction();
          send(zombie, "txn-fence", "zombie-", 3);
          successor.initTransactions();
          Throwable failure = null;
          try {
            zombie.commitTransaction();
          } catch (RuntimeException e) {
            failure = e;
          }
          check(causedBy(failure, ProducerFencedException.class), "zombie failure: " + failure);
          successor.beginTransaction();
          send(successor, "txn-fence", "successor-", 2);
          successor.commitTransaction();
        }
        List<String> committed = read(bootstrap, "txn-fence", 1, 2, "read_committed");
        equal(List.of("successor-0", "successor-1"), committed, "read committed");
      });

      checks.test("TheAdminClientListsAndDescribesTransactions", () -> {
        Clients.createTopic(bootstrap, "txn-admin", 2);
        try (var producer = transactional(bootstrap, "java-admin");
            Admin admin = Clients.admin(bootstrap)) {
          producer.initTransactions();
          producer.beginTransaction();
          send(producer, "txn-admin", "open-", 4);
          var ongoing = admin.listTransactions(
              new ListTransactionsOptions().filterStates(Set.of(TransactionState.ONGOING)))
              .all().get();
          Set<String> ids = new TreeSet<>();
          for (TransactionListing l : ongoing) ids.add(l.transactionalId());
          check(ids.contains("java-admin"), "ongoing transactions: " + ids);
          TransactionDescription d =
              admin.describeTransactions(List.of("java-admin")).all().get().get("java-admin");
          equal(TransactionState.ONGOING, d.state(), "state while open");
          check(!d.topicPartitions().isEmpty(), "its partitions: " + d.topicPartitions());
          check(d.transactionStartTimeMs().isPresent(), "a start time");
          producer.commitTransaction();
          // As in Kafka, the commit is answered once PrepareCommit is stored; the markers follow.
          long deadline = System.currentTimeMillis() + 10_000;
          do {
            d = admin.describeTransactions(List.of("java-admin")).all().get().get("java-admin");
            if (d.state() != TransactionState.PREPARE_COMMIT) break;
            Thread.sleep(10);
          } while (System.currentTimeMillis() < deadline);
          equal(TransactionState.COMPLETE_COMMIT, d.state(), "state after the commit");
          long pid = d.producerId();
          var byId = admin.listTransactions(
              new ListTransactionsOptions().filterProducerIds(Set.of(pid))).all().get();
          equal(1, byId.size(), "listed by producer id: " + byId);
        }
      });

      checks.test("AConsumeTransformProduceLoopCommitsItsGroupsOffsetsInTheTransaction", () -> {
        Clients.createTopic(bootstrap, "ctp-in", 2);
        Clients.createTopic(bootstrap, "ctp-out", 2);
        List<String> input = new ArrayList<>();
        for (int i = 0; i < 30; ++i) input.add("v" + i);
        Clients.produce(bootstrap, "ctp-in", input, Map.of());
        Properties cp = Clients.consumerProperties(bootstrap, "ctp");
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int copied = 0;
        try (var consumer = new KafkaConsumer<String, String>(cp);
            var producer = transactional(bootstrap, "java-ctp")) {
          producer.initTransactions();
          consumer.subscribe(List.of("ctp-in"));
          long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
          while (copied < input.size() && System.nanoTime() < deadline) {
            var records = consumer.poll(Duration.ofMillis(200));
            if (records.isEmpty()) continue;
            producer.beginTransaction();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (ConsumerRecord<String, String> r : records) {
              producer.send(new ProducerRecord<>("ctp-out", r.key(), r.value().toUpperCase()));
              offsets.put(new TopicPartition(r.topic(), r.partition()),
                  new OffsetAndMetadata(r.offset() + 1));
              ++copied;
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
          }
        }
        equal(input.size(), copied, "records copied");
        try (Admin admin = Clients.admin(bootstrap)) {
          var offsets = admin.listConsumerGroupOffsets("ctp").partitionsToOffsetAndMetadata().get();
          long sum = offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
          equal((long) input.size(), sum, "the group's committed offsets: " + offsets);
        }
        List<String> out = read(bootstrap, "ctp-out", 2, input.size(), "read_committed");
        equal(input.size(), out.size(), "records read committed from the output");
        check(out.stream().allMatch(v -> v.startsWith("V")), "transformed: " + out);
      });
    }
    System.exit(checks.finish());
  }
}
