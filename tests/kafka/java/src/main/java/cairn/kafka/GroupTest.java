package cairn.kafka;

import static cairn.kafka.Checks.check;
import static cairn.kafka.Checks.equal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;

/**
 * A consumer group of Apache Kafka's Java consumers against cairnd, with the cooperative-sticky
 * and the range assignor: a second member joins while records flow, then the first leaves; with
 * a commit after each poll (and on revocation), every record is consumed exactly once.
 *
 * <p>Usage: GroupTest CAIRND
 */
public final class GroupTest {
  static final int PARTITIONS = 6;
  static final int PER_PHASE = 600;

  /** One member: polls on its own thread, commits after each poll and when losing partitions. */
  static final class Member implements AutoCloseable {
    final String name;
    final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    final Set<Integer> everAssigned = ConcurrentHashMap.newKeySet();
    final AtomicBoolean stop = new AtomicBoolean();
    final Thread thread;
    volatile Throwable failure;
    volatile int commitsDeferred;

    Member(String name, String bootstrap, String group, String topic, String assignor,
        Map<String, Integer> seen) {
      this.name = name;
      Properties p = Clients.consumerProperties(bootstrap, group);
      p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor);
      p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
      p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10000);
      p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
      thread = new Thread(() -> {
        try (var consumer = new KafkaConsumer<String, String>(p)) {
          consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              consumer.commitSync();
              assigned.removeAll(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              assigned.addAll(partitions);
              partitions.forEach(tp -> everAssigned.add(tp.partition()));
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
              assigned.removeAll(partitions);
            }
          });
          while (!stop.get()) {
            var records = consumer.poll(Duration.ofMillis(100));
            for (var r : records) seen.merge(r.value(), 1, Integer::sum);
            if (records.isEmpty()) continue;
            try {
              consumer.commitSync();
            } catch (RebalanceInProgressException e) {
              // A cooperative member keeps its partitions through a rebalance: the next commit,
              // or the one when it gives them up, covers these records.
              ++commitsDeferred;
            }
          }
        } catch (Throwable t) {
          failure = t;
        }
      }, name);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(60000);
      if (failure != null) throw new AssertionError(name + " failed", failure);
    }
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting: " + what);
      Thread.sleep(20);
    }
  }

  static List<String> phase(String label) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < PER_PHASE; ++i) values.add(label + "-" + i);
    return values;
  }

  static void rebalance(String bootstrap, String assignor, String tag) throws Exception {
    String topic = "java-group-" + tag;
    String group = "java-group-" + tag;
    Clients.createTopic(bootstrap, topic, PARTITIONS);
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    Map<String, Object> acks = Map.of("acks", "all");
    try (Member first = new Member("first", bootstrap, group, topic, assignor, seen)) {
      await(() -> first.assigned.size() == PARTITIONS, "the first member owns every partition");
      Clients.produce(bootstrap, topic, phase("one"), acks);
      await(() -> seen.size() == PER_PHASE, "the first member consumes the first phase");
      try (Member second = new Member("second", bootstrap, group, topic, assignor, seen)) {
        await(() -> !second.assigned.isEmpty()
                && first.assigned.size() + second.assigned.size() == PARTITIONS
                && first.assigned.size() < PARTITIONS,
            "the partitions are shared by two members");
        Clients.produce(bootstrap, topic, phase("two"), acks);
        await(() -> seen.size() == 2 * PER_PHASE, "the two members consume the second phase");
        first.close();
        await(() -> second.assigned.size() == PARTITIONS,
            "the second member owns every partition once the first left");
        Clients.produce(bootstrap, topic, phase("three"), acks);
        await(() -> seen.size() == 3 * PER_PHASE, "the second member consumes the third phase");
        Set<Integer> moved = new HashSet<>(second.everAssigned);
        equal(PARTITIONS, moved.size(), "partitions the second member took over");
      }
    }
    for (var e : seen.entrySet()) equal(1, e.getValue(), "deliveries of " + e.getKey());
    equal(3 * PER_PHASE, seen.size(), "distinct records consumed");
    // The committed offsets cover everything: a new member of the group reads nothing more.
    Properties p = Clients.consumerProperties(bootstrap, group);
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor);
    try (var consumer = new KafkaConsumer<String, String>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      int extra = 0;
      while (System.nanoTime() < deadline) extra += consumer.poll(Duration.ofMillis(200)).count();
      check(consumer.assignment().size() == PARTITIONS, "the new member was assigned");
      equal(0, extra, "records read again after the group's commits");
    }
  }

  public static void main(String[] args) throws Exception {
    Checks checks = new Checks();
    try (Broker broker = new Broker(args[0])) {
      checks.test("CooperativeStickyMembersJoiningAndLeavingConsumeEachRecordOnce",
          () -> rebalance(broker.kafka(), CooperativeStickyAssignor.class.getName(), "sticky"));
      checks.test("RangeMembersJoiningAndLeavingConsumeEachRecordOnce",
          () -> rebalance(broker.kafka(), RangeAssignor.class.getName(), "range"));
    }
    System.exit(checks.finish());
  }
}
