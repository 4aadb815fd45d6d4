package cairn.kafka;

import static cairn.kafka.Checks.check;
import static cairn.kafka.Checks.equal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Exactly once through crashes: a copying application (read_committed consumer, transactional
 * producer committing its input offsets in each transaction, each held open 20 ms) is SIGKILLed
 * ten times mid-stream and restarted; at the end a read_committed reader sees every input record exactly once in the
 * output.
 *
 * <p>Usage: ExactlyOnceTest CAIRND (the copier is this class run with "copy BOOTSTRAP")
 */
public final class ExactlyOnceTest {
  static final int RECORDS = 8000;
  static final int PARTITIONS = 2;
  static final String GROUP = "eo-copier";

  /** The copier: runs until it has found no input for 3 s. */
  static void copy(String bootstrap) throws InterruptedException {
    Properties cp = Clients.consumerProperties(bootstrap, GROUP);
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20);
    Map<String, Object> pc = new HashMap<>();
    pc.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "eo-copier");
    pc.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10000);
    pc.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60000);
    try (var consumer = new KafkaConsumer<String, String>(cp);
        KafkaProducer<String, String> producer = Clients.producer(bootstrap, pc)) {
      producer.initTransactions();
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; ++p) tps.add(new TopicPartition("eo-in", p));
      // Assigned, not subscribed: the group's committed offsets are where each run starts, with
      // no membership to wait out after a crash.
      consumer.assign(tps);
      System.out.println("copying");
      System.out.flush();
      long idleSince = System.nanoTime();
      while (System.nanoTime() - idleSince < TimeUnit.SECONDS.toNanos(3)) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) continue;
        idleSince = System.nanoTime();
        producer.beginTransaction();
        for (var r : records) producer.send(new ProducerRecord<>("eo-out", r.key(), r.value()));
        // A transaction stays open a while, so that most kills land inside one.
        Thread.sleep(20);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
          var list = records.records(tp);
          offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata(GROUP));
        producer.commitTransaction();
      }
    }
  }

  /** How many input records the copiers' group has committed. */
  static long committedInput(String bootstrap) throws Exception {
    try (var admin = Clients.admin(bootstrap)) {
      return admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().values()
          .stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
  }

  static Process startCopier(String bootstrap) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ExactlyOnceTest.class.getName(), "copy", bootstrap)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("copy")) {
      copy(args[1]);
      System.exit(0);
    }
    Checks checks = new Checks();
    try (Broker broker = new Broker(args[0])) {
      String bootstrap = broker.kafka();
      checks.test("ACopierKilledTenTimesMidStreamCopiesEveryRecordExactlyOnce", () -> {
        Clients.createTopic(bootstrap, "eo-in", PARTITIONS);
        Clients.createTopic(bootstrap, "eo-out", PARTITIONS);
        List<String> input = new ArrayList<>();
        for (int i = 0; i < RECORDS; ++i) input.add("r" + i);
        Clients.produce(bootstrap, "eo-in", input, Map.of());
        Random random = new Random(14);
        for (int kill = 0; kill < 10; ++kill) {
          Process copier = startCopier(bootstrap);
          // Once it copies (its only output), some transactions more, never all of them.
          var out = new java.io.BufferedReader(
              new java.io.InputStreamReader(copier.getInputStream()));
          equal("copying", out.readLine(), "the copier's start");
          Thread.sleep(200 + random.nextInt(1000));
          copier.destroyForcibly();  // SIGKILL
          copier.waitFor();
        }
        long before = committedInput(bootstrap);
        System.out.println("input committed after the kills: " + before + " of " + RECORDS);
        check(before > 0 && before < RECORDS, "the killed copiers stopped mid-stream");
        Process last = startCopier(bootstrap);
        check(last.waitFor(300, TimeUnit.SECONDS), "the last copier finished");
        equal(0, last.exitValue(), "the last copier's exit status");
        Properties rp = Clients.consumerProperties(bootstrap, null);
        rp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> seen = new TreeMap<>();
        int total = 0;
        try (var reader = new KafkaConsumer<String, String>(rp)) {
          List<TopicPartition> tps = new ArrayList<>();
          for (int p = 0; p < PARTITIONS; ++p) tps.add(new TopicPartition("eo-out", p));
          reader.assign(tps);
          reader.seekToBeginning(tps);
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          long quietSince = System.nanoTime();
          while (System.nanoTime() < deadline
              && (total < RECORDS || System.nanoTime() - quietSince < 1_000_000_000L)) {
            var records = reader.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) quietSince = System.nanoTime();
            for (var r : records) {
              seen.merge(r.value(), 1, Integer::sum);
              ++total;
            }
          }
        }
        List<String> duplicated = new ArrayList<>();
        seen.forEach((v, n) -> {
          if (n > 1) duplicated.add(v + " x" + n);
        });
        check(duplicated.isEmpty(), "copied more than once: " + duplicated);
        equal(RECORDS, seen.size(), "distinct records copied");
        equal(RECORDS, total, "records read committed");
      });
    }
    System.exit(checks.finish());
  }
}
