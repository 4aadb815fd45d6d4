package cairn.kafka;

import static cairn.kafka.Checks.check;
import static cairn.kafka.Checks.equal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Apache Kafka's AdminClient against cairnd: topics created, described, grown, listed and
 * deleted; consumer groups listed and described; offsets listed; records deleted.
 *
 * <p>Usage: AdminTest CAIRND
 */
public final class AdminTest {
  public static void main(String[] args) throws Exception {
    Checks checks = new Checks();
    try (Broker broker = new Broker(args[0]); Admin admin = Clients.admin(broker.kafka())) {
      String bootstrap = broker.kafka();
      checks.test("CreatedTopicsAreDescribedWithTheirPartitionsOnTheOneBroker", () -> {
        admin.createTopics(List.of(new NewTopic("admin-a", 4, (short) 1),
            new NewTopic("admin-b", 1, (short) 1))).all().get();
        Map<String, TopicDescription> d =
            admin.describeTopics(List.of("admin-a", "admin-b")).allTopicNames().get();
        equal(4, d.get("admin-a").partitions().size(), "admin-a partitions");
        equal(1, d.get("admin-b").partitions().size(), "admin-b partitions");
        int node = admin.describeCluster().controller().get().id();
        for (var p : d.get("admin-a").partitions()) {
          equal(node, p.leader().id(), "leader of partition " + p.partition());
          equal(1, p.replicas().size(), "replicas of partition " + p.partition());
        }
        equal(1, admin.describeCluster().nodes().get().size(), "nodes");
      });
      checks.test("CreatingATopicThatExistsFailsWithTopicExists", () -> {
        try {
          admin.createTopics(List.of(new NewTopic("admin-a", 1, (short) 1))).all().get();
          throw new AssertionError("created twice");
        } catch (ExecutionException e) {
          check(e.getCause() instanceof TopicExistsException, "cause: " + e.getCause());
        }
      });
      checks.test("ListedTopicsAreTheCreatedOnesWithoutInternalTopics", () -> {
        Set<String> names = admin.listTopics().names().get();
        check(names.containsAll(Set.of("admin-a", "admin-b")), "listed: " + names);
        check(names.stream().noneMatch(n -> n.startsWith("__")), "no internal topic: " + names);
      });
      checks.test("ListOffsetsGivesTheEarliestAndLatestOffsets", () -> {
        List<String> values = List.of("a", "b", "c", "d", "e");
        Clients.produce(bootstrap, "admin-b", values, Map.of());
        TopicPartition tp = new TopicPartition("admin-b", 0);
        long earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get()
            .get(tp).offset();
        long latest = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get()
            .get(tp).offset();
        equal(0L, earliest, "earliest");
        equal(5L, latest, "latest");
      });
      checks.test("AConsumerGroupIsListedAndDescribedWithItsMemberAndCommittedOffsets", () -> {
        var p = Clients.consumerProperties(bootstrap, "admin-group");
        try (var consumer = new KafkaConsumer<String, String>(p)) {
          consumer.subscribe(List.of("admin-b"));
          int read = 0;
          long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
          while (read < 5 && System.nanoTime() < deadline) {
            read += consumer.poll(Duration.ofMillis(200)).count();
          }
          equal(5, read, "records consumed");
          consumer.commitSync();
          Set<String> groups = admin.listConsumerGroups().all().get().stream()
              .map(ConsumerGroupListing::groupId).collect(Collectors.toSet());
          check(groups.contains("admin-group"), "listed groups: " + groups);
          ConsumerGroupDescription g = admin.describeConsumerGroups(List.of("admin-group"))
              .describedGroups().get("admin-group").get();
          equal(GroupState.STABLE, g.groupState(), "state");
          equal(1, g.members().size(), "members");
          equal(Set.of(new TopicPartition("admin-b", 0)),
              g.members().iterator().next().assignment().topicPartitions(), "assignment");
          var committed = admin.listConsumerGroupOffsets("admin-group")
              .partitionsToOffsetAndMetadata().get();
          equal(5L, committed.get(new TopicPartition("admin-b", 0)).offset(), "committed");
        }
      });
      checks.test("CreatePartitionsGrowsATopicAndFewerIsInvalidPartitions", () -> {
        admin.createPartitions(Map.of("admin-b", NewPartitions.increaseTo(3))).all().get();
        equal(3, admin.describeTopics(List.of("admin-b")).allTopicNames().get().get("admin-b")
            .partitions().size(), "partitions after growing");
        try {
          admin.createPartitions(Map.of("admin-b", NewPartitions.increaseTo(2))).all().get();
          throw new AssertionError("shrunk");
        } catch (ExecutionException e) {
          check(e.getCause() instanceof InvalidPartitionsException, "cause: " + e.getCause());
        }
      });
      checks.test("DeleteRecordsMovesTheEarliestOffset", () -> {
        TopicPartition tp = new TopicPartition("admin-b", 0);
        var deleted = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3)))
            .lowWatermarks().get(tp).get();
        equal(3L, deleted.lowWatermark(), "low watermark");
        long earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get()
            .get(tp).offset();
        equal(3L, earliest, "earliest after deleting");
      });
      checks.test("DeletedTopicsAreNoLongerListedOrDescribed", () -> {
        admin.deleteTopics(List.of("admin-a")).all().get();
        Set<String> names = admin.listTopics().names().get();
        check(!names.contains("admin-a"), "still listed: " + names);
        try {
          admin.describeTopics(List.of("admin-a")).allTopicNames().get();
          throw new AssertionError("described after deletion");
        } catch (ExecutionException e) {
          check(e.getCause() instanceof UnknownTopicOrPartitionException, "cause: " + e.getCause());
        }
      });
    }
    System.exit(checks.finish());
  }
}
