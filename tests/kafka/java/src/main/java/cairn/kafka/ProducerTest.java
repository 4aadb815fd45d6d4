package cairn.kafka;

import static cairn.kafka.Checks.check;
import static cairn.kafka.Checks.equal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Apache Kafka's Java producer against cairnd: idempotent (the client's default) with lz4 and
 * zstd, each record read back by Kafka's consumer in order per partition. (Transactions:
 * TransactionTest.)
 *
 * <p>Usage: ProducerTest CAIRND
 */
public final class ProducerTest {
  public static void main(String[] args) throws Exception {
    Checks checks = new Checks();
    try (Broker broker = new Broker(args[0])) {
      for (String codec : List.of("lz4", "zstd")) {
        checks.test("AnIdempotent" + codec + "ProducerIsReadBackInOrderPerPartition", () -> {
          String topic = "java-produce-" + codec;
          Clients.createTopic(broker.kafka(), topic, 3);
          List<String> values = new ArrayList<>();
          for (int i = 0; i < 3000; ++i) values.add(codec + "-value-" + i + "-" + "x".repeat(i % 50));
          Map<String, Object> config = new HashMap<>();
          config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
          config.put(ProducerConfig.ACKS_CONFIG, "all");
          config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
          config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
          Clients.produce(broker.kafka(), topic, values, config);
          List<ConsumerRecord<String, String>> read =
              Clients.readAll(broker.kafka(), topic, 3, values.size());
          equal(values.size(), read.size(), "records read back");
          Map<Integer, Long> next = new HashMap<>();
          Map<Integer, Integer> lastIndex = new HashMap<>();
          for (var r : read) {
            long expected = next.getOrDefault(r.partition(), 0L);
            equal(expected, r.offset(), "offset in partition " + r.partition());
            next.put(r.partition(), expected + 1);
            int index = Integer.parseInt(r.key().substring(1));
            equal(values.get(index), r.value(), "value of " + r.key());
            check(index > lastIndex.getOrDefault(r.partition(), -1),
                "records of partition " + r.partition() + " in the order sent");
            lastIndex.put(r.partition(), index);
          }
        });
      }
    }
    System.exit(checks.finish());
  }
}
